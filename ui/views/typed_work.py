"""Typed work in a dialog is never thrown away by one key: Esc, Close, the title bar's
close button and the dialog's own New/Open ask Save / Discard / Cancel first while the
dialog holds changes not saved (the scenario editor, the settings).

A dialog owns one :class:`TypedWork`: ``snapshot`` reads what the dialog holds now (any
comparable value), ``mark_clean`` records it as saved, and ``may_discard`` asks. Every
close of a QDialog goes through ``reject()`` (Esc, the Close button, and ``closeEvent``,
which calls it), so a dialog overrides ``reject`` alone: see :func:`guarded_reject`.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from ui.widgets import question_box

Answer = QMessageBox.StandardButton


def ask_discard(parent: QWidget, what: str, doing: str, can_save: bool) -> Answer:
    """Save / Discard / Cancel (Discard / Cancel when the dialog cannot save); the default
    keeps the work (Save, else Cancel) and Escape cancels."""
    buttons = Answer.Discard | Answer.Cancel
    if can_save:
        buttons |= Answer.Save
    return question_box(
        parent,
        f"Discard {what}?",
        f"{what[:1].upper()}{what[1:]} has changes that are not saved. Save them before {doing}?"
        if can_save
        else f"{what[:1].upper()}{what[1:]} has changes that are not saved. Discard them?",
        buttons,
        Answer.Save if can_save else Answer.Cancel,
    )


class TypedWork:
    def __init__(
        self,
        dialog: QDialog,
        what: str,
        snapshot: Callable[[], object],
        save: Callable[[], bool] | None = None,
    ) -> None:
        """``what``: the work in words ("the scenario"); ``save``: saves it, True if saved
        (None: the dialog offers Discard / Cancel only)."""
        self.dialog = dialog
        self.what = what
        self.snapshot = snapshot
        self.save = save
        self._clean: object = None

    def mark_clean(self) -> None:
        self._clean = self.snapshot()

    def dirty(self) -> bool:
        return self.snapshot() != self._clean

    def may_discard(self, doing: str) -> bool:
        """True when the work may go: nothing unsaved, saved now, or discarded."""
        if not self.dirty():
            return True
        answer = ask_discard(self.dialog, self.what, doing, self.save is not None)
        if answer == Answer.Save and self.save is not None:
            return self.save()
        return answer == Answer.Discard


def guarded_reject(dialog: QDialog, work: TypedWork, reject: Callable[[], None]) -> None:
    """The body of a guarded ``reject()``: ask, then close unless the answer kept the work
    (Cancel, or Save chosen and not done). A save that closed the dialog itself (the
    settings' Save accepts it) is not turned into a reject."""
    if work.may_discard("closing") and dialog.isVisible():
        reject()
