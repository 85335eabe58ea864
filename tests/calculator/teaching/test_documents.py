"""The scenario and attempt documents (spec teaching.md): accepted, refused by field,
and round-tripped."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from calculator import InputError, builtin_profile, ruleset
from calculator.teaching import (
    dump_attempt,
    dump_scenario,
    load_attempt,
    load_scenario,
    score_attempt,
)
from tests.calculator.helpers import cli_json
from tests.calculator.teaching.helpers import attempt_doc, scenario_doc


def refused_fields(data: dict[str, Any], loader: Any = load_scenario) -> dict[str, str]:
    with pytest.raises(InputError) as info:
        loader(data)
    return {f.field: f.message for f in info.value.fields}


def test_the_spec_example_is_accepted_with_defaults() -> None:
    doc = scenario_doc()
    del doc["checkpoints"][1]
    del doc["checkpoints"][0]["improving"]
    s = load_scenario(doc)
    cp = s.checkpoints[0]
    assert cp.ask == (
        "crs_grade",
        "icans_grade",
        "actions",
        "tocilizumab_dose_mg",
        "next_tocilizumab_at",
    )
    assert cp.improving is None
    assert cp.icans.age_years == 60  # taken from the patient
    assert s.profile is None


def test_checkpoints_out_of_time_order_are_refused_by_field() -> None:
    doc = scenario_doc()
    doc["checkpoints"][1]["at"] = "2026-03-01T08:00"
    doc["checkpoints"][1]["tocilizumab_doses"] = []
    fields = refused_fields(doc)
    assert "checkpoints[1].at" in fields
    assert "later than checkpoints[0].at" in fields["checkpoints[1].at"]


def test_repeated_checkpoint_ids_are_refused() -> None:
    doc = scenario_doc()
    doc["checkpoints"][1]["id"] = "first"
    assert "checkpoints[1].id" in refused_fields(doc)


def test_a_dose_later_than_the_checkpoint_is_refused_naming_the_dose() -> None:
    doc = scenario_doc()
    doc["checkpoints"][1]["tocilizumab_doses"] = ["2026-03-01T08:00", "2026-03-01T15:00"]
    fields = refused_fields(doc)
    assert "checkpoints[1].tocilizumab_doses[1]" in fields


def test_a_dose_dropped_between_checkpoints_is_refused() -> None:
    doc = scenario_doc()
    doc["checkpoints"][0]["at"] = "2026-03-01T09:00"
    doc["checkpoints"][0]["tocilizumab_doses"] = ["2026-03-01T08:00"]
    doc["checkpoints"][1]["tocilizumab_doses"] = []
    assert "checkpoints[1].tocilizumab_doses" in refused_fields(doc)


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (("id",), "Bad ID!", "id"),
        (("checkpoints", 0, "id"), "Evening 1", "checkpoints[0].id"),
        (("checkpoints", 0, "at"), "tomorrow", "checkpoints[0].at"),
        (("checkpoints", 0, "narrative"), "", "checkpoints[0].narrative"),
        (
            ("checkpoints", 0, "crs", "temperature_c"),
            float("nan"),
            "checkpoints[0].crs.temperature_c",
        ),
        (("checkpoints", 0, "crs", "temprature_c"), 39, "checkpoints[0].crs.temprature_c"),
        (("checkpoints", 0, "icans", "ice_score"), 11, "checkpoints[0].icans.ice_score"),
        (("checkpoints", 0, "icans", "age_years"), 30, "checkpoints[0].icans.age_years"),
        (("checkpoints", 0, "ask"), ["crs_grade", "crs_grade"], "checkpoints[0].ask"),
        (("checkpoints", 0, "ask"), ["grade"], "checkpoints[0].ask[0]"),
        (("checkpoints", 0, "improving"), "yes", "checkpoints[0].improving"),
        (("patient", "weight_kg"), 0, "patient.weight_kg"),
        (("patient", "weight_kg"), -70, "patient.weight_kg"),
        (("patient", "product"), "car-t", "patient.product"),
        (("checkpoints",), [], "checkpoints"),
        (("unknown",), 1, "unknown"),
    ],
)
def test_bad_fields_are_named(path: tuple[Any, ...], value: Any, field: str) -> None:
    doc = scenario_doc()
    target: Any = doc
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    assert field in refused_fields(doc)


def test_format_is_checked_first_and_newer_versions_are_named() -> None:
    doc = scenario_doc()
    doc["format"] = "crs-calc-scenario/2"
    assert "newer" in refused_fields(doc)["format"]
    doc["format"] = "crs-calc-case/1"
    assert "format" in refused_fields(doc)
    with pytest.raises(InputError):
        load_scenario([])


def test_attempt_answers_must_name_checkpoints_of_the_scenario() -> None:
    doc = attempt_doc(scenario_doc(), {"checkpoint": "third", "crs_grade": 1})
    assert "answers[0].checkpoint" in refused_fields(doc, load_attempt)
    doc = attempt_doc(scenario_doc(), {"checkpoint": "first"}, {"checkpoint": "first"})
    assert "answers[1].checkpoint" in refused_fields(doc, load_attempt)


def test_attempt_answer_fields_are_checked() -> None:
    doc = attempt_doc(
        scenario_doc(),
        {
            "checkpoint": "first",
            "crs_grade": 6,
            "actions": [{"code": "tocilizumab", "strength": "maybe"}],
            "tocilizumab_dose_mg": -1,
        },
    )
    fields = refused_fields(doc, load_attempt)
    assert {
        "answers[0].crs_grade",
        "answers[0].actions[0].strength",
        "answers[0].tocilizumab_dose_mg",
    } <= set(fields)


def test_an_item_not_asked_cannot_be_answered() -> None:
    scenario = scenario_doc()
    scenario["checkpoints"][0]["ask"] = ["crs_grade"]
    doc = attempt_doc(scenario, {"checkpoint": "first", "icans_grade": 0})
    assert "answers[0].icans_grade" in refused_fields(doc, load_attempt)


def test_a_bad_embedded_scenario_is_named_under_scenario() -> None:
    scenario = scenario_doc()
    scenario["checkpoints"][1]["at"] = "2026-03-01T07:00"
    scenario["checkpoints"][1]["tocilizumab_doses"] = []
    fields = refused_fields(attempt_doc(scenario), load_attempt)
    assert "scenario.checkpoints[1].at" in fields


def test_attempt_round_trip_saves_reopens_and_scores_equal(tmp_path: Path) -> None:
    """Save, reopen, score: the same score and the same document."""
    doc = attempt_doc(
        scenario_doc(),
        {
            "checkpoint": "first",
            "crs_grade": 3,
            "icans_grade": 0,
            "actions": [{"code": "tocilizumab", "strength": "give"}],
            "tocilizumab_dose_mg": 560,
            "next_tocilizumab_at": "2026-03-01T08:00",
            "seconds": 80,
        },
        {"checkpoint": "second", "crs_grade": 2, "next_tocilizumab_at": None, "seconds": 42.5},
    )
    rs = ruleset()
    profile = builtin_profile(rs, None)
    attempt = load_attempt(doc)
    path = tmp_path / "attempt.json"
    path.write_text(json.dumps(dump_attempt(attempt)), encoding="utf-8")
    reopened = load_attempt(json.loads(path.read_text(encoding="utf-8")))
    assert reopened == attempt
    assert score_attempt(reopened, profile, rs) == score_attempt(attempt, profile, rs)
    # a null next time stays an answer after the round trip; an absent one stays absent
    assert reopened.answers[1].answered("next_tocilizumab_at")
    assert not reopened.answers[1].answered("tocilizumab_dose_mg")


def test_scenario_round_trip() -> None:
    s = load_scenario(scenario_doc())
    assert load_scenario(dump_scenario(s)) == s


def test_cli_refuses_a_bad_scenario_with_exit_2_and_the_field() -> None:
    doc = scenario_doc()
    doc["checkpoints"][1]["at"] = "2026-03-01T06:00"
    doc["checkpoints"][1]["tocilizumab_doses"] = []
    code, data = cli_json(["scenario-key"], doc)
    assert code == 2
    assert "checkpoints[1].at" in {f["field"] for f in data["error"]["fields"]}
    code, data = cli_json(["score"], attempt_doc(doc))
    assert code == 2
    assert "scenario.checkpoints[1].at" in {f["field"] for f in data["error"]["fields"]}
