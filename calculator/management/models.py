"""Inputs and results of `recommend` (cli-contract.md)."""

from __future__ import annotations

from pydantic import Field, StrictBool, StrictInt, model_validator

from calculator.dosing import ScheduleResult
from calculator.dosing.models import MAX_DOSES, MAX_WEIGHT_KG
from calculator.errors import Contradiction
from calculator.inputs import LocalDateTime, format_datetime
from calculator.results import CoreResult
from calculator.rulebook import FrozenModel
from calculator.rulebook.management import ActionCode, Product, Strength

AGE_RANGE_YEARS = (0.0, 120.0)
MAX_GRADE1_DAYS = 60  # a typing-error guard, not a clinical limit


class RecommendInput(FrozenModel):
    """`recommend` input. Beyond the contract: ``crs_grade1_days`` (how long grade 1 CRS
    has lasted, for profiles that manage a long grade 1 as grade 2) and ``haplo_ptcy``
    (haploidentical HCT with post-transplant cyclophosphamide, MGT-HAPLO)."""

    crs_grade: StrictInt = Field(ge=0, le=5)
    icans_grade: StrictInt = Field(ge=0, le=5)
    weight_kg: float | None = Field(default=None, gt=0, le=MAX_WEIGHT_KG, strict=True)
    age_years: float | None = Field(
        default=None, ge=AGE_RANGE_YEARS[0], le=AGE_RANGE_YEARS[1], strict=True
    )
    product: Product | None = None
    tocilizumab_doses: tuple[LocalDateTime, ...] = Field(default=(), max_length=MAX_DOSES)
    at: LocalDateTime | None = None
    improving: StrictBool = True
    crs_grade1_days: float | None = Field(default=None, ge=0, le=MAX_GRADE1_DAYS, strict=True)
    haplo_ptcy: StrictBool = False

    @model_validator(mode="after")
    def _consistent(self) -> RecommendInput:
        if self.at is not None:
            late = [i for i, d in enumerate(self.tocilizumab_doses) if d > self.at]
            if late:
                raise Contradiction(
                    f"is later than at ({format_datetime(self.at)}): record only doses given",
                    *(f"tocilizumab_doses[{i}]" for i in late),
                )
        if self.crs_grade1_days is not None and self.crs_grade != 1:
            raise Contradiction("applies to grade 1 CRS only", "crs_grade1_days")
        return self


class Action(FrozenModel):
    """One suggestion: never an order. Drug actions carry their dose when weight and age
    allow (computed by the dose engine); ``taper`` names the plan that follows."""

    code: ActionCode
    strength: Strength
    text: str
    rules: tuple[str, ...]
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
    tocilizumab_schedule: ScheduleResult | None
    disclaimer: str
