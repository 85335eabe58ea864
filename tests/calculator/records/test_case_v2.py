"""crs-calc-case/2 (spec episode.md): the models, version 1 read as one assessment, and
every bad input refused naming its field (exit 2, never a traceback)."""

from __future__ import annotations

from typing import Any

import pytest

from calculator.edge.errors import InputError
from calculator.records.case import CASE_FORMAT, load_case
from calculator.records.case_v2 import (
    MAX_ASSESSMENTS,
    MAX_GIVEN,
    dump_episode_case,
    from_v1,
    load_episode_case,
)
from tests.calculator.helpers import cli_json
from tests.calculator.records.episode_helpers import FEVER, assessment, case, dose, hours, iso
from tests.calculator.records.test_case_note import CASES


def refused_fields(payload: dict[str, Any]) -> list[str]:
    code, out = cli_json(["episode"], payload)
    assert code == 2, out
    assert "Traceback" not in str(out)
    return [f["field"] for f in out["error"]["fields"]]


def test_a_full_version_2_document_is_read() -> None:
    doc = case(
        [assessment(0, FEVER, by="AK", comment="rigors"), assessment(4, FEVER, improving=False)],
        [
            dose("tocilizumab", 1, dose_mg=560, by="AK"),
            dose("dexamethasone", 2, dose_mg=10, route="IV"),
        ],
        day0=iso(hours(-30)),
        time_zone="Europe/Berlin",
        profile="astct-nccn-2026",
        units={"temperature": "F", "weight": "kg"},
    )
    doc["assessments"][0]["icans"] = {"ice_score": 9}
    c = load_episode_case(doc)
    assert len(c.assessments) == 2
    assert c.assessments[0].icans is not None
    assert c.assessments[0].icans.age_years == 54  # the patient's age
    assert c.given[0].dose_mg == 560
    assert c.given[1].route == "IV"
    # Grades are computed, never stored: a grade key is refused.
    bad = case([assessment(0, FEVER, crs_grade=1)])
    assert refused_fields(bad) == ["assessments[0].crs_grade"]


@pytest.mark.parametrize(
    ("assessments", "given", "more", "field"),
    [
        ([assessment(4, FEVER), assessment(0, FEVER)], [], {}, "assessments[1].at"),
        ([assessment(0, FEVER), assessment(0, FEVER)], [], {}, "assessments[1].at"),
        (
            [assessment(0, FEVER), assessment(1), assessment(2), assessment(2)],
            [],
            {},
            "assessments[3].at",
        ),
        ([assessment(0, FEVER)], [], {"day0": iso(hours(0.02))}, "assessments[0].at"),
        (
            [assessment(0, FEVER)],
            [dose("tocilizumab", -1), dose("dexamethasone", -1), dose("tocilizumab", -1)],
            {},
            "given[2]",
        ),
        ([assessment(0, FEVER)], [dose("aspirin", -1)], {}, "given[0].drug"),
        ([assessment(0, FEVER)], [dose("tocilizumab", -1, dose_mg=0)], {}, "given[0].dose_mg"),
        ([assessment(0, FEVER)], [dose("dexamethasone", -1, dose_mg=5001)], {}, "given[0].dose_mg"),
        ([assessment(0, FEVER)], [dose("dexamethasone", -1, dose_mg="10")], {}, "given[0].dose_mg"),
        ([], [], {}, "assessments"),
        ([assessment(0, FEVER)], [], {"time_zone": "Mars/Olympus"}, "time_zone"),
        ([assessment(0, FEVER)], [], {"format": "crs-calc-case/3"}, "format"),
    ],
)
def test_bad_input_is_refused_naming_the_field(
    assessments: list[dict[str, Any]], given: list[dict[str, Any]], more: dict[str, Any], field: str
) -> None:
    assert field in refused_fields(case(assessments, given, **more))


def test_a_dose_at_day0_and_an_assessment_at_day0_are_accepted() -> None:
    # day0 may equal the first assessment's time (episode.md); a minute earlier is refused.
    load_episode_case(case([assessment(0, FEVER)], day0=iso(hours(0))))
    assert refused_fields(case([assessment(0, FEVER)], day0=iso(hours(1 / 60)))) == [
        "assessments[0].at"
    ]


def test_a_nonexistent_local_time_is_refused_naming_it() -> None:
    # 2027-03-28 02:30 does not exist in Berlin (clocks go 02:00 -> 03:00).
    doc = case(
        [{"at": "2027-03-28T01:00", "crs": FEVER}, {"at": "2027-03-28T04:00", "crs": FEVER}],
        [{"drug": "tocilizumab", "at": "2027-03-28T02:30", "dose_mg": 560}],
        time_zone="Europe/Berlin",
    )
    assert refused_fields(doc) == ["given[0].at"]
    doc["given"] = []
    doc["assessments"][1]["at"] = "2027-03-28T02:15"
    assert refused_fields(doc) == ["assessments[1].at"]
    # Without a zone the same wall-clock time is taken as written.
    del doc["time_zone"]
    load_episode_case(doc)


