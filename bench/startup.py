"""Start-up time of the desktop app: `python -m ui --exit-after-startup` (offscreen), wall
clock from process start to exit after the main window's first paint. Printed, never asserted.

    .venv/bin/python bench/startup.py [runs]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    command = [sys.executable, "-m", "ui", "--exit-after-startup"]
    subprocess.run(command, env=env, check=True, capture_output=True)  # warm the file cache
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, env=env, check=True, capture_output=True)
        times.append((time.perf_counter() - start) * 1000)
    print(
        f"start-up to first paint ({env['QT_QPA_PLATFORM']}, {runs} runs): "
        f"median {statistics.median(times):.0f} ms, min {min(times):.0f} ms, "
        f"max {max(times):.0f} ms"
    )


if __name__ == "__main__":
    main()
