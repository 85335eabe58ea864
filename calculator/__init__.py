"""CRS Bedside Calculator rules core: pure functions over validated rule data.

No Qt, no network, no clock reads: the time of an assessment always comes in as an
argument. Import the public API from here.
"""

from typing import TYPE_CHECKING, Any

from calculator.edge.version import __version__ as __version__

# Where each public name lives. Importing ``calculator`` stays cheap: a name's module is
# imported on first use, so the command line pays only for the domain it runs.
_EXPORTS: dict[str, str] = {
    "CASE_FORMAT": "calculator.records.case",
    "CaseDocument": "calculator.records.case",
    "CasePatient": "calculator.records.case",
    "dump_case": "calculator.records.case",
    "load_case": "calculator.records.case",
    "AgentDose": "calculator.dosing",
    "DoseInput": "calculator.dosing",
    "ScheduleInput": "calculator.dosing",
    "ScheduleResult": "calculator.dosing",
    "SteroidConversion": "calculator.dosing",
    "SteroidConversionInput": "calculator.dosing",
    "TocilizumabDose": "calculator.dosing",
    "convert_steroid": "calculator.dosing",
    "dose": "calculator.dosing",
    "regimens": "calculator.dosing",
    "tocilizumab_schedule": "calculator.dosing",
    "CrosswalkInput": "calculator.crosswalk",
    "CrosswalkResult": "calculator.crosswalk",
    "FieldError": "calculator.edge.errors",
    "InputError": "calculator.edge.errors",
    "CrsInput": "calculator.grading.crs",
    "CrsResult": "calculator.grading.crs",
    "grade_crs": "calculator.grading.crs",
    "IcansInput": "calculator.grading.icans",
    "IcansResult": "calculator.grading.icans",
    "IceItems": "calculator.grading.icans",
    "grade_icans": "calculator.grading.icans",
    "Action": "calculator.management",
    "RecommendInput": "calculator.management",
    "RecommendResult": "calculator.management",
    "recommend": "calculator.management",
    "NoteResult": "calculator.records.note",
    "make_note": "calculator.records.note",
    "builtin_profile": "calculator.edge.profile_files",
    "read_profile_file": "calculator.edge.profile_files",
    "Rule": "calculator.rulebook",
    "Ruleset": "calculator.rulebook",
    "RulesetInfo": "calculator.rulebook",
    "ruleset": "calculator.rulebook",
    "Profile": "calculator.rulebook.profiles",
    "TaperInput": "calculator.taper",
    "TaperResult": "calculator.taper",
    "TaperStepInput": "calculator.taper",
    "generate_taper": "calculator.taper",
    "plan_taper": "calculator.taper",
    "taper_to_ics": "calculator.taper",
}

if TYPE_CHECKING:
    from calculator.crosswalk import CrosswalkInput, CrosswalkResult
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
    from calculator.edge.errors import FieldError, InputError
    from calculator.edge.profile_files import builtin_profile, read_profile_file
    from calculator.grading.crs import CrsInput, CrsResult, grade_crs
    from calculator.grading.icans import IcansInput, IcansResult, IceItems, grade_icans
    from calculator.management import Action, RecommendInput, RecommendResult, recommend
    from calculator.records.case import CASE_FORMAT, CaseDocument, CasePatient, dump_case, load_case
    from calculator.records.note import NoteResult, make_note
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


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'calculator' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "CASE_FORMAT",
    "Action",
    "AgentDose",
    "CaseDocument",
    "CasePatient",
    "CrosswalkInput",
    "CrosswalkResult",
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
