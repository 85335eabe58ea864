"""The episode's limits (spec episode.md; issue 23); prints, never asserts.

    .venv/bin/python bench/episode.py [--runs 15]

- ``episode`` for 500 assessments and 200 doses, in process: parse the document, grade
  every assessment, summarise, ledger, trend and plan (goal: under 50 ms, median).
- A 2,000-assessment case parsed and summarised (goal: under 300 ms, median).

The machine is shared: the fastest run says what the code costs, the median what a
loaded machine gives. Times are in-process (``make_episode`` after
``load_episode_case``), the ruleset already loaded, as the app calls them; the JSON text
is parsed too, as the command line does.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from calculator import builtin_profile, ruleset
from calculator.edge.inputs import parse_json_object
from calculator.records.case_v2 import load_episode_case
from calculator.records.episode_command import make_episode

GOAL_500_MS = 50.0
GOAL_2000_MS = 300.0
T0 = datetime(2026, 11, 20, 8, 0)
DRUGS = ("tocilizumab", "dexamethasone", "methylprednisolone", "anakinra", "levetiracetam")


def _iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M")


def document(assessments: int, doses: int, distinct: int = 20) -> str:
    """A case of ``assessments`` assessments 1 h apart and ``doses`` doses between them
    (at most 4 tocilizumab, as TOCI-MAX allows; the rest other drugs). Temperatures take
    ``distinct`` values (the core grades each distinct finding once per episode)."""
    items: list[dict[str, Any]] = []
    for i in range(assessments):
        crs: dict[str, Any] = {"temperature_c": 37.0 + (i % distinct) * 7.0 / distinct}
        if i % 7 == 3:
            crs |= {"vasopressors": ["norepinephrine"], "oxygen": "facemask"}
        items.append(
            {
                "at": _iso(T0 + timedelta(hours=i)),
                "by": "AK",
                "crs": crs,
                "icans": {"ice_score": 10 - i % 5},
                "improving": None if i % 3 else False,
            }
        )
    given: list[dict[str, Any]] = []
    for j in range(doses):
        drug = "tocilizumab" if j < 4 else DRUGS[1 + j % (len(DRUGS) - 1)]
        at = T0 + timedelta(hours=j * 8 if j < 4 else j * assessments / doses, minutes=30)
        mg = 560.0 if drug == "tocilizumab" else 10.0
        given.append({"drug": drug, "at": _iso(at), "dose_mg": mg})
    return json.dumps(
        {
            "format": "crs-calc-case/2",
            "patient": {"weight_kg": 70, "age_years": 54, "product": "axi-cel"},
            "day0": _iso(T0 - timedelta(days=2)),
            "time_zone": "Europe/Berlin",
            "assessments": items,
            "given": given,
        }
    )


def timings_ms(text: str, runs: int) -> list[float]:
    rs = ruleset()
    profile = builtin_profile(rs, None)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        case = load_episode_case(parse_json_object(text))
        make_episode(case, profile, rs)
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    timings_ms(document(5, 2), 2)  # warm up: build the validators once
    for label, assessments, doses, distinct, goal in (
        ("episode, 500 assessments + 200 doses", 500, 200, 20, GOAL_500_MS),
        ("  the same, every finding distinct", 500, 200, 500, GOAL_500_MS),
        ("2,000 assessments parsed and summarised", 2000, 200, 20, GOAL_2000_MS),
        ("  the same, every finding distinct", 2000, 200, 2000, GOAL_2000_MS),
    ):
        text = document(assessments, doses, distinct)
        times = timings_ms(text, args.runs)
        ms = statistics.median(times)
        verdict = "ok" if ms < goal else "OVER"
        print(
            f"{label:42s} median {ms:6.1f} ms, fastest {min(times):6.1f} ms of {args.runs} "
            f"(goal < {goal:g} ms) {verdict}"
        )


if __name__ == "__main__":
    main()
