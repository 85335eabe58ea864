"""Scoring (TEACH-GRADE, TEACH-DOSE, TEACH-TIME, TEACH-ACTIONS, TEACH-CRITICAL): each rule
with a passing and a failing answer, against the key the core computes."""

from __future__ import annotations

from typing import Any

import pytest

from calculator import builtin_profile, ruleset
from calculator.teaching import (
    ItemScore,
    ScoreResult,
    load_attempt,
    load_scenario,
    scenario_key,
    score_attempt,
)
from tests.calculator.helpers import cli_json
from tests.calculator.teaching.helpers import attempt_doc, scenario_doc

# The key of the test scenario (checked in test_the_key_of_the_test_scenario):
# first (08:00): CRS 3 (39.5 °C, norepinephrine, 2 L/min), ICANS 0, tocilizumab 560 mg
# "give", next dose now; second (14:00): dose at 08:00, not improving, next 16:00.


def scored(*answers: dict[str, Any]) -> ScoreResult:
    rs = ruleset()
    return score_attempt(
        load_attempt(attempt_doc(scenario_doc(), *answers)), builtin_profile(rs, None), rs
    )


def item(result: ScoreResult, checkpoint: str, name: str) -> ItemScore:
    cp = next(c for c in result.checkpoints if c.id == checkpoint)
    return next(i for i in cp.items if i.item == name)


def test_the_key_of_the_test_scenario() -> None:
    rs = ruleset()
    key = scenario_key(load_scenario(scenario_doc()), builtin_profile(rs, None), rs)
    first, second = key.checkpoints
    assert (first.crs_grade, first.icans_grade) == (3, 0)
    assert first.tocilizumab_dose_mg == 560
    assert first.next_tocilizumab_at is not None
    assert first.next_tocilizumab_at.isoformat() == "2026-03-01T08:00:00"
    assert {a.code: a.strength for a in first.actions}["tocilizumab"] == "give"
    assert second.next_tocilizumab_at is not None
    assert second.next_tocilizumab_at.isoformat() == "2026-03-01T16:00:00"
    assert {a.code: a.strength for a in second.actions}["tocilizumab"] in ("avoid", "wait")
    assert first.crs_explanation
    assert "CRS-WORST" in first.crs.rules
    assert key.scenario.sha256
    assert len(key.scenario.sha256) == 64


def test_teach_grade_right_and_wrong() -> None:
    """TEACH-GRADE: one point each for a CRS and an ICANS grade equal to the key."""
    r = scored({"checkpoint": "first", "crs_grade": 3, "icans_grade": 1})
    crs, icans = item(r, "first", "crs_grade"), item(r, "first", "icans_grade")
    assert (crs.correct, crs.points, crs.possible, crs.status) == (True, 1, 1, "right")
    assert (icans.correct, icans.points, icans.status) == (False, 0, "wrong")
    assert "TEACH-GRADE" in crs.rules
    assert "CRS-WORST" in crs.rules
    assert (
        crs.explanation
        == scenario_key(load_scenario(scenario_doc()), builtin_profile(ruleset(), None))
        .checkpoints[0]
        .crs_explanation
    )


def test_teach_dose_within_half_a_milligram() -> None:
    """TEACH-DOSE: within 0.5 mg of the computed dose scores; 1 mg off does not."""
    assert (
        item(
            scored({"checkpoint": "first", "tocilizumab_dose_mg": 560.4}),
            "first",
            "tocilizumab_dose_mg",
        ).correct
        is True
    )
    wrong = item(
        scored({"checkpoint": "first", "tocilizumab_dose_mg": 561}), "first", "tocilizumab_dose_mg"
    )
    assert (wrong.correct, wrong.points, wrong.possible) == (False, 0, 1)
    assert "TEACH-DOSE" in wrong.rules
    assert "TOCI-DOSE" in wrong.rules


def test_teach_time_to_the_minute_and_null() -> None:
    """TEACH-TIME: equal to the minute; null only when the key is null."""
    right = item(
        scored({"checkpoint": "second", "next_tocilizumab_at": "2026-03-01T16:00"}),
        "second",
        "next_tocilizumab_at",
    )
    assert (right.correct, right.key) == (True, "2026-03-01T16:00")
    now = item(
        scored({"checkpoint": "second", "next_tocilizumab_at": "2026-03-01T14:00"}),
        "second",
        "next_tocilizumab_at",
    )
    assert now.correct is False
    assert "TEACH-TIME" in now.rules
    null = item(
        scored({"checkpoint": "second", "next_tocilizumab_at": None}),
        "second",
        "next_tocilizumab_at",
    )
    assert (null.correct, null.status) == (False, "wrong")
    assert any("TOCI-INTERVAL" in line for line in now.explanation)


