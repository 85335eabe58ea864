"""File > New / Open / Save: the case document (crs-calc-case/2, spec episode.md) of the core.

Saving gathers what each tool holds into the core's CaseDocumentV2 (validated by the core):
the episode's recorded assessments, then what the wizard shows at "Assessed at" when it
holds anything (or when nothing was recorded yet: a case has at least one assessment), the
dose ledger as ``given``, day 0 and the taper. Opening fills every tool back from one:
the assessments go into the episode, the wizard starts blank on the live clock and every
countdown runs from now (issue 24). A version 1 document reads as an episode of one
assessment and is saved as version 2 only when the user saves.

What was typed in °F or lb is saved as such (``units``) and reopens in that unit.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDateTime

import calculator
from calculator.edge.inputs import validate
from calculator.edge.safe_io import read_json_file
from calculator.grading.crs import CrsInput
from calculator.grading.icans import IcansInput
from calculator.local_time import check_local, zone_from_name
from calculator.records.case import CaseDocument
from calculator.records.case_v2 import (
    CASE_FORMAT_V2,
    Assessment,
    CaseDocumentV2,
    case_version,
    dump_episode_case,
    from_v1,
    load_episode_case,
)
from ui.case.local_clock import from_core
from ui.controllers.ports import CaseTools
from ui.models import PatientContext
from ui.store.atomic import remove_leftover_temp_files, write_atomic, write_failure
from ui.units import as_typed, fmt, from_celsius, to_celsius

#: The case document's unit codes and the app's unit texts.
TEMPERATURE_CODES = {"°C": "C", "°F": "F"}

#: Said once when a version 1 case is opened (episode.md: saved as version 2 only on Save).
V1_NOTICE = (
    "This case was saved by an earlier version of the app (crs-calc-case/1). It opens as an "
    "episode of one assessment; it is saved as crs-calc-case/2 only when you save it."
)


class CaseError(Exception):
    """The case could not be saved or opened; the message is the core's, for the user."""


def wizard_assessment(app: CaseTools, always: bool = False) -> dict[str, Any] | None:
    """What the wizard shows at "Assessed at" as an assessment, or None when it holds
    nothing (no finding, improving not asked) unless ``always``."""
    crs = app.grading.crs_for_case()
    icans = app.grading.icans_for_case()
    improving = app.management.view.improving.value()
    findings = app.crosswalk.for_case()
    if crs is None and icans is None and improving is None and findings is None and not always:
        return None
    data: dict[str, Any] = {"at": app.state.at()}
    by = app.episode.initials()
    if by:
        data["by"] = by
    if crs is not None:
        data["crs"] = crs
    if icans is not None:
        data["icans"] = icans
    if improving is not None:
        data["improving"] = improving
    if findings is not None:  # only when 'Other scales' was opened and filled
        data["crosswalk"] = findings
    return data


def build_case(app: CaseTools, complete: bool = False) -> CaseDocumentV2:
    """The current state of every tool as the core's case document (version 2): the
    recorded episode, then the wizard's assessment when it holds anything (always when
    nothing is recorded yet). While a row is being corrected the episode is saved as it
    stands (the row unchanged until the correction is saved). ``complete`` (a saved file,
    a handoff record): refused rather than made without findings or a taper that were
    entered but refused (the autosave keeps those as typed, beside the case)."""
    recorded: list[Any] = list(app.episode.assessments)
    current = None
    if app.episode.editing is None:
        current = wizard_assessment(app, always=not recorded)
    case = episode_case(app, [*recorded, *([current] if current is not None else [])])
    if complete:
        refuse_dropped_findings(app)
    return case


def episode_case(app: CaseTools, assessments: Sequence[Any]) -> CaseDocumentV2:
    """A case document of these assessments with everything else the tools hold."""
    ctx = app.patient.context()
    patient: dict[str, Any] = {
        "label": ctx.label,
        "weight_kg": ctx.weight_kg,
        "age_years": ctx.age_years,
    }
    if ctx.product:
        patient["product"] = ctx.product
    data: dict[str, Any] = {
        "format": CASE_FORMAT_V2,
        "patient": patient,
        "made_at": app.state.wall_now(),  # when the document is made (the wall clock)
        "profile": app.profile.id,
        "assessments": list(assessments),
        "given": app.dose.given(),
    }
    if app.episode.day0 is not None:
        data["day0"] = app.episode.day0
    if app.state.zone_name is not None:
        data["time_zone"] = app.state.zone_name
    data["units"] = typed_units(app)
    if app.taper.has_plan:  # only a taper someone planned (never the planner's default)
        data["taper"] = app.taper.payload()
    fresh = {i for i, a in enumerate(assessments) if not isinstance(a, Assessment)}
    try:
        case = validate(CaseDocumentV2, data)
        _check_zone(case, fresh)
    except calculator.InputError as exc:
        raise CaseError(_wizard_words(exc.message, len(app.episode.assessments))) from None
    return case


