"""Schemas of the teaching-mode scoring rules (TEACH-GRADE, TEACH-DOSE, TEACH-TIME,
TEACH-ACTIONS, TEACH-CRITICAL in ``data/teaching.toml``; spec teaching.md).

They say how many points an answer earns and what counts as a critical error; the right
answers themselves are always computed by the grading, dosing and management rules.
"""

from pydantic import Field

from calculator.rulebook.base import Rule, RuleSection


class PointsRule(Rule):
    points: int = Field(ge=1, le=10)


class DoseScoreRule(PointsRule):
    """Within ``tolerance_mg`` of the computed dose (either way) scores."""

    tolerance_mg: float = Field(ge=0, le=10)


class ActionsScoreRule(Rule):
    points_per_action: int = Field(ge=1, le=10)


class CriticalRule(Rule):
    """A dose more than ``dose_deviation_pct`` from the key; a missed corticosteroid at or
    above ``steroid_from_grade``."""

    dose_deviation_pct: float = Field(gt=0, le=100)
    steroid_from_grade: int = Field(ge=1, le=5)


class TeachingRules(RuleSection):
    grade: PointsRule = Field(alias="TEACH-GRADE")
    dose: DoseScoreRule = Field(alias="TEACH-DOSE")
    time: PointsRule = Field(alias="TEACH-TIME")
    actions: ActionsScoreRule = Field(alias="TEACH-ACTIONS")
    critical: CriticalRule = Field(alias="TEACH-CRITICAL")
