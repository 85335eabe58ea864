"""Every rule of section 12 (EPI-*) at its boundary and just outside it."""

from __future__ import annotations

from datetime import datetime

from calculator.records.episode_command import EpisodeResult
from tests.calculator.records.episode_helpers import (
    CRS2,
    FEVER,
    NONE,
    assessment,
    case,
    dose,
    episode,
    hours,
    iso,
)

MINUTE = 1 / 60


def actions(result: EpisodeResult) -> dict[str, str]:
    return {a.code: a.strength for a in result.recommendation.actions}


def test_epi_day_counts_calendar_dates_from_day0() -> None:
    # EPI-DAY: day0 at 23:59; one minute later is the next date, day +1.
    day0 = datetime(2026, 11, 19, 23, 59)
    doc = case(
        [
            {"at": "2026-11-19T23:59", "crs": FEVER},
            {"at": "2026-11-20T00:00", "crs": FEVER},
            {"at": "2026-11-21T23:59", "crs": FEVER},
        ],
        day0=iso(day0),
    )
    r = episode(doc)
    assert [a.day for a in r.assessments] == [0, 1, 2]
    assert "EPI-DAY" in r.rules
    del doc["day0"]
    r = episode(doc)
    assert [a.day for a in r.assessments] == [None, None, None]
    assert "EPI-DAY" not in r.rules


def test_epi_max_is_the_first_time_of_the_highest_grade_and_current_is_the_last() -> None:
    r = episode(
        case(
            [assessment(0, FEVER), assessment(4, CRS2), assessment(8, CRS2), assessment(12, FEVER)]
        )
    )
    s = r.summary.crs
    assert s.max_grade is not None
    assert (s.max_grade.grade, s.max_grade.at) == (2, hours(4))
    assert s.current_grade is not None
    assert (s.current_grade.grade, s.current_grade.at) == (1, hours(12))
    assert "EPI-MAX" in r.rules


def test_epi_onset_resolution_and_duration() -> None:
    # EPI-ONSET: grade 0 is no onset; the first grade >= 1 is.
    s = episode(case([assessment(0, NONE), assessment(4, NONE)])).summary.crs
    assert s.onset is None
    assert s.duration_h is None
    s = episode(
        case([assessment(0, NONE), assessment(4, FEVER), assessment(10, FEVER)])
    ).summary.crs
    assert s.onset is not None
    assert s.onset.at == hours(4)
    assert s.resolved is None
    assert s.duration_h == 6  # to the last assessment while ongoing
    # Resolved at the first 0 after onset with no later grade >= 1.
    s = episode(case([assessment(0, FEVER), assessment(4, NONE), assessment(8, NONE)])).summary.crs
    assert s.resolved is not None
    assert s.resolved.at == hours(4)
    assert s.duration_h == 4
    assert not s.recurred


def test_epi_recur_warns_for_crs_only() -> None:
    # EPI-RECUR: 1, 0, 1 is a recurrence (not resolved); 1, 0 is not.
    r = episode(case([assessment(0, FEVER), assessment(4, NONE), assessment(8, FEVER)]))
    assert r.summary.crs.recurred
    assert r.summary.crs.resolved is None
    assert r.summary.crs.latest_onset is not None
    assert r.summary.crs.latest_onset.at == hours(8)
    assert "EPI-RECUR" in r.rules
    assert any(w.startswith("EPI-RECUR: CRS") and "TOCI-MAX" in w for w in r.warnings)
    r = episode(case([assessment(0, FEVER), assessment(4, NONE)]))
    assert not r.summary.crs.recurred
    assert "EPI-RECUR" not in r.rules
    # ICANS: shown, without the tocilizumab sentence.
    icans = [
        assessment(0, icans={"ice_score": 8}),
        assessment(4, icans={"ice_score": 10}),
        assessment(8, icans={"ice_score": 8}),
    ]
    r = episode(case(icans))
    assert r.summary.icans.recurred
    recur = [w for w in r.warnings if w.startswith("EPI-RECUR")]
    assert recur == ["EPI-RECUR: ICANS recurred after resolution."]


