"""Message boxes whose text is plain text: QMessageBox.warning and its kin guess the format
(issue 20), so every box of the app is made here."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QLabel,
    QMessageBox,
    QWidget,
)

W = TypeVar("W", bound=QWidget)
L = TypeVar("L", bound=QLabel)
Button = QMessageBox.StandardButton


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
