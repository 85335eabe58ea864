"""Entry widgets: a field that shows the core's refusal under it, whole-number spin boxes
that refuse a decimal comma instead of reading it as thousands, a combo box the wheel
does not change."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import (
    QFocusEvent,
    QValidator,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ui.widgets.text import MessageLabel, named, plain_tip, repolish

W = TypeVar("W", bound=QWidget)
L = TypeVar("L", bound=QLabel)
Button = QMessageBox.StandardButton


class ValidatedField(QWidget):
    """A line edit with its unit and, under it, the core's message when it refuses the value.

    Nothing typed is ever replaced by the error: the text stays for the user to fix.
    """

    def __init__(self, object_name: str, accessible_name: str, unit: str = "") -> None:
        super().__init__()
        self.setObjectName(f"{object_name}Field")
        self.edit = named(QLineEdit(), object_name, accessible_name)
        self.unit_label = named(
            QLabel(unit, self), f"{object_name}UnitLabel", f"{accessible_name} unit"
        )
        self.unit_label.setVisible(bool(unit))
        self.error = named(MessageLabel(), f"{object_name}Error", f"{accessible_name} error")
        self.error.setProperty("role", "fieldError")
        self.error.hide()
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(self.unit_label)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addLayout(row)
        box.addWidget(self.error)

    def text(self) -> str:
        return self.edit.text()

    def set_error(self, message: str | None) -> None:
        bad = bool(message)
        if bad:
            self.error.setText(f"✖ {message}")
            self.edit.setAccessibleDescription(f"Refused: {message}")
        else:
            self.error.clear()
            self.edit.setAccessibleDescription("")
        self.error.setVisible(bad)
        if bool(self.edit.property("invalid")) != bad:
            self.edit.setProperty("invalid", bad)
            repolish(self.edit)

    def error_text(self) -> str:
        return self.error.text().removeprefix("✖ ") if not self.error.isHidden() else ""


_SEPARATORS = {",", "."}


class WholeSpin(QSpinBox):
    """A whole number typed into a spin box. Qt reads a comma or a point there as a
    thousands separator ("3,5" became 35 days, "1,0" an ICE total of 10), and while
    typing "38,5" the value was already 38: a text with a separator is never taken, the
    value goes back to the one before the typing, and the field says why (``refused``,
    its tooltip and accessible description, the "invalid" style)."""

    refused = Signal(str)  # the plain sentence naming the field, or "" once fixed

    def __init__(self) -> None:
        super().__init__()
        self._refusal = ""
        self._committed = self.value()
        self.valueChanged.connect(self._value_changed)
        self.editingFinished.connect(self._finished)
        self.lineEdit().textEdited.connect(self._edited)

    def validate(self, text: str, pos: int) -> object:
        if _SEPARATORS & set(text):
            return (QValidator.State.Intermediate, text, pos)  # typed on: refused at the end
        return super().validate(text, pos)

    def fixup(self, text: str) -> str:
        if not _SEPARATORS & set(text):
            return super().fixup(text)
        kept = self._committed
        shown = text.removeprefix(self.prefix()).removesuffix(self.suffix()).strip()
        back = (
            self.specialValueText()
            if kept == self.minimum() and self.specialValueText()
            else self.textFromValue(kept)
        )
        message = (
            f'{self.accessibleName() or "This field"}: "{shown}" is not a whole number: '
            f"type a whole number (3, not 3,5); it stays {back}."
        )
        # Put back and said once Qt has finished with the text (it may keep the value it
        # took while the first digits were typed).
        QTimer.singleShot(0, lambda: self._refuse(kept, message))
        return back if back == self.specialValueText() else self.prefix() + back + self.suffix()

    def refusal(self) -> str:
        return self._refusal

    def clear_refusal(self) -> None:
        """Forget a refused text (a new case: nothing of the one before is said)."""
        self._committed = self.value()
        self._say("")

    def _refuse(self, kept: int, message: str) -> None:
        if self.value() != kept:
            self.setValue(kept)
        self._say(message)

    def _value_changed(self, value: int) -> None:
        if not (self.hasFocus() or self.lineEdit().isModified()):
            self._committed = value  # set by the program, not half typed
            self._say("")

    def focusInEvent(self, event: QFocusEvent) -> None:
        self._committed = self.value()
        super().focusInEvent(event)

    def _finished(self) -> None:
        if not _SEPARATORS & set(self.lineEdit().text()):
            self._committed = self.value()

    def _edited(self, text: str) -> None:
        if not _SEPARATORS & set(text):
            self._say("")

    def _say(self, message: str) -> None:
        if message == self._refusal:
            return
        self._refusal = message
        self.setToolTip(plain_tip(message))  # it quotes what was typed
        self.setAccessibleDescription(f"Refused: {message}" if message else "")
        self.setProperty("invalid", bool(message))
        repolish(self)
        self.refused.emit(message)


class BlankSpin(WholeSpin):
    """A score from 0 to ``top`` that starts blank ("not asked"), so an item nobody asked
    is never scored. The blank is the value -1 shown as the special text."""

    BLANK = -1

    def __init__(self, top: int, blank_text: str = "not asked") -> None:
        super().__init__()
        self.setRange(self.BLANK, top)
        self.setSpecialValueText(blank_text)
        self.setSuffix(f" / {top}")
        self.setValue(self.BLANK)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def score(self) -> int | None:
        value = self.value()
        return None if value == self.BLANK else value

    def clear_score(self) -> None:
        self.setValue(self.BLANK)

    def wheelEvent(self, event: QWheelEvent) -> None:
        # Scrolling the form past a score must not change it: the wheel counts only once
        # the field has the focus.
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()


class NoWheelCombo(QComboBox):
    """A combo that the mouse wheel changes only when it has the focus (see BlankSpin)."""

    def __init__(self) -> None:
        super().__init__()
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def wheelEvent(self, event: QWheelEvent) -> None:
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()