def test_epi_mask_applies_from_the_dose_time_not_before() -> None:
    # EPI-MASK: hypotension without fever is no CRS unless masked; a dose at the
    # assessment's time masks it, a dose one minute later does not.
    hypo = {"temperature_c": 37.0, "hypotension": True}
    at_dose = episode(case([assessment(0, hypo)], [dose("tocilizumab", 0)]))
    crs = at_dose.assessments[0].crs
    assert crs is not None
    assert crs.grade == 2
    assert "EPI-MASK" in crs.rules
    assert any("tocilizumab at 2026-11-20 08:00" in line for line in crs.explanation)
    later = episode(case([assessment(0, hypo)], [dose("tocilizumab", MINUTE)]))
    crs = later.assessments[0].crs
    assert crs is not None
    assert crs.grade == 0
    assert "EPI-MASK" not in crs.rules
    # Levetiracetam masks nothing; a corticosteroid does; a prophylactic dose is V.
    assert (
        episode(case([assessment(1, hypo)], [dose("levetiracetam", 0)])).assessments[0].crs.grade
        == 0
    )  # type: ignore[union-attr]
    assert (
        episode(case([assessment(1, hypo)], [dose("dexamethasone", 0)])).assessments[0].crs.grade
        == 2
    )  # type: ignore[union-attr]
    proph = episode(case([assessment(1, hypo)], [dose("tocilizumab", 0, prophylactic=True)]))
    assert any(w.startswith("EPI-MASK") and "prophylactic" in w for w in proph.warnings)
    # The assessment's own masking stays without any dose.
    own = episode(case([assessment(0, {**hypo, "fever_masked": True})]))
    assert own.assessments[0].crs is not None
    assert own.assessments[0].crs.grade == 2


def test_epi_last_takes_the_last_assessment_that_has_the_syndrome() -> None:
    r = episode(case([assessment(0, CRS2), assessment(4, icans={"ice_score": 10})]))
    s = r.summary.crs
    assert s.current_grade is not None
    assert (s.current_grade.grade, s.current_grade.at) == (2, hours(0))
    assert not s.current_is_last
    assert "EPI-LAST" in r.rules
    assert r.recommendation.crs_grade == 2
    r = episode(case([assessment(0, CRS2), assessment(4, CRS2)]))
    assert "EPI-LAST" not in r.rules


def _crs1(onset_h: float | None) -> EpisodeResult:
    more = {} if onset_h is None else {"day0": iso(hours(-onset_h))}
    return episode(case([assessment(0, FEVER)], **more))


def test_epi_72h_keeps_dexamethasone_only_below_72_h() -> None:
    below = _crs1(72 - MINUTE)
    assert actions(below)["dexamethasone"] == "consider"
    assert below.facts.crs_onset_after_day0_h == 72 - MINUTE
    assert "EPI-72H" in below.rules
    at = _crs1(72)
    assert "dexamethasone" not in actions(at)
    assert any(
        c.by_rule == "EPI-72H" and c.outcome == "dropped" for c in at.recommendation.composition
    )
    unknown = _crs1(None)
    assert actions(unknown)["dexamethasone"] == "consider"
    assert any(
        w.startswith("EPI-72H: day 0 (the infusion) is not recorded")
        for w in unknown.recommendation.warnings
    )
    assert "EPI-72H" in unknown.recommendation.rules


def _crs2_after(
    first_dose_h: float, improving: bool | None, prophylactic: bool = False
) -> EpisodeResult:
    extra = {} if improving is None else {"improving": improving}
    return episode(
        case(
            [assessment(-1, CRS2), assessment(first_dose_h, CRS2, **extra)],
            [dose("tocilizumab", 0, dose_mg=560, prophylactic=prophylactic)],
        )
    )


def test_epi_24h_manages_as_grade_3_from_24_h_not_improving() -> None:
    at = _crs2_after(24, improving=False)
    assert at.facts.hours_since_first_tocilizumab == 24
    assert at.recommendation.managed_as_crs_grade == 3
    assert "EPI-24H" in at.recommendation.rules
    assert "MGT-CRS3" in at.recommendation.rules
    assert any(w.startswith("EPI-24H") and "managed as CRS grade 3" in w for w in at.warnings)
    before = _crs2_after(24 - MINUTE, improving=False)
    assert before.recommendation.managed_as_crs_grade == 2
    assert "EPI-24H" not in before.recommendation.rules
    # Improving keeps grade 2; unanswered says the question is due.
    assert _crs2_after(30, improving=True).recommendation.managed_as_crs_grade == 2
    unanswered = _crs2_after(30, improving=None)
    assert unanswered.recommendation.managed_as_crs_grade == 2
    assert any("the improving question is due" in w for w in unanswered.warnings)
    # A prophylactic dose does not start the clock.
    proph = _crs2_after(30, improving=False, prophylactic=True)
    assert proph.facts.hours_since_first_tocilizumab is None
    assert proph.recommendation.managed_as_crs_grade == 2


def _grade1_for(days: float) -> EpisodeResult:
    return episode(
        case([assessment(0, NONE), assessment(1, FEVER), assessment(1 + days * 24, FEVER)]),
        profile="asco-2021",
    )


def test_epi_g1days_feeds_the_asco_fever_over_3_days_line() -> None:
    at = _grade1_for(3)
    assert at.facts.crs_grade1_days == 3
    assert "EPI-G1DAYS" in at.rules
    assert at.recommendation.managed_as_crs_grade == 1
    over = _grade1_for(3 + 1 / (24 * 60))
    assert over.facts.crs_grade1_days is not None
    assert over.facts.crs_grade1_days > 3
    assert over.recommendation.managed_as_crs_grade == 2
    # Since the latest onset: a resolution restarts the count.
    r = episode(
        case([assessment(0, FEVER), assessment(80, NONE), assessment(81, FEVER)]),
        profile="asco-2021",
    )
    assert r.facts.crs_grade1_days == 0