def test_more_than_2000_assessments_or_doses_are_refused_by_name() -> None:
    many = [assessment(i, FEVER) for i in range(MAX_ASSESSMENTS + 1)]
    assert refused_fields(case(many)) == ["assessments"]
    load_episode_case(case(many[:MAX_ASSESSMENTS]))
    doses = [dose("dexamethasone", i - 3000, dose_mg=10) for i in range(MAX_GIVEN + 1)]
    assert refused_fields(case([assessment(0, FEVER)], doses)) == ["given"]
    load_episode_case(case([assessment(0, FEVER)], doses[:MAX_GIVEN]))


def test_a_dose_after_the_last_assessment_is_kept() -> None:
    c = load_episode_case(case([assessment(0, FEVER)], [dose("tocilizumab", 3, dose_mg=560)]))
    assert len(c.given) == 1
    # Version 1 keeps its own rule: a later dose is refused naming it.
    v1 = {**CASES["minimal"], "tocilizumab_doses": ["2026-11-21T04:00"]}
    code, out = cli_json(["episode"], v1)
    assert code == 2
    assert [f["field"] for f in out["error"]["fields"]] == ["tocilizumab_doses[0]"]


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_version_1_document_survives_the_conversion(name: str) -> None:
    v1 = load_case(CASES[name])
    v2 = from_v1(v1)
    assert len(v2.assessments) == 1
    a = v2.assessments[0]
    assert (a.at, a.crs, a.icans, a.improving) == (v1.at, v1.crs, v1.icans, v1.improving)
    assert ("improving" in a.model_fields_set) == ("improving" in v1.model_fields_set)
    assert [g.at for g in v2.given] == list(v1.tocilizumab_doses)
    assert {g.drug for g in v2.given} <= {"tocilizumab"}
    assert all(g.dose_mg is None for g in v2.given)
    assert v2.patient.model_dump(exclude={"haplo_ptcy"}) == v1.patient.model_dump()
    assert (v2.profile, v2.made_at, v2.taper, v2.units) == (
        v1.profile,
        v1.made_at,
        v1.taper,
        v1.units,
    )
    # Written as version 2 and read back: the same document.
    assert load_episode_case(dump_episode_case(v2)) == v2
    assert v2.format == "crs-calc-case/2"
    assert v1.format == CASE_FORMAT


def test_a_version_1_document_is_an_episode_of_one_assessment() -> None:
    code, out = cli_json(["episode"], CASES["full-axicel-crs3"])
    assert code == 0
    assert len(out["assessments"]) == 1
    assert out["summary"]["tocilizumab"]["doses"][0]["dose_mg"] is None


def test_refusal_is_an_input_error_not_a_crash() -> None:
    with pytest.raises(InputError):
        load_episode_case([])
    with pytest.raises(InputError) as exc:
        load_episode_case({"patient": {}})
    assert exc.value.fields[0].field == "format"


def test_a_taper_counts_in_the_case_time_zone_and_the_note_is_made() -> None:
    """One clock per case (as version 1): a taper without its own ``time_zone`` takes the
    case's; the note of such a case was an internal error before (issue 24)."""
    doc = {
        "format": "crs-calc-case/2",
        "time_zone": "Europe/Berlin",
        "patient": {"weight_kg": 70, "age_years": 45},
        "assessments": [{"at": "2026-11-21T08:00"}],
        "taper": {"regimen": "TAPER-MP1G", "start": "2026-11-22T16:00"},
    }
    loaded = load_episode_case(doc)
    assert loaded.taper is not None
    assert loaded.taper.time_zone == "Europe/Berlin"
    code, out = cli_json(["note"], doc)
    assert code == 0, out


REPEATED_HOUR = {
    "format": "crs-calc-case/1",
    "patient": {"weight_kg": 70, "age_years": 54},
    "time_zone": "Europe/Berlin",
    "crs": {"temperature_c": 39.0},
}


def test_times_written_in_one_order_and_happening_in_the_other_are_refused_by_name() -> None:
    """The night the clocks go back: a dose at 02:45 before the change happened before an
    assessment at 02:15 after it. Read on the wall clock the dose would fall after the
    assessment (no masking, not in the plan): refused, naming the dose, never misread."""
    reordered = {
        **REPEATED_HOUR,
        "at": "2026-10-25T02:15+01:00",
        "tocilizumab_doses": ["2026-10-25T02:45+02:00"],
    }
    assert refused_fields(reordered) == ["given[0].at"]
    code, data = cli_json(["note"], reordered)
    assert code == 2
    assert data["error"]["fields"][0]["field"] == "given[0].at"


def test_one_time_in_the_repeated_hour_in_its_order_is_read() -> None:
    in_order = {
        **REPEATED_HOUR,
        "at": "2026-10-25T03:00",
        "tocilizumab_doses": ["2026-10-25T02:30+01:00"],
    }
    code, data = cli_json(["episode"], in_order)
    assert code == 0, data
    assert data["summary"]["tocilizumab"]["doses"]
