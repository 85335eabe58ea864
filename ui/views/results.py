"""The result card beside each tool: grade or number, why, rules, warnings, notes."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QVBoxLayout

from ui.widgets import Collapsible, GradeBadge, MessageList, RuleLinks, rich, wrapped_label


class ResultCard(QFrame):
    """The grade badge (placed by the view where it stays in sight) and, in the card,
    why, the rules, warnings, notes and the definitions."""

    def __init__(self, kind: str, prefix: str) -> None:
        super().__init__()
        self.setObjectName(f"{prefix}Result")
        self.setProperty("role", "resultCard")
        self.badge = GradeBadge(kind, f"{prefix}GradeBadge")
        self.explanation = MessageList(
            f"{prefix}Explanation", f"Why this {kind} grade", role="explanation"
        )
        self.rules = RuleLinks(f"{prefix}Rules", f"Rules behind the {kind} grade")
        self.warnings = MessageList(f"{prefix}Warnings", f"{kind} warnings", role="warning")
        self.notes = MessageList(f"{prefix}Notes", f"{kind} notes", role="note")
        self.definitions = Collapsible(
            f"ASTCT {kind} definitions", f"{prefix}Definitions", expanded=False
        )
        self.definitions_text = rich(wrapped_label("", f"{prefix}DefinitionsText", "Definitions"))
        self.definitions.body_layout.addWidget(self.definitions_text)
        box = QVBoxLayout(self)
        box.setContentsMargins(8, 8, 8, 8)
        for w in (
            self.explanation,
            self.rules,
            self.warnings,
            self.notes,
            self.definitions,
        ):
            box.addWidget(w)
