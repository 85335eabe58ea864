"""Schemas of the crosswalk to the older grading scales (clinical-rules.md section 13:
XW-LEE, XW-HIGHDOSE, XW-CTCAE, XW-PENN, XW-MSKCC, XW-CARTOX, XW-CRES, XW-WORST, XW-RANGE,
XW-UNKNOWN, XW-CARTOX10, XW-ORGAN, XW-DEVICES in ``data/crosswalk.toml``).

Each scale rule carries ``grades``: the criteria the core interprets, each with the grade
it gives on that scale. The exact set of criteria is fixed per scale here, so data that
drops or misspells one is refused at load rather than read as "no such criterion".
"""

from typing import ClassVar, Literal, Self

from pydantic import Field, model_validator

from calculator.rulebook.base import FrozenModel, Rule, RuleSection
from calculator.rulebook.grading import OxygenDevice, ScoreBand

ScaleKey = Literal["lee2014", "ctcae5", "penn", "mskcc", "cartox", "cres"]


class ScaleRule(Rule):
    """One older scale: its key in results, its name on screen, its criteria's grades."""

    CRITERIA: ClassVar[frozenset[str]] = frozenset()

    scale: ScaleKey
    name: str
    grades: dict[str, int]

    @model_validator(mode="after")
    def _criteria_complete(self) -> Self:
        missing = sorted(self.CRITERIA - set(self.grades))
        unknown = sorted(set(self.grades) - self.CRITERIA)
        if missing or unknown:
            raise ValueError(f"{self.id} grades: missing {missing}, unknown {unknown}")
        bad = [k for k, g in self.grades.items() if not 0 <= g <= 4]
        if bad:
            raise ValueError(f"{self.id} grades: {bad[0]} must be from 0 to 4")
        return self

    def grade(self, criterion: str) -> int:
        return self.grades[criterion]


class LeeRule(ScaleRule):
    CRITERIA = frozenset(
        {
            "fever", "symptoms", "hypotension_fluids", "one_low_dose_vasopressor",
            "high_dose_vasopressor", "multiple_vasopressors", "fio2_low", "fio2_high",
            "mechanical_ventilation", "organ_2", "organ_3", "organ_4", "transaminitis_4",
        }
    )  # fmt: skip
    fio2_high_min_pct: float = Field(gt=21, le=100)


class CtcaeRule(ScaleRule):
    CRITERIA = frozenset(
        {
            "fever", "hypotension_fluids", "one_vasopressor", "multiple_vasopressors",
            "fio2_low", "fio2_high", "ventilation", "life_threatening",
        }
    )  # fmt: skip
    fio2_high_min_pct: float = Field(gt=21, le=100)


class PennRule(ScaleRule):
    CRITERIA = frozenset(
        {
            "fever", "symptoms", "creatinine_2", "creatinine_3", "transaminase_3",
            "transaminase_4", "hospitalised", "iv_therapy", "multiple_fluid_boluses",
            "low_dose_vasopressor", "coagulopathy", "supplemental_oxygen",
            "high_dose_vasopressor", "mechanical_ventilation",
        }
    )  # fmt: skip


class MskccRule(ScaleRule):
    CRITERIA = frozenset(
        {
            "fever", "symptoms", "vasopressor_short", "vasopressor_long",
            "refractory_high_dose", "fio2_low", "fio2_high", "mechanical_ventilation",
        }
    )  # fmt: skip
    fio2_high_min_pct: float = Field(gt=21, le=100)
    vasopressor_hours_min: float = Field(gt=0)


class CartoxRule(ScaleRule):
    CRITERIA = frozenset(
        {
            "fever", "organ_1", "hypotension_fluids", "one_low_dose_vasopressor",
            "high_dose_vasopressor", "multiple_vasopressors", "fio2_low", "fio2_high",
            "organ_2", "organ_3", "transaminitis_4", "life_threatening_hypotension",
            "mechanical_ventilation", "organ_4",
        }
    )  # fmt: skip
    fio2_high_min_pct: float = Field(gt=21, le=100)


class CresRule(ScaleRule):
    CRITERIA = frozenset(
        {
            "unable_to_assess", "papilloedema_low", "papilloedema_high", "csf_raised",
            "csf_high", "cerebral_oedema", "seizure_partial", "seizure_generalised",
            "status_epilepticus", "motor_weakness",
        }
    )  # fmt: skip
    cartox10_max: int = Field(gt=0)
    cartox10_bands: tuple[ScoreBand, ...]
    papilloedema_grade4_min_stage: int = Field(ge=1, le=5)
    csf_grade4_min_mmhg: float = Field(gt=0)

    @model_validator(mode="after")
    def _bands_cover(self) -> Self:
        covered = sorted(s for b in self.cartox10_bands for s in range(b.low, b.high + 1))
        if covered != list(range(self.cartox10_max + 1)):
            raise ValueError("XW-CRES bands must cover each CARTOX-10 score exactly once")
        return self

    def band_grade(self, score: int) -> int:
        return next(b.grade for b in self.cartox10_bands if b.low <= score <= b.high)


class HighDoseRule(Rule):
    """XW-HIGHDOSE: monotherapy thresholds, the two norepinephrine-equivalent thresholds and
    the equivalence factors; ``input_max_factor`` times a threshold is the largest dose the
    crosswalk accepts (more is a typing error)."""

    norepinephrine_ug_min: float = Field(gt=0)
    dopamine_ug_kg_min: float = Field(gt=0)
    phenylephrine_ug_min: float = Field(gt=0)
    epinephrine_ug_min: float = Field(gt=0)
    with_vasopressin_ne_equivalent_ug_min: float = Field(gt=0)
    combination_ne_equivalent_ug_min: float = Field(gt=0)
    hours_min: float = Field(gt=0)
    dopamine_ne_divisor: float = Field(gt=0)
    phenylephrine_ne_divisor: float = Field(gt=0)
    input_max_factor: float = Field(ge=1)


class DeathRule(Rule):
    death_grade: int = Field(ge=5, le=5)


class UnknownRule(Rule):
    room_air_fio2_pct: float = Field(ge=21, le=21)


class DevicesRule(Rule):
    positive_pressure: tuple[OxygenDevice, ...]


class Concordance(FrozenModel):
    """A published agreement figure between the scales, with its source."""

    source: str
    text: str
    figures: dict[str, int]


class CrosswalkRules(RuleSection):
    lee: LeeRule = Field(alias="XW-LEE")
    high_dose: HighDoseRule = Field(alias="XW-HIGHDOSE")
    ctcae: CtcaeRule = Field(alias="XW-CTCAE")
    penn: PennRule = Field(alias="XW-PENN")
    mskcc: MskccRule = Field(alias="XW-MSKCC")
    cartox: CartoxRule = Field(alias="XW-CARTOX")
    cres: CresRule = Field(alias="XW-CRES")
    worst: DeathRule = Field(alias="XW-WORST")
    ranges: Rule = Field(alias="XW-RANGE")
    unknown: UnknownRule = Field(alias="XW-UNKNOWN")
    cartox10: Rule = Field(alias="XW-CARTOX10")
    organ: Rule = Field(alias="XW-ORGAN")
    devices: DevicesRule = Field(alias="XW-DEVICES")
    concordance: tuple[Concordance, ...] = Field(min_length=1)

    def scales(self) -> tuple[ScaleRule, ...]:
        return (self.lee, self.ctcae, self.penn, self.mskcc, self.cartox, self.cres)
