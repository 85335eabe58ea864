"""File > New / Open / Save: the case document (crs-calc-case/1) of the core.

Saving gathers what each tool holds into the core's CaseDocument (validated by the core);
opening fills every tool back from one, so a saved case reopens as it was.

The document's ``at`` is the case's one clock (CaseState.at, "Assessed at"). Every dose
in the log goes into the document: a dose later than ``at`` is refused by the core, by
name, never left out; the dose log asks to move the assessment time before it gets there.
What was typed in °F or lb is saved as such (``units``) and reopens in that unit.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDateTime

import calculator
from calculator.edge.inputs import validate
from calculator.edge.safe_io import read_json_file
from calculator.records.case import CASE_FORMAT, CaseDocument, dump_case, load_case
from ui.case.local_clock import from_core
from ui.controllers.ports import CaseTools
from ui.models import PatientContext
from ui.store.atomic import remove_leftover_temp_files, write_atomic, write_failure
from ui.units import as_typed, fmt, from_celsius, to_celsius

#: The case document's unit codes and the app's unit texts.
TEMPERATURE_CODES = {"°C": "C", "°F": "F"}


class CaseError(Exception):
    """The case could not be saved or opened; the message is the core's, for the user."""


def build_case(app: CaseTools, complete: bool = False) -> CaseDocument:
    """The current state of every tool as the core's case document. ``complete`` (a
    saved file, a handoff record): refused rather than made without findings or a taper
    that were entered but refused (the autosave keeps those as typed, beside the case)."""
    ctx = app.patient.context()
    patient: dict[str, Any] = {
        "label": ctx.label,
        "weight_kg": ctx.weight_kg,
        "age_years": ctx.age_years,
    }
    if ctx.product:
        patient["product"] = ctx.product
    at = app.state.at()
    core = app.state.core  # the app's times in its zone (issue 20: the case stores it)
    data: dict[str, Any] = {
        "format": CASE_FORMAT,
        "patient": patient,
        "at": core(at),
        "made_at": core(app.clock()),  # when the document is made (the wall clock)
        "profile": app.profile.id,
        "tocilizumab_doses": tuple(core(d) for d in app.dose.dose_times),
        "improving": app.management.view.improving.value(),
    }
    if app.state.zone_name is not None:
        data = {"time_zone": app.state.zone_name, **data}
    data["units"] = typed_units(app)
    crs = app.grading.crs_for_case()
    if crs is not None:
        data["crs"] = crs
    icans = app.grading.icans_for_case()
    if icans is not None:
        data["icans"] = icans
    if app.taper.has_plan:  # only a taper someone planned (never the planner's default)
        data["taper"] = app.taper.payload()
    findings = app.crosswalk.for_case()  # only when 'Other scales' was opened and filled
    if findings is not None:
        data["crosswalk"] = findings
    try:
        case = validate(CaseDocument, data)
    except calculator.InputError as exc:
        raise CaseError(exc.message) from None
    if complete:
        refuse_dropped_findings(app)
    return case


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


def _case_units(case: CaseDocument) -> tuple[str, str]:
    """(temperature unit text, weight unit) the case was typed in (°C and kg by default)."""
    units = case.units
    return ("°F" if units.temperature == "F" else "°C"), units.weight


def save_case(app: CaseTools, path: Path) -> CaseDocument:
    case = build_case(app, complete=True)
    text = json.dumps(dump_case(case), indent=2, ensure_ascii=False) + "\n"
    # An earlier Save of this file killed half-way left a hidden temporary copy (with the
    # patient label) beside it: removed now that the file is written again.
    remove_leftover_temp_files([path.parent], path.name)
    try:
        write_atomic(path, text.encode("utf-8"))  # whole or not at all: never a 0-byte case
    except OSError as exc:
        raise CaseError(write_failure(path, exc, "The case")) from None
    return case


def read_case(path: Path) -> CaseDocument:
    try:
        data = read_json_file(path, "case")  # regular file, 1 MiB, nesting bounded
    except calculator.InputError as exc:
        raise CaseError(
            f"{path} is not a case document this app can open ({exc.message})."
        ) from None
    try:
        return load_case(data)
    except calculator.InputError as exc:
        raise CaseError(exc.message) from None


def apply_case(app: CaseTools, case: CaseDocument) -> list[str]:
    """Fill every tool from ``case``; returns notes on anything that could not be shown."""
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
    _temp_unit, weight_unit = _case_units(case)
    app.patient.load(
        PatientContext(
            label=p.label,
            weight_kg=p.weight_kg,
            weight_unit=weight_unit,
            age_years=p.age_years,
            product=p.product or "",
            assessed_at=from_core(case.at),
        )
    )
    _apply_crs(app, case)
    notes += _apply_icans(app, case)
    app.dose.set_doses([from_core(d) for d in case.tocilizumab_doses])
    app.management.view.improving.set_value(case.improving)
    if case.taper is not None:
        _apply_taper(app, case)
    app.crosswalk.load(
        case.crosswalk.model_dump(exclude_none=True) if case.crosswalk is not None else None
    )
    app.grading.recompute()
    return notes


def _apply_crs(app: CaseTools, case: CaseDocument) -> None:
    v = app.grading.view.crs_inputs
    crs = case.crs or calculator.CrsInput()
    unit, _weight = _case_units(case)
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


def _apply_icans(app: CaseTools, case: CaseDocument) -> list[str]:
    ic = app.grading.view.icans_inputs
    icans = case.icans
    notes: list[str] = []
    ic.ice.setChecked(False)
    ic.capd.setChecked(False)
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


def _apply_taper(app: CaseTools, case: CaseDocument) -> None:
    t = case.taper
    assert t is not None
    v = app.taper.view
    v.start.setDateTime(QDateTime(from_core(t.start)))
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
