"""Suggested management for the current grades: suggestions with sources, never orders."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QPushButton, QVBoxLayout, QWidget

from ui.widgets import MessageList, RuleLinks, heading, wrapped_label


class ManagementPanel(QFrame):
    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("managementPanel")
        self.setProperty("role", "resultCard")
        self.title = heading("Suggested management", "managementTitle")
        self.disclaimer = wrapped_label(
            "Suggestions with their sources, never orders: clinical judgement and the local "
            "protocol decide.",
            "managementDisclaimer",
            "Management disclaimer",
        )
        self.disclaimer.setProperty("role", "hint")
        self.summary = wrapped_label("", "managementSummary", "Management for the current grades")
        self.items_box = QVBoxLayout()
        self.items_box.setContentsMargins(0, 0, 0, 0)
        self.rules = RuleLinks("managementRules", "Rules behind the suggestions")
        self.warnings = MessageList("managementWarnings", "Management warnings", role="warning")
        self.action_buttons: list[QPushButton] = []
        box = QVBoxLayout(self)
        box.addWidget(self.title)
        box.addWidget(self.disclaimer)
        box.addWidget(self.summary)
        box.addLayout(self.items_box)
        box.addWidget(self.warnings)
        box.addWidget(self.rules)
        box.addStretch(1)

    def clear_items(self) -> None:
        while self.items_box.count():
            item = self.items_box.takeAt(0)
            widget = item.widget()
            if widget is not None:
                widget.setParent(None)
                widget.deleteLater()
        self.action_buttons = []

    def add_item(self, widget: QWidget) -> None:
        self.items_box.addWidget(widget)

    def bedside_order(self) -> list[QWidget]:
        return [*self.action_buttons, self.rules]
