"""How results are shown: the grade badge (its grade in words as well as colour), rule links
with their trace, message lists, a collapsible section."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import TypeVar

from PySide6.QtCore import QPoint, QSize, Qt, Signal
from PySide6.QtGui import (
    QCursor,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QMessageBox,
    QSizePolicy,
    QToolButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from ui import trace
from ui.widgets.text import named, plain_tip, repolish, scaled_font, set_shown

W = TypeVar("W", bound=QWidget)
L = TypeVar("L", bound=QLabel)
Button = QMessageBox.StandardButton


BADGE_FACTOR = 1.4  # the grade's size relative to the body text


class GradeBadge(QLabel):
    """The grade in large text ("CRS grade 3") on its grade colour: text, not colour alone."""

    def __init__(self, kind: str, object_name: str) -> None:
        super().__init__()
        self.kind = kind
        named(self, object_name, f"{kind} grade")
        self.setProperty("role", "gradeBadge")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setFont(scaled_font(self.font(), BADGE_FACTOR, bold=True))
        self.setTextFormat(Qt.TextFormat.RichText)
        self._plain = ""
        self._heights: dict[tuple[str, int, str], float] = {}
        # Grow with wrapped text (a two-line stale badge, a 200% font): the policy must keep
        # height-for-width, which a plain setSizePolicy(h, v) would drop.
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.set_grade(None)

    def set_grade(self, grade: int | None, stale: bool = False, reason: str = "") -> None:
        """``grade`` None and not stale: nothing was entered, so nothing is claimed
        ("not assessed", never a green grade 0). Stale: the input is refused; ``reason``
        says what to do (default: fix the marked field)."""
        todo = reason or "fix the marked field"
        note = ""
        if grade is None:
            text = f"{self.kind}: not graded" if stale else f"{self.kind}: not assessed"
            state = "none"
            if stale:
                note = f"({todo})"
        else:
            text = f"{self.kind} grade {grade}"
            state = str(grade)
            if stale:
                note = f"(last valid input: {todo})"
        if stale:
            state = "stale"
        self._plain = f"{text}\n{note}" if note else text
        # What to do goes in the body size under the grade, so that a refused input does
        # not make the pinned badge three lines tall at large fonts.
        super().setText(self._html(text, note))
        self.setAccessibleName(self._plain.replace("\n", " "))
        if self.property("grade") != state:
            self.setProperty("grade", state)
            repolish(self)

    def _html(self, text: str, note: str) -> str:
        shown = html.escape(text)
        if note:
            size = self.font().pointSizeF() / BADGE_FACTOR
            shown += (
                f"<br><span style='font-size:{size:.1f}pt; font-weight:normal'>"
                f"{html.escape(note)}</span>"
            )
        return shown

    def _doc_height(self, rich: str, width: int) -> float:
        # Kept by text, width and font: a layout asks heightForWidth dozens of times a
        # pass, and each answer laid out four rich-text documents (about 2 ms a keystroke).
        key = (rich, width, self.font().key())
        height = self._heights.get(key)
        if height is None:
            doc = QTextDocument()
            doc.setDefaultFont(self.font())
            doc.setHtml(rich)
            doc.setTextWidth(max(1, width))
            if len(self._heights) > 256:
                self._heights.clear()
            height = self._heights[key] = doc.size().height()
        return height

    def _room(self, width: int) -> int:
        """The height the badge keeps whatever it says, beyond what it says now: as tall
        as its tallest usual state ("not assessed", "not graded" with what to do, a grade
        with "last valid input"), so the findings below never move when the state changes
        (issue 22: choosing nasal cannula moved every field by a line)."""
        inner = width - (self.width() - self.contentsRect().width())
        samples = (
            self._html(f"{self.kind}: not assessed", ""),
            self._html(f"{self.kind}: not graded", "(fix the marked field)"),
            self._html(f"{self.kind} grade 4", "(last valid input: fix the marked field)"),
        )
        worst = max(self._doc_height(sample, inner) for sample in samples)
        return max(0, round(worst - self._doc_height(super().text(), inner)))

    def heightForWidth(self, width: int) -> int:
        return super().heightForWidth(width) + self._room(width)

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(hint.width(), hint.height() + self._room(hint.width()))

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        width = self.width() if self.width() > 1 else hint.width()
        return QSize(hint.width(), hint.height() + self._room(width))

    def text(self) -> str:
        """The badge in plain words ("CRS grade 3", a second line when stale)."""
        return self._plain

    def grade_text(self) -> str:
        return self.text()


class RuleLinks(QLabel):
    """Rule IDs as links: hovering shows the rule's text, status and sources."""

    rule_activated = Signal(str)

    def __init__(self, object_name: str, accessible_name: str) -> None:
        super().__init__()
        named(self, object_name, accessible_name)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.LinksAccessibleByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        )
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.linkHovered.connect(self._hovered)
        self.linkActivated.connect(self._activated)
        self._ids: tuple[str, ...] = ()

    def set_rules(self, rule_ids: Sequence[str], prefix: str = "Rules: ") -> None:
        self._ids = tuple(rule_ids)
        self.setText(prefix + trace.rule_links(self._ids) if self._ids else "")
        self.setToolTip(plain_tip("\n".join(trace.rule_plain(r) for r in self._ids)))

    def rule_ids(self) -> tuple[str, ...]:
        return self._ids

    def _hovered(self, link: str) -> None:
        if link.startswith("rule:"):
            QToolTip.showText(QCursor.pos() + QPoint(12, 12), trace.rule_tooltip(link[5:]), self)

    def _activated(self, link: str) -> None:
        if link.startswith("rule:"):
            self.rule_activated.emit(link[5:])


