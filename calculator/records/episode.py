"""The episode computed from its series (clinical-rules.md section 12, spec episode.md):
pure functions from a version 2 case to graded assessments, a summary, a trend and the
history facts the plan takes.

- EPI-DAY: day +N from ``day0`` by calendar dates.
- EPI-MASK: an assessment at or after a recorded dose of a masking drug is graded with
  fever masking, its explanation naming the dose (``episode_grading.py``).
- EPI-MAX, EPI-ONSET, EPI-RECUR, EPI-LAST: per syndrome, onset, maximum (first time),
  current grade (the last assessment that has it), resolution, recurrence, duration.
- EPI-LEDGER: every tocilizumab dose counts; the next allowed time is the repeat-dose
  clock's (``tocilizumab_schedule``) for all of them.
- EPI-STEROID: dexamethasone-equivalent mg (STER-EQ) and calendar days on steroids.
- EPI-REASSESS: vital signs and ICE/CAPD due times, overdue against ``now``.
- EPI-TREND: the change since the last tocilizumab or corticosteroid dose.
- EPI-24H, EPI-72H, EPI-G1DAYS: the history facts given to ``recommend``.

Every interval goes through ``calculator.local_time`` (real hours in ``time_zone``).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Literal
from zoneinfo import ZoneInfo

from calculator.dosing import ScheduleInput, ScheduleResult, tocilizumab_schedule
from calculator.dosing.models import OutDateTime, ScheduleLimits
from calculator.dosing.numbers import round_half_up
from calculator.dosing.schedule import in_window
from calculator.dosing.steroids import EQUIVALENT_PLACES, exact_equivalent_mg
from calculator.grading.crs import CrsResult
from calculator.grading.icans import IcansResult
from calculator.local_time import add_hours, elapsed, elapsed_hours, in_zone
from calculator.management.models import MAX_GRADE1_DAYS
from calculator.records.case_v2 import Assessment, CaseDocumentV2, Given
from calculator.rulebook import FrozenModel, Ruleset
from calculator.rulebook.profiles import Profile
from calculator.words import duration, when

Syndrome = Literal["crs", "icans"]
STEROIDS = frozenset({"dexamethasone", "methylprednisolone", "prednisone", "hydrocortisone"})


class Graded(FrozenModel):
    """One assessment with the core's grades (EPI-DAY, EPI-MASK)."""

    at: OutDateTime
    day: int | None
    by: str
    crs: CrsResult | None
    icans: IcansResult | None
    improving: bool | None
    comment: str


class Moment(FrozenModel):
    at: OutDateTime
    day: int | None


class GradeAt(FrozenModel):
    grade: int
    at: OutDateTime
    day: int | None


class SyndromeSummary(FrozenModel):
    """EPI-ONSET, EPI-MAX, EPI-RECUR, EPI-LAST for one syndrome. ``current_grade`` comes
    from the last assessment that has this syndrome (``current_is_last`` false when that
    is not the episode's last assessment)."""

    assessed: int
    onset: Moment | None
    latest_onset: Moment | None
    max_grade: GradeAt | None
    current_grade: GradeAt | None
    current_is_last: bool
    resolved: Moment | None
    recurred: bool
    duration_h: float | None


class LedgerDose(FrozenModel):
    at: OutDateTime
    day: int | None
    dose_mg: float | None
    by: str
    prophylactic: bool
    in_last_24h: bool


class Ledger(FrozenModel):
    """EPI-LEDGER: every tocilizumab dose of ``given``, prophylactic ones included."""

    doses: tuple[LedgerDose, ...]
    total: int
    prophylactic: int
    without_amount: int
    total_mg: float
    last_24h: int
    last_24h_as_of: OutDateTime
    as_of: OutDateTime
    allowed_at_as_of: bool
    next_allowed_at: OutDateTime | None
    limits: ScheduleLimits


class SteroidExposure(FrozenModel):
    """EPI-STEROID: STER-EQ mg over the doses with an amount; days count every dose."""

    doses: int
    without_amount: int
    dexamethasone_equivalent_mg: float
    days: int
    dates: tuple[str, ...]


class DueTime(FrozenModel):
    due_at: OutDateTime
    overdue: bool
    since: OutDateTime | None


