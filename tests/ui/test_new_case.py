"""One patient at a time (issue 22): File > New and File > Open leave nothing of the case
before. Every named input of the patient bar and the tools is changed, then New must
give back exactly what a new window shows; a field added later without being reset
fails here by name."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QDateTimeEdit,
    QGroupBox,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QSpinBox,
    QWidget,
)

from ui.case import field_snapshot
from ui.controllers.app import AppController
from ui.controllers.case import build_case


def _change(widget: QWidget) -> None:
    """Change one input as a user could (any value other than the one it has)."""
    if isinstance(widget, QLineEdit):
        widget.setText("7")
        widget.textEdited.emit("7")
    elif isinstance(widget, QPlainTextEdit):
        widget.setPlainText("changed")
    elif isinstance(widget, QComboBox):
        if widget.count() > 1:
            widget.setCurrentIndex((widget.currentIndex() + 1) % widget.count())
    elif isinstance(widget, QDateTimeEdit):
        widget.setDateTime(widget.dateTime().addDays(3))
    elif isinstance(widget, QSpinBox):
        low, high = widget.minimum(), widget.maximum()
        widget.setValue(high if widget.value() != high else low)
    elif isinstance(widget, QRadioButton):
        if not widget.isChecked():
            widget.setChecked(True)
    elif isinstance(widget, QAbstractButton | QGroupBox):
        widget.setChecked(not widget.isChecked())


def _state(c: AppController) -> dict[str, object]:
    skip = c._clock_and_settings_inputs()
    return {key: field_snapshot.value_of(w) for key, w in c.case_inputs().items() if w not in skip}


def _case_state(c: AppController) -> dict[str, object]:
    """What the tools hold beyond their widgets (the controllers' ports)."""
    return {
        "doses": list(c.dose.dose_times),
        "removed": list(c.dose.removed),
        "improving": c.management.view.improving.value(),
        "taper_planned": c.taper.has_plan,
        "taper_mode": c.taper.mode,
        "taper_steps": c.taper.view.steps.rowCount(),
        "taper_start_set": c.taper.start_set,
        "taper_start": c.taper.view.start.dateTime().toPython(),
        "live": c.state.live,
        "crs": c.grading.crs_for_case(),
        "icans": c.grading.icans_for_case(),
        "patient": c.patient.context(),
        "weight_typed": c.patient.weight.typed(),
        "temperature_typed": c.grading.temperature.typed(),
        "case_path": c.case_path,
    }


def _fill_everything(c: AppController, blank: dict[str, object]) -> None:
    """A case with every answer given: every named input changed from its blank value."""
    c.patient.set_time(datetime(2026, 11, 21, 13, 0))
    c.dose.add_dose(datetime(2026, 11, 21, 8, 0))
    c.dose.add_dose(datetime(2026, 11, 21, 9, 0))
    c.dose.view.doses.setCurrentRow(1)
    c.dose.remove_selected()
    c.taper.select_regimen("TAPER-MP1G")
    for _ in range(4):  # a choice enables, fills or clears other fields: go round again
        for key, widget in c.case_inputs().items():
            if key in blank and field_snapshot.value_of(widget) == blank[key]:
                _change(widget)
    c.management.view.improving.set_value(False)


def test_new_resets_every_named_input_and_every_port(app_controller: AppController) -> None:
    c = app_controller
    blank_fields = _state(c)
    blank_case = _case_state(c)
    _fill_everything(c, blank_fields)
    changed = _state(c)
    radios = {k for k, w in c.case_inputs().items() if isinstance(w, QRadioButton)}
    # Of a group of radio buttons only one is checked: the group's change is enough.
    unchanged = sorted(
        k for k in blank_fields if changed.get(k) == blank_fields[k] and k not in radios
    )
    assert any(changed.get(k) != blank_fields[k] for k in radios)
    # The test itself must reach every input, or it could not see one left unreset.
    assert not unchanged, f"inputs the test could not change: {unchanged}"

    c.new_case()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # removed rows

    after = _state(c)
    kept = {
        k: (after.get(k), blank_fields[k]) for k in blank_fields if after.get(k) != blank_fields[k]
    }
    assert not kept, f"New kept these inputs of the case before: {kept}"
    assert set(after) == set(blank_fields), "New left inputs that a new window has not"
    ports = _case_state(c)
    differ = {k: (ports[k], blank_case[k]) for k in blank_case if ports[k] != blank_case[k]}
    assert not differ, f"New kept this state of the case before: {differ}"


def test_improving_and_taper_answers_are_not_carried_to_the_next_patient(
    app_controller: AppController, tmp_path: Path
) -> None:
    """The finding of issue 22: "Improving: No" and "Taper over 3 days" of one patient
    must not appear in the next one's case, note or warnings."""
    c = app_controller
    c.window.patient_bar.weight.edit.setText("70")
    c.window.patient_bar.weight.edit.textEdited.emit("70")
    c.window.patient_bar.age.edit.setText("50")
    c.window.patient_bar.age.edit.textEdited.emit("50")
    c.management.view.improving.set_value(False)
    c.taper.select_regimen("TAPER-MP1G")
    c.taper.view.taper_days.setValue(3)
    c.taper.view.reduction.setCurrentIndex(1)

    c.new_case()

    assert c.management.view.improving.value() is None
    assert c.taper.view.taper_days.value() == 4
    assert c.taper.view.reduction.currentData() == "halving"
    c.window.patient_bar.weight.edit.setText("80")
    c.window.patient_bar.weight.edit.textEdited.emit("80")
    c.window.patient_bar.age.edit.setText("60")
    c.window.patient_bar.age.edit.textEdited.emit("60")
    crs = c.grading.view.crs_inputs
    crs.temperature.edit.setText("39")
    c.grading.temperature._edited("39")
    case = build_case(c)
    assert case.last.improving is None
    assert case.taper is None
    shown = " ".join(c.management.view.warnings.items())
    assert "not improving" not in shown


def test_open_replaces_every_answer_of_the_case_before(
    app_controller: AppController, tmp_path: Path
) -> None:
    """Open = New, then the file: an answer the file does not give is not kept."""
    c = app_controller
    c.window.patient_bar.weight.edit.setText("70")
    c.window.patient_bar.weight.edit.textEdited.emit("70")
    c.window.patient_bar.age.edit.setText("50")
    c.window.patient_bar.age.edit.textEdited.emit("50")
    assert c.save_case(tmp_path / "plain.json")
    c.management.view.improving.set_value(False)
    c.taper.view.reduction.setCurrentIndex(1)
    c.grading.view.icans_inputs.motor.setChecked(True)
    assert c.open_case(tmp_path / "plain.json")
    assert c.management.view.improving.value() is None
    assert c.taper.view.reduction.currentData() == "halving"
    assert not c.grading.view.icans_inputs.motor.isChecked()
    assert build_case(c).last.icans is None


def test_new_closes_a_double_check_of_the_patient_before(app_controller: AppController) -> None:
    c = app_controller
    view = c.records.open_double_check()
    assert view.isVisible()
    c.new_case()
    assert not view.isVisible()
    assert c.records.verification is None


def test_taper_start_after_new_is_not_before_the_assessment(
    app_controller: AppController, clock: list[datetime]
) -> None:
    clock[0] = datetime(2026, 11, 21, 17, 29)
    c = app_controller
    c.new_case()
    assert c.state.at() == datetime(2026, 11, 21, 17, 29)
    # The next full hour after the assessment: a first dose never already in the past.
    assert c.taper.view.start.dateTime().toPython() == datetime(2026, 11, 21, 18, 0)
    clock[0] = datetime(2026, 11, 21, 18, 0)
    c.state.tick()
    assert c.taper.view.start.dateTime().toPython() == datetime(2026, 11, 21, 18, 0)
