"""Inputs and results of the dose panel (cli-contract.md `dose`, `tocilizumab-schedule`,
`regimens`, `convert-steroid`)."""

from datetime import datetime
from typing import Annotated, Literal, Self

from pydantic import Field, PlainSerializer, model_validator

from calculator.dosing.catalogue import regimen_ids
from calculator.edge.errors import Contradiction
from calculator.edge.inputs import LocalDateTime, TimeZoneName, format_datetime
from calculator.local_time import is_later
from calculator.results import CoreResult, Note
from calculator.rulebook import FrozenModel, ruleset
from calculator.rulebook.base import EvidenceStatus
from calculator.rulebook.dosing import Drug, Population, SteroidDrug

# Accepted input ranges (cli-contract.md `dose`): not clinical thresholds.
MAX_WEIGHT_KG = 350.0
AGE_RANGE_YEARS = (0.0, 120.0)
MAX_STEROID_MG = 100_000.0  # beyond any steroid dose in any unit: a typing error
MAX_DOSES = 50  # more doses than any episode: a pasting error

#: A date-time written as the contract writes it: "2026-11-21T16:00".
OutDateTime = Annotated[datetime, PlainSerializer(format_datetime, return_type=str)]


# --- dose --------------------------------------------------------------------------------------


class DoseInput(FrozenModel):
    drug: Drug
    weight_kg: float = Field(gt=0, le=MAX_WEIGHT_KG, allow_inf_nan=False, strict=True)
    age_years: float = Field(
        ge=AGE_RANGE_YEARS[0], le=AGE_RANGE_YEARS[1], allow_inf_nan=False, strict=True
    )
    regimen: str | None = None

    @model_validator(mode="after")
    def _regimen_of_drug(self) -> Self:
        if self.regimen is None:
            return self
        known = regimen_ids(ruleset(), self.drug)
        if self.regimen not in known:
            raise Contradiction(
                f"{self.regimen!r} is not a {self.drug} regimen; known: {', '.join(known)}",
                "regimen",
            )
        return self


class VialCount(FrozenModel):
    strength_mg: int
    count: int


class Stability(FrozenModel):
    diluent: str
    refrigerated_h: float
    room_temperature_h: float
    protect_from_light: bool
    text: str


class TocilizumabDose(CoreResult):
    """TOCI-DOSE, -CAP, -STEP, -AGE, -ROUTE, -VIALS, -BAG, -STAB, -ROUND for one weight."""

    drug: Literal["tocilizumab"] = "tocilizumab"
    regimen: str
    weight_kg: float
    age_years: float
    dose_mg: float
    calculated_mg: float
    mg_per_kg: float
    capped: bool
    rounded: bool
    volume_ml: float
    concentration_mg_per_ml: float
    vials: tuple[VialCount, ...]
    vial_total_mg: float
    waste_mg: float
    bag_ml: int
    diluents: tuple[str, ...]
    withdraw_from_bag_ml: float
    infusion_minutes: int
    route: str
    route_text: str
    stability: tuple[Stability, ...]
    working: tuple[str, ...]
    notes: tuple[Note, ...] = ()


class AgentDose(CoreResult):
    """A dose of siltuximab, anakinra, dexamethasone, methylprednisolone or levetiracetam.

    ``dose_mg`` is None where PED-STEROID forbids computing one (steroids under 18 years);
    ``adult_reference`` then shows the adult regimen as a reference only.
    """

    drug: Drug
    regimen: str
    regimen_label: str
    rule: str
    population: Population
    weight_kg: float
    age_years: float
    dose_mg: float | None
    calculated_mg: float | None = None
    mg_per_kg: float | None = None
    capped: bool = False
    every_h: float | None
    days: int | None = None
    route: str | None
    daily_mg: float | None = None
    max_dose_mg: float | None = None
    max_daily_mg: float | None = None
    infusion_minutes: int | None = None
    volume_ml: float | None = None
    vials: tuple[VialCount, ...] | None = None
    waste_mg: float | None = None
    dexamethasone_equivalent_daily_mg: float | None = None
    adult_reference: str | None = None
    other_regimens: tuple[str, ...] = ()
    preparation: tuple[str, ...] = ()
    working: tuple[str, ...]
    notes: tuple[Note, ...] = ()


DoseResult = TocilizumabDose | AgentDose


# --- regimens --------------------------------------------------------------------------------


class RegimenInfo(FrozenModel):
    id: str
    drug: Drug
    rule: str
    label: str
    population: Population
    status: EvidenceStatus
    needs_verification: bool


class RegimenList(FrozenModel):
    regimens: tuple[RegimenInfo, ...]


# --- tocilizumab-schedule --------------------------------------------------------------------


class ScheduleInput(FrozenModel):
    #: Ruleset 2027.01: an IANA zone; then hours are real hours (calculator.local_time).
    #: Declared first: the date-times below read it.
    time_zone: TimeZoneName = None
    doses: tuple[LocalDateTime, ...] = Field(default=(), max_length=MAX_DOSES)
    at: LocalDateTime

    @model_validator(mode="after")
    def _no_dose_after_at(self) -> Self:
        late = [i for i, d in enumerate(self.doses) if is_later(d, self.at)]
        if late:
            raise Contradiction(
                f"is later than at ({format_datetime(self.at)}): record only doses already given",
                *(f"doses[{i}]" for i in late),
            )
        return self


class ScheduleLimits(FrozenModel):
    min_interval_h: float
    max_per_24h: int | None
    max_total: int | None


class ScheduleResult(CoreResult):
    """TOCI-INTERVAL and TOCI-MAX under the profile, at one moment."""

    at: OutDateTime
    doses: tuple[OutDateTime, ...]
    doses_total: int
    doses_last_24h: int
    eligible: bool
    next_eligible_at: OutDateTime | None
    limits: ScheduleLimits
    reasons: tuple[str, ...]


# --- convert-steroid ---------------------------------------------------------------------------


class SteroidConversionInput(FrozenModel):
    drug: SteroidDrug
    dose_mg: float = Field(gt=0, le=MAX_STEROID_MG, allow_inf_nan=False, strict=True)
    to: SteroidDrug


class SteroidConversion(CoreResult):
    """STER-EQ, with the STER-NOTEQ caveat where the pair is a guideline "or equivalent"."""

    drug: SteroidDrug
    dose_mg: float
    to: SteroidDrug
    equivalent_mg: float
    working: tuple[str, ...]
    caveat: str | None