class NextDue(FrozenModel):
    """EPI-REASSESS: while CRS or ICANS is graded >= 1 (current grades, EPI-LAST)."""

    now: OutDateTime
    active: bool
    vital_signs: DueTime | None
    ice_capd: DueTime | None
    text: str


class Summary(FrozenModel):
    crs: SyndromeSummary
    icans: SyndromeSummary
    tocilizumab: Ledger
    corticosteroids: SteroidExposure
    next_assessment_due: NextDue


class Change(FrozenModel):
    item: str
    before: str
    after: str
    changed: bool


class Trend(FrozenModel):
    """EPI-TREND: shown beside "improving?", never an answer to it."""

    since_drug: str | None
    since_at: OutDateTime | None
    before_at: OutDateTime | None
    after_at: OutDateTime | None
    missing: str | None
    changes: tuple[Change, ...]
    text: str


class HistoryFacts(FrozenModel):
    """What section 12 derives for the plan (EPI-24H, EPI-72H, EPI-G1DAYS; MGT-SZ)."""

    hours_since_first_tocilizumab: float | None
    crs_onset_after_day0_h: float | None
    crs_grade1_days: float | None
    levetiracetam_running: bool


# --- grading -------------------------------------------------------------------------------


def day_number(at: datetime, day0: datetime | None) -> int | None:
    """EPI-DAY: calendar days from the date of day 0 (day 0 itself is day 0)."""
    return None if day0 is None else (at.date() - day0.date()).days


def sorted_given(case: CaseDocumentV2) -> list[Given]:
    """``given`` in time order (stable: same-time doses keep their written order)."""
    return sorted(case.given, key=lambda g: g.at)


def tocilizumab_up_to(
    given: Sequence[Given], at: datetime, zone: ZoneInfo | None
) -> tuple[datetime, ...]:
    """The tocilizumab doses of ``given`` at or before ``at``, as times in ``zone``: the
    doses the plan for an assessment at ``at`` counts (EPI-LEDGER counts every dose)."""
    return tuple(in_zone(g.at, zone) for g in given if g.drug == "tocilizumab" and g.at <= at)


def dose_words(g: Given) -> str:
    """A dose as the episode's explanations name it (EPI-MASK, EPI-TREND)."""
    amount = f" {g.dose_mg:g} mg" if g.dose_mg is not None else ""
    mark = " (prophylactic)" if g.prophylactic else ""
    return f"{g.drug}{amount} at {when(g.at)}{mark}"


# --- per syndrome --------------------------------------------------------------------------


def _series(graded: Sequence[Graded], which: Syndrome) -> list[tuple[datetime, int, int | None]]:
    out: list[tuple[datetime, int, int | None]] = []
    for g in graded:
        result = g.crs if which == "crs" else g.icans
        if result is not None:
            out.append((g.at, result.grade, g.day))
    return out


def summarise(
    graded: Sequence[Graded], which: Syndrome, zone: ZoneInfo | None, rs: Ruleset
) -> SyndromeSummary:
    """EPI-ONSET, EPI-MAX, EPI-RECUR, EPI-LAST for one syndrome (see the module docstring)."""
    series = _series(graded, which)
    if not series:
        return SyndromeSummary(
            assessed=0,
            onset=None,
            latest_onset=None,
            max_grade=None,
            current_grade=None,
            current_is_last=False,
            resolved=None,
            recurred=False,
            duration_h=None,
        )
    low = rs.episode.onset.from_grade
    top = max(series, key=lambda s: s[1])  # max() keeps the first of equal grades
    first = next((s for s in series if s[1] >= low), None)
    resolved: tuple[datetime, int, int | None] | None = None
    latest_onset: tuple[datetime, int, int | None] | None = None
    recurred = False
    for s in series:
        if s[1] >= low:
            if latest_onset is None or resolved is not None:
                if resolved is not None:
                    recurred = True
                latest_onset = s
            resolved = None
        elif latest_onset is not None and resolved is None:
            resolved = s
    duration = None
    if first is not None:
        end = resolved[0] if resolved is not None else series[-1][0]
        duration = round(elapsed_hours(first[0], end, zone), 2)
    last = series[-1]
    return SyndromeSummary(
        assessed=len(series),
        onset=_moment(first),
        latest_onset=_moment(latest_onset),
        max_grade=GradeAt(grade=top[1], at=top[0], day=top[2]),
        current_grade=GradeAt(grade=last[1], at=last[0], day=last[2]),
        current_is_last=last[0] == graded[-1].at,
        resolved=_moment(resolved),
        recurred=recurred,
        duration_h=duration,
    )


