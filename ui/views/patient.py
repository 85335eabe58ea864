"""The patient bar: entered once, shared by every tool."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QSize
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

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
        self.assessed.mode.reserve()  # its line is there before the clock is: no jump
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
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(8, 4, 8, 4)
        cells: list[tuple[str, QWidget, QHBoxLayout | None, int]] = [
            ("&Weight", self.weight.edit, weight_row, 2),
            ("A&ge", self.age.edit, None, 1),
            ("Pro&duct", self.product, None, 2),
            ("&Assessed at", self.assessed_at, time_row, 3),
            ("Day &0", self.day0.edit, None, 2),
            ("Patient &label", self.label, None, 2),
        ]
        #: Each cell (caption over its fields) is a widget, so the bar can lay them out in
        #: one row or, when one row does not fit (a 200% font on a 1366 px screen), in two.
        self.cells: list[tuple[QWidget, int]] = []
        for text, buddy, layout, stretch in cells:
            box = QWidget()
            box.setObjectName(f"patientCell_{buddy.objectName()}")
            cell = QVBoxLayout(box)
            cell.setContentsMargins(0, 0, 0, 0)
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
            self.cells.append((box, stretch))
        self.rows = 0
        self._arrange(1)

    def set_products(self, products: Iterable[str]) -> None:
        """The products to choose from (after "(not given)"): the rule data's names, given
        by the controller, so the bar is painted before the rules are loaded (issue 26)."""
        for key in products:
            if self.product.findData(key) < 0:
                self.product.addItem(key, key)

    #: Two rows (row, column, row span, column span of each cell, in the cells' order):
    #: weight, age, product and day 0 above; the time and the patient label below, each
    #: spanning two columns.
    TWO_ROWS = ((0, 0, 1, 1), (0, 1, 1, 1), (0, 2, 1, 1), (1, 0, 1, 2), (0, 3, 1, 1), (1, 2, 1, 2))

    def _arrange(self, rows: int) -> None:
        if rows == self.rows:
            return
        self.rows = rows
        for box, _ in self.cells:
            self.grid.removeWidget(box)
        for column in range(self.grid.columnCount()):
            self.grid.setColumnStretch(column, 0)
        for i, (box, stretch) in enumerate(self.cells):
            if rows == 1:
                self.grid.addWidget(box, 0, i)
                self.grid.setColumnStretch(i, stretch)
            else:
                self.grid.addWidget(box, *self.TWO_ROWS[i])
        self.updateGeometry()

    def _one_row_width(self) -> int:
        margins = self.grid.contentsMargins()
        spacing = max(0, self.grid.horizontalSpacing())
        widths = [box.minimumSizeHint().width() for box, _ in self.cells]
        return sum(widths) + spacing * (len(widths) - 1) + margins.left() + margins.right()

    def minimumSizeHint(self) -> QSize:
        """As narrow as two rows allow: the bar takes two rows rather than push the window
        wider than the screen."""
        hint = super().minimumSizeHint()
        margins = self.grid.contentsMargins()
        spacing = max(0, self.grid.horizontalSpacing())
        weight, age, product, assessed, day0, label = (
            box.minimumSizeHint().width() for box, _ in self.cells
        )
        # the grid's columns in two rows: the time spans weight and age, the label spans
        # product and day 0
        width = (
            max(weight + spacing + age, assessed) + spacing + max(product + spacing + day0, label)
        )
        return QSize(width + margins.left() + margins.right(), hint.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._arrange(1 if event.size().width() >= self._one_row_width() else 2)
        super().resizeEvent(event)
