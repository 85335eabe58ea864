"""Suggested management for the current grades: suggestions with sources, never orders.

Widgets only; ``ui.controllers.management`` fills them from the core's plan.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ui.widgets import FieldErrorLabel, MessageList, RuleLinks, heading, named, wrapped_label

#: The strength of an action in words; the colour comes from the style sheet
#: (``QLabel[role="strength"][strength=...]``), so the word alone still says it.
STRENGTH_WORDS = {
    "give": "GIVE",
    "consider": "CONSIDER",
    "wait": "WAIT",
    "avoid": "AVOID",
}


class ImprovingQuestion(QFrame):
    """ "Improving since the last tocilizumab dose?": asked, never assumed (MGT-IMPROVING).

    Three states: not asked yet (None, the start), yes (True), no (False). Under the
    choice, what each answer would change in the plan, as the core words it.
    """

    changed = Signal(object)  # bool | None

    CHOICES: tuple[tuple[bool | None, str, str], ...] = (
        (None, "Not asked yet", "improvingUnknown"),
        (True, "Yes", "improvingYes"),
        (False, "No", "improvingNo"),
    )

    def __init__(self) -> None:
        super().__init__()
        named(self, "improving", "Improving since the last tocilizumab dose")
        self.setProperty("role", "question")
        self.question = QLabel("Improving since the last tocilizumab dose?")
        self.question.setObjectName("improvingQuestion")
        # On its own wrapped line: beside the answers it made the panel wider than its
        # column at 1366 px (clipped text at 200% font).
        self.question.setWordWrap(True)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.radios: dict[bool | None, QRadioButton] = {}
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        for i, (value, text, name) in enumerate(self.CHOICES):
            radio = named(QRadioButton(text), name, f"Improving: {text.lower()}")
            self.group.addButton(radio, i)
            self.radios[value] = radio
            row.addWidget(radio)
        row.addStretch(1)
        self.radios[None].setChecked(True)
        self.effects = wrapped_label("", "improvingEffects", "What each answer would change")
        self.effects.setProperty("role", "hint")
        self.effects.hide()
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.question)
        box.addLayout(row)
        box.addWidget(self.effects)
        self.group.idToggled.connect(self._toggled)

    def value(self) -> bool | None:
        return self.CHOICES[max(self.group.checkedId(), 0)][0]

    def set_value(self, value: bool | None) -> None:
        self.radios[value].setChecked(True)

    def buttons(self) -> list[QWidget]:
        return list(self.radios.values())

    def set_effects(self, lines: list[str]) -> None:
        self.effects.setText("\n".join(lines))
        self.effects.setAccessibleDescription(" ".join(lines))
        self.effects.setVisible(bool(lines))

    def _toggled(self, _id: int, checked: bool) -> None:
        if checked:
            self.changed.emit(self.value())


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
        self.improving = ImprovingQuestion()
        self.error = FieldErrorLabel("managementError", "Management input error")
        self.no_treatment = wrapped_label("", "noTreatment", "No treatment suggested")
        self.no_treatment.setProperty("role", "noTreatment")
        self.no_treatment.hide()
        self.items_box = QVBoxLayout()
        self.items_box.setContentsMargins(0, 0, 0, 0)
        self.rules = RuleLinks("managementRules", "Rules behind the suggestions")
        self.warnings = MessageList("managementWarnings", "Management warnings", role="warning")
        self.action_buttons: list[QPushButton] = []
        self.items: list[ActionItem] = []
        box = QVBoxLayout(self)
        box.addWidget(self.title)
        box.addWidget(self.disclaimer)
        box.addWidget(self.summary)
        box.addWidget(self.improving)
        box.addWidget(self.error)
        box.addWidget(self.no_treatment)
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
        self.items = []

    def add_item(self, widget: ActionItem) -> None:
        self.items.append(widget)
        self.items_box.addWidget(widget)

    def set_no_treatment(self, text: str) -> None:
        self.no_treatment.setText(text)
        self.no_treatment.setVisible(bool(text))

    def bedside_order(self) -> list[QWidget]:
        return [*self.improving.buttons(), *self.action_buttons, self.rules]


class ActionItem(QFrame):
    """One suggested action: its strength in words and colour, text, dose, what it
    replaces, when it becomes allowed, its caveats and rules."""

    def __init__(self, index: int, strength: str, text: str, detail: str) -> None:
        super().__init__()
        self.setObjectName(f"action{index}")
        self.setProperty("role", "action")
        self.setProperty("strength", strength)
        word = STRENGTH_WORDS.get(strength, strength.upper())
        self.strength = named(QLabel(word), f"action{index}Strength", f"Strength: {strength}")
        self.strength.setProperty("role", "strength")
        self.strength.setProperty("strength", strength)
        self.text = wrapped_label(text, f"action{index}Text", text)
        self.detail = wrapped_label(detail, f"action{index}Detail", "Dose")
        self.detail.setVisible(bool(detail))
        self.when = wrapped_label("", f"action{index}When", "When it becomes allowed")
        self.when.setProperty("role", "countdown")
        self.when.hide()
        self.replaces = wrapped_label("", f"action{index}Replaces", "What it replaces")
        self.replaces.setProperty("role", "replaces")
        self.replaces.hide()
        self.caveats = MessageList(f"action{index}Caveats", "Caveats", role="warning")
        self.verify = wrapped_label("", f"action{index}Verify", "Verify against local protocol")
        self.verify.setProperty("role", "verifyMark")
        self.verify.hide()
        self.rules = RuleLinks(f"action{index}Rules", f"Rules behind action {index + 1}")
        self.buttons = QHBoxLayout()
        head = QHBoxLayout()
        head.addWidget(self.strength)
        head.addWidget(self.text, 1)
        box = QVBoxLayout(self)
        box.setContentsMargins(6, 4, 6, 4)
        box.addLayout(head)
        for widget in (self.when, self.detail, self.replaces, self.caveats, self.verify):
            box.addWidget(widget)
        box.addWidget(self.rules)
        box.addLayout(self.buttons)

    @staticmethod
    def _show(label: QLabel, text: str) -> None:
        label.setText(text)
        label.setAccessibleDescription(text)
        label.setVisible(bool(text))

    def set_when(self, text: str) -> None:
        self._show(self.when, text)

    def set_replaces(self, text: str) -> None:
        self._show(self.replaces, text)

    def set_verify(self, text: str) -> None:
        self._show(self.verify, text)

    def add_button(self, text: str, name: str) -> QPushButton:
        button = named(QPushButton(text), name, text)
        self.buttons.addWidget(button)
        return button
