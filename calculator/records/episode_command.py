"""``python -m calculator episode`` (spec episode.md): a case document of version 1 or 2
in; each assessment graded, the summary, the trend and the plan for the last assessment
out, each part naming the rules that decided it (clinical-rules.md section 12).

``now`` (optional, among the document's keys, never saved in a case file) decides what is
overdue (EPI-REASSESS); without it, the last assessment's time.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from calculator.dosing.models import OutDateTime
from calculator.edge.errors import InputError
from calculator.edge.inputs import LocalDateTime, format_datetime, validate
from calculator.edge.profile_files import builtin_profile
from calculator.local_time import check_local, in_zone, zone_from_name
from calculator.management import RecommendInput, RecommendResult, recommend
from calculator.records.case_v2 import CaseDocumentV2, Given, load_episode_case
from calculator.records.episode import (
    Graded,
    HistoryFacts,
    HistoryLine,
    Summary,
    Trend,
    history_facts,
    ledger,
    next_due,
    sorted_given,
    steroid_exposure,
    summarise,
    tocilizumab_up_to,
    trend,
)
from calculator.records.episode_grading import grade_assessments
from calculator.results import CoreResult, unique, verification_warnings
from calculator.rulebook import FrozenModel, Ruleset
from calculator.rulebook.profiles import Profile
from calculator.words import when

if TYPE_CHECKING:
    from calculator.edge.cli import Context


class _Now(FrozenModel):
    now: LocalDateTime


class EpisodeResult(CoreResult):
    format: str
    day0: OutDateTime | None
    time_zone: str | None
    now: OutDateTime
    assessments: tuple[Graded, ...]
    summary: Summary
    trend: Trend
    facts: HistoryFacts
    #: Each history fact in words with the rule that derives it (EPI-24H, EPI-72H, ...).
    history: tuple[HistoryLine, ...]
    recommendation: RecommendResult


def split_now(payload: dict[str, Any]) -> tuple[dict[str, Any], datetime | None]:
    """The document without ``now``, and ``now`` validated (or None)."""
    if "now" not in payload:
        return payload, None
    rest = {k: v for k, v in payload.items() if k != "now"}
    return rest, validate(_Now, {"now": payload["now"]}).now


def make_episode(
    case: CaseDocumentV2, profile: Profile, rs: Ruleset, now: datetime | None = None
) -> EpisodeResult:
    """Grade, summarise and plan the episode (see the module docstring)."""
    ep = rs.episode
    zone = zone_from_name(case.time_zone)
    last = case.last
    if now is None:
        now = last.at
    elif now < last.at:
        raise InputError.for_field(
            "now", f"is before the last assessment ({format_datetime(last.at)})"
        )
    else:
        check_local(now, zone, "now")
    given = sorted_given(case)
    graded = grade_assessments(case, profile, rs, given)
    crs = summarise(graded, "crs", zone, rs)
    icans = summarise(graded, "icans", zone, rs)
    toci_ledger, schedule = ledger(case, given, profile, rs, zone)
    summary = Summary(
        crs=crs,
        icans=icans,
        tocilizumab=toci_ledger,
        corticosteroids=steroid_exposure(given, rs),
        next_assessment_due=next_due(graded, crs, icans, now, rs, zone),
    )
    facts = history_facts(case, crs, given, rs, zone)
    rec = recommend(
        RecommendInput(
            crs_grade=crs.current_grade.grade if crs.current_grade else 0,
            icans_grade=icans.current_grade.grade if icans.current_grade else 0,
            weight_kg=case.patient.weight_kg,
            age_years=case.patient.age_years,
            product=case.patient.product,
            # The plan's repeat-dose clock counts real hours in the case's zone, as the
            # ledger's does (a night the clocks change is an hour shorter or longer).
            time_zone=case.time_zone,
            # EPI-LEDGER: every dose counts, prophylactic ones included.
            tocilizumab_doses=tocilizumab_up_to(given, last.at, zone),
            at=in_zone(last.at, zone),
            improving=last.improving,
            seizure=any(
                a.icans is not None and a.icans.seizure != "none" for a in case.assessments
            ),
            haplo_ptcy=case.patient.haplo_ptcy,
            **facts.facts.model_dump(),
        ),
        profile,
        rs,
    )
    rules = [ep.max.id, ep.onset.id]
    if case.day0 is not None:
        rules.append(ep.day.id)
    if not (crs.current_is_last or crs.current_grade is None) or not (
        icans.current_is_last or icans.current_grade is None
    ):
        rules.append(ep.last.id)
    warnings: list[str] = []
    if crs.recurred or icans.recurred:
        rules.append(ep.recur.id)
    if crs.recurred:
        warnings.append(f"{ep.recur.id}: CRS recurred after resolution: {ep.recur.crs_warning}.")
    if icans.recurred:
        warnings.append(f"{ep.recur.id}: ICANS recurred after resolution.")
    if any(g.crs is not None and ep.mask.id in g.crs.rules for g in graded):
        rules.append(ep.mask.id)
    rules += [ep.ledger.id, *schedule.rules, ep.steroid.id, ep.reassess.id, ep.trend.id]
    rules += facts.rules
    rules += rec.rules
    for g in graded:
        for part in (g.crs, g.icans):
            if part is not None:
                rules += part.rules
                warnings += part.warnings
    warnings += schedule.warnings
    warnings += rec.warnings
    warnings += _after_last(given, last.at, summary.tocilizumab.next_allowed_at, ep.ledger.id)
    rule_ids = unique(rules)
    warnings += verification_warnings(rs, [ep.ledger.id, ep.reassess.id])
    return EpisodeResult(
        format=case.format,
        day0=case.day0,
        time_zone=case.time_zone,
        now=now,
        assessments=graded,
        summary=summary,
        trend=trend(case, graded, given, rs),
        facts=facts.facts,
        history=facts.lines,
        recommendation=rec,
        rules=rule_ids,
        warnings=unique(warnings),
        ruleset=rs.info,
        profile=profile.id,
    )


def case_profile(case_profile_id: str | None, ctx: "Context") -> Profile:
    """The case's own profile unless --profile names another (then the two must agree)."""
    profile = ctx.profile
    if case_profile_id is not None:
        if ctx.profile_explicit and case_profile_id != ctx.profile.id:
            raise InputError.for_field(
                "profile",
                f"the case says {case_profile_id!r} but the command line says {ctx.profile.id!r}",
            )
        profile = builtin_profile(ctx.rs, case_profile_id)
    return profile


def episode_command(payload: dict[str, Any], ctx: "Context") -> EpisodeResult:
    """`python -m calculator episode`."""
    document, now = split_now(payload)
    case = load_episode_case(document)
    return make_episode(case, case_profile(case.profile, ctx), ctx.rs, now)


def _after_last(
    given: Sequence[Given], last_at: datetime, next_at: datetime | None, rule: str
) -> list[str]:
    """EPI-LEDGER across the parts: the plan is for the last assessment and counts the
    doses up to it, while the ledger counts every dose. A tocilizumab dose recorded after
    the last assessment would otherwise read as "may be given now" beside a ledger that
    says otherwise: said once, with the ledger's next time."""
    later = [g.at for g in given if g.drug == "tocilizumab" and g.at > last_at]
    if not later:
        return []
    nxt = f"; by the ledger the next dose is not before {when(next_at)}" if next_at else ""
    return [
        f"{rule}: tocilizumab given at {', '.join(when(t) for t in later)}, after the last "
        f"assessment ({when(last_at)}): the plan for that assessment does not count it{nxt}."
    ]
