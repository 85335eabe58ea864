"""Nothing typed is lost: Save / Discard / Cancel on quit, close, New and Open; undo of a
removed dose; a duplicate dose time asks; a double click adds one dose; Enter adds."""

from __future__ import annotations

import json
from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from tests.ui.helpers import fill_patient, type_text, type_time
from ui.controllers.app import AppController
from ui.controllers.unsaved import ask_save

Button = QMessageBox.StandardButton


def _answer(monkeypatch, button: QMessageBox.StandardButton) -> list[str]:  # type: ignore[no-untyped-def]
    """The real Save / Discard / Cancel question, its QMessageBox answering ``button``."""
    asked: list[str] = []

    def question(parent, title, text, buttons, default):  # type: ignore[no-untyped-def]
        asked.append(text)
        assert buttons == Button.Save | Button.Discard | Button.Cancel
        return button

    monkeypatch.setattr("ui.controllers.unsaved.ask_save", ask_save)
    monkeypatch.setattr("ui.controllers.unsaved.question_box", question)
    return asked


def _fill(c: AppController) -> None:
    fill_patient(c)


def test_quit_with_unsaved_changes_cancel_keeps_the_window(app_controller, monkeypatch) -> None:
    c = app_controller
    _fill(c)
    asked = _answer(monkeypatch, Button.Cancel)
    c.window.action_quit.trigger()  # Ctrl+Q
    assert len(asked) == 1
    assert "not saved" in asked[0]
    assert c.window.isVisible()
    assert c.window.patient_bar.weight.text() == "70"
    assert c.session.autosaver is not None
    assert c.session.autosaver.save_now()
    assert c.session.autosaver.path.exists()  # a cancelled close keeps the autosave
    _answer(monkeypatch, Button.Discard)  # qtbot closes the window after the test


def test_quit_with_save_writes_the_case_then_closes(app_controller, monkeypatch, tmp_path) -> None:
    c = app_controller
    _fill(c)
    _answer(monkeypatch, Button.Save)
    path = tmp_path / "case.json"
    monkeypatch.setattr(
        "ui.controllers.app.QFileDialog.getSaveFileName", lambda *a, **k: (str(path), "")
    )
    c.window.action_quit.trigger()
    assert json.loads(path.read_text(encoding="utf-8"))["patient"]["weight_kg"] == 70.0
    assert not c.window.isVisible()


def test_save_chosen_but_no_file_given_keeps_the_window(app_controller, monkeypatch) -> None:
    c = app_controller
    _fill(c)
    _answer(monkeypatch, Button.Save)
    monkeypatch.setattr("ui.controllers.app.QFileDialog.getSaveFileName", lambda *a, **k: ("", ""))
    c.window.close()
    assert c.window.isVisible()
    _answer(monkeypatch, Button.Discard)


def test_close_discard_closes(app_controller, monkeypatch) -> None:
    c = app_controller
    _fill(c)
    _answer(monkeypatch, Button.Discard)
    c.window.close()
    assert not c.window.isVisible()


def test_nothing_changed_closes_without_asking(app_controller, monkeypatch) -> None:
    c = app_controller
    asked = _answer(monkeypatch, Button.Cancel)
    c.window.close()
    assert asked == []
    assert not c.window.isVisible()


def test_a_saved_case_closes_without_asking(app_controller, monkeypatch, tmp_path) -> None:
    c = app_controller
    _fill(c)
    assert c.save_case(tmp_path / "case.json")
    asked = _answer(monkeypatch, Button.Cancel)
    assert c.window.isVisible()
    c.window.close()
    assert asked == []
    assert not c.window.isVisible()  # closed: not kept open by a question nobody saw


def test_new_case_asks_cancel_keeps_discard_clears(app_controller, monkeypatch) -> None:
    c = app_controller
    _fill(c)
    asked = _answer(monkeypatch, Button.Cancel)
    c.window.action_new.trigger()  # Ctrl+N
    assert len(asked) == 1
    assert c.window.patient_bar.weight.text() == "70"
    _answer(monkeypatch, Button.Discard)
    c.window.action_new.trigger()
    assert c.window.patient_bar.weight.text() == ""
    assert c.window.patient_bar.assessed.mode.text().startswith("● now (live)")
    asked = _answer(monkeypatch, Button.Cancel)
    c.window.action_new.trigger()  # a fresh case has nothing to lose
    assert asked == []


