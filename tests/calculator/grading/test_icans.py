"""ASTCT ICANS grading: the worked examples I1-I10, every ICANS rule ID, the boundaries."""

from __future__ import annotations

from typing import Any

import pytest

from calculator import IcansInput, ruleset
from tests.calculator.helpers import DEFAULT, PROFILES, field_names, icans, refused

ADULT = 40
ASCO = "asco-2021"
#: Profiles whose CAPD age limit is inclusive (<= 12 years), read from the data.
INCLUSIVE = tuple(p for p in PROFILES if ruleset().profiles[p].capd_age_boundary == "inclusive")
AGE_WARNING = "ICANS-CAPDAGE: at 12 years sources differ"

#: examples.md, ICANS table: (id, profile, input, grade, instrument, rule IDs it must name).
ICANS_EXAMPLES: list[tuple[str, str, dict[str, Any], int, str, set[str]]] = [
    (
        "I1",
        DEFAULT,
        {"age_years": ADULT, "ice_score": 3, "seizure": "rapidly_resolving"},
        3,
        "ICE",
        {"ICANS-ICE", "ICANS-SZ", "ICANS-WORST"},
    ),
    (
        "I2",
        DEFAULT,
        {"age_years": ADULT, "ice_score": 0, "global_aphasia": True},
        3,
        "ICE",
        {"ICANS-APHASIA"},
    ),
    (
        "I3",
        DEFAULT,
        {"age_years": ADULT, "ice_score": 0, "consciousness": "unarousable"},
        4,
        "ICE",
        {"ICANS-APHASIA", "ICANS-LOC"},
    ),
    (
        "I4",
        DEFAULT,
        {"age_years": ADULT, "ice_score": 10, "consciousness": "awakens_to_voice"},
        2,
        "ICE",
        {"ICANS-LOC"},
    ),
    (
        "I5",
        DEFAULT,
        {"age_years": ADULT, "ice_score": 8, "seizure": "prolonged_or_repetitive"},
        4,
        "ICE",
        {"ICANS-ICE", "ICANS-SZ", "ICANS-WORST"},
    ),
    (
        "I6",
        DEFAULT,
        {"age_years": ADULT, "ice_score": 7, "cerebral_edema": "focal"},
        3,
        "ICE",
        {"ICANS-ICE", "ICANS-ICP", "ICANS-WORST"},
    ),
    ("I7", DEFAULT, {"age_years": ADULT, "ice_score": 10}, 0, "ICE", set()),
    (
        "I8",
        DEFAULT,
        {"age_years": 8, "capd_items": [4, 4, 0, 0, 4, 0, 0, 0]},
        3,
        "CAPD",
        {"ICANS-CAPD", "ICANS-CAPDAGE"},
    ),
    (
        "I9",
        DEFAULT,
        {"age_years": 8, "capd_score": 5, "consciousness": "awakens_to_voice"},
        2,
        "CAPD",
        {"ICANS-CAPD", "ICANS-LOC", "ICANS-WORST"},
    ),
    (
        "I10",
        DEFAULT,
        {"age_years": 12, "capd_score": 10},
        3,
        "CAPD",
        {"ICANS-CAPD", "ICANS-CAPDAGE"},
    ),
    (
        "I10-asco",
        ASCO,
        {"age_years": 12, "capd_score": 10},
        3,
        "CAPD",
        {"ICANS-CAPD", "ICANS-CAPDAGE"},
    ),
]


@pytest.mark.parametrize(
    ("case", "profile", "payload", "grade", "instrument", "rules"),
    ICANS_EXAMPLES,
    ids=[c[0] for c in ICANS_EXAMPLES],
)
def test_worked_examples(
    case: str, profile: str, payload: dict[str, Any], grade: int, instrument: str, rules: set[str]
) -> None:
    result = icans(payload, profile)
    assert result.grade == grade, (case, result.explanation)
    assert result.instrument == instrument
    assert rules <= set(result.rules), (case, result.rules)
    assert result.profile == profile


def test_i7_normal_is_grade_0_and_says_so() -> None:
    result = icans({"age_years": ADULT, "ice_score": 10})
    assert result.rules == ()
    assert result.drivers == ()
    assert result.warnings == ()
    assert "ICE 10" in result.explanation[-1]
    assert "grade 0" in result.explanation[-1]


def test_i8_capd_items_give_the_score() -> None:
    result = icans({"age_years": 8, "capd_items": [4, 4, 0, 0, 4, 0, 0, 0]})
    assert result.score == 12
    assert result.drivers[0].finding.startswith("CAPD 12/32")


