"""Words agree with their numbers in what the suggestions say (issue 22: "1 days"): a
profile managing grade 1 CRS as grade 2 after 1 day says "1 day"."""

from __future__ import annotations

from calculator import ruleset
from calculator.edge.inputs import validate
from calculator.edge.profile_files import builtin_profile
from calculator.management import RecommendInput, recommend


def test_grade1_escalation_after_one_day_says_one_day() -> None:
    rs = ruleset()
    profile = builtin_profile(rs, "asco-2021").model_copy(update={"crs1_as_grade2_after_days": 1})
    asked = recommend(validate(RecommendInput, {"crs_grade": 1, "icans_grade": 0}), profile, rs)
    words = " ".join([*asked.warnings, *(a.text for a in asked.actions)])
    assert "more than 1 day as grade 2" in words
    given = recommend(
        validate(RecommendInput, {"crs_grade": 1, "icans_grade": 0, "crs_grade1_days": 2}),
        profile,
        rs,
    )
    words = " ".join([*given.warnings, *(a.text for a in given.actions)])
    assert "grade 1 CRS for 2 days (more than 1)" in words
    assert "Grade 1 CRS for more than 1 day: consider it" in words
    assert "1 days" not in words
