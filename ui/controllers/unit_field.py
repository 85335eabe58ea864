"""A number typed in a unit: the unit belongs to the number, and what was typed is kept.

- The user switching the unit (the combo, or the "did you mean" button) re-labels the
  number typed: 102.4 typed with °C and switched to °F is 102.4 °F, never 216.3 °F.
- The program switching the unit (settings applied to new entries) shows the number in
  the new unit but keeps the typed one, so switching back restores it exactly and the
  core receives the typed value (no round-trip drift).
- A number outside the accepted range is described in the unit selected; when it is
  plausible in the other unit, that unit is suggested with a one-click switch.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QAbstractButton, QComboBox, QLabel, QLineEdit

from ui.units import fmt, number_problem, parse_number

Converter = Callable[[float, str, str], float]


class UnitField(QObject):
    """Binds a line edit, a unit combo, a conversion label and a "did you mean" button."""

    changed = Signal()

    def __init__(
        self,
        edit: QLineEdit,
        unit_combo: QComboBox,
        conversion: QLabel | None,
        convert: Converter,
        decimals: int = 2,
        limits: tuple[float, float, str] | None = None,
        suggest: QAbstractButton | None = None,
        what: str = "",
    ) -> None:
        """``limits``: the accepted range as (low, high, unit), for the messages; ``what``:
        the field's name, for the sentence when the text is not a number."""
        super().__init__(edit)
        self._edit = edit
        self._combo = unit_combo
        self._conversion = conversion
        self._convert = convert
        self._decimals = decimals
        self._limits = limits
        self._suggest = suggest
        self._suggested: str | None = None
        self._what = what
        self._unit = unit_combo.currentText()
        self._typed: tuple[str, str] = (edit.text(), self._unit)
        edit.textEdited.connect(self._edited)
        edit.textChanged.connect(self._refresh)
        unit_combo.currentTextChanged.connect(self._unit_changed)
        # activated comes only from the user (mouse or keyboard), after currentTextChanged.
        unit_combo.activated.connect(self._user_switched)
        if suggest is not None:
            suggest.hide()
            suggest.clicked.connect(self._take_suggestion)
        self._refresh()

    @property
    def unit(self) -> str:
        return self._unit

    def typed(self) -> tuple[str, str]:
        """What the user last typed, and in which unit."""
        return self._typed

    def set_value(self, text: str, unit: str) -> None:
        """Fill the field programmatically (a reopened case, a sample)."""
        self._typed = (text, unit)
        self._combo.blockSignals(True)
        self._combo.setCurrentText(unit)
        self._combo.blockSignals(False)
        self._unit = unit
        self._edit.setText(text)
        self._refresh()
        self.changed.emit()

    def relabel(self, unit: str) -> None:
        """The number typed is in ``unit``: keep the text, change only the unit."""
        text = self._edit.text()
        self._combo.blockSignals(True)
        self._combo.setCurrentText(unit)
        self._combo.blockSignals(False)
        self._unit = unit
        self._typed = (text, unit)
        self._refresh()
        self.changed.emit()

    def range_problem(self) -> str | None:
        """The number typed, when outside the accepted range, described in the unit
        selected, with the other unit suggested when the number is plausible in it; or
        why the text is not a number ("1,000" is refused: a decimal or a thousand?)."""
        return number_problem(self._edit.text(), self._what) or self._check()[0]

    def suggested_unit(self) -> str | None:
        return self._check()[1]

    def _check(self) -> tuple[str | None, str | None]:
        value = parse_number(self._edit.text())
        if value is None or self._limits is None:
            return None, None
        low, high = self._range(self._unit)
        if low <= value <= high:
            return None, None
        shown = f"{fmt(value, self._decimals)} {self._unit}"
        other = self._other()
        if other is not None:
            o_low, o_high = self._range(other)
            if o_low <= value <= o_high:
                return f"{shown} is not possible: did you mean {other}?", other
        span = f"{fmt(low, self._decimals)} to {fmt(high, self._decimals)} {self._unit}"
        return f"{shown} is outside what can be entered ({span})", None

    def _range(self, unit: str) -> tuple[float, float]:
        assert self._limits is not None
        low, high, base = self._limits
        a, b = self._convert(low, base, unit), self._convert(high, base, unit)
        return (min(a, b), max(a, b))

    def _other(self) -> str | None:
        units = [self._combo.itemText(i) for i in range(self._combo.count())]
        return next((u for u in units if u != self._unit), None)

    def _edited(self, text: str) -> None:
        self._typed = (text, self._unit)
        self.changed.emit()

    def _unit_changed(self, new_unit: str) -> None:
        old_unit = self._unit
        self._unit = new_unit
        typed_text, typed_unit = self._typed
        if typed_unit == new_unit:
            self._edit.setText(typed_text)
        else:
            value = parse_number(self._edit.text())
            if value is not None:
                self._edit.setText(fmt(self._convert(value, old_unit, new_unit), self._decimals))
        self._refresh()
        self.changed.emit()

    def _user_switched(self, index: int) -> None:
        unit = self._combo.itemText(index)
        typed_text, typed_unit = self._typed
        if typed_unit != unit:
            self._edit.setText(typed_text)
            self.relabel(unit)

    def _take_suggestion(self) -> None:
        if self._suggested is not None:
            self.relabel(self._suggested)

    def _refresh(self) -> None:
        problem, self._suggested = self._check()
        other = self._other()
        if self._suggest is not None:
            if self._suggested is not None:
                self._suggest.setText(f"Use {self._suggested}")
                self._suggest.setAccessibleName(f"Enter the number as {self._suggested}")
            self._suggest.setVisible(self._suggested is not None)
        if self._conversion is None:
            return
        value = parse_number(self._edit.text())
        if value is None or other is None or problem is not None:
            self._conversion.setText("")
            return
        self._conversion.setText(
            f"= {fmt(self._convert(value, self._unit, other), self._decimals)} {other}"
        )
