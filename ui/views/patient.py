"""The patient bar: entered once, shared by every tool."""

from __future__ import annotations

from typing import get_args

from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from calculator.rulebook.management import Product
from ui.views.time_field import TimeField
from ui.widgets import ValidatedField, named


class PatientBar(QFrame):
    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("patientBar")
        self.setProperty("role", "patientBar")
        self.label = named(QLineEdit(), "patientLabel", "Patient label (optional, free text)")
        self.label.setPlaceholderText("optional: bed, initials")
        self.weight = ValidatedField("weight", "Weight")
        self.weight_unit = named(QComboBox(), "weightUnit", "Weight unit")
        self.weight_unit.addItems(["kg", "lb"])
        self.weight_conversion = named(QLabel(), "weightConversion", "Weight in the other unit")
        self.age = ValidatedField("age", "Age in years", unit="years")
        self.product = named(QComboBox(), "product", "Product or therapy (optional)")
        self.product.addItem("(not given)", "")
        for key in get_args(Product):
            self.product.addItem(key, key)
        # "Assessed at" is the case's time: one line edit (one Tab stop, type "0730"),
        # -1 h, and Now (back to the live clock); the line under it says live or set.
        self.assessed = TimeField(
            "assessedAt", "Assessment date and time", "Assessment time follows the clock (live)"
        )
        self.assessed_at = self.assessed.edit
        self.minus_hour = self.assessed.minus_hour
        self.now_button = self.assessed.now_button
        self.now_button.setObjectName("assessedNow")
        self.assessed.mode.show()
        # Day 0 (issue 24, EPI-DAY): the infusion date, entered once; every assessment then
        # shows day +N.
        self.day0 = ValidatedField("day0", "Day 0: infusion date (YYYY-MM-DD, optional)")
        self.day0.edit.setPlaceholderText("YYYY-MM-DD")

        self.weight_conversion.setProperty("role", "hint")
        weight_row = QHBoxLayout()
        weight_row.addWidget(self.weight, 1)
        weight_row.addWidget(self.weight_unit)
        time_row = QHBoxLayout()
        time_row.addWidget(self.assessed, 1)
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 4, 8, 4)
        cells: list[tuple[str, QWidget, QHBoxLayout | None, int]] = [
            ("&Weight", self.weight.edit, weight_row, 2),
            ("A&ge", self.age.edit, None, 1),
            ("Pro&duct", self.product, None, 2),
            ("&Assessed at", self.assessed_at, time_row, 3),
            ("Day &0", self.day0.edit, None, 2),
            ("Patient &label", self.label, None, 2),
        ]
        for text, buddy, layout, stretch in cells:
            cell = QVBoxLayout()
            cell.setSpacing(2)
            caption = QLabel(text)
            caption.setBuddy(buddy)
            if buddy is self.weight.edit:
                head = QHBoxLayout()
                head.addWidget(caption)
                head.addStretch(1)
                head.addWidget(self.weight_conversion)
                cell.addLayout(head)
            else:
                cell.addWidget(caption)
            if layout is not None:
                cell.addLayout(layout)
            elif buddy is self.age.edit:
                cell.addWidget(self.age)
            elif buddy is self.day0.edit:
                cell.addWidget(self.day0)
            else:
                cell.addWidget(buddy)
            cell.addStretch(1)
            row.addLayout(cell, stretch)
