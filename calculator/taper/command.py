"""`python -m calculator taper [--ics]`: the planner on the command line."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from calculator.edge.inputs import validate
from calculator.taper.ics import taper_to_ics
from calculator.taper.models import TaperInput, TaperResult
from calculator.taper.planner import plan_taper

if TYPE_CHECKING:
    from calculator.edge.cli import Context


def taper_command(payload: dict[str, Any], ctx: Context) -> TaperResult | str:
    """The plan as JSON, or as iCalendar text with ``--ics``."""
    plan = plan_taper(validate(TaperInput, payload), ctx.profile, ctx.rs)
    if getattr(ctx.options, "ics", False):
        return taper_to_ics(plan)
    return plan
