"""A tool page shown while its part of the core is not available."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from ui.widgets import heading, wrapped_label


class Placeholder(QWidget):
    def __init__(self, title: str, object_name: str, reason: str) -> None:
        super().__init__()
        self.setObjectName(object_name)
        box = QVBoxLayout(self)
        box.addWidget(heading(title, f"{object_name}Title"))
        box.addWidget(wrapped_label(reason, f"{object_name}Reason", f"{title} not available"))
        box.addStretch(1)
