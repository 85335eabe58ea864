"""Start-up of the desktop app against a Qt hello-world, same python, same platform.

    .venv/bin/python bench/startup.py [runs]          (make bench; offscreen unless set)

1. Wall clock from spawn to exit of ``python -m ui --exit-after-startup`` (the app quits at
   its main window's first paint) and of a hello-world (QMainWindow + QLabel, quit at its
   first paint), alternating A B A B after one warm-up of each; medians and the ratio.
2. What the first paint costs, counted (robust on a loaded machine, unlike wall time): the
   modules imported by then, the heavy ones among them (records/PDF, print support, the
   double check, teaching sessions, the settings dialog), and the pydantic models whose
   validators were built by then (``defer_build`` models count only once used).

Printed, never asserted (issue 14).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HELLO = """\
import sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow


class QuitOnFirstPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, QApplication.quit)
        return False


app = QApplication(sys.argv)
window = QMainWindow()
window.setCentralWidget(QLabel("Hello, world"))
quitter = QuitOnFirstPaint(window)
window.installEventFilter(quitter)
window.resize(1366, 768)
window.show()
sys.exit(app.exec())
"""

# Runs the real entry point, and at the first paint of the main window writes what had been
# imported and built by then (JSON on stderr's last line), then lets the app quit as usual.
PROBE = """\
import json, sys, time
from PySide6.QtCore import QEvent
import ui.app

HEAVY = %r
_filter = ui.app._QuitOnFirstPaint.eventFilter


def _built(cls):
    from pydantic_core import SchemaValidator
    return isinstance(cls.__dict__.get("__pydantic_validator__"), SchemaValidator)


def _models():
    from pydantic import BaseModel
    seen, todo = set(), [BaseModel]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in seen:
                seen.add(sub)
                todo.append(sub)
    return seen


def eventFilter(self, watched, event):
    if event.type() == QEvent.Type.Paint:
        models = _models()
        print(json.dumps({
            "modules": len(sys.modules),
            "ours": sorted(m for m in sys.modules if m.split(".")[0] in ("ui", "calculator")),
            "heavy": sorted(m for m in HEAVY if m in sys.modules),
            "models": len(models),
            "built": sum(1 for cls in models if _built(cls)),
        }), file=sys.stderr)
    return _filter(self, watched, event)


ui.app._QuitOnFirstPaint.eventFilter = eventFilter
sys.exit(ui.app.main(["--exit-after-startup"]))
"""

HEAVY = (
    "ui.records",
    "PySide6.QtPrintSupport",
    "ui.controllers.verification_controller",
    "ui.views.verification_view",
    "calculator.verification",
    "ui.teaching.session",
    "calculator.teaching",
    "ui.views.settings_dialog",
    "ui.controllers.dose",
    "ui.views.dose",
    "ui.controllers.taper",
    "ui.views.taper",
)


def _env(home: str) -> dict[str, str]:
    return {
        **os.environ,
        "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
        "CRS_CALC_HOME": home,
    }


def _timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True)
    return (time.perf_counter() - start) * 1000


def probe(env: dict[str, str]) -> dict[str, object]:
    """What was imported and built at the first paint (one run of the real entry point)."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE % (HEAVY,)], env=env, check=True, capture_output=True,
        text=True,
    )
    result: dict[str, object] = json.loads(done.stderr.strip().splitlines()[-1])
    return result


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    with tempfile.TemporaryDirectory(prefix="crs-bench-") as home:
        env = _env(home)
        hello = [sys.executable, "-c", HELLO]
        app = [sys.executable, "-m", "ui", "--exit-after-startup"]
        _timed(hello, env)  # warm the file cache for both
        _timed(app, env)
        a: list[float] = []
        b: list[float] = []
        for _ in range(runs):
            b.append(_timed(hello, env))
            a.append(_timed(app, env))
        seen = probe(env)
    app_ms, hello_ms = statistics.median(a), statistics.median(b)
    print(f"start-up to first paint ({env['QT_QPA_PLATFORM']}, {runs} alternating runs, medians)")
    print(f"  python -m ui --exit-after-startup   {app_ms:6.0f} ms  (min {min(a):.0f})")
    print(f"  Qt hello-world (QMainWindow+QLabel) {hello_ms:6.0f} ms  (min {min(b):.0f})")
    print(f"  ratio {app_ms / hello_ms:.2f}x  (goal of issue 14: at most 1.5x, aiming for 1.3x)")
    ours = seen["ours"]
    assert isinstance(ours, list)
    print(
        f"  at first paint: {seen['modules']} modules imported ({len(ours)} of ui/calculator), "
        f"{seen['built']} of {seen['models']} pydantic models built"
    )
    heavy = seen["heavy"]
    print(f"  heavy modules imported before first paint: {', '.join(heavy) or 'none'}")  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
