"""One clock per case: "Assessed at" is live until set, then the dose log, the management
panel, the taper's default start, the autosave and the printed record use that time; a
dose later than a set assessment time is asked about and never dropped."""

from __future__ import annotations

import json
import re
from datetime import datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.ui.helpers import type_text, type_time
from ui.case.local_clock import from_core
from ui.controllers.app import AppController
from ui.controllers.case import build_case
from ui.timeentry import parse_time

TODAY = datetime(2026, 11, 21, 14, 0)


def _patient(c: AppController) -> None:
    bar = c.window.patient_bar
    type_text(bar.weight.edit, "70")
    type_text(bar.age.edit, "45")
    crs = c.grading.view.crs_inputs
    type_text(crs.temperature.edit, "39.5")
    crs.hypotension.setChecked(True)
    ic = c.grading.view.icans_inputs
    ic.ice.setChecked(True)
    ic.ice.score.setValue(10)  # ICANS is graded only once assessed: ICE 10 typed


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0730", datetime(2026, 11, 21, 7, 30)),
        ("730", datetime(2026, 11, 21, 7, 30)),
        ("07:30", datetime(2026, 11, 21, 7, 30)),
        ("7.30", datetime(2026, 11, 21, 7, 30)),
        ("2026-11-20 23:15", datetime(2026, 11, 20, 23, 15)),
        ("2026-11-20 2315", datetime(2026, 11, 20, 23, 15)),
        ("2400", None),
        ("0760", None),
        ("7", None),
        ("seven", None),
        ("2026-02-30 07:00", None),
        ("", None),
    ],
)
def test_quick_time_text(text: str, expected: datetime | None) -> None:
    assert parse_time(text, TODAY.date()) == expected


def test_assessed_at_is_live_until_set_then_now_goes_back(app_controller, clock, qtbot) -> None:
    c = app_controller
    bar = c.window.patient_bar
    assert c.state.live
    assert bar.assessed.mode.text().startswith("● now (live)")
    clock[0] = datetime(2026, 11, 21, 14, 5)
    c.state.tick()
    assert bar.assessed_at.text() == "2026-11-21 14:05"  # follows the clock while live
    type_time(qtbot, bar.assessed_at, "0730")
    assert not c.state.live
    assert c.state.at() == datetime(2026, 11, 21, 7, 30)
    assert bar.assessed_at.text() == "2026-11-21 07:30"
    assert bar.assessed.mode.text().startswith("set by you")
    clock[0] = datetime(2026, 11, 21, 14, 6)
    c.state.tick()
    assert c.state.at() == datetime(2026, 11, 21, 7, 30)  # a set time stays
    qtbot.mouseClick(bar.minus_hour, Qt.MouseButton.LeftButton)
    assert c.state.at() == datetime(2026, 11, 21, 6, 30)
    qtbot.mouseClick(bar.now_button, Qt.MouseButton.LeftButton)
    assert c.state.live
    assert c.state.at() == datetime(2026, 11, 21, 14, 6)
    assert bar.assessed_at.text() == "2026-11-21 14:06"


def test_a_bad_quick_time_is_marked_and_kept(app_controller, qtbot) -> None:
    c = app_controller
    bar = c.window.patient_bar
    type_time(qtbot, bar.assessed_at, "7h")
    assert bar.assessed_at.text() == "7h"
    assert "not a time" in bar.assessed.error_text()
    assert c.state.live


def test_assessed_at_is_one_tab_stop(app_controller, qtbot) -> None:
    bar = app_controller.window.patient_bar
    bar.product.setFocus()
    qtbot.waitUntil(bar.product.hasFocus)
    qtbot.keyClick(bar.product, Qt.Key.Key_Tab)  # into the field from the one before it
    assert QApplication.focusWidget() is bar.assessed_at
    qtbot.keyClick(bar.assessed_at, Qt.Key.Key_Tab)  # one Tab: out, to "−1 h"
    assert QApplication.focusWidget() is bar.minus_hour
    qtbot.keyClick(bar.minus_hour, Qt.Key.Key_Backtab)
    assert QApplication.focusWidget() is bar.assessed_at
    # One line edit: no date/time sections that Tab walks through first.
    assert bar.assessed_at.metaObject().className() == "QLineEdit"


