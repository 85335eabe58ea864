"""Composing the plan (clinical-rules.md section 9): each rule, the situation that triggers
it and the one just outside it, the cases of issue 10, and a property over every grade
pair, product, dose count and answer to "improving"."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from calculator import builtin_profile, ruleset
from calculator.edge.inputs import validate
from calculator.management import Action, RecommendInput, RecommendResult, recommend
from calculator.rulebook.management import Product
from tests.calculator.helpers import cli_json

STEROIDS = ("dexamethasone", "methylprednisolone")
DRUGS = {*STEROIDS, "tocilizumab", "anakinra", "siltuximab", "seizure_prophylaxis"}
ADULT = {"weight_kg": 70, "age_years": 54}
AT = "2026-11-21T10:00"


def rec(payload: dict[str, Any], profile: str | None = None) -> RecommendResult:
    rs = ruleset()
    return recommend(validate(RecommendInput, payload), builtin_profile(rs, profile), rs)


def only(r: RecommendResult, code: str) -> Action:
    found = [a for a in r.actions if a.code == code]
    assert len(found) == 1, (code, r.actions)
    return found[0]


def steroid_gives(r: RecommendResult) -> list[Action]:
    return [a for a in r.actions if a.code in STEROIDS and a.strength == "give"]


def doses(n: int, last: str = "2026-11-21T01:00", gap_h: int = 9) -> list[str]:
    end = datetime.fromisoformat(last)
    return [(end - timedelta(hours=gap_h * i)).isoformat(timespec="minutes") for i in range(n)][
        ::-1
    ]


# --- MGT-ONE-STEROID -------------------------------------------------------------------


def test_one_steroid_crs3_icans4_gives_methylprednisolone_replacing_dexamethasone() -> None:
    r = rec({**ADULT, "crs_grade": 3, "icans_grade": 4})
    gives = steroid_gives(r)
    assert [(a.code, a.dose_mg, a.every_h) for a in gives] == [("methylprednisolone", 1000, 24)]
    assert gives[0].replaces == ("dexamethasone 10 mg every 6 h",)
    assert "replaces dexamethasone 10 mg every 6 h" in gives[0].text.lower()
    assert "MGT-ONE-STEROID" in gives[0].rules
    dropped = [c for c in r.composition if c.by_rule == "MGT-ONE-STEROID"]
    assert [(c.label, c.proposed_by, c.outcome, c.kept) for c in dropped] == [
        (
            "dexamethasone 10 mg every 6 h",
            "MGT-CRS3",
            "dropped",
            "methylprednisolone 1000 mg every 24 h for 3 days",
        )
    ]


def test_one_steroid_crs4_icans3() -> None:
    r = rec({**ADULT, "crs_grade": 4, "icans_grade": 3})
    gives = steroid_gives(r)
    assert [(a.code, a.dose_mg) for a in gives] == [("methylprednisolone", 1000)]
    assert "dexamethasone 10 mg every 6 h" in gives[0].replaces
    # the 1 mg/kg alternative of MGT-ICANS3 adds nothing beside 1000 mg/day
    assert not [a for a in r.actions if a.code in STEROIDS and a is not gives[0]]


def test_one_steroid_third_rung_of_the_ladder() -> None:
    r = rec(
        {
            **ADULT,
            "crs_grade": 3,
            "icans_grade": 0,
            "at": AT,
            "tocilizumab_doses": doses(3),
            "improving": False,
        }
    )
    gives = steroid_gives(r)
    assert [(a.code, a.dose_mg, a.taper) for a in gives] == [
        ("methylprednisolone", 1000, "TAPER-MP1G")
    ]
    assert gives[0].replaces == ("dexamethasone 10 mg every 6 h",)
    assert "MGT-REFR" in gives[0].rules


def test_one_steroid_crs4_not_improving_after_two_doses() -> None:
    r = rec(
        {
            **ADULT,
            "crs_grade": 4,
            "icans_grade": 0,
            "at": AT,
            "tocilizumab_doses": doses(2),
            "improving": False,
        }
    )
    gives = steroid_gives(r)
    assert [(a.code, a.dose_mg) for a in gives] == [("methylprednisolone", 1000)]
    assert "dexamethasone 20 mg every 6 h for 3 days" in gives[0].replaces


def test_one_steroid_blinatumomab_crs4() -> None:
    r = rec({**ADULT, "crs_grade": 4, "icans_grade": 0, "product": "blinatumomab"})
    gives = steroid_gives(r)
    assert [a.code for a in gives] == ["methylprednisolone"]
    assert gives[0].replaces == ("dexamethasone 8 mg every 8 h",)


def test_one_steroid_ranks_by_dexamethasone_equivalent_at_the_weight() -> None:
    """STER-EQ at the patient's weight: MP 1 mg/kg every 12 h is 26.25 mg/day
    dexamethasone-equivalent at 70 kg (below dexamethasone 10 mg every 6 h, 40 mg/day) but
    45 mg/day at 120 kg: there the alternative is the more intensive line."""
    light = rec({**ADULT, "crs_grade": 0, "icans_grade": 3})
    assert only(light, "dexamethasone").strength == "give"
    mp = only(light, "methylprednisolone")
    assert mp.strength == "consider"
    assert mp.instead_of == "dexamethasone 10 mg every 6 h"
    assert "instead, not in addition" in mp.text
    heavy = rec({"weight_kg": 120, "age_years": 54, "crs_grade": 0, "icans_grade": 3})
    assert [a.code for a in steroid_gives(heavy)] == ["dexamethasone"]  # the line's own give
    assert only(heavy, "methylprednisolone").strength == "consider"


def test_one_steroid_just_outside_a_single_line_replaces_nothing() -> None:
    r = rec({**ADULT, "crs_grade": 3, "icans_grade": 0})
    (dex,) = steroid_gives(r)
    assert dex.replaces == ()
    assert not [c for c in r.composition if c.by_rule == "MGT-ONE-STEROID"]
    assert "MGT-ONE-STEROID" not in r.rules


# --- MGT-LADDER ------------------------------------------------------------------------


def test_ladder_crs1_after_two_doses_not_improving_gives_no_dexamethasone_20() -> None:
    r = rec(
        {
            **ADULT,
            "crs_grade": 1,
            "icans_grade": 0,
            "at": AT,
            "tocilizumab_doses": doses(2),
            "improving": False,
        }
    )
    assert not steroid_gives(r)
    assert not any(a.dose_mg == 20 for a in r.actions)
    (ladder,) = [c for c in r.composition if c.by_rule == "MGT-LADDER"]
    assert ladder.label == "dexamethasone 20 mg every 6 h for 3 days"
    assert ladder.proposed_by == "MGT-REFR"
    assert any(w.startswith("MGT-LADDER: ") and "MGT-CRS1" in w for w in r.warnings)


def test_ladder_just_outside_crs2_climbs() -> None:
    r = rec(
        {
            **ADULT,
            "crs_grade": 2,
            "icans_grade": 0,
            "at": AT,
            "tocilizumab_doses": doses(2),
            "improving": False,
        }
    )
    (dex,) = steroid_gives(r)
    assert (dex.dose_mg, dex.every_h, dex.taper) == (20, 6, "TAPER-DEX20")
    assert not [c for c in r.composition if c.by_rule == "MGT-LADDER"]


# --- MGT-IMPROVING ---------------------------------------------------------------------


def test_improving_is_unanswered_by_default_and_nothing_escalates() -> None:
    payload = {
        **ADULT,
        "crs_grade": 2,
        "icans_grade": 0,
        "at": "2026-11-21T18:00",
        "tocilizumab_doses": ["2026-11-21T08:00"],
    }
    r = rec(payload)
    assert r.improving is None
    toci = only(r, "tocilizumab")
    assert toci.strength == "consider"
    assert not steroid_gives(r)
    assert any(c.by_rule == "MGT-IMPROVING" for c in r.composition)
    assert any(w.startswith("MGT-IMPROVING: ") for w in r.warnings)
    # what each answer would lead to, as data
    assert any(
        "dexamethasone 10 mg every 6 h" in s and s.startswith("give") for s in r.if_not_improving
    )
    assert any(s.startswith("give") and "tocilizumab" in s for s in r.if_not_improving)
    assert r.if_improving
    assert toci.if_not_improving is not None
    assert toci.if_not_improving.startswith("give")


def test_improving_answered_false_escalates_true_does_not() -> None:
    base = {
        **ADULT,
        "crs_grade": 2,
        "icans_grade": 0,
        "at": "2026-11-21T18:00",
        "tocilizumab_doses": ["2026-11-21T08:00"],
    }
    worse = rec({**base, "improving": False})
    assert only(worse, "tocilizumab").strength == "give"
    assert [a.dose_mg for a in steroid_gives(worse)] == [10]
    assert worse.if_not_improving == ()  # answered: nothing hypothetical to show
    better = rec({**base, "improving": True})
    assert only(better, "tocilizumab").strength == "consider"
    assert not steroid_gives(better)


def test_improving_asco_crs4_not_improving_escalates_to_1000_mg_twice_daily() -> None:
    """MGT-CRS4 (asco-2021): TAPER-MP500, escalating to 1000 mg twice daily."""
    worse = rec({**ADULT, "crs_grade": 4, "icans_grade": 0, "improving": False}, "asco-2021")
    (mp,) = steroid_gives(worse)
    assert (mp.code, mp.dose_mg, mp.every_h) == ("methylprednisolone", 1000, 12)
    assert mp.replaces == ("methylprednisolone 500 mg every 12 h",)
    unanswered = rec({**ADULT, "crs_grade": 4, "icans_grade": 0}, "asco-2021")
    (mp,) = steroid_gives(unanswered)
    assert (mp.dose_mg, mp.every_h, mp.taper) == (500, 12, "TAPER-MP500")
    assert any("1000 mg every 12 h" in s for s in unanswered.if_not_improving)


# --- MGT-WAIT --------------------------------------------------------------------------


def test_wait_tocilizumab_not_yet_due_is_wait_with_not_before_never_avoid() -> None:
    r = rec(
        {
            **ADULT,
            "crs_grade": 3,
            "icans_grade": 0,
            "at": "2026-11-21T14:00",
            "tocilizumab_doses": ["2026-11-21T08:00"],
            "improving": False,
        }
    )
    toci = only(r, "tocilizumab")
    assert toci.strength == "wait"
    assert toci.not_before == datetime(2026, 11, 21, 16, 0)
    assert "16:00" in toci.text
    assert any(c.by_rule == "MGT-WAIT" and c.strength_after == "wait" for c in r.composition)
    code, out = cli_json(
        ["recommend"],
        {
            **ADULT,
            "crs_grade": 3,
            "icans_grade": 0,
            "at": "2026-11-21T14:00",
            "tocilizumab_doses": ["2026-11-21T08:00"],
            "improving": False,
        },
    )
    assert code == 0
    (cli_toci,) = [a for a in out["actions"] if a["code"] == "tocilizumab"]
    assert (cli_toci["strength"], cli_toci["not_before"]) == ("wait", "2026-11-21T16:00")


def test_wait_just_outside_when_due_is_give() -> None:
    r = rec(
        {
            **ADULT,
            "crs_grade": 3,
            "icans_grade": 0,
            "at": "2026-11-21T16:00",
            "tocilizumab_doses": ["2026-11-21T08:00"],
            "improving": False,
        }
    )
    toci = only(r, "tocilizumab")
    assert (toci.strength, toci.not_before) == ("give", None)


def test_wait_avoid_only_for_notoci_haplo_and_the_episode_maximum() -> None:
    notoci = only(rec({"crs_grade": 0, "icans_grade": 2}), "tocilizumab")
    assert (notoci.strength, "MGT-NOTOCI" in notoci.rules) == ("avoid", True)
    haplo = only(rec({"crs_grade": 2, "icans_grade": 0, "haplo_ptcy": True}), "tocilizumab")
    assert (haplo.strength, "MGT-HAPLO" in haplo.rules) == ("avoid", True)
    maximum = only(
        rec(
            {
                **ADULT,
                "crs_grade": 3,
                "icans_grade": 0,
                "at": AT,
                "tocilizumab_doses": doses(4),
                "improving": False,
            }
        ),
        "tocilizumab",
    )
    assert (maximum.strength, maximum.not_before) == ("avoid", None)
    assert "TOCI-MAX" in maximum.rules


# --- MGT-G5 ----------------------------------------------------------------------------


def test_g5_no_action_and_a_warning() -> None:
    for crs, icans in ((5, 0), (0, 5), (5, 4), (3, 5)):
        r = rec({**ADULT, "crs_grade": crs, "icans_grade": icans})
        assert r.actions == ()
        assert any(w.startswith("MGT-G5: ") for w in r.warnings)
        assert "MGT-G5" in r.rules


def test_g5_just_outside_grade4_suggests_treatment() -> None:
    r = rec({**ADULT, "crs_grade": 4, "icans_grade": 4})
    assert steroid_gives(r)
    assert "MGT-G5" not in r.rules


# --- MGT-SZ ----------------------------------------------------------------------------


def test_sz_icans2_considers_levetiracetam_prophylaxis_at_the_lev_proph_dose() -> None:
    r = rec({**ADULT, "crs_grade": 0, "icans_grade": 2})
    lev = only(r, "seizure_prophylaxis")
    assert (lev.strength, lev.dose_mg, lev.every_h) == ("consider", 500, 12)
    assert {"MGT-SZ", "LEV-PROPH"} <= set(lev.rules)
    assert lev.verify  # V for the grade threshold
    assert any(w.startswith("MGT-SZ: verify against local protocol") for w in r.warnings)


def test_sz_seizure_gives_levetiracetam_and_no_loading_dose() -> None:
    r = rec({**ADULT, "crs_grade": 0, "icans_grade": 3, "seizure": True})
    lev = only(r, "seizure_prophylaxis")
    assert (lev.strength, lev.dose_mg) == ("give", 500)
    assert "no loading dose" in lev.text
    child = only(
        rec({"weight_kg": 20, "age_years": 7, "crs_grade": 0, "icans_grade": 3, "seizure": True}),
        "seizure_prophylaxis",
    )
    assert child.dose_mg == 200  # LEV-PROPH children 10 mg/kg
    assert child.verify  # the children's dose is the V part


def test_sz_just_outside_icans1_no_prophylaxis() -> None:
    r = rec({**ADULT, "crs_grade": 0, "icans_grade": 1})
    assert not [a for a in r.actions if a.code == "seizure_prophylaxis"]


# --- MGT-NODOSE ------------------------------------------------------------------------


def test_nodose_without_age_names_the_missing_input() -> None:
    r = rec({"weight_kg": 70, "crs_grade": 3, "icans_grade": 0})
    dex = only(r, "dexamethasone")
    assert dex.dose_mg is None
    assert dex.missing_inputs == ("age_years",)
    assert "MGT-NODOSE" in dex.rules
    assert any(
        w.startswith("MGT-NODOSE: ") and "age_years" in w and "dexamethasone" in w
        for w in r.warnings
    )
    none = rec({"crs_grade": 3, "icans_grade": 0})
    assert only(none, "tocilizumab").missing_inputs == ("weight_kg", "age_years")


def test_nodose_just_outside_with_both_the_dose_is_there() -> None:
    r = rec({**ADULT, "crs_grade": 3, "icans_grade": 0})
    assert only(r, "dexamethasone").dose_mg == 10
    assert not any(w.startswith("MGT-NODOSE") for w in r.warnings)


# --- Split statuses --------------------------------------------------------------------


def test_split_status_dex_crs_marked_only_for_20_mg() -> None:
    ten = rec({**ADULT, "crs_grade": 3, "icans_grade": 0})
    assert not only(ten, "dexamethasone").verify
    assert not any(w.startswith("DEX-CRS: verify") for w in ten.warnings)
    twenty = rec(
        {
            **ADULT,
            "crs_grade": 2,
            "icans_grade": 0,
            "at": AT,
            "tocilizumab_doses": doses(2),
            "improving": False,
        }
    )
    dex = only(twenty, "dexamethasone")
    assert (dex.dose_mg, dex.verify) == (20, True)
    assert any(w.startswith("DEX-CRS: verify against local protocol") for w in twenty.warnings)
    anakinra = only(rec({**ADULT, "crs_grade": 0, "icans_grade": 4}), "anakinra")
    assert not anakinra.verify  # ANAK-ADULT: V only for the high IV doses


def test_ped_steroid_caveat_sits_in_the_steroid_action() -> None:
    r = rec({"weight_kg": 25, "age_years": 8, "crs_grade": 3, "icans_grade": 0})
    dex = only(r, "dexamethasone")
    assert dex.dose_mg is None
    assert any(c.startswith("PED-STEROID: ") for c in dex.caveats)


# --- bad input -------------------------------------------------------------------------


def test_new_fields_refused_by_name() -> None:
    for payload, field in (
        ({"improving": "yes"}, "improving"),
        ({"improving": 1}, "improving"),
        ({"seizure": "no"}, "seizure"),
        ({"seizure": None}, "seizure"),
    ):
        code, out = cli_json(["recommend"], {"crs_grade": 2, "icans_grade": 0, **payload})
        assert code == 2, payload
        assert {f["field"] for f in out["error"]["fields"]} == {field}
    code, out = cli_json(["recommend"], {"crs_grade": 2, "icans_grade": 0, "improving": None})
    assert code == 0
    assert out["improving"] is None


# --- the property ----------------------------------------------------------------------

PRODUCTS: list[Product | None] = [None, *Product.__args__]  # type: ignore[attr-defined]


@settings(max_examples=300, deadline=None)
@given(
    crs=st.integers(0, 5),
    icans=st.integers(0, 5),
    product=st.sampled_from(PRODUCTS),
    n_doses=st.integers(0, 4),
    improving=st.sampled_from([True, False, None]),
    hours_since=st.sampled_from([1, 7, 8, 30]),
    profile=st.sampled_from(list(ruleset().profiles)),
    adult=st.booleans(),
)
def test_property_one_steroid_no_drug_at_g5_no_toci_before_the_clock(
    crs: int,
    icans: int,
    product: Product | None,
    n_doses: int,
    improving: bool | None,
    hours_since: int,
    profile: str,
    adult: bool,
) -> None:
    """MGT-ONE-STEROID, MGT-G5, MGT-WAIT over every grade pair, product, 0-4 prior doses
    and each answer to improving."""
    at = datetime(2026, 11, 21, 10, 0)
    last = at - timedelta(hours=hours_since)
    given_at = [last - timedelta(hours=9 * i) for i in range(n_doses)][::-1]
    payload: dict[str, Any] = {
        "crs_grade": crs,
        "icans_grade": icans,
        "at": at.isoformat(timespec="minutes"),
        "tocilizumab_doses": [d.isoformat(timespec="minutes") for d in given_at],
        "improving": improving,
        **(ADULT if adult else {"weight_kg": 22, "age_years": 6}),
    }
    if product is not None:
        payload["product"] = product
    r = rec(payload, profile)
    assert len(steroid_gives(r)) <= 1
    if 5 in (crs, icans):
        assert not [a for a in r.actions if a.code in DRUGS and a.strength == "give"]
    sched = r.tocilizumab_schedule
    for a in r.actions:
        if a.code == "tocilizumab" and sched is not None and not sched.eligible:
            assert a.strength != "give"
        if a.strength == "wait":
            assert a.not_before is not None
        assert a.code == "tocilizumab" or a.strength != "wait"


def test_nodose_crs1_tocilizumab_to_consider_carries_its_dose() -> None:
    """MGT-CRS1's "consider one tocilizumab dose" carries the TOCI-DOSE dose when weight
    and age are known, and names what is missing otherwise (MGT-NODOSE)."""
    toci = only(rec({**ADULT, "crs_grade": 1, "icans_grade": 0}), "tocilizumab")
    assert (toci.strength, toci.dose_mg) == ("consider", 560)
    bare = only(rec({"crs_grade": 1, "icans_grade": 0}), "tocilizumab")
    assert bare.missing_inputs == ("weight_kg", "age_years")


def test_sweep_every_grade_pair_dose_count_and_answer_with_products_in_turn() -> None:
    """The property of MGT-ONE-STEROID, MGT-G5 and MGT-WAIT over all 36 grade pairs x 0-4
    prior doses x improving true/false/null (540 plans), with the products taken in turn
    so that each appears about 30 times; the last dose is 4 h old, so the clock says
    "not yet" whenever there is a dose."""
    from itertools import product as cartesian

    at = datetime(2026, 11, 21, 10, 0)
    combos = cartesian(range(6), range(6), range(5), (True, False, None))
    for i, (crs, icans, n, improving) in enumerate(combos):
        doses_at = [at - timedelta(hours=4 + 9 * k) for k in range(n)]
        payload: dict[str, Any] = {
            **ADULT,
            "crs_grade": crs,
            "icans_grade": icans,
            "at": at.isoformat(timespec="minutes"),
            "tocilizumab_doses": [d.isoformat(timespec="minutes") for d in doses_at],
            "improving": improving,
        }
        product = PRODUCTS[i % len(PRODUCTS)]
        if product is not None:
            payload["product"] = product
        r = rec(payload)
        where = (crs, icans, n, improving, product)
        assert len(steroid_gives(r)) <= 1, where
        if 5 in (crs, icans):
            assert r.actions == (), where
        for a in r.actions:
            if a.code == "tocilizumab" and n:
                assert a.strength != "give", where  # 4 h after a dose: never "give"
            if a.strength == "wait":
                assert a.not_before is not None, where
