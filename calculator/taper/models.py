"""Inputs and results of the taper planner (cli-contract.md `taper`)."""

from datetime import datetime
from typing import Annotated, Literal, Self

from pydantic import Field, PlainSerializer, StrictBool, StrictInt, field_validator, model_validator

from calculator.edge.errors import Contradiction
from calculator.edge.inputs import LocalDateTime, TimeZoneName, format_datetime
from calculator.results import CoreResult
from calculator.rulebook import FrozenModel, ruleset
from calculator.rulebook.taper import Route, SteroidDrug
from calculator.taper.generator import Reduction, TabletCount

#: A date-time written as the contract does (2026-11-21T08:00).
OutDateTime = Annotated[datetime, PlainSerializer(format_datetime, return_type=str)]

# Accepted input ranges: typing-error guards, not clinical limits (those are rules).
MAX_DOSE_MG = 5000.0
MAX_DOSE_MG_PER_KG = 50.0
MAX_STEP_DAYS = 60.0
MAX_INTERVAL_H = 168.0
MAX_ADMINISTRATIONS = 1000
WEIGHT_RANGE_KG = (0.0, 350.0)
AGE_RANGE_YEARS = (0.0, 120.0)

StepOrigin = Literal["regimen", "custom", "generated"]


class TaperStepInput(FrozenModel):
    """One step as the user gives (or edits) it: ``dose_mg`` or ``dose_mg_per_kg``."""

    drug: SteroidDrug
    dose_mg: float | None = Field(default=None, gt=0, le=MAX_DOSE_MG, strict=True)
    dose_mg_per_kg: float | None = Field(default=None, gt=0, le=MAX_DOSE_MG_PER_KG, strict=True)
    every_h: float = Field(gt=0, le=MAX_INTERVAL_H, strict=True)
    days: float = Field(gt=0, le=MAX_STEP_DAYS, strict=True)
    route: Route = "IV"

    @model_validator(mode="after")
    def _one_dose(self) -> Self:
        if (self.dose_mg is None) == (self.dose_mg_per_kg is None):
            raise Contradiction("give dose_mg or dose_mg_per_kg (exactly one)", "dose_mg")
        if not _whole(self.days * 24 / self.every_h):
            raise Contradiction(
                f"{self.days:g} days is not a whole number of {self.every_h:g}-hour intervals",
                "days",
            )
        return self


class TaperInput(FrozenModel):
    """`taper` input: ``start`` and either ``regimen`` or ``steps``.

    ``days`` sets the first step where the regimen leaves it to the user; ``final_step_days``
    the length of an open-ended last step. ``taper_days`` + ``reduction`` (+ optional
    ``route``, ``taper_every_h``) generate a taper after the last step (TAPER-GEN).
    ``time_zone`` (ruleset 2027.01): the plan's hours are real hours in that zone, so a
    "every 6 h" stays 6 h apart across a daylight-saving change (calculator.local_time).
    """

    #: Declared before ``start``, which reads it.
    time_zone: TimeZoneName = None
    start: LocalDateTime
    regimen: str | None = None
    days: float | None = Field(default=None, gt=0, le=MAX_STEP_DAYS, strict=True)
    final_step_days: float | None = Field(default=None, gt=0, le=MAX_STEP_DAYS, strict=True)
    steps: tuple[TaperStepInput, ...] | None = None
    weight_kg: float | None = Field(
        default=None, gt=WEIGHT_RANGE_KG[0], le=WEIGHT_RANGE_KG[1], strict=True
    )
    age_years: float | None = Field(
        default=None, ge=AGE_RANGE_YEARS[0], le=AGE_RANGE_YEARS[1], strict=True
    )
    taper_days: StrictInt | None = Field(default=None, ge=1, le=int(MAX_STEP_DAYS))
    reduction: Reduction | None = None
    route: Route | None = None
    taper_every_h: float | None = Field(default=None, gt=0, le=MAX_INTERVAL_H, strict=True)

    @field_validator("regimen")
    @classmethod
    def _known_regimen(cls, value: str | None) -> str | None:
        if value is None:
            return value
        known = [r.id for r in ruleset().taper.regimens()]
        if value not in known:
            raise ValueError(f"must be one of {', '.join(known)}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if (self.regimen is None) == (self.steps is None):
            raise Contradiction("give regimen or steps (exactly one)", "regimen", "steps")
        if self.steps is not None:
            if not self.steps:
                raise Contradiction("must list at least one step", "steps")
            for name in ("days", "final_step_days"):
                if getattr(self, name) is not None:
                    raise Contradiction("applies to a regimen, not to your own steps", name)
        if self.taper_days is None and self.regimen is None:
            for name in ("reduction", "route", "taper_every_h"):
                if getattr(self, name) is not None:
                    raise Contradiction("only applies with taper_days (a generated taper)", name)
        return self


def _whole(x: float) -> bool:
    return abs(x - round(x)) < 1e-9 and round(x) >= 1


class PlannedStep(FrozenModel):
    """A step of the plan, with where it came from; the editable part is ``as_input()``."""

    drug: SteroidDrug
    dose_mg: float
    dose_mg_per_kg: float | None = None
    every_h: float
    days: float
    route: Route
    origin: StepOrigin
    doses: int
    starts_at: OutDateTime
    open_ended: StrictBool = False
    until: str = ""
    requested_mg: float | None = None
    made_from: str = ""

    def as_input(self) -> TaperStepInput:
        if self.dose_mg_per_kg is not None:
            return TaperStepInput(
                drug=self.drug,
                dose_mg_per_kg=self.dose_mg_per_kg,
                every_h=self.every_h,
                days=self.days,
                route=self.route,
            )
        return TaperStepInput(
            drug=self.drug,
            dose_mg=self.dose_mg,
            every_h=self.every_h,
            days=self.days,
            route=self.route,
        )


class Administration(FrozenModel):
    at: OutDateTime
    drug: SteroidDrug
    dose_mg: float
    route: Route
    step: int
    dexamethasone_equivalent_mg: float


class DayDose(FrozenModel):
    time: str
    drug: SteroidDrug
    dose_mg: float
    route: Route


class DayRow(FrozenModel):
    """One calendar day of the plan: its doses, totals and running totals."""

    date: str
    doses: tuple[DayDose, ...]
    daily_mg: dict[str, float]
    cumulative_mg: dict[str, float]
    daily_dexamethasone_equivalent_mg: float
    cumulative_dexamethasone_equivalent_mg: float


class TaperResult(CoreResult):
    regimen: str | None
    start: OutDateTime
    steps: tuple[PlannedStep, ...]
    editable_steps: tuple[TaperStepInput, ...]
    administrations: tuple[Administration, ...]
    totals_mg: dict[str, float]
    dexamethasone_equivalent_by_drug_mg: dict[str, float]
    dexamethasone_equivalent_mg: float
    ends_at: OutDateTime
    open_ended: bool
    days: tuple[DayRow, ...]


__all__ = [
    "Administration",
    "DayDose",
    "DayRow",
    "PlannedStep",
    "TabletCount",
    "TaperInput",
    "TaperResult",
    "TaperStepInput",
]
