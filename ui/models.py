"""Models that travel on the app's signals (typed pydantic models, never loose dicts)."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from ui.units import TemperatureUnit, WeightUnit


class UiModel(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PatientContext(UiModel):
    """What is entered once and shared by every tool.

    ``weight_kg`` and ``age_years`` are what the core receives: a number, None when the
    field is empty, or the typed text when it is not a number, so that the core refuses
    it with its own message at the field.
    """

    label: str = ""
    weight_kg: float | str | None = None
    weight_unit: WeightUnit = "kg"
    age_years: float | str | None = None
    product: str = ""
    assessed_at: datetime


class Grades(UiModel):
    """The current CRS and ICANS grades (None when the input was refused)."""

    crs: int | None = None
    icans: int | None = None
    #: A seizure this episode (ICANS-SZ), for the plan's levetiracetam (MGT-SZ).
    seizure: bool = False


class FieldMessage(UiModel):
    """One refusal from the core, routed to the widget of ``field``."""

    field: str
    message: str


class TemperatureEntry(UiModel):
    text: str = ""
    unit: TemperatureUnit = "°C"