def _moment(s: tuple[datetime, int, int | None] | None) -> Moment | None:
    return None if s is None else Moment(at=s[0], day=s[2])


# --- doses ---------------------------------------------------------------------------------


def ledger(
    case: CaseDocumentV2,
    given: Sequence[Given],
    profile: Profile,
    rs: Ruleset,
    zone: ZoneInfo | None,
) -> tuple[Ledger, ScheduleResult]:
    """EPI-LEDGER: the doses, the last 24 h as of the last assessment (or the latest dose,
    when one was given after it), and the repeat-dose clock's next allowed time."""
    toci = [g for g in given if g.drug == "tocilizumab"]
    last_at = case.last.at
    as_of = max([last_at, *(g.at for g in toci)])
    # The zone-aware repeat-dose clock (issue 20) counts real hours, as the ledger must.
    schedule = tocilizumab_schedule(
        ScheduleInput(
            doses=tuple(in_zone(g.at, zone) for g in toci),
            at=in_zone(as_of, zone),
            time_zone=case.time_zone,
        ),
        profile,
        rs,
    )

    def recent(g: Given) -> bool:
        # The repeat-dose clock's own window (dosing.schedule.in_window), in real hours.
        return in_window(elapsed(g.at, last_at, zone))

    doses = tuple(
        LedgerDose(
            at=g.at,
            day=day_number(g.at, case.day0),
            dose_mg=g.dose_mg,
            by=g.by,
            prophylactic=g.prophylactic,
            in_last_24h=recent(g),
        )
        for g in toci
    )
    return (
        Ledger(
            doses=doses,
            total=len(doses),
            prophylactic=sum(1 for d in doses if d.prophylactic),
            without_amount=sum(1 for d in doses if d.dose_mg is None),
            total_mg=sum(d.dose_mg for d in doses if d.dose_mg is not None),
            last_24h=sum(1 for d in doses if d.in_last_24h),
            last_24h_as_of=last_at,
            as_of=as_of,
            allowed_at_as_of=schedule.eligible,
            next_allowed_at=schedule.next_eligible_at,
            limits=schedule.limits,
        ),
        schedule,
    )


def steroid_exposure(given: Sequence[Given], rs: Ruleset) -> SteroidExposure:
    """EPI-STEROID: STER-EQ over the doses with an amount; days over every dose."""
    doses = [g for g in given if g.drug in STEROIDS]
    total = sum(
        (
            exact_equivalent_mg(rs, g.drug, g.dose_mg, "dexamethasone")
            for g in doses
            if g.dose_mg is not None
        ),
        Decimal(0),
    )
    dates = sorted({g.at.date().isoformat() for g in doses})
    return SteroidExposure(
        doses=len(doses),
        without_amount=sum(1 for g in doses if g.dose_mg is None),
        dexamethasone_equivalent_mg=float(round_half_up(total, EQUIVALENT_PLACES)),
        days=len(dates),
        dates=tuple(dates),
    )


# --- reassessment --------------------------------------------------------------------------


