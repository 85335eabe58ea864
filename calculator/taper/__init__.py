"""The steroid taper planner (clinical-rules.md section 5)."""

from calculator.taper.equivalents import dexamethasone_equivalent, from_dexamethasone
from calculator.taper.generator import GeneratedTaper, Reduction, generate_taper, round_dose
from calculator.taper.ics import taper_to_ics
from calculator.taper.models import (
    Administration,
    DayRow,
    PlannedStep,
    TaperInput,
    TaperResult,
    TaperStepInput,
)
from calculator.taper.planner import plan_taper
from calculator.taper.table import day_table, markdown_table

__all__ = [
    "Administration",
    "DayRow",
    "GeneratedTaper",
    "PlannedStep",
    "Reduction",
    "TaperInput",
    "TaperResult",
    "TaperStepInput",
    "day_table",
    "dexamethasone_equivalent",
    "from_dexamethasone",
    "generate_taper",
    "markdown_table",
    "plan_taper",
    "round_dose",
    "taper_to_ics",
]
