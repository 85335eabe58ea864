"""Teaching mode (spec teaching.md): scenario and attempt documents, the key computed by
the core, scoring per the TEACH-* rules, and the built-in scenario library. No Qt."""

from calculator.teaching.key import (
    CheckpointKey,
    ScenarioKey,
    scenario_key,
    scenario_profile,
    scenario_sha256,
)
from calculator.teaching.library import builtin_scenario, builtin_scenarios
from calculator.teaching.models import (
    ASK_ITEMS,
    ATTEMPT_FORMAT,
    SCENARIO_FORMAT,
    ActionAnswer,
    Answer,
    Attempt,
    Checkpoint,
    Scenario,
    ScenarioPatient,
    dump_attempt,
    dump_scenario,
    load_attempt,
    load_scenario,
)
from calculator.teaching.score import (
    CheckpointScore,
    CriticalError,
    ItemScore,
    ScoreResult,
    score_attempt,
    score_checkpoint,
)

__all__ = [
    "ASK_ITEMS",
    "ATTEMPT_FORMAT",
    "SCENARIO_FORMAT",
    "ActionAnswer",
    "Answer",
    "Attempt",
    "Checkpoint",
    "CheckpointKey",
    "CheckpointScore",
    "CriticalError",
    "ItemScore",
    "Scenario",
    "ScenarioKey",
    "ScenarioPatient",
    "ScoreResult",
    "builtin_scenario",
    "builtin_scenarios",
    "dump_attempt",
    "dump_scenario",
    "load_attempt",
    "load_scenario",
    "scenario_key",
    "scenario_profile",
    "scenario_sha256",
    "score_attempt",
    "score_checkpoint",
]
