"""The class summary over several attempts: rows, most missed items, CSV."""

from __future__ import annotations

import csv
import io
from typing import Any

from calculator import builtin_profile, ruleset
from calculator.teaching import load_attempt, score_attempt
from calculator.teaching.summary import class_summary, summary_csv
from tests.calculator.teaching.helpers import attempt_doc, scenario_doc


def scored(learner: str, *answers: dict[str, Any]) -> Any:
    rs = ruleset()
    doc = attempt_doc(scenario_doc(), *answers)
    doc["learner"] = learner
    return score_attempt(load_attempt(doc), builtin_profile(rs, None), rs)


def test_rows_missed_items_and_critical_errors() -> None:
    a = scored("Ann", {"checkpoint": "first", "crs_grade": 3, "seconds": 60})
    b = scored(
        "=cmd()",
        {"checkpoint": "first", "crs_grade": 2, "tocilizumab_dose_mg": 840, "seconds": 120},
    )
    s = class_summary([("a.json", a), ("b.json", b)])
    assert [(r.learner, r.points, r.critical_errors) for r in s.rows] == [
        ("Ann", 1, 0),
        ("=cmd()", 0, 1),
    ]
    missed = {(m.checkpoint, m.item): (m.missed, m.attempts) for m in s.most_missed}
    assert missed[("first", "crs_grade")] == (1, 2)
    assert missed[("first", "icans_grade")] == (2, 2)
    assert s.most_missed[0].missed == 2  # most missed first
    assert [c.learner for c in s.critical] == ["=cmd()"]


def test_csv_has_a_row_per_attempt_and_never_starts_a_formula() -> None:
    s = class_summary([("x.json", scored("=cmd()", {"checkpoint": "first", "seconds": 90}))])
    rows = list(csv.reader(io.StringIO(summary_csv(s))))
    assert rows[0][:3] == ["learner", "file", "scenario"]
    assert rows[1][0] == "'=cmd()"
    assert rows[1][7] == "1.5"  # minutes
    assert ["scenario", "checkpoint", "item", "missed", "attempts"] in rows


def test_unreached_checkpoints_are_neither_missed_nor_counted() -> None:
    """Issue 22: the class summary listed the items of checkpoints a learner never
    reached as "most missed"; they are "not reached", apart from the score."""
    a = scored("Ann", {"checkpoint": "first", "crs_grade": 3, "seconds": 60})
    s = class_summary([("a.json", a)])
    assert not [m for m in s.most_missed if m.checkpoint == "second"]
    row = s.rows[0]
    assert (row.reached, row.checkpoints, row.not_reached) == (1, 2, ("second",))
    assert row.possible == a.checkpoints[0].possible
    rows = list(csv.reader(io.StringIO(summary_csv(s))))
    assert rows[0][-2:] == ["checkpoints_reached", "not_reached"]
    assert rows[1][-2:] == ["1 of 2", "second"]
