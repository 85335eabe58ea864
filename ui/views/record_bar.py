"""Under the wizard (issue 24): who assessed, Record assessment (Ctrl+Enter) and Start
from last assessment. A view only: ui/controllers/episode.py acts on it."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout

from calculator.records.case_v2 import MAX_INITIALS
from ui.widgets import FieldErrorLabel, named, wrapped_label


class RecordBar(QFrame):
    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("recordBar")
        self.initials = named(QLineEdit(), "assessorInitials", "Assessed by (initials, optional)")
        self.initials.setPlaceholderText("initials")
        self.initials.setMaxLength(MAX_INITIALS)
        caption = QLabel("Assessed &by")
        caption.setBuddy(self.initials)
        self.record = named(
            QPushButton("&Record assessment (Ctrl+Enter)"),
            "recordAssessment",
            "Add what the wizard shows at Assessed at to the episode",
        )
        self.start_from_last = named(
            QPushButton("Start from last assessme&nt"),
            "startFromLast",
            "Start from the last assessment: copy it into the wizard",
        )
        self.start_from_last.setEnabled(False)
        self.cancel_correction = named(
            QPushButton("Cancel correction"), "cancelCorrection", "Put the row back unchanged"
        )
        self.cancel_correction.hide()
        self.error = FieldErrorLabel("recordError", "Why the assessment was not recorded")
        self.notice = wrapped_label("", "recordNotice", "What was recorded")
        self.notice.setProperty("role", "hint")
        self.notice.hide()  # shown with what was recorded (ui.controllers.episode._say)
        # Two short rows, so that 200% text does not widen the wizard's column.
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(caption)
        row.addWidget(self.initials, 1)
        row.addWidget(self.start_from_last)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.record, 1)
        buttons.addWidget(self.cancel_correction)
        box = QVBoxLayout(self)
        # Tight: at 200% text on a 700 px high screen every pixel of fixed height counts.
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addLayout(row)
        box.addLayout(buttons)
        box.addWidget(self.error)
        box.addWidget(self.notice)
