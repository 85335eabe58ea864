"""Schemas of the dose-panel rules (clinical-rules.md sections 3 and 4).

Tocilizumab (TOCI-*), the other agents (SILT-*, ANAK-*, DEX-CRS, MP-KG, MP-1G, MP-1G-BID,
LEV-PROPH), the paediatric steroid safety rule (PED-STEROID), steroid equivalence
(STER-EQ, STER-NOTEQ), and two typing-error checks the spec has no numbers for
(DOSE-PLAUSIBLE, TOCI-STEP-NEAR; status V, their text says where the numbers come from).

A drug with more than one way of giving it has *regimens*: each record carries a
readable id (``dexamethasone-10mg-q6h``), its own evidence status where the rule's is
mixed ("P / V for 20 mg"), and sits inside the rule that defines it, so it always knows
its rule ID.
"""

from typing import Literal, Self

from pydantic import Field, model_validator

from calculator.rulebook.base import EvidenceStatus, FrozenModel, Rule, RuleSection

Drug = Literal[
    "tocilizumab", "siltuximab", "anakinra", "dexamethasone", "methylprednisolone", "levetiracetam"
]
SteroidDrug = Literal["dexamethasone", "methylprednisolone", "prednisone", "hydrocortisone"]
Population = Literal["adult", "child", "any"]
Diluent = Literal["0.9% NaCl", "0.45% NaCl"]

REGIMEN_ID = r"^[a-z][a-z0-9-]{2,63}$"


# --- tocilizumab -----------------------------------------------------------------------------


class TociDoseRule(Rule):
    """TOCI-DOSE: mg/kg by actual body weight, below and from the weight step."""

    regimen_id: str = Field(pattern=REGIMEN_ID)
    step_kg: float = Field(gt=0)
    below_step_mg_per_kg: float = Field(gt=0)
    from_step_mg_per_kg: float = Field(gt=0)
    route: str
    infusion_minutes: int = Field(gt=0)


class CapRule(Rule):
    max_mg_per_infusion: float = Field(gt=0)


class AgeRule(Rule):
    min_age_years: float = Field(gt=0)


class RouteRule(Rule):
    route: str
    never: tuple[str, ...]


class Vial(FrozenModel):
    strength_mg: int = Field(gt=0)
    volume_ml: float = Field(gt=0)


class TociVialsRule(Rule):
    vials: tuple[Vial, ...] = Field(min_length=1)
    concentration_mg_per_ml: float = Field(gt=0)

    @model_validator(mode="after")
    def _one_concentration(self) -> Self:
        for v in self.vials:
            if abs(v.strength_mg / v.volume_ml - self.concentration_mg_per_ml) > 1e-9:
                raise ValueError(
                    f"vial {v.strength_mg} mg/{v.volume_ml} mL is not at the stated mg/mL"
                )
        if len({v.strength_mg for v in self.vials}) != len(self.vials):
            raise ValueError("each vial strength once")
        return self


class BagRule(Rule):
    step_kg: float = Field(gt=0)
    below_step_bag_ml: int = Field(gt=0)
    from_step_bag_ml: int = Field(gt=0)
    diluents: tuple[Diluent, ...] = Field(min_length=1)
    withdraw_drug_volume_first: bool


class StabilityEntry(FrozenModel):
    diluent: Diluent
    refrigerated_h: float = Field(gt=0)
    room_temperature_h: float = Field(gt=0)
    protect_from_light: bool


class StabilityRule(Rule):
    entries: tuple[StabilityEntry, ...] = Field(min_length=1)


class RoundRule(Rule):
    tolerance_fraction: float = Field(gt=0, lt=1)
    #: A dose exactly halfway between two whole-vial totals goes to this one.
    on_tie: Literal["lower", "higher"]
    record_text: str = Field(min_length=1)


class StepNearRule(Rule):
    within_kg: float = Field(gt=0)


# --- weight for age (typing-error check) ---------------------------------------------------


class AgeBand(FrozenModel):
    """Ages from ``from_years`` (inclusive) to ``below_years`` (exclusive)."""

    from_years: float = Field(ge=0)
    below_years: float = Field(gt=0)
    min_kg: float = Field(gt=0)
    max_kg: float = Field(gt=0)


class PlausibleWeightRule(Rule):
    bands: tuple[AgeBand, ...] = Field(min_length=1)
    kg_per_lb: float = Field(gt=0)

    @model_validator(mode="after")
    def _contiguous(self) -> Self:
        if self.bands[0].from_years != 0:
            raise ValueError("the first age band must start at 0 years")
        for a, b in zip(self.bands, self.bands[1:], strict=False):
            if a.below_years != b.from_years:
                raise ValueError("age bands must be contiguous")
        for band in self.bands:
            if band.min_kg >= band.max_kg or band.from_years >= band.below_years:
                raise ValueError("each age band needs min < max")
        return self

    def band_for(self, age_years: float) -> AgeBand | None:
        return next(
            (b for b in self.bands if b.from_years <= age_years < b.below_years),
            None,
        )


# --- other agents ----------------------------------------------------------------------------


