"""UI test fixtures. The Qt platform (offscreen) is set once, in tests/conftest.py.

Strictness: a Qt warning fails the test (pyproject: qt_log_level_fail = WARNING, with
its short commented ignore list), and so does a top-level widget left open.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QApplication, QMessageBox

from ui.controllers.app import AppController
from ui.shell.app import application
from ui.store.storage import ENV_HOME, locate

NOW = datetime(2026, 11, 21, 14, 0)


def _flush_deletes() -> None:
    for _ in range(3):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        QApplication.processEvents()


@pytest.fixture(autouse=True)
def crs_calc_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Settings, autosave and the audit log of every UI test (and of any app it starts as
    a subprocess) live in a fresh temporary folder, never the user's own."""
    home = tmp_path_factory.mktemp("crs-calc-home")
    monkeypatch.setenv(ENV_HOME, str(home))
    return home


@pytest.fixture(autouse=True)
def no_leaked_windows(qapp: QApplication) -> Iterator[None]:
    """Fail any test that leaves top-level widgets behind (after qtbot has closed its own)."""
    _flush_deletes()
    before = {id(w) for w in QApplication.topLevelWidgets()}
    yield
    _flush_deletes()
    leaked = [
        f"{type(w).__name__}({w.objectName()!r})"
        for w in QApplication.topLevelWidgets()
        if id(w) not in before
    ]
    assert not leaked, f"top-level widgets leaked: {', '.join(leaked)}"


@pytest.fixture
def clock() -> list[datetime]:
    """A settable clock: tests move time by replacing clock[0]."""
    return [NOW]


@pytest.fixture
def app_controller(qapp: QApplication, qtbot, clock: list[datetime]) -> AppController:  # type: ignore[no-untyped-def]
    application()  # style sheet and icon, as the real app
    # A fixed zone, not the machine's: the same answers on every machine (issue 20).
    controller = AppController(clock=lambda: clock[0], locations=locate(), zone="Europe/Berlin")
    qtbot.addWidget(controller.window)
    controller.window.resize(1366, 768)
    controller.window.show()
    qtbot.waitExposed(controller.window)
    return controller


@pytest.fixture(autouse=True)
def discard_unsaved_on_close(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """qtbot closes every window a test opened: the Save / Discard / Cancel question of a
    changed case answers Discard (a modal box would wait forever headless). Tests of the
    question itself patch ``ui.controllers.unsaved.ask_save`` again."""
    asked: list[str] = []

    def discard(parent, what):  # type: ignore[no-untyped-def]
        asked.append(what)
        return QMessageBox.StandardButton.Discard

    def discard_typed(parent, what, doing, can_save):  # type: ignore[no-untyped-def]
        asked.append(f"{what}: {doing}")
        return QMessageBox.StandardButton.Discard

    monkeypatch.setattr("ui.controllers.unsaved.ask_save", discard)
    # The same for a dialog's typed work (the scenario editor, the settings).
    monkeypatch.setattr("ui.views.typed_work.ask_discard", discard_typed)
    return asked


@pytest.fixture(autouse=True)
def double_check_questions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The double check's yes/no questions (Back discards the verifier's entries, Close
    discards typed entries) answered Yes and recorded, never a modal box that would wait
    forever offscreen; a test that answers No sets ``view.ask`` itself."""
    asked: list[str] = []

    def yes(self: object, question: str) -> bool:
        asked.append(question)
        return True

    monkeypatch.setattr("ui.views.verification_view.VerificationView._ask", yes)
    return asked
