"""Labels and text: plain text by default (issue 20), our own rich text marked, names and
accessible names on every control, messages under fields."""

from __future__ import annotations

import html
from typing import TypeVar

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import (
    QFont,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QLabel,
    QMessageBox,
    QSizePolicy,
    QWidget,
)

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
