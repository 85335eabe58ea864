"""Timing helpers shared by the bench scripts: per-call times, percentiles, one CLI call, and
the reference programs start-up is measured against (the pydantic floor, the Qt hello-world)."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# The floor of any start-up through the core: its inputs, rules and results are pydantic
# models, so no call or window showing an answer can start faster than importing pydantic and
# validating one model (bench/cli.py, bench/startup.py, bench/bundle.py).
PYDANTIC_FLOOR = """\
from pydantic import BaseModel


class Model(BaseModel):
    x: float


Model.model_validate({"x": 1}).model_dump_json()
"""

# The same floor ending as a command-line call ends (calculator.__main__.exit_now: os._exit
# once the answer is flushed, skipping Python's own exit). A call is compared with both: the
# floor above (issue 26's goal) and this one, like for like.
PYDANTIC_FLOOR_EXIT_NOW = (
    PYDANTIC_FLOOR + "import os, sys\nsys.stdout.flush()\nsys.stderr.flush()\nos._exit(0)\n"
)

# For the bundles (bench/bundle.py): like crs-calc --exit-after-startup with CRS_BENCH_PAINT
# set (ui.shell.app._report_first_paint), one JSON line on stderr at the first paint: the
# time since the bench spawned the process and the peak memory so far.
PAINT_REPORT = """\
import json, os, sys, time


def report_first_paint():
    seen = {"paint_ms": (time.time() - float(os.environ["CRS_BENCH_PAINT"])) * 1000}
    try:
        import resource
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        seen["rss_mib"] = peak / (2**20 if sys.platform == "darwin" else 1024)
    except ImportError:
        pass
    print(json.dumps(seen), file=sys.stderr, flush=True)
"""
REPORT_AT_PAINT = "report_first_paint()"

_HELLO = """
import sys

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow


class QuitOnFirstPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            {at_first_paint}
            QTimer.singleShot(0, QApplication.quit)
        return False


app = QApplication(sys.argv)
window = QMainWindow()
window.setCentralWidget(QLabel("Hello, world"))
if "--exit-after-startup" in sys.argv:
    quitter = QuitOnFirstPaint(window)
    window.installEventFilter(quitter)
window.resize(1366, 768)
window.show()
sys.exit(app.exec())
"""


def hello_world(before: str = "", at_first_paint: str = "pass") -> str:
    """Source of the Qt hello-world start-up is measured against: a QMainWindow with a label.
    With ``--exit-after-startup`` it runs ``at_first_paint`` (one statement) at its first
    paint and quits; ``before`` runs first (e.g. PYDANTIC_FLOOR)."""
    return before + _HELLO.format(at_first_paint=at_first_paint)


def time_calls(call: Callable[[], object], n: int, warmup: int = 200) -> list[float]:
    """Per-call times in microseconds, each call timed on its own."""
    for _ in range(min(n, warmup)):
        call()
    clock = time.perf_counter_ns
    out: list[float] = []
    for _ in range(n):
        start = clock()
        call()
        out.append((clock() - start) / 1000)
    return out


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def cli_once(command: str, text: str) -> float:
    """Wall time in ms of one `python -m calculator COMMAND` fed ``text``; exits on failure."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "calculator", command],
        input=text,
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    elapsed = (time.perf_counter() - start) * 1000
    if done.returncode != 0:
        raise SystemExit(f"{command} failed ({done.returncode}): {done.stdout}{done.stderr}")
    return elapsed