def next_due(
    graded: Sequence[Graded],
    crs: SyndromeSummary,
    icans: SyndromeSummary,
    now: datetime,
    rs: Ruleset,
    zone: ZoneInfo | None,
) -> NextDue:
    """EPI-REASSESS: vital signs every ``vitals_every_h`` after the last CRS assessment and
    ICE/CAPD every ``neuro_every_h`` after the last ICANS assessment, while either current
    grade (EPI-LAST) is >= ``from_grade``; overdue when the due time is before ``now``."""
    rule = rs.episode.reassess
    grades = [s.current_grade.grade for s in (crs, icans) if s.current_grade is not None]
    if not any(g >= rule.from_grade for g in grades):
        return NextDue(
            now=now,
            active=False,
            vital_signs=None,
            ice_capd=None,
            text=f"{rule.id}: no grade >= {rule.from_grade}: the unit's routine applies.",
        )

    def due(summary: SyndromeSummary, every_h: float) -> DueTime:
        last = summary.current_grade.at if summary.current_grade is not None else None
        # Never assessed while the other syndrome is active: due from the last assessment.
        at = add_hours(last, every_h, zone) if last is not None else graded[-1].at
        # Compared in real time (add_hours may give an aware time); shown as a wall time.
        overdue = elapsed_hours(at, now, zone) > 0
        return DueTime(due_at=at.replace(tzinfo=None), overdue=overdue, since=last)

    vitals = due(crs, rule.vitals_every_h)
    neuro = due(icans, rule.neuro_every_h)
    parts = [
        f"vital signs {'OVERDUE since' if vitals.overdue else 'due'} {when(vitals.due_at)} "
        f"(every {rule.vitals_every_h:g} h)",
        f"ICE/CAPD {'OVERDUE since' if neuro.overdue else 'due'} {when(neuro.due_at)} "
        f"(every {rule.neuro_every_h:g} h)",
    ]
    return NextDue(
        now=now,
        active=True,
        vital_signs=vitals,
        ice_capd=neuro,
        text=f"{rule.id}: {'; '.join(parts)}.",
    )


# --- trend ---------------------------------------------------------------------------------


def _temperature(a: Assessment) -> str:
    if a.crs is None:
        return "not assessed"
    t = a.crs.temperature_c
    return "not entered" if t is None else f"{t:g} °C"


def _crs_items(a: Assessment) -> dict[str, str]:
    if a.crs is None:
        return dict.fromkeys(("vasopressors", "oxygen"), "not assessed")
    oxygen = a.crs.oxygen.replace("_", " ")
    if a.crs.oxygen_flow_l_min is not None:
        oxygen += f" {a.crs.oxygen_flow_l_min:g} L/min"
    return {
        "vasopressors": ", ".join(a.crs.vasopressors) or "none",
        "oxygen": oxygen,
    }


def _values(g: Graded, a: Assessment) -> dict[str, str]:
    crs = str(g.crs.grade) if g.crs is not None else "not assessed"
    icans = str(g.icans.grade) if g.icans is not None else "not assessed"
    score = "not assessed"
    if g.icans is not None:
        score = "not scored" if g.icans.score is None else f"{g.icans.instrument} {g.icans.score}"
    return {
        "CRS grade": crs,
        "highest temperature": _temperature(a),
        **_crs_items(a),
        "ICANS grade": icans,
        "ICE/CAPD": score,
    }


def row_values(g: Graded, a: Assessment) -> dict[str, str]:
    """One assessment's values in the words EPI-TREND compares (the app's flowsheet row)."""
    return _values(g, a)


def trend(
    case: CaseDocumentV2, graded: Sequence[Graded], given: Sequence[Given], rs: Ruleset
) -> Trend:
    """EPI-TREND (see the module docstring); says which side is missing when one is."""
    rule = rs.episode.trend
    doses = [g for g in given if g.drug in rule.trend_drugs]
    if not doses:
        text = f"{rule.id}: no trend: no tocilizumab or corticosteroid dose is recorded."
        return Trend(
            since_drug=None,
            since_at=None,
            before_at=None,
            after_at=None,
            missing="dose",
            changes=(),
            text=text,
        )
    dose = doses[-1]
    before = max((i for i, g in enumerate(graded) if g.at <= dose.at), default=None)
    after = len(graded) - 1 if graded[-1].at > dose.at else None
    since = dose_words(dose)
    if before is None or after is None:
        side = "before" if before is None else "after"
        text = f"{rule.id}: no trend since {since}: no assessment {side} that dose."
        return Trend(
            since_drug=dose.drug,
            since_at=dose.at,
            before_at=graded[before].at if before is not None else None,
            after_at=None,
            missing=side,
            changes=(),
            text=text,
        )
    old = _values(graded[before], case.assessments[before])
    new = _values(graded[after], case.assessments[after])
    changes = tuple(
        Change(item=k, before=old[k], after=new[k], changed=old[k] != new[k]) for k in old
    )
    moved = [f"{c.item} {c.before} → {c.after}" for c in changes if c.changed]
    text = (
        f"{rule.id}: since {since} ({when(graded[before].at)} → {when(graded[after].at)}): "
        + ("; ".join(moved) if moved else "no change")
        + ". Shown beside the improving question; it does not answer it."
    )
    return Trend(
        since_drug=dose.drug,
        since_at=dose.at,
        before_at=graded[before].at,
        after_at=graded[after].at,
        missing=None,
        changes=changes,
        text=text,
    )


