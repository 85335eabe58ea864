"""Local date-times in a named time zone (cli-contract.md, ``time_zone``).

Minimal version for the episode (issue 23); branch i20b owns this module and replaces it
at merge, so only this API is used: ``zone_from_name``, ``check_local``,
``elapsed_hours``, ``add_hours``. Without a zone, arithmetic stays on the wall clock.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from calculator.errors import InputError
from calculator.inputs import format_datetime

MAX_ZONE_NAME = 64


def zone_from_name(name: str | None, field: str = "time_zone") -> ZoneInfo | None:
    """The IANA zone named ``name`` (None for None); InputError naming ``field`` else."""
    if name is None:
        return None
    if not isinstance(name, str) or not name or len(name) > MAX_ZONE_NAME:
        raise InputError.for_field(field, "must be an IANA time zone name like Europe/Berlin")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise InputError.for_field(
            field, f"{name[:MAX_ZONE_NAME]!r} is not a time zone this system knows"
        ) from None


def _utc(at: datetime, zone: ZoneInfo) -> datetime:
    return at.replace(tzinfo=zone).astimezone(UTC)


def check_local(at: datetime, zone: ZoneInfo | None, field: str) -> datetime:
    """``at`` when it names one real instant in ``zone``; refuses (naming ``field``) a local
    time the zone skips (spring forward) or one it repeats (fall back) without an offset."""
    if zone is None or at.tzinfo is not None:
        return at
    back = _utc(at, zone).astimezone(zone).replace(tzinfo=None)
    if back != at:
        raise InputError.for_field(
            field, f"{format_datetime(at)} does not exist in {zone.key} (the clocks skip it)"
        )
    if at.replace(tzinfo=zone, fold=0).utcoffset() != at.replace(tzinfo=zone, fold=1).utcoffset():
        raise InputError.for_field(
            field,
            f"{format_datetime(at)} occurs twice in {zone.key} (the clocks go back): "
            "give its UTC offset",
        )
    return at


def elapsed_hours(start: datetime, end: datetime, zone: ZoneInfo | None) -> float:
    """Real hours from ``start`` to ``end`` in ``zone``; wall-clock hours without one."""
    if zone is None:
        return (end - start).total_seconds() / 3600
    return (_utc(end, zone) - _utc(start, zone)).total_seconds() / 3600


def add_hours(start: datetime, hours: float, zone: ZoneInfo | None) -> datetime:
    """The local time ``hours`` real hours after ``start`` in ``zone`` (wall clock without)."""
    if zone is None:
        return start + timedelta(hours=hours)
    moved = _utc(start, zone) + timedelta(hours=hours)
    return moved.astimezone(zone).replace(tzinfo=None)
