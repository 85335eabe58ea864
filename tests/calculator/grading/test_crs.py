"""ASTCT CRS grading: the worked examples C1-C10, every CRS rule ID, the profile boundaries."""

from __future__ import annotations

from typing import Any

import pytest

from calculator import CrsInput, ruleset
from calculator.edge.profile_files import builtin_profile
from calculator.grading.crs import grade_crs
from calculator.rulebook.loader import load_ruleset
from tests.calculator.helpers import DEFAULT, PROFILES, crs, field_names, refused, replace_in_data

NC = "nasal_cannula"

#: examples.md, CRS table: (id, profile, input, grade, rule IDs the result must name).
CRS_EXAMPLES: list[tuple[str, str, dict[str, Any], int, set[str]]] = [
    (
        "C1",
        DEFAULT,
        {
            "temperature_c": 39.5,
            "vasopressors": ["norepinephrine"],
            "oxygen": NC,
            "oxygen_flow_l_min": 2,
        },
        3,
        {"CRS-FEVER", "CRS-G3", "CRS-VASO", "CRS-O2FLOW", "CRS-G2", "CRS-WORST"},
    ),
    ("C2", DEFAULT, {"temperature_c": 38.0}, 1, {"CRS-FEVER", "CRS-G1"}),
    (
        "C3",
        DEFAULT,
        {"temperature_c": 37.9, "oxygen": NC, "oxygen_flow_l_min": 2},
        0,
        {"CRS-GATE", "CRS-FEVER"},
    ),
    ("C4", DEFAULT, {"fever_masked": True, "vasopressors": ["norepinephrine"]}, 3, {"CRS-MASK"}),
    (
        "C5",
        DEFAULT,
        {"temperature_c": 38.5, "vasopressors": ["norepinephrine", "vasopressin"]},
        3,
        {"CRS-VASO", "CRS-G3"},
    ),
    (
        "C6",
        DEFAULT,
        {"temperature_c": 38.5, "vasopressors": ["norepinephrine", "phenylephrine"]},
        4,
        {"CRS-VASO", "CRS-G4"},
    ),
    (
        "C7",
        DEFAULT,
        {"temperature_c": 38.5, "oxygen": NC, "oxygen_flow_l_min": 6},
        2,
        {"CRS-O2FLOW", "CRS-G2"},
    ),
    (
        "C7-eu",
        "eu-epcoritamab",
        {"temperature_c": 38.5, "oxygen": NC, "oxygen_flow_l_min": 6},
        3,
        {"CRS-O2FLOW", "CRS-G3"},
    ),
    (
        "C8",
        DEFAULT,
        {"temperature_c": 38.5, "oxygen": NC, "oxygen_flow_l_min": 6.5},
        3,
        {"CRS-O2FLOW", "CRS-G3"},
    ),
    ("C9", DEFAULT, {"temperature_c": 38.5, "oxygen": "bipap"}, 4, {"CRS-G4"}),
    ("C10", DEFAULT, {"temperature_c": 38.2, "hypotension": True}, 2, {"CRS-G2"}),
]


@pytest.mark.parametrize(
    ("case", "profile", "payload", "grade", "rules"),
    CRS_EXAMPLES,
    ids=[c[0] for c in CRS_EXAMPLES],
)
def test_worked_examples(
    case: str, profile: str, payload: dict[str, Any], grade: int, rules: set[str]
) -> None:
    result = crs(payload, profile)
    assert result.grade == grade, (case, result.explanation)
    assert rules <= set(result.rules), (case, result.rules)
    assert result.profile == profile


def test_c3_explains_that_fever_is_required() -> None:
    result = crs({"temperature_c": 37.9, "oxygen": NC, "oxygen_flow_l_min": 2})
    assert result.grade == 0
    assert "CRS-GATE" in result.rules
    text = " ".join(result.explanation)
    assert "fever is required" in text
    assert "not met" in text
    # The hypoxia is not lost: the explanation says it was seen and not graded as CRS.
    assert "Also present" in text
    assert "nasal cannula at 2 L/min" in text


def test_gate_without_any_finding() -> None:
    result = crs({})
    assert result.grade == 0
    assert result.rules == ("CRS-GATE", "CRS-FEVER")
    assert "no temperature entered" in result.explanation[0]


def test_result_carries_ruleset_profile_warnings_rules() -> None:
    result = crs({"temperature_c": 39.0}, "asco-2021")
    data = result.model_dump(mode="json")
    assert data["ruleset"] == {"version": ruleset().meta.version, "sha256": ruleset().sha256}
    assert len(data["ruleset"]["sha256"]) == 64
    assert data["profile"] == "asco-2021"
    assert data["warnings"] == []
    assert data["rules"] == ["CRS-FEVER", "CRS-G1"]
    assert isinstance(data["explanation"], list)
    assert all(isinstance(s, str) for s in data["explanation"])


