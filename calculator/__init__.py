"""CRS Bedside Calculator rules core: pure functions over validated rule data.

No Qt, no network, no clock reads: the time of an assessment always comes in as an
argument. Import the public API from here.
"""

from calculator.case import CASE_FORMAT, CaseDocument, CasePatient, dump_case, load_case
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
from calculator.management import Action, RecommendInput, RecommendResult, recommend
from calculator.note import NoteResult, make_note
from calculator.profile_files import builtin_profile, read_profile_file
from calculator.rulebook import Rule, Ruleset, RulesetInfo, ruleset
from calculator.rulebook.profiles import Profile
from calculator.taper import (
    TaperInput,
    TaperResult,
    TaperStepInput,
    generate_taper,
    plan_taper,
    taper_to_ics,
)

__version__ = "0.1.0"

__all__ = [
    "CASE_FORMAT",
    "Action",
    "AgentDose",
    "CaseDocument",
    "CasePatient",
    "CrsInput",
    "CrsResult",
    "DoseInput",
    "FieldError",
    "IcansInput",
    "IcansResult",
    "IceItems",
    "InputError",
    "NoteResult",
    "Profile",
    "RecommendInput",
    "RecommendResult",
    "Rule",
    "Ruleset",
    "RulesetInfo",
    "ScheduleInput",
    "ScheduleResult",
    "SteroidConversion",
    "SteroidConversionInput",
    "TaperInput",
    "TaperResult",
    "TaperStepInput",
    "TocilizumabDose",
    "__version__",
    "builtin_profile",
    "convert_steroid",
    "dose",
    "dump_case",
    "generate_taper",
    "grade_crs",
    "grade_icans",
    "load_case",
    "make_note",
    "plan_taper",
    "read_profile_file",
    "recommend",
    "regimens",
    "ruleset",
    "taper_to_ics",
    "tocilizumab_schedule",
]