def test_epi_trend_between_the_sides_of_the_last_dose() -> None:
    doc = case(
        [
            assessment(0, {"temperature_c": 39.5, "vasopressors": ["norepinephrine"]}),
            assessment(6, FEVER),
        ],
        [dose("tocilizumab", 0, dose_mg=560)],
    )
    t = episode(doc).trend
    assert t.missing is None
    assert (t.before_at, t.after_at) == (hours(0), hours(6))
    changed = {c.item: (c.before, c.after) for c in t.changes if c.changed}
    assert changed["CRS grade"] == ("3", "1")
    assert changed["vasopressors"] == ("norepinephrine", "none")
    assert "EPI-TREND" in t.text
    # No assessment after the dose; none before it; no dose at all.
    assert (
        episode(case([assessment(0, FEVER)], [dose("tocilizumab", MINUTE)])).trend.missing
        == "after"
    )
    assert (
        episode(case([assessment(0, FEVER)], [dose("dexamethasone", -MINUTE)])).trend.missing
        == "before"
    )
    assert episode(case([assessment(0, FEVER)])).trend.missing == "dose"


def test_epi_reassess_due_and_overdue_against_now() -> None:
    # EPI-REASSESS: vital signs 4 h and ICE 8 h after the last; overdue only after `now`.
    doc = case([assessment(0, FEVER, icans={"ice_score": 10})])
    due = episode(doc, now=hours(4)).summary.next_assessment_due
    assert due.vital_signs is not None
    assert due.ice_capd is not None
    assert (due.vital_signs.due_at, due.ice_capd.due_at) == (hours(4), hours(8))
    assert not due.vital_signs.overdue
    late = episode(doc, now=hours(4 + MINUTE)).summary.next_assessment_due
    assert late.vital_signs is not None
    assert late.vital_signs.overdue
    assert late.ice_capd is not None
    assert not late.ice_capd.overdue
    assert "EPI-REASSESS" in episode(doc).rules
    calm_doc = case([assessment(0, NONE, icans={"ice_score": 10})])
    calm = episode(calm_doc).summary.next_assessment_due
    assert not calm.active
    assert calm.vital_signs is None


def test_epi_reassess_in_a_time_zone_counts_real_hours() -> None:
    # EPI-REASSESS through local_time: real hours in the case's time zone.
    # 8 h after 01:30 on the spring-forward night in Berlin is 10:30 on the wall clock.
    doc = case(
        [{"at": "2027-03-28T01:30", "crs": FEVER, "icans": {"ice_score": 10}}],
        time_zone="Europe/Berlin",
    )
    due = episode(doc).summary.next_assessment_due
    assert due.ice_capd is not None
    assert due.ice_capd.due_at == datetime(2027, 3, 28, 10, 30)
    del doc["time_zone"]
    due = episode(doc).summary.next_assessment_due
    assert due.ice_capd is not None
    assert due.ice_capd.due_at == datetime(2027, 3, 28, 9, 30)


def test_epi_ledger_counts_every_dose_and_its_24_h_window() -> None:
    doc = case(
        [assessment(0, CRS2), assessment(24, CRS2)],
        [
            dose("tocilizumab", 0, dose_mg=560, prophylactic=True, by="AK"),
            dose("tocilizumab", MINUTE, dose_mg=560),
            dose("tocilizumab", 30),  # after the last assessment: kept, counted
        ],
    )
    led = episode(doc).summary.tocilizumab
    assert led.total == 3
    assert led.prophylactic == 1
    assert led.without_amount == 1
    assert led.total_mg == 1120
    # (last - 24 h, last]: the dose exactly 24 h old has left it, the next one has not.
    assert [d.in_last_24h for d in led.doses] == [False, True, False]
    assert led.as_of == hours(30)
    assert led.next_allowed_at == hours(38)
    assert "EPI-LEDGER" in episode(doc).rules


def test_epi_steroid_exposure_in_dexamethasone_equivalent_and_days() -> None:
    doc = case(
        [assessment(40, FEVER)],
        [
            dose("dexamethasone", 0, dose_mg=10),
            dose("methylprednisolone", 6, dose_mg=40),  # 7.5 mg dexamethasone (STER-EQ)
            dose("dexamethasone", 15.99),  # 2026-11-20 23:59: no amount, same date
            dose("hydrocortisone", 16),  # 2026-11-21 00:00: a new date
            dose("tocilizumab", 1, dose_mg=560),  # not a corticosteroid
        ],
    )
    r = episode(doc)
    assert "EPI-STEROID" in r.rules
    cs = r.summary.corticosteroids
    assert cs.doses == 4
    assert cs.dexamethasone_equivalent_mg == 17.5
    assert cs.without_amount == 2
    assert cs.days == 2
    assert cs.dates == ("2026-11-20", "2026-11-21")
