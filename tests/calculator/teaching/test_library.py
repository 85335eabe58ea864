"""The built-in scenarios: every one keys under the current rules (a scenario that no
longer keys after a rule change fails here), names rule IDs that exist, and together
they cover the list of spec teaching.md."""

from __future__ import annotations

import re

import pytest

from calculator import builtin_profile, ruleset
from calculator.teaching import (
    ScenarioKey,
    builtin_scenarios,
    load_scenario,
    scenario_key,
    scenario_profile,
)
from tests.calculator.helpers import cli
from tests.calculator.teaching.helpers import scenario_doc

SCENARIOS = builtin_scenarios()
IDS = [s.id for s in SCENARIOS]
RULE_ID = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$")

# Per scenario and checkpoint: (CRS grade, ICANS grade, tocilizumab mg, next time or None).
# Grading, dose and clock rules only: a change to any of them shows up here by name.
EXPECTED: dict[str, list[tuple[int, int, float, str | None]]] = {
    "adult-axicel-escalation": [
        (1, 0, 656, "2026-03-01T20:00"),
        (2, 0, 656, "2026-03-02T02:00"),
        (3, 0, 656, "2026-03-02T10:15"),
        (3, 0, 656, "2026-03-02T10:30"),
    ],
    "fever-masked-after-tocilizumab": [
        (2, 0, 560, "2026-04-10T14:00"),
        (3, 0, 560, "2026-04-10T23:00"),
        (2, 0, 560, "2026-04-11T08:00"),
    ],
    "icans-without-crs": [
        (0, 1, 608, "2026-05-06T08:00"),
        (0, 2, 608, "2026-05-06T14:00"),
        (0, 3, 608, "2026-05-06T22:00"),
    ],
    "child-capd-tocilizumab": [
        (2, 1, 264, "2026-06-02T18:00"),
        (2, 3, 264, "2026-06-03T04:00"),
        (0, 2, 264, "2026-06-03T10:00"),
    ],
    "thirty-kg-step": [
        (1, 0, 240, "2026-07-01T23:00"),
        (2, 0, 240, "2026-07-02T07:00"),
        (2, 0, 240, "2026-07-02T15:30"),
    ],
    "tocilizumab-cap-800": [
        (1, 0, 800, "2026-08-03T19:00"),
        (2, 0, 800, "2026-08-04T03:00"),
        (2, 0, 800, "2026-08-04T12:00"),
    ],
    "repeat-dose-clock": [
        (3, 0, 720, "2026-09-05T08:00"),
        (3, 0, 720, "2026-09-05T08:00"),
        (3, 0, 720, None),
    ],
    "refractory-crs-mp1g": [
        (3, 0, 624, "2026-10-02T10:00"),
        (4, 0, 624, "2026-10-02T20:00"),
        (2, 0, 624, "2026-10-05T08:00"),
    ],
    "haplo-ptcy-crs": [
        (2, 0, 544, "2026-11-02T18:00"),
        (3, 0, 544, "2026-11-03T02:00"),
        (2, 0, 544, "2026-11-03T12:00"),
    ],
    "epcoritamab-eu-6-litres": [
        (1, 0, 592, "2026-12-15T09:00"),
        (3, 0, 592, "2026-12-15T15:00"),
        (3, 0, 592, "2026-12-15T23:15"),
        (3, 0, 592, "2026-12-16T15:15"),
    ],
    "vasopressin-alone": [
        (3, 0, 640, "2026-12-20T04:00"),
        (3, 0, 640, "2026-12-20T12:30"),
        (4, 0, 640, "2026-12-20T20:40"),
    ],
    "other-scales-bipap": [
        (4, 0, 592, "2026-12-10T10:00"),
        (3, 0, 592, "2026-12-11T20:00"),
        (1, 3, 592, "2026-12-12T08:00"),
    ],
}

# The crosswalk in a key (issue 25): per checkpoint, each older scale's grade.
EXPECTED_SCALES: dict[str, list[dict[str, str]]] = {
    "other-scales-bipap": [
        # BiPAP: ASTCT 4 (above), Penn 3 (XW-DEVICES); Lee, MSKCC, CARTOX by FiO2 45%
        {"lee2014": "3", "ctcae5": "3", "penn": "3", "mskcc": "3", "cartox": "3", "cres": "0"},
        # norepinephrine 8 µg/min for 30 h: MSKCC 3 (XW-MSKCC), Lee and CARTOX 2 (XW-HIGHDOSE)
        {"lee2014": "2", "ctcae5": "3", "penn": "3", "mskcc": "3", "cartox": "2", "cres": "0"},
        # a partial seizure: CRES 3 (XW-CRES); CARTOX-10 5 of ICE 6 (XW-CARTOX10); Penn 2
        {"lee2014": "1", "ctcae5": "1", "penn": "2", "mskcc": "1", "cartox": "1", "cres": "3"},
    ],
}


