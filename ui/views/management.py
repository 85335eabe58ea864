"""Suggested management for the current grades: suggestions with sources, never orders."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.widgets import FieldErrorLabel, MessageList, RuleLinks, heading, named, wrapped_label


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
        self.improving = named(
            QCheckBox("Improving after treatment so far"),
            "improving",
            "Improving after treatment",
            "Unchecked: the refractory ladder (MGT-REFR) applies",
        )
        self.improving.setChecked(True)
        self.error = FieldErrorLabel("managementError", "Management input error")
        self.items_box = QVBoxLayout()
        self.items_box.setContentsMargins(0, 0, 0, 0)
        self.rules = RuleLinks("managementRules", "Rules behind the suggestions")
        self.warnings = MessageList("managementWarnings", "Management warnings", role="warning")
        self.action_buttons: list[QPushButton] = []
        box = QVBoxLayout(self)
        box.addWidget(self.title)
        box.addWidget(self.disclaimer)
        box.addWidget(self.summary)
        box.addWidget(self.improving)
        box.addWidget(self.error)
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
        return [self.improving, *self.action_buttons, self.rules]


class ActionItem(QFrame):
    """One suggested action: its strength in words and colour, text, dose, rules."""

    def __init__(self, index: int, strength: str, text: str, detail: str) -> None:
        super().__init__()
        self.setObjectName(f"action{index}")
        self.setProperty("role", "action")
        self.setProperty("strength", strength)
        self.strength = named(QLabel(strength.upper()), f"action{index}Strength", strength)
        self.strength.setProperty("role", "strength")
        self.strength.setProperty("strength", strength)
        self.text = wrapped_label(text, f"action{index}Text", text)
        self.detail = wrapped_label(detail, f"action{index}Detail", "Dose")
        self.detail.setVisible(bool(detail))
        self.rules = RuleLinks(f"action{index}Rules", f"Rules behind action {index + 1}")
        self.buttons = QHBoxLayout()
        head = QHBoxLayout()
        head.addWidget(self.strength)
        head.addWidget(self.text, 1)
        box = QVBoxLayout(self)
        box.setContentsMargins(6, 4, 6, 4)
        box.addLayout(head)
        box.addWidget(self.detail)
        box.addWidget(self.rules)
        box.addLayout(self.buttons)

    def add_button(self, text: str, name: str) -> QPushButton:
        button = named(QPushButton(text), name, text)
        self.buttons.addWidget(button)
        return button
