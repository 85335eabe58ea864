"""The tocilizumab repeat-dose clock (TOCI-INTERVAL, TOCI-MAX) under a profile.

Time is an argument (``at``), never read from a clock. The 24 h window is
(t - 24 h, t]: a dose exactly 24 h old has left it. Intervals are elapsed hours
between the local date-times as written; with ``time_zone`` (ruleset 2027.01) they are
real hours across daylight-saving changes (``calculator.local_time``: 8 h after 01:30 on
the spring-forward night is 10:30).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from calculator.dosing.checks import verification_lines
from calculator.dosing.models import ScheduleInput, ScheduleLimits, ScheduleResult
from calculator.local_time import add, elapsed, instant, same_time, zone_from_name
from calculator.results import unique
from calculator.rulebook import Ruleset, ruleset
from calculator.rulebook.profiles import Profile
from calculator.words import duration, when

DAY = timedelta(hours=24)
MINUTE = timedelta(minutes=1)


def in_window(since: timedelta) -> bool:
    """Whether a dose given ``since`` ago counts in the 24 h window of TOCI-MAX: at or
    after it, less than 24 h before (the ledger of an episode counts the same way)."""
    return timedelta(0) <= since < DAY


def _in_window(doses: list[datetime], t: datetime, zone: ZoneInfo | None = None) -> int:
    return sum(1 for x in doses if in_window(elapsed(x, t, zone)))


def _ceil_minute(t: datetime, zone: ZoneInfo | None = None) -> datetime:
    """Round up to the whole minute the contract writes, never earlier than allowed."""
    floor = t.replace(second=0, microsecond=0)
    return floor if same_time(floor, t) else add(floor, MINUTE, zone)


def next_eligible(
    doses: list[datetime], at: datetime, profile: Profile, zone: ZoneInfo | None = None
) -> datetime | None:
    """The earliest t >= at meeting every limit of the profile, or None at the episode
    maximum. Each limit only relaxes as t grows, so t is the latest of their thresholds.
    With ``zone``, hours are real hours (``calculator.local_time``)."""
    doses = sorted(doses, key=instant)
    total = profile.max_total
    if total is not None and len(doses) >= total:
        return None
    t = at
    if doses:
        t = max(t, add(doses[-1], timedelta(hours=profile.toci_min_interval_h), zone), key=instant)
    per_day = profile.max_per_24h
    if per_day is not None and len(doses) >= per_day:
        # The per_day-th most recent dose must have left the window (t - 24 h, t].
        t = max(t, add(doses[-per_day], DAY, zone), key=instant)
    return t


def tocilizumab_schedule(
    inp: ScheduleInput, profile: Profile, rs: Ruleset | None = None
) -> ScheduleResult:
    """Whether tocilizumab may be given at ``inp.at`` under ``profile``, and when next."""
    rs = rs or ruleset()
    d = rs.dosing
    zone = zone_from_name(inp.time_zone)
    doses = sorted(inp.doses, key=instant)
    at = inp.at
    interval = profile.toci_min_interval_h
    per_day, total = profile.max_per_24h, profile.max_total
    rules = [d.toci_interval.id, d.toci_max.id]
    warnings: list[str] = []
    reasons: list[str] = []

    nxt = next_eligible(doses, at, profile, zone)
    eligible = nxt is not None and same_time(nxt, at)
    last_24h = _in_window(doses, at, zone)

    if total is not None and len(doses) >= total:
        reasons.append(
            f"{len(doses)} doses given: the episode maximum of {total} ({d.toci_max.id}, "
            f"profile {profile.id}) is reached; no further tocilizumab this episode."
        )
    else:
        if doses and elapsed(doses[-1], at, zone) < timedelta(hours=interval):
            since = elapsed(doses[-1], at, zone).total_seconds() / 3600
            allowed = add(doses[-1], timedelta(hours=interval), zone)
            reasons.append(
                f"The last dose ({when(doses[-1])}) was {duration(since)} before; at "
                f"least {duration(interval)} between doses ({d.toci_interval.id}): not before "
                f"{when(_ceil_minute(allowed, zone))}."
            )
        if per_day is not None and last_24h >= per_day:
            leaving = doses[-per_day]
            reasons.append(
                f"{last_24h} doses in the 24 h up to {when(at)}: at most {per_day} "
                f"in any 24 h ({d.toci_max.id}, profile {profile.id}); the dose of "
                f"{when(leaving)} leaves the window at "
                f"{when(_ceil_minute(add(leaving, DAY, zone), zone))}."
            )

    for a, b in pairwise(doses):
        if elapsed(a, b, zone) < timedelta(hours=interval):
            warnings.append(
                f"{d.toci_interval.id}: the recorded doses {when(a)} and "
                f"{when(b)} are less than {duration(interval)} apart; check the record."
            )
    if total is not None and len(doses) > total:
        warnings.append(
            f"{d.toci_max.id}: {len(doses)} doses are recorded, more than the episode maximum "
            f"of {total} in profile {profile.id}; check the record."
        )

    rule_ids = unique(rules)
    return ScheduleResult(
        at=at,
        doses=tuple(doses),
        doses_total=len(doses),
        doses_last_24h=last_24h,
        eligible=eligible,
        next_eligible_at=None if nxt is None else _ceil_minute(nxt, zone),
        limits=ScheduleLimits(min_interval_h=interval, max_per_24h=per_day, max_total=total),
        reasons=tuple(reasons),
        rules=rule_ids,
        warnings=tuple(warnings + verification_lines(rs, rule_ids)),
        ruleset=rs.info,
        profile=profile.id,
    )