class MessageList(QLabel):
    """Warnings or notes as a visible list, each line prefixed by its kind in words."""

    def __init__(self, object_name: str, accessible_name: str, role: str) -> None:
        super().__init__()
        named(self, object_name, accessible_name)
        self.setProperty("role", role)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._items: tuple[str, ...] = ()
        self._heading = ""
        self.hide()

    def set_items(self, items: Sequence[str], heading: str) -> None:
        items = tuple(items)
        if (items, heading) == (self._items, self._heading) and self.isHidden() != bool(items):
            return  # unchanged: nothing to lay out again
        self._items, self._heading = items, heading
        if not self._items:
            self.clear()
            set_shown(self, False)
            return
        lines = "".join(f"<li>{html.escape(i)}</li>" for i in self._items)
        self.setText(f"<b>{html.escape(heading)}</b><ul style='margin:0'>{lines}</ul>")
        self.setAccessibleDescription(" ".join(self._items))
        set_shown(self, True)

    def items(self) -> tuple[str, ...]:
        return self._items

    def forget(self) -> None:
        """No words left, shown or hidden as before (the next ``set_items`` decides)."""
        self._items, self._heading = (), ""
        self.clear()
        self.setAccessibleDescription("")


class Collapsible(QWidget):
    """A titled section that opens and closes (keyboard: Space on the title)."""

    def __init__(self, title: str, object_name: str, expanded: bool = False) -> None:
        super().__init__()
        self.setObjectName(f"{object_name}Section")
        self.toggle = named(QToolButton(), object_name, title)
        self.toggle.setText(title)
        self.toggle.setCheckable(True)
        self.toggle.setChecked(expanded)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if expanded else Qt.ArrowType.RightArrow)
        self.body = QFrame()
        self.body.setObjectName(f"{object_name}Body")
        self.body_layout = QVBoxLayout(self.body)
        self.body_layout.setContentsMargins(12, 0, 0, 0)
        self.body.setVisible(expanded)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.toggle)
        box.addWidget(self.body)
        self.toggle.toggled.connect(self._toggled)

    def _toggled(self, on: bool) -> None:
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow)
        self.body.setVisible(on)
