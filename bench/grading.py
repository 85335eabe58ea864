"""Speed of the grading core and of one command-line call (prints; asserts nothing).

    .venv/bin/python bench/grading.py [--calls 10000] [--cli-runs 10]

Goals: core call (grade_crs, grade_icans with a prebuilt input and profile) < 50 µs median;
one ``python -m calculator grade-crs`` process < 150 ms median wall time. The verdicts are
printed, never asserted: the exit code is 0 unless the command itself fails.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.timing import cli_once, percentile, time_calls  # noqa: E402
from calculator import (  # noqa: E402 - after the path is set
    CrsInput,
    IcansInput,
    builtin_profile,
    grade_crs,
    grade_icans,
    ruleset,
)

CORE_GOAL_US = 50.0
CLI_GOAL_MS = 150.0
CLI_INPUT = '{"temperature_c": 39.5, "vasopressors": ["norepinephrine"], "oxygen": "facemask"}'


def main() -> int:
    parser = argparse.ArgumentParser(description="grading core and CLI timings")
    parser.add_argument("--calls", type=int, default=10_000)
    parser.add_argument("--cli-runs", type=int, default=10)
    args = parser.parse_args()

    rs = ruleset()
    profile = builtin_profile(rs, None)
    crs_in = CrsInput(
        temperature_c=39.5,
        vasopressors=("norepinephrine", "vasopressin"),
        oxygen="nasal_cannula",
        oxygen_flow_l_min=4.0,
    )
    icans_in = IcansInput(age_years=45, ice_score=5, seizure="rapidly_resolving")
    cases = {
        "grade_crs": lambda: grade_crs(crs_in, profile, rs),
        "grade_icans": lambda: grade_icans(icans_in, profile, rs),
    }
    print(f"python {sys.version.split()[0]}, ruleset {rs.meta.version}")
    ok = True
    for name, call in cases.items():
        times = time_calls(call, args.calls, warmup=500)
        median = statistics.median(times)
        p99 = percentile(times, 99)
        verdict = "ok" if median < CORE_GOAL_US else "SLOWER THAN GOAL"
        ok &= median < CORE_GOAL_US
        print(
            f"{name:<12} {args.calls} calls: median {median:7.1f} µs, p99 {p99:7.1f} µs "
            f"(goal < {CORE_GOAL_US:g} µs median: {verdict})"
        )

    cli_once("grade-crs", CLI_INPUT)  # warm-up: bytecode and file caches
    walls = [cli_once("grade-crs", CLI_INPUT) for _ in range(args.cli_runs)]
    median = statistics.median(walls)
    verdict = "ok" if median < CLI_GOAL_MS else "SLOWER THAN GOAL"
    ok &= median < CLI_GOAL_MS
    print(
        f"python -m calculator grade-crs, {args.cli_runs} runs: median {median:.1f} ms, "
        f"min {min(walls):.1f} ms, max {max(walls):.1f} ms "
        f"(goal < {CLI_GOAL_MS:g} ms: {verdict})"
    )
    print("all goals met" if ok else "some goals missed (reported, not asserted)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