def test_i10_asco_warns_that_ice_is_expected() -> None:
    result = icans({"age_years": 12, "capd_score": 10}, ASCO)
    assert result.grade == 3
    assert any(w.startswith(AGE_WARNING) for w in result.warnings)
    expected = [w for w in result.warnings if "ICE is expected" in w]
    assert len(expected) == 1
    assert "< 12 years" in expected[0]


def test_i10_default_has_only_the_age_warning() -> None:
    result = icans({"age_years": 12, "capd_score": 10})
    assert len(result.warnings) == 1
    assert result.warnings[0].startswith(AGE_WARNING)
    assert "<= 12 years" in result.warnings[0]


def test_result_carries_ruleset_profile_warnings_rules() -> None:
    data = icans({"age_years": ADULT, "ice_score": 8}, "nccn-shortage").model_dump(mode="json")
    assert data["ruleset"] == {"version": ruleset().meta.version, "sha256": ruleset().sha256}
    assert data["profile"] == "nccn-shortage"
    assert data["warnings"] == []
    assert data["rules"] == ["ICANS-ICE"]
    assert data["instrument"] == "ICE"
    assert data["score"] == 8


# --- ICANS-ICE bands -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "grade"), [(10, 0), (9, 1), (7, 1), (6, 2), (3, 2), (2, 3), (1, 3)]
)
def test_ice_band_boundaries(score: int, grade: int) -> None:
    result = icans({"age_years": ADULT, "ice_score": score})
    assert result.grade == grade
    assert result.rules == (("ICANS-ICE",) if grade else ())


def test_ice_items_give_the_score() -> None:
    items = {"orientation": 2, "naming": 3, "commands": 1, "writing": 0, "attention": 0}
    result = icans({"age_years": ADULT, "ice_items": items})
    assert result.score == 6
    assert result.grade == 2
    both = icans({"age_years": ADULT, "ice_items": items, "ice_score": 6})
    assert both.grade == 2


def test_ice_items_and_total_must_agree() -> None:
    items = {"orientation": 4, "naming": 3, "commands": 1, "writing": 1, "attention": 0}
    err = refused(IcansInput, {"age_years": ADULT, "ice_items": items, "ice_score": 8})
    assert field_names(err) == {"ice_score"}
    assert "add up to 9" in err.fields[0].message


def test_capd_items_and_total_must_agree() -> None:
    err = refused(IcansInput, {"age_years": 5, "capd_items": [1] * 8, "capd_score": 9})
    assert field_names(err) == {"capd_score"}
    assert "add up to 8" in err.fields[0].message
    assert icans({"age_years": 5, "capd_items": [1] * 8, "capd_score": 8}).score == 8


@pytest.mark.parametrize(
    ("payload", "field", "words"),
    [
        (
            {
                "ice_items": {
                    "orientation": 5,
                    "naming": 0,
                    "commands": 0,
                    "writing": 0,
                    "attention": 0,
                }
            },
            "ice_items.orientation",
            "from 0 to 4",
        ),
        (
            {
                "ice_items": {
                    "orientation": 0,
                    "naming": 4,
                    "commands": 0,
                    "writing": 0,
                    "attention": 0,
                }
            },
            "ice_items.naming",
            "from 0 to 3",
        ),
        ({"ice_items": {"orientation": 0}}, "ice_items.naming", "required"),
        ({"ice_score": 11}, "ice_score", "from 0 to 10"),
        ({"ice_score": -1}, "ice_score", "from 0 to 10"),
        ({"ice_score": 5.5}, "ice_score", "whole number"),
        ({"capd_score": 33}, "capd_score", "from 0 to 32"),
        ({"capd_items": [0] * 7}, "capd_items", "8 item scores"),
        ({"capd_items": [0, 0, 5, 0, 0, 0, 0, 0]}, "capd_items", "item 3"),
        ({"age_years": 121}, "age_years", "at most 120"),
        ({"age_years": -1}, "age_years", "at least 0"),
        ({"age_years": None}, "age_years", "number"),
        ({"consciousness": "drowsy"}, "consciousness", "one of"),
        ({"seizure": "yes"}, "seizure", "one of"),
        ({"cerebral_edema": "mild"}, "cerebral_edema", "one of"),
        ({"tremor": True}, "tremor", "not a known field"),
    ],
)
def test_bad_input_names_the_field(payload: dict[str, Any], field: str, words: str) -> None:
    err = refused(IcansInput, {"age_years": ADULT, **payload})
    messages = {f.field: f.message for f in err.fields}
    assert field in messages, err.message
    assert words in messages[field]


