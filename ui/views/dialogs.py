"""Help > Sources (every rule with ID, value, source, status) and Help > About."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLineEdit,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.widgets import heading, named, plain_text_everywhere, plain_tip, rich, wrapped_label

SOURCE_COLUMNS = ("Rule ID", "Title", "Rule (value)", "Status", "Sources")


class SourcesDialog(QDialog):
    def __init__(
        self, rows: list[tuple[str, str, str, str, str]], citations: str, parent: QWidget
    ) -> None:
        super().__init__(parent)
        self.setObjectName("sourcesDialog")
        self.setAccessibleName("Sources and rules")
        self.setWindowTitle("Sources and rules")
        self.filter = named(QLineEdit(), "sourcesFilter", "Filter rules")
        self.filter.setPlaceholderText("Filter: rule ID, word or source")
        self.table = named(QTableWidget(len(rows), len(SOURCE_COLUMNS)), "rulesTable", "Rules")
        self.table.setHorizontalHeaderLabels(list(SOURCE_COLUMNS))
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)  # wrap, never cut with "…"
        self.table.verticalHeader().hide()
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                item = QTableWidgetItem(value)
                item.setToolTip(plain_tip(value))
                self.table.setItem(r, c, item)
        # The rule text gets the room: ID and status as wide as their content, title and
        # sources a fixed share (wrapped), the rule text the rest; rows grow to fit.
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header.sectionResized.connect(lambda *_: self.table.resizeRowsToContents())
        self.citations = rich(wrapped_label(citations, "citations", "Source citations"))
        self.citations.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.setObjectName("sourcesButtons")
        buttons.rejected.connect(self.reject)
        box = QVBoxLayout(self)
        box.addWidget(self.filter)
        box.addWidget(self.table, 3)
        box.addWidget(heading("Sources", "sourcesHeading", 1.0))
        # The citations scroll in their own area so that the rules table keeps the room.
        citations_area = QScrollArea()
        citations_area.setObjectName("citationsScroll")
        citations_area.setWidgetResizable(True)
        citations_area.setWidget(self.citations)
        box.addWidget(citations_area, 1)
        box.addWidget(buttons)
        self.filter.textChanged.connect(self._filter)
        plain_text_everywhere(self)  # last: the labels QFormLayout made too

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        width = self.table.viewport().width()
        header = self.table.horizontalHeader()
        metrics = self.table.fontMetrics()
        for column in (1, 3, 4):
            # Wide enough for the column's longest word: wrapped, never cut mid-word.
            words = (
                w
                for r in range(self.table.rowCount())
                for w in self.table.item(r, column).text().split()
            )
            longest = max((metrics.horizontalAdvance(w) for w in words), default=0) + 16
            header.resizeSection(column, max(110, width // 7, min(longest, width // 4)))
        # Once the stretched rule column has its final width.
        QTimer.singleShot(0, self.table.resizeRowsToContents)

    def _filter(self, text: str) -> None:
        needle = text.strip().lower()
        for r in range(self.table.rowCount()):
            cells = (self.table.item(r, c).text().lower() for c in range(self.table.columnCount()))
            self.table.setRowHidden(r, bool(needle) and not any(needle in c for c in cells))


class TextDialog(QDialog):
    """A read-only, selectable text with a Close button (About, rule details)."""

    def __init__(
        self, text: str, parent: QWidget, *, name: str, title: str, accessible: str
    ) -> None:
        super().__init__(parent)
        self.setObjectName(f"{name}Dialog")
        self.setAccessibleName(title)
        self.setWindowTitle(title)
        # Our own rich text (About, a rule's details): every outside piece escaped by its maker.
        self.text = rich(wrapped_label(text, f"{name}Text", accessible))
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        box = QVBoxLayout(self)
        box.addWidget(self.text)
        box.addWidget(buttons)


class AboutDialog(TextDialog):
    def __init__(self, text: str, parent: QWidget) -> None:
        super().__init__(
            text,
            parent,
            name="about",
            title="About CRS Bedside Calculator",
            accessible="Versions and ruleset fingerprint",
        )


class RuleDialog(TextDialog):
    def __init__(self, rich_text: str, parent: QWidget) -> None:
        super().__init__(rich_text, parent, name="rule", title="Rule", accessible="Rule details")
        self.setAccessibleName("Rule details")
