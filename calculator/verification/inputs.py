"""The double check's inputs: the order as written, the verifier's independent entry, and
the order's time and tolerance (cli-contract.md, verify-dose)."""

from typing import Any, Literal, Self

from pydantic import Field, model_validator

from calculator.dosing.models import MAX_DOSES
from calculator.edge.errors import Contradiction
from calculator.edge.inputs import LocalDateTime, TimeZoneName, format_datetime
from calculator.local_time import is_later
from calculator.rulebook import FrozenModel, ruleset
from calculator.rulebook.dosing import Drug
from calculator.verification.formatting import fmt_number as _num

# Accepted input ranges (cli-contract.md: weight > 0 and at most 350 kg, age 0-120).
# The dose, interval, bag and vial bounds only catch typing errors; not clinical limits.
MAX_WEIGHT_KG = 350.0
MAX_AGE_YEARS = 120.0
MAX_DOSE_MG = 100_000.0
MAX_VIAL_MG = 10_000.0
MAX_VIAL_COUNT = 100
MAX_EVERY_H = 168.0
MAX_BAG_ML = 5_000

#: Resolution at which two doses count as equal: 0.1 mg (cli-contract.md).

Route = Literal["IV", "SC", "PO", "IM"]


class VialCount(FrozenModel):
    strength_mg: float = Field(gt=0, le=MAX_VIAL_MG, strict=True)
    count: int = Field(ge=1, le=MAX_VIAL_COUNT, strict=True)


class _Entry(FrozenModel):
    drug: Drug
    weight_kg: float = Field(gt=0, le=MAX_WEIGHT_KG, strict=True)
    dose_mg: float = Field(gt=0, le=MAX_DOSE_MG, strict=True)
    every_h: float | None = Field(default=None, gt=0, le=MAX_EVERY_H, strict=True)
    route: Route | None = None
    bag_ml: int | None = Field(default=None, gt=0, le=MAX_BAG_ML, strict=True)
    vials: tuple[VialCount, ...] | None = None

    @model_validator(mode="before")
    @classmethod
    def _renamed(cls, data: Any) -> Any:
        if isinstance(data, dict) and "ordered_dose_mg" in data:
            raise Contradiction(
                "is the old name of this field: give the ordered dose as dose_mg",
                "ordered_dose_mg",
            )
        return data


class DoseOrder(_Entry):
    """The order as written."""

    age_years: float = Field(ge=0, le=MAX_AGE_YEARS, strict=True)
    regimen: str | None = None


class IndependentEntry(_Entry):
    """What the verifier entered without seeing the calculated values."""


class VerifyInput(FrozenModel):
    order: DoseOrder
    independent: IndependentEntry
    #: Ruleset 2027.01: an IANA zone; then the clock counts real hours (calculator.local_time).
    #: Declared before the date-times, which read it.
    time_zone: TimeZoneName = None
    #: The order's time and the tocilizumab doses already given this episode (VERIFY-CLOCK).
    at: LocalDateTime | None = None
    doses_given: tuple[LocalDateTime, ...] = Field(default=(), max_length=MAX_DOSES)
    #: A local setting (the app's double-check tolerance) within PROFILE-BOUNDS.
    tolerance_pct: float | None = Field(default=None, ge=0, le=100, strict=True)
    #: The weight of the case open in the app (VERIFY-CASE); absent on the command line
    #: unless a caller has a case to compare with.
    case_weight_kg: float | None = Field(default=None, gt=0, le=MAX_WEIGHT_KG, strict=True)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.doses_given and self.at is None:
            raise Contradiction(
                "is required with doses_given: the time of the order the clock is read at",
                "at",
            )
        if self.doses_given and self.order.drug != "tocilizumab":
            raise Contradiction("applies to tocilizumab orders only (VERIFY-CLOCK)", "doses_given")
        if self.at is not None:
            late = [i for i, d in enumerate(self.doses_given) if is_later(d, self.at)]
            if late:
                raise Contradiction(
                    f"is later than at ({format_datetime(self.at)}): record only doses given",
                    *(f"doses_given[{i}]" for i in late),
                )
        if self.tolerance_pct is not None:
            low, high = ruleset().bounds.bounds.verify_tolerance_pct
            if not low <= self.tolerance_pct <= high:
                raise Contradiction(
                    f"must be between {_num(low)} and {_num(high)}% (PROFILE-BOUNDS)",
                    "tolerance_pct",
                )
        return self