def _check_zone(case: CaseDocumentV2, fresh: set[int]) -> None:
    """Every time as the file will be read back (load_episode_case): a wall time the
    zone repeats or skips is refused here, by name, rather than written into a file that
    would not open again (version 2 keeps wall times without their offset). Recorded
    assessments were checked when they were recorded or read: only ``fresh`` ones are."""
    zone = zone_from_name(case.time_zone)
    if zone is None:
        return
    if case.day0 is not None:
        check_local(case.day0, zone, "day0")
    for i in sorted(fresh):
        check_local(case.assessments[i].at, zone, f"assessments[{i}].at")
    for j, g in enumerate(case.given):
        check_local(g.at, zone, f"given[{j}].at")


def episode_or_message(app: CaseTools, assessments: Sequence[Any]) -> CaseDocumentV2 | str:
    """``episode_case``, or the core's message when it refuses (the episode's own use)."""
    try:
        return episode_case(app, assessments)
    except CaseError as exc:
        return str(exc)


def _wizard_words(message: str, recorded: int) -> str:
    # The wizard's assessment is the one after the recorded ones: say so in its words.
    name = f"assessments[{recorded}]"
    if name in message:
        return message.replace(name, "the wizard's assessment (Assessed at)")
    return message


def refuse_dropped_findings(app: CaseTools) -> None:
    """Findings entered but refused would be left out of the document: the case would
    reopen (and the note read) as if nobody had entered them. Said instead, by field."""
    for what, refused in (
        ("CRS", app.grading.crs_refused),
        ("ICANS", app.grading.icans_refused),
    ):
        if refused:
            fields = "; ".join(f"{m.field}: {m.message}" for m in refused)
            raise CaseError(
                f"The {what} findings entered are refused ({fields}). Correct or clear "
                f"them first: the case is not kept without what was entered."
            )
    taper = app.taper
    if taper.chosen and taper.refused:
        fields = "; ".join(f"{m.field}: {m.message}" for m in taper.refused)
        raise CaseError(
            f"The taper chosen is refused ({fields}). Complete it, or choose "
            f'"No taper planned": the case is not kept without it.'
        )


def typed_units(app: CaseTools) -> dict[str, str]:
    """The units the user typed in: the temperature's and the weight's."""
    _text, temp_unit = app.grading.temperature.typed()
    _text, weight_unit = app.patient.weight.typed()
    return {
        "temperature": TEMPERATURE_CODES.get(temp_unit, "C"),
        "weight": "lb" if weight_unit == "lb" else "kg",
    }


def _case_units(case: CaseDocument | CaseDocumentV2) -> tuple[str, str]:
    """(temperature unit text, weight unit) the case was typed in (°C and kg by default)."""
    units = case.units
    return ("°F" if units.temperature == "F" else "°C"), units.weight


def save_case(app: CaseTools, path: Path) -> CaseDocumentV2:
    case = build_case(app, complete=True)
    text = json.dumps(dump_episode_case(case), indent=2, ensure_ascii=False) + "\n"
    # An earlier Save of this file killed half-way left a hidden temporary copy (with the
    # patient label) beside it: removed now that the file is written again.
    remove_leftover_temp_files([path.parent], path.name)
    try:
        write_atomic(path, text.encode("utf-8"))  # whole or not at all: never a 0-byte case
    except OSError as exc:
        raise CaseError(write_failure(path, exc, "The case")) from None
    return case


def read_case(path: Path) -> tuple[CaseDocumentV2, int]:
    """The case at ``path`` as version 2, and the version the file was written in."""
    try:
        data = read_json_file(path, "case")  # regular file, 1 MiB, nesting bounded
    except calculator.InputError as exc:
        raise CaseError(
            f"{path} is not a case document this app can open ({exc.message})."
        ) from None
    try:
        version = case_version(data.get("format")) if isinstance(data, dict) else 2
        return load_episode_case(data), version
    except calculator.InputError as exc:
        raise CaseError(exc.message) from None


def apply_case(
    app: CaseTools, case: CaseDocument | CaseDocumentV2, wizard: bool = False
) -> list[str]:
    """Fill every tool from ``case``; returns notes on anything that could not be shown.

    The episode continues (issue 24): every assessment goes into the episode, the wizard
    opens blank on the live clock, and every countdown runs from now. ``wizard`` (the
    teaching mode's findings) puts the last assessment into the wizard at its time instead.
    """
    if isinstance(case, CaseDocument):
        case = from_v1(case)
    notes: list[str] = []
    if case.profile and case.profile != app.profile.id:
        try:
            app.set_profile_id(case.profile)
        except calculator.InputError:
            notes.append(
                f"The case was made under profile {case.profile!r}, which is not loaded here; "
                f"the active profile {app.profile.id} stays."
            )
    if case.time_zone is not None and case.time_zone != app.state.zone_name:
        notes.append(
            f"The case's times are local times of {case.time_zone}; this computer is set "
            f"to {app.state.zone_name or 'no known time zone'}. They are counted in "
            f"{case.time_zone}: check the times before you rely on them."
        )
    app.state.set_zone(case.time_zone or app.state.own_zone_name)
    p = case.patient
    temp_unit, weight_unit = _case_units(case)
    last = case.last
    app.patient.load(
        PatientContext(
            label=p.label,
            weight_kg=p.weight_kg,
            weight_unit=weight_unit,
            age_years=p.age_years,
            product=p.product or "",
            assessed_at=last.at if wizard else app.state.wall_now(),
        ),
        live=not wizard,
    )
    app.dose.set_given(case.given)
    if wizard:
        app.episode.load(case.assessments[:-1], case.day0)
        notes += apply_assessment(app, last, temp_unit)
    else:
        app.episode.load(case.assessments, case.day0)
        apply_assessment(app, None, temp_unit)
    if case.taper is not None:
        _apply_taper(app, case)
    app.grading.recompute()
    return notes


