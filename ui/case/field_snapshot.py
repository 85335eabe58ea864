"""What is on screen, field by field: a generic snapshot of every input widget.

The autosave keeps the case document built from the valid values, and beside it this
snapshot of every named input under the main window, valid or not: a line edit's typed
text ("39.5.1" stays "39.5.1"), a combo box's current data and index, a check box's or
radio button's state, a spin box's value, a date-time edit's value. Restored by name
after the case is applied, the window shows exactly what was on screen.

Widgets are keyed by the chain of object names from the window down (every control is
named, ``ui.widgets.named``), so the snapshot needs no knowledge of the views. Qt's own
inner widgets (``qt_*``, the line edit inside a spin box or combo box) are skipped.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QDateTimeEdit,
    QDoubleSpinBox,
    QGroupBox,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

Fields = dict[str, Any]

_INPUTS = (
    QLineEdit,
    QComboBox,
    QAbstractButton,
    QAbstractSpinBox,
    QGroupBox,
    QPlainTextEdit,
)
#: How many passes a restore makes: a choice can add or enable other fields (a regimen
#: fills its day fields, a check box enables a group), so later fields are set again.
PASSES = 3


def _key(widget: QWidget, root: QWidget) -> str | None:
    if not widget.objectName() or widget.objectName().startswith("qt_"):
        return None
    names: list[str] = []
    w: QWidget | None = widget
    while w is not None and w is not root:
        name = w.objectName()
        if name and not name.startswith("qt_"):
            names.append(name)
        w = w.parentWidget()
    if w is None:
        return None
    return "/".join(reversed(names))


def _inside_input(widget: QWidget, root: QWidget) -> bool:
    """The line edit of a spin box or an editable combo box belongs to that control."""
    w = widget.parentWidget()
    while w is not None and w is not root:
        if isinstance(w, QAbstractSpinBox | QComboBox):
            return True
        w = w.parentWidget()
    return False


def inputs(root: QWidget) -> dict[str, QWidget]:
    """Every named input widget under ``root`` (in the window itself, not in dialogs)."""
    found: dict[str, QWidget] = {}
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, _INPUTS) or widget.window() is not root.window():
            continue
        if isinstance(widget, QAbstractButton) and not widget.isCheckable():
            continue
        if isinstance(widget, QGroupBox) and not widget.isCheckable():
            continue
        if _inside_input(widget, root):
            continue
        key = _key(widget, root)
        if key is None:
            continue
        n, unique = 1, key
        while unique in found:
            n += 1
            unique = f"{key}#{n}"
        found[unique] = widget
    return found


def value_of(widget: QWidget) -> Any:
    """One widget's state as JSON-ready data (None for a widget this does not keep)."""
    if isinstance(widget, QLineEdit):
        return {"text": widget.text()}
    if isinstance(widget, QPlainTextEdit):
        return {"text": widget.toPlainText()}
    if isinstance(widget, QComboBox):
        data = widget.currentData()
        value: dict[str, Any] = {"index": widget.currentIndex(), "text": widget.currentText()}
        if data is None or isinstance(data, str | int | float | bool):
            value["data"] = data
        return value
    if isinstance(widget, QDateTimeEdit):
        return {"datetime": widget.dateTime().toString("yyyy-MM-ddTHH:mm:ss")}
    if isinstance(widget, QSpinBox | QDoubleSpinBox):
        return {"value": widget.value()}
    if isinstance(widget, QAbstractButton | QGroupBox):
        return {"checked": widget.isChecked()}
    return None


def capture(root: QWidget) -> Fields:
    """The state of every named input under ``root``, as JSON-ready data."""
    fields: Fields = {}
    for key, widget in inputs(root).items():
        value = value_of(widget)
        if value is not None:
            fields[key] = value
    return fields


def set_value(widget: QWidget, value: dict[str, Any]) -> bool:
    """Set one widget as the user would have; True if it changed."""
    if isinstance(widget, QLineEdit) and isinstance(value.get("text"), str):
        text = value["text"]
        if widget.text() == text:
            return False
        widget.setText(text)
        # Controllers listen to what the user types: tell them as typing would.
        widget.textEdited.emit(text)
        return True
    if isinstance(widget, QPlainTextEdit) and isinstance(value.get("text"), str):
        if widget.toPlainText() == value["text"]:
            return False
        widget.setPlainText(value["text"])
        return True
    if isinstance(widget, QComboBox):
        index = widget.findData(value["data"]) if value.get("data") is not None else -1
        if index < 0 and isinstance(value.get("text"), str):
            index = widget.findText(value["text"])
        if index < 0 and isinstance(value.get("index"), int) and value["index"] < widget.count():
            index = value["index"]
        if index < 0 or index == widget.currentIndex():
            return False
        widget.setCurrentIndex(index)
        return True
    if isinstance(widget, QDateTimeEdit) and isinstance(value.get("datetime"), str):
        when = QDateTime.fromString(value["datetime"], "yyyy-MM-ddTHH:mm:ss")
        if not when.isValid() or widget.dateTime() == when:
            return False
        widget.setDateTime(when)
        return True
    if isinstance(widget, QSpinBox) and isinstance(value.get("value"), int):
        if widget.value() == value["value"]:
            return False
        widget.setValue(value["value"])
        return True
    if isinstance(widget, QDoubleSpinBox) and isinstance(value.get("value"), int | float):
        if widget.value() == value["value"]:
            return False
        widget.setValue(float(value["value"]))
        return True
    if isinstance(widget, QAbstractButton | QGroupBox) and isinstance(value.get("checked"), bool):
        if widget.isChecked() == value["checked"]:
            return False
        widget.setChecked(value["checked"])
        # An exclusive radio button is unchecked only by checking another one.
        return widget.isChecked() == value["checked"]
    return False


def restore(root: QWidget, fields: object) -> list[str]:
    """Put the snapshot back; returns the keys no widget here matched (none, normally)."""
    if not isinstance(fields, dict):
        return []
    missing: list[str] = []
    for _ in range(PASSES):
        present = inputs(root)
        missing = []
        changed = False
        for key, value in fields.items():
            widget = present.get(key)
            if widget is None or not isinstance(value, dict):
                missing.append(key)
                continue
            changed |= set_value(widget, value)
        if not changed:
            break
    return missing
