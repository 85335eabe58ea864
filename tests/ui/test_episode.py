"""The episode in the app (issue 24, spec episode.md "In the app"): Record assessment,
Start from last, the Episode view's rows corrected (audited) or removed (undo), the dose
ledger, day 0, a reopened case continuing on the live clock, the v1 notice, the handoff."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QImage, QTextDocument
from PySide6.QtWidgets import QApplication

from tests.ui.helpers import fill_patient, findings, record_at, type_text
from ui.controllers.app import AppController
from ui.records.note_page import CHART_NAME, CHART_SIZE


def _audit(c: AppController) -> list[dict]:  # type: ignore[type-arg]
    log = c.session.audit_log
    assert log is not None
    lines = log.read_text(encoding="utf-8").splitlines()
    return [e for e in map(json.loads, lines) if e["event"] == "episode"]


def test_record_adds_what_the_wizard_shows_then_starts_blank_on_the_live_clock(
    app_controller, qtbot
) -> None:
    c = app_controller
    fill_patient(c)
    bar = c.grading.view.record_bar
    type_text(bar.initials, "AB")
    c.state.set_at(datetime(2026, 11, 21, 10, 0))
    findings(c, "39.5", norepinephrine=True)
    assert c.grading.crs_result is not None
    c.window.activateWindow()
    qtbot.keyClick(c.window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert len(c.episode.assessments) == 1
    a = c.episode.assessments[0]
    assert a.at == datetime(2026, 11, 21, 10, 0)
    assert a.by == "AB"
    assert a.crs is not None
    assert a.crs.temperature_c == 39.5
    # The wizard: a new assessment on the live clock, every finding "not asked".
    assert c.state.live
    assert c.state.at() == datetime(2026, 11, 21, 14, 0)
    assert c.grading.view.crs_inputs.temperature.edit.text() == ""
    assert not c.grading.view.crs_inputs.vasopressors["norepinephrine"].isChecked()
    assert c.grading.crs_result is None
    assert c.management.view.improving.value() is None
    # The flowsheet row, graded by the core.
    row = c.episode.view.model.rows[0].cells
    assert row[0] == "2026-11-21 10:00"
    assert row[2] == "39.5"
    assert row[5] == "3"  # CRS 3: fever with a vasopressor... (grade from the core)
    assert row[9] == "AB"
    assert [e["record"] for e in _audit(c)] == ["assessment recorded"]


def test_nothing_entered_is_not_recorded_and_a_time_not_later_is_refused(app_controller) -> None:
    c = app_controller
    fill_patient(c)
    bar = c.grading.view.record_bar
    assert not c.episode.record()
    assert "Nothing is entered" in bar.error.error_text()
    record_at(c, datetime(2026, 11, 21, 10, 0), "38.5")
    c.state.set_at(datetime(2026, 11, 21, 10, 0))
    findings(c, "39")
    assert not c.episode.record()
    assert "not later than the last recorded assessment" in bar.error.error_text()
    assert len(c.episode.assessments) == 1
    assert c.grading.view.crs_inputs.temperature.edit.text() == "39"  # nothing typed is lost


def test_start_from_last_copies_the_last_assessment_only_when_asked(app_controller) -> None:
    c = app_controller
    fill_patient(c)
    bar = c.grading.view.record_bar
    assert not bar.start_from_last.isEnabled()
    record_at(c, datetime(2026, 11, 21, 10, 0), "39.2", norepinephrine=True)
    crs = c.grading.view.crs_inputs
    assert crs.temperature.edit.text() == ""  # never copied by default
    assert bar.start_from_last.isEnabled()
    bar.start_from_last.click()
    assert crs.temperature.edit.text() == "39.2"
    assert crs.vasopressors["norepinephrine"].isChecked()
    assert c.state.live  # the copy is a new assessment on the live clock
    assert c.episode.record()
    assert [a.at for a in c.episode.assessments] == [
        datetime(2026, 11, 21, 10, 0),
        datetime(2026, 11, 21, 14, 0),
    ]


def test_a_row_is_corrected_in_the_wizard_and_the_audit_log_keeps_old_and_new(
    app_controller,
) -> None:
    c = app_controller
    fill_patient(c)
    record_at(c, datetime(2026, 11, 21, 9, 0), "39.5")
    record_at(c, datetime(2026, 11, 21, 12, 0), "38.4")
    view = c.episode.view
    view.table.selectRow(0)
    view.open_row.click()
    assert c.state.at() == datetime(2026, 11, 21, 9, 0)
    assert c.grading.view.crs_inputs.temperature.edit.text() == "39.5"
    findings(c, "37.9")
    assert c.episode.record()
    temps = [a.crs.temperature_c for a in c.episode.assessments if a.crs is not None]
    assert temps == [37.9, 38.4]
    assert c.state.live
    corrected = [e for e in _audit(c) if e["record"] == "assessment corrected"]
    assert len(corrected) == 1
    details = corrected[0]["details"]
    assert details["row"] == 1
    assert details["old"]["crs"]["temperature_c"] == 39.5
    assert details["new"]["crs"]["temperature_c"] == 37.9


def test_a_correction_that_breaks_the_order_is_refused_by_name(app_controller) -> None:
    c = app_controller
    fill_patient(c)
    record_at(c, datetime(2026, 11, 21, 9, 0), "39.5")
    record_at(c, datetime(2026, 11, 21, 12, 0), "38.4")
    c.episode.view.table.selectRow(0)
    c.episode.open_selected()
    c.state.set_at(datetime(2026, 11, 21, 13, 0))  # later than row 2
    assert not c.episode.record()
    assert "row 2" in c.grading.view.record_bar.error.error_text()
    c.episode.cancel_correction()
    assert [a.at.hour for a in c.episode.assessments] == [9, 12]


def test_a_row_is_removed_and_undo_puts_it_back(app_controller) -> None:
    c = app_controller
    fill_patient(c)
    record_at(c, datetime(2026, 11, 21, 9, 0), "39.5")
    record_at(c, datetime(2026, 11, 21, 12, 0), "38.4")
    view = c.episode.view
    view.table.selectRow(0)
    view.remove_row.click()
    assert [a.at.hour for a in c.episode.assessments] == [12]
    assert view.model.rowCount() == 1
    assert view.undo_row.isEnabled()
    view.undo_row.click()
    assert [a.at.hour for a in c.episode.assessments] == [9, 12]
    assert [e["record"] for e in _audit(c)][-2:] == ["assessment removed", "assessment put back"]


def test_reopening_continues_the_episode_with_countdowns_from_now(
    app_controller, clock, tmp_path: Path
) -> None:
    c = app_controller
    fill_patient(c)
    c.state.set_at(datetime(2026, 11, 21, 11, 0))
    c.dose.add_dose(datetime(2026, 11, 21, 10, 0))
    record_at(c, datetime(2026, 11, 21, 11, 0), "39.5")
    path = tmp_path / "case.json"
    assert c.save_case(path)
    c.new_case()
    clock[0] = datetime(2026, 11, 21, 14, 0)
    assert c.open_case(path)
    assert len(c.episode.assessments) == 1  # the episode is there
    assert c.state.live  # the wizard blank on the live clock
    assert c.grading.view.crs_inputs.temperature.edit.text() == ""
    # The repeat-dose clock (8 h) counts from now (14:00), not from the saved 11:00.
    assert c.dose.view.countdown.text() == "Next dose allowed in 4 h 00 min"
    assert c.dose.view.dose_time.text().endswith("14:00")  # "Dose given at": now


def test_the_dose_log_is_a_ledger_of_amount_time_initials_and_mark(
    app_controller, qtbot, tmp_path: Path
) -> None:
    c = app_controller
    fill_patient(c)
    v = c.dose.view
    type_text(v.dose_amount, "abc")
    v.dose_time.setText("0900")
    assert not c.dose.add_dose_from_view()
    assert "not an amount in mg" in v.ledger_error.error_text()
    assert c.dose.dose_times == []
    type_text(v.dose_amount, "560")
    type_text(v.dose_by, "CD")
    v.dose_prophylactic.setChecked(True)
    v.dose_time.setText("0900")
    assert c.dose.add_dose_from_view()
    assert "560 mg" in v.doses.item(0).text()
    assert "prophylactic" in v.doses.item(0).text()
    given = c.dose.given()
    assert given == [
        {
            "drug": "tocilizumab",
            "at": datetime(2026, 11, 21, 9, 0),
            "dose_mg": 560.0,
            "by": "CD",
            "prophylactic": True,
        }
    ]
    # The repeat-dose clock runs from the ledger (the prophylactic dose counts: EPI-LEDGER).
    assert c.dose.view.eligibility.text() == "Next: 2026-11-21 17:00"
    record_at(c, datetime(2026, 11, 21, 10, 0), "38.5")
    path = tmp_path / "case.json"
    assert c.save_case(path)
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["given"] == [
        {
            "drug": "tocilizumab",
            "at": "2026-11-21T09:00",
            "dose_mg": 560.0,
            "by": "CD",
            "prophylactic": True,
        }
    ]
    c.new_case()
    assert c.open_case(path)
    assert c.dose.given() == given
    result = c.episode.result
    assert result is not None
    assert result.summary.tocilizumab.prophylactic == 1


def test_day0_is_entered_once_and_every_row_shows_day_n(app_controller) -> None:
    c = app_controller
    fill_patient(c)
    day0 = c.window.patient_bar.day0
    day0.edit.setText("2026-11-20")
    day0.edit.editingFinished.emit()
    record_at(c, datetime(2026, 11, 21, 9, 0), "39.5")
    assert c.episode.view.model.rows[0].cells[1] == "+1"
    assert "day +1" in c.episode.view.description.text()
    day0.edit.setText("21/11")
    day0.edit.editingFinished.emit()
    assert day0.error.isVisibleTo(c.window)
    assert c.episode.day0 == datetime(2026, 11, 20)  # a bad entry changes nothing


def test_trend_beside_improving_and_next_due_in_the_status_area(app_controller, clock) -> None:
    c = app_controller
    fill_patient(c)
    # Nothing recorded: nothing falls due, and no timer wakes the app to say so.
    assert not c.episode.due_timer.isActive()
    record_at(c, datetime(2026, 11, 21, 8, 0), "39.5", norepinephrine=True)
    assert c.episode.due_timer.isActive()
    c.dose.add_dose(datetime(2026, 11, 21, 9, 0))
    record_at(c, datetime(2026, 11, 21, 12, 0), "38.2")
    trend = c.grading.view.management.trend
    assert trend.isVisibleTo(c.window)
    assert trend.text().startswith("EPI-TREND: since tocilizumab")
    assert "does not answer it" in trend.text()
    assert "EPI-24H" in trend.text()  # the history fact the plan takes
    assert c.management.view.improving.value() is None  # never answered by the trend
    status = c.window.status_due
    assert status.isVisibleTo(c.window)
    assert "EPI-REASSESS" in status.text()
    assert "vital signs due 2026-11-21 16:00" in status.text()
    clock[0] = datetime(2026, 11, 21, 23, 0)  # hours later, on the live clock
    c.episode.show_due()
    assert status.text().startswith("⚠")
    assert "vital signs OVERDUE since 2026-11-21 16:00" in status.text()
    c.new_case()  # another patient: no episode, no timer
    assert not status.isVisibleTo(c.window)
    assert not c.episode.due_timer.isActive()


def test_a_version_1_file_is_said_once_and_saved_as_version_2_only_on_save(
    app_controller, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    c = app_controller
    path = tmp_path / "old.json"
    v1 = {
        "format": "crs-calc-case/1",
        "patient": {"weight_kg": 70, "age_years": 45},
        "at": "2026-11-21T08:00",
        "crs": {"temperature_c": 39.0},
        "tocilizumab_doses": ["2026-11-21T07:00"],
    }
    path.write_text(json.dumps(v1), encoding="utf-8")
    told: list[str] = []
    monkeypatch.setattr("ui.controllers.app.information_box", lambda *a: told.append(a[2]))
    assert c.open_case(path)
    assert len(told) == 1
    assert "crs-calc-case/1" in told[0]
    assert "only when you save" in told[0]
    assert json.loads(path.read_text(encoding="utf-8")) == v1  # untouched until saved
    assert len(c.episode.assessments) == 1
    assert c.save_case(path)
    assert json.loads(path.read_text(encoding="utf-8"))["format"] == "crs-calc-case/2"
    assert c.open_case(path)
    assert len(told) == 1  # said once: a version 2 file says nothing


def test_the_handoff_carries_the_episode_section(app_controller) -> None:
    c = app_controller
    fill_patient(c)
    record_at(c, datetime(2026, 11, 21, 8, 0), "39.5", norepinephrine=True)
    c.dose.add_dose(datetime(2026, 11, 21, 9, 0))
    record_at(c, datetime(2026, 11, 21, 12, 0), "38.2")
    record = c.records.handoff()
    assert record is not None
    text = record.document.toPlainText()
    assert "Episode" in text
    assert "2026-11-21 08:00" in text  # the first assessment, not only the last
    # The chart after the Episode section: a 2x image (drawn as in the Episode view).
    chart = record.document.resource(QTextDocument.ResourceType.ImageResource, QUrl(CHART_NAME))
    assert isinstance(chart, QImage)
    assert chart.width() == 2 * CHART_SIZE[0]
    assert f'src="{CHART_NAME}"' in record.document.toHtml()


def test_the_episode_view_fits_and_is_reached_by_ctrl_4(app_controller, qtbot) -> None:
    c = app_controller
    fill_patient(c)
    record_at(c, datetime(2026, 11, 21, 9, 0), "39.5")
    c.window.resize(1366, 700)
    c.window.activateWindow()
    qtbot.keyClick(c.window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    page = c.window.tool_pages["episode"]
    assert c.window.tabs.currentWidget() is page
    QApplication.processEvents()
    assert page.chart.height() >= page.chart.minimumSizeHint().height()
    assert page.table.height() > 0
    assert len(c.episode.assessments) == 1
    assert "39.5" in page.chart.accessibleDescription()  # the chart said in words


def test_autosave_and_recovery_hold_the_whole_episode_and_the_wizard_apart(
    app_controller,
) -> None:
    from ui.case.autosave import Recovery

    c = app_controller
    fill_patient(c)
    record_at(c, datetime(2026, 11, 21, 9, 0), "39.5")
    record_at(c, datetime(2026, 11, 21, 12, 0), "38.4")
    findings(c, "38.0")  # typed in the wizard, not recorded
    snap = c.session.keeper.snapshot()
    assert snap is not None
    assert snap.case is not None
    assert snap.case["format"] == "crs-calc-case/2"
    assert len(snap.case["assessments"]) == 3  # the wizard's is not lost
    assert snap.extras["recorded"] == 2
    c.new_case()
    assert c.episode.assessments == []
    rec = Recovery(case=snap.case, fields=snap.fields, extras=snap.extras)
    c.session.keeper._apply(rec)
    assert [a.at.hour for a in c.episode.assessments] == [9, 12]  # recorded, not three
    assert c.grading.view.crs_inputs.temperature.edit.text() == "38.0"  # back in the wizard


def test_start_from_last_keeps_an_ice_total_given_without_its_items(app_controller) -> None:
    c = app_controller
    fill_patient(c)
    c.state.set_at(datetime(2026, 11, 21, 9, 0))
    ice = c.grading.view.icans_inputs.ice
    ice.setChecked(True)
    ice.score.setValue(7)  # "total only": the items were not recorded
    c.grading.recompute()
    assert c.grading.icans_result is not None
    assert c.episode.record()
    assert c.grading.icans_result is None  # blank after recording
    c.episode.start_from_last()
    assert c.grading.icans_result is not None
    assert c.grading.icans_result.score == 7


def test_other_drugs_doses_from_a_case_are_listed_removable_and_gone_with_new(
    app_controller, tmp_path: Path
) -> None:
    """A case file's corticosteroid dose is in the dose log under the tocilizumab doses
    (never kept out of sight), can be removed and put back like any dose, is saved again as
    it was, and goes with File > New (another patient)."""
    c = app_controller
    path = tmp_path / "case.json"
    path.write_text(
        json.dumps(
            {
                "format": "crs-calc-case/2",
                "patient": {"label": "Bed 3", "weight_kg": 70, "age_years": 54},
                "assessments": [{"at": "2026-11-21T08:00", "crs": {"temperature_c": 39.0}}],
                "given": [
                    {"drug": "tocilizumab", "at": "2026-11-21T09:00", "dose_mg": 560},
                    {"drug": "dexamethasone", "at": "2026-11-21T10:00", "dose_mg": 10, "by": "CD"},
                ],
            }
        ),
        encoding="utf-8",
    )
    assert c.open_case(path)
    log = c.dose.view.doses
    texts = [log.item(i).text() for i in range(log.count())]
    assert texts == [
        "Tocilizumab dose 1: 2026-11-21 09:00 (560 mg)",
        "Dexamethasone: 2026-11-21 10:00 (10 mg, by CD)",
    ]
    log.setCurrentRow(1)
    c.dose.remove_selected()
    assert [g["drug"] for g in c.dose.given()] == ["tocilizumab"]
    assert c.dose.dose_times == [datetime(2026, 11, 21, 9, 0)]  # the clock's dose stays
    c.dose.undo_remove()
    assert [g["drug"] for g in c.dose.given()] == ["tocilizumab", "dexamethasone"]
    assert c.save_case(tmp_path / "again.json")
    saved = json.loads((tmp_path / "again.json").read_text(encoding="utf-8"))
    assert {"drug": "dexamethasone", "at": "2026-11-21T10:00", "dose_mg": 10.0, "by": "CD"} in (
        saved["given"]
    )
    c.new_case()
    assert c.dose.given() == []
    assert c.dose.view.doses.count() == 0


def test_the_ledger_records_a_corticosteroid_for_the_episode_not_the_clock(
    app_controller,
) -> None:
    """The dose log is the ledger of the case's ``given`` (spec episode.md "In the app"):
    a dexamethasone dose recorded there is in the episode (EPI-STEROID's exposure, the
    flowsheet, the chart's markers, EPI-TREND since it), while the repeat-dose clock counts
    tocilizumab alone (EPI-LEDGER)."""
    c = app_controller
    fill_patient(c)
    record_at(c, datetime(2026, 11, 21, 8, 0), "39.5", norepinephrine=True)
    v = c.dose.view
    v.dose_drug.setCurrentIndex(v.dose_drug.findData("dexamethasone"))
    type_text(v.dose_amount, "10")
    type_text(v.dose_by, "CD")
    v.dose_time.setText("0900")
    assert c.dose.add_dose_from_view()
    assert c.dose.dose_times == []  # not a tocilizumab dose: the clock has none
    # The next entry is tocilizumab again unless another drug is chosen on purpose.
    assert v.dose_drug.currentData() == "tocilizumab"
    # ...and a dexamethasone dose is not on the tocilizumab clock.
    assert c.dose.view.eligibility.text() == "Eligible now"
    assert "Dexamethasone: 2026-11-21 09:00 (10 mg, by CD) added." in v.log_notice.text()
    assert c.dose.given() == [
        {"drug": "dexamethasone", "at": datetime(2026, 11, 21, 9, 0), "dose_mg": 10.0, "by": "CD"}
    ]
    record_at(c, datetime(2026, 11, 21, 12, 0), "38.2")
    result = c.episode.result
    assert result is not None
    steroids = result.summary.corticosteroids
    assert steroids.doses == 1
    assert result.summary.tocilizumab.total == 0
    assert "dexamethasone 10 mg 09:00" in c.episode.view.model.rows[1].cells[8]
    assert [d.drug for d in c.episode.view.chart.data.doses] == ["dexamethasone"]
    assert result.trend.since_drug == "dexamethasone"
    # An amount the case cannot hold is refused at the amount, nothing added.
    v.dose_drug.setCurrentIndex(v.dose_drug.findData("methylprednisolone"))
    type_text(v.dose_amount, "-5")
    v.dose_time.setText("1000")
    assert not c.dose.add_dose_from_view()
    assert len(c.dose.given()) == 1
    assert v.ledger_error.error_text().startswith("Amount: '-5' is not an amount in mg")
