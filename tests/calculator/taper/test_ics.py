"""iCalendar export (`taper --ics`)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from calculator.edge.cli import run
from calculator.taper import taper_to_ics
from tests.calculator.taper.helpers import plan

P2 = {
    "start": "2026-03-01T22:00",
    "steps": [{"drug": "dexamethasone", "dose_mg": 10, "every_h": 6, "days": 1}],
}


P1G = {"start": "2026-03-01T08:00", "regimen": "TAPER-MP1G"}


def _unfold(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


def test_ics_has_one_event_per_administration_in_local_time() -> None:
    text = taper_to_ics(plan(P2))
    lines = _unfold(text)
    assert lines[0] == "BEGIN:VCALENDAR"
    assert "END:VCALENDAR" in lines
    assert [ln for ln in lines if ln.startswith("DTSTART")] == [
        "DTSTART:20260301T220000",
        "DTSTART:20260302T040000",
        "DTSTART:20260302T100000",
        "DTSTART:20260302T160000",
    ]
    assert lines.count("SUMMARY:Dexamethasone 10 mg IV") == 4
    uids = [ln for ln in lines if ln.startswith("UID:")]
    assert len(set(uids)) == 4
    assert all(len(ln.encode()) <= 75 for ln in text.split("\r\n"))
    assert text.endswith("\r\n")
    description = next(ln for ln in lines if ln.startswith("DESCRIPTION:"))
    assert "TAPER-FLARE" in description


def test_ics_is_deterministic_and_from_the_command_line() -> None:
    code, text = run(["taper", "--ics"], lambda: json.dumps(P2))
    assert code == 0
    assert text == taper_to_ics(plan(P2))
    assert text == run(["taper", "--ics"], lambda: json.dumps(P2))[1]


def test_ics_refusal_is_still_json() -> None:
    code, text = run(["taper", "--ics"], lambda: '{"start": "2026-03-01T08:00"}')
    assert code == 2
    assert "error" in json.loads(text)


def test_every_event_parses_back_with_the_icalendar_package() -> None:
    """An independent RFC 5545 parser (icalendar, dev extra) reads every administration
    back with its time, summary and description: our small writer stays, because the
    core needs no extra runtime dependency for it, and this proves its output."""
    icalendar = pytest.importorskip("icalendar")
    result = plan(P1G)
    calendar = icalendar.Calendar.from_ical(taper_to_ics(result))
    events = list(calendar.walk("VEVENT"))
    assert len(events) == len(result.administrations) == 15
    for event, given in zip(events, result.administrations, strict=True):
        start = event.decoded("DTSTART")
        assert start == given.at  # floating local time, as the plan's
        assert start.tzinfo is None
        assert event.decoded("DTEND") - start == timedelta(minutes=15)
        assert str(event["SUMMARY"]) == (f"Methylprednisolone {given.dose_mg:g} mg {given.route}")
        description = str(event["DESCRIPTION"])
        assert "TAPER-MP1G" in description
        assert "\\," not in description  # escapes decoded by the parser, not left as text
    assert len({str(e["UID"]) for e in events}) == 15
    assert str(calendar["PRODID"]).startswith("-//CRS Bedside Calculator//")
