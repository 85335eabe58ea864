"""Test helpers for the UI: typing as a user does (textEdited fires), finding widgets."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit


def type_text(edit: QLineEdit, text: str) -> None:
    """Replace the text as a user would: setText plus the textEdited signal."""
    edit.setText(text)
    edit.textEdited.emit(text)
