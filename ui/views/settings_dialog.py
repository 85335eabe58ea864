"""Edit > Settings…: units, default profile, institution profile file, double-check
tolerance, printer defaults. Widgets only; ui/controllers/session.py validates (through
ui.store.settings.Settings) and saves."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, get_args

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ui.store.settings import PrinterDefaults, Settings, Units
from ui.units import TEMPERATURE_TEXT, parse_number
from ui.views.typed_work import TypedWork, guarded_reject
from ui.widgets import FieldErrorLabel, WholeSpin, named, plain_text_everywhere, wrapped_label


def _choices(model: type[Any], name: str) -> tuple[str, ...]:
    return tuple(get_args(model.model_fields[name].annotation))


def _bounds(model: type[Any], name: str) -> tuple[int, int]:
    """The ge/le limits the settings model puts on a whole-number field."""
    low, high = 0, 0
    for item in model.model_fields[name].metadata:
        low = getattr(item, "ge", low)
        high = getattr(item, "le", high)
    return low, high


class SettingsDialog(QDialog):
    def __init__(self, profiles: Sequence[tuple[str, str]], parent: QWidget | None = None) -> None:
        """``profiles``: (ID, name) of the built-in profiles; the first entry offered is the
        ruleset's default ("")."""
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle("Settings")
        self.setAccessibleName("Settings")

        self.weight_unit = named(QComboBox(), "settingsWeightUnit", "Weight unit")
        for unit in _choices(Units, "weight"):
            self.weight_unit.addItem(unit, unit)
        self.temperature_unit = named(QComboBox(), "settingsTemperatureUnit", "Temperature unit")
        for unit in _choices(Units, "temperature"):
            self.temperature_unit.addItem(TEMPERATURE_TEXT.get(unit, unit), unit)
        units = QGroupBox("Units shown for a new entry")
        units.setObjectName("settingsUnits")
        form = QFormLayout(units)
        form.addRow("Weight", self.weight_unit)
        form.addRow("Temperature", self.temperature_unit)

        self.profile = named(QComboBox(), "settingsDefaultProfile", "Default profile")
        # A long profile name elides in the closed box (the list shows it whole) rather
        # than set the dialog's width (a 200% font).
        self.profile.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.profile.setMinimumContentsLength(16)
        for pid, name in profiles:
            self.profile.addItem(name if not pid else f"{name} [{pid}]", pid)
        self.institution_file = named(
            QLineEdit(), "settingsInstitutionFile", "Institution profile file"
        )
        self.institution_file.setPlaceholderText("none")
        self.browse = named(QPushButton("Browse…"), "settingsBrowse", "Choose a profile file")
        self.clear_file = named(QPushButton("Clear"), "settingsClearFile", "No institution file")
        file_row = QHBoxLayout()
        file_row.addWidget(self.institution_file, 1)
        file_row.addWidget(self.browse)
        file_row.addWidget(self.clear_file)
        profile_box = QGroupBox("Profile")
        profile_box.setObjectName("settingsProfile")
        form = QFormLayout(profile_box)
        form.addRow("Default profile", self.profile)
        form.addRow("Institution profile file", file_row)
        form.addRow(
            wrapped_label(
                "An institution profile file, when it loads, is the profile in force at start.",
                "settingsProfileHint",
                "How the profile is chosen",
            )
        )

        self.tolerance = named(
            QLineEdit(), "settingsTolerance", "Pharmacy double-check tolerance in percent"
        )
        self.tolerance.setPlaceholderText("empty: the profile's tolerance")
        check_box = QGroupBox("Pharmacy double check")
        check_box.setObjectName("settingsDoubleCheck")
        form = QFormLayout(check_box)
        form.addRow("Tolerance (%)", self.tolerance)

        self.page_size = named(QComboBox(), "settingsPageSize", "Paper size")
        for size in _choices(PrinterDefaults, "page_size"):
            self.page_size.addItem(size, size)
        self.printer_name = named(QLineEdit(), "settingsPrinter", "Printer name")
        self.printer_name.setPlaceholderText("empty: the system's default printer")
        self.copies = named(WholeSpin(), "settingsCopies", "Copies")
        self.copies.setRange(*_bounds(PrinterDefaults, "copies"))
        printer_box = QGroupBox("Printing")
        printer_box.setObjectName("settingsPrinting")
        form = QFormLayout(printer_box)
        form.addRow("Paper size", self.page_size)
        form.addRow("Printer", self.printer_name)
        form.addRow("Copies", self.copies)

        self.error = FieldErrorLabel("settingsError", "Settings error")
        self.save_button = named(QPushButton("&Save"), "settingsSave", "Save settings")
        self.save_button.setDefault(True)
        self.cancel_button = named(QPushButton("Cancel"), "settingsCancel", "Cancel")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.cancel_button)

        # The groups scroll (a 200% font on a 700 px high screen); the message and the
        # buttons stay in sight below them.
        content = QWidget()
        content.setObjectName("settingsContent")
        groups = QVBoxLayout(content)
        groups.setContentsMargins(0, 0, 0, 0)
        for group in (units, profile_box, check_box, printer_box):
            groups.addWidget(group)
        groups.addStretch(1)
        self.scroll = named(QScrollArea(), "settingsScroll", "Settings")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setWidget(content)
        bar = self.scroll.verticalScrollBar().sizeHint().width()
        self.scroll.setMinimumWidth(content.minimumSizeHint().width() + bar)
        box = QVBoxLayout(self)
        box.addWidget(self.scroll, 1)
        box.addWidget(self.error)
        box.addLayout(buttons)
        self.clear_file.clicked.connect(self.institution_file.clear)
        self.cancel_button.clicked.connect(self.reject)
        # Typed work: Esc, Cancel and Close ask first while it is not saved; the session
        # gives ``work.save`` (its Save: validate, write, apply).
        self.work = TypedWork(self, "the settings", self.values)
        self.work.mark_clean()
        plain_text_everywhere(self)  # last: the labels QFormLayout made too

    def reject(self) -> None:
        guarded_reject(self, self.work, super().reject)

    def set_settings(self, s: Settings) -> None:
        self.weight_unit.setCurrentIndex(self.weight_unit.findData(s.units.weight))
        self.temperature_unit.setCurrentIndex(self.temperature_unit.findData(s.units.temperature))
        self.profile.setCurrentIndex(max(0, self.profile.findData(s.default_profile)))
        self.institution_file.setText(s.institution_profile_file)
        tol = s.double_check_tolerance_pct
        self.tolerance.setText("" if tol is None else f"{tol:g}")
        self.page_size.setCurrentIndex(self.page_size.findData(s.printer.page_size))
        self.printer_name.setText(s.printer.printer_name)
        self.copies.setValue(s.printer.copies)
        self.work.mark_clean()

    def values(self) -> dict[str, Any]:
        """What the dialog holds, as settings data (typed text kept as text, so the
        settings model names a bad field)."""
        text = self.tolerance.text().strip()
        number = parse_number(text)
        tolerance: float | str | None = text if number is None else number
        if text == "":
            tolerance = None
        return {
            "default_profile": self.profile.currentData() or "",
            "institution_profile_file": self.institution_file.text().strip(),
            "double_check_tolerance_pct": tolerance,
            "units": {
                "weight": self.weight_unit.currentData(),
                "temperature": self.temperature_unit.currentData(),
            },
            "printer": {
                "page_size": self.page_size.currentData(),
                "printer_name": self.printer_name.text().strip(),
                "copies": self.copies.value(),
            },
        }
