"""Bad crosswalk input is refused naming the field (XW-UNKNOWN contradictions name both);
the command line and the batch answer ``crosswalk`` like every other command."""

from __future__ import annotations

import json
from typing import Any

import pytest

from calculator.edge.batch import run_batch
from tests.calculator.crosswalk.helpers import refusal
from tests.calculator.helpers import cli_json

CRS = {"temperature_c": 39.0, "oxygen": "facemask", "vasopressors": ["norepinephrine"]}

REFUSED: list[tuple[dict[str, Any], set[str]]] = [
    ({"crs": CRS, "fio2_pct": 20.9}, {"fio2_pct"}),
    ({"crs": CRS, "fio2_pct": 100.1}, {"fio2_pct"}),
    ({"crs": CRS, "fio2_pct": "40"}, {"fio2_pct"}),
    ({"crs": CRS, "fio2_pct": float("nan")}, {"fio2_pct"}),
    (
        {"crs": CRS, "vasopressor_doses": {"norepinephrine_ug_min": -1}},
        {"vasopressor_doses.norepinephrine_ug_min"},
    ),
    # above 10 times the XW-HIGHDOSE threshold (20 µg/min): a typing error
    (
        {"crs": CRS, "vasopressor_doses": {"norepinephrine_ug_min": 200.1}},
        {"vasopressor_doses.norepinephrine_ug_min"},
    ),
    (
        {
            "crs": {**CRS, "vasopressors": ["dopamine"]},
            "vasopressor_doses": {"dopamine_ug_kg_min": 101},
        },
        {"vasopressor_doses.dopamine_ug_kg_min"},
    ),
    (
        {"crs": CRS, "vasopressor_doses": {"epinephrine_ug_min": 5}},
        {"vasopressor_doses.epinephrine_ug_min", "crs.vasopressors"},
    ),
    ({"crs": CRS, "vasopressor_doses": {"noradrenaline": 5}}, {"vasopressor_doses.noradrenaline"}),
    ({"crs": CRS, "vasopressor_hours": -2}, {"vasopressor_hours"}),
    ({"crs": CRS, "organ_toxicity_grade": 5}, {"organ_toxicity_grade"}),
    ({"crs": CRS, "transaminase_grade": -1}, {"transaminase_grade"}),
    ({"crs": CRS, "creatinine_grade": 2.5}, {"creatinine_grade"}),
    ({"crs": {"temperature_c": 39.0}, "fio2_pct": 30}, {"fio2_pct", "crs.oxygen"}),
    (
        {"crs": {"temperature_c": 39.0}, "multiple_fluid_boluses": True},
        {"multiple_fluid_boluses", "crs.hypotension"},
    ),
    (
        {"icans": {"age_years": 40, "ice_score": 8}, "papilloedema_stage": 1},
        {"papilloedema_stage", "icans.cerebral_edema"},
    ),
    (
        {
            "icans": {"age_years": 40, "ice_score": 8, "cerebral_edema": "diffuse"},
            "papilloedema_stage": 6,
        },
        {"papilloedema_stage"},
    ),
    (
        {"icans": {"age_years": 40}, "seizure_generalised": True},
        {"seizure_generalised", "icans.seizure"},
    ),
    (
        {"icans": {"age_years": 40}, "csf_pressure_raised": False, "csf_opening_pressure_mmhg": 25},
        {"csf_pressure_raised", "csf_opening_pressure_mmhg"},
    ),
    ({"icans": {"age_years": 40}, "csf_opening_pressure_mmhg": 250}, {"csf_opening_pressure_mmhg"}),
    ({"crs": CRS, "head_of_government_named": True}, {"head_of_government_named"}),
    ({"icans": {"age_years": 40}, "fio2_pct": 50}, {"fio2_pct"}),
    ({}, {"crs", "icans"}),
    ({"crs": CRS, "typo": 1}, {"typo"}),
]


@pytest.mark.parametrize(("payload", "fields"), REFUSED)
def test_bad_input_is_refused_naming_the_field_xw_unknown(
    payload: dict[str, Any], fields: set[str]
) -> None:
    """XW-UNKNOWN contradictions and out-of-range values: refused, each field named."""
    err = refusal(payload)
    assert fields <= {f.field for f in err.fields}, err.message


def test_vasopressin_dose_is_accepted_when_running() -> None:
    code, data = cli_json(
        ["crosswalk"],
        {"crs": {**CRS, "vasopressors": ["norepinephrine", "vasopressin"]},
         "vasopressor_doses": {"norepinephrine_ug_min": 12, "vasopressin_u_min": 0.04},
         "high_dose_hours_met": True},
    )  # fmt: skip
    assert code == 0
    assert data["scales"]["lee2014"]["grade_min"] == 3


