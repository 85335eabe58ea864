"""The Episode view (Ctrl+4, issue 24): the chart above the flowsheet.

A view only: ui/controllers/episode.py fills it. The flowsheet is a table model (not a
table of widgets) so that 2,000 rows open and 500 repaint within a frame.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.views.episode_chart import EpisodeChart
from ui.widgets import named, plain_tip, wrapped_label

COLUMNS = (
    "Time",
    "Day",
    "Temp °C",
    "Vasopressors",
    "Oxygen",
    "CRS",
    "ICE/CAPD",
    "ICANS",
    "Doses",
    "By",
)


@dataclass(frozen=True)
class FlowRow:
    """One row of the flowsheet as shown (text only: the controller words it)."""

    cells: tuple[str, ...]
    tip: str = ""


Index = QModelIndex | QPersistentModelIndex


class FlowsheetModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self.rows: list[FlowRow] = []

    def set_rows(self, rows: list[FlowRow]) -> None:
        """The rows as they are now. Only what changed is announced: a Record adds one row
        at the end (a reset would make the view lay out and repaint all 500 again), a
        correction changes one; anything else (a removal, a new case) resets."""
        old = self.rows
        same = 0
        for a, b in zip(old, rows, strict=False):
            if a is not b and a != b:
                break
            same += 1
        if same == len(old) and len(rows) > len(old):
            self.beginInsertRows(QModelIndex(), len(old), len(rows) - 1)
            self.rows = rows
            self.endInsertRows()
        elif len(rows) == len(old):
            last = max((i for i in range(same, len(rows)) if rows[i] != old[i]), default=-1)
            self.rows = rows
            if last >= same:
                self.dataChanged.emit(self.index(same, 0), self.index(last, len(COLUMNS) - 1))
        else:
            self.beginResetModel()
            self.rows = rows
            self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return row.cells[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tip(row.tip) if row.tip else None  # the assessor's comment
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None


class EpisodeView(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("episodeView")
        self.summary = wrapped_label("", "episodeSummary", "The episode in short")
        self.chart = EpisodeChart()
        self.description = wrapped_label(
            "", "episodeChartDescription", "The chart in words (what it shows)"
        )
        self.description.setProperty("role", "hint")
        self.description.hide()
        # The chart in words is always its accessible description; shown on request, so
        # that at 200% text it does not take the chart's room.
        self.words = named(
            QPushButton("Chart in wo&rds"), "episodeChartWords", "Show the chart in words"
        )
        self.words.setCheckable(True)
        self.words.toggled.connect(self.description.setVisible)
        self.model = FlowsheetModel()
        self.table = named(QTableView(), "flowsheet", "Flowsheet: one row per assessment")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self._size_columns()
        self.open_row = named(
            QPushButton("&Open / correct…"),
            "episodeCorrect",
            "Open the selected assessment in the wizard to correct it",
        )
        self.remove_row = named(
            QPushButton("Re&move"), "episodeRemove", "Remove the selected assessment"
        )
        self.undo_row = named(
            QPushButton("U&ndo remove"), "episodeUndo", "Put the removed assessment back"
        )
        self.undo_row.setEnabled(False)
        self.notice = wrapped_label("", "episodeNotice", "What just happened to the episode")
        self.notice.setProperty("role", "hint")
        buttons = QHBoxLayout()
        for b in (self.open_row, self.remove_row, self.undo_row):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.words)
        top = QWidget()
        tbox = QVBoxLayout(top)
        tbox.setContentsMargins(0, 0, 0, 0)
        tbox.addWidget(self.summary)
        tbox.addWidget(self.chart, 1)
        tbox.addWidget(self.description)
        bottom = QWidget()
        bbox = QVBoxLayout(bottom)
        bbox.setContentsMargins(0, 0, 0, 0)
        bbox.addLayout(buttons)
        bbox.addWidget(self.notice)
        bbox.addWidget(self.table, 1)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("episodeSplitter")
        self.splitter.addWidget(top)
        self.splitter.addWidget(bottom)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.splitter)

    def _size_columns(self) -> None:
        """Widths from the font (not from the rows: 2,000 rows would be measured)."""
        fm = self.table.fontMetrics()
        samples = (
            "2026-11-21 00:00",
            "+10",
            "39.9",
            "norepinephrine",
            "nasal cannula 2 L/min",
            "not assessed",
            "CAPD 10",
            "not assessed",
            "tocilizumab 560 mg 04:00",
            "Day 0",
        )
        for i, (title, sample) in enumerate(zip(COLUMNS, samples, strict=True)):
            width = max(fm.horizontalAdvance(sample), fm.horizontalAdvance(title))
            self.table.setColumnWidth(i, width + fm.horizontalAdvance("MM"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:
            self._size_columns()
        super().changeEvent(event)

    def selected_row(self) -> int:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else -1

    def bedside_order(self) -> list[QWidget]:
        return [
            self.chart,
            self.open_row,
            self.remove_row,
            self.undo_row,
            self.words,
            self.table,
        ]
