"""A non-blocking notice above the tools: start-up problems and other things to know, in
plain words, until the user dismisses them. Never a modal box: the app stays usable."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton

from ui.widgets import named


class NoticeBar(QFrame):
    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("noticeBar")
        self.setAccessibleName("Notices")
        self.text = named(QLabel(), "noticeText", "Notice")
        self.text.setWordWrap(True)
        self.text.setProperty("role", "warning")
        self.dismiss = named(QPushButton("Dismiss"), "noticeDismiss", "Dismiss the notice")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 4, 0, 0)
        row.addWidget(self.text, 1)
        row.addWidget(self.dismiss)
        self.dismiss.clicked.connect(self.clear)
        self._messages: list[str] = []
        self.hide()

    def add(self, messages: Sequence[str]) -> None:
        """Show these messages too (each once)."""
        for message in messages:
            if message not in self._messages:
                self._messages.append(message)
        if self._messages:
            self.text.setText("\n".join(f"• {m}" for m in self._messages))
            self.show()

    def messages(self) -> tuple[str, ...]:
        return tuple(self._messages)

    def clear(self) -> None:
        self._messages.clear()
        self.text.setText("")
        self.hide()
