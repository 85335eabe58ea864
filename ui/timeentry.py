"""Quick time entry: what a nurse types for a time ("0730", "7:30", "2026-11-21 07:30").

A time without a date means that time today. Shown back as "2026-11-21 07:30" (local,
no "T", no seconds).
"""

from __future__ import annotations

import re
from datetime import date, datetime

SHOWN = "%Y-%m-%d %H:%M"
HINT = "type 0730, 07:30 or 2026-11-21 07:30"

_TIME = re.compile(r"^(\d{1,2})(?:[:.h]?(\d{2}))$")
_DATE_TIME = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})[ T]+(.+)$")


def shown(at: datetime) -> str:
    return at.strftime(SHOWN)


def _clock_time(text: str) -> tuple[int, int] | None:
    m = _TIME.match(text)
    if m is None:
        return None
    digits, mins = m.group(1), m.group(2)
    if mins is None:
        return None
    hour, minute = int(digits), int(mins)
    if hour > 23 or minute > 59:
        return None
    return hour, minute


def parse_time(text: str, today: date) -> datetime | None:
    """The time typed, or None when it is not one. "0730" and "730" are 07:30 on ``today``."""
    text = text.strip()
    m = _DATE_TIME.match(text)
    day = today
    if m is not None:
        try:
            day = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
        text = m.group(4).strip()
    hm = _clock_time(text)
    if hm is None:
        return None
    return datetime(day.year, day.month, day.day, hm[0], hm[1])
