"""One command-line call against its floor, and the batch of 10,000 (issues 14, 26); prints,
never asserts.

    .venv/bin/python bench/cli.py [--runs 15] [--requests 10000] [--compare CHECKOUT]

Each single call (`python -m calculator grade-crs`, `dose`, `recommend`), the floor and
`python -c pass` are run in rotation, A B C D A B C D, and their medians compared. The
floor is the cheapest any call through the core can be: importing pydantic and validating
one model (its inputs, rules and results are pydantic models). Goal (issue 26): each call
at most 1.3x the floor; the old goal (issue 14), at most 5x `python -c pass`, is printed
too. A call ends with os._exit once its answer is out (``calculator.__main__.exit_now``),
which the floor script does not; so each call is also shown against the floor ending the
same way, like for like. Wall time and CPU time (user + system) are both shown: on a
shared machine CPU time is the steadier of the two. The batch feeds 10,000 mixed requests
(grade-crs, grade-icans, dose, recommend, episode, crosswalk where the checkout has it,
refusals, a malformed line) to one `python -m calculator batch` process (goal: under 3 s wall) and
checks that every line was answered; then 10,000 crosswalk events alone (a trial's data
set regraded, issue 25) the same way.
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

from timing import PYDANTIC_FLOOR, PYDANTIC_FLOOR_EXIT_NOW

REPO = Path(__file__).resolve().parent.parent

RATIO_GOAL = 5.0  # issue 14: against `python -c pass`
FLOOR_GOAL = 1.3  # issue 26: against the pydantic floor
BATCH_GOAL_S = 3.0
CRS = {"temperature_c": 39.5, "vasopressors": ["norepinephrine"], "oxygen": "facemask"}
DOSE = {"drug": "tocilizumab", "weight_kg": 72.5, "age_years": 61}
RECOMMEND = {"crs_grade": 2, "icans_grade": 1}
#: The single calls of issue 26's goal, each with its input.
CALLS: dict[str, dict[str, object]] = {"grade-crs": CRS, "dose": DOSE, "recommend": RECOMMEND}


def _hours(h: int) -> str:
    return f"2026-11-{20 + h // 24:02d}T{h % 24:02d}:00"


#: A small episode (three assessments, two doses given), as the app's Episode view sends it.
EPISODE: dict[str, object] = {
    "format": "crs-calc-case/2",
    "patient": {"weight_kg": 70, "age_years": 54},
    "assessments": [
        {"at": _hours(0), "crs": {"temperature_c": 39.0}, "icans": {"ice_score": 10}},
        {"at": _hours(12), "crs": {"temperature_c": 39.0, "hypotension": True}},
        {"at": _hours(24), "crs": {"temperature_c": 38.2}, "improving": True},
    ],
    "given": [
        {"drug": "tocilizumab", "at": _hours(13), "dose_mg": 560},
        {"drug": "dexamethasone", "at": _hours(14), "dose_mg": 10, "route": "IV"},
    ],
}

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
    {"command": "recommend", "input": RECOMMEND},
    {"command": "episode", "input": EPISODE},
]
#: Issue 26 adds the crosswalk to the mix; added here only where the checkout has the command
#: (it lands from another branch), so the bench runs on either side of that merge.
CROSSWALK: dict[str, object] = {
    "command": "crosswalk",
    "input": {"crs": {"temperature_c": 39.5, "hypotension": True}},
}
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


def _mix() -> list[dict[str, object]]:
    sys.path.insert(0, str(REPO))
    from calculator.edge.cli import COMMANDS

    return MIX + ([CROSSWALK] if "crosswalk" in COMMANDS else [])


def requests(n: int, mix: list[dict[str, object]] | None = None) -> bytes:
    mix = _mix() if mix is None else mix
    lines: list[bytes] = []
    for i in range(n - 1):
        lines.append(json.dumps({**mix[i % len(mix)], "id": i}).encode() + b"\n")
    lines.append(MALFORMED)
    return b"".join(lines)


def _ends_now(checkout: Path) -> bool:
    """Whether the checkout's calls end with os._exit (calculator.__main__.exit_now)."""
    return "def exit_now(" in (checkout / "calculator" / "__main__.py").read_text()


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

    bare = [sys.executable, "-c", "pass"]
    floor = [sys.executable, "-c", PYDANTIC_FLOOR]
    floor_exit_now = [sys.executable, "-c", PYDANTIC_FLOOR_EXIT_NOW]
    calls = {
        command: ([sys.executable, "-m", "calculator", command], json.dumps(payload).encode())
        for command, payload in CALLS.items()
    }
    subjects: list[tuple[str, list[str], bytes, Path]] = []
    for command, (argv, data) in calls.items():
        subjects.append((command, argv, data, REPO))
        if args.compare is not None:
            subjects.append((f"{command} before", argv, data, args.compare.resolve()))
    subjects += [
        ("floor", floor, b"", REPO),
        ("floor exit_now", floor_exit_now, b"", REPO),
        ("bare", bare, b"", REPO),
    ]
    # A checkout from before exit_now ends as the plain floor does: its like-for-like floor.
    like_floor = {
        name: "floor exit_now" if _ends_now(cwd) else "floor" for name, _, _, cwd in subjects
    }
    rows: dict[str, list[tuple[float, float]]] = {name: [] for name, *_ in subjects}
    for round_ in range(args.runs + 1):  # the first round warms the file cache
        for name, argv, data, cwd in subjects:
            seconds, _, code, out, cpu = timed(argv, data, cwd)
            if code != 0:
                raise SystemExit(f"{name} failed ({code}): {out[:300]!r}")
            if round_:
                rows[name].append((seconds * 1000, cpu * 1000))
    wall = {k: statistics.median(c[0] for c in v) for k, v in rows.items()}
    cpu_ms = {k: statistics.median(c[1] for c in v) for k, v in rows.items()}
    spread = {k: (min(c[0] for c in v), max(c[0] for c in v)) for k, v in rows.items()}
    print(f"One call, medians of {args.runs} runs in rotation (wall, CPU; wall min-max):")
    labels = {
        "floor": "floor: pydantic + one model",
        "floor exit_now": "floor, ending with os._exit as a call does",
        "bare": "python -c pass",
    }
    for name in rows:
        label = labels.get(name, f"python -m calculator {name}")
        low, high = spread[name]
        line = (
            f"  {label[-42:]:42} {wall[name]:7.1f} ms {cpu_ms[name]:7.1f} ms CPU "
            f"({low:5.0f}-{high:5.0f})"
        )
        if name not in labels:
            over_floor = wall[name] / wall["floor"]
            verdict = "met" if over_floor <= FLOOR_GOAL else "NOT met"
            line += (
                f"  {over_floor:.2f}x floor wall, {cpu_ms[name] / cpu_ms['floor']:.2f}x CPU "
                f"(goal <= {FLOOR_GOAL:g}x: {verdict}); "
                f"{wall[name] / wall[like_floor[name]]:.2f}x the floor ending as it does; "
                f"{wall[name] / wall['bare']:.1f}x bare (issue 14 goal <= {RATIO_GOAL:g}x)"
            )
        print(line)

    mixed = _mix()
    commands = ", ".join(sorted({str(r["command"]) for r in mixed}))
    runs = ((f"mixed requests ({commands})", mixed), ("crosswalk events", CROSSWALK_MIX))
    for label, mix in runs:
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
