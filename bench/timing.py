"""Timing helpers shared by the bench scripts: per-call times, percentiles, one CLI call."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


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
