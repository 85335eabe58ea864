"""The case document, version 2 (crs-calc-case/2, spec episode.md): the episode as a
series of assessments and the doses given between them; and version 1 read as an episode
of one assessment.

Required: ``format``, ``patient.weight_kg``, ``patient.age_years`` and one or more
``assessments``, in strictly increasing time, none before ``day0``. Grades are never
stored: each assessment is graded by the core. ``given`` may be in any order (the core
sorts it); the same drug twice at the same time is a double entry, refused naming the
second. A dose later than the last assessment is kept and counted from its own time.
Every local time is checked against ``time_zone`` (a skipped or repeated hour is refused
naming its field).
"""

import itertools
from datetime import datetime, timedelta
from typing import Any, Literal, Self

from pydantic import Field, StrictBool, model_validator

from calculator.crosswalk.models import CrosswalkFindings
from calculator.dosing.models import MAX_DOSES
from calculator.edge.errors import Contradiction, InputError
from calculator.edge.inputs import LocalDateTime, format_datetime, validate
from calculator.grading.crs import CrsInput
from calculator.grading.icans import IcansInput
from calculator.local_time import check_local, elapsed, format_local, in_zone, zone_from_name
from calculator.records.case import MAX_LABEL, CasePatient, CaseUnits, format_version, load_case
from calculator.records.case import CaseDocument as CaseDocumentV1
from calculator.rulebook import FrozenModel
from calculator.rulebook.episode import GivenDrug
from calculator.taper.models import TaperInput

CASE_FORMAT_V1 = "crs-calc-case/1"
CASE_FORMAT_V2 = "crs-calc-case/2"
CASE_FORMAT_VERSION = 2

#: Guards against a pasting error, not clinical limits (episode.md).
MAX_ASSESSMENTS = 2000
MAX_GIVEN = 2000
#: The amounts a recorded dose may have: more than 0 and at most 5,000 mg (the taper's
#: bound), a typing-error guard, not a clinical limit.
MAX_GIVEN_MG = 5000.0
MAX_INITIALS = 20
MAX_COMMENT = 2000

Route = Literal["IV", "SC", "PO", "IM"]


class PatientV2(CasePatient):
    """Version 1's patient, plus haploidentical HCT with PTCy (MGT-HAPLO)."""

    haplo_ptcy: StrictBool = False


class Assessment(FrozenModel):
    """One assessment of the episode: what was found at ``at``. ``crs`` or ``icans`` may be
    absent ("not assessed" at that time); ``improving`` is three-state (MGT-IMPROVING)."""

    at: LocalDateTime
    by: str = Field(default="", max_length=MAX_INITIALS)
    crs: CrsInput | None = None
    icans: IcansInput | None = None
    improving: StrictBool | None = None
    comment: str = Field(default="", max_length=MAX_COMMENT)
    #: The older scales' extra findings (section 13), only when someone opened 'Other
    #: scales' and entered some at this assessment.
    crosswalk: CrosswalkFindings | None = None


class Given(FrozenModel):
    """One dose given this episode. ``dose_mg`` where known; a dose without an amount still
    counts in the tocilizumab ledger and in the days on corticosteroids (EPI-STEROID)."""

    drug: GivenDrug
    at: LocalDateTime
    dose_mg: float | None = Field(default=None, gt=0, le=MAX_GIVEN_MG, strict=True)
    route: Route | None = None
    by: str = Field(default="", max_length=MAX_INITIALS)
    prophylactic: StrictBool = False


