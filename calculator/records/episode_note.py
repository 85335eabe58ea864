"""The handoff note's "Episode" section (spec episode.md, "In the app"): day 0, onset,
maximum grades and when, current grades (EPI-LAST), the last 24 h as rows, the
tocilizumab ledger (EPI-LEDGER), corticosteroid exposure (EPI-STEROID), the trend
(EPI-TREND) and the next assessment due (EPI-REASSESS). Words only; the numbers come from
``calculator.records.episode``."""

from __future__ import annotations

from calculator.dosing.numbers import fmt
from calculator.local_time import elapsed_hours, zone_from_name
from calculator.records.case_v2 import CaseDocumentV2
from calculator.records.episode import GradeAt, Graded, Moment, SyndromeSummary
from calculator.records.episode_command import EpisodeResult
from calculator.records.note_model import Item, Row, Section, Table
from calculator.rulebook import Ruleset
from calculator.words import duration, when

LAST_HOURS = 24.0  # the handover's window: "the last 24 h as rows" (episode.md)


def _day(day: int | None) -> str:
    return f" (day +{day})" if day is not None and day >= 0 else ""


def _moment(m: Moment | None) -> str:
    return "none" if m is None else f"{when(m.at)}{_day(m.day)}"


def _grade(g: GradeAt | None) -> str:
    return "not assessed" if g is None else f"grade {g.grade} at {when(g.at)}{_day(g.day)}"


def _syndrome_rows(name: str, s: SyndromeSummary, rs: Ruleset) -> list[Row]:
    ep = rs.episode
    if s.current_grade is None:
        return [Row(label=name, value="not assessed this episode")]
    current = _grade(s.current_grade)
    if not s.current_is_last:
        current += " (not assessed at the last assessment)"
    onset = _moment(s.onset)
    if s.onset is not None:
        state = f"resolved {_moment(s.resolved)}" if s.resolved is not None else "ongoing"
        span = duration(s.duration_h) if s.duration_h is not None else ""
        onset += f"; {state}, {span}" if span else f"; {state}"
    rows = [
        Row(label=f"{name} onset", value=onset, rules=(ep.onset.id,)),
        Row(label=f"{name} maximum", value=_grade(s.max_grade), rules=(ep.max.id,)),
        Row(
            label=f"{name} current",
            value=current,
            rules=(ep.max.id,) if s.current_is_last else (ep.last.id,),
            flag=s.current_grade.grade >= 1,
        ),
    ]
    if s.recurred:
        rows.append(
            Row(
                label=f"{name} recurrence",
                value="yes, after resolution",
                rules=(ep.recur.id,),
                flag=True,
            )
        )
    return rows


def _amount(mg: float | None) -> str:
    return "(amount not recorded)" if mg is None else f"{fmt(mg)} mg"


def _cell(g: Graded, case: CaseDocumentV2, index: int) -> tuple[str, ...]:
    a = case.assessments[index]
    temp = vaso = oxygen = "-"
    if a.crs is not None:
        temp = "-" if a.crs.temperature_c is None else f"{fmt(a.crs.temperature_c)} °C"
        vaso = ", ".join(a.crs.vasopressors) or "none"
        oxygen = a.crs.oxygen.replace("_", " ")
        if a.crs.oxygen_flow_l_min is not None:
            oxygen += f" {fmt(a.crs.oxygen_flow_l_min)} L/min"
    score = "-"
    if g.icans is not None and g.icans.score is not None:
        score = f"{g.icans.instrument} {g.icans.score}"
    return (
        when(g.at),
        "" if g.day is None else f"+{g.day}",
        temp,
        vaso,
        oxygen,
        "-" if g.crs is None else str(g.crs.grade),
        score,
        "-" if g.icans is None else str(g.icans.grade),
        a.by,
    )


def episode_section(case: CaseDocumentV2, episode: EpisodeResult, rs: Ruleset) -> Section:
    """The Episode section of the note (see the module docstring)."""
    ep = rs.episode
    s = episode.summary
    zone = zone_from_name(case.time_zone)
    rows = [
        Row(
            label="Day 0",
            value=when(case.day0) if case.day0 is not None else "not recorded",
            rules=(ep.day.id,) if case.day0 is not None else (),
        ),
    ]
    if case.time_zone:
        rows.append(Row(label="Time zone", value=case.time_zone))
    rows.append(Row(label="Assessments", value=str(len(case.assessments))))
    rows += _syndrome_rows("CRS", s.crs, rs)
    rows += _syndrome_rows("ICANS", s.icans, rs)
    led = s.tocilizumab
    if led.doses:
        listed = "; ".join(
            f"{when(d.at)} {_amount(d.dose_mg)}"
            + (" prophylactic" if d.prophylactic else "")
            + (f" by {d.by}" if d.by else "")
            for d in led.doses
        )
    else:
        listed = "none recorded"
    if led.next_allowed_at is None:
        nxt = "no further dose: the episode maximum is reached"
    else:
        nxt = f"not before {when(led.next_allowed_at)}"
    rows += [
        Row(label="Tocilizumab given", value=listed, rules=(ep.ledger.id,)),
        Row(
            label="Tocilizumab count",
            value=f"{led.total} in total ({led.prophylactic} prophylactic), {led.last_24h} in "
            f"the 24 h up to {when(led.last_24h_as_of)}; next {nxt}",
            rules=(ep.ledger.id, "TOCI-INTERVAL", "TOCI-MAX"),
        ),
    ]
    cs = s.corticosteroids
    steroid = (
        f"{fmt(cs.dexamethasone_equivalent_mg)} mg dexamethasone-equivalent over {cs.doses} "
        f"doses; {cs.days} calendar days on corticosteroids"
    )
    if cs.without_amount:
        steroid += f" ({cs.without_amount} doses without an amount: counted in the days only)"
    rows.append(
        Row(
            label="Corticosteroids",
            value=steroid if cs.doses else "none recorded",
            rules=(ep.steroid.id, "STER-EQ") if cs.doses else (ep.steroid.id,),
        )
    )
    rows.append(
        Row(
            label="Trend",
            value=episode.trend.text.removeprefix(f"{ep.trend.id}: "),
            rules=(ep.trend.id,),
        )
    )
    due = s.next_assessment_due
    overdue = any(d is not None and d.overdue for d in (due.vital_signs, due.ice_capd))
    rows.append(
        Row(
            label="Next assessment",
            value=due.text.removeprefix(f"{ep.reassess.id}: "),
            rules=(ep.reassess.id,),
            flag=overdue,
        )
    )
    last_at = case.last.at
    recent = [
        _cell(g, case, i)
        for i, g in enumerate(episode.assessments)
        if elapsed_hours(g.at, last_at, zone) < LAST_HOURS
    ]
    table = Table(
        headers=(
            "Time",
            "Day",
            "Temperature",
            "Vasopressors",
            "Oxygen",
            "CRS",
            "ICE/CAPD",
            "ICANS",
            "By",
        ),
        rows=tuple(recent),
    )
    items = tuple(
        Item(text=line.text.removeprefix(f"{line.rule}: "), rules=(line.rule,))
        for line in episode.history
    )
    return Section(key="episode", title="Episode", rows=tuple(rows), items=items, table=table)
