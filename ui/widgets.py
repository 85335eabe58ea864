"""Small reusable widgets: a field that shows the core's refusal under it, a grade badge
that says its grade in words as well as colour, rule links with their trace, and message
lists. Widgets only: no clinical logic.

Plain text by default (issue 20): Qt shows any text that looks like HTML as rich text and
loads the images it names, so a patient label ``<img src='/dev/zero'>`` would exhaust
memory at every start and ``<b>`` would fake a heading. Every label made here
(:func:`named`, :func:`wrapped_label`, :func:`heading`) is plain text; a window or dialog
calls :func:`plain_text_everywhere` once built (for the labels QFormLayout makes); the
message boxes are :func:`warning_box`, :func:`question_box`, :func:`information_box` (never the
QMessageBox static helpers, which guess); a tooltip with text from a person or a file goes
through :func:`plain_tip`; a menu entry through :func:`action_text`. Our own rich text is
marked with :func:`rich` and builds every outside piece with :func:`escape`.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import TypeVar

from PySide6.QtCore import QPoint, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QCursor,
    QFocusEvent,
    QFont,
    QResizeEvent,
    QTextDocument,
    QValidator,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QSizePolicy,
    QSpinBox,
    QToolButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from ui import trace

W = TypeVar("W", bound=QWidget)
L = TypeVar("L", bound=QLabel)
Button = QMessageBox.StandardButton


def escape(text: str) -> str:
    """An outside piece (a label, a name, a file's words) inside our own rich text."""
    return html.escape(text)


def plain(label: L) -> L:
    """The label shows its text exactly as given, whatever it looks like."""
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def rich(label: L) -> L:
    """Our own rich text (built with :func:`escape` around every outside piece): the one
    exception to plain text, named in tests/ui/test_plain_text.py's allow-list."""
    label.setTextFormat(Qt.TextFormat.RichText)
    return label


def plain_text_everywhere(root: QWidget) -> None:
    """Every label under ``root`` still left to Qt's guess (AutoText) made plain: the ones
    QFormLayout.addRow makes, and any a view built without :func:`named`."""
    labels = root.findChildren(QLabel)
    if isinstance(root, QLabel):
        labels.append(root)
    for label in labels:
        if label.textFormat() == Qt.TextFormat.AutoText:
            plain(label)


def plain_tip(text: str) -> str:
    """A tooltip that shows ``text`` as written: Qt reads a tooltip that looks like HTML as
    rich text, so such a text is escaped inside our own paragraph."""
    if "<" not in text:
        return text
    return f"<p style='white-space:pre-wrap'>{escape(text)}</p>"


def action_text(text: str) -> str:
    """A menu entry named by a file: '&' would otherwise mark a shortcut letter."""
    return text.replace("&", "&&")


def message(
    parent: QWidget | None,
    icon: QMessageBox.Icon,
    title: str,
    text: str,
    buttons: Button = Button.Ok,
    default: Button = Button.NoButton,
) -> Button:
    """A modal message box whose text is plain text: QMessageBox.warning and its kin guess
    the format, and would load the images a quoted file names."""
    box = QMessageBox(icon, title, text, buttons, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    if default != Button.NoButton:
        box.setDefaultButton(default)
    answer = Button(box.exec())
    box.deleteLater()
    return answer


def warning_box(parent: QWidget | None, title: str, text: str) -> Button:
    return message(parent, QMessageBox.Icon.Warning, title, text)


def information_box(parent: QWidget | None, title: str, text: str) -> Button:
    return message(parent, QMessageBox.Icon.Information, title, text)


def question_box(
    parent: QWidget | None,
    title: str,
    text: str,
    buttons: Button = Button.Yes | Button.No,
    default: Button = Button.NoButton,
) -> Button:
    return message(parent, QMessageBox.Icon.Question, title, text, buttons, default)


def named(widget: W, object_name: str, accessible_name: str, tip: str = "") -> W:
    """Every control gets an objectName (tests, style) and an accessible name (readers).
    A label is plain text from here on (:func:`rich` for our own rich text)."""
    widget.setObjectName(object_name)
    widget.setAccessibleName(accessible_name)
    if isinstance(widget, QLabel) and widget.textFormat() == Qt.TextFormat.AutoText:
        plain(widget)
    if tip:
        widget.setToolTip(tip)
        widget.setAccessibleDescription(tip)
    return widget


def scaled_font(base: QFont, factor: float, bold: bool = False) -> QFont:
    """A font relative to the application font, so large fonts scale with the user's."""
    font = QFont(base)
    size = base.pointSizeF() if base.pointSizeF() > 0 else 10.0
    font.setPointSizeF(size * factor)
    font.setBold(bold)
    return font


def set_shown(widget: QWidget, shown: bool) -> None:
    """Show or hide, only on a change: the cards and messages are refilled on every change
    of a finding, and even an unchanged setVisible cost tens of µs a call (issue 14)."""
    if widget.isHidden() == shown:
        widget.setVisible(shown)


def repolish(widget: QWidget) -> None:
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)


class MessageLabel(QLabel):
    """A word-wrapped message that can keep its room while empty or hidden (``reserve``),
    so that a message appearing, changing or going never moves the fields below it under
    the user's pointer (issue 22: an error line and a banner line shifted the fields below
    by a line, and clicks landed on labels)."""

    def __init__(self, text: str = "") -> None:
        super().__init__(text)
        self.setWordWrap(True)
        self._reserve = ""

    def reserve(self, text: str = "✖ M") -> None:
        """Keep at least the height ``text`` takes at the label's width (default: one
        line), shown or hidden, empty or not; a longer message still gets its height."""
        self._reserve = text
        policy = self.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.setSizePolicy(policy)
        self.updateGeometry()

    def reserved_height(self, width: int) -> int:
        if not self._reserve:
            return 0
        m = self.contentsMargins()
        pad = 2 * self.margin()
        inner = max(1, width - m.left() - m.right() - pad)
        text = self.fontMetrics().boundingRect(
            QRect(0, 0, inner, 1 << 20), int(Qt.TextFlag.TextWordWrap), self._reserve
        )
        # +2: the label's own layout of the same text can come out a pixel taller
        return text.height() + m.top() + m.bottom() + pad + 2

    def hasHeightForWidth(self) -> bool:
        return bool(self._reserve) or super().hasHeightForWidth()

    def heightForWidth(self, width: int) -> int:
        return max(super().heightForWidth(width), self.reserved_height(width))

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        width = self.width() if self.width() > 1 else hint.width()
        return QSize(hint.width(), max(hint.height(), self.reserved_height(width)))

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        width = self.width() if self.width() > 1 else hint.width()
        return QSize(hint.width(), max(hint.height(), self.reserved_height(width)))


class ValidatedField(QWidget):
    """A line edit with its unit and, under it, the core's message when it refuses the value.

    Nothing typed is ever replaced by the error: the text stays for the user to fix.
    """

    def __init__(self, object_name: str, accessible_name: str, unit: str = "") -> None:
        super().__init__()
        self.setObjectName(f"{object_name}Field")
        self.edit = named(QLineEdit(), object_name, accessible_name)
        self.unit_label = named(
            QLabel(unit, self), f"{object_name}UnitLabel", f"{accessible_name} unit"
        )
        self.unit_label.setVisible(bool(unit))
        self.error = named(MessageLabel(), f"{object_name}Error", f"{accessible_name} error")
        self.error.setProperty("role", "fieldError")
        self.error.hide()
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(self.unit_label)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addLayout(row)
        box.addWidget(self.error)

    def text(self) -> str:
        return self.edit.text()

    def set_error(self, message: str | None) -> None:
        bad = bool(message)
        if bad:
            self.error.setText(f"✖ {message}")
            self.edit.setAccessibleDescription(f"Refused: {message}")
        else:
            self.error.clear()
            self.edit.setAccessibleDescription("")
        self.error.setVisible(bad)
        if bool(self.edit.property("invalid")) != bad:
            self.edit.setProperty("invalid", bad)
            repolish(self.edit)

    def error_text(self) -> str:
        return self.error.text().removeprefix("✖ ") if not self.error.isHidden() else ""


_SEPARATORS = {",", "."}


class WholeSpin(QSpinBox):
    """A whole number typed into a spin box. Qt reads a comma or a point there as a
    thousands separator ("3,5" became 35 days, "1,0" an ICE total of 10), and while
    typing "38,5" the value was already 38: a text with a separator is never taken, the
    value goes back to the one before the typing, and the field says why (``refused``,
    its tooltip and accessible description, the "invalid" style)."""

    refused = Signal(str)  # the plain sentence naming the field, or "" once fixed

    def __init__(self) -> None:
        super().__init__()
        self._refusal = ""
        self._committed = self.value()
        self.valueChanged.connect(self._value_changed)
        self.editingFinished.connect(self._finished)
        self.lineEdit().textEdited.connect(self._edited)

    def validate(self, text: str, pos: int) -> object:
        if _SEPARATORS & set(text):
            return (QValidator.State.Intermediate, text, pos)  # typed on: refused at the end
        return super().validate(text, pos)

    def fixup(self, text: str) -> str:
        if not _SEPARATORS & set(text):
            return super().fixup(text)
        kept = self._committed
        shown = text.removeprefix(self.prefix()).removesuffix(self.suffix()).strip()
        back = (
            self.specialValueText()
            if kept == self.minimum() and self.specialValueText()
            else self.textFromValue(kept)
        )
        message = (
            f'{self.accessibleName() or "This field"}: "{shown}" is not a whole number: '
            f"type a whole number (3, not 3,5); it stays {back}."
        )
        # Put back and said once Qt has finished with the text (it may keep the value it
        # took while the first digits were typed).
        QTimer.singleShot(0, lambda: self._refuse(kept, message))
        return back if back == self.specialValueText() else self.prefix() + back + self.suffix()

    def refusal(self) -> str:
        return self._refusal

    def clear_refusal(self) -> None:
        """Forget a refused text (a new case: nothing of the one before is said)."""
        self._committed = self.value()
        self._say("")

    def _refuse(self, kept: int, message: str) -> None:
        if self.value() != kept:
            self.setValue(kept)
        self._say(message)

    def _value_changed(self, value: int) -> None:
        if not (self.hasFocus() or self.lineEdit().isModified()):
            self._committed = value  # set by the program, not half typed
            self._say("")

    def focusInEvent(self, event: QFocusEvent) -> None:
        self._committed = self.value()
        super().focusInEvent(event)

    def _finished(self) -> None:
        if not _SEPARATORS & set(self.lineEdit().text()):
            self._committed = self.value()

    def _edited(self, text: str) -> None:
        if not _SEPARATORS & set(text):
            self._say("")

    def _say(self, message: str) -> None:
        if message == self._refusal:
            return
        self._refusal = message
        self.setToolTip(message)
        self.setAccessibleDescription(f"Refused: {message}" if message else "")
        self.setProperty("invalid", bool(message))
        repolish(self)
        self.refused.emit(message)


class BlankSpin(WholeSpin):
    """A score from 0 to ``top`` that starts blank ("not asked"), so an item nobody asked
    is never scored. The blank is the value -1 shown as the special text."""

    BLANK = -1

    def __init__(self, top: int, blank_text: str = "not asked") -> None:
        super().__init__()
        self.setRange(self.BLANK, top)
        self.setSpecialValueText(blank_text)
        self.setSuffix(f" / {top}")
        self.setValue(self.BLANK)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def score(self) -> int | None:
        value = self.value()
        return None if value == self.BLANK else value

    def clear_score(self) -> None:
        self.setValue(self.BLANK)

    def wheelEvent(self, event: QWheelEvent) -> None:
        # Scrolling the form past a score must not change it: the wheel counts only once
        # the field has the focus.
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()


class NoWheelCombo(QComboBox):
    """A combo that the mouse wheel changes only when it has the focus (see BlankSpin)."""

    def __init__(self) -> None:
        super().__init__()
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def wheelEvent(self, event: QWheelEvent) -> None:
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()


class FieldErrorLabel(MessageLabel):
    """The core's message under a control that is not a line edit (check boxes, combos)."""

    def __init__(self, object_name: str, accessible_name: str) -> None:
        super().__init__()
        named(self, object_name, accessible_name)
        self.setProperty("role", "fieldError")
        self.hide()

    def set_error(self, message: str | None) -> None:
        self.setText(f"✖ {message}" if message else "")
        set_shown(self, bool(message))

    def error_text(self) -> str:
        return self.text().removeprefix("✖ ") if not self.isHidden() else ""


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
        doc = QTextDocument()
        doc.setDefaultFont(self.font())
        doc.setHtml(rich)
        doc.setTextWidth(max(1, width))
        return doc.size().height()

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


class ElidedLabel(QLabel):
    """One line that ends in "…" when the window is too narrow, instead of being cut
    mid-word at the edge; text() and the accessible description keep the whole text.
    Plain text: it carries names from files (the status line's profile name)."""

    def __init__(self) -> None:
        super().__init__()
        plain(self)
        self._full = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(1)

    def setText(self, text: str) -> None:
        self._full = text
        self.setAccessibleDescription(text)
        self._elide()

    def text(self) -> str:
        return self._full

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        shown = self.fontMetrics().elidedText(
            self._full, Qt.TextElideMode.ElideRight, max(self.width(), 1)
        )
        super().setText(shown)


def wrapped_label(text: str, object_name: str, accessible_name: str) -> QLabel:
    label = named(QLabel(text), object_name, accessible_name)
    label.setWordWrap(True)
    return label


def heading(text: str, object_name: str, factor: float = 1.25) -> QLabel:
    label = named(QLabel(text), object_name, text)
    label.setFont(scaled_font(label.font(), factor, bold=True))
    label.setWordWrap(True)
    return label
