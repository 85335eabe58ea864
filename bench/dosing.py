"""Speed of the dose panel core and of one command-line call (prints; asserts nothing).

    .venv/bin/python bench/dosing.py [--calls 5000] [--cli-runs 10]

Cases: tocilizumab dose (70 kg; 120 kg capped; 61.5 kg with the rounding policy on), an
agent dose (siltuximab, with vials), the repeat-dose clock (3 doses, S3), and the whole
1-350 kg sweep in 0.1 kg steps that the tests check against brute force.
No goal is set by the issue; the grading bench's 50 µs core goal is printed for scale.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.timing import cli_once, percentile, time_calls  # noqa: E402
from calculator import (  # noqa: E402 - after the path is set
    DoseInput,
    ScheduleInput,
    builtin_profile,
    dose,
    ruleset,
    tocilizumab_schedule,
)

SCALE_US = 50.0
CLI_INPUT = '{"drug": "tocilizumab", "weight_kg": 70, "age_years": 54}'


def main() -> int:
    parser = argparse.ArgumentParser(description="dose panel core and CLI timings")
    parser.add_argument("--calls", type=int, default=5_000)
    parser.add_argument("--cli-runs", type=int, default=10)
    args = parser.parse_args()

    rs = ruleset()
    profile = builtin_profile(rs, None)
    rounding = profile.model_copy(update={"toci_rounding": "nearest_vial_within_tolerance"})
    t70 = DoseInput(drug="tocilizumab", weight_kg=70, age_years=54)
    t120 = DoseInput(drug="tocilizumab", weight_kg=120, age_years=54)
    t61 = DoseInput(drug="tocilizumab", weight_kg=61.5, age_years=54)
    silt = DoseInput(drug="siltuximab", weight_kg=70, age_years=54)
    s3 = ScheduleInput(
        doses=(datetime(2026, 11, 21, 8), datetime(2026, 11, 21, 16), datetime(2026, 11, 22, 0)),
        at=datetime(2026, 11, 22, 6),
    )
    cases: dict[str, Callable[[], object]] = {
        "dose toci 70 kg": lambda: dose(t70, profile, rs),
        "dose toci 120 kg": lambda: dose(t120, profile, rs),
        "dose toci rounding": lambda: dose(t61, rounding, rs),
        "dose siltuximab": lambda: dose(silt, profile, rs),
        "schedule S3": lambda: tocilizumab_schedule(s3, profile, rs),
    }
    print(f"python {sys.version.split()[0]}, ruleset {rs.meta.version}")
    for name, call in cases.items():
        times = time_calls(call, args.calls)
        print(
            f"{name:<20} {args.calls} calls: median {statistics.median(times):7.1f} µs, "
            f"p99 {percentile(times, 99):7.1f} µs (grading goal for scale: < {SCALE_US:g} µs)"
        )

    weights = [t / 10 for t in range(10, 3501)]
    inputs = [DoseInput(drug="tocilizumab", weight_kg=w, age_years=54) for w in weights]
    start = time.perf_counter()
    for inp in inputs:
        dose(inp, profile, rs)
    sweep = time.perf_counter() - start
    print(f"sweep 1-350 kg by 0.1 kg: {len(inputs)} doses in {sweep * 1000:.0f} ms")

    for command, text in (
        ("dose", CLI_INPUT),
        ("tocilizumab-schedule", '{"doses": ["2026-11-21T08:00"], "at": "2026-11-21T14:00"}'),
    ):
        cli_once(command, text)  # warm-up
        walls = [cli_once(command, text) for _ in range(args.cli_runs)]
        print(
            f"python -m calculator {command}, {args.cli_runs} runs: median "
            f"{statistics.median(walls):.1f} ms, min {min(walls):.1f} ms, max {max(walls):.1f} ms"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
