"""Grades kept across episode calls (issue 24: the app regrades after every Record): the
same answer as grading afresh, and never another ruleset's answer."""

from __future__ import annotations

from calculator import builtin_profile, ruleset
from calculator.grading.crs import grade_crs
from calculator.records import episode as episode_module
from calculator.records.case_v2 import load_episode_case
from calculator.records.episode_command import make_episode
from tests.calculator.records.episode_helpers import FEVER, assessment, case, dose


def _payload() -> dict[str, object]:
    return case(
        [assessment(0, FEVER), assessment(4, FEVER), assessment(8, FEVER)],
        [dose("tocilizumab", 2, dose_mg=560)],
    )


def test_a_second_call_answers_exactly_as_the_first() -> None:
    rs = ruleset()
    profile = builtin_profile(rs, "astct-nccn-2026")
    doc = load_episode_case(_payload())
    episode_module._GRADED.clear()
    first = make_episode(doc, profile, rs)
    assert episode_module._GRADED  # kept
    assert make_episode(doc, profile, rs) == first


def test_a_changed_ruleset_is_graded_afresh_not_from_the_kept_answers() -> None:
    rs = ruleset()
    profile = builtin_profile(rs, "astct-nccn-2026")
    doc = load_episode_case(_payload())
    before = make_episode(doc, profile, rs)
    assert before.assessments[0].crs is not None
    assert before.assessments[0].crs.grade == 1  # 39.0 °C, before any dose: CRS 1
    fever = rs.crs.fever.model_copy(update={"fever_min_c": 39.5})
    other = rs.model_copy(update={"crs": rs.crs.model_copy(update={"fever": fever})})
    assert grade_crs(doc.assessments[0].crs, profile, other).grade == 0  # the premise
    after = make_episode(doc, profile, other)
    assert after.assessments[0].crs is not None
    assert after.assessments[0].crs.grade == 0
