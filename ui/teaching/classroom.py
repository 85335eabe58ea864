"""The class summary: several attempt files, learners x score, critical errors and the
items most often missed; exported as CSV. The numbers are the core's (score_attempt,
class_summary); this dialog only shows them."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from calculator.edge.errors import InputError
from calculator.teaching import ScoreResult
from calculator.teaching.summary import ClassSummary, class_summary, summary_csv
from ui.records.save_dialog import save_via_dialog
from ui.store.storage import write_atomic
from ui.teaching.debrief import score_of
from ui.teaching.files import read_attempt
from ui.teaching.views import WATERMARK, Banner, item_title
from ui.widgets import heading, named, plain_text_everywhere, plain_tip, wrapped_label

ROW_COLUMNS = (
    "Learner",
    "Scenario",
    "Score",
    "%",
    "Checkpoints reached",
    "Critical errors",
    "Time",
    "File",
)
MISSED_COLUMNS = ("Scenario", "Checkpoint", "Item", "Missed", "Of")


def _table(name: str, accessible: str, columns: tuple[str, ...]) -> QTableWidget:
    table = named(QTableWidget(0, len(columns)), name, accessible)
    table.setHorizontalHeaderLabels(list(columns))
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _fill(table: QTableWidget, rows: list[tuple[str, ...]]) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            item = QTableWidgetItem(value)
            item.setToolTip(plain_tip(value))
            table.setItem(r, c, item)
    table.resizeRowsToContents()


class ClassSummaryDialog(QDialog):
    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setObjectName("classSummaryDialog")
        self.setAccessibleName("Class summary")
        self.setWindowTitle(f"Class summary — {WATERMARK}")
        self.entries: list[tuple[str, ScoreResult]] = []
        self.summary: ClassSummary = class_summary([])
        self.banner = Banner("classBanner")
        self.open_button = named(
            QPushButton("&Open attempt files…"), "classOpen", "Open attempt files"
        )
        self.csv_button = named(QPushButton("Export &CSV…"), "classCsv", "Export as CSV")
        self.rows = _table("classRows", "Learners and scores", ROW_COLUMNS)
        self.missed = _table("classMissed", "Most missed items", MISSED_COLUMNS)
        self.critical = wrapped_label("", "classCritical", "Critical errors")
        self.critical.setStyleSheet("color: #5c0c06;")
        self.problems = wrapped_label("", "classProblems", "Files that could not be read")
        self.problems.setProperty("role", "fieldError")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.setObjectName("classButtons")
        buttons.addButton(self.open_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.csv_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        box = QVBoxLayout(self)
        box.addWidget(self.banner)
        box.addWidget(heading("Learners", "learnersHeading", 1.0))
        box.addWidget(self.rows, 2)
        box.addWidget(heading("Critical errors", "criticalHeading", 1.0))
        box.addWidget(self.critical)
        box.addWidget(heading("Most missed items", "missedHeading", 1.0))
        box.addWidget(self.missed, 2)
        box.addWidget(self.problems)
        box.addWidget(buttons)
        self.open_button.clicked.connect(lambda: self.open_files())
        self.csv_button.clicked.connect(lambda: self.export_csv())
        self.resize(980, 680)
        self.refresh()
        plain_text_everywhere(self)  # last: the labels QFormLayout made too

    def open_files(self, paths: list[Path] | None = None) -> list[str]:
        """Add attempt files; returns the problems (each file named), also shown."""
        if paths is None:
            chosen, _ = QFileDialog.getOpenFileNames(
                self, "Open attempt files", "", "Attempts (*.json)"
            )
            paths = [Path(p) for p in chosen]
        problems: list[str] = []
        for path in paths:
            try:
                attempt = read_attempt(path)
                self.entries.append((path.name, score_of(attempt)))
            except InputError as err:
                problems.append(f"{path.name}: {err.message}")
        self.problems.setText("\n".join(problems))
        self.problems.setVisible(bool(problems))
        self.refresh()
        return problems

    def refresh(self) -> None:
        self.summary = class_summary(self.entries)
        s = self.summary
        _fill(
            self.rows,
            [
                (
                    r.learner or "(not named)",
                    r.scenario_title,
                    f"{r.points} / {r.possible}",
                    f"{r.percent:.1f}",
                    f"{r.reached} of {r.checkpoints}"
                    + (f" (not reached: {', '.join(r.not_reached)})" if r.not_reached else ""),
                    str(r.critical_errors),
                    f"{r.seconds_total / 60:.1f} min",
                    r.source,
                )
                for r in s.rows
            ],
        )
        _fill(
            self.missed,
            [
                (m.scenario_id, m.checkpoint, item_title(m.item), str(m.missed), str(m.attempts))
                for m in s.most_missed
                if m.missed
            ],
        )
        lines = [
            f"{c.learner or '(not named)'} · {c.checkpoint} · {item_title(c.item)}: {c.text}"
            for c in s.critical
        ]
        self.critical.setText("\n".join(lines) if lines else "none")
        self.csv_button.setEnabled(bool(s.rows))

    def export_csv(self, path: Path | None = None) -> bool:
        data = summary_csv(self.summary).encode("utf-8")
        return (
            save_via_dialog(
                self,
                "Export class summary",
                "class-summary.csv",
                "CSV (*.csv)",
                lambda p: write_atomic(p, data),
                path,
                "The class summary",
            )
            is not None
        )
