"""Schemas of the management rules (clinical-rules.md section 6; product lines of section 8).

Each MGT rule carries its suggested actions as data: the contract's action code, a
strength (give / consider / avoid), the words shown, the dose engine regimen that computes
the dose, and the conditions (grades, product, profile settings) under which it applies.
"""

from typing import Literal, Self

from pydantic import Field, model_validator

from calculator.rulebook.base import EvidenceStatus, FrozenModel, Rule, RuleSection

ActionCode = Literal[
    "supportive_care",
    "infection_workup",
    "tocilizumab",
    "dexamethasone",
    "methylprednisolone",
    "anakinra",
    "siltuximab",
    "icu",
    "seizure_prophylaxis",
    "antifungal_prophylaxis",
    "neuro_imaging",
    "eeg",
]
#: What the rule data may say of an action.
SpecStrength = Literal["give", "consider", "avoid"]
#: What a plan may say: "wait" is set by MGT-WAIT from the repeat-dose clock, never by data.
Strength = Literal["give", "consider", "avoid", "wait"]
Product = Literal[
    "axi-cel",
    "brexu-cel",
    "tisa-cel",
    "liso-cel",
    "ide-cel",
    "cilta-cel",
    "obe-cel",
    "teclistamab",
    "elranatamab",
    "talquetamab",
    "epcoritamab",
    "glofitamab",
    "mosunetuzumab",
    "tarlatamab",
    "blinatumomab",
    "other",
]
Grade = int

#: Codes whose action is a drug with a dose, and the dose engine's drug for each.
CODE_DRUG: dict[str, str] = {
    "tocilizumab": "tocilizumab",
    "dexamethasone": "dexamethasone",
    "methylprednisolone": "methylprednisolone",
    "anakinra": "anakinra",
    "siltuximab": "siltuximab",
    "seizure_prophylaxis": "levetiracetam",
}
DRUG_CODES: frozenset[str] = frozenset(CODE_DRUG)


class ActionSpec(FrozenModel):
    """One suggested action of a rule, with the conditions under which it applies."""

    code: ActionCode
    strength: SpecStrength
    text: str = Field(min_length=1)
    regimen: str | None = None
    #: The action is one of two regimens a line offers as alternatives (MGT-ONE-STEROID).
    alternative: bool = False
    #: The action's own status where its rule's is split (the V part of the rule).
    status: EvidenceStatus | None = None
    #: The action applies only when the improving answer is this (None: whatever it is).
    improving: bool | None = None
    every_h: float | None = Field(default=None, gt=0, le=168)
    once: bool = False
    days: int | None = Field(default=None, gt=0)
    taper: str | None = Field(default=None, pattern=r"^TAPER-[A-Z0-9]+$")
    crs_grades: tuple[Grade, ...] = ()
    icans_grades: tuple[Grade, ...] = ()
    products: tuple[Product, ...] = ()
    steroid_timing: Literal["standard", "earlier"] | None = None
    crs4_steroid_regimen: Literal["TAPER-MP1G", "TAPER-MP500"] | None = None

    @model_validator(mode="after")
    def _coherent(self) -> Self:
        if (self.regimen or self.taper or self.every_h or self.once) and (
            self.code not in DRUG_CODES
        ):
            raise ValueError(f"a {self.code} action carries no dose")
        if self.once and self.every_h is not None:
            raise ValueError("an action is either once or every_h")
        if any(not 0 <= g <= 5 for g in (*self.crs_grades, *self.icans_grades)):
            raise ValueError("grades are 0-5")
        return self


class ManagementRule(Rule):
    """A management rule: the grades it applies at, and its actions."""

    crs_grades: tuple[Grade, ...] = ()
    icans_grades: tuple[Grade, ...] = ()
    actions: tuple[ActionSpec, ...] = ()


class Rung(FrozenModel):
    """MGT-REFR: what to add when not improving after this many tocilizumab doses."""

    after_doses: int = Field(ge=1)
    actions: tuple[ActionSpec, ...] = Field(min_length=1)