def test_open_asks_before_replacing(app_controller, monkeypatch) -> None:
    c = app_controller
    _fill(c)
    asked = _answer(monkeypatch, Button.Cancel)
    opened: list[object] = []
    monkeypatch.setattr(
        "ui.controllers.app.QFileDialog.getOpenFileName",
        lambda *a, **k: opened.append(a) or ("", ""),
    )
    c.window.action_open.trigger()
    assert len(asked) == 1
    assert opened == []  # cancelled before the file dialog
    _answer(monkeypatch, Button.Discard)


def _doses(c: AppController, *hours: int) -> None:
    c.dose.set_doses([datetime(2026, 11, 21, h, 0) for h in hours])


def test_removed_dose_comes_back_with_undo(app_controller, qtbot) -> None:
    c = app_controller
    _doses(c, 0, 8)
    v = c.dose.view
    assert not v.undo_remove.isEnabled()
    v.doses.setCurrentRow(0)
    qtbot.mouseClick(v.remove_dose, Qt.MouseButton.LeftButton)
    assert c.dose.dose_times == [datetime(2026, 11, 21, 8, 0)]
    assert "Dose 1 (2026-11-21 00:00) removed" in v.log_notice.text()
    assert v.undo_remove.isEnabled()
    qtbot.mouseClick(v.undo_remove, Qt.MouseButton.LeftButton)
    assert c.dose.dose_times == [datetime(2026, 11, 21, 0, 0), datetime(2026, 11, 21, 8, 0)]
    assert not v.undo_remove.isEnabled()


def test_ctrl_z_in_the_dose_panel_undoes_a_remove(app_controller, qtbot) -> None:
    c = app_controller
    c.window.tabs.setCurrentWidget(c.window.tool_pages["dose"])
    _doses(c, 8)
    v = c.dose.view
    v.doses.setCurrentRow(0)
    c.dose.remove_selected()
    assert c.dose.dose_times == []
    c.window.activateWindow()
    v.doses.setFocus()
    qtbot.waitUntil(v.doses.hasFocus)
    qtbot.keyClick(v.doses, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert c.dose.dose_times == [datetime(2026, 11, 21, 8, 0)]


def test_a_duplicate_dose_time_asks_first(app_controller, qtbot, monkeypatch) -> None:
    c = app_controller
    _doses(c, 8)
    asked: list[str] = []
    answer = [Button.No]

    def question(parent, title, text, buttons, default):  # type: ignore[no-untyped-def]
        asked.append(text)
        assert default == Button.No
        return answer[0]

    monkeypatch.setattr("ui.controllers.dose.question_box", question)
    v = c.dose.view
    type_text(v.dose_time, "0800")
    assert not c.dose.add_dose_from_view()
    assert "already in the log" in asked[0]
    assert c.dose.dose_times == [datetime(2026, 11, 21, 8, 0)]
    answer[0] = Button.Yes
    assert c.dose.add_dose_from_view()
    assert c.dose.dose_times == [datetime(2026, 11, 21, 8, 0)] * 2


def test_a_double_click_on_add_dose_records_one_dose(app_controller, qtbot, monkeypatch) -> None:
    c = app_controller
    asked: list[object] = []
    monkeypatch.setattr(
        "ui.controllers.dose.question_box", lambda *a: asked.append(a) or Button.Yes
    )
    v = c.dose.view
    type_text(v.dose_time, "1100")
    # A double click reaches the button as two clicks within the double-click interval.
    qtbot.mouseClick(v.add_dose, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(v.add_dose, Qt.MouseButton.LeftButton)
    assert c.dose.dose_times == [datetime(2026, 11, 21, 11, 0)]
    assert asked == []


def test_enter_in_the_dose_time_adds_the_dose(app_controller, qtbot) -> None:
    c = app_controller
    v = c.dose.view
    type_time(qtbot, v.dose_time, "0800")
    assert c.dose.dose_times == [datetime(2026, 11, 21, 8, 0)]
    assert v.dose_time.text() == "2026-11-21 08:00"
    assert "Dose 1 (2026-11-21 08:00) added" in v.log_notice.text()