def test_teach_time_null_is_right_at_the_episode_maximum() -> None:
    """TEACH-TIME: with four doses given the key is null, and null scores."""
    doc = scenario_doc()
    cp = doc["checkpoints"][1]
    cp["at"] = "2026-03-03T08:00"
    cp["tocilizumab_doses"] = [
        "2026-03-01T08:00",
        "2026-03-01T16:00",
        "2026-03-02T00:00",
        "2026-03-02T08:00",
    ]
    rs = ruleset()
    attempt = load_attempt(attempt_doc(doc, {"checkpoint": "second", "next_tocilizumab_at": None}))
    r = score_attempt(attempt, builtin_profile(rs, None), rs)
    t = item(r, "second", "next_tocilizumab_at")
    assert (t.key, t.answer, t.correct) == (None, None, True)


def test_teach_actions_give_and_avoid_score_consider_does_not() -> None:
    """TEACH-ACTIONS: a key "give" marked give scores; a key "avoid"/"wait" not marked give
    scores; "consider" neither scores nor costs; an unlisted give is "not indicated"."""
    r = scored(
        {
            "checkpoint": "first",
            "actions": [
                {"code": "tocilizumab", "strength": "give"},
                {"code": "anakinra", "strength": "give"},
            ],
        },
        {
            "checkpoint": "second",
            "actions": [
                {"code": "tocilizumab", "strength": "wait"},
                {"code": "antifungal_prophylaxis", "strength": "give"},
            ],
        },
    )
    toci = item(r, "first", "actions.tocilizumab")
    assert (toci.correct, toci.points, toci.possible) == (True, 1, 1)
    assert "TEACH-ACTIONS" in toci.rules
    assert "MGT-CRS3" in toci.rules
    icu = item(r, "first", "actions.icu")  # key "give", learner silent: wrong
    assert (icu.key, icu.correct, icu.points, icu.possible) == ("give", False, 0, 1)
    extra = item(r, "first", "actions.anakinra")
    assert (extra.status, extra.points, extra.possible) == ("not indicated", 0, 0)
    held = item(r, "second", "actions.tocilizumab")
    assert (held.correct, held.points) == (True, 1)
    consider = item(r, "second", "actions.antifungal_prophylaxis")
    assert (consider.key, consider.status, consider.possible) == ("consider", "not scored", 0)


def test_teach_actions_not_answered_score_nothing() -> None:
    r = scored({"checkpoint": "second", "crs_grade": 3})
    held = item(r, "second", "actions.tocilizumab")
    assert (held.status, held.points, held.possible) == ("not answered", 0, 1)
    assert r.critical_errors == ()


def test_teach_critical_give_against_the_clock() -> None:
    """TEACH-CRITICAL: giving tocilizumab the key holds back (the 8 h interval)."""
    r = scored({"checkpoint": "second", "actions": [{"code": "tocilizumab", "strength": "give"}]})
    assert item(r, "second", "actions.tocilizumab").correct is False
    errs = [e for e in r.critical_errors if e.item == "actions.tocilizumab"]
    assert len(errs) == 1
    assert "TEACH-CRITICAL" in errs[0].rules
    ok = scored({"checkpoint": "second", "actions": [{"code": "tocilizumab", "strength": "avoid"}]})
    assert not [e for e in ok.critical_errors if e.item == "actions.tocilizumab"]


def test_teach_critical_missed_tocilizumab_and_steroid_at_grade_3() -> None:
    """TEACH-CRITICAL: a missed give of tocilizumab, and of a corticosteroid at grade 3."""
    r = scored({"checkpoint": "first", "actions": [{"code": "icu", "strength": "give"}]})
    items = {e.item for e in r.critical_errors}
    assert "actions.tocilizumab" in items
    assert any(
        e.startswith("actions.") and ("dexamethasone" in e or "methylpred" in e) for e in items
    )
    ok = scored(
        {
            "checkpoint": "first",
            "actions": [
                {"code": "tocilizumab", "strength": "give"},
                {"code": "methylprednisolone", "strength": "give"},
            ],
        }
    )
    # any corticosteroid given counts as not missed
    assert ok.critical_errors == ()