@pytest.mark.parametrize("scenario_id", sorted(EXPECTED_SCALES))
def test_crosswalk_scenario_key_is_computed_by_the_core(scenario_id: str) -> None:
    """XW-DEVICES and XW-MSKCC taught by a built-in scenario, its key from the core."""
    got = [
        {name: scale.grade_text for name, scale in cp.crosswalk.scales.items()}
        for cp in key_of(scenario_id).checkpoints
    ]
    assert got == EXPECTED_SCALES[scenario_id]


def key_of(scenario_id: str) -> ScenarioKey:
    rs = ruleset()
    s = next(s for s in SCENARIOS if s.id == scenario_id)
    return scenario_key(s, scenario_profile(s, rs), rs)


def test_at_least_eight_builtin_scenarios_with_unique_ids() -> None:
    assert len(SCENARIOS) >= 8
    assert len(set(IDS)) == len(IDS)
    assert set(EXPECTED) == set(IDS), "every built-in scenario has its expected key here"


@pytest.mark.parametrize("scenario_id", IDS)
def test_every_builtin_scenario_keys(scenario_id: str) -> None:
    key = key_of(scenario_id)
    got = [
        (
            c.crs_grade,
            c.icans_grade,
            c.tocilizumab_dose_mg,
            None
            if c.next_tocilizumab_at is None
            else c.next_tocilizumab_at.strftime("%Y-%m-%dT%H:%M"),
        )
        for c in key.checkpoints
    ]
    assert got == EXPECTED[scenario_id]
    for c in key.checkpoints:
        assert c.crs_explanation
        assert c.icans_explanation
        assert c.actions
        assert c.rules


@pytest.mark.parametrize("scenario_id", IDS)
def test_every_builtin_scenario_is_written_for_teaching(scenario_id: str) -> None:
    """Objectives and teaching points name rule IDs, and every ID named exists; several
    checkpoints, hours apart; narratives give findings, not grades."""
    s = next(s for s in SCENARIOS if s.id == scenario_id)
    known = {r.id for r in ruleset().all_rules()}
    assert s.objectives
    assert len(s.checkpoints) >= 3
    for text in (*s.objectives, *(p for c in s.checkpoints for p in c.teaching_points)):
        named = {
            t
            for group in re.findall(r"\(([^()]*)\)", text)
            for t in group.split(", ")
            if RULE_ID.match(t)
        }
        assert named, f"{text!r} names no rule ID"
        assert named <= known, f"{text!r} names unknown rules {named - known}"
    for c in s.checkpoints:
        assert c.teaching_points
        assert not re.search(r"\bgrade\s*\d", c.narrative, re.IGNORECASE), c.narrative
    gaps = [
        (b.at - a.at).total_seconds() / 3600
        for a, b in zip(s.checkpoints, s.checkpoints[1:], strict=False)
    ]
    assert all(g >= 1 for g in gaps)