class Regimen(FrozenModel):
    """One way of giving a drug: a fixed dose or mg/kg (with optional caps)."""

    id: str = Field(pattern=REGIMEN_ID)
    label: str = Field(min_length=1)
    population: Population
    #: None: the rule does not state the route.
    route: str | None = None
    #: None: a single dose.
    every_h: float | None = Field(default=None, gt=0, le=168)
    dose_mg: float | None = Field(default=None, gt=0)
    mg_per_kg: float | None = Field(default=None, gt=0)
    max_dose_mg: float | None = Field(default=None, gt=0)
    max_daily_mg: float | None = Field(default=None, gt=0)
    days: int | None = Field(default=None, gt=0)
    infusion_minutes: int | None = Field(default=None, gt=0)
    #: The regimen's own status where the rule's is mixed; else the rule's status applies.
    status: EvidenceStatus | None = None

    @model_validator(mode="after")
    def _one_way_of_dosing(self) -> Self:
        if (self.dose_mg is None) == (self.mg_per_kg is None):
            raise ValueError(f"regimen {self.id}: give exactly one of dose_mg and mg_per_kg")
        if self.dose_mg is not None and (self.max_dose_mg or self.max_daily_mg):
            raise ValueError(f"regimen {self.id}: caps apply to mg/kg regimens only")
        return self


class AgentRule(Rule):
    drug: Drug
    regimens: tuple[Regimen, ...] = Field(min_length=1)


class SiltVial(FrozenModel):
    strength_mg: int = Field(gt=0)
    reconstitute_ml: float = Field(gt=0)


class SiltPrepRule(Rule):
    vials: tuple[SiltVial, ...] = Field(min_length=1)
    concentration_mg_per_ml: float = Field(gt=0)
    diluent: str
    bag_ml: int = Field(gt=0)
    filter_micron: float = Field(gt=0)
    use_within_h_of_reconstitution: float = Field(gt=0)
    finish_within_h_of_dilution: float = Field(gt=0)


class AnakFormRule(Rule):
    syringe_mg: float = Field(gt=0)
    syringe_ml: float = Field(gt=0)
    concentration_mg_per_ml: float = Field(gt=0)
    labelled_route: str


class PedSteroidRule(Rule):
    adult_from_age_years: float = Field(gt=0)
    drugs: tuple[Drug, ...] = Field(min_length=1)
    marker: str = Field(min_length=1)


class SteroidEqRule(Rule):
    """STER-EQ: mg of each drug equivalent to one another (a common unit of potency)."""

    equivalent_mg: dict[SteroidDrug, float]

    @model_validator(mode="after")
    def _all_drugs(self) -> Self:
        for value in self.equivalent_mg.values():
            if value <= 0:
                raise ValueError("equivalent doses must be positive")
        return self


class SteroidNotEqRule(Rule):
    """STER-NOTEQ: conversions between these drugs show the caveat."""

    pairs: tuple[tuple[SteroidDrug, SteroidDrug], ...] = Field(min_length=1)

    def applies(self, a: str, b: str) -> bool:
        return any({a, b} == set(pair) for pair in self.pairs) and a != b


class DosingRules(RuleSection):
    toci_dose: TociDoseRule = Field(alias="TOCI-DOSE")
    toci_cap: CapRule = Field(alias="TOCI-CAP")
    toci_step: Rule = Field(alias="TOCI-STEP")
    toci_step_near: StepNearRule = Field(alias="TOCI-STEP-NEAR")
    toci_age: AgeRule = Field(alias="TOCI-AGE")
    toci_route: RouteRule = Field(alias="TOCI-ROUTE")
    toci_vials: TociVialsRule = Field(alias="TOCI-VIALS")
    toci_bag: BagRule = Field(alias="TOCI-BAG")
    toci_stab: StabilityRule = Field(alias="TOCI-STAB")
    toci_interval: Rule = Field(alias="TOCI-INTERVAL")
    toci_max: Rule = Field(alias="TOCI-MAX")
    toci_round: RoundRule = Field(alias="TOCI-ROUND")
    plausible: PlausibleWeightRule = Field(alias="DOSE-PLAUSIBLE")
    silt_dose: AgentRule = Field(alias="SILT-DOSE")
    silt_prep: SiltPrepRule = Field(alias="SILT-PREP")
    anak_adult: AgentRule = Field(alias="ANAK-ADULT")
    anak_ped: AgentRule = Field(alias="ANAK-PED")
    anak_form: AnakFormRule = Field(alias="ANAK-FORM")
    dex_crs: AgentRule = Field(alias="DEX-CRS")
    mp_kg: AgentRule = Field(alias="MP-KG")
    mp_1g: AgentRule = Field(alias="MP-1G")
    mp_1g_bid: AgentRule = Field(alias="MP-1G-BID")
    lev_proph: AgentRule = Field(alias="LEV-PROPH")
    ped_steroid: PedSteroidRule = Field(alias="PED-STEROID")
    ster_eq: SteroidEqRule = Field(alias="STER-EQ")
    ster_noteq: SteroidNotEqRule = Field(alias="STER-NOTEQ")

    def agent_rules(self) -> tuple[AgentRule, ...]:
        """Every rule that defines regimens, in the order the dose panel lists them."""
        return (
            self.silt_dose,
            self.anak_adult,
            self.anak_ped,
            self.dex_crs,
            self.mp_kg,
            self.mp_1g,
            self.mp_1g_bid,
            self.lev_proph,
        )

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.toci_bag.step_kg != self.toci_dose.step_kg:
            raise ValueError("TOCI-BAG and TOCI-DOSE must share the weight step")
        ids = [r.id for rule in self.agent_rules() for r in rule.regimens]
        ids.append(self.toci_dose.regimen_id)
        if len(ids) != len(set(ids)):
            raise ValueError("regimen ids must be unique")
        if self.silt_prep.concentration_mg_per_ml <= 0:
            raise ValueError("SILT-PREP concentration must be positive")
        return self
