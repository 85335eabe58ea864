"""`python -m calculator scenario-key`, `score` and `scenarios` (spec teaching.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from calculator.edge.errors import InputError
from calculator.rulebook import Ruleset
from calculator.rulebook.profiles import Profile
from calculator.teaching.key import ScenarioKey, scenario_key, scenario_profile
from calculator.teaching.library import builtin_scenarios
from calculator.teaching.models import Scenario, dump_scenario, load_attempt, load_scenario
from calculator.teaching.score import ScoreResult, score_attempt

if TYPE_CHECKING:
    from calculator.edge.cli import Context


def _profile(scenario: Scenario, ctx: Context, field: str) -> Profile:
    """The scenario's profile stands; ``--profile`` only fills in when it names none, and
    a different one is refused rather than silently keying another protocol."""
    rs: Ruleset = ctx.rs
    if scenario.profile is not None and ctx.profile_explicit and ctx.profile.id != scenario.profile:
        raise InputError.for_field(
            field,
            f"the scenario is written for profile {scenario.profile!r}; --profile "
            f"{ctx.profile.id!r} differs",
        )
    try:
        return scenario_profile(scenario, rs, ctx.profile)
    except InputError as err:
        raise InputError.for_field(field, err.fields[0].message) from None


def scenario_key_command(payload: dict[str, Any], ctx: Context) -> ScenarioKey:
    scenario = load_scenario(payload)
    return scenario_key(scenario, _profile(scenario, ctx, "profile"), ctx.rs)


def score_command(payload: dict[str, Any], ctx: Context) -> ScoreResult:
    attempt = load_attempt(payload)
    profile = _profile(attempt.scenario, ctx, "scenario.profile")
    return score_attempt(attempt, profile, ctx.rs)


def scenarios_command(_: dict[str, Any], ctx: Context) -> dict[str, Any]:
    return {
        "scenarios": [dump_scenario(s) for s in builtin_scenarios()],
        "ruleset": ctx.rs.info.model_dump(),
        "profile": ctx.profile.id,
        "warnings": [],
        "rules": [],
    }
