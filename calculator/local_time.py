"""Local time in a named zone: the clock rule of cli-contract.md (ruleset 2027.01,
"time_zone").

Every date-time the core takes is a local wall time. Without a zone the arithmetic stays
on the wall clock, as it always was (``01:30 + 8 h = 09:30`` whatever the night). With a
zone (an IANA name such as ``Europe/Berlin``):

- intervals are real elapsed hours across daylight-saving changes (8 h after 01:30 on the
  spring-forward night is 10:30);
- a local time that does not exist in the zone (the skipped hour) is refused naming its
  field;
- a local time that occurs twice (the repeated hour) must carry its offset
  (``2026-10-25T02:30+01:00``) or is refused naming its field.

Representation (what :func:`check_local` returns): with a zone, an **aware** datetime
whose ``tzinfo`` is the zone's ``ZoneInfo`` and whose ``fold`` says which of a repeated
hour it is (0 the first, 1 the second); without a zone, the naive value unchanged. Python
compares and subtracts two datetimes of the same ``tzinfo`` on their wall times and
ignores ``fold``, so code must order and subtract through :func:`instant`,
:func:`elapsed_hours`, :func:`add_hours`, :func:`is_later` and :func:`same_time`
(or their ``timedelta`` forms :func:`elapsed`, :func:`add`), never with ``<`` or ``-``
on the values themselves.

No clock is read here and no zone data is shipped: ``zoneinfo`` reads the system's tz
database or the ``tzdata`` package.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from calculator.edge.errors import InputError

#: The longest IANA name is 32 characters (America/Argentina/ComodRivadavia); a bound, so
#: that a hostile value costs nothing.
MAX_ZONE_NAME = 64

#: IANA names are one to three parts of letters, digits, "_", "-" and "+" (Etc/GMT+5):
#: nothing path-like (no "..", no leading "/", no backslash, no empty part).
_ZONE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_+\-]*(?:/[A-Za-z0-9][A-Za-z0-9_+\-]*){0,2}")

NAME_HINT = "an IANA time zone name like Europe/Berlin"


def zone_from_name(name: str | None, field: str = "time_zone") -> ZoneInfo | None:
    """The zone called ``name``, or None when no name is given. An empty, over-long,
    path-like or unknown name is refused (``InputError`` naming ``field``)."""
    if name is None:
        return None
    if not isinstance(name, str):
        raise InputError.for_field(field, f"must be text: {NAME_HINT}")
    if not name or len(name) > MAX_ZONE_NAME or _ZONE_NAME.fullmatch(name) is None:
        raise InputError.for_field(field, f"{_shown(name)} is not {NAME_HINT}")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        # OSError: a name that is a folder of the database (Europe), or an unreadable file.
        raise InputError.for_field(
            field, f"{_shown(name)} is not a known time zone ({NAME_HINT})"
        ) from None


def zone_name(zone: ZoneInfo | None) -> str | None:
    """The IANA name of ``zone`` (what a case document stores), or None."""
    return None if zone is None else zone.key


def _shown(value: str, width: int = 40) -> str:
    return repr(value if len(value) <= width else value[:width] + "…")


def _wall(at: datetime) -> datetime:
    return at.replace(tzinfo=None, fold=0)


def _text(at: datetime) -> str:
    wall = _wall(at)
    if wall.second or wall.microsecond:
        return wall.isoformat()
    return wall.strftime("%Y-%m-%dT%H:%M")


def offset_text(offset: timedelta | None) -> str:
    """A UTC offset as people write it: ``+01:00``, ``-04:00`` (``?`` when unknown)."""
    if offset is None:
        return "?"
    minutes = round(offset.total_seconds() / 60)
    sign = "-" if minutes < 0 else "+"
    h, m = divmod(abs(minutes), 60)
    return f"{sign}{h:02d}:{m:02d}"


def exists(wall: datetime, zone: ZoneInfo) -> bool:
    """Whether the naive local time ``wall`` occurs in ``zone`` (not in a skipped hour)."""
    naive = _wall(wall)
    back = naive.replace(tzinfo=zone).astimezone(UTC).astimezone(zone)
    return back.replace(tzinfo=None) == naive


def offsets(wall: datetime, zone: ZoneInfo) -> tuple[timedelta, ...]:
    """The offsets ``zone`` uses at the local time ``wall``: none in a skipped hour, two in
    a repeated one (first occurrence first), otherwise one."""
    naive = _wall(wall)
    if not exists(naive, zone):
        return ()
    first = naive.replace(tzinfo=zone, fold=0).utcoffset()
    second = naive.replace(tzinfo=zone, fold=1).utcoffset()
    if first is None or second is None or first == second:  # a ZoneInfo always answers
        return tuple(o for o in (first,) if o is not None)
    return (first, second)


def is_ambiguous(at: datetime) -> bool:
    """Whether an aware local time falls in a repeated hour of its zone (its wall time
    alone does not say which occurrence it is)."""
    zone = at.tzinfo
    return isinstance(zone, ZoneInfo) and len(offsets(at, zone)) == 2


def check_local(at: datetime, zone: ZoneInfo | None, field: str) -> datetime:
    """``at`` checked against ``zone`` and made usable for arithmetic.

    With a zone: a naive time in a skipped hour is refused; a naive time in a repeated
    hour is refused (it must carry its offset); an aware time must carry an offset the
    zone really uses at that wall time. Returns the aware time in ``zone`` with the right
    ``fold``. Without a zone: ``at`` unchanged. Refusals are ``InputError`` naming
    ``field``."""
    if zone is None:
        return at
    wall = _wall(at)
    found = offsets(wall, zone)
    if not found:
        raise InputError.for_field(
            field,
            f"{_text(wall)} does not exist in {zone.key}: the clocks skip that hour "
            "(daylight saving time begins); check the time",
        )
    given = at.utcoffset() if at.tzinfo is not None else None
    if given is None:
        if len(found) == 2:
            a, b = (offset_text(o) for o in found)
            raise InputError.for_field(
                field,
                f"{_text(wall)} occurs twice in {zone.key} (the clocks go back): write "
                f"which one with its offset, {_text(wall)}{a} (the first) or "
                f"{_text(wall)}{b} (the second)",
            )
        return wall.replace(tzinfo=zone, fold=0)
    if given not in found:
        used = " or ".join(offset_text(o) for o in found)
        raise InputError.for_field(
            field,
            f"{_text(wall)}{offset_text(given)} does not match {zone.key}, which is at "
            f"{used} at that time",
        )
    return wall.replace(tzinfo=zone, fold=found.index(given))


def in_zone(at: datetime, zone: ZoneInfo | None) -> datetime:
    """A wall time of a case (naive, ``fold`` kept) as the aware time in its zone, which the
    zoned clocks read: a time in a repeated hour keeps which of the two it was. An aware
    time, or no zone: as it is."""
    return at.replace(tzinfo=zone) if zone is not None and at.tzinfo is None else at


def instant(at: datetime) -> datetime:
    """The value to order and subtract by: the UTC instant of an aware time, the wall
    time itself of a naive one (wall-clock arithmetic, as without a zone)."""
    if at.tzinfo is None:
        return at
    return at.astimezone(UTC)


def is_later(a: datetime, b: datetime) -> bool:
    """Whether ``a`` is later than ``b`` in real time (both aware) or on the wall clock
    (both naive)."""
    return instant(a) > instant(b)


def elapsed(start: datetime, end: datetime, zone: ZoneInfo | None) -> timedelta:
    """:func:`elapsed_hours` as an exact ``timedelta``."""
    return _real(end, zone) - _real(start, zone)


def add(start: datetime, delta: timedelta, zone: ZoneInfo | None) -> datetime:
    """:func:`add_hours` with an exact ``timedelta``."""
    if zone is None and isinstance(start.tzinfo, ZoneInfo):
        zone = start.tzinfo  # a time in a zone: real hours in it
    if zone is None:
        return start + delta
    return (_real(start, zone) + delta).astimezone(zone)


def same_time(a: datetime, b: datetime) -> bool:
    """Whether ``a`` and ``b`` are the same moment (``==`` on two times of one zone
    compares wall times and ignores ``fold``)."""
    return instant(a) == instant(b)


def elapsed_hours(start: datetime, end: datetime, zone: ZoneInfo | None) -> float:
    """Hours from ``start`` to ``end``: real hours with a zone (a naive value is read as a
    wall time of ``zone``, its first occurrence when repeated, or its ``fold``), wall-clock
    hours without; two aware times are always their real difference."""
    return elapsed(start, end, zone).total_seconds() / 3600


def add_hours(start: datetime, hours: float, zone: ZoneInfo | None) -> datetime:
    """The local time ``hours`` real hours after ``start`` in ``zone`` (aware, with the
    right ``fold``); wall-clock addition without a zone (``start``'s own kind kept)."""
    return add(start, timedelta(hours=hours), zone)


def _real(at: datetime, zone: ZoneInfo | None) -> datetime:
    # An aware time is its own instant (Python subtracts two times of one tzinfo on their
    # wall clocks, so never leave that to "-"); a naive one is read in ``zone``, if any.
    if at.tzinfo is not None:
        return at.astimezone(UTC)
    if zone is None:
        return at
    return at.replace(tzinfo=zone).astimezone(UTC)


def format_local(at: datetime) -> str:
    """The contract's form of a local time (``2026-11-21T08:00``; seconds only when there
    are any); a time in a repeated hour carries its offset (``2026-10-25T02:30+01:00``),
    so that it reads back as the same instant."""
    text = _text(at)
    if is_ambiguous(at):
        return text + offset_text(at.utcoffset())
    return text


def when_local(at: datetime) -> str:
    """``2026-11-21 08:00`` for people; a time in a repeated hour adds its offset,
    ``2026-10-25 02:30 (+01:00)``."""
    wall = _wall(at)
    text = (
        wall.strftime("%Y-%m-%d %H:%M:%S")
        if wall.second or wall.microsecond
        else wall.strftime("%Y-%m-%d %H:%M")
    )
    return with_offset(text, at)


def with_offset(text: str, at: datetime) -> str:
    """``text`` (``at`` as its caller writes it) followed by ``at``'s offset when ``at`` is
    in a repeated hour of its zone: ``02:30 (+01:00)``; the two 02:30s are an hour apart."""
    if is_ambiguous(at):
        return f"{text} ({offset_text(at.utcoffset())})"
    return text
