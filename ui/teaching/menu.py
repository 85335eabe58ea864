"""The Teaching menu: start a built-in scenario or a scenario file in its own window, the
class summary, the scenario editor. ``install_menu(app)`` adds it to a main window."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QMenu, QWidget

from calculator.teaching import Scenario, builtin_scenarios
from ui.teaching.files import ask_scenario
from ui.teaching.session import TeachingSession
from ui.widgets import action_text


class TeachingLauncher(QObject):
    """Keeps the open teaching windows alive and opens new ones."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.sessions: list[TeachingSession] = []
        self.dialogs: list[QWidget] = []

    def start(self, scenario: Scenario, learner: str = "") -> TeachingSession:
        session = TeachingSession(scenario, learner)
        self.sessions.append(session)
        session.window.destroyed.connect(lambda *_: self._forget(session))
        self._add_window_menu(session)
        session.window.resize(1366, 768)
        session.window.show()
        return session

    def next_learner(self, session: TeachingSession) -> TeachingSession:
        """A clean state for the next learner: a new window, nothing carried over."""
        fresh = self.start(session.scenario)
        session.close()
        return fresh

    def _forget(self, session: TeachingSession) -> None:
        if session in self.sessions:
            self.sessions.remove(session)

    def open_file(self, parent: QWidget, path: Path | None = None) -> TeachingSession | None:
        chosen = ask_scenario(parent, path)
        return None if chosen is None else self.start(chosen[1])

    def class_summary(self, parent: QWidget) -> QWidget:
        from ui.teaching.classroom import ClassSummaryDialog

        dialog = ClassSummaryDialog(parent)
        self._keep(dialog)
        return dialog

    def editor(self, parent: QWidget, scenario: Scenario | None = None) -> QWidget:
        from ui.teaching.editor import ScenarioEditor

        dialog = ScenarioEditor(scenario, parent)
        dialog.try_out.connect(self.start)
        self._keep(dialog)
        return dialog

    def _keep(self, dialog: QWidget) -> None:
        self.dialogs = [d for d in self.dialogs if d.isVisible()]
        self.dialogs.append(dialog)
        dialog.show()

    def add_menu(self, window: QMainWindow) -> QMenu:
        menu = window.menuBar().addMenu("T&eaching")
        menu.setObjectName("teachingMenu")
        menu.setAccessibleName("Teaching")
        builtin = menu.addMenu("&Built-in scenarios")
        builtin.setObjectName("teachingBuiltinMenu")
        for s in builtin_scenarios():
            action = QAction(action_text(s.title), window)
            action.setObjectName(f"scenario_{s.id}")
            action.triggered.connect(lambda _=False, sc=s: self.start(sc))
            builtin.addAction(action)
        self._action(
            menu,
            window,
            "&Open scenario file…",
            "actionOpenScenario",
            lambda: self.open_file(window),
        )
        menu.addSeparator()
        self._action(
            menu,
            window,
            "&Class summary…",
            "actionClassSummary",
            lambda: self.class_summary(window),
        )
        self._action(
            menu, window, "Scenario &editor…", "actionScenarioEditor", lambda: self.editor(window)
        )
        return menu

    def _add_window_menu(self, session: TeachingSession) -> None:
        menu = self.add_menu(session.window)
        menu.addSeparator()
        w = session.window
        self._action(
            menu,
            w,
            "&New learner (clean state)",
            "actionNextLearner",
            lambda: self.next_learner(session),
        )
        self._action(menu, w, "&Debrief…", "actionDebrief", lambda: session.finish())

    @staticmethod
    def _action(menu: QMenu, window: QWidget, text: str, name: str, slot: Any) -> QAction:
        action = QAction(text, window)
        action.setObjectName(name)
        action.triggered.connect(lambda _=False: slot())
        menu.addAction(action)
        return action


def install_menu(app: Any) -> TeachingLauncher:
    """Add the Teaching menu to the app controller's main window; the launcher lives as
    long as the controller."""
    launcher = TeachingLauncher(app)
    launcher.add_menu(app.window)
    app.teaching = launcher
    return launcher
