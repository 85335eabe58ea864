"""Case documents (crs-calc-case/1) and the handoff note, with committed snapshots.

The snapshots in tests/calculator/snapshots/ show any change in the note's wording or
numbers as a reviewable diff. Regenerate after a deliberate change with:

    UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/calculator/records/test_case_note.py

The ruleset sha256 is written as <sha256> in the snapshots (it changes with every data
file edit; the version stays), and is checked against the ruleset separately.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from calculator import builtin_profile, ruleset
from calculator.edge.errors import InputError
from calculator.records.case import CASE_FORMAT, dump_case, load_case
from calculator.records.note import make_note
from tests.calculator.helpers import cli_json

SNAPSHOTS = Path(__file__).parent / "snapshots"
UPDATE = os.environ.get("UPDATE_SNAPSHOTS") == "1"

CASES: dict[str, dict[str, Any]] = {
    "full-axicel-crs3": {
        "format": CASE_FORMAT,
        "patient": {"label": "bed 12", "weight_kg": 70, "age_years": 54, "product": "axi-cel"},
        "at": "2026-11-21T08:00",
        "made_at": "2026-11-21T08:05",
        "profile": "astct-nccn-2026",
        "crs": {
            "temperature_c": 39.5,
            "vasopressors": ["norepinephrine"],
            "oxygen": "nasal_cannula",
            "oxygen_flow_l_min": 2,
        },
        "icans": {"ice_score": 8},
        "tocilizumab_doses": ["2026-11-21T02:00"],
        "taper": {
            "start": "2026-11-21T09:00",
            "regimen": "TAPER-DEX10",
            "days": 1,
            "taper_days": 3,
            "reduction": "halving",
        },
    },
    "minimal": {
        "format": CASE_FORMAT,
        "patient": {"weight_kg": 29.9, "age_years": 9},
        "at": "2026-11-21T03:00",
    },
    "icans4-max-doses-mp1g": {
        "format": CASE_FORMAT,
        "patient": {"label": "ICU 3", "weight_kg": 120, "age_years": 61},
        "at": "2026-03-02T09:00",
        "crs": {"temperature_c": 38.4, "oxygen": "nasal_cannula", "oxygen_flow_l_min": 4},
        "icans": {"ice_score": 0, "consciousness": "unarousable", "unable_to_assess": True},
        "tocilizumab_doses": [
            "2026-03-01T00:00",
            "2026-03-01T08:00",
            "2026-03-01T16:00",
            "2026-03-02T00:00",
        ],
        "improving": False,
        "taper": {"start": "2026-03-02T10:00", "regimen": "TAPER-MP1G"},
    },
}


def note_for(name: str) -> Any:
    rs = ruleset()
    case = load_case(CASES[name])
    return make_note(case, builtin_profile(rs, case.profile), rs)


def _normalise(text: str) -> str:
    return text.replace(ruleset().sha256, "<sha256>")


@pytest.mark.parametrize("name", sorted(CASES))
def test_note_matches_snapshot(name: str) -> None:
    note = note_for(name)
    assert ruleset().sha256 in note.markdown
    got = {
        f"{name}.md": _normalise(note.markdown),
        f"{name}.actions.json": json.dumps(
            [a.model_dump(mode="json") for a in note.actions], indent=2, ensure_ascii=False
        )
        + "\n",
    }
    for filename, text in got.items():
        path = SNAPSHOTS / filename
        if UPDATE:
            path.write_text(text, encoding="utf-8")
        assert path.exists(), f"no snapshot {filename}: run with UPDATE_SNAPSHOTS=1"
        assert text == path.read_text(encoding="utf-8"), f"{filename} changed"


def test_note_is_deterministic_and_carries_the_contract_keys() -> None:
    code, out = cli_json(["note"], CASES["full-axicel-crs3"])
    assert code == 0
    assert out["markdown"] == note_for("full-axicel-crs3").markdown
    for key in ("markdown", "crs", "icans", "tocilizumab", "actions", "taper", "ruleset"):
        assert key in out
    assert out["tocilizumab"]["dose"]["dose_mg"] == 560
    assert out["tocilizumab"]["schedule"]["next_eligible_at"] == "2026-11-21T10:00"
    assert out["made_at"] == "2026-11-21T08:05"
    assert out["crs"]["grade"] == 3
    assert out["icans"]["grade"] == 1
    assert out["taper"]["regimen"] == "TAPER-DEX10"


def test_note_content_for_a_nurse() -> None:
    md = note_for("full-axicel-crs3").markdown
    assert "**CRS grade 3**" in md
    assert "1 x 400 mg + 2 x 80 mg" in md
    assert "Bag: 100 mL" in md
    assert "Next dose: **not before 2026-11-21 10:00**" in md
    assert "| 2026-11-21 |" in md
    assert "**MGT-CRS3** CRS grade 3 (P; NCCN-CART)" in md
    assert "**[ASTCT]** Lee DW" in md
    assert "Note made: 2026-11-21 08:05" in md
    # clinical labels, local times without "T", no field names
    assert "- Temperature: 39.5 °C" in md
    assert "- Oxygen: nasal cannula at 2 L/min" in md
    assert "temperature c" not in md
    assert "oxygen flow l min" not in md
    assert "T08:00" not in md
    assert "T10:00" not in md
    # "improving" was not answered in this case: not stated
    assert "Improving since the last tocilizumab dose" not in md
    md = note_for("icans4-max-doses-mp1g").markdown
    assert "Next dose: **no further dose: the episode maximum is reached**" in md
    assert "MGT-ICANS4" in md


def test_made_at_defaults_to_the_case_time() -> None:
    note = note_for("minimal")
    assert "Note made: 2026-11-21 03:00" in note.markdown
    assert "Steroid taper" not in note.markdown  # no taper planned, no taper section
    assert note.document.section("taper") is None
    assert note.crs is None
    assert note.tocilizumab.dose.dose_mg == 358.8


@pytest.mark.parametrize(
    ("fmt", "words"),
    [
        ("crs-calc-case/3", "newer"),
        ("crs-calc-case/0", "not a case document format"),
        ("something-else/1", "not a case document format"),
    ],
)
def test_unknown_or_newer_format_is_refused_clearly(fmt: str, words: str) -> None:
    payload = {**CASES["minimal"], "format": fmt, "future_key": 1}
    code, out = cli_json(["note"], payload)
    assert code == 2
    assert [f["field"] for f in out["error"]["fields"]] == ["format"]
    assert words in out["error"]["message"]


def test_case_refusals_name_the_field() -> None:
    with pytest.raises(InputError) as exc:
        load_case({"format": CASE_FORMAT, "patient": {"weight_kg": 70}, "at": "2026-11-21T08:00"})
    assert {f.field for f in exc.value.fields} == {"patient.age_years"}
    with pytest.raises(InputError) as exc:
        load_case({**CASES["minimal"], "tocilizumab_doses": ["2026-11-22T08:00"]})
    assert {f.field for f in exc.value.fields} == {"tocilizumab_doses[0]"}
    code, out = cli_json(["note", "--profile", "asco-2021"], CASES["full-axicel-crs3"])
    assert code == 2
    assert out["error"]["fields"][0]["field"] == "profile"


def test_case_round_trips_through_dump() -> None:
    for payload in CASES.values():
        case = load_case(payload)
        assert load_case(json.loads(json.dumps(dump_case(case)))) == case


def test_case_model_is_frozen_and_inherits_age() -> None:
    case = load_case(CASES["full-axicel-crs3"])
    assert case.icans is not None
    assert case.icans.age_years == 54
    assert case.taper is not None
    assert case.taper.weight_kg == 70
    with pytest.raises(Exception):  # noqa: B017, PT011 - pydantic's frozen error
        case.at = case.at  # type: ignore[misc]


def test_saved_case_writes_times_in_the_contract_form() -> None:
    from calculator.records.case import dump_case, load_case

    case = load_case(
        {
            "format": "crs-calc-case/1",
            "patient": {"weight_kg": 70, "age_years": 54},
            "at": "2026-11-21T08:00",
            "tocilizumab_doses": ["2026-11-21T02:00", "2026-11-21T03:15:30"],
        }
    )
    saved = dump_case(case)
    assert saved["tocilizumab_doses"] == ["2026-11-21T02:00", "2026-11-21T03:15:30"]
    assert saved["at"] == "2026-11-21T08:00"


# --- issue 10/11: improving (MGT-IMPROVING), the late dose, units ------------------------


def _case(**over: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "format": CASE_FORMAT,
        "patient": {"weight_kg": 70, "age_years": 54},
        "at": "2026-11-21T10:00",
        "crs": {"temperature_c": 39.2, "hypotension": True},
        "tocilizumab_doses": ["2026-11-21T06:00"],
    }
    return {**base, **over}


def test_case_improving_is_unanswered_by_default_and_reaches_recommend() -> None:
    case = load_case(_case())
    assert case.improving is None
    note = make_note(case, builtin_profile(ruleset(), None))
    assert note.recommendation.improving is None
    # the note states only what was answered: an unanswered question is not printed
    assert "Improving since the last tocilizumab dose" not in note.markdown
    assert "MGT-IMPROVING" in note.recommendation.rules
    worse = make_note(load_case(_case(improving=False)), builtin_profile(ruleset(), None))
    assert worse.recommendation.improving is False
    assert "Improving since the last tocilizumab dose: no" in worse.markdown
    assert "improving" not in dump_case(case)  # null is the default, not written


@pytest.mark.parametrize("value", ["yes", 1, [True]])
def test_case_improving_refused_by_name_when_not_true_false_or_null(value: Any) -> None:
    with pytest.raises(InputError) as err:
        load_case(_case(improving=value))
    assert [f.field for f in err.value.fields] == ["improving"]


def test_case_late_tocilizumab_dose_is_refused_naming_the_dose() -> None:
    doses = ["2026-11-21T06:00", "2026-11-21T11:00"]
    code, out = cli_json(["note"], _case(tocilizumab_doses=doses))
    assert code == 2
    assert [f["field"] for f in out["error"]["fields"]] == ["tocilizumab_doses[1]"]
    assert "later than at" in out["error"]["fields"][0]["message"]


def test_case_units_default_and_round_trip() -> None:
    case = load_case(_case())
    assert (case.units.temperature, case.units.weight) == ("C", "kg")
    assert "units" not in dump_case(case)
    typed = load_case(
        _case(units={"temperature": "F", "weight": "lb"}, crs={"temperature_c": 39.111111111111114})
    )
    again = load_case(json.loads(json.dumps(dump_case(typed))))
    assert (again.units.temperature, again.units.weight) == ("F", "lb")
    assert again.crs is not None
    assert again.crs.temperature_c == 39.111111111111114  # canonical, full precision


@pytest.mark.parametrize(
    ("units", "field"),
    [
        ({"temperature": "K"}, "units.temperature"),
        ({"weight": "stone"}, "units.weight"),
        ({"temperature": "f"}, "units.temperature"),
        ({"height": "cm"}, "units.height"),
        ("F", "units"),
    ],
)
def test_case_units_refused_by_name(units: Any, field: str) -> None:
    with pytest.raises(InputError) as err:
        load_case(_case(units=units))
    assert field in [f.field for f in err.value.fields]


def _note_of(**changes: Any) -> Any:
    rs = ruleset()
    case = load_case({**CASES["full-axicel-crs3"], **changes})
    return make_note(case, builtin_profile(rs, case.profile), rs)


def test_improving_is_printed_only_when_answered() -> None:
    assert "Improving since the last tocilizumab dose" not in _note_of().markdown
    assert "Improving since the last tocilizumab dose: yes" in _note_of(improving=True).markdown
    assert "Improving since the last tocilizumab dose: no" in _note_of(improving=False).markdown


def test_note_is_a_structure_with_rule_ids_rendered_to_markdown() -> None:
    from calculator.records.note import render_markdown

    note = note_for("full-axicel-crs3")
    doc = note.document
    assert render_markdown(doc) == note.markdown
    assert [s.key for s in doc.sections] == [
        "entered",
        "grades",
        "tocilizumab",
        "actions",
        "taper",
        "warnings",
        "rules",
        "sources",
    ]
    grades = doc.section("grades")
    assert grades is not None
    assert grades.groups[0].title == "CRS grade 3"
    assert "CRS-WORST" in grades.groups[0].rules
    toci = doc.section("tocilizumab")
    assert toci is not None
    rows = {r.label: r for r in toci.rows}
    assert rows["Dose"].rules[0] == "TOCI-DOSE"
    assert rows["Next dose"].value == "not before 2026-11-21 10:00"
    assert rows["Next dose"].flag
    actions = doc.section("actions")
    assert actions is not None
    assert all(i.rules for i in actions.items)
    # the CLI carries the structure as an extra key, beside the contract's markdown
    code, out = cli_json(["note"], CASES["full-axicel-crs3"])
    assert code == 0
    assert out["document"]["sections"][1]["groups"][0]["title"] == "CRS grade 3"


def test_items_not_asked_are_not_printed_as_scored() -> None:
    note = _note_of(icans={"capd_items": [0, 0, 1, 0, 2, 0, 0, 1]})
    md = note.markdown
    assert "CAPD items: 1 0/4, 2 0/4, 3 1/4" in md
    assert "ICE score" not in md  # not asked: not printed, not 10/10
    items = {"orientation": 4, "naming": 2, "commands": 1, "writing": 1, "attention": 0}
    md = _note_of(icans={"ice_items": items}).markdown
    assert "- ICE items: 8/10: orientation 4/4, naming 2/3, commands 1/1" in md
    nothing = _note_of(icans={})
    assert "**ICANS** (nothing entered)" in nothing.markdown


def test_temperature_and_weight_print_in_the_unit_they_were_typed_in() -> None:
    from calculator.records.note_words import temperature, weight

    # 102.4 °F is stored as 39.111111 °C (ui.units rounding to 6 decimals)
    assert temperature(39.111111, "F") == "102.4 °F (39.1 °C)"
    assert temperature(39.111111) == "39.11 °C"
    assert temperature(39.5, "C") == "39.5 °C"
    assert weight(69.853225, "lb") == "154 lb (69.85 kg)"
    assert weight(70) == "70 kg"


def test_durations_and_times_read_as_a_nurse_writes_them() -> None:
    from datetime import datetime

    from calculator.words import duration, when

    assert duration(5.51) == "5 h 31 min"
    assert duration(8) == "8 h"
    assert duration(0.75) == "45 min"
    assert when(datetime(2026, 11, 21, 8, 0)) == "2026-11-21 08:00"
    assert when(datetime(2026, 11, 21, 3, 15, 30)) == "2026-11-21 03:15:30"
    # TOCI-INTERVAL: the schedule's reason gives the time since the last dose in h and min
    note = _note_of(at="2026-11-21T07:30:36", tocilizumab_doses=["2026-11-21T02:00"])
    reasons = " ".join(note.tocilizumab.schedule.reasons)
    assert "was 5 h 31 min before" in reasons
    assert "not before 2026-11-21 10:00" in reasons


def test_a_case_typed_in_fahrenheit_and_pounds_prints_in_them() -> None:
    crs = {**CASES["full-axicel-crs3"]["crs"], "temperature_c": 39.111111}
    md = _note_of(crs=crs, units={"temperature": "F", "weight": "lb"}).markdown
    assert "- Temperature: 102.4 °F (39.1 °C)" in md
    assert "- Weight: 154.32 lb (70 kg)" in md
    assert "**CRS grade 3**" in md  # the grade reads the canonical °C value