def test_command_line_answers_the_contract() -> None:
    code, data = cli_json(
        ["crosswalk"], {"crs": {"temperature_c": 39.0, "oxygen": "bipap"}, "fio2_pct": 35}
    )
    assert code == 0
    assert set(data["scales"]) == {"lee2014", "ctcae5", "penn", "mskcc", "cartox", "cres"}
    lee = data["scales"]["lee2014"]
    assert {"grade_min", "grade_max", "criteria", "needs", "source"} <= set(lee)
    assert data["astct"]["crs"]["grade"] == 4
    assert data["astct"]["icans"] is None
    assert data["ruleset"]["version"] == "2027.01"
    assert data["concordance"][0]["source"] == "PENNISI"
    assert data["scales"]["cres"]["status"] == "not_entered"


def test_command_line_refusal_is_exit_2() -> None:
    code, data = cli_json(["crosswalk"], {"crs": CRS, "fio2_pct": 101})
    assert code == 2
    assert data["error"]["fields"][0]["field"] == "fio2_pct"


def test_batch_regrades_crosswalk_lines_like_the_single_command() -> None:
    payload = {"crs": CRS, "fio2_pct": 45, "vasopressor_hours": 30}
    lines = [
        json.dumps({"command": "crosswalk", "input": payload, "id": 1}).encode(),
        json.dumps(
            {"command": "crosswalk", "input": {"crs": CRS, "fio2_pct": 10}, "id": 2}
        ).encode(),
    ]
    out: list[str] = []
    assert run_batch([], lines, out.append) == 0
    first, second = (json.loads(line) for line in out)
    _, single = cli_json(["crosswalk"], payload)
    assert first["exit"] == 0
    assert first["result"] == single
    assert second["exit"] == 2
    assert second["error"]["fields"][0]["field"] == "fio2_pct"


NOTE_CASE: dict[str, Any] = {
    "format": "crs-calc-case/1",
    "patient": {"weight_kg": 70, "age_years": 54},
    "at": "2026-11-21T08:00",
    "crs": {"temperature_c": 39.2, "oxygen": "bipap"},
}


def test_note_has_other_scales_only_when_the_case_carries_their_findings() -> None:
    """The handoff note shows the crosswalk only when someone entered its findings."""
    code, plain = cli_json(["note"], NOTE_CASE)
    assert code == 0
    assert "Other scales" not in plain["markdown"]
    assert plain["crosswalk"] is None
    code, data = cli_json(["note"], {**NOTE_CASE, "crosswalk": {"fio2_pct": 45}})
    assert code == 0
    md = data["markdown"]
    assert "## Other scales" in md
    assert "- FiO2: 45%" in md
    assert "- Penn: 3 (supplemental oxygen (BiPAP))" in md
    assert "XW-DEVICES" in data["rules"]
    assert md.index("## Grades") < md.index("## Other scales") < md.index("## Tocilizumab")


def test_note_refuses_a_crosswalk_contradiction_by_name() -> None:
    code, data = cli_json(
        ["note"], {**NOTE_CASE, "crosswalk": {"vasopressor_doses": {"dopamine_ug_kg_min": 5}}}
    )
    assert code == 2
    fields = {f["field"] for f in data["error"]["fields"]}
    assert "crosswalk.vasopressor_doses.dopamine_ug_kg_min" in fields


def test_the_notes_high_dose_time_is_the_rule_datas() -> None:
    """XW-HIGHDOSE's time at high dose is said from the rule data, never a number of the
    note's own: with the data's 3 h, and with another value in a changed ruleset."""
    from calculator import builtin_profile, ruleset
    from calculator.records.case import load_case
    from calculator.records.note import make_note

    case = load_case(
        {
            **NOTE_CASE,
            "crs": {"temperature_c": 39.2, "vasopressors": ["norepinephrine"]},
            "crosswalk": {"high_dose_hours_met": True},
        }
    )
    rs = ruleset()
    profile = builtin_profile(rs, None)
    assert "- High doses for >= 3 h: yes" in make_note(case, profile, rs).markdown
    high = rs.crosswalk.high_dose.model_copy(update={"hours_min": 6.0})
    other = rs.model_copy(update={"crosswalk": rs.crosswalk.model_copy(update={"high_dose": high})})
    assert "- High doses for >= 6 h: yes" in make_note(case, profile, other).markdown
