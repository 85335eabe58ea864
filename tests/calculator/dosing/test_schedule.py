"""Tocilizumab repeat-dose clock (TOCI-INTERVAL, TOCI-MAX): examples S1-S4, each profile's
limits, refusals, and properties over generated histories."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import pairwise

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calculator import ScheduleInput, ScheduleResult, tocilizumab_schedule
from calculator.edge.inputs import format_datetime
from calculator.rulebook.profiles import Profile
from tests.calculator.dosing.helpers import profile, refusal, schedule
from tests.calculator.helpers import PROFILES, cli_json

DAY = timedelta(hours=24)
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def test_s1_within_the_interval() -> None:
    r = schedule(["2026-11-21T08:00"], "2026-11-21T14:00")
    assert (r.eligible, r.doses_total, r.doses_last_24h) == (False, 1, 1)
    assert r.next_eligible_at == datetime(2026, 11, 21, 16, 0)
    assert any("TOCI-INTERVAL" in reason and "8 h" in reason for reason in r.reasons)
    assert {"TOCI-INTERVAL", "TOCI-MAX"} <= set(r.rules)


def test_s2_exactly_eight_hours_later_is_eligible() -> None:
    r = schedule(["2026-11-21T08:00", "2026-11-21T16:00"], "2026-11-22T00:00")
    assert r.eligible
    assert r.next_eligible_at == datetime(2026, 11, 22, 0, 0)
    assert r.reasons == ()


def test_s3_waits_for_the_oldest_dose_to_leave_the_window() -> None:
    r = schedule(["2026-11-21T08:00", "2026-11-21T16:00", "2026-11-22T00:00"], "2026-11-22T06:00")
    assert not r.eligible
    assert r.doses_last_24h == 3
    assert r.next_eligible_at == datetime(2026, 11, 22, 8, 0)
    assert any("leaves the window at 2026-11-22 08:00" in reason for reason in r.reasons)


@pytest.mark.parametrize("at", ["2026-11-22T09:00", "2026-11-25T00:00"])
def test_s4_four_doses_reach_the_episode_maximum(at: str) -> None:
    doses = ["2026-11-21T00:00", "2026-11-21T08:00", "2026-11-21T16:00", "2026-11-22T01:00"]
    r = schedule(doses, at)
    assert (r.eligible, r.next_eligible_at, r.doses_total) == (False, None, 4)
    assert any("episode maximum of 4" in reason for reason in r.reasons)


def test_window_is_open_at_its_start() -> None:
    # A dose exactly 24 h before `at` has left the window (at - 24 h, at].
    r = schedule(["2026-11-21T08:00"], "2026-11-22T08:00")
    assert r.doses_last_24h == 0
    r = schedule(["2026-11-21T08:01"], "2026-11-22T08:00")
    assert r.doses_last_24h == 1


def test_no_doses_is_eligible_now() -> None:
    r = schedule([], "2026-11-21T08:00")
    assert r.eligible
    assert r.next_eligible_at == datetime(2026, 11, 21, 8, 0)


@pytest.mark.parametrize(
    ("profile_id", "limits"),
    [
        ("astct-nccn-2026", (8, 3, 4)),
        ("asco-2021", (8, 3, 4)),
        ("actemra-label", (8, None, 4)),
        ("nccn-shortage", (8, 3, 2)),
        ("eu-epcoritamab", (8, 2, 4)),
    ],
)
def test_limits_per_profile(profile_id: str, limits: tuple[float, int | None, int]) -> None:
    r = schedule([], "2026-11-21T08:00", profile_id)
    assert (r.limits.min_interval_h, r.limits.max_per_24h, r.limits.max_total) == limits


def test_profiles_disagree_on_a_third_dose_in_24_h() -> None:
    doses = ["2026-11-21T00:00", "2026-11-21T08:00"]
    assert schedule(doses, "2026-11-21T16:00").eligible
    eu = schedule(doses, "2026-11-21T16:00", "eu-epcoritamab")
    assert not eu.eligible
    assert eu.next_eligible_at == datetime(2026, 11, 22, 0, 0)
    shortage = schedule(doses, "2026-11-21T16:00", "nccn-shortage")
    assert shortage.next_eligible_at is None


def test_24_h_cap_binds_only_with_a_shorter_interval() -> None:
    # With 8 h between doses at most 3 fit in any (t - 24 h, t]; with the 6 h interval of
    # CARTOX 2018 (a known disagreement) the 24 h cap decides, and the label has none.
    inp = ScheduleInput.model_validate(
        {
            "doses": ["2026-11-21T00:00", "2026-11-21T06:00", "2026-11-21T12:00"],
            "at": "2026-11-21T18:00",
        }
    )
    nccn = tocilizumab_schedule(inp, profile(toci_min_interval_h=6))
    assert not nccn.eligible
    assert nccn.next_eligible_at == datetime(2026, 11, 22, 0, 0)
    label = tocilizumab_schedule(inp, profile("actemra-label", toci_min_interval_h=6))
    assert label.eligible


def test_seconds_round_the_next_time_up_to_the_minute() -> None:
    r = schedule(["2026-11-21T08:00:30"], "2026-11-21T09:00")
    assert r.next_eligible_at == datetime(2026, 11, 21, 16, 1)


def test_record_problems_are_warned() -> None:
    r = schedule(["2026-11-21T08:00", "2026-11-21T10:00"], "2026-11-21T12:00")
    assert any(w.startswith("TOCI-INTERVAL:") and "less than 8 h apart" in w for w in r.warnings)
    five = [f"2026-11-2{d}T08:00" for d in range(1, 6)]
    r = schedule(five, "2026-11-26T08:00")
    assert any(
        w.startswith("TOCI-MAX:") and "more than the episode maximum" in w for w in r.warnings
    )


def test_dose_after_at_is_refused_naming_it() -> None:
    err = refusal(
        ScheduleInput, {"doses": ["2026-11-21T08:00", "2026-11-21T15:00"], "at": "2026-11-21T14:00"}
    )
    assert [f.field for f in err.fields] == ["doses[1]"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"doses": ["2026-11-21"], "at": "2026-11-21T14:00"}, "doses[0]"),
        ({"doses": ["yesterday"], "at": "2026-11-21T14:00"}, "doses[0]"),
        ({"doses": [], "at": "2026-11-21T14:00+01:00"}, "at"),
        ({"doses": [], "at": 1700000000}, "at"),
        ({"doses": "2026-11-21T08:00", "at": "2026-11-21T14:00"}, "doses"),
        ({"doses": []}, "at"),
        ({"doses": [], "at": "2026-11-21T14:00", "dose": []}, "dose"),
    ],
)
def test_malformed_input_exits_2_naming_the_field(payload: dict[str, object], field: str) -> None:
    code, out = cli_json(["tocilizumab-schedule"], payload)
    assert code == 2
    assert field in [f["field"] for f in out["error"]["fields"]]


def test_cli_writes_contract_datetimes() -> None:
    code, out = cli_json(
        ["tocilizumab-schedule"], {"doses": ["2026-11-21T08:00"], "at": "2026-11-21T14:00"}
    )
    assert code == 0
    assert out["next_eligible_at"] == "2026-11-21T16:00"
    assert out["at"] == "2026-11-21T14:00"
    assert out["limits"] == {"min_interval_h": 8, "max_per_24h": 3, "max_total": 4}
    code, out = cli_json(
        ["tocilizumab-schedule", "--profile", "actemra-label"],
        {"doses": [], "at": "2026-11-21T14:00"},
    )
    assert out["limits"]["max_per_24h"] is None


# --- properties -------------------------------------------------------------------------------

START = datetime(2026, 11, 21, 0, 0)
minutes = st.integers(min_value=0, max_value=3 * 24 * 60)


@st.composite
def profiles_st(draw: st.DrawFn) -> Profile:
    """Every built-in profile, also with shorter intervals (CARTOX's 6 h and below) so that
    the 24 h cap, not only the interval, decides."""
    base = draw(st.sampled_from(PROFILES))
    interval = draw(st.sampled_from([None, 6.0, 4.0, 2.5]))
    return profile(base) if interval is None else profile(base, toci_min_interval_h=interval)


@st.composite
def histories(draw: st.DrawFn) -> tuple[list[datetime], datetime]:
    gaps = draw(st.lists(st.integers(min_value=0, max_value=20 * 60), max_size=6))
    doses, t = [], START
    for gap in gaps:
        t += timedelta(minutes=gap)
        doses.append(t)
    at = t + timedelta(minutes=draw(minutes))
    return doses, at


def _run(doses: list[datetime], at: datetime, p: Profile) -> ScheduleResult:
    return tocilizumab_schedule(ScheduleInput(doses=tuple(doses), at=at), p)


@SETTINGS
@given(histories(), profiles_st())
def test_never_eligible_within_the_interval_of_another_dose(
    history: tuple[list[datetime], datetime], p: Profile
) -> None:
    doses, at = history
    r = _run(doses, at, p)
    interval = timedelta(hours=p.toci_min_interval_h)
    if r.eligible:
        assert all(at - d >= interval for d in doses)
        if p.max_per_24h is not None:
            assert sum(1 for d in doses if at - DAY < d <= at) < p.max_per_24h
        if p.max_total is not None:
            assert len(doses) < p.max_total


@SETTINGS
@given(histories(), profiles_st())
def test_next_eligible_is_the_earliest_eligible_minute(
    history: tuple[list[datetime], datetime], p: Profile
) -> None:
    doses, at = history
    r = _run(doses, at, p)
    nxt = r.next_eligible_at
    if p.max_total is not None and len(doses) >= p.max_total:
        assert nxt is None
        assert not r.eligible
        return
    assert nxt is not None
    assert nxt >= at
    assert _run(doses, nxt, p).eligible
    before = nxt - timedelta(minutes=1)
    if before >= at:
        assert not _run(doses, before, p).eligible


@SETTINGS
@given(
    profiles_st(), st.lists(st.integers(min_value=0, max_value=30 * 60), min_size=12, max_size=12)
)
def test_following_next_eligible_never_breaks_a_limit(p: Profile, delays: list[int]) -> None:
    doses: list[datetime] = []
    at = START
    for delay in delays:
        r = _run(doses, at, p)
        if r.next_eligible_at is None:
            assert p.max_total is not None
            assert len(doses) == p.max_total
            break
        doses.append(r.next_eligible_at)
        at = doses[-1] + timedelta(minutes=delay)
    interval = timedelta(hours=p.toci_min_interval_h)
    assert all(b - a >= interval for a, b in pairwise(doses))
    if p.max_total is not None:
        assert len(doses) <= p.max_total
    if p.max_per_24h is not None:
        for t in doses:
            assert sum(1 for d in doses if t - DAY < d <= t) <= p.max_per_24h


@SETTINGS
@given(histories(), profiles_st())
def test_output_times_are_contract_text(
    history: tuple[list[datetime], datetime], p: Profile
) -> None:
    doses, at = history
    data = _run(doses, at, p).model_dump(mode="json")
    assert data["at"] == format_datetime(at)
    assert data["doses"] == [format_datetime(d) for d in sorted(doses)]
    if data["next_eligible_at"] is not None:
        assert data["next_eligible_at"] == format_datetime(_run(doses, at, p).next_eligible_at)  # type: ignore[arg-type]
