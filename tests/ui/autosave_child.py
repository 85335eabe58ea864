"""A small app process for the crash test: it edits a case on a timer and autosaves it.

Run as ``python -m tests.ui.autosave_child AUTOSAVE_PATH``. After each completed save it
prints ``saved N`` (N = the number of edits the file now holds) and flushes, so the test
knows what was saved before it kills the process with SIGKILL.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QTimer

from ui.case.autosave import Autosaver, Snapshot


def main() -> int:
    app = QCoreApplication(sys.argv[:1])
    case: dict[str, Any] = {
        "format": "crs-calc-case/1",
        "patient": {"label": "bed 12", "weight_kg": 70, "age_years": 54},
        "at": "2026-11-21T08:00",
        "edits": [],
    }
    saver = Autosaver(Path(sys.argv[1]), lambda: Snapshot(case), delay_ms=40, max_wait_ms=150)
    saver.saved.connect(lambda n: print(f"saved {n}", flush=True))

    def edit() -> None:
        n = len(case["edits"]) + 1
        case["edits"].append(n)
        case["patient"]["weight_kg"] = 70 + n / 10  # a typed weight, edit by edit
        saver.changed()

    timer = QTimer()
    timer.timeout.connect(edit)
    timer.start(15)
    print("ready", flush=True)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