def test_missing_age_is_refused() -> None:
    err = refused(IcansInput, {"ice_score": 5})
    assert field_names(err) == {"age_years"}


# --- ICANS-APHASIA ---------------------------------------------------------------------------


def test_ice_0_without_aphasia_or_unarousable_warns_and_grades_3() -> None:
    result = icans({"age_years": ADULT, "ice_score": 0})
    assert result.grade == 3
    assert "ICANS-APHASIA" in result.rules
    assert len(result.warnings) == 1
    assert "global aphasia" in result.warnings[0]
    assert "unarousable" in result.warnings[0]


def test_ice_0_with_unable_to_assess_is_grade_4() -> None:
    result = icans({"age_years": ADULT, "ice_score": 0, "unable_to_assess": True})
    assert result.grade == 4
    assert "ICANS-APHASIA" in result.rules
    assert result.warnings == ()


def test_unable_to_perform_ice_is_grade_4() -> None:
    result = icans({"age_years": ADULT, "unable_to_assess": True})
    assert result.grade == 4
    assert result.score is None
    assert "unable to perform ICE" in result.drivers[0].finding


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"ice_score": 5, "unable_to_assess": True}, "unable_to_assess"),
        ({"ice_score": 5, "global_aphasia": True}, "global_aphasia"),
        ({"ice_score": 3, "consciousness": "unarousable"}, "consciousness"),
        ({"global_aphasia": True, "consciousness": "unarousable"}, "global_aphasia"),
        ({"global_aphasia": True, "unable_to_assess": True}, "global_aphasia"),
        ({"capd_score": 4, "unable_to_assess": True, "age_years": 5}, "unable_to_assess"),
    ],
)
def test_contradictions_are_refused_naming_the_field(payload: dict[str, Any], field: str) -> None:
    err = refused(IcansInput, {"age_years": ADULT, **payload})
    assert field_names(err) == {field}


def test_ice_and_capd_together_are_refused() -> None:
    err = refused(IcansInput, {"age_years": 8, "ice_score": 5, "capd_score": 5})
    assert field_names(err) == {"ice_score", "capd_score"}
    assert "not both" in err.message


# --- ICANS-LOC, ICANS-SZ, ICANS-MOTOR, ICANS-ICP, ICANS-WORST --------------------------------


@pytest.mark.parametrize(
    ("level", "grade"),
    [
        ("awakens_spontaneously", 1),
        ("awakens_to_voice", 2),
        ("awakens_to_tactile", 3),
        ("unarousable", 4),
    ],
)
def test_consciousness_icans_loc(level: str, grade: int) -> None:
    result = icans({"age_years": ADULT, "consciousness": level})
    assert result.grade == grade
    assert result.rules == ("ICANS-LOC",)


@pytest.mark.parametrize(
    ("seizure", "grade"), [("rapidly_resolving", 3), ("prolonged_or_repetitive", 4)]
)
def test_seizure_icans_sz(seizure: str, grade: int) -> None:
    result = icans({"age_years": ADULT, "ice_score": 10, "seizure": seizure})
    assert result.grade == grade
    assert result.rules == ("ICANS-SZ",)


def test_motor_weakness_icans_motor() -> None:
    result = icans({"age_years": ADULT, "ice_score": 9, "motor_weakness": True})
    assert result.grade == 4
    assert set(result.rules) == {"ICANS-ICE", "ICANS-MOTOR", "ICANS-WORST"}
    assert "motor" in " ".join(result.explanation)


@pytest.mark.parametrize(("edema", "grade"), [("focal", 3), ("diffuse", 4)])
def test_edema_icans_icp(edema: str, grade: int) -> None:
    result = icans({"age_years": ADULT, "cerebral_edema": edema})
    assert result.grade == grade
    assert result.rules == ("ICANS-ICP",)


def test_worst_domain_names_the_ties() -> None:
    result = icans(
        {
            "age_years": ADULT,
            "ice_score": 1,
            "seizure": "rapidly_resolving",
            "cerebral_edema": "focal",
        }
    )
    assert result.grade == 3
    assert "ICANS-WORST" in result.rules
    assert "(ice, seizure, edema)" in result.explanation[-1]


# --- ICANS-G5 and ICANS-EXCL -----------------------------------------------------------------