# --- history facts -------------------------------------------------------------------------


class HistoryLine(FrozenModel):
    """One history fact in words, with the rule that derives it or acts on it."""

    fact: str
    rule: str
    text: str


@dataclass(frozen=True)
class Facts:
    facts: HistoryFacts
    rules: tuple[str, ...]
    lines: tuple[HistoryLine, ...]


def history_facts(
    case: CaseDocumentV2,
    crs: SyndromeSummary,
    given: Sequence[Given],
    rs: Ruleset,
    zone: ZoneInfo | None,
) -> Facts:
    """EPI-24H, EPI-72H, EPI-G1DAYS and levetiracetam running, as of the last assessment
    (doses after it are not yet history for its plan). Never rounded: each is compared
    with a boundary (24 h, 72 h, 3 days) and a rounded 23 h 59 min 59 s would cross it."""
    ep = rs.episode
    at = case.last.at
    rules: list[str] = []
    lines: list[HistoryLine] = []

    def say(fact: str, rule: str, text: str) -> None:
        rules.append(rule)
        lines.append(HistoryLine(fact=fact, rule=rule, text=f"{rule}: {text}"))

    toci = [g for g in given if g.drug == "tocilizumab" and g.at <= at]
    for_crs = [g for g in toci if not g.prophylactic]
    hours = None
    if for_crs:
        hours = elapsed_hours(for_crs[0].at, at, zone)
        say(
            "hours_since_first_tocilizumab",
            ep.h24.id,
            f"{duration(hours)} since the first tocilizumab dose given for CRS "
            f"({when(for_crs[0].at)}).",
        )
    elif toci:
        say(
            "hours_since_first_tocilizumab",
            ep.h24.id,
            "every tocilizumab dose recorded is prophylactic: none starts the 24 h clock.",
        )
    onset_h = None
    if crs.onset is not None:
        if case.day0 is not None:
            onset_h = elapsed_hours(case.day0, crs.onset.at, zone)
            say(
                "crs_onset_after_day0_h",
                ep.h72.id,
                f"CRS began {duration(onset_h)} after day 0 ({when(case.day0)}).",
            )
        else:
            say(
                "crs_onset_after_day0_h",
                ep.h72.id,
                f"day 0 is not recorded: it would decide whether CRS began < "
                f"{ep.h72.onset_within_h:g} h after it.",
            )
    g1_days = None
    current = crs.current_grade
    if current is not None and current.grade == 1 and crs.latest_onset is not None:
        days = elapsed_hours(crs.latest_onset.at, current.at, zone) / 24
        # The plan reads only "more than N days" (N = 3): a longer run is still "more".
        g1_days = min(days, float(MAX_GRADE1_DAYS))
        say(
            "crs_grade1_days",
            ep.g1days.id,
            f"CRS graded >= 1 for {days:.2f} days since the latest onset "
            f"({when(crs.latest_onset.at)}).",
        )
    lev = [g for g in given if g.drug == "levetiracetam" and g.at <= at]
    if lev:
        sz = rs.management.sz.id
        lines.append(
            HistoryLine(
                fact="levetiracetam_running",
                rule=sz,
                text=f"{sz}: levetiracetam recorded from {when(lev[0].at)}: seizure "
                "prophylaxis is running.",
            )
        )
    return Facts(
        HistoryFacts(
            hours_since_first_tocilizumab=hours,
            crs_onset_after_day0_h=onset_h,
            crs_grade1_days=g1_days,
            levetiracetam_running=bool(lev),
        ),
        tuple(rules),
        tuple(lines),
    )
