"""Inputs and results of `recommend` (cli-contract.md)."""

from typing import Literal, Self

from pydantic import Field, StrictBool, StrictInt, model_validator

from calculator.dosing import ScheduleResult
from calculator.dosing.models import MAX_DOSES, MAX_WEIGHT_KG, OutDateTime
from calculator.edge.errors import Contradiction
from calculator.edge.inputs import LocalDateTime, TimeZoneName, format_datetime
from calculator.local_time import is_later
from calculator.results import CoreResult
from calculator.rulebook import FrozenModel
from calculator.rulebook.management import ActionCode, Product, Strength

AGE_RANGE_YEARS = (0.0, 120.0)
MAX_GRADE1_DAYS = 60  # a typing-error guard, not a clinical limit
MAX_EPISODE_H = 24.0 * 366  # a typing-error guard, not a clinical limit


class RecommendInput(FrozenModel):
    """`recommend` input. ``improving`` is three-state: None (the default) means not asked
    yet (MGT-IMPROVING); ``seizure`` says a seizure occurred this episode (MGT-SZ). Beyond
    the contract: ``crs_grade1_days`` (how long grade 1 CRS has lasted, for profiles that
    manage a long grade 1 as grade 2) and ``haplo_ptcy`` (haploidentical HCT with
    post-transplant cyclophosphamide, MGT-HAPLO).

    History facts (section 12; ``episode`` computes them from the series, ``recommend``
    takes them as typed, so the same facts give the same plan):
    ``hours_since_first_tocilizumab`` (hours from the first tocilizumab dose given for CRS,
    not a prophylactic one, to ``at``: EPI-24H), ``crs_onset_after_day0_h`` (hours from
    day 0 to the episode's first CRS onset: EPI-72H; None means day 0 is not known),
    ``crs_grade1_days`` (EPI-G1DAYS) and ``levetiracetam_running`` (MGT-SZ "if not already
    given")."""

    crs_grade: StrictInt = Field(ge=0, le=5)
    icans_grade: StrictInt = Field(ge=0, le=5)
    weight_kg: float | None = Field(default=None, gt=0, le=MAX_WEIGHT_KG, strict=True)
    age_years: float | None = Field(
        default=None, ge=AGE_RANGE_YEARS[0], le=AGE_RANGE_YEARS[1], strict=True
    )
    product: Product | None = None
    #: Ruleset 2027.01: an IANA zone; then hours are real hours (calculator.local_time).
    #: Declared before the date-times, which read it.
    time_zone: TimeZoneName = None
    tocilizumab_doses: tuple[LocalDateTime, ...] = Field(default=(), max_length=MAX_DOSES)
    at: LocalDateTime | None = None
    improving: StrictBool | None = None
    seizure: StrictBool = False
    crs_grade1_days: float | None = Field(default=None, ge=0, le=MAX_GRADE1_DAYS, strict=True)
    haplo_ptcy: StrictBool = False
    hours_since_first_tocilizumab: float | None = Field(
        default=None, ge=0, le=MAX_EPISODE_H, strict=True
    )
    crs_onset_after_day0_h: float | None = Field(default=None, ge=0, le=MAX_EPISODE_H, strict=True)
    levetiracetam_running: StrictBool = False

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.at is not None:
            late = [i for i, d in enumerate(self.tocilizumab_doses) if is_later(d, self.at)]
            if late:
                raise Contradiction(
                    f"is later than at ({format_datetime(self.at)}): record only doses given",
                    *(f"tocilizumab_doses[{i}]" for i in late),
                )
        if self.crs_grade1_days is not None and self.crs_grade != 1:
            raise Contradiction("applies to grade 1 CRS only", "crs_grade1_days")
        return self


Outcome = Literal["dropped", "demoted", "reworded"]


class Composed(FrozenModel):
    """What the composer (section 9) did to one proposed action, and which rule did it.

    ``label`` names the proposed regimen ("dexamethasone 10 mg every 6 h"); ``kept`` the
    action that replaced it, if any; ``reason`` is the sentence the plan can show."""

    code: ActionCode
    label: str
    text: str
    proposed_by: str
    outcome: Outcome
    strength_before: Strength
    strength_after: Strength | None
    by_rule: str
    reason: str
    kept: str | None = None


class Action(FrozenModel):
    """One suggestion: never an order. Drug actions carry their dose when weight and age
    allow (computed by the dose engine; MGT-NODOSE names what is missing); ``taper`` names
    the plan that follows.

    Section 9 adds: ``not_before`` for strength "wait" (MGT-WAIT); ``replaces`` (labels of
    the regimens this one replaces, MGT-ONE-STEROID); ``instead_of`` for an alternative
    worded "instead, not in addition"; ``if_improving`` / ``if_not_improving`` (what each
    answer would make of this action, MGT-IMPROVING); ``verify`` (the "verify against
    local protocol" mark, of the V part only: Split statuses); ``caveats`` shown inside the
    action (PED-STEROID); ``missing_inputs`` (MGT-NODOSE)."""

    code: ActionCode
    strength: Strength
    text: str
    rules: tuple[str, ...]
    label: str = ""
    not_before: OutDateTime | None = None
    replaces: tuple[str, ...] = ()
    instead_of: str | None = None
    if_improving: str | None = None
    if_not_improving: str | None = None
    verify: bool = False
    caveats: tuple[str, ...] = ()
    missing_inputs: tuple[str, ...] = ()
    dose_mg: float | None = None
    every_h: float | None = None
    once: bool = False
    days: int | None = None
    route: str | None = None
    regimen: str | None = None
    taper: str | None = None
    product_specific: bool = False
    dose_working: tuple[str, ...] = ()


class RecommendResult(CoreResult):
    crs_grade: int
    icans_grade: int
    managed_as_crs_grade: int
    actions: tuple[Action, ...]
    #: Every action the composer dropped, demoted or reworded, with the rule that did it.
    composition: tuple[Composed, ...] = ()
    improving: bool | None = None
    #: MGT-IMPROVING: what each answer would change in the plan (when it matters).
    if_improving: tuple[str, ...] = ()
    if_not_improving: tuple[str, ...] = ()
    tocilizumab_schedule: ScheduleResult | None
    disclaimer: str
