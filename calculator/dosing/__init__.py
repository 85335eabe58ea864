"""The dose panel: tocilizumab dose and repeat-dose clock, the other agents, steroid
equivalence. Pure functions over the rule data of ``rulebook/data/dosing.toml``."""

from calculator.dosing.agents import regimens
from calculator.dosing.catalogue import regimen_ids
from calculator.dosing.models import (
    AgentDose,
    DoseInput,
    DoseResult,
    RegimenInfo,
    RegimenList,
    ScheduleInput,
    ScheduleLimits,
    ScheduleResult,
    Stability,
    SteroidConversion,
    SteroidConversionInput,
    TocilizumabDose,
    VialCount,
)
from calculator.dosing.panel import dose
from calculator.dosing.schedule import next_eligible, tocilizumab_schedule
from calculator.dosing.steroids import convert_steroid, dexamethasone_equivalent, equivalent_mg

__all__ = [
    "AgentDose",
    "DoseInput",
    "DoseResult",
    "RegimenInfo",
    "RegimenList",
    "ScheduleInput",
    "ScheduleLimits",
    "ScheduleResult",
    "Stability",
    "SteroidConversion",
    "SteroidConversionInput",
    "TocilizumabDose",
    "VialCount",
    "convert_steroid",
    "dexamethasone_equivalent",
    "dose",
    "equivalent_mg",
    "next_eligible",
    "regimen_ids",
    "regimens",
    "tocilizumab_schedule",
]
