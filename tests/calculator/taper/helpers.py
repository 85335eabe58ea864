"""Plan tapers from plain dicts, as the command line does."""

from __future__ import annotations

from typing import Any

from calculator import builtin_profile, ruleset
from calculator.edge.errors import InputError
from calculator.edge.inputs import validate
from calculator.taper import TaperInput, TaperResult, plan_taper


def plan(payload: dict[str, Any], profile: str | None = None) -> TaperResult:
    rs = ruleset()
    return plan_taper(validate(TaperInput, payload), builtin_profile(rs, profile), rs)


def plan_refused(payload: dict[str, Any]) -> InputError:
    try:
        plan(payload)
    except InputError as err:
        return err
    raise AssertionError(f"{payload!r} was accepted")
