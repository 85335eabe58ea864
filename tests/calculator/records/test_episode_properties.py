"""Hypothesis properties over random episodes (issue 23): the maximum grade is never below
the current one; the ledger's next time is the repeat-dose clock's for the same doses and
zone; no dose is ever dropped."""

from __future__ import annotations

from collections import Counter
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calculator.records.episode_command import EpisodeResult
from tests.calculator.helpers import cli_json
from tests.calculator.records.episode_helpers import case, episode, hours, iso

SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
DRUGS = (
    "tocilizumab",
    "siltuximab",
    "anakinra",
    "dexamethasone",
    "methylprednisolone",
    "levetiracetam",
    "prednisone",
    "hydrocortisone",
)
STEROIDS = {"dexamethasone", "methylprednisolone", "prednisone", "hydrocortisone"}

crs_inputs = st.fixed_dictionaries(
    {"temperature_c": st.one_of(st.none(), st.sampled_from([37.0, 38.0, 39.5]))},
    optional={
        "hypotension": st.booleans(),
        "vasopressors": st.sampled_from(
            [[], ["norepinephrine"], ["norepinephrine", "epinephrine"]]
        ),
        "oxygen": st.sampled_from(["room_air", "facemask", "bipap"]),
    },
)
icans_inputs = st.fixed_dictionaries({"ice_score": st.integers(0, 10)})


@st.composite
def episodes(draw: st.DrawFn) -> dict[str, Any]:
    gaps = draw(st.lists(st.integers(1, 12 * 60), min_size=1, max_size=10))
    minutes = [sum(gaps[: i + 1]) for i in range(len(gaps))]
    assessments = []
    for m in minutes:
        a: dict[str, Any] = {"at": iso(hours(m / 60))}
        crs = draw(st.one_of(st.none(), crs_inputs))
        icans = draw(st.one_of(st.none(), icans_inputs))
        if crs is not None:
            a["crs"] = crs
        if icans is not None:
            a["icans"] = icans
        assessments.append(a)
    span = minutes[-1]
    raw = draw(
        st.lists(
            st.tuples(
                st.sampled_from(DRUGS),
                st.integers(-24 * 60, span + 24 * 60),
                st.one_of(st.none(), st.sampled_from([8.0, 10.0, 560.0])),
                st.booleans(),
            ),
            max_size=8,
            unique_by=lambda d: (d[0], d[1]),
        )
    )
    doses = [
        {"drug": d, "at": iso(hours(m / 60)), "prophylactic": p}
        | ({} if mg is None else {"dose_mg": mg})
        for d, m, mg, p in raw
    ]
    zone = draw(st.sampled_from([None, "Europe/Berlin", "America/New_York"]))
    return case(assessments, doses, **({"time_zone": zone} if zone else {}))


@SETTINGS
@given(episodes())
def test_maximum_grade_is_never_below_the_current_grade(doc: dict[str, Any]) -> None:
    r = episode(doc)
    for s in (r.summary.crs, r.summary.icans):
        if s.current_grade is None:
            assert s.max_grade is None
        else:
            assert s.max_grade is not None
            assert s.max_grade.grade >= s.current_grade.grade
            assert s.max_grade.at <= s.current_grade.at or s.max_grade.grade > s.current_grade.grade


@SETTINGS
@given(episodes())
def test_the_ledger_next_time_is_the_schedule_s(doc: dict[str, Any]) -> None:
    r = episode(doc)
    led = r.summary.tocilizumab
    payload: dict[str, Any] = {
        "doses": [g["at"] for g in doc["given"] if g["drug"] == "tocilizumab"],
        "at": iso(led.as_of),
    }
    if "time_zone" in doc:
        from calculator.dosing.models import ScheduleInput

        if "time_zone" in ScheduleInput.model_fields:  # the zone-aware clock (issue 20)
            payload["time_zone"] = doc["time_zone"]
    code, schedule = cli_json(["tocilizumab-schedule"], payload)
    assert code == 0, schedule
    expected = schedule["next_eligible_at"]
    assert (iso(led.next_allowed_at) if led.next_allowed_at else None) == expected
    assert led.allowed_at_as_of == schedule["eligible"]


def _dose_key(g: dict[str, Any]) -> tuple[str, str]:
    return (g["drug"], g["at"])


@SETTINGS
@given(episodes())
def test_no_dose_is_ever_dropped(doc: dict[str, Any]) -> None:
    r: EpisodeResult = episode(doc)
    toci = [g for g in doc["given"] if g["drug"] == "tocilizumab"]
    led = r.summary.tocilizumab
    assert Counter(iso(d.at) for d in led.doses) == Counter(g["at"] for g in toci)
    assert [d.dose_mg for d in led.doses] == [
        g.get("dose_mg") for g in sorted(toci, key=lambda g: g["at"])
    ]
    steroids = [g for g in doc["given"] if g["drug"] in STEROIDS]
    cs = r.summary.corticosteroids
    assert cs.doses == len(steroids)
    assert cs.without_amount == sum(1 for g in steroids if "dose_mg" not in g)
    # The note lists every tocilizumab dose in the Episode section.
    code, note = cli_json(["note"], doc)
    assert code == 0, note
    # (A case that says nothing version 1 could not has no Episode section: then the
    # doses are in "What was entered".)
    md = note["markdown"]
    section = md.split("## Episode", 1)[1].split("\n## ", 1)[0] if "## Episode" in md else md
    for g in toci:
        assert g["at"].replace("T", " ") in section


@st.composite
def version_1_cases(draw: st.DrawFn) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "format": "crs-calc-case/1",
        "patient": {"weight_kg": draw(st.sampled_from([9.5, 70, 120])), "age_years": 54},
        "at": iso(hours(0)),
    }
    for key, strategy in (("crs", crs_inputs), ("icans", icans_inputs)):
        value = draw(st.one_of(st.none(), strategy))
        if value is not None:
            doc[key] = value
    before = draw(st.lists(st.integers(0, 72 * 60), max_size=5, unique=True))
    if before:
        doc["tocilizumab_doses"] = [iso(hours(-m / 60)) for m in sorted(before, reverse=True)]
    improving = draw(st.sampled_from(["unset", None, True, False]))
    if improving != "unset":
        doc["improving"] = improving
    profile = draw(st.sampled_from([None, "asco-2021"]))
    if profile:
        doc["profile"] = profile
    return doc


@SETTINGS
@given(version_1_cases())
def test_version_1_and_its_version_2_reading_give_the_same_note(doc: dict[str, Any]) -> None:
    from calculator.records.case_v2 import dump_episode_case, load_episode_case

    code, v1_note = cli_json(["note"], doc)
    assert code == 0, v1_note
    v2 = dump_episode_case(load_episode_case(doc))
    code, v2_note = cli_json(["note"], v2)
    assert code == 0, v2_note
    assert v2_note["markdown"] == v1_note["markdown"]
    assert v2_note["document"] == v1_note["document"]
    assert v2_note["actions"] == v1_note["actions"]
