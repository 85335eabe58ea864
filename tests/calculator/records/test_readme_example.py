"""The README's episode example (docs/examples/episode-3-days.json) answers what the
README shows."""

from __future__ import annotations

import json
from pathlib import Path

from tests.calculator.helpers import cli

REPO = Path(__file__).resolve().parents[3]
EXAMPLE = REPO / "docs" / "examples" / "episode-3-days.json"


def test_the_readme_example_gives_the_output_shown() -> None:
    code, out = cli(["episode", "--input", str(EXAMPLE)])
    assert code == 0, out
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    s = out["summary"]
    shown = {
        '"duration_h": 36.0': s["crs"]["duration_h"] == 36.0,
        '"next_allowed_at": "2026-11-21T08:00"': s["tocilizumab"]["next_allowed_at"]
        == "2026-11-21T08:00",
        '"due_at": "2026-11-21T12:00", "overdue": true': s["next_assessment_due"]["vital_signs"]
        == {"due_at": "2026-11-21T12:00", "overdue": True, "since": "2026-11-21T08:00"},
        '"managed_as_crs_grade": 3': out["recommendation"]["managed_as_crs_grade"] == 3,
        out["history"][0]["text"]: True,
        out["history"][1]["text"]: True,
        out["warnings"][0]: out["warnings"][0].startswith("EPI-24H"),
    }
    for words, holds in shown.items():
        assert words in readme, words
        assert holds, words
    assert [a["day"] for a in out["assessments"]] == [1, 2, 2, 3]
    assert json.loads(EXAMPLE.read_text())["now"] == out["now"]
