"""The rulebook: every clinical number as versioned data with its rule ID, source and status.

The data lives in ``rulebook/data/*.toml`` (one file per domain); the schemas in
this package validate it once, at first use, and the code elsewhere interprets it.

The base models are imported with the package; the ruleset and its loader on first use
(PEP 562 ``__getattr__``): the app's first paint reads its style sheet through
``calculator.edge.safe_io``, whose errors need the base models only (issue 26).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from calculator.rulebook.base import EvidenceStatus, FrozenModel, Rule, Source

if TYPE_CHECKING:
    from calculator.rulebook.in_force import ruleset
    from calculator.rulebook.loader import Ruleset, RulesetInfo, load_ruleset

__all__ = [
    "EvidenceStatus",
    "FrozenModel",
    "Rule",
    "Ruleset",
    "RulesetInfo",
    "Source",
    "load_ruleset",
    "ruleset",
]

#: Where each name imported on first use lives.
_LATER = {
    "ruleset": "calculator.rulebook.in_force",
    "Ruleset": "calculator.rulebook.loader",
    "RulesetInfo": "calculator.rulebook.loader",
    "load_ruleset": "calculator.rulebook.loader",
}


def __getattr__(name: str) -> Any:
    module = _LATER.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # once: later reads are plain attribute reads
    return value
