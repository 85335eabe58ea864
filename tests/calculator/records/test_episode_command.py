"""`python -m calculator episode` and its neighbours: `now`, the profile, `batch`, `note`
with version 2, and `recommend` giving the same plan for the same history facts."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from calculator import builtin_profile, ruleset
from calculator.edge.batch import run_batch
from calculator.edge.safe_io import MIB, bounded_lines
from calculator.management import RecommendInput, recommend
from calculator.records.case import load_case
from calculator.records.case_v2 import from_v1, load_episode_case
from calculator.records.note import make_note
from tests.calculator.helpers import cli_json
from tests.calculator.records.episode_helpers import (
    CRS2,
    FEVER,
    assessment,
    case,
    dose,
    hours,
    iso,
)
from tests.calculator.records.test_case_note import CASES

THREE_DAYS = case(
    [
        assessment(0, FEVER, by="AK", icans={"ice_score": 10}),
        assessment(12, CRS2, by="AK", icans={"ice_score": 10}),
        assessment(24, CRS2, by="BM", icans={"ice_score": 8}),
        assessment(48, FEVER, by="BM", improving=True, icans={"ice_score": 10}),
    ],
    [
        dose("tocilizumab", 13, dose_mg=560, by="AK"),
        dose("dexamethasone", 14, dose_mg=10, route="IV"),
        dose("levetiracetam", 25, dose_mg=500),
    ],
    day0=iso(hours(-30)),
    time_zone="Europe/Berlin",
    profile="astct-nccn-2026",
)


def test_episode_answers_with_every_part() -> None:
    code, out = cli_json(["episode"], THREE_DAYS)
    assert code == 0, out
    assert [a["day"] for a in out["assessments"]] == [1, 1, 2, 3]
    assert set(out["summary"]) == {
        "crs",
        "icans",
        "tocilizumab",
        "corticosteroids",
        "next_assessment_due",
    }
    assert out["summary"]["crs"]["max_grade"] == {"grade": 2, "at": iso(hours(12)), "day": 1}
    assert out["summary"]["tocilizumab"]["doses"][0]["dose_mg"] == 560
    assert out["recommendation"]["crs_grade"] == 1
    assert out["facts"]["levetiracetam_running"] is True
    # Each history fact in words, naming its rule.
    assert [(h["fact"], h["rule"]) for h in out["history"]] == [
        ("hours_since_first_tocilizumab", "EPI-24H"),
        ("crs_onset_after_day0_h", "EPI-72H"),
        ("crs_grade1_days", "EPI-G1DAYS"),
        ("levetiracetam_running", "MGT-SZ"),
    ]
    assert out["history"][0]["text"] == (
        "EPI-24H: 35 h since the first tocilizumab dose given for CRS (2026-11-20 21:00)."
    )
    assert out["now"] == iso(hours(48))
    for key in ("ruleset", "profile", "warnings", "rules"):
        assert key in out
    assert all(w.split(":")[0].isupper() or "-" in w.split(":")[0] for w in out["warnings"])


def test_now_decides_what_is_overdue() -> None:
    code, out = cli_json(["episode"], {**THREE_DAYS, "now": iso(hours(53))})
    assert code == 0
    due = out["summary"]["next_assessment_due"]
    assert due["now"] == iso(hours(53))
    assert due["vital_signs"]["overdue"] is True
    code, out = cli_json(["episode"], {**THREE_DAYS, "now": iso(hours(47))})
    assert code == 2
    assert [f["field"] for f in out["error"]["fields"]] == ["now"]
    code, out = cli_json(["episode"], {**THREE_DAYS, "now": "tomorrow"})
    assert code == 2
    assert [f["field"] for f in out["error"]["fields"]] == ["now"]


def test_the_case_profile_and_the_command_line_must_agree() -> None:
    code, out = cli_json(["episode", "--profile", "asco-2021"], THREE_DAYS)
    assert code == 2
    assert [f["field"] for f in out["error"]["fields"]] == ["profile"]
    doc = {k: v for k, v in THREE_DAYS.items() if k != "profile"}
    code, out = cli_json(["episode", "--profile", "asco-2021"], doc)
    assert code == 0
    assert out["profile"] == "asco-2021"


def test_levetiracetam_running_is_not_proposed_again() -> None:
    icans2 = {"ice_score": 5}
    with_lev = case([assessment(0, icans=icans2)], [dose("levetiracetam", -1, dose_mg=500)])
    code, out = cli_json(["episode"], with_lev)
    assert code == 0
    assert "seizure_prophylaxis" not in {a["code"] for a in out["recommendation"]["actions"]}
    assert any(w.startswith("MGT-SZ") for w in out["warnings"])
    code, out = cli_json(["episode"], case([assessment(0, icans=icans2)]))
    assert "seizure_prophylaxis" in {a["code"] for a in out["recommendation"]["actions"]}


def test_recommend_gives_the_episodes_plan_for_the_same_facts() -> None:
    rs = ruleset()
    profile = builtin_profile(rs, "astct-nccn-2026")
    for doc in (
        THREE_DAYS,
        case(
            [assessment(0, CRS2), assessment(26, CRS2, improving=False)],
            [dose("tocilizumab", 1, dose_mg=560)],
            day0=iso(hours(-80)),
        ),
    ):
        code, out = cli_json(["episode"], doc)
        assert code == 0
        c = load_episode_case(doc)
        rec = out["recommendation"]
        inp = {
            "crs_grade": rec["crs_grade"],
            "icans_grade": rec["icans_grade"],
            "weight_kg": 70,
            "age_years": 54,
            "tocilizumab_doses": [g["at"] for g in doc["given"] if g["drug"] == "tocilizumab"],
            "at": iso(c.last.at),
            "improving": c.last.improving,
            **{k: v for k, v in out["facts"].items() if v is not None},
        }
        code, single = cli_json(["recommend"], inp)
        assert code == 0, single
        assert single["actions"] == rec["actions"]
        assert single["managed_as_crs_grade"] == rec["managed_as_crs_grade"]
        direct = recommend(RecommendInput.model_validate(inp), profile, rs)
        assert direct.model_dump(mode="json") == single


def test_batch_lines_equal_the_single_command() -> None:
    requests = [
        {"command": "episode", "input": THREE_DAYS, "id": 1},
        {"command": "episode", "input": {**THREE_DAYS, "now": iso(hours(60))}, "id": 2},
        {"command": "episode", "input": CASES["full-axicel-crs3"], "id": 3},
        {"command": "episode", "input": case([assessment(1), assessment(0)]), "id": 4},
        {"command": "note", "input": THREE_DAYS, "id": 5},
    ]
    lines = b"".join(json.dumps(r).encode() + b"\n" for r in requests)
    out = io.StringIO()
    assert run_batch([], bounded_lines(io.BytesIO(lines), MIB), out.write) == 0
    answers = [json.loads(line) for line in out.getvalue().splitlines()]
    for request, got in zip(requests, answers, strict=True):
        code, single = cli_json([request["command"]], request["input"])
        assert got["exit"] == code
        assert got.get("result", {"error": got.get("error")}) == single


@pytest.mark.parametrize("name", sorted(CASES))
def test_version_1_and_its_version_2_reading_give_the_same_note(name: str) -> None:
    rs = ruleset()
    v1 = load_case(CASES[name])
    profile = builtin_profile(rs, v1.profile)
    a = make_note(v1, profile, rs)
    b = make_note(from_v1(v1), profile, rs)
    assert a.markdown == b.markdown
    assert a.document == b.document
    assert a.actions == b.actions
    code, out = cli_json(["note"], CASES[name])
    assert code == 0
    assert out["markdown"] == a.markdown


def test_the_note_of_version_2_has_the_episode_section() -> None:
    code, out = cli_json(["note"], THREE_DAYS)
    assert code == 0, out
    md = out["markdown"]
    section = md.split("## Episode", 1)[1].split("\n## ", 1)[0]
    for words in (
        "Day 0: 2026-11-19 02:00",
        "CRS onset: 2026-11-20 08:00 (day +1)",
        "CRS maximum: grade 2 at 2026-11-20 20:00 (day +1)",
        "CRS current: **grade 1 at 2026-11-22 08:00 (day +3)**",
        "2026-11-20 21:00 560 mg by AK",
        "10 mg dexamethasone-equivalent over 1 doses; 1 calendar days",
        "Next assessment:",
        "CRS began 30 h after day 0 (2026-11-19 02:00). (EPI-72H)",
    ):
        assert words in section, words
    # The last 24 h as rows: 2026-11-21 08:00 is exactly 24 h old and has left it.
    rows = [line for line in section.splitlines() if line.startswith("| 2026")]
    assert [r.split(" | ")[0] for r in rows] == ["| 2026-11-22 08:00"]
    doc = out["document"]
    assert [s["key"] for s in doc["sections"]][:3] == ["entered", "episode", "grades"]


def test_note_refuses_now() -> None:
    code, out = cli_json(["note"], {**THREE_DAYS, "now": iso(hours(50))})
    assert code == 2
    assert [f["field"] for f in out["error"]["fields"]] == ["now"]


def _payloads() -> list[dict[str, Any]]:
    return [THREE_DAYS, *CASES.values()]


def test_every_payload_round_trips_through_the_command() -> None:
    for payload in _payloads():
        code, out = cli_json(["episode"], payload)
        assert code == 0, out


def test_the_episode_section_only_when_the_case_says_more_than_version_1() -> None:
    one = case([assessment(0, FEVER)], [dose("tocilizumab", -1)])
    code, out = cli_json(["note"], one)
    assert code == 0
    assert "## Episode" not in out["markdown"]
    for more in (
        {"day0": iso(hours(-5))},
        {"given": [dose("tocilizumab", -1, dose_mg=560)]},
        {"given": [dose("dexamethasone", -1)]},
        {"assessments": [assessment(-2, FEVER), assessment(0, FEVER)]},
    ):
        code, out = cli_json(["note"], {**one, **more})
        assert code == 0
        assert "## Episode" in out["markdown"], more


def test_a_dose_after_the_last_assessment_is_never_left_out_of_the_note() -> None:
    """Found by test_no_dose_is_ever_dropped: one assessment and a plain tocilizumab dose a
    minute after it gave a note without the dose (the sections about the last assessment
    list the doses up to it, and no Episode section was written). The Episode section's
    ledger lists it, and a warning says the plan for that assessment does not count it
    while the ledger does (EPI-LEDGER)."""
    later = case([assessment(0, FEVER)], [dose("tocilizumab", 1)])
    code, out = cli_json(["note"], later)
    assert code == 0, out
    md = out["markdown"]
    episode = md.split("## Episode", 1)[1].split("\n## ", 1)[0]
    assert "2026-11-20 09:00" in episode
    assert (
        "EPI-LEDGER: tocilizumab given at 2026-11-20 09:00, after the last assessment "
        "(2026-11-20 08:00): the plan for that assessment does not count it; by the ledger "
        "the next dose is not before 2026-11-20 17:00."
    ) in out["warnings"]
    code, ep = cli_json(["episode"], later)
    assert code == 0
    assert any("after the last assessment" in w for w in ep["warnings"])
    # A dose at or before the assessment: counted by the plan, nothing to warn of.
    code, ep = cli_json(["episode"], case([assessment(0, FEVER)], [dose("tocilizumab", 0)]))
    assert code == 0
    assert not any("after the last assessment" in w for w in ep["warnings"])


def test_the_plan_counts_real_hours_in_the_case_zone_as_the_ledger_does() -> None:
    """Found in review: the episode's plan got the doses without the case's zone, so on the
    night the clocks go forward in New York a dose at 20:00 read as allowed again at 04:30
    (7.5 real hours later, the interval is 8 h) while the ledger said 05:00. The plan, the
    note's Tocilizumab section and the ledger now agree."""
    doc = case(
        [
            {"at": "2027-03-13T19:00", "crs": CRS2},
            {"at": "2027-03-14T04:30", "crs": CRS2},
        ],
        [{"drug": "tocilizumab", "at": "2027-03-13T20:00"}],
        time_zone="America/New_York",
    )
    code, out = cli_json(["episode"], doc)
    assert code == 0, out
    assert out["summary"]["tocilizumab"]["next_allowed_at"] == "2027-03-14T05:00"
    plan = out["recommendation"]["tocilizumab_schedule"]
    assert plan["eligible"] is False
    assert plan["next_eligible_at"] == "2027-03-14T05:00"
    code, note = cli_json(["note"], doc)
    assert code == 0, note
    assert "2027-03-14 05:00" in note["markdown"]
    assert "may be given now" not in note["markdown"]
