"""CRS Bedside Calculator rules core: pure functions over validated rule data.

No Qt, no network, no clock reads: the time of an assessment always comes in as an
argument. Import the public API from here.
"""

from calculator.dosing import (
    AgentDose,
    DoseInput,
    ScheduleInput,
    ScheduleResult,
    SteroidConversion,
    SteroidConversionInput,
    TocilizumabDose,
    convert_steroid,
    dose,
    regimens,
    tocilizumab_schedule,
)
from calculator.errors import FieldError, InputError
from calculator.grading.crs import CrsInput, CrsResult, grade_crs
from calculator.grading.icans import IcansInput, IcansResult, IceItems, grade_icans
from calculator.profile_files import builtin_profile, read_profile_file
from calculator.rulebook import Rule, Ruleset, RulesetInfo, ruleset
from calculator.rulebook.profiles import Profile

__version__ = "0.1.0"

__all__ = [
    "AgentDose",
    "CrsInput",
    "CrsResult",
    "DoseInput",
    "FieldError",
    "IcansInput",
    "IcansResult",
    "IceItems",
    "InputError",
    "Profile",
    "Rule",
    "Ruleset",
    "RulesetInfo",
    "ScheduleInput",
    "ScheduleResult",
    "SteroidConversion",
    "SteroidConversionInput",
    "TocilizumabDose",
    "__version__",
    "builtin_profile",
    "convert_steroid",
    "dose",
    "grade_crs",
    "grade_icans",
    "read_profile_file",
    "regimens",
    "ruleset",
    "tocilizumab_schedule",
]
