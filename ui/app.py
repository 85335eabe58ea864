"""Application entry point: builds the QApplication and the main window."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

import calculator


def build_window() -> QMainWindow:
    rs = calculator.ruleset()
    window = QMainWindow()
    window.setObjectName("mainWindow")
    window.setWindowTitle("CRS Bedside Calculator")
    label = QLabel(f"CRS Bedside Calculator — ruleset {rs.meta.version}")
    label.setObjectName("productLabel")
    label.setAccessibleName("Product name and ruleset version")
    window.setCentralWidget(label)
    return window


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv if argv is None else argv)
    app = QApplication.instance() or QApplication(args)
    window = build_window()
    window.show()
    return app.exec()
