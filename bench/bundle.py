"""Bundle budgets: crs-calc against a Qt hello-world built by the same PyInstaller, same run.

    make package-venv && .venv-package/bin/python bench/bundle.py        (or: make bench-bundle)

1. Builds a hello-world (a QMainWindow with a label, shown, quit at its first paint) with
   the packaging venv's PyInstaller, onedir, no UPX, untrimmed: the baseline.
2. Builds crs-calc with ``make package`` (unless --no-build and dist/crs-calc exists).
3. Prints the bundle sizes, then 7 alternating runs after one warm-up of each:
   ``hello --exit-after-startup`` and ``crs-calc --exit-after-startup``. Each process says,
   at the first paint of its main window, the time since the bench spawned it and its peak
   memory so far (CRS_BENCH_PAINT, one JSON line on stderr); the bench adds spawn to exit and
   the whole process's peak RSS (wait4 rusage). crs-calc paints its window before it loads
   the rules and builds the tools (issue 26) and quits once they are built, so its spawn to
   exit is the time until the tools are usable; the hello-worlds quit at their first paint.

A third bundle, built the same way, is the floor: the hello-world that first imports
pydantic and validates one model.

Goals: bundle at most 130 MiB (issue 7); first paint at most 1.3x the floor's and peak
memory at first paint at most 1.4x the plain hello-world's (issue 26); issue 14's 1.5x of the
hello-world, spawn to exit and whole-process peak memory, printed beside them.
Printed, never asserted. Runs offscreen unless --platform says otherwise (e.g. xcb under Xvfb).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from timing import PAINT_REPORT, PYDANTIC_FLOOR, REPORT_AT_PAINT, hello_world

ROOT = Path(__file__).resolve().parent.parent
PKG_PY = ROOT / ".venv-package" / "bin" / "python"
WORK = ROOT / "build" / "bench"
SIZE_GOAL_MIB = 130
STARTUP_GOAL_RATIO = 1.5
MEMORY_GOAL_RATIO = 1.5
FLOOR_STARTUP_GOAL = 1.3  # issue 26: first paint against the floor bundle's
MEMORY_GOAL_26 = 1.4  # issue 26: peak memory against the plain hello-world bundle's
# The floor: the hello-world that first imports pydantic and validates one model, as any
# window showing the core's answers must (its inputs, rules and results are pydantic models).
HELLO = hello_world(PAINT_REPORT, REPORT_AT_PAINT)
FLOOR = hello_world(PAINT_REPORT + PYDANTIC_FLOOR, REPORT_AT_PAINT)


def dir_mib(path: Path) -> float:
    total = sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())
    return total / 2**20


def build_hello(name: str = "hello", source: str = HELLO) -> tuple[Path, float]:
    WORK.mkdir(parents=True, exist_ok=True)
    script = WORK / f"{name}.py"
    script.write_text(source, encoding="utf-8")
    started = time.perf_counter()
    subprocess.run(
        [str(PKG_PY), "-m", "PyInstaller", "--noconfirm", "--clean", "--onedir", "--noupx",
         "--log-level", "ERROR", "--name", name, "--distpath", str(WORK / "dist"),
         "--workpath", str(WORK / "build"), "--specpath", str(WORK), str(script)],
        check=True, cwd=WORK,
    )  # fmt: skip
    return WORK / "dist" / name / name, time.perf_counter() - started


def build_crs_calc() -> float:
    started = time.perf_counter()
    subprocess.run(["make", "package"], check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def run_once(exe: Path, env: dict[str, str]) -> tuple[float, float, float, float]:
    """(seconds from spawn to exit, peak RSS in MiB, seconds from spawn to the first paint,
    peak RSS in MiB at the first paint) of one ``exe --exit-after-startup``."""
    started = time.perf_counter()
    spawned = time.time()
    proc = subprocess.Popen(
        [str(exe), "--exit-after-startup"],
        env={**env, "CRS_BENCH_PAINT": repr(spawned)},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    assert proc.stderr is not None
    err = proc.stderr.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{exe} --exit-after-startup exited {proc.returncode}")
    rss_kib = usage.ru_maxrss if sys.platform != "darwin" else usage.ru_maxrss / 1024
    painted = [line for line in err.splitlines() if line.startswith('{"paint_ms"')]
    if not painted:
        raise SystemExit(f"{exe} did not report its first paint:\n{err[-2000:]}")
    at_paint = json.loads(painted[-1])
    return elapsed, rss_kib / 1024, at_paint["paint_ms"] / 1000, at_paint.get("rss_mib", 0.0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--no-build", action="store_true", help="reuse dist/crs-calc")
    parser.add_argument("--platform", default="offscreen", help="QT_QPA_PLATFORM for the runs")
    args = parser.parse_args(argv)
    if not PKG_PY.exists():
        print("bench/bundle.py: run `make package-venv` first (the packaging venv is missing)")
        return 1

    hello, hello_build_s = build_hello()
    floor, _ = build_hello("floor", FLOOR)
    crs = ROOT / "dist" / "crs-calc" / "crs-calc"
    crs_build_s = 0.0
    if not (args.no_build and crs.exists()):
        crs_build_s = build_crs_calc()
    sizes = {
        "hello-world": dir_mib(hello.parent),
        "floor": dir_mib(floor.parent),
        "crs-calc": dir_mib(crs.parent),
    }

    with tempfile.TemporaryDirectory(prefix="crs-calc-bench-", ignore_cleanup_errors=True) as h:
        env = {k: v for k, v in os.environ.items() if k not in ("WAYLAND_DISPLAY",)}
        env.update(QT_QPA_PLATFORM=args.platform, CRS_CALC_HOME=h)
        if args.platform == "offscreen":
            env.pop("DISPLAY", None)
        exes = {"hello-world": hello, "floor": floor, "crs-calc": crs}
        for exe in exes.values():  # warm-up: page cache, font cache
            run_once(exe, env)
        times: dict[str, list[float]] = {k: [] for k in exes}
        rss: dict[str, list[float]] = {k: [] for k in exes}
        paints: dict[str, list[float]] = {k: [] for k in exes}
        rss_paint: dict[str, list[float]] = {k: [] for k in exes}
        for _ in range(args.runs):
            for name, exe in exes.items():  # alternating
                t, m, p, mp = run_once(exe, env)
                times[name].append(t)
                rss[name].append(m)
                paints[name].append(p)
                rss_paint[name].append(mp)

    print(f"bundle budgets ({args.runs} alternating runs after a warm-up, "
          f"QT_QPA_PLATFORM={args.platform}, {os.cpu_count()} CPUs)")  # fmt: skip
    print(f"build time: hello-world {hello_build_s:.1f} s, crs-calc (make package) "
          f"{crs_build_s:.1f} s" + (" (not rebuilt)" if not crs_build_s else ""))  # fmt: skip
    print(f"{'':12} {'size MiB':>9} {'first paint ms (median, min-max)':>34} "
          f"{'RSS at paint':>12} {'spawn->exit ms':>14} {'peak RSS MiB':>13}")  # fmt: skip
    for name in exes:
        t = [x * 1000 for x in times[name]]
        p = [x * 1000 for x in paints[name]]
        print(
            f"{name:12} {sizes[name]:9.1f} {statistics.median(p):15.0f} "
            f"({min(p):5.0f}-{max(p):5.0f} ms) {statistics.median(rss_paint[name]):12.1f} "
            f"{statistics.median(t):14.0f} {statistics.median(rss[name]):13.1f}"
        )
    hello_t = statistics.median(times["hello-world"])
    hello_m = statistics.median(rss["hello-world"])
    ratio = statistics.median(times["crs-calc"]) / hello_t
    size = sizes["crs-calc"]
    print(f"size: crs-calc {size:.1f} MiB (goal <= {SIZE_GOAL_MIB} MiB: "
          f"{'met' if size <= SIZE_GOAL_MIB else 'NOT met'}); "
          f"untrimmed hello-world {sizes['hello-world']:.1f} MiB")  # fmt: skip
    met = "met" if ratio <= STARTUP_GOAL_RATIO else "NOT met"
    print(f"spawn to exit (crs-calc: its tools built): crs-calc / hello-world = {ratio:.2f}x "
          f"(issue 14 goal <= {STARTUP_GOAL_RATIO:g}x: {met})")  # fmt: skip
    ratio_rss = statistics.median(rss["crs-calc"]) / hello_m
    met = "met" if ratio_rss <= MEMORY_GOAL_RATIO else "NOT met"
    print(f"peak memory: crs-calc / hello-world = {ratio_rss:.2f}x "
          f"(issue 14 goal <= {MEMORY_GOAL_RATIO:g}x: {met})")  # fmt: skip
    print(f"floor (hello-world + pydantic, one model validated before the window): spawn to exit "
          f"{statistics.median(times['floor']) / hello_t:.2f}x, peak memory "
          f"{statistics.median(rss['floor']) / hello_m:.2f}x")  # fmt: skip
    over_floor = statistics.median(paints["crs-calc"]) / statistics.median(paints["floor"])
    met = "met" if over_floor <= FLOOR_STARTUP_GOAL else "NOT met"
    ready = statistics.median(times["crs-calc"]) / statistics.median(times["floor"])
    print(f"first paint: crs-calc / floor = {over_floor:.2f}x "
          f"(issue 26 goal <= {FLOOR_STARTUP_GOAL:g}x: {met}); spawn->exit (crs-calc: "
          f"once its tools are built) {ready:.2f}x")  # fmt: skip
    ratio_rss_paint = statistics.median(rss_paint["crs-calc"]) / statistics.median(
        rss_paint["hello-world"]
    )
    met = "met" if ratio_rss_paint <= MEMORY_GOAL_26 else "NOT met"
    print(f"peak memory at first paint: crs-calc / hello-world = {ratio_rss_paint:.2f}x "
          f"(issue 26 goal <= {MEMORY_GOAL_26:g}x: {met}); "
          f"whole process {ratio_rss:.2f}x")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
