"""The case document (crs-calc-case/1): one patient episode as the app saves it, and the
input of `python -m calculator note` (cli-contract.md "Case documents").

Only ``format``, ``patient.weight_kg``, ``patient.age_years`` and ``at`` are required.
``icans`` and ``taper`` take the patient's age (and weight, for the taper) when they do
not give their own. ``made_at`` (optional) is when the note is made; the core never reads
the clock, so without it the note is stamped with ``at``.
"""

import re
from typing import Any, Literal, Self

from pydantic import Field, StrictBool, model_validator

from calculator.crosswalk.models import CrosswalkFindings
from calculator.dosing.models import MAX_DOSES, MAX_WEIGHT_KG
from calculator.edge.errors import Contradiction, InputError
from calculator.edge.inputs import LocalDateTime, TimeZoneName, format_datetime, validate
from calculator.grading.crs import CrsInput
from calculator.grading.icans import IcansInput
from calculator.local_time import format_local, is_later
from calculator.rulebook import FrozenModel
from calculator.rulebook.management import Product
from calculator.taper.models import TaperInput

CASE_FORMAT = "crs-calc-case/1"
CASE_FORMAT_NAME = "crs-calc-case"
CASE_FORMAT_VERSION = 1
#: ASCII digits only (``\d`` takes any script's digits, "crs-calc-case/١"), and few of
#: them (int() refuses 4,300 digits or more): anything else is not a format we read.
_FORMAT = re.compile(r"crs-calc-case/([0-9]{1,9})")
MAX_LABEL = 200


class CasePatient(FrozenModel):
    """Who the episode is about. The label is free text; no identifier is asked for."""

    label: str = Field(default="", max_length=MAX_LABEL)
    weight_kg: float = Field(gt=0, le=MAX_WEIGHT_KG, strict=True)
    age_years: float = Field(ge=0, le=120, strict=True)
    product: Product | None = None


class CaseUnits(FrozenModel):
    """The units the user typed in, so the app reopens a case in them and the note can
    print "102.4 °F (39.1 °C)". Values are stored canonically (temperature_c, weight_kg,
    full precision) whatever these say."""

    temperature: Literal["C", "F"] = "C"
    weight: Literal["kg", "lb"] = "kg"


class CaseDocument(FrozenModel):
    format: str
    patient: CasePatient
    #: Ruleset 2027.01: the zone the times were entered in (the app stores its system
    #: zone); then hours are real hours (calculator.local_time). Declared before the
    #: date-times, which read it; the taper inherits it.
    time_zone: TimeZoneName = None
    at: LocalDateTime
    made_at: LocalDateTime | None = None
    profile: str | None = None
    crs: CrsInput | None = None
    icans: IcansInput | None = None
    tocilizumab_doses: tuple[LocalDateTime, ...] = Field(default=(), max_length=MAX_DOSES)
    #: MGT-IMPROVING: None (the default) means not asked yet; passed to recommend.
    improving: StrictBool | None = None
    units: CaseUnits = CaseUnits()
    taper: TaperInput | None = None
    #: The older scales' findings (section 13): present only when someone opened 'Other
    #: scales' and entered findings; the note then shows the crosswalk.
    crosswalk: CrosswalkFindings | None = None

    @model_validator(mode="before")
    @classmethod
    def _patient_defaults(cls, data: Any) -> Any:
        """ICANS takes the patient's age, the taper the patient's weight and age, unless
        they give their own."""
        if not isinstance(data, dict) or not isinstance(data.get("patient"), dict):
            return data
        patient = data["patient"]
        data = dict(data)
        if isinstance(data.get("icans"), dict) and "age_years" in patient:
            data["icans"] = {"age_years": patient["age_years"], **data["icans"]}
        if isinstance(data.get("taper"), dict):
            inherited = {k: patient[k] for k in ("weight_kg", "age_years") if k in patient}
            if data.get("time_zone") is not None:
                inherited["time_zone"] = data["time_zone"]
            data["taper"] = {**inherited, **data["taper"]}
        return data

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        check_format(self.format)
        late = [i for i, d in enumerate(self.tocilizumab_doses) if is_later(d, self.at)]
        if late:
            raise Contradiction(
                f"is later than at ({format_datetime(self.at)}): record only doses given",
                *(f"tocilizumab_doses[{i}]" for i in late),
            )
        if self.taper is not None and self.taper.time_zone != self.time_zone:
            raise Contradiction("differs from time_zone: one clock per case", "taper.time_zone")
        if self.icans is not None and self.icans.age_years != self.patient.age_years:
            raise Contradiction("differs from patient.age_years", "icans.age_years")
        return self

    @property
    def made(self) -> LocalDateTime:
        return self.made_at or self.at


def format_version(value: object, newest: int = CASE_FORMAT_VERSION) -> int:
    """The version of a case document's ``format`` (``crs-calc-case/N``, ASCII digits, at most
    nine), refused by name (ValueError) when it is not one, or newer than ``newest``."""
    current = f"{CASE_FORMAT_NAME}/{newest}"
    if not isinstance(value, str):
        raise ValueError(f"must be the text {current!r}")
    match = _FORMAT.fullmatch(value)
    if match is None or match.group(1).startswith("0"):
        raise ValueError(f"{value[:60]!r} is not a case document format this app reads ({current})")
    version = int(match.group(1))
    if version > newest:
        raise ValueError(
            f"{value[:60]!r} is a newer case format than this app reads ({current}): "
            "open it with a newer version of the app"
        )
    return version


def check_format(value: object) -> None:
    """Refuse an unknown format, or a version newer than 1, by name."""
    format_version(value)


def load_case(data: Any) -> CaseDocument:
    """Validate a case document; the format is checked first, so a newer document is
    refused with that one message rather than a list of unknown fields."""
    if not isinstance(data, dict):
        raise InputError("A case document must be one JSON object.")
    if "format" not in data:
        raise InputError.for_field("format", f"is required ({CASE_FORMAT})")
    try:
        check_format(data["format"])
    except ValueError as exc:
        raise InputError.for_field("format", str(exc)) from None
    return validate(CaseDocument, data)


def dump_case(case: CaseDocument) -> dict[str, Any]:
    """The document as JSON-ready data (what File > Save writes)."""
    return case.model_dump(mode="json", exclude_none=True, exclude_defaults=True) | {
        "format": case.format,
        "patient": case.patient.model_dump(mode="json", exclude_none=True),
        "at": _write_local(case.at),
    }


def _write_local(at: LocalDateTime) -> str:
    # As before without a zone (minutes only); a time in a zone in the contract's local
    # form, with its offset in a repeated hour so that it reads back as the same moment.
    return format_local(at) if at.tzinfo is not None else format_datetime(at)
