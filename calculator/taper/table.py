"""The per-day table of a taper plan: date, doses, daily and cumulative totals, and
dexamethasone equivalents (STER-EQ)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from calculator.local_time import is_ambiguous
from calculator.taper.models import Administration, DayDose, DayRow


def day_table(administrations: Sequence[Administration]) -> tuple[DayRow, ...]:
    """One row per calendar day that has an administration, in date order."""
    rows: list[DayRow] = []
    cumulative: dict[str, float] = {}
    cumulative_eq = 0.0
    by_date: dict[str, list[Administration]] = {}
    for a in administrations:
        by_date.setdefault(a.at.strftime("%Y-%m-%d"), []).append(a)
    for date, items in by_date.items():
        daily: dict[str, float] = {}
        daily_eq = 0.0
        for a in items:
            daily[a.drug] = round(daily.get(a.drug, 0.0) + a.dose_mg, 4)
            daily_eq += a.dexamethasone_equivalent_mg
        for drug, mg in daily.items():
            cumulative[drug] = round(cumulative.get(drug, 0.0) + mg, 4)
        cumulative_eq += daily_eq
        rows.append(
            DayRow(
                date=date,
                doses=tuple(
                    DayDose(time=_clock(a.at), drug=a.drug, dose_mg=a.dose_mg, route=a.route)
                    for a in items
                ),
                daily_mg=daily,
                cumulative_mg=dict(cumulative),
                daily_dexamethasone_equivalent_mg=round(daily_eq, 4),
                cumulative_dexamethasone_equivalent_mg=round(cumulative_eq, 4),
            )
        )
    return tuple(rows)


def markdown_table(rows: Sequence[DayRow]) -> str:
    """The per-day table as Markdown (used by the handoff note)."""
    lines = [
        "| Date | Doses | Daily total | Cumulative | Dexamethasone-equivalent (day / cumulative) |",
        "|---|---|---|---|---|",
    ]
    for r in rows:
        doses = "; ".join(f"{d.time} {d.drug} {d.dose_mg:g} mg {d.route}" for d in r.doses)
        daily = ", ".join(f"{drug} {mg:g} mg" for drug, mg in r.daily_mg.items())
        cumulative = ", ".join(f"{drug} {mg:g} mg" for drug, mg in r.cumulative_mg.items())
        lines.append(
            f"| {r.date} | {doses} | {daily} | {cumulative} | "
            f"{r.daily_dexamethasone_equivalent_mg:g} mg / "
            f"{r.cumulative_dexamethasone_equivalent_mg:g} mg |"
        )
    return "\n".join(lines)


def _clock(at: datetime) -> str:
    """``08:00``; in a repeated hour of the plan's zone with its offset, ``02:30 (+01:00)``."""
    text = at.strftime("%H:%M")
    if is_ambiguous(at):
        offset = at.strftime("%z")  # +0100
        return f"{text} ({offset[:3]}:{offset[3:]})"
    return text
