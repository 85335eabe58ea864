"""Recompute latency of the app: one user change -> core -> every widget updated, per tool.
Measured in-process, offscreen, on the main window filled with the sample case. Printed,
never asserted (the target is one frame, 16 ms).

    .venv/bin/python bench/recompute.py [repeats]
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from ui.controllers.app import AppController
from ui.shell.app import unstyled_application
from ui.shell.screenshot import fill_sample


def _stats(times: list[float]) -> str:
    times = sorted(times)
    p95 = times[int(len(times) * 0.95) - 1]
    return f"median {statistics.median(times):6.2f}  p95 {p95:6.2f}"


def measure(name: str, change: Callable[[int], None], repeats: int) -> None:
    """Recompute: the change, the core call(s) and every widget updated (synchronous).
    Repaint: the event loop pass that lays out and paints the window afterwards. Wall time,
    then the thread's CPU time (steadier on a machine shared with other work)."""
    compute, paint, compute_cpu = [], [], []
    for i in range(repeats):
        start, start_cpu = time.perf_counter(), time.thread_time()
        change(i)
        mid, mid_cpu = time.perf_counter(), time.thread_time()
        QApplication.processEvents()
        end = time.perf_counter()
        compute.append((mid - start) * 1000)
        compute_cpu.append((mid_cpu - start_cpu) * 1000)
        paint.append((end - mid) * 1000)
    print(
        f"{name:<44} recompute {_stats(compute)} ms (CPU {_stats(compute_cpu)} ms)"
        f" | + repaint {_stats(paint)} ms"
    )


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    unstyled_application()  # as the running app: the window carries the style sheet
    c = AppController(clock=lambda: datetime(2026, 11, 21, 14, 0))
    fill_sample(c)
    c.window.resize(1366, 768)
    c.window.show()
    QApplication.processEvents()
    crs = c.grading.view.crs_inputs
    bar = c.window.patient_bar
    temps = ["39.5", "37.5", "38.2", "40.1"]

    def temperature(i: int) -> None:
        crs.temperature.edit.setText(temps[i % 4])
        crs.temperature.edit.textEdited.emit(temps[i % 4])

    def weight(i: int) -> None:
        text = "70" if i % 2 else "29.9"
        bar.weight.edit.setText(text)
        bar.weight.edit.textEdited.emit(text)

    ice_items = c.grading.view.icans_inputs.ice
    ice_items.setChecked(True)
    for spin in ice_items.spins.values():
        spin.setValue(spin.maximum())  # every item asked: each change is graded by the core

    def ice(i: int) -> None:
        ice_items.spins["naming"].setValue(i % 4)

    def taper(i: int) -> None:
        c.taper.view.taper_days.setValue(2 + i % 3)

    def dose_log(i: int) -> None:
        c.dose.tick()

    print(f"recompute latency, offscreen, {repeats} changes each (target: 16 ms)")
    c.window.tabs.setCurrentIndex(0)
    measure("temperature typed (CRS + management)", temperature, repeats)
    measure("ICE item changed (ICANS + management)", ice, repeats)
    measure("weight typed (every tool)", weight, repeats)
    c.window.tabs.setCurrentIndex(2)
    measure("taper length changed (plan, table, chart)", taper, repeats)
    c.window.tabs.setCurrentIndex(1)
    measure("dose clock tick (countdown)", dose_log, repeats)
    c.window.close()


if __name__ == "__main__":
    main()