def test_one_clock_across_dose_log_management_panel_and_pdf(app_controller, qtbot) -> None:
    c = app_controller
    _patient(c)
    c.dose.add_dose(datetime(2026, 11, 21, 8, 0))
    type_time(qtbot, c.window.patient_bar.assessed_at, "1000")  # wall clock 14:00
    at = datetime(2026, 11, 21, 10, 0)
    view = c.dose.view
    # The dose log counts down at the assessment time, not on the wall clock.
    assert view.eligibility.text() == "Next: 2026-11-21 16:00"
    assert view.countdown.text() == "Next dose allowed in 6 h 00 min"
    assert "2026-11-21 10:00 (set)" in view.limits.text()
    assert from_core(c.management.payload()["at"]) == at
    assert c.management.result is not None
    assert c.taper.view.start.dateTime().toPython() == at  # the taper's default start
    snapshot = c.session.keeper.snapshot()  # what the autosave writes
    assert snapshot is not None
    assert snapshot.case is not None
    assert snapshot.case["assessments"][-1]["at"] == "2026-11-21T10:00"
    record = c.records.handoff()
    assert record is not None
    text = record.document.toPlainText()
    assert re.search(r"Assessed at:? 2026-11-21 10:00", text)
    assert re.search(r"Next dose:? not before 2026-11-21 16:00", text)  # as on screen


def test_a_late_dose_is_asked_about_and_kept(app_controller, qtbot, monkeypatch) -> None:
    c = app_controller
    _patient(c)
    type_time(qtbot, c.window.patient_bar.assessed_at, "0730")
    asked: list[tuple[str, str]] = []

    def move_to_dose(parent, dose_at, case_at, can_now):  # type: ignore[no-untyped-def]
        asked.append((dose_at, case_at))
        return "dose"

    monkeypatch.setattr("ui.controllers.dose.ask_late_dose", move_to_dose)
    type_time(qtbot, c.dose.view.dose_time, "0900")
    assert asked == [("2026-11-21 09:00", "2026-11-21 07:30")]  # as the case says times
    assert c.dose.dose_times == [datetime(2026, 11, 21, 9, 0)]
    assert c.state.at() == datetime(2026, 11, 21, 9, 0)
    case = build_case(c)
    assert [g.at for g in case.given] == [datetime(2026, 11, 21, 9, 0)]
    snapshot = c.session.keeper.snapshot()  # what the autosave writes
    assert snapshot is not None
    assert snapshot.case is not None
    assert [g["at"] for g in snapshot.case["given"]] == ["2026-11-21T09:00"]
    record = c.records.handoff()
    assert record is not None
    text = record.document.toPlainText()
    assert "Tocilizumab doses given this episode: 2026-11-21 09:00" in text
    assert re.search(r"Next dose:? not before 2026-11-21 17:00", text)


def test_a_late_dose_can_move_the_assessment_to_now(app_controller, qtbot, monkeypatch) -> None:
    c = app_controller
    type_time(qtbot, c.window.patient_bar.assessed_at, "0730")
    monkeypatch.setattr("ui.controllers.dose.ask_late_dose", lambda *a, **k: "now")
    type_time(qtbot, c.dose.view.dose_time, "0900")
    assert c.dose.dose_times == [datetime(2026, 11, 21, 9, 0)]
    assert c.state.live
    assert c.state.at() == datetime(2026, 11, 21, 14, 0)


