"""The dose panel: drug and regimen, the dose large, the working; the tocilizumab dose log."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from calculator.records.case_v2 import MAX_INITIALS
from ui.views.time_field import TimeField
from ui.widgets import (
    FieldErrorLabel,
    MessageList,
    NoWheelCombo,
    RuleLinks,
    named,
    rich,
    scaled_font,
    wrapped_label,
)

#: Facts shown under the dose, in reading order: (key, caption).
FACTS = (
    ("per_kg", "Per kg"),
    ("volume", "Draw volume"),
    ("vials", "Vials"),
    ("waste", "Waste"),
    ("bag", "Bag"),
    ("infusion", "Infusion"),
    ("every", "Frequency"),
    ("daily", "Per day"),
    ("dex_eq", "Dexamethasone equivalent"),
)


def _scroll(widget: QWidget, name: str) -> QScrollArea:
    area = QScrollArea()
    area.setObjectName(name)
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    area.setWidget(widget)
    return area


class DoseView(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("doseView")
        # --- the dose -----------------------------------------------------------------
        self.drug = named(QComboBox(), "drug", "Drug")
        self.regimen = named(QComboBox(), "regimen", "Regimen")
        self.regimen.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.regimen.setMinimumContentsLength(16)
        self.regimen_error = FieldErrorLabel("regimenError", "Regimen error")
        self.patient_summary = wrapped_label("", "dosePatient", "Weight and age used")
        self.patient_summary.setProperty("role", "hint")
        self.dose_value = named(QLabel("—"), "doseValue", "Dose")
        self.dose_value.setProperty("role", "bigNumber")
        self.dose_value.setFont(scaled_font(self.dose_value.font(), 2.6, bold=True))
        self.dose_value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.dose_caption = wrapped_label("", "doseCaption", "Dose summary")
        self.dose_caption.setFont(scaled_font(self.dose_caption.font(), 1.15))
        self.facts: dict[str, QLabel] = {}
        self.fact_captions: dict[str, QLabel] = {}
        facts = QFormLayout()
        for key, caption in FACTS:
            value = wrapped_label("", f"fact_{key}", caption)
            value.setFont(scaled_font(value.font(), 1.15, bold=True))
            cap = QLabel(caption)
            cap.setObjectName(f"factCaption_{key}")
            self.facts[key] = value
            self.fact_captions[key] = cap
            facts.addRow(cap, value)
        self.working = MessageList("doseWorking", "Dose working", role="explanation")
        self.stability = MessageList("doseStability", "Stability", role="note")
        self.warnings = MessageList("doseWarnings", "Dose warnings", role="warning")
        self.notes = MessageList("doseNotes", "Dose notes", role="note")
        self.rules = RuleLinks("doseRules", "Rules behind the dose")

        dose_card = QFrame()
        dose_card.setObjectName("doseCard")
        dose_card.setProperty("role", "resultCard")
        form = QFormLayout()
        form.addRow(_buddy("D&rug", self.drug), self.drug)
        form.addRow(_buddy("Reg&imen", self.regimen), self.regimen)
        form.addRow(self.regimen_error)
        card = QVBoxLayout(dose_card)
        card.addLayout(form)
        card.addWidget(self.patient_summary)
        card.addWidget(self.dose_value)
        card.addWidget(self.dose_caption)
        card.addLayout(facts)
        for w in (self.warnings, self.working, self.stability, self.notes, self.rules):
            card.addWidget(w)
        card.addStretch(1)

        # --- the tocilizumab dose log ---------------------------------------------------
        log = QGroupBox("Dose log (this episode)")
        log.setObjectName("doseLog")
        self.log_box = log
        # One line edit ("0730" is 07:30 today; Enter adds the dose), -1 h, Now.
        self.time_field = TimeField(
            "doseTime", "Time the dose was given", "The dose was given now (the wall clock)"
        )
        self.dose_time = self.time_field.edit
        self.add_dose = named(
            QPushButton("Add do&se"), "addDose", "Add a dose given at this time (Enter)"
        )
        self.remove_dose = named(
            QPushButton("Remo&ve selected"), "removeDose", "Remove the selected dose"
        )
        self.undo_remove = named(
            QPushButton("&Undo remove"), "undoRemove", "Put the removed dose back (Ctrl+Z)"
        )
        self.undo_remove.setEnabled(False)
        # The ledger (issue 24): the drug, amount, initials and the prophylactic mark of
        # each dose (the controller lists the drugs the case's ``given`` may hold).
        self.dose_drug = named(
            NoWheelCombo(),
            "doseGivenDrug",
            "Drug given (the repeat-dose clock counts tocilizumab only)",
        )
        self.dose_amount = named(QLineEdit(), "doseAmount", "Amount given in mg (optional)")
        self.dose_amount.setPlaceholderText("mg (optional)")
        self.dose_by = named(QLineEdit(), "doseBy", "Initials of who gave it (optional)")
        self.dose_by.setPlaceholderText("initials")
        self.dose_by.setMaxLength(MAX_INITIALS)
        self.dose_prophylactic = named(
            QCheckBox("Prophylacti&c"), "doseProphylactic", "Given as prophylaxis, not for CRS"
        )
        self.ledger_error = FieldErrorLabel("doseAmountError", "Dose amount error")
        self.undo_shortcut = QShortcut(QKeySequence.StandardKey.Undo, self)
        self.undo_shortcut.setObjectName("undoRemoveShortcut")
        self.undo_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.log_notice = wrapped_label("", "doseLogNotice", "What just happened to the dose log")
        self.log_notice.setProperty("role", "hint")
        self.log_notice.hide()
        self.doses = named(QListWidget(), "doseList", "Doses given this episode")
        self.doses.setSizeAdjustPolicy(QListWidget.SizeAdjustPolicy.AdjustToContents)
        self.log_error = FieldErrorLabel("doseLogError", "Dose log error")
        self.eligibility = named(QLabel("—"), "eligibility", "Whether a dose may be given now")
        self.eligibility.setFont(scaled_font(self.eligibility.font(), 1.6, bold=True))
        self.eligibility.setWordWrap(True)
        self.countdown = named(QLabel(""), "countdown", "Time until the next dose may be given")
        self.countdown.setProperty("role", "countdown")
        self.countdown.setWordWrap(True)
        self.countdown.setFont(scaled_font(self.countdown.font(), 1.3, bold=True))
        self.counts = rich(wrapped_label("", "doseCounts", "Doses in the last 24 h and in total"))
        self.counts.setFont(scaled_font(self.counts.font(), 1.15))
        self.limits = wrapped_label("", "doseLimits", "Limits of the active profile")
        self.limits.setProperty("role", "hint")
        self.reasons = MessageList("doseReasons", "Why", role="explanation")
        self.log_warnings = MessageList("doseLogWarnings", "Dose log warnings", role="warning")
        self.log_rules = RuleLinks("doseLogRules", "Rules behind the dose clock")
        detail_row = QHBoxLayout()
        detail_row.addWidget(_buddy("A&mount", self.dose_amount))
        detail_row.addWidget(self.dose_amount, 1)
        detail_row.addWidget(_buddy("B&y", self.dose_by))
        detail_row.addWidget(self.dose_by, 1)
        detail_row.addWidget(self.dose_prophylactic)
        add_row = QHBoxLayout()
        add_row.addWidget(self.add_dose)
        add_row.addWidget(self.remove_dose)
        add_row.addWidget(self.undo_remove)
        lv = QVBoxLayout(log)
        lv.addWidget(_buddy("Drug give&n", self.dose_drug))
        lv.addWidget(self.dose_drug)
        lv.addWidget(_buddy("D&ose given at", self.dose_time))
        lv.addWidget(self.time_field)
        lv.addLayout(detail_row)
        lv.addWidget(self.ledger_error)
        lv.addLayout(add_row)
        lv.addWidget(self.doses)
        lv.addWidget(self.log_notice)
        lv.addWidget(self.log_error)
        lv.addWidget(self.eligibility)
        lv.addWidget(self.countdown)
        lv.addWidget(self.counts)
        lv.addWidget(self.limits)
        for w in (self.reasons, self.log_warnings, self.log_rules):
            lv.addWidget(w)
        lv.addStretch(1)

        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(_scroll(dose_card, "doseScroll"), 1)
        row.addWidget(_scroll(log, "doseLogScroll"), 1)

    def bedside_order(self) -> list[QWidget]:
        return [
            self.drug,
            self.regimen,
            self.rules,
            self.dose_drug,
            self.dose_time,
            self.time_field.minus_hour,
            self.time_field.now_button,
            self.dose_amount,
            self.dose_by,
            self.dose_prophylactic,
            self.add_dose,
            self.doses,
            self.remove_dose,
            self.undo_remove,
            self.log_rules,
        ]


def _buddy(text: str, widget: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(widget)
    return label
