"""The logic of a TimeField: parse what was typed ("0730" is 07:30 today), say why a
text is not a time at the field, and show a time back without overwriting typing.

With the case's zone (issue 20): a typed time the clocks skip is refused at the field
in the core's words; one that occurs twice (the clocks go back) is asked about, the
first or the second, and kept with its ``fold``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from calculator.edge.errors import InputError
from calculator.edge.inputs import outside_accepted_dates
from calculator.local_time import check_local, offset_text, offsets
from ui.case.state import Clock
from ui.timeentry import HINT, parse_time, shown
from ui.views.time_field import TimeField


def ask_repeated(parent: QWidget, at: datetime, zone: ZoneInfo) -> datetime | None:
    """``at`` occurs twice in ``zone`` (the clocks go back): which one? None: neither."""
    first, second = offsets(at, zone)
    box = QMessageBox(parent)
    box.setObjectName("repeatedTimeQuestion")
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("This time occurs twice")
    box.setTextFormat(Qt.TextFormat.PlainText)  # the zone's name comes from a case file
    box.setText(
        f"{shown(at)} occurs twice tonight in {zone.key}: the clocks go back one hour.\n\n"
        "Which one do you mean?"
    )
    one = box.addButton(
        f"The first {at:%H:%M} (UTC{offset_text(first)}, before the change)",
        QMessageBox.ButtonRole.AcceptRole,
    )
    two = box.addButton(
        f"The second {at:%H:%M} (UTC{offset_text(second)}, after the change)",
        QMessageBox.ButtonRole.AcceptRole,
    )
    cancel = box.addButton("Neither: let me correct it", QMessageBox.ButtonRole.RejectRole)
    box.setEscapeButton(cancel)
    box.exec()
    clicked = box.clickedButton()
    box.deleteLater()
    if clicked is one:
        return at.replace(fold=0)
    if clicked is two:
        return at.replace(fold=1)
    return None


class TimeEntry(QObject):
    entered = Signal(object)  # datetime: the user typed a time and confirmed it

    def __init__(
        self,
        view: TimeField,
        today: Clock,
        zone: Callable[[], ZoneInfo | None] = lambda: None,
    ) -> None:
        super().__init__(view)
        self.view = view
        self._today = today
        self._zone = zone
        self._shown: datetime | None = None
        self._asked: tuple[str, datetime] | None = None
        view.edit.editingFinished.connect(self._finished)
        view.edit.textEdited.connect(self._edited)

    def _edited(self, _text: str) -> None:
        self.view.field.set_error(None)
        self._asked = None

    def show(self, at: datetime, force: bool = False) -> None:
        """Show ``at`` unless the user is typing into the field (``force``: even then)."""
        edit = self.view.edit
        if not force and edit.isModified() and edit.hasFocus():
            return
        edit.setText(shown(at))
        self._shown = at  # with its fold: the repeated hour is not asked about again
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
        return self._in_zone(at)

    def _in_zone(self, at: datetime) -> datetime | None:
        """A skipped time refused at the field (the core's words); a repeated one asked
        about, unless it is the time shown already (its ``fold`` kept)."""
        zone = self._zone()
        if zone is None:
            return at
        if len(offsets(at, zone)) == 2:
            text = self.view.edit.text()
            if self._shown is not None and self._shown == at and not self.view.edit.isModified():
                return self._shown
            if self._asked is not None and self._asked[0] == text:
                return self._asked[1]  # Enter is heard twice (finished, return): ask once
            chosen = ask_repeated(self.view, at, zone)
            if chosen is None:
                self.view.field.set_error("occurs twice (the clocks go back): say which one")
                return None
            self._asked = (text, chosen)
            return chosen
        try:
            check_local(at, zone, "time")
        except InputError as exc:
            self.view.field.set_error(exc.fields[0].message)
            return None
        return at

    def _finished(self) -> None:
        if not self.view.edit.isModified():
            return
        at = self.value()
        if at is not None:
            self.view.edit.setModified(False)
            self.entered.emit(at)