# --- CRS-FEVER / CRS-GATE boundary, in every profile ------------------------------------------


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize(("temp", "grade"), [(37.9, 0), (38.0, 1), (38.1, 1)])
def test_fever_boundary_crs_fever(profile: str, temp: float, grade: int) -> None:
    result = crs({"temperature_c": temp}, profile)
    assert result.grade == grade
    assert "CRS-FEVER" in result.rules
    assert ("CRS-GATE" in result.rules) is (grade == 0)


def test_fever_threshold_comes_from_rule_data() -> None:
    assert ruleset().crs.fever.fever_min_c == 38.0
    rs = load_ruleset(replace_in_data("grading.toml", "fever_min_c = 38.0", "fever_min_c = 38.3"))
    profile = builtin_profile(rs, None)
    assert grade_crs(CrsInput(temperature_c=38.2), profile, rs).grade == 0
    assert grade_crs(CrsInput(temperature_c=38.3), profile, rs).grade == 1


# --- CRS-MASK --------------------------------------------------------------------------------


def test_mask_lets_hypoxia_grade_without_fever() -> None:
    result = crs({"temperature_c": 36.8, "fever_masked": True, "oxygen": "facemask"})
    assert result.grade == 3
    assert "CRS-MASK" in result.rules
    assert "CRS-GATE" not in result.rules
    assert "CRS-G3" in result.rules


def test_mask_with_nothing_else_is_grade_0_with_warning() -> None:
    result = crs({"temperature_c": 37.0, "fever_masked": True})
    assert result.grade == 0
    assert result.rules == ("CRS-MASK",)
    assert any(w.startswith("CRS-MASK:") for w in result.warnings)


def test_mask_with_fever_still_names_mask() -> None:
    result = crs({"temperature_c": 38.6, "fever_masked": True})
    assert result.grade == 1
    assert {"CRS-FEVER", "CRS-G1", "CRS-MASK"} <= set(result.rules)


# --- CRS-VASO --------------------------------------------------------------------------------


def test_vasopressin_alone_counts_as_one_and_warns() -> None:
    result = crs({"temperature_c": 38.5, "vasopressors": ["vasopressin"]})
    assert result.grade == 3
    assert {"CRS-G3", "CRS-VASO"} <= set(result.rules)
    assert any(w.startswith("CRS-VASO:") and "vasopressin alone" in w for w in result.warnings)


def test_vasopressin_with_another_agent_does_not_warn() -> None:
    result = crs({"temperature_c": 38.5, "vasopressors": ["vasopressin", "epinephrine"]})
    assert result.grade == 3
    assert not any("CRS-VASO" in w for w in result.warnings)
    assert "vasopressin is not counted" in result.drivers[-1].finding


@pytest.mark.parametrize(
    "agents",
    [
        ["norepinephrine", "epinephrine"],
        ["dopamine", "phenylephrine", "vasopressin"],
        ["other", "other"],
        ["epinephrine", "other"],
    ],
)
def test_two_counted_vasopressors_are_grade_4(agents: list[str]) -> None:
    result = crs({"temperature_c": 39.0, "vasopressors": agents})
    assert result.grade == 4
    assert {"CRS-G4", "CRS-VASO"} <= set(result.rules)


def test_vasopressors_imply_hypotension() -> None:
    assert (
        crs({"temperature_c": 39.0, "vasopressors": ["dopamine"], "hypotension": False}).grade == 3
    )


def test_a_named_agent_listed_twice_is_refused() -> None:
    err = refused(CrsInput, {"vasopressors": ["norepinephrine", "norepinephrine"]})
    assert field_names(err) == {"vasopressors"}
    assert "more than once" in err.message


# --- CRS-O2FLOW and the oxygen rows ----------------------------------------------------------


@pytest.mark.parametrize(
    ("profile", "flow", "grade"),
    [
        (DEFAULT, 5.9, 2),
        (DEFAULT, 6.0, 2),
        (DEFAULT, 6.1, 3),
        ("asco-2021", 6.0, 2),
        ("actemra-label", 6.0, 2),
        ("nccn-shortage", 6.0, 2),
        ("eu-epcoritamab", 5.9, 2),
        ("eu-epcoritamab", 6.0, 3),
        ("eu-epcoritamab", 6.1, 3),
    ],
)
def test_nasal_cannula_flow_boundary_crs_o2flow(profile: str, flow: float, grade: int) -> None:
    result = crs({"temperature_c": 38.5, "oxygen": NC, "oxygen_flow_l_min": flow}, profile)
    assert result.grade == grade
    assert "CRS-O2FLOW" in result.rules
    assert ("CRS-G2" if grade == 2 else "CRS-G3") in result.rules
    kind = "low flow" if grade == 2 else "high flow"
    assert kind in result.drivers[-1].finding


