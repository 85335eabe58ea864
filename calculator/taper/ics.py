"""iCalendar export of a taper plan (RFC 5545), for a ward calendar to import.

Times are floating local times (no time zone), as the plan's are; a plan made with
``time_zone`` writes its times in UTC (``...Z``), the one unambiguous form RFC 5545
allows without a VTIMEZONE block, so a calendar shows them right across a
daylight-saving change. The file is
deterministic: UIDs derive from the plan and DTSTAMP is the plan's start (the core never
reads the clock), written in the UTC form RFC 5545 requires.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from calculator.local_time import add, instant
from calculator.taper.models import TaperResult

PRODID = "-//CRS Bedside Calculator//taper planner//EN"
EVENT_MINUTES = 15  # calendar display length of one administration; not a clinical number


def _stamp(value: datetime) -> str:
    return value.strftime("%Y%m%dT%H%M%S")


def _time(value: datetime) -> str:
    """A floating local time, or UTC for a time in a zone."""
    if value.tzinfo is None:
        return _stamp(value)
    return _stamp(value.astimezone(UTC)) + "Z"


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> list[str]:
    """Lines longer than 75 octets are folded (CRLF + one space), never inside a character."""
    out: list[str] = []
    current = ""
    limit = 75
    for ch in line:
        if len((current + ch).encode("utf-8")) > limit:
            out.append(current)
            current = " " + ch
            limit = 75
        else:
            current += ch
    out.append(current)
    return out


def taper_to_ics(plan: TaperResult) -> str:
    """One VEVENT per administration; the description carries rules and warnings."""
    digest = hashlib.sha256(plan.model_dump_json().encode("utf-8")).hexdigest()[:16]
    what = plan.regimen or "custom taper"
    notes = "; ".join(plan.warnings)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_escape(f'Steroid plan ({what})')}",
    ]
    total = len(plan.administrations)
    zone = plan.start.tzinfo if isinstance(plan.start.tzinfo, ZoneInfo) else None
    for n, a in enumerate(plan.administrations, start=1):
        summary = f"{a.drug.capitalize()} {a.dose_mg:g} mg {a.route}"
        description = (
            f"Dose {n} of {total} ({what}, step {a.step + 1}). "
            f"Rules: {', '.join(plan.rules)}. Ruleset {plan.ruleset.version} "
            f"(sha256 {plan.ruleset.sha256[:12]}). Profile {plan.profile}. {notes}"
        )
        lines += [
            "BEGIN:VEVENT",
            f"UID:{digest}-{n}@crs-calc",
            f"DTSTAMP:{_stamp(instant(plan.start))}Z",
            f"DTSTART:{_time(a.at)}",
            f"DTEND:{_time(add(a.at, timedelta(minutes=EVENT_MINUTES), zone))}",
            f"SUMMARY:{_escape(summary)}",
            f"DESCRIPTION:{_escape(description)}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(folded + "\r\n" for line in lines for folded in _fold(line))