def apply_assessment(app: CaseTools, a: Assessment | None, temp_unit: str) -> list[str]:
    """Put one assessment's findings into the wizard (None: every finding "not asked"),
    graded once when every field is in place (``GradingController.held``)."""
    with app.grading.held():
        _apply_crs(app, None if a is None else a.crs, temp_unit)
        notes = _apply_icans(app, None if a is None else a.icans)
    app.management.view.improving.set_value(None if a is None else a.improving)
    # The older scales' findings belong to the assessment they were entered with.
    findings = None if a is None else a.crosswalk
    app.crosswalk.load(None if findings is None else findings.model_dump(exclude_none=True))
    return notes


def _apply_crs(app: CaseTools, crs_in: CrsInput | None, unit: str) -> None:
    v = app.grading.view.crs_inputs
    crs = crs_in or calculator.CrsInput()
    celsius = crs.temperature_c
    text = "" if celsius is None else as_typed(celsius, unit, to_celsius, from_celsius)
    app.grading.temperature.set_value(text, unit)
    v.fever_masked.setChecked(crs.fever_masked)
    v.hypotension.setChecked(crs.hypotension)
    for key, box in v.vasopressors.items():
        box.setChecked(key in crs.vasopressors)
    v.oxygen.setCurrentIndex(v.oxygen.findData(crs.oxygen))
    flow = crs.oxygen_flow_l_min
    v.flow.edit.setText("" if flow is None else fmt(flow, 2))


def _apply_icans(app: CaseTools, icans: IcansInput | None) -> list[str]:
    ic = app.grading.view.icans_inputs
    notes: list[str] = []
    ic.ice.setChecked(False)
    ic.capd.setChecked(False)
    ic.clear_ice0()
    for combo in (ic.consciousness, ic.seizure, ic.edema):
        combo.setCurrentIndex(0)
    ic.motor.setChecked(False)
    if icans is None:
        return notes
    # The items, the typed total ("Total only"), or both, as they were entered.
    if icans.ice_items is not None or icans.ice_score is not None:
        ic.ice.setChecked(True)
        if icans.ice_items is not None:
            for key, spin in ic.ice.spins.items():
                spin.setValue(getattr(icans.ice_items, key))
        if icans.ice_score is not None:
            ic.ice.score.setValue(icans.ice_score)
    if icans.capd_items is not None or icans.capd_score is not None:
        ic.capd.setChecked(True)
        for spin, value in zip(ic.capd.spins.values(), icans.capd_items or (), strict=False):
            spin.setValue(value)
        if icans.capd_score is not None:
            ic.capd.score.setValue(icans.capd_score)
    if icans.unable_to_assess:
        if icans.ice_items is not None or icans.ice_score is not None:
            ic.ice0_unarousable.setChecked(True)
        else:
            items = ic.capd if app.grading.instrument() == "CAPD" else ic.ice
            items.setChecked(True)
            items.unable.setChecked(True)
    if icans.global_aphasia:
        ic.ice0_aphasia.setChecked(True)
    ic.consciousness.setCurrentIndex(ic.consciousness.findData(icans.consciousness))
    ic.seizure.setCurrentIndex(ic.seizure.findData(icans.seizure))
    ic.motor.setChecked(icans.motor_weakness)
    ic.edema.setCurrentIndex(ic.edema.findData(icans.cerebral_edema))
    return notes


def _apply_taper(app: CaseTools, case: CaseDocumentV2) -> None:
    t = case.taper
    assert t is not None
    v = app.taper.view
    v.start.setDateTime(QDateTime(from_core(t.start)))
    # The saved plan's start is the plan's: it never follows the live clock of the reopened
    # case (the field may already show that time, so no edit signal says it was set).
    app.taper.start_set = True
    if t.regimen is not None:
        app.taper.select_regimen(t.regimen)
        v.first_days.edit.setText("" if t.days is None else fmt(t.days, 2))
        v.final_days.edit.setText("" if t.final_step_days is None else fmt(t.final_step_days, 2))
        v.generate.setChecked(t.taper_days is not None)
        if t.taper_days is not None:
            v.taper_days.setValue(t.taper_days)
        if t.reduction is not None:
            v.reduction.setCurrentIndex(v.reduction.findData(t.reduction))
        app.taper.recompute()
        return
    app.taper.load_steps([s.model_dump(exclude_none=True) for s in t.steps or ()])
