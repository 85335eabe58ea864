"""One command-line call against bare Python, and the batch of 10,000 (issue 14); prints,
never asserts.

    .venv/bin/python bench/cli.py [--runs 15] [--requests 10000]

The single call (`python -m calculator grade-crs`) and `python -c pass` are run
alternately, A B A B, and their medians compared (goal: at most 5x). A third row, run in
the same rotation, is the floor of any call through the core: importing pydantic and
validating one model. The batch feeds
10,000 mixed requests (grade-crs, grade-icans, dose, refusals, a malformed line) to one
`python -m calculator batch` process (goal: under 3 s wall) and checks that every line
was answered; then 10,000 crosswalk events (a trial's data set regraded, issue 25) the same
way.
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

from timing import PYDANTIC_FLOOR

REPO = Path(__file__).resolve().parent.parent

RATIO_GOAL = 5.0
BATCH_GOAL_S = 3.0
CRS = {"temperature_c": 39.5, "vasopressors": ["norepinephrine"], "oxygen": "facemask"}

MIX: list[dict[str, object]] = [
    {"command": "grade-crs", "input": CRS},
    {
        "command": "grade-crs",
        "input": {"temperature_c": 38.2, "oxygen": "nasal_cannula", "oxygen_flow_l_min": 4},
    },
    {"command": "grade-icans", "input": {"age_years": 54, "ice_score": 6}},
    {"command": "grade-icans", "input": {"age_years": 8, "capd_score": 12}},
    {"command": "dose", "input": {"drug": "tocilizumab", "weight_kg": 72.5, "age_years": 61}},
    {"command": "dose", "input": {"drug": "dexamethasone", "weight_kg": 70, "age_years": 40}},
    {"command": "grade-crs", "input": {"temperature_c": "hot"}},  # refused
    {"command": "dose", "input": {"drug": "tocilizumab", "weight_kg": -3, "age_years": 40}},
    {"command": "grade-icans", "input": {"age_years": 54, "ice_score": 6, "typo": 1}},
]
MALFORMED = b'{"command": "grade-crs", "input": {\n'

#: A trial's data set regraded (issue 25): crosswalk events, with a refused one among them.
CROSSWALK_MIX: list[dict[str, object]] = [
    {
        "command": "crosswalk",
        "input": {
            "crs": CRS,
            "fio2_pct": 45,
            "vasopressor_doses": {"norepinephrine_ug_min": 12},
            "vasopressor_hours": 30,
            "high_dose_hours_met": True,
            "organ_toxicity_grade": 2,
            "transaminase_grade": 1,
            "creatinine_grade": 0,
        },
    },
    {
        "command": "crosswalk",
        "input": {
            "crs": {"temperature_c": 39.0, "oxygen": "bipap"},
            "icans": {"age_years": 61, "ice_score": 5, "seizure": "rapidly_resolving"},
            "fio2_pct": 35,
        },
    },
    {"command": "crosswalk", "input": {"icans": {"age_years": 40, "ice_score": 8}}},
    {"command": "crosswalk", "input": {"crs": CRS, "fio2_pct": 101}},  # refused
]


def requests(n: int, mix: list[dict[str, object]] = MIX) -> bytes:
    lines: list[bytes] = []
    for i in range(n - 1):
        lines.append(json.dumps({**mix[i % len(mix)], "id": i}).encode() + b"\n")
    lines.append(MALFORMED)
    return b"".join(lines)


def timed(argv: list[str], data: bytes, cwd: Path = REPO) -> tuple[float, float, int, bytes, float]:
    """Wall seconds, peak resident MB, exit code, output and CPU seconds (user + system)
    of one process. CPU time says more than wall time on a machine shared with others."""
    with tempfile.TemporaryFile() as stdin, tempfile.TemporaryFile() as stdout:
        stdin.write(data)
        stdin.seek(0)
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdin=stdin, stdout=stdout, cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        stdout.seek(0)
        cpu = usage.ru_utime + usage.ru_stime
        code = os.waitstatus_to_exitcode(status)
        return elapsed, usage.ru_maxrss / 1024, code, stdout.read(), cpu


def main() -> int:
    parser = argparse.ArgumentParser(description="one CLI call vs bare Python; batch of 10,000")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument(
        "--compare",
        type=Path,
        metavar="CHECKOUT",
        help="also time another checkout's single call (e.g. a worktree of an older commit), "
        "in the same rotation: a before/after row in the same conditions",
    )
    args = parser.parse_args()

    crs = json.dumps(CRS).encode()
    call = [sys.executable, "-m", "calculator", "grade-crs"]
    bare = [sys.executable, "-c", "pass"]
    # The floor of any call through the core: its inputs, rules and results are pydantic
    # models, so no call can start faster than importing pydantic and validating one model.
    floor = [sys.executable, "-c", PYDANTIC_FLOOR]
    timed(call, crs)  # warm the file cache once, for all
    rows: dict[str, list[tuple[float, float]]] = {"call": [], "bare": [], "floor": []}
    if args.compare is not None:
        rows["compare"] = []
        timed(call, crs, args.compare.resolve())
    for _ in range(args.runs):
        seconds, _, code, out, cpu = timed(call, crs)
        if code != 0:
            raise SystemExit(f"grade-crs failed ({code}): {out[:300]!r}")
        rows["call"].append((seconds * 1000, cpu * 1000))
        if args.compare is not None:
            other_s, _, _, _, other_cpu = timed(call, crs, args.compare.resolve())
            rows["compare"].append((other_s * 1000, other_cpu * 1000))
        for name, argv in (("bare", bare), ("floor", floor)):
            other_s, _, _, _, other_cpu = timed(argv, b"")
            rows[name].append((other_s * 1000, other_cpu * 1000))
    wall = {k: statistics.median(c[0] for c in v) for k, v in rows.items()}
    cpu_ms = {k: statistics.median(c[1] for c in v) for k, v in rows.items()}
    ratio = wall["call"] / wall["bare"]
    print(f"One call, medians of {args.runs} alternating runs (wall, CPU):")
    print(f"  python -m calculator grade-crs  {wall['call']:7.1f} ms  {cpu_ms['call']:7.1f} ms CPU")
    if args.compare is not None:
        print(
            f"  the same in {str(args.compare)[-18:]:18} {wall['compare']:7.1f} ms  "
            f"{cpu_ms['compare']:7.1f} ms CPU  ({wall['compare'] / wall['bare']:.1f}x bare)"
        )
    print(f"  python -c pass                  {wall['bare']:7.1f} ms  {cpu_ms['bare']:7.1f} ms CPU")
    print(
        f"  floor: pydantic + one model     {wall['floor']:7.1f} ms  "
        f"{cpu_ms['floor']:7.1f} ms CPU  ({wall['floor'] / wall['bare']:.1f}x bare)"
    )
    verdict = "ok" if ratio <= RATIO_GOAL else "over the goal"
    print(
        f"  ratio {ratio:.1f}x wall, {cpu_ms['call'] / cpu_ms['bare']:.1f}x CPU "
        f"(goal: at most {RATIO_GOAL:g}x): {verdict}"
    )

    for label, mix in (("mixed requests", MIX), ("crosswalk events", CROSSWALK_MIX)):
        batch(args.requests, label, mix)
    return 0


def batch(n: int, label: str, mix: list[dict[str, object]]) -> None:
    data = requests(n, mix)
    seconds, mb, code, out, cpu = timed([sys.executable, "-m", "calculator", "batch"], data)
    answers = [json.loads(line) for line in out.splitlines()]
    exits = {
        e: sum(1 for a in answers if a["exit"] == e) for e in sorted({a["exit"] for a in answers})
    }
    in_order = [a["id"] for a in answers[:-1]] == list(range(n - 1))
    verdict = "ok" if seconds < BATCH_GOAL_S else "over the goal"
    print(f"Batch of {n:,} {label} in one process:")
    print(
        f"  {seconds:.2f} s wall, {cpu:.2f} s CPU, {mb:.0f} MB peak, exit {code}; "
        f"{len(answers):,} answers "
        f"(exit counts {exits}), in order: {in_order}"
    )
    print(f"  goal: under {BATCH_GOAL_S:g} s: {verdict}")


if __name__ == "__main__":
    sys.exit(main())
