"""Schemas of the grading rules (clinical-rules.md sections 1 and 2)."""

from typing import Literal, Self

from pydantic import Field, model_validator

from calculator.rulebook.base import FrozenModel, Rule, RuleSection

Consciousness = Literal[
    "alert", "awakens_spontaneously", "awakens_to_voice", "awakens_to_tactile", "unarousable"
]
Seizure = Literal["none", "rapidly_resolving", "prolonged_or_repetitive"]
Edema = Literal["none", "focal", "diffuse"]
OxygenDevice = Literal[
    "room_air",
    "blow_by",
    "nasal_cannula",
    "high_flow_nasal_cannula",
    "facemask",
    "nonrebreather",
    "venturi",
    "cpap",
    "bipap",
    "mechanical_ventilation",
]
Vasopressor = Literal[
    "norepinephrine", "epinephrine", "phenylephrine", "dopamine", "vasopressin", "other"
]


# --- CRS -------------------------------------------------------------------------------------


class FeverRule(Rule):
    fever_min_c: float


class CrsGradeRule(Rule):
    """A grade row of the ASTCT CRS table: which findings put the patient at this grade."""

    grade: int = Field(ge=1, le=5)
    oxygen_devices: tuple[OxygenDevice, ...] = ()
    hypotension: Literal[
        "none", "without_vasopressors", "one_vasopressor", "multiple_vasopressors"
    ] = "none"


class VasopressorRule(Rule):
    not_counted: tuple[Vasopressor, ...]
    alone_counts_as: int = Field(ge=1)


class OxygenFlowRule(Rule):
    low_flow_max_l_min: float = Field(gt=0)


class CrsRules(RuleSection):
    fever: FeverRule = Field(alias="CRS-FEVER")
    mask: Rule = Field(alias="CRS-MASK")
    gate: Rule = Field(alias="CRS-GATE")
    g1: CrsGradeRule = Field(alias="CRS-G1")
    g2: CrsGradeRule = Field(alias="CRS-G2")
    g3: CrsGradeRule = Field(alias="CRS-G3")
    g4: CrsGradeRule = Field(alias="CRS-G4")
    g5: CrsGradeRule = Field(alias="CRS-G5")
    worst: Rule = Field(alias="CRS-WORST")
    vaso: VasopressorRule = Field(alias="CRS-VASO")
    o2flow: OxygenFlowRule = Field(alias="CRS-O2FLOW")
    organ: Rule = Field(alias="CRS-ORGAN")
    comfort: Rule = Field(alias="CRS-COMFORT")

    def grade_rows(self) -> tuple[CrsGradeRule, ...]:
        return (self.g1, self.g2, self.g3, self.g4, self.g5)

    @model_validator(mode="after")
    def _grades_in_order(self) -> Self:
        if [r.grade for r in self.grade_rows()] != [1, 2, 3, 4, 5]:
            raise ValueError("CRS-G1..CRS-G5 must carry grades 1..5")
        return self


# --- ICANS -----------------------------------------------------------------------------------


class ScoreBand(FrozenModel):
    """Scores from ``low`` to ``high`` inclusive give ``grade``."""

    low: int = Field(ge=0)
    high: int = Field(ge=0)
    grade: int = Field(ge=0, le=5)


IceItemName = Literal["orientation", "naming", "commands", "writing", "attention"]


class IceRule(Rule):
    max_score: int = Field(gt=0)
    items: dict[IceItemName, int]
    item_labels: dict[IceItemName, str]
    bands: tuple[ScoreBand, ...]
    unable_grade: int = Field(ge=0, le=5)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if sum(self.items.values()) != self.max_score:
            raise ValueError("ICE item maxima must add up to max_score")
        if set(self.item_labels) != set(self.items):
            raise ValueError("every ICE item needs a label, and only those")
        _check_bands(self.bands, self.max_score)
        return self


class CapdItem(FrozenModel):
    """One CAPD item as worded on the form, and which way its columns run."""

    label: str
    scoring: Literal["reverse", "direct"]  # reverse: never = max ... always = 0


class CapdRule(Rule):
    item_count: int = Field(gt=0)
    item_max: int = Field(gt=0)
    items: tuple[CapdItem, ...]
    bands: tuple[ScoreBand, ...]
    unable_grade: int = Field(ge=0, le=5)

    @property
    def max_score(self) -> int:
        return self.item_count * self.item_max

    def scoring_text(self, index: int) -> str:
        """The item's column order as printed on the form: "never 4 … always 0"."""
        top = self.item_max
        low, high = (top, 0) if self.items[index].scoring == "reverse" else (0, top)
        return f"never {low} … always {high}"

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        _check_bands(self.bands, self.max_score)
        if len(self.items) != self.item_count:
            raise ValueError(f"CAPD lists {len(self.items)} items, not {self.item_count}")
        return self


def _check_bands(bands: tuple[ScoreBand, ...], max_score: int) -> None:
    """Bands must cover 0..max_score exactly once, so every score has one grade."""
    covered = sorted(s for b in bands for s in range(b.low, b.high + 1))
    if covered != list(range(max_score + 1)):
        raise ValueError(f"score bands must cover 0..{max_score} exactly once")


class ConsciousnessRule(Rule):
    grades: dict[Consciousness, int]


class SeizureRule(Rule):
    grades: dict[Seizure, int]


class MotorRule(Rule):
    grade: int = Field(ge=0, le=5)


class EdemaRule(Rule):
    grades: dict[Edema, int]


class AphasiaRule(Rule):
    aphasia_grade: int = Field(ge=0, le=5)
    unarousable_grade: int = Field(ge=0, le=5)


class DeathRule(Rule):
    grade: int = Field(ge=5, le=5)


class CapdAgeRule(Rule):
    age_limit_years: int = Field(gt=0)
    boundary: Literal["inclusive", "exclusive"]


class IcansRules(RuleSection):
    ice: IceRule = Field(alias="ICANS-ICE")
    loc: ConsciousnessRule = Field(alias="ICANS-LOC")
    seizure: SeizureRule = Field(alias="ICANS-SZ")
    motor: MotorRule = Field(alias="ICANS-MOTOR")
    icp: EdemaRule = Field(alias="ICANS-ICP")
    worst: Rule = Field(alias="ICANS-WORST")
    aphasia: AphasiaRule = Field(alias="ICANS-APHASIA")
    excl: Rule = Field(alias="ICANS-EXCL")
    g5: DeathRule = Field(alias="ICANS-G5")
    capd: CapdRule = Field(alias="ICANS-CAPD")
    capd_age: CapdAgeRule = Field(alias="ICANS-CAPDAGE")
