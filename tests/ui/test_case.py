"""File > Save and Open of case documents (crs-calc-case/2): a case reopens as it was, the
episode continued (issue 24)."""

from __future__ import annotations

import json
from datetime import datetime

from PySide6.QtCore import QDateTime

from tests.ui.helpers import fill_patient, type_text
from ui.controllers.app import AppController


def _fill(c: AppController) -> None:
    fill_patient(c)
    bar = c.window.patient_bar
    type_text(bar.label, "Bed 12")
    bar.product.setCurrentIndex(bar.product.findData("axi-cel"))
    g = c.grading.view
    type_text(g.crs_inputs.temperature.edit, "39.5")
    g.crs_inputs.vasopressors["norepinephrine"].setChecked(True)
    g.crs_inputs.oxygen.setCurrentIndex(g.crs_inputs.oxygen.findData("nasal_cannula"))
    type_text(g.crs_inputs.flow.edit, "2")
    g.icans_inputs.ice.setChecked(True)
    for key, value in zip(g.icans_inputs.ice.spins, (2, 3, 1, 1, 1), strict=True):
        g.icans_inputs.ice.spins[key].setValue(value)  # ICE 8: every item asked
    c.dose.add_dose(datetime(2026, 11, 21, 8, 0))
    c.taper.view.start.setDateTime(QDateTime(datetime(2026, 11, 21, 16, 0)))
    c.taper.select_regimen("TAPER-MP1G")


def test_save_and_reopen_a_case(app_controller, tmp_path) -> None:
    c = app_controller
    _fill(c)
    path = tmp_path / "case.json"
    assert c.save_case(path)
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["format"] == "crs-calc-case/2"
    assert saved["patient"] == {
        "label": "Bed 12",
        "weight_kg": 70.0,
        "age_years": 45.0,
        "product": "axi-cel",
    }
    # The wizard's findings (nothing recorded yet) are the case's one assessment.
    assert saved["assessments"][0]["crs"]["temperature_c"] == 39.5
    doses = [datetime.fromisoformat(g["at"]) for g in saved["given"]]
    assert doses == [datetime(2026, 11, 21, 8, 0)]
    assert saved["taper"]["regimen"] == "TAPER-MP1G"

    c.new_case()
    assert c.window.patient_bar.weight.text() == ""
    assert c.grading.crs_result is None  # a blank new case claims no grade (not assessed)
    assert c.dose.dose_times == []

    assert c.open_case(path)
    bar = c.window.patient_bar
    assert bar.weight.text() == "70"
    assert bar.age.text() == "45"
    assert bar.label.text() == "Bed 12"
    assert bar.product.currentData() == "axi-cel"
    # The episode continues: the assessment is in the episode, graded; the wizard is blank.
    assert c.grading.crs_result is None
    assert c.state.live
    result = c.episode.result
    assert result is not None
    graded = result.assessments[0]
    assert graded.crs is not None
    assert graded.crs.grade == 3
    assert graded.icans is not None
    assert graded.icans.score == 8
    assert c.dose.dose_times == [datetime(2026, 11, 21, 8, 0)]
    assert c.taper.result is not None
    assert c.taper.result.totals_mg == {"methylprednisolone": 4740.0}
    assert c.window.windowTitle().endswith("case.json")


def test_a_case_without_weight_is_not_saved(app_controller, tmp_path, monkeypatch) -> None:
    c = app_controller
    shown: list[str] = []
    monkeypatch.setattr("ui.controllers.app.warning_box", lambda *a: shown.append(a[2]))
    assert not c.save_case(tmp_path / "case.json")
    assert "patient.weight_kg" in shown[0]
    assert not (tmp_path / "case.json").exists()


def test_a_newer_case_format_is_refused_with_the_core_message(
    app_controller, tmp_path, monkeypatch
) -> None:
    c = app_controller
    path = tmp_path / "new.json"
    path.write_text(json.dumps({"format": "crs-calc-case/3"}), encoding="utf-8")
    shown: list[str] = []
    monkeypatch.setattr("ui.controllers.app.warning_box", lambda *a: shown.append(a[2]))
    assert not c.open_case(path)
    assert "newer case format" in shown[0]
