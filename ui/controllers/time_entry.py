"""The logic of a TimeField: parse what was typed ("0730" is 07:30 today), say why a
text is not a time at the field, and show a time back without overwriting typing."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QObject, Signal

from calculator.edge.inputs import outside_accepted_dates
from ui.case.state import Clock
from ui.timeentry import HINT, parse_time, shown
from ui.views.time_field import TimeField


class TimeEntry(QObject):
    entered = Signal(object)  # datetime: the user typed a time and confirmed it

    def __init__(self, view: TimeField, today: Clock) -> None:
        super().__init__(view)
        self.view = view
        self._today = today
        view.edit.editingFinished.connect(self._finished)
        view.edit.textEdited.connect(lambda _t: view.field.set_error(None))

    def show(self, at: datetime, force: bool = False) -> None:
        """Show ``at`` unless the user is typing into the field (``force``: even then)."""
        edit = self.view.edit
        if not force and edit.isModified() and edit.hasFocus():
            return
        edit.setText(shown(at))
        edit.setModified(False)
        self.view.field.set_error(None)

    def value(self) -> datetime | None:
        """The time in the field, or None (marked at the field) when it is not one."""
        at = parse_time(self.view.edit.text(), self._today().date())
        if at is None:
            self.view.field.set_error(f"not a time: {HINT}")
            return None
        # The core's range of dates, said here where it was typed (not first at Save).
        problem = outside_accepted_dates(at)
        if problem is not None:
            self.view.field.set_error(problem)
            return None
        return at

    def _finished(self) -> None:
        if not self.view.edit.isModified():
            return
        at = self.value()
        if at is not None:
            self.view.edit.setModified(False)
            self.entered.emit(at)
