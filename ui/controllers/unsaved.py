"""Nothing typed is lost: File > New, File > Open, Quit (Ctrl+Q) and closing the window
ask Save / Discard / Cancel while the case has changes not saved to a file.

The window's close is caught with an event filter (installed after the session's, so a
cancelled close never reaches the session's clean-exit step that removes the autosave).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, SignalInstance
from PySide6.QtWidgets import QMessageBox, QWidget

from ui.widgets import question_box

Answer = QMessageBox.StandardButton


def ask_save(parent: QWidget, what: str) -> QMessageBox.StandardButton:
    """Save / Discard / Cancel; Save is the default, Escape cancels."""
    return question_box(
        parent,
        "Save the case?",
        f"The case has changes that are not saved. Save them before {what}?",
        Answer.Save | Answer.Discard | Answer.Cancel,
        Answer.Save,
    )


class UnsavedChanges(QObject):
    def __init__(self, window: QWidget, save: Callable[[], bool]) -> None:
        """``save``: File > Save (asks for a file name when there is none); True if saved."""
        super().__init__(window)
        self.window = window
        self._save = save
        self.dirty = False
        self.enabled = True  # False: never ask (headless modes, where nothing is typed)
        self._loading = 0
        window.installEventFilter(self)

    def watch(self, *signals: SignalInstance) -> None:
        """Any of these is a change the user made (unless a case is being loaded)."""
        for signal in signals:
            signal.connect(self.mark)

    def mark(self, *_: object) -> None:
        if not self._loading:
            self.dirty = True

    def clean(self) -> None:
        self.dirty = False

    def loading(self) -> _Loading:
        """``with unsaved.loading():`` a case is filled in by the app, not typed."""
        return _Loading(self)

    def may_replace(self, what: str) -> bool:
        """True when the case may go: saved, discarded, or nothing unsaved. False: Cancel
        (or Save chosen and then not done)."""
        if not self.dirty or not self.enabled:
            return True
        answer = ask_save(self.window, what)
        if answer == Answer.Save:
            return self._save()
        return answer == Answer.Discard

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Close:
            if not self.may_replace("closing"):
                event.ignore()
                return True
            self.dirty = False
        return False


class _Loading:
    def __init__(self, owner: UnsavedChanges) -> None:
        self.owner = owner

    def __enter__(self) -> None:
        self.owner._loading += 1

    def __exit__(self, *_: object) -> None:
        self.owner._loading -= 1
