"""One signal says "the case changed" (AppController.case_edited): the autosave and the
unsaved-changes prompt hear the same list, so neither misses what the other keeps."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from tests.ui.helpers import type_text
from ui.controllers.app import AppController
from ui.controllers.unsaved import ask_save

Button = QMessageBox.StandardButton


def test_a_profile_change_alone_is_an_unsaved_change(
    app_controller: AppController, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, qtbot
) -> None:  # type: ignore[no-untyped-def]
    """The case document holds the profile: switching it after a save asks before closing."""
    c = app_controller
    type_text(c.window.patient_bar.weight.edit, "70")
    type_text(c.window.patient_bar.age.edit, "45")
    assert c.save_case(tmp_path / "case.json")
    assert not c.unsaved.dirty
    with qtbot.wait_signal(c.case_edited, timeout=2000):
        c.set_profile_id("asco-2021")
    assert c.unsaved.dirty
    asked: list[str] = []

    def question(parent, title, text, buttons, default):  # type: ignore[no-untyped-def]
        asked.append(text)
        return Button.Discard

    monkeypatch.setattr("ui.controllers.unsaved.ask_save", ask_save)
    monkeypatch.setattr("ui.controllers.unsaved.question_box", question)
    c.window.close()
    assert len(asked) == 1  # asked, where a saved, unchanged case closes without asking
    assert not c.window.isVisible()


def test_the_autosave_hears_the_same_signal(app_controller: AppController, qtbot) -> None:  # type: ignore[no-untyped-def]
    c = app_controller
    heard: list[str] = []
    c.case_edited.connect(lambda: heard.append("edited"))
    assert c.session.keeper is not None  # the running app's session keeps the case
    crs = c.window.tool_pages["grading"].crs_inputs  # type: ignore[attr-defined]
    type_text(crs.temperature.edit, "39.5")
    c.set_profile_id("asco-2021")
    assert len(heard) >= 2
