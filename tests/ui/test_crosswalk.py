"""'Other scales' in the grading wizard (issue 25): collapsed by default, the table of
scales from the wizard's findings plus the panel's own, bad input marked at its field with
what was typed kept, and nothing in the case until someone opened it and entered findings."""

from __future__ import annotations

from tests.ui.helpers import type_text
from ui.controllers.app import AppController


def _view(c: AppController):  # type: ignore[no-untyped-def]
    return c.window.tool_pages["grading"]  # type: ignore[attr-defined]


def _bipap_patient(c: AppController) -> None:
    crs = _view(c).crs_inputs
    type_text(crs.temperature.edit, "39.2")
    crs.oxygen.setCurrentIndex(crs.oxygen.findData("bipap"))


def test_collapsed_by_default_and_grades_nothing_until_opened(app_controller) -> None:
    c = app_controller
    panel = _view(c).crosswalk
    assert not panel.toggle.isChecked()
    assert not panel.body.isVisible()
    _bipap_patient(c)
    assert c.crosswalk.result is None
    assert _view(c).crs_result.badge.text() == "CRS grade 4"


def test_bipap_is_astct_4_and_penn_3_in_the_table_xw_devices(app_controller, qtbot) -> None:
    """XW-DEVICES shown as it falls: ASTCT 4, Penn 3, Lee by FiO2 (a range until entered)."""
    c = app_controller
    _bipap_patient(c)
    panel = _view(c).crosswalk
    panel.toggle.setChecked(True)
    assert panel.body.isVisible()
    rows = panel.rows
    assert rows["astct_crs"].grade.text() == "4"
    assert rows["penn"].grade.text() == "3"
    assert "BiPAP" in rows["penn"].deciding.text()
    assert rows["lee2014"].grade.text().startswith("2-")
    assert "FiO2" in rows["lee2014"].needs.text()
    with qtbot.wait_signal(c.crosswalk.crosswalk_graded) as blocker:
        type_text(panel.numbers["fio2_pct"].edit, "45")
    assert blocker.args[0].scales["lee2014"].grade_min == 3
    assert "FiO2" not in rows["lee2014"].needs.text()
    assert "PENNISI" in panel.concordance.text()
    assert "25%" in panel.concordance.text()


def test_bad_fio2_is_marked_at_its_field_and_kept(app_controller) -> None:
    c = app_controller
    _bipap_patient(c)
    panel = _view(c).crosswalk
    panel.toggle.setChecked(True)
    type_text(panel.numbers["fio2_pct"].edit, "30")
    before = panel.rows["lee2014"].grade.text()
    type_text(panel.numbers["fio2_pct"].edit, "150")
    field = panel.numbers["fio2_pct"]
    assert "at most 100" in field.error_text()
    assert field.text() == "150"
    assert field.edit.property("invalid") is True
    assert panel.rows["lee2014"].grade.text() == before  # the last answer stays
    assert "Not current" in panel.status.text()
    type_text(field.edit, "30")
    assert field.error_text() == ""


def test_dose_for_an_agent_not_running_is_refused_at_the_dose(app_controller) -> None:
    c = app_controller
    _bipap_patient(c)
    panel = _view(c).crosswalk
    panel.toggle.setChecked(True)
    type_text(panel.numbers["epinephrine_ug_min"].edit, "5")
    assert "not listed as running" in panel.numbers["epinephrine_ug_min"].error_text()
    type_text(panel.numbers["norepinephrine_ug_min"].edit, "-1")
    assert "at least 0" in panel.numbers["norepinephrine_ug_min"].error_text()
    assert panel.numbers["norepinephrine_ug_min"].text() == "-1"


def test_vasopressor_30_h_is_mskcc_3(app_controller) -> None:
    c = app_controller
    crs = _view(c).crs_inputs
    type_text(crs.temperature.edit, "39")
    crs.vasopressors["norepinephrine"].setChecked(True)
    panel = _view(c).crosswalk
    panel.toggle.setChecked(True)
    type_text(panel.numbers["norepinephrine_ug_min"].edit, "6")
    type_text(panel.numbers["vasopressor_hours"].edit, "30")
    panel.choices["high_dose_hours_met"].combo.setCurrentIndex(1)  # yes
    assert panel.rows["mskcc"].grade.text() == "3"
    assert "30 h" in panel.rows["mskcc"].deciding.text()


def test_case_holds_the_crosswalk_only_when_opened_and_entered(app_controller) -> None:
    c = app_controller
    _bipap_patient(c)
    panel = _view(c).crosswalk
    assert c.crosswalk.for_case() is None
    panel.toggle.setChecked(True)
    assert c.crosswalk.for_case() is None  # opened, nothing entered
    type_text(panel.numbers["fio2_pct"].edit, "45")
    assert c.crosswalk.for_case() == {"fio2_pct": 45.0}


def test_panel_controls_are_named(app_controller) -> None:
    panel = _view(app_controller).crosswalk
    for widget in panel.bedside_order():
        assert widget.objectName()
        assert widget.accessibleName()


