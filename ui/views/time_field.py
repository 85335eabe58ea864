"""A time entry: one line edit (one Tab stop: type "0730"), "−1 h" and "Now" buttons,
and a line saying whether the time is live or set. The logic is in
ui/controllers/time_entry.py."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from ui.timeentry import HINT
from ui.widgets import MessageLabel, ValidatedField, named


class TimeField(QWidget):
    def __init__(self, object_name: str, accessible_name: str, now_tip: str) -> None:
        super().__init__()
        self.setObjectName(f"{object_name}Box")
        self.field = ValidatedField(object_name, accessible_name)
        self.edit = self.field.edit
        self.edit.setPlaceholderText("0730")
        self.edit.setToolTip(f"{accessible_name}: {HINT}; Enter to confirm")
        # A date-time is never shown cut ("-03-02 09:00" reads as another time): the field
        # is at least as wide as the longest text it shows, at the current font.
        widest = self.edit.fontMetrics().horizontalAdvance("8888-88-88 88:88")
        self.edit.setMinimumWidth(widest + 2 * self.edit.fontMetrics().averageCharWidth() + 8)
        self.minus_hour = named(
            QPushButton("−1 h"), f"{object_name}MinusHour", f"{accessible_name} one hour earlier"
        )
        self.now_button = named(QPushButton("Now"), f"{object_name}Now", now_tip)
        self.mode = named(MessageLabel(), f"{object_name}Mode", f"{accessible_name}: live or set")
        self.mode.setProperty("role", "hint")
        # Wraps under the field rather than widen the patient bar (a 200% font).
        self.mode.setWordWrap(True)
        self.mode.hide()
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.field, 1)
        row.addWidget(self.minus_hour)
        row.addWidget(self.now_button)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addLayout(row)
        box.addWidget(self.mode)

    def text(self) -> str:
        return self.edit.text()

    def error_text(self) -> str:
        return self.field.error_text()