def test_death_icans_g5() -> None:
    result = icans({"age_years": ADULT, "ice_score": 9, "deceased": True})
    assert result.grade == 5
    assert result.rules == ("ICANS-G5",)
    assert result.drivers[0].domain == "death"


def test_exclusions_note_icans_excl() -> None:
    result = icans({"age_years": ADULT, "ice_score": 10})
    assert [n.rule for n in result.notes] == ["ICANS-EXCL"]
    assert "tremor" in result.notes[0].text.lower()
    assert "hemorrhage" in result.notes[0].text


# --- ICANS-CAPD bands ------------------------------------------------------------------------


@pytest.mark.parametrize(("score", "grade"), [(0, 0), (1, 1), (8, 1), (9, 3), (32, 3)])
def test_capd_band_boundaries(score: int, grade: int) -> None:
    result = icans({"age_years": 6, "capd_score": score})
    assert result.instrument == "CAPD"
    assert result.grade == grade
    assert ("ICANS-CAPD" in result.rules) is (grade > 0)


def test_capd_1_to_8_says_consciousness_decides() -> None:
    result = icans({"age_years": 6, "capd_score": 8})
    assert "level of consciousness decides" in result.drivers[0].finding


def test_unable_to_perform_capd_is_grade_4() -> None:
    result = icans({"age_years": 3, "unable_to_assess": True})
    assert result.instrument == "CAPD"
    assert result.grade == 4
    assert "ICANS-CAPD" in result.rules


def test_child_with_no_score_is_graded_on_the_other_domains() -> None:
    result = icans({"age_years": 3, "seizure": "rapidly_resolving"})
    assert result.instrument == "CAPD"
    assert result.score is None
    assert result.grade == 3


# --- ICANS-CAPDAGE: the age limit in each profile --------------------------------------------


@pytest.mark.parametrize("profile", INCLUSIVE)
@pytest.mark.parametrize(
    ("age", "instrument"), [(11, "CAPD"), (12, "CAPD"), (12.9, "CAPD"), (13, "ICE")]
)
def test_capd_age_inclusive_profiles(profile: str, age: float, instrument: str) -> None:
    result = icans({"age_years": age}, profile)
    assert result.instrument == instrument
    assert ("ICANS-CAPDAGE" in result.rules) is (instrument == "CAPD")


@pytest.mark.parametrize(
    ("age", "instrument"), [(11, "CAPD"), (11.99, "CAPD"), (12, "ICE"), (13, "ICE")]
)
def test_capd_age_asco_is_below_12(age: float, instrument: str) -> None:
    result = icans({"age_years": age}, ASCO)
    assert result.instrument == instrument


def test_every_profile_is_covered_by_the_age_tests() -> None:
    assert set(INCLUSIVE) | {ASCO} == set(PROFILES)


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("age", [12, 12.5])
def test_age_12_warns_in_every_profile(profile: str, age: float) -> None:
    result = icans({"age_years": age}, profile)
    assert sum(w.startswith(AGE_WARNING) for w in result.warnings) == 1


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("age", [11, 13, 40])
def test_no_age_warning_away_from_12(profile: str, age: float) -> None:
    assert not any("ICANS-CAPDAGE" in w for w in icans({"age_years": age}, profile).warnings)


@pytest.mark.parametrize(("profile", "age"), [(DEFAULT, 8), (DEFAULT, 12), (ASCO, 11)])
def test_ice_for_a_child_of_capd_age_warns(profile: str, age: float) -> None:
    result = icans({"age_years": age, "ice_score": 5}, profile)
    assert result.instrument == "ICE"
    assert result.grade == 2
    assert any("ICE was given for a child" in w for w in result.warnings)


@pytest.mark.parametrize(("profile", "age"), [(DEFAULT, 13), (ASCO, 12), (DEFAULT, 30)])
def test_capd_for_an_older_patient_warns(profile: str, age: float) -> None:
    result = icans({"age_years": age, "capd_score": 5}, profile)
    assert result.instrument == "CAPD"
    assert result.grade == 1
    assert "ICANS-CAPD" in result.rules
    assert any("ICE is expected" in w and "developmental delay" in w for w in result.warnings)


@pytest.mark.parametrize(("profile", "age"), [(ASCO, 12), (DEFAULT, 13), (DEFAULT, 40)])
def test_ice_for_an_older_patient_does_not_warn_about_instrument(profile: str, age: float) -> None:
    result = icans({"age_years": age, "ice_score": 5}, profile)
    assert not any("ICE was given for a child" in w for w in result.warnings)