class CaseDocumentV2(FrozenModel):
    format: str
    patient: PatientV2
    # Version 2 keeps every time as its local wall time (naive, ``fold`` kept) and counts it in
    # ``time_zone`` (calculator.local_time); the times are declared before ``time_zone`` so
    # that LocalDateTime does not make these aware while the nested ones stay naive, and
    # load_episode_case checks each against the zone by its own field name.
    day0: LocalDateTime | None = None
    made_at: LocalDateTime | None = None
    time_zone: str | None = Field(default=None, max_length=64)
    profile: str | None = None
    units: CaseUnits = CaseUnits()
    #: One or more; checked after the items so that a bad item is not also "too few".
    assessments: tuple[Assessment, ...] = Field(max_length=MAX_ASSESSMENTS)
    given: tuple[Given, ...] = Field(default=(), max_length=MAX_GIVEN)
    taper: TaperInput | None = None

    @model_validator(mode="before")
    @classmethod
    def _patient_defaults(cls, data: Any) -> Any:
        """ICANS takes the patient's age, the taper the patient's weight and age, unless
        they give their own (as in version 1)."""
        if not isinstance(data, dict) or not isinstance(data.get("patient"), dict):
            return data
        patient = data["patient"]
        data = dict(data)
        assessments = data.get("assessments")
        if "age_years" in patient and isinstance(assessments, list):
            data["assessments"] = [
                {**a, "icans": {"age_years": patient["age_years"], **a["icans"]}}
                if isinstance(a, dict) and isinstance(a.get("icans"), dict)
                else a
                for a in assessments
            ]
        if isinstance(data.get("taper"), dict):
            inherited = {k: patient[k] for k in ("weight_kg", "age_years") if k in patient}
            # One clock per case (as version 1): the taper counts in the case's zone.
            if data.get("time_zone") is not None:
                inherited["time_zone"] = data["time_zone"]
            data["taper"] = {**inherited, **data["taper"]}
        return data

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.format != CASE_FORMAT_V2:
            raise Contradiction(f"must be {CASE_FORMAT_V2!r}", "format")
        if not self.assessments:
            raise Contradiction("must hold at least one assessment", "assessments")
        for i, (a, b) in enumerate(zip(self.assessments, self.assessments[1:], strict=False)):
            if b.at <= a.at:
                word = "the same time as" if b.at == a.at else "earlier than"
                raise Contradiction(
                    f"is {word} assessments[{i}].at ({format_datetime(a.at)}): assessments "
                    "are in strictly increasing time",
                    f"assessments[{i + 1}].at",
                )
        if self.day0 is not None and self.assessments[0].at < self.day0:
            raise Contradiction(
                f"is before day0 ({format_datetime(self.day0)})", "assessments[0].at"
            )
        seen: dict[tuple[str, Any], int] = {}
        for j, g in enumerate(self.given):
            first = seen.setdefault((g.drug, g.at), j)
            if first != j:
                raise Contradiction(
                    f"repeats given[{first}] ({g.drug} at {format_datetime(g.at)}): a double entry",
                    f"given[{j}]",
                )
        toci = sum(1 for g in self.given if g.drug == "tocilizumab")
        if toci > MAX_DOSES:
            raise Contradiction(
                f"holds {toci} tocilizumab doses, more than {MAX_DOSES}: a pasting error",
                "given",
            )
        for i, a in enumerate(self.assessments):
            if a.icans is not None and a.icans.age_years != self.patient.age_years:
                raise Contradiction(
                    "differs from patient.age_years", f"assessments[{i}].icans.age_years"
                )
        return self

    @property
    def made(self) -> LocalDateTime:
        return self.made_at or self.assessments[-1].at

    @property
    def last(self) -> Assessment:
        return self.assessments[-1]


def case_version(value: object) -> int:
    """The version of a case document's ``format``; refused by name unless 1 or 2."""
    try:
        return format_version(value, newest=CASE_FORMAT_VERSION)  # 1 to the newest, 2
    except ValueError as exc:
        raise InputError.for_field("format", str(exc)) from None


