"""Pharmacy double check: a dialog in three pages. Widgets only; the controller decides.

1. The order (first entry): drug, weight, age, regimen, ordered dose, vials.
2. The independent entry: the verifier types weight, drug, dose and vials without
   seeing the order's values or any calculated value: page 1 is hidden by then, the
   dialog is modal, and the main window's contents are hidden until step 2 is left.
3. The result: verdict, every comparison, and print / save-as-PDF of the record.
"""

from __future__ import annotations

from typing import get_args

from PySide6.QtCore import Qt
from PySide6.QtGui import QHideEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from calculator.rulebook.dosing import Drug
from ui.widgets import FieldErrorLabel, ValidatedField, named, wrapped_label

DRUGS: tuple[str, ...] = get_args(Drug)
VIALS_HINT = "e.g. 1x400 + 3x80 (count x mg); leave empty if not chosen"


def _drug_combo(name: str, accessible: str) -> QComboBox:
    combo = named(QComboBox(), name, accessible)
    combo.addItem("(choose)", "")
    for drug in DRUGS:
        combo.addItem(drug, drug)
    return combo


class VerificationView(QDialog):
    ORDER, INDEPENDENT, RESULT = range(3)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("verificationDialog")
        self.setWindowTitle("Pharmacy double check")
        self.setAccessibleName("Pharmacy double check")
        # Modal: while the check is open nobody works in the main window, and step 2
        # hides the main window's results altogether (set_blind).
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self._hidden_behind: QWidget | None = None
        self.pages = named(QStackedWidget(), "verificationPages", "Double check steps")

        # --- 1. the order ---------------------------------------------------------------
        order = QWidget()
        form = QFormLayout(order)
        self.order_drug = _drug_combo("orderDrug", "Ordered drug")
        self.order_drug_error = FieldErrorLabel("orderDrugError", "Ordered drug error")
        self.order_weight = ValidatedField("orderWeight", "Weight on the order", "kg")
        self.order_age = ValidatedField("orderAge", "Age on the order", "years")
        self.order_regimen = named(QLineEdit(), "orderRegimen", "Regimen (optional)")
        self.order_dose = ValidatedField("orderDose", "Ordered dose", "mg")
        self.order_vials = ValidatedField("orderVials", "Vials on the order")
        self.order_vials.edit.setPlaceholderText(VIALS_HINT)
        form.addRow(
            wrapped_label(
                "Step 1 of 2 — the order as written (first entry).", "orderIntro", "Step 1"
            )
        )
        form.addRow("Drug", self.order_drug)
        form.addRow("", self.order_drug_error)
        form.addRow("Weight", self.order_weight)
        form.addRow("Age", self.order_age)
        form.addRow("Regimen", self.order_regimen)
        form.addRow("Ordered dose", self.order_dose)
        form.addRow("Vials", self.order_vials)
        self.next_button = named(QPushButton("&Next: independent entry"), "nextButton", "Next")
        form.addRow(self.next_button)
        self.pages.addWidget(order)

        # --- 2. the independent entry ------------------------------------------------------
        blind = QWidget()
        form = QFormLayout(blind)
        form.addRow(
            wrapped_label(
                "Step 2 of 2 — the verifier's independent entry. Type what you find on the "
                "chart and the order; no calculated value is shown until you compare.",
                "independentIntro",
                "Step 2",
            )
        )
        self.ind_weight = ValidatedField("indWeight", "Verifier's weight", "kg")
        self.ind_drug = _drug_combo("indDrug", "Verifier's drug")
        self.ind_drug_error = FieldErrorLabel("indDrugError", "Verifier's drug error")
        self.ind_dose = ValidatedField("indDose", "Verifier's dose", "mg")
        self.ind_vials = ValidatedField("indVials", "Verifier's vials")
        self.ind_vials.edit.setPlaceholderText(VIALS_HINT)
        self.initials = named(QLineEdit(), "initials", "Verifier's initials")
        form.addRow("Weight", self.ind_weight)
        form.addRow("Drug", self.ind_drug)
        form.addRow("", self.ind_drug_error)
        form.addRow("Dose", self.ind_dose)
        form.addRow("Vials", self.ind_vials)
        form.addRow("Initials", self.initials)
        self.general_error = FieldErrorLabel("verificationError", "Double check error")
        form.addRow(self.general_error)
        row = QHBoxLayout()
        self.back_button = named(QPushButton("&Back"), "backButton", "Back to the order")
        self.compare_button = named(QPushButton("&Compare"), "compareButton", "Compare")
        self.compare_button.setDefault(True)
        row.addWidget(self.back_button)
        row.addStretch(1)
        row.addWidget(self.compare_button)
        form.addRow(row)
        self.pages.addWidget(blind)

        # --- 3. the result -----------------------------------------------------------------
        result = QWidget()
        box = QVBoxLayout(result)
        self.verdict = named(QLabel(), "verdict", "Double check result")
        self.verdict.setWordWrap(True)
        self.verdict.setProperty("role", "verdict")
        self.table = named(QTableWidget(0, 2), "comparisons", "Comparisons")
        self.table.setHorizontalHeaderLabels(["Check", "Result"])
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        self.notes = named(QLabel(), "verificationNotes", "Tolerance and warnings")
        self.notes.setWordWrap(True)
        self.status = named(QLabel(), "verificationStatus", "Record status")
        self.status.setWordWrap(True)
        row = QHBoxLayout()
        self.print_button = named(QPushButton("&Print record…"), "printButton", "Print record")
        self.pdf_button = named(QPushButton("Save record as P&DF…"), "pdfButton", "Save PDF")
        self.again_button = named(QPushButton("New chec&k"), "againButton", "New check")
        self.close_button = named(QPushButton("Close"), "closeButton", "Close")
        for button in (self.print_button, self.pdf_button, self.again_button):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(self.close_button)
        box.addWidget(self.verdict)
        box.addWidget(self.table, 1)
        box.addWidget(self.notes)
        box.addWidget(self.status)
        box.addLayout(row)
        self.pages.addWidget(result)

        outer = QVBoxLayout(self)
        outer.addWidget(self.pages)
        self.close_button.clicked.connect(self.reject)
        self.resize(720, 520)

    def show_page(self, index: int) -> None:
        self.pages.setCurrentIndex(index)
        self.set_blind(index == self.INDEPENDENT)

    def set_blind(self, blind: bool) -> None:
        """Step 2 is blind: the main window's contents (dose panel, grades, plan: every
        calculated value) are hidden while the verifier types, and shown again after."""
        if blind and self._hidden_behind is None:
            window = self.parentWidget()
            central = window.centralWidget() if isinstance(window, QMainWindow) else None
            if central is not None and central.isVisible():
                central.hide()
                self._hidden_behind = central
        elif not blind and self._hidden_behind is not None:
            self._hidden_behind.show()
            self._hidden_behind = None

    def is_blind(self) -> bool:
        return self._hidden_behind is not None

    def hideEvent(self, event: QHideEvent) -> None:
        self.set_blind(False)
        super().hideEvent(event)

    def set_rows(self, rows: list[tuple[str, str]]) -> None:
        self.table.setRowCount(len(rows))
        for i, (check, outcome) in enumerate(rows):
            self.table.setItem(i, 0, QTableWidgetItem(check))
            self.table.setItem(i, 1, QTableWidgetItem(outcome))
        self.table.resizeColumnsToContents()
        self.table.resizeRowsToContents()
