"""The rulebook: every clinical number as versioned data with its rule ID, source and status.

The data lives in ``rulebook/data/*.toml`` (one file per domain); the schemas in
this package validate it once, at first use, and the code elsewhere interprets it.
"""

from calculator.rulebook.base import EvidenceStatus, FrozenModel, Rule, Source
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