def from_v1(case: CaseDocumentV1) -> CaseDocumentV2:
    """Version 1 as an episode of one assessment: its ``at``, ``crs``, ``icans`` and
    ``improving``; each tocilizumab dose a ``given`` entry with no amount. Every field
    of version 1 is kept (``improving`` stays unset when it was unset)."""
    assessment: dict[str, Any] = {"at": _wall(case.at), "crs": case.crs, "icans": case.icans}
    if "improving" in case.model_fields_set:
        assessment["improving"] = case.improving
    if case.crosswalk is not None:
        assessment["crosswalk"] = case.crosswalk
    data: dict[str, Any] = {
        "format": CASE_FORMAT_V2,
        "patient": PatientV2(**case.patient.model_dump()),
        "units": case.units,
        "assessments": (Assessment(**assessment),),
        "given": tuple(Given(drug="tocilizumab", at=_wall(d)) for d in case.tocilizumab_doses),
    }
    for name in ("made_at", "profile", "taper", "time_zone"):
        if name in case.model_fields_set:
            value = getattr(case, name)
            data[name] = _wall(value) if isinstance(value, datetime) else value
    case_v2 = CaseDocumentV2(**data)
    refuse_reordered(case_v2)
    return case_v2


def _wall(at: datetime) -> datetime:
    """Version 2 keeps local wall times (naive) and counts them in ``time_zone``; a version 1
    time read in its zone is aware: its wall time, with ``fold`` kept for a repeated hour."""
    return at.replace(tzinfo=None) if at.tzinfo is not None else at


def load_episode_case(data: Any) -> CaseDocumentV2:
    """A case document of version 1 or 2 as version 2, or InputError naming the field.
    The format is checked first, so a newer document gets that one message; then every
    local time is checked against ``time_zone``."""
    if not isinstance(data, dict):
        raise InputError("A case document must be one JSON object.")
    if "format" not in data:
        raise InputError.for_field("format", f"is required ({CASE_FORMAT_V2})")
    if case_version(data["format"]) == 1:
        return from_v1(load_case(data))
    _refuse_too_many(data)
    case = validate(CaseDocumentV2, data)
    zone = zone_from_name(case.time_zone)
    if zone is not None:
        if case.day0 is not None:
            check_local(case.day0, zone, "day0")
        for i, a in enumerate(case.assessments):
            check_local(a.at, zone, f"assessments[{i}].at")
        for j, g in enumerate(case.given):
            check_local(g.at, zone, f"given[{j}].at")
    refuse_reordered(case)
    return case


def refuse_reordered(case: CaseDocumentV2) -> None:
    """Version 2 keeps local wall times and the episode orders them as written. In the hour
    the clocks go back, two times can be written in one order and happen in the other (02:45
    before the change, 02:15 after it): such a case is refused by name rather than read with
    a dose on the wrong side of an assessment. One time in that hour alone is fine."""
    zone = zone_from_name(case.time_zone)
    if zone is None:
        return
    times = [(case.day0, "day0")] if case.day0 is not None else []
    times += [(a.at, f"assessments[{i}].at") for i, a in enumerate(case.assessments)]
    times += [(g.at, f"given[{j}].at") for j, g in enumerate(case.given)]
    times.sort(key=lambda t: t[0])  # the wall order (Python ignores fold)
    for (a, _), (b, field) in itertools.pairwise(times):
        gap = elapsed(a, b, zone)
        if gap < timedelta(0) or (a == b and gap):
            raise InputError.for_field(
                field,
                f"{format_local(in_zone(b, zone))} is in the hour the clocks go back and "
                "happened before a time written earlier than it: an episode cannot order these "
                "times yet (give one of them outside that hour)",
            )


def _refuse_too_many(data: dict[str, Any]) -> None:
    # Counted before validation: 2,001 assessments are refused without grading any.
    for key, limit in (("assessments", MAX_ASSESSMENTS), ("given", MAX_GIVEN)):
        items = data.get(key)
        if isinstance(items, list) and len(items) > limit:
            raise InputError.for_field(key, f"must have at most {limit} entries")


def dump_episode_case(case: CaseDocumentV2) -> dict[str, Any]:
    """The document as JSON-ready data (what File > Save writes), unset fields left out."""
    return case.model_dump(mode="json", exclude_unset=True, exclude_none=True) | {
        "format": case.format
    }


__all__ = [
    "CASE_FORMAT_V1",
    "CASE_FORMAT_V2",
    "MAX_LABEL",
    "Assessment",
    "CaseDocumentV2",
    "Given",
    "PatientV2",
    "case_version",
    "from_v1",
    "load_episode_case",
]