def test_teach_critical_dose_more_than_ten_percent_off() -> None:
    """TEACH-CRITICAL: 560 mg is the key; 616 mg (10%) is wrong but not critical, 617 is."""
    within = scored({"checkpoint": "first", "tocilizumab_dose_mg": 616})
    assert item(within, "first", "tocilizumab_dose_mg").correct is False
    assert within.critical_errors == ()
    beyond = scored({"checkpoint": "first", "tocilizumab_dose_mg": 840})  # 12 mg/kg
    (err,) = beyond.critical_errors
    assert err.item == "tocilizumab_dose_mg"
    assert "50.0%" in err.text
    assert "TEACH-CRITICAL" in err.rules
    assert "TOCI-DOSE" in err.rules


def test_totals_and_percent() -> None:
    r = scored(
        {
            "checkpoint": "first",
            "crs_grade": 3,
            "icans_grade": 0,
            "tocilizumab_dose_mg": 560,
            "next_tocilizumab_at": "2026-03-01T08:00",
            "seconds": 60,
        },
        {"checkpoint": "second", "seconds": 30},
    )
    assert r.score.points == 4
    assert r.score.possible == sum(c.possible for c in r.checkpoints)
    assert r.score.percent == round(100 * 4 / r.score.possible, 1)
    assert r.seconds_total == 90
    assert r.checkpoints[0].seconds == 60


def test_an_unanswered_first_checkpoint_scores_zero_of_its_possible() -> None:
    """The first checkpoint is shown as the attempt starts: reached, scored unanswered;
    the one after it was never shown: not reached, not scored."""
    r = scored()
    first, second = r.checkpoints
    assert r.score.points == 0
    assert r.score.possible == first.possible > 0
    assert first.reached
    assert not first.answered
    assert {i.status for i in first.items} <= {"not answered", "not scored"}
    assert not second.reached
    assert r.not_reached == ("second",)


def test_the_score_is_over_the_checkpoints_reached_only() -> None:
    """Issue 22: after 1 of 2 checkpoints the score was "x of (both checkpoints)"; the
    checkpoints not reached are listed apart, each item "not reached", none possible."""
    answer = {
        "checkpoint": "first",
        "crs_grade": 3,
        "icans_grade": 0,
        "tocilizumab_dose_mg": 560,
        "next_tocilizumab_at": "2026-03-01T08:00",
    }
    r = scored(answer)
    first, second = r.checkpoints
    assert r.score.possible == first.possible
    assert r.score.points == first.points
    assert r.score.percent == round(100 * first.points / first.possible, 1)
    assert r.not_reached == ("second",)
    assert not second.reached
    assert second.possible == 0
    assert second.items
    assert {i.status for i in second.items} == {"not reached"}
    assert all(i.correct is None for i in second.items)
    assert not [e for e in r.critical_errors if e.checkpoint == "second"]
    # A checkpoint skipped before the last one answered was reached: it counts unanswered.
    skipped = scored({"checkpoint": "second", "crs_grade": 3})
    assert skipped.not_reached == ()
    assert skipped.score.possible == sum(c.possible for c in skipped.checkpoints)
    assert skipped.checkpoints[0].possible > 0


@pytest.mark.parametrize(
    "rule_id", ["TEACH-GRADE", "TEACH-DOSE", "TEACH-TIME", "TEACH-ACTIONS", "TEACH-CRITICAL"]
)
def test_teach_rules_are_rule_data_with_status(rule_id: str) -> None:
    rule = ruleset().rule(rule_id)
    assert rule.status == "safety"
    assert rule.title
    assert rule.text


def test_score_cli_answers_the_common_keys() -> None:
    code, data = cli_json(
        ["score"], attempt_doc(scenario_doc(), {"checkpoint": "first", "crs_grade": 3})
    )
    assert code == 0
    assert data["score"]["points"] == 1
    assert data["ruleset"]["sha256"] == ruleset().sha256
    assert "TEACH-GRADE" in data["rules"]
    assert {"checkpoint", "item", "text", "rules"} <= set(
        (data["critical_errors"] or [{"checkpoint": 0, "item": 0, "text": 0, "rules": 0}])[0]
    )


def test_scenario_profile_stands_over_a_different_cli_profile() -> None:
    doc = scenario_doc()
    doc["profile"] = "eu-epcoritamab"
    code, data = cli_json(["scenario-key", "--profile", "asco-2021"], doc)
    assert code == 2
    assert data["error"]["fields"][0]["field"] == "profile"
    code, data = cli_json(["scenario-key"], doc)
    assert code == 0
    assert data["profile"] == "eu-epcoritamab"
    doc["profile"] = "no-such-profile"
    code, data = cli_json(["scenario-key"], doc)
    assert code == 2
    assert data["error"]["fields"][0]["field"] == "profile"
