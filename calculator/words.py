"""How times and durations read for people (messages, the note, printed records).

The JSON keeps the contract's form (``2026-11-21T08:00``, hours as numbers); sentences a
nurse reads use local date-times without "T" and durations in hours and minutes.
"""

from __future__ import annotations

from datetime import datetime

from calculator.local_time import when_local, with_offset


def when(value: datetime) -> str:
    """``2026-11-21 08:00``; seconds only when there are any (a dose timed to the second
    is printed as entered); a time in a repeated hour of its zone adds its offset,
    ``2026-10-25 02:30 (+01:00)`` (calculator.local_time)."""
    if value.tzinfo is not None:
        return when_local(value)
    if value.second or value.microsecond:
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return value.strftime("%Y-%m-%d %H:%M")


def clock(at: datetime, pattern: str = "%H:%M") -> str:
    """``at`` written with ``pattern`` (``02:30`` by default); in a repeated hour of its zone
    with its offset, ``02:30 (+01:00)``, as :func:`when` writes it."""
    return with_offset(at.strftime(pattern), at)


def duration(hours: float) -> str:
    """``5 h 31 min``, ``8 h``, ``45 min``: to the nearest minute."""
    minutes = round(hours * 60)
    h, m = divmod(abs(minutes), 60)
    sign = "-" if minutes < 0 else ""
    if h and m:
        return f"{sign}{h} h {m} min"
    if h:
        return f"{sign}{h} h"
    return f"{sign}{m} min"


def count(number: float, one: str, many: str = "") -> str:
    """``1 day``, ``2 days``, ``1.5 days``: the word agrees with the number (``many``
    defaults to ``one`` + "s")."""
    text = f"{number:g}"
    return f"{text} {one if number == 1 else (many or one + 's')}"
