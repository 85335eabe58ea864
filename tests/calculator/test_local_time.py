"""calculator.local_time: real hours across daylight-saving changes, skipped and repeated
local times refused at their field (cli-contract.md "time_zone", ruleset 2027.01)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calculator.errors import InputError
from calculator.local_time import (
    add_hours,
    check_local,
    elapsed_hours,
    format_local,
    instant,
    is_later,
    zone_from_name,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
SYDNEY = ZoneInfo("Australia/Sydney")
TOKYO = ZoneInfo("Asia/Tokyo")


def dt(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_eight_hours_after_0130_on_the_spring_forward_night_is_1030() -> None:
    start = check_local(dt("2026-03-29T01:30"), BERLIN, "doses[0]")
    later = add_hours(start, 8, BERLIN)
    assert format_local(later) == "2026-03-29T10:30"
    assert elapsed_hours(start, later, BERLIN) == 8
    # Without a zone: the wall clock, as before.
    assert add_hours(dt("2026-03-29T01:30"), 8, None) == dt("2026-03-29T09:30")
    assert elapsed_hours(dt("2026-03-29T01:30"), dt("2026-03-29T09:30"), None) == 8


@pytest.mark.parametrize(
    ("zone", "start", "hours", "expected"),
    [
        (BERLIN, "2026-10-25T01:30", 8, "2026-10-25T08:30"),  # fall back: 25 h day
        (NEW_YORK, "2026-03-08T01:30", 8, "2026-03-08T10:30"),
        (NEW_YORK, "2026-11-01T00:30", 8, "2026-11-01T07:30"),
        (SYDNEY, "2026-10-04T01:30", 8, "2026-10-04T10:30"),  # southern spring, October
        (SYDNEY, "2026-04-05T01:30", 8, "2026-04-05T08:30"),  # southern autumn, April
        (TOKYO, "2026-03-29T01:30", 8, "2026-03-29T09:30"),  # no DST
        (ZoneInfo("UTC"), "2026-10-25T01:30", 8, "2026-10-25T09:30"),
    ],
)
def test_real_hours_in_each_zone(zone: ZoneInfo, start: str, hours: float, expected: str) -> None:
    begin = check_local(dt(start), zone, "at")
    assert format_local(add_hours(begin, hours, zone)) == expected


@pytest.mark.parametrize(
    ("zone", "skipped"),
    [
        (BERLIN, "2026-03-29T02:30"),
        (NEW_YORK, "2026-03-08T02:00"),
        (SYDNEY, "2026-10-04T02:59"),
    ],
)
def test_a_skipped_local_time_is_refused_naming_its_field(zone: ZoneInfo, skipped: str) -> None:
    with pytest.raises(InputError) as caught:
        check_local(dt(skipped), zone, "doses[1]")
    assert [f.field for f in caught.value.fields] == ["doses[1]"]
    assert "does not exist" in caught.value.message
    assert check_local(dt(skipped), None, "doses[1]") == dt(skipped)


@pytest.mark.parametrize(
    ("zone", "repeated", "first", "second"),
    [
        (BERLIN, "2026-10-25T02:30", "+02:00", "+01:00"),
        (NEW_YORK, "2026-11-01T01:30", "-04:00", "-05:00"),
        (SYDNEY, "2026-04-05T02:30", "+11:00", "+10:00"),
    ],
)
def test_a_repeated_local_time_needs_its_offset(
    zone: ZoneInfo, repeated: str, first: str, second: str
) -> None:
    with pytest.raises(InputError) as caught:
        check_local(dt(repeated), zone, "at")
    assert [f.field for f in caught.value.fields] == ["at"]
    assert "occurs twice" in caught.value.message
    one = check_local(dt(repeated + first), zone, "at")
    two = check_local(dt(repeated + second), zone, "at")
    assert (one.fold, two.fold) == (0, 1)
    assert elapsed_hours(one, two, zone) == 1
    assert is_later(two, one)
    assert format_local(one) == repeated + first
    assert format_local(two) == repeated + second


def test_an_offset_the_zone_does_not_use_is_refused() -> None:
    with pytest.raises(InputError) as caught:
        check_local(dt("2026-10-25T02:30+03:00"), BERLIN, "at")
    assert caught.value.fields[0].field == "at"
    assert "+02:00 or +01:00" in caught.value.message
    with pytest.raises(InputError):
        check_local(dt("2026-07-01T12:00+01:00"), BERLIN, "at")  # summer: +02:00 only
    ok = check_local(dt("2026-07-01T12:00+02:00"), BERLIN, "at")
    assert format_local(ok) == "2026-07-01T12:00"


def test_order_follows_real_time_in_the_repeated_hour() -> None:
    # 02:10 the second time (+01:00) comes after 02:50 the first time (+02:00).
    early = check_local(dt("2026-10-25T02:50+02:00"), BERLIN, "a")
    late = check_local(dt("2026-10-25T02:10+01:00"), BERLIN, "b")
    assert is_later(late, early)
    assert sorted([late, early], key=instant) == [early, late]
    assert elapsed_hours(early, late, BERLIN) == pytest.approx(20 / 60)


@pytest.mark.parametrize(
    "name", ["../../etc/passwd", "/etc/localtime", "Europe", "Mars/Olympus", "", "x" * 65]
)
def test_bad_zone_names_are_refused_naming_the_field(name: str) -> None:
    with pytest.raises(InputError) as caught:
        zone_from_name(name, "time_zone")
    assert [f.field for f in caught.value.fields] == ["time_zone"]


def test_zone_names() -> None:
    assert zone_from_name(None) is None
    zone = zone_from_name("Australia/Sydney")
    assert zone is not None
    assert zone.key == "Australia/Sydney"


ZONES = st.sampled_from([BERLIN, NEW_YORK, SYDNEY, TOKYO, ZoneInfo("UTC")])


@given(
    zone=ZONES,
    moment=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2035, 12, 31)),
    minutes=st.integers(min_value=-60 * 24 * 30, max_value=60 * 24 * 30),
)
def test_elapsed_hours_undoes_add_hours(zone: ZoneInfo, moment: datetime, minutes: int) -> None:
    # Any real instant, read in the zone, is a valid start (fold chosen by astimezone).
    start = moment.replace(tzinfo=UTC).astimezone(zone)
    assert check_local(start, zone, "at") == start
    hours = minutes / 60
    end = add_hours(start, hours, zone)
    assert elapsed_hours(start, end, zone) == pytest.approx(hours, abs=1e-9)
    assert instant(end) - instant(start) == timedelta(minutes=minutes)
