"""Esc, Close and the editor's New/Open ask before typed work is thrown away (issue 22):
one Esc in the scenario editor discarded unsaved work without asking."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from calculator.teaching import builtin_scenario, load_scenario
from tests.ui.helpers import type_text
from ui.teaching.editor import ScenarioEditor

Answer = QMessageBox.StandardButton


class Asked(list[tuple[str, Answer]]):
    """What was asked, with the answer given; ``queue``: the answers to give next."""

    def __init__(self) -> None:
        super().__init__()
        self.queue: list[Answer] = []


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> Asked:
    """Answers the question with the next queued answer (Discard when none is queued)."""
    asked = Asked()
    queue = asked.queue

    def ask(parent, what, doing, can_save):  # type: ignore[no-untyped-def]
        answer = queue.pop(0) if queue else Answer.Discard
        asked.append((f"{what}: {doing}", answer))
        return answer

    monkeypatch.setattr("ui.views.typed_work.ask_discard", ask)
    return asked


def _editor(qtbot: QtBot) -> ScenarioEditor:
    editor = ScenarioEditor(builtin_scenario("adult-axicel-escalation"), None)
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitExposed(editor)
    return editor


def test_esc_in_the_editor_with_nothing_typed_closes_without_asking(qtbot: QtBot, answers) -> None:  # type: ignore[no-untyped-def]
    editor = _editor(qtbot)
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert answers == []
    assert not editor.isVisible()


def test_esc_in_the_editor_asks_and_cancel_keeps_the_typed_work(qtbot: QtBot, answers) -> None:  # type: ignore[no-untyped-def]
    editor = _editor(qtbot)
    type_text(editor.title, "Night shift: my own scenario")
    answers.queue.append(Answer.Cancel)
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert [a for _, a in answers] == [Answer.Cancel]
    assert editor.isVisible()
    assert editor.title.text() == "Night shift: my own scenario"
    # the title bar's close and the Close of a dialog go the same way
    answers.queue.append(Answer.Cancel)
    editor.close()
    assert editor.isVisible()
    answers.queue.append(Answer.Discard)
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert not editor.isVisible()


def test_save_from_the_question_saves_then_closes(qtbot: QtBot, answers, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    editor = _editor(qtbot)
    type_text(editor.title, "Saved on the way out")
    out = tmp_path / "mine.json"
    editor.work.save = lambda: editor.save_file(out)  # the file dialog, answered
    answers.queue.append(Answer.Save)
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert not editor.isVisible()
    assert load_scenario(json.loads(out.read_text())).title == "Saved on the way out"


def test_saved_work_closes_without_asking(qtbot: QtBot, answers, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    editor = _editor(qtbot)
    type_text(editor.title, "Saved first")
    assert editor.save_file(tmp_path / "s.json")
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert answers == []
    assert not editor.isVisible()


def test_new_in_the_editor_asks_first(qtbot: QtBot, answers) -> None:  # type: ignore[no-untyped-def]
    editor = _editor(qtbot)
    type_text(editor.weight, "71")
    answers.queue.append(Answer.Cancel)
    editor.new_button.click()
    assert editor.weight.text() == "71"
    assert [w for w, _ in answers] == ["the scenario: starting a new scenario"]
    answers.queue.append(Answer.Discard)
    editor.new_button.click()
    assert editor.weight.text() != "71"  # the blank scenario again
    editor.close()


def test_esc_in_the_settings_asks_and_cancel_keeps_the_typed_work(
    app_controller,
    qtbot: QtBot,
    answers,  # type: ignore[no-untyped-def]
) -> None:
    dialog = app_controller.session.open_settings()
    qtbot.waitExposed(dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # nothing typed: closes at once
    assert answers == []
    assert not dialog.isVisible()
    dialog = app_controller.session.open_settings()
    qtbot.waitExposed(dialog)
    type_text(dialog.tolerance, "7")
    answers.queue.append(Answer.Cancel)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible()
    assert dialog.tolerance.text() == "7"
    answers.queue.append(Answer.Cancel)
    dialog.cancel_button.click()
    assert dialog.isVisible()
    # Save from the question: validated, written and applied, the dialog accepted
    answers.queue.append(Answer.Save)
    dialog.close()
    QApplication.processEvents()
    assert not dialog.isVisible()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert app_controller.session.settings.double_check_tolerance_pct == 7


def test_a_refused_save_from_the_question_keeps_the_dialog_open(
    app_controller,
    qtbot: QtBot,
    answers,  # type: ignore[no-untyped-def]
) -> None:
    dialog = app_controller.session.open_settings()
    qtbot.waitExposed(dialog)
    type_text(dialog.tolerance, "-3")
    answers.queue.append(Answer.Save)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible()
    assert dialog.error.error_text()
    answers.queue.append(Answer.Discard)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