def test_a_late_dose_declined_is_not_added_and_its_time_stays_typed(
    app_controller, qtbot, monkeypatch
) -> None:
    c = app_controller
    type_time(qtbot, c.window.patient_bar.assessed_at, "0730")
    monkeypatch.setattr("ui.controllers.dose.ask_late_dose", lambda *a, **k: None)
    type_time(qtbot, c.dose.view.dose_time, "0900")
    assert c.dose.dose_times == []
    assert c.state.at() == datetime(2026, 11, 21, 7, 30)
    assert c.dose.view.dose_time.text() == "0900"


def test_a_dose_after_the_assessment_time_is_refused_by_name_not_dropped(
    app_controller, qtbot
) -> None:
    """Moving "Assessed at" before a logged dose: the dose is marked, never dropped; the
    case (version 2) keeps it, counted from its own time (episode.md)."""
    c = app_controller
    _patient(c)
    c.dose.add_dose(datetime(2026, 11, 21, 9, 0))
    type_time(qtbot, c.window.patient_bar.assessed_at, "0730")
    assert [g.at for g in build_case(c).given] == [datetime(2026, 11, 21, 9, 0)]
    assert c.dose.dose_times == [datetime(2026, 11, 21, 9, 0)]
    assert "Dose 1 (2026-11-21 09:00) is later than at" in c.dose.view.log_error.error_text()
    bar = c.window.patient_bar
    assert "is earlier than dose 1 (2026-11-21 09:00)" in bar.assessed.error_text()
    qtbot.mouseClick(bar.now_button, Qt.MouseButton.LeftButton)
    assert bar.assessed.error_text() == ""
    assert [g.at for g in build_case(c).given] == [datetime(2026, 11, 21, 9, 0)]


def test_a_future_dose_on_the_live_clock_is_marked_at_the_field(app_controller, qtbot) -> None:
    c = app_controller
    type_time(qtbot, c.dose.view.dose_time, "2000")
    assert c.dose.dose_times == []
    assert "later than now (2026-11-21 14:00)" in c.dose.view.time_field.error_text()
    assert c.dose.view.dose_time.text() == "2000"


def test_a_fahrenheit_and_pound_case_reopens_in_its_units(app_controller, tmp_path) -> None:
    c = app_controller
    bar = c.window.patient_bar
    bar.weight_unit.setCurrentText("lb")
    type_text(bar.weight.edit, "154")
    type_text(bar.age.edit, "45")
    crs = c.grading.view.crs_inputs
    crs.temperature_unit.setCurrentText("°F")
    type_text(crs.temperature.edit, "102.4")
    path = tmp_path / "f.json"
    assert c.save_case(path)
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["units"] == {"temperature": "F", "weight": "lb"}
    crs_saved = saved["assessments"][0]["crs"]
    assert crs_saved["temperature_c"] == pytest.approx(39.111111, abs=1e-6)
    c.new_case()
    crs.temperature_unit.setCurrentText("°C")
    bar.weight_unit.setCurrentText("kg")
    assert c.open_case(path)
    assert crs.temperature_unit.currentText() == "°F"
    assert crs.temperature.edit.text() == ""  # the wizard opens blank (issue 24)
    c.episode.start_from_last()  # the last assessment back in its unit, on request
    assert crs.temperature.edit.text() == "102.4"
    assert bar.weight_unit.currentText() == "lb"
    assert bar.weight.text() == "154"


def test_a_clock_jump_is_said_in_the_words_durations_take_everywhere() -> None:
    from ui.case.local_clock import ClockJump

    same_day = ClockJump(
        expected=datetime(2026, 11, 21, 10, 1),
        now=datetime(2026, 11, 21, 8, 46),
        seconds_back=75 * 60,
    )
    assert "went back by 1 h 15 min (from 10:01 to 08:46)" in same_day.text()
    # Across midnight the dates are said too: "from 00:30 to 23:30" alone reads as forward.
    overnight = ClockJump(
        expected=datetime(2026, 11, 22, 0, 30),
        now=datetime(2026, 11, 21, 23, 30),
        seconds_back=3600,
    )
    assert "went back by 1 h (from 2026-11-22 00:30 to 2026-11-21 23:30)" in overnight.text()
