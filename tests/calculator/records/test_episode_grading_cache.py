"""Grades kept across episode calls (issue 24: the app regrades after every Record): the
same answer as grading afresh, and never another ruleset's answer."""

from __future__ import annotations

from calculator import builtin_profile, ruleset
from calculator.grading.crs import grade_crs
from calculator.records import episode_grading as episode_module
from calculator.records.case_v2 import load_episode_case
from calculator.records.episode_command import make_episode
from tests.calculator.records.episode_helpers import FEVER, assessment, case, dose, hours


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


def _fresh(doc: object, profile: object, rs: object) -> object:
    episode_module._GRADED.clear()
    episode_module._ROWS.clear()
    return make_episode(doc, profile, rs)  # type: ignore[arg-type]


def test_the_same_assessment_objects_in_a_changed_case_are_graded_for_that_case() -> None:
    """The app hands the same assessment objects back after every edit: a kept row is used
    only when its day 0 and masking dose are the same too."""
    rs = ruleset()
    profile = builtin_profile(rs, "astct-nccn-2026")
    doc = load_episode_case(case([assessment(0, FEVER), assessment(4, FEVER)]))
    make_episode(doc, profile, rs)  # rows kept for these objects
    changed = [
        # Day 0 set: every row's day.
        doc.model_copy(update={"day0": hours(-30)}),
        # A masking dose between the rows: the second is masked, naming the dose.
        load_episode_case(case([assessment(0)], [dose("tocilizumab", 2, dose_mg=560)])).model_copy(
            update={"assessments": doc.assessments}
        ),
        # The same dose marked prophylactic: the masking row carries the warning.
        load_episode_case(
            case([assessment(0)], [dose("tocilizumab", 2, dose_mg=560, prophylactic=True)])
        ).model_copy(update={"assessments": doc.assessments}),
        # Another amount: the explanation names the dose as given.
        load_episode_case(case([assessment(0)], [dose("tocilizumab", 2, dose_mg=400)])).model_copy(
            update={"assessments": doc.assessments}
        ),
    ]
    for other in changed:
        assert other.assessments[0] is doc.assessments[0]  # the premise: same objects
        kept = make_episode(other, profile, rs)
        assert kept == _fresh(other, profile, rs)
    masked = make_episode(changed[2], profile, rs).assessments[1].crs
    assert masked is not None
    assert "EPI-MASK" in masked.rules
    assert any("prophylactic" in w for w in masked.warnings)
    assert make_episode(changed[0], profile, rs).assessments[0].day == 1