def test_the_library_covers_the_spec_list() -> None:
    keys = {i: key_of(i) for i in IDS}
    found: set[str] = set()
    for sid, key in keys.items():
        s = next(x for x in SCENARIOS if x.id == sid)
        for cp, k in zip(s.checkpoints, key.checkpoints, strict=False):
            gives = {a.code for a in k.actions if a.strength == "give"}
            if (
                cp.crs.temperature_c == 39.5
                and cp.crs.vasopressors == ("norepinephrine",)
                and cp.crs.oxygen_flow_l_min == 2
                and k.crs_grade == 3
            ):
                found.add("nccn-example")
            if k.crs_grade >= 2 and "dexamethasone" in gives and "MGT-REFR" in k.rules:
                found.add("escalation-dexamethasone")
            if cp.crs.fever_masked and (cp.crs.temperature_c or 0) < 38 and k.crs_grade >= 2:
                found.add("CRS-MASK")
            if k.crs_grade == 0 and k.icans_grade >= 2 and "MGT-NOTOCI" in k.rules:
                found.add("MGT-NOTOCI")
            if (
                k.icans_instrument == "CAPD"
                and k.tocilizumab_dose.mg_per_kg == 12
                and k.tocilizumab_dose.bag_ml == 50
            ):
                found.add("child-capd-12")
            if s.patient.weight_kg == 30 and k.tocilizumab_dose.mg_per_kg == 8:
                found.add("TOCI-STEP")
            if k.tocilizumab_dose.capped:
                found.add("TOCI-CAP")
            if k.tocilizumab_schedule.doses_last_24h == 3:
                found.add("three-in-24h")
            if k.tocilizumab_schedule.doses_total == 4 and k.next_tocilizumab_at is None:
                found.add("four-total")
            if any(
                a.code == "methylprednisolone" and a.strength == "give" and a.taper == "TAPER-MP1G"
                for a in k.actions
            ):
                found.add("mp-1g-taper")
            if s.patient.haplo_ptcy and "MGT-HAPLO" in k.rules:
                found.add("MGT-HAPLO")
            if (
                key.profile == "eu-epcoritamab"
                and cp.crs.oxygen_flow_l_min == 6
                and k.crs_grade == 3
            ):
                found.add("eu-epcoritamab-6l")
            if cp.crs.vasopressors == ("vasopressin",) and k.crs_grade == 3:
                found.add("vasopressin-alone")
    assert found == {
        "nccn-example",
        "escalation-dexamethasone",
        "CRS-MASK",
        "MGT-NOTOCI",
        "child-capd-12",
        "TOCI-STEP",
        "TOCI-CAP",
        "three-in-24h",
        "four-total",
        "mp-1g-taper",
        "MGT-HAPLO",
        "eu-epcoritamab-6l",
        "vasopressin-alone",
    }


def test_icans_without_crs_never_gives_tocilizumab() -> None:
    """MGT-NOTOCI: the trap of the ICANS scenario stays a trap."""
    for k in key_of("icans-without-crs").checkpoints:
        assert {a.code: a.strength for a in k.actions}.get("tocilizumab") == "avoid"


def test_scenarios_command_lists_the_library() -> None:
    code, data = cli(["scenarios"])
    assert code == 0
    assert [s["id"] for s in data["scenarios"]] == IDS
    for doc in data["scenarios"]:
        assert load_scenario(doc).id == doc["id"]


@pytest.mark.parametrize("scenario_id", IDS[:2])
def test_scenario_key_command_matches_the_library_key(scenario_id: str) -> None:
    from calculator.teaching import dump_scenario

    s = next(s for s in SCENARIOS if s.id == scenario_id)
    import json

    code, data = cli(["scenario-key"], json.dumps(dump_scenario(s)))
    assert code == 0
    assert data == key_of(scenario_id).model_dump(mode="json")


def test_a_checkpoint_recommend_refuses_is_refused_by_its_name() -> None:
    """crs_grade1_days applies to grade 1 only: a grade 3 checkpoint with it is refused,
    naming the checkpoint, not keyed on a guess."""
    doc = scenario_doc()
    doc["checkpoints"][0]["crs_grade1_days"] = 2
    code, data = cli(["scenario-key"], __import__("json").dumps(doc))
    assert code == 2
    assert data["error"]["fields"][0]["field"] == "checkpoints[0].crs_grade1_days"


def test_a_rule_change_changes_the_key() -> None:
    """The key is computed, never typed: with the fever threshold moved, the first
    checkpoint of the escalation scenario is no longer grade 1."""
    from calculator.rulebook.loader import load_ruleset
    from tests.calculator.helpers import replace_in_data

    rs = load_ruleset(replace_in_data("grading.toml", "fever_min_c = 38.0", "fever_min_c = 39.0"))
    s = next(s for s in SCENARIOS if s.id == "adult-axicel-escalation")
    key = scenario_key(s, builtin_profile(rs, None), rs)
    assert key.checkpoints[0].crs_grade == 0
    assert key.ruleset.sha256 != ruleset().sha256


def test_the_key_passes_seizure_and_improving_as_the_scenario_gives_them() -> None:
    """The seizure of the ICANS findings reaches recommend (MGT-SZ: levetiracetam "give"),
    and an unasked improving stays null (MGT-IMPROVING), never assumed."""
    night = key_of("icans-without-crs").checkpoints[2]
    assert {a.code: a.strength for a in night.actions}["seizure_prophylaxis"] == "give"
    assert "MGT-SZ" in night.rules
    evening = key_of("adult-axicel-escalation").checkpoints[0]
    assert evening.recommendation.improving is None
    morning = key_of("adult-axicel-escalation").checkpoints[2]
    assert morning.recommendation.improving is False
    toci = next(a for a in morning.actions if a.code == "tocilizumab")
    assert toci.strength == "wait"  # MGT-WAIT: the 8 h clock, with the time
    assert toci.not_before is not None
