"""The app's zone and its two clocks (issue 20, ruleset 2027.01 ``time_zone``).

The app keeps local wall times as naive datetimes whose ``fold`` says which of a repeated
hour they are (``datetime.now()`` sets it; the repeated-hour question sets it for a typed
time). It hands them to the core with the system zone (:func:`to_core`: aware in that
zone), so the core counts real hours across daylight-saving changes and refuses a time
that does not exist; what the core returns comes back with :func:`from_core`.

Two clocks: the wall clock says what time it is (for display and for the case's time);
a monotonic clock (``QElapsedTimer``: never set back, never jumps) measures how much real
time has passed, so a wall clock set back by hand or by a time server is noticed and said
plainly, and the countdown keeps counting real time.
"""

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QElapsedTimer, QTimeZone

from calculator.edge.errors import InputError
from calculator.local_time import in_zone, zone_from_name
from calculator.rulebook import FrozenModel
from calculator.words import duration, when

Monotonic = Callable[[], float]

#: The ``zone`` argument that means "the system's zone" (None means none: wall-clock
#: arithmetic, as before ruleset 2027.01).
SYSTEM_ZONE = "system"

#: A wall clock that runs this much slower than real time between two ticks (one second
#: apart) was set back; less is the jitter of timers, not a change of the clock.
JUMP_BACK_SECONDS = 60.0


def system_zone_name() -> str | None:
    """The system's IANA zone (Qt reads it the same way on Linux, macOS and Windows), or
    None when it is not a zone this machine's tz database knows."""
    raw = QTimeZone.systemTimeZoneId().data()
    name = raw.decode("ascii", "replace") if isinstance(raw, bytes) else str(raw)
    try:
        zone = zone_from_name(name)
    except InputError:
        return None
    return None if zone is None else zone.key


def zone_of(name: str | None) -> ZoneInfo | None:
    """The zone called ``name`` (None, or an unknown name: no zone)."""
    try:
        return zone_from_name(name)
    except InputError:
        return None


def to_core(at: datetime, zone: ZoneInfo | None) -> datetime:
    """An app time (naive, with its ``fold``) as the core reads it with ``time_zone``."""
    return in_zone(at, zone)


def from_core(at: datetime) -> datetime:
    """A time the core returned, as the app keeps it: naive, ``fold`` kept."""
    return at.replace(tzinfo=None) if at.tzinfo is not None else at


def monotonic_seconds() -> Monotonic:
    """Seconds from a monotonic clock (QElapsedTimer), for elapsed time only."""
    timer = QElapsedTimer()
    timer.start()
    return lambda: timer.elapsed() / 1000.0


class ClockJump(FrozenModel):
    """The wall clock went back: what it read by real time, what it reads now."""

    expected: datetime
    now: datetime
    seconds_back: float

    def text(self) -> str:
        # Times of day, with their dates when the jump crossed midnight.
        same_day = self.expected.date() == self.now.date()
        before, after = (
            (f"{t:%H:%M}" for t in (self.expected, self.now))
            if same_day
            else (when(t) for t in (self.expected, self.now))
        )
        return (
            f"The computer's clock went back by {duration(self.seconds_back / 3600)} (from "
            f"{before} to {after}). Nothing you entered was changed; the countdown keeps "
            "counting real time. Check the computer's date, time and time zone."
        )