@pytest.mark.parametrize(
    ("device", "grade", "rule"),
    [
        ("blow_by", 2, "CRS-G2"),
        ("high_flow_nasal_cannula", 3, "CRS-G3"),
        ("facemask", 3, "CRS-G3"),
        ("nonrebreather", 3, "CRS-G3"),
        ("venturi", 3, "CRS-G3"),
        ("cpap", 4, "CRS-G4"),
        ("bipap", 4, "CRS-G4"),
        ("mechanical_ventilation", 4, "CRS-G4"),
    ],
)
def test_oxygen_devices(device: str, grade: int, rule: str) -> None:
    result = crs({"temperature_c": 38.5, "oxygen": device})
    assert result.grade == grade
    assert rule in result.rules


def test_flow_on_another_device_is_shown_not_graded() -> None:
    result = crs({"temperature_c": 38.5, "oxygen": "facemask", "oxygen_flow_l_min": 10})
    assert result.grade == 3
    assert "at 10 L/min" in result.drivers[-1].finding


def test_nasal_cannula_needs_a_flow() -> None:
    err = refused(CrsInput, {"temperature_c": 38.5, "oxygen": NC})
    assert field_names(err) == {"oxygen_flow_l_min"}
    assert "nasal cannula" in err.fields[0].message


def test_room_air_with_a_flow_is_a_contradiction() -> None:
    err = refused(CrsInput, {"oxygen": "room_air", "oxygen_flow_l_min": 2})
    assert field_names(err) == {"oxygen_flow_l_min"}
    assert "room_air" in err.fields[0].message


# --- CRS-WORST, CRS-G1, CRS-G5 ---------------------------------------------------------------


def test_worst_of_hypotension_and_hypoxia() -> None:
    result = crs(
        {"temperature_c": 38.5, "hypotension": True, "oxygen": "cpap"},
    )
    assert result.grade == 4
    assert "CRS-WORST" in result.rules
    assert {d.domain for d in result.drivers} == {"fever", "hypotension", "hypoxia"}
    assert result.grade == max(d.grade for d in result.drivers)


def test_one_domain_does_not_name_worst() -> None:
    result = crs({"temperature_c": 38.5, "hypotension": True})
    assert "CRS-WORST" not in result.rules


def test_fever_alone_is_g1() -> None:
    result = crs({"temperature_c": 40.1})
    assert result.grade == 1
    assert result.rules == ("CRS-FEVER", "CRS-G1")


def test_death_is_g5_whatever_else() -> None:
    result = crs({"temperature_c": 36.0, "deceased": True, "oxygen": "bipap"})
    assert result.grade == 5
    assert result.rules == ("CRS-G5",)
    assert result.drivers[0].domain == "death"


# --- CRS-ORGAN and CRS-COMFORT (notes) -------------------------------------------------------


def test_organ_note_always_and_comfort_note_with_organ_findings() -> None:
    plain = crs({"temperature_c": 38.5})
    assert [n.rule for n in plain.notes] == ["CRS-ORGAN"]
    assert "CTCAE" in plain.notes[0].text
    with_oxygen = crs({"temperature_c": 38.5, "oxygen": "blow_by"})
    assert [n.rule for n in with_oxygen.notes] == ["CRS-ORGAN", "CRS-COMFORT"]
    assert "comfort" in with_oxygen.notes[1].text


# --- Input ranges ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"temperature_c": 24.9}, "temperature_c"),
        ({"temperature_c": 45.1}, "temperature_c"),
        ({"temperature_c": "39"}, "temperature_c"),
        ({"temperature_c": float("nan")}, "temperature_c"),
        ({"oxygen": "tent"}, "oxygen"),
        ({"oxygen": NC, "oxygen_flow_l_min": 0}, "oxygen_flow_l_min"),
        ({"oxygen": NC, "oxygen_flow_l_min": 81}, "oxygen_flow_l_min"),
        ({"vasopressors": ["milrinone"]}, "vasopressors[0]"),
        ({"fever_masked": "yes"}, "fever_masked"),
        ({"temprature_c": 39}, "temprature_c"),
    ],
)
def test_bad_input_names_the_field(payload: dict[str, Any], field: str) -> None:
    assert field in field_names(refused(CrsInput, payload))


def test_verification_status_adds_a_warning() -> None:
    """A rule whose status says V carries "verify against local protocol" in the result."""
    files = replace_in_data(
        "grading.toml",
        'text = "Fever, no hypotension, no hypoxia."\nstatus = "P"',
        'text = "Fever, no hypotension, no hypoxia."\nstatus = "V"',
    )
    rs = load_ruleset(files)
    result = grade_crs(CrsInput(temperature_c=38.5), builtin_profile(rs, None), rs)
    assert result.warnings == ("CRS-G1: verify against local protocol (CRS grade 1)",)