class LadderRule(ManagementRule):
    rungs: tuple[Rung, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _rungs_in_order(self) -> Self:
        after = [r.after_doses for r in self.rungs]
        if after != sorted(set(after)):
            raise ValueError("rungs must be in increasing after_doses")
        return self

    def rung_for(self, doses_given: int) -> Rung | None:
        reached = [r for r in self.rungs if r.after_doses <= doses_given]
        return reached[-1] if reached else None


class InfectionRule(ManagementRule):
    tocilizumab_warning: str = Field(min_length=1)


class HaploRule(ManagementRule):
    severe_from_crs_grade: int = Field(ge=1, le=5)


class OneSteroidRule(Rule):
    """MGT-ONE-STEROID: the codes that count as one systemic corticosteroid regimen."""

    steroid_codes: tuple[ActionCode, ...] = Field(min_length=1)
    replaces_words: str = Field(min_length=1)
    alternative_words: str = Field(min_length=1)


class LadderGateRule(Rule):
    """MGT-LADDER: the CRS grade from which the refractory ladder climbs."""

    from_crs_grade: int = Field(ge=1, le=4)
    advice: str = Field(min_length=1)


class ImprovingRule(Rule):
    unanswered: str = Field(min_length=1)


class GradeFiveRule(Rule):
    grade: int = Field(ge=1, le=5)


class SeizureRule(Rule):
    """MGT-SZ: prophylaxis to consider from an ICANS grade; levetiracetam after a seizure."""

    consider_from_icans_grade: int = Field(ge=1, le=4)
    prophylaxis: ActionSpec
    on_seizure: ActionSpec


class NoDoseRule(Rule):
    requires: tuple[Literal["weight_kg", "age_years"], ...] = Field(min_length=1)


class ManagementRules(RuleSection):
    crs1: ManagementRule = Field(alias="MGT-CRS1")
    crs2: ManagementRule = Field(alias="MGT-CRS2")
    crs3: ManagementRule = Field(alias="MGT-CRS3")
    crs4: ManagementRule = Field(alias="MGT-CRS4")
    refr: LadderRule = Field(alias="MGT-REFR")
    icans1: ManagementRule = Field(alias="MGT-ICANS1")
    icans2: ManagementRule = Field(alias="MGT-ICANS2")
    icans3: ManagementRule = Field(alias="MGT-ICANS3")
    icans4: ManagementRule = Field(alias="MGT-ICANS4")
    notoci: ManagementRule = Field(alias="MGT-NOTOCI")
    infect: InfectionRule = Field(alias="MGT-INFECT")
    icu: ManagementRule = Field(alias="MGT-ICU")
    haplo: HaploRule = Field(alias="MGT-HAPLO")
    axi: ManagementRule = Field(alias="MGT-AXI")
    bispec: ManagementRule = Field(alias="MGT-BISPEC")
    one_steroid: OneSteroidRule = Field(alias="MGT-ONE-STEROID")
    ladder: LadderGateRule = Field(alias="MGT-LADDER")
    improving: ImprovingRule = Field(alias="MGT-IMPROVING")
    wait: Rule = Field(alias="MGT-WAIT")
    g5: GradeFiveRule = Field(alias="MGT-G5")
    sz: SeizureRule = Field(alias="MGT-SZ")
    nodose: NoDoseRule = Field(alias="MGT-NODOSE")

    def grade_rules(self) -> tuple[ManagementRule, ...]:
        """The rules chosen by grade alone, CRS first."""
        return (
            self.crs1,
            self.crs2,
            self.crs3,
            self.crs4,
            self.icans1,
            self.icans2,
            self.icans3,
            self.icans4,
        )

    def conditional_rules(self) -> tuple[ManagementRule, ...]:
        """Rules whose actions carry their own conditions (grades, products)."""
        return (self.notoci, self.icu, self.axi, self.bispec)
