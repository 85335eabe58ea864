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

from ui.widgets import (
    FieldErrorLabel,
    MessageList,
    RuleLinks,
    heading,
    named,
    repolish,
    set_shown,
    wrapped_label,
)


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
        set_shown(self.effects, bool(lines))

    def _toggled(self, _id: int, checked: bool) -> None:
        if checked:
            self.changed.emit(self.value())


class ManagementPanel(QFrame):
    rule_activated = Signal(str)  # a rule link of an action was followed
    dose_requested = Signal(str, object)  # drug, regimen id or None
    taper_requested = Signal(str)  # taper regimen rule ID

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
        # EPI-TREND beside the question (issue 24): shown, never an answer to it.
        self.trend = wrapped_label("", "improvingTrend", "The trend since the last dose")
        self.trend.setProperty("role", "hint")
        self.trend.hide()
        self.error = FieldErrorLabel("managementError", "Management input error")
        self.no_treatment = wrapped_label("", "noTreatment", "No treatment suggested")
        self.no_treatment.setProperty("role", "noTreatment")
        self.no_treatment.hide()
        self.items_box = QVBoxLayout()
        self.items_box.setContentsMargins(0, 0, 0, 0)
        self.rules = RuleLinks("managementRules", "Rules behind the suggestions")
        self.warnings = MessageList("managementWarnings", "Management warnings", role="warning")
        self.items: list[ActionItem] = []  # the cards shown, in order
        self._cards: list[ActionItem] = []  # every card built (the shown ones first)
        box = QVBoxLayout(self)
        box.addWidget(self.title)
        box.addWidget(self.disclaimer)
        box.addWidget(self.summary)
        box.addWidget(self.improving)
        box.addWidget(self.trend)
        box.addWidget(self.error)
        box.addWidget(self.no_treatment)
        box.addLayout(self.items_box)
        box.addWidget(self.warnings)
        box.addWidget(self.rules)
        box.addStretch(1)

    def clear_items(self) -> None:
        self.set_item_count(0)

    def set_item_count(self, count: int) -> list[ActionItem]:
        """Exactly ``count`` action cards shown, for the caller to refill. Cards are built
        once and kept: building one costs ten times refilling it, and the cards change with
        every finding typed (issue 14). A card not needed is emptied and hidden."""
        while len(self._cards) < count:
            item = ActionItem(len(self._cards))
            item.rules.rule_activated.connect(self.rule_activated)
            item.dose_requested.connect(self.dose_requested)
            item.taper_requested.connect(self.taper_requested)
            self._cards.append(item)
            self.items_box.addWidget(item)
        for spare in self._cards[count:]:
            if not spare.isHidden():
                spare.empty()
                spare.hide()
        self.items = self._cards[:count]
        for item in self.items:
            if item.isHidden():
                item.show()
        return list(self.items)

    def set_no_treatment(self, text: str) -> None:
        self.no_treatment.setText(text)
        set_shown(self.no_treatment, bool(text))

    @property
    def action_buttons(self) -> list[QPushButton]:
        """The dose and taper buttons of the shown cards, in order: derived from the cards
        each time, so it can never disagree with what they show."""
        return [b for item in self.items for b in item.shown_buttons()]

    def bedside_order(self) -> list[QWidget]:
        return [*self.improving.buttons(), *self.action_buttons, self.rules]


class ActionItem(QFrame):
    """One suggested action: its strength in words and colour, text, dose, what it
    replaces, when it becomes allowed, its caveats and rules. Refilled in place
    (``set_action`` and the setters below): every part is set on every refill."""

    dose_requested = Signal(str, object)  # drug, regimen id or None
    taper_requested = Signal(str)  # taper regimen rule ID

    def __init__(self, index: int, strength: str = "", text: str = "", detail: str = "") -> None:
        super().__init__()
        self.setObjectName(f"action{index}")
        self.setProperty("role", "action")
        self.strength = named(QLabel(), f"action{index}Strength", "Strength")
        self.strength.setProperty("role", "strength")
        self.text = wrapped_label("", f"action{index}Text", "")
        self.detail = wrapped_label("", f"action{index}Detail", "Dose")
        self.detail.hide()
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
        self.dose_button = named(
            QPushButton("Open in dose panel"), f"action{index}Dose", "Open in dose panel"
        )
        self.dose_button.hide()
        self.taper_button = named(QPushButton(), f"action{index}Taper", "Plan a taper")
        self.taper_button.hide()
        self._dose: tuple[str, str | None] | None = None
        self._taper: str | None = None
        self.dose_button.clicked.connect(self._open_dose)
        self.taper_button.clicked.connect(self._open_taper)
        self.buttons = QHBoxLayout()
        self.buttons.addWidget(self.dose_button)
        self.buttons.addWidget(self.taper_button)
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
        if strength:
            self.set_action(strength, text, detail)

    def set_action(self, strength: str, text: str, detail: str) -> None:
        if self.strength.property("strength") != strength:
            self.setProperty("strength", strength)
            self.strength.setProperty("strength", strength)
            # The word in capitals; the colour comes from the style sheet
            # (``QLabel[role="strength"][strength=...]``), so the word alone still says it.
            self.strength.setText(strength.upper())
            self.strength.setAccessibleName(f"Strength: {strength}")
            repolish(self.strength)
        self.text.setText(text)
        self.text.setAccessibleName(text)
        self.detail.setText(detail)
        set_shown(self.detail, bool(detail))

    def empty(self) -> None:
        """Nothing left of the last action, for a card about to be hidden: its words are
        cleared, but its parts keep their shown/hidden state (showing a label again costs
        more than the rest of a refill; the next ``set_action`` and setters set it)."""
        for label in (self.strength, self.text, self.detail, self.when, self.replaces):
            label.clear()
        self.verify.clear()
        self.caveats.forget()
        self.rules.set_rules([])
        self.detail.setToolTip("")
        self.strength.setProperty("strength", None)
        self._dose = self._taper = None

    @staticmethod
    def _show(label: QLabel, text: str) -> None:
        label.setText(text)
        label.setAccessibleDescription(text)
        set_shown(label, bool(text))

    def set_when(self, text: str) -> None:
        self._show(self.when, text)

    def set_replaces(self, text: str) -> None:
        self._show(self.replaces, text)

    def set_verify(self, text: str) -> None:
        self._show(self.verify, text)

    def set_buttons(self, dose: tuple[str, str | None] | None, taper: str | None) -> None:
        """The dose panel button for ``dose`` (drug, regimen), the taper button for
        ``taper`` (a regimen rule ID); None hides the button."""
        self._dose, self._taper = dose, taper
        set_shown(self.dose_button, dose is not None)
        if taper is not None:
            self.taper_button.setText(f"Plan {taper}")
            self.taper_button.setAccessibleName(f"Plan {taper}")
        set_shown(self.taper_button, taper is not None)

    def shown_buttons(self) -> list[QPushButton]:
        return [
            button
            for button, target in ((self.dose_button, self._dose), (self.taper_button, self._taper))
            if target is not None
        ]

    def _open_dose(self) -> None:
        if self._dose is not None:
            self.dose_requested.emit(*self._dose)

    def _open_taper(self) -> None:
        if self._taper is not None:
            self.taper_requested.emit(self._taper)