def test_new_case_empties_and_closes_the_panel(app_controller) -> None:
    c = app_controller
    _bipap_patient(c)
    panel = _view(c).crosswalk
    panel.toggle.setChecked(True)
    type_text(panel.numbers["fio2_pct"].edit, "45")
    panel.choices["symptoms"].combo.setCurrentIndex(1)
    c.new_case()
    assert not panel.toggle.isChecked()
    assert panel.numbers["fio2_pct"].text() == ""
    assert panel.choices["symptoms"].value() is None
    assert c.crosswalk.for_case() is None


def test_debrief_shows_each_checkpoint_under_every_scale(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Teaching (issue 25): per checkpoint, the grade under each scale, computed by the core:
    the BiPAP checkpoint is ASTCT 4 and Penn 3 (XW-DEVICES); 30 h of norepinephrine is
    MSKCC 3 (XW-MSKCC)."""
    from calculator.teaching import Attempt, builtin_scenario
    from ui.teaching.debrief import DebriefDialog, scales_by_checkpoint, score_of

    attempt = Attempt(format="crs-calc-attempt/1", scenario=builtin_scenario("other-scales-bipap"))
    score = score_of(attempt)
    scales = scales_by_checkpoint(score, attempt)
    bipap, vaso, seizure = (scales[cp.id] for cp in attempt.scenario.checkpoints)
    assert bipap.astct.crs is not None
    assert bipap.astct.crs.grade == 4
    assert bipap.scales["penn"].grade_text == "3"
    assert vaso.scales["mskcc"].grade_text == "3"
    assert seizure.scales["cres"].grade_text == "3"
    dialog = DebriefDialog(score, attempt, None)
    qtbot.addWidget(dialog)
    text = dialog.text.toPlainText()
    assert text.count("The same findings under each scale") == 3
    assert "Penn" in text
    assert "supplemental oxygen (BiPAP)" in text
    assert "vasopressors (norepinephrine) for 30 h (>= 24 h)" in text


def test_saved_case_and_reopened_keep_the_panels_findings(app_controller, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from ui.controllers.case import build_case, read_case, save_case

    c = app_controller
    type_text(c.window.patient_bar.weight.edit, "70")
    type_text(c.window.patient_bar.age.edit, "54")
    _bipap_patient(c)
    assert build_case(c).last.crosswalk is None
    panel = _view(c).crosswalk
    panel.toggle.setChecked(True)
    assert build_case(c).last.crosswalk is None  # opened, nothing entered
    type_text(panel.numbers["fio2_pct"].edit, "45")
    panel.choices["life_threatening"].combo.setCurrentIndex(2)  # no
    panel.choices["creatinine_grade"].combo.setCurrentIndex(2)  # 1
    path = tmp_path / "case.json"
    save_case(c, path)
    case, _version = read_case(path)
    # The findings belong to the assessment they were entered with (case version 2).
    findings = case.last.crosswalk
    assert findings is not None
    assert findings.fio2_pct == 45
    assert findings.life_threatening is False
    assert findings.creatinine_grade == 1
    c.new_case()
    assert not panel.toggle.isChecked()
    c.restore_case(case)
    # A reopened case continues the episode: the wizard is blank until the last
    # assessment is copied in, findings of the older scales with it (issue 24).
    assert not panel.toggle.isChecked()
    c.episode.start_from_last()
    assert panel.toggle.isChecked()
    assert panel.numbers["fio2_pct"].text() == "45"
    assert panel.choices["life_threatening"].value() is False
    assert panel.choices["creatinine_grade"].value() == 1
    assert panel.rows["ctcae5"].grade.text() == "3"


def test_the_high_dose_time_is_the_rule_datas_in_the_label_and_the_table(
    app_controller, qtbot
) -> None:
    """XW-HIGHDOSE's time at high dose comes from the rule data: the finding's label and
    the table's "would decide" say it; a panel given another time says that one."""
    from PySide6.QtWidgets import QLabel

    from ui.views.crosswalk import CrosswalkPanel

    c = app_controller
    hours = c.rs.crosswalk.high_dose.hours_min
    panel = _view(c).crosswalk
    combo = panel.choices["high_dose_hours_met"].combo
    assert combo.accessibleName() == f"High doses running for >= {hours:g} h"
    assert any(
        label.buddy() is combo and label.text() == f"High doses running for >= {hours:g} h"
        for label in panel.findChildren(QLabel)
    )
    crs = _view(c).crs_inputs
    type_text(crs.temperature.edit, "39.2")
    crs.hypotension.setChecked(True)
    crs.vasopressors["norepinephrine"].setChecked(True)
    panel.toggle.setChecked(True)
    needs = " ".join(row.needs.text() for row in panel.rows.values())
    assert f"High doses running for >= {hours:g} h" in needs
    other = CrosswalkPanel([("lee2014", "Lee 2014")], 6.0)
    qtbot.addWidget(other)
    assert other.choices["high_dose_hours_met"].combo.accessibleName() == (
        "High doses running for >= 6 h"
    )
    assert other.words["high_dose_hours_met"] == "High doses running for >= 6 h"
