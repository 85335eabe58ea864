"""Switching a field's unit without losing what was typed.

The text the user last typed is remembered with its unit. Switching away converts it
for display; switching back restores the typed text exactly (no round-trip drift).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit

from ui.units import fmt, parse_number

Converter = Callable[[float, str, str], float]


class UnitField(QObject):
    """Binds a line edit, a unit combo and a conversion label."""

    changed = Signal()

    def __init__(
        self,
        edit: QLineEdit,
        unit_combo: QComboBox,
        conversion: QLabel | None,
        convert: Converter,
        decimals: int = 2,
    ) -> None:
        super().__init__(edit)
        self._edit = edit
        self._combo = unit_combo
        self._conversion = conversion
        self._convert = convert
        self._decimals = decimals
        self._unit = unit_combo.currentText()
        self._typed: tuple[str, str] = (edit.text(), self._unit)
        edit.textEdited.connect(self._edited)
        edit.textChanged.connect(self._refresh_conversion)
        unit_combo.currentTextChanged.connect(self._unit_changed)
        self._refresh_conversion()

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
        self._refresh_conversion()
        self.changed.emit()

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
        self._refresh_conversion()
        self.changed.emit()

    def _refresh_conversion(self) -> None:
        if self._conversion is None:
            return
        value = parse_number(self._edit.text())
        others = [self._combo.itemText(i) for i in range(self._combo.count())]
        other = next((u for u in others if u != self._unit), self._unit)
        if value is None or other == self._unit:
            self._conversion.setText("")
            return
        self._conversion.setText(
            f"= {fmt(self._convert(value, self._unit, other), self._decimals)} {other}"
        )
