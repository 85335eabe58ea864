"""Command-line handlers of the dose panel: `dose`, `tocilizumab-schedule`, `regimens`,
`convert-steroid` (cli-contract.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from calculator.dosing.agents import regimens
from calculator.dosing.models import (
    AgentDose,
    DoseInput,
    ScheduleInput,
    ScheduleResult,
    SteroidConversion,
    SteroidConversionInput,
    TocilizumabDose,
)
from calculator.dosing.panel import dose
from calculator.dosing.schedule import tocilizumab_schedule
from calculator.dosing.steroids import convert_steroid
from calculator.edge.inputs import validate

if TYPE_CHECKING:
    from calculator.edge.cli import Context


def dose_command(payload: dict[str, Any], ctx: Context) -> TocilizumabDose | AgentDose:
    return dose(validate(DoseInput, payload), ctx.profile, ctx.rs)


def schedule_command(payload: dict[str, Any], ctx: Context) -> ScheduleResult:
    return tocilizumab_schedule(validate(ScheduleInput, payload), ctx.profile, ctx.rs)


def convert_steroid_command(payload: dict[str, Any], ctx: Context) -> SteroidConversion:
    return convert_steroid(validate(SteroidConversionInput, payload), ctx.profile, ctx.rs)


def regimens_command(_: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """The dose regimens (for `dose`) and, where the taper rules are loaded, the taper
    regimens (section 5 rule IDs, for `taper`), each with its evidence status."""
    out: dict[str, Any] = regimens(ctx.rs).model_dump(mode="json")
    taper = getattr(ctx.rs, "taper", None)
    if taper is not None:
        out["taper_regimens"] = [
            {
                "id": rule.id,
                "title": rule.title,
                "text": rule.text,
                "status": rule.status,
                "needs_verification": rule.needs_verification,
            }
            for rule in taper.regimens()
        ]
    out["ruleset"] = ctx.rs.info.model_dump()
    return out
