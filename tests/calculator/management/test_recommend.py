"""recommend: M1-M5, the tocilizumab rules over every grade pair, profiles and products."""

from __future__ import annotations

from typing import Any

import pytest

from calculator import builtin_profile, ruleset
from calculator.edge.inputs import validate
from calculator.management import Action, RecommendInput, RecommendResult, recommend
from tests.calculator.helpers import PROFILES, cli_json

CODES = {
    "supportive_care",
    "infection_workup",
    "tocilizumab",
    "dexamethasone",
    "methylprednisolone",
    "anakinra",
    "siltuximab",
    "icu",
    "seizure_prophylaxis",
    "antifungal_prophylaxis",
    "neuro_imaging",
    "eeg",
}
FOUR_DOSES = ["2026-03-01T00:00", "2026-03-01T08:00", "2026-03-01T16:00", "2026-03-02T00:00"]


def rec(payload: dict[str, Any], profile: str | None = None) -> RecommendResult:
    rs = ruleset()
    return recommend(validate(RecommendInput, payload), builtin_profile(rs, profile), rs)


def action(r: RecommendResult, code: str) -> Action | None:
    found = [a for a in r.actions if a.code == code]
    assert len(found) <= 1, f"{code} appears twice"
    return found[0] if found else None


def test_m1_crs2_gives_tocilizumab_with_its_dose() -> None:
    r = rec({"crs_grade": 2, "icans_grade": 0, "weight_kg": 70, "age_years": 54})
    toci = action(r, "tocilizumab")
    assert toci is not None
    assert toci.strength == "give"
    assert toci.dose_mg == 560
    assert "MGT-CRS2" in toci.rules
    assert "TOCI-DOSE" in toci.rules
    assert any("MGT-INFECT" in w and "diverticular" in w for w in r.warnings)


def test_m2_crs1_icans2_dexamethasone_not_tocilizumab() -> None:
    r = rec({"crs_grade": 1, "icans_grade": 2})
    dex = action(r, "dexamethasone")
    assert dex is not None
    assert dex.strength == "give"
    toci = action(r, "tocilizumab")
    assert toci is not None
    assert toci.strength == "avoid"
    assert "MGT-NOTOCI" in toci.rules


def test_m3_icans3_without_crs() -> None:
    r = rec({"crs_grade": 0, "icans_grade": 3})
    icu = action(r, "icu")
    assert icu is not None
    assert icu.strength == "give"
    assert any(
        a.code in ("dexamethasone", "methylprednisolone") and a.strength == "give"
        for a in r.actions
    )
    toci = action(r, "tocilizumab")
    assert toci is None or toci.strength != "give"
    assert "MGT-ICANS3" in r.rules


def test_m4_crs3_tocilizumab_dexamethasone_q6h_icu() -> None:
    r = rec({"crs_grade": 3, "icans_grade": 0})
    toci, dex, icu = action(r, "tocilizumab"), action(r, "dexamethasone"), action(r, "icu")
    assert toci is not None
    assert dex is not None
    assert icu is not None
    assert toci.strength == "give"
    assert dex.every_h == 6
    assert dex.strength == "give"
    assert "MGT-CRS3" in r.rules
    assert "MGT-ICU" in icu.rules


def test_m5_maximum_reached_warns_and_withholds() -> None:
    r = rec(
        {
            "crs_grade": 2,
            "icans_grade": 0,
            "tocilizumab_doses": FOUR_DOSES,
            "at": "2026-03-02T09:00",
        }
    )
    toci = action(r, "tocilizumab")
    assert toci is not None
    assert toci.strength != "give"
    assert any("maximum" in w.lower() for w in r.warnings)
    assert "TOCI-MAX" in toci.rules


def test_interval_not_elapsed_names_the_next_time() -> None:
    r = rec(
        {
            "crs_grade": 3,
            "icans_grade": 0,
            "tocilizumab_doses": ["2026-03-01T08:00"],
            "at": "2026-03-01T14:00",
            "improving": False,
        }
    )
    toci = action(r, "tocilizumab")
    assert toci is not None
    assert toci.strength == "wait"  # MGT-WAIT: not due yet is never "avoid"
    assert toci.not_before is not None
    assert toci.not_before.isoformat(timespec="minutes") == "2026-03-01T16:00"
    assert "2026-03-01 16:00" in toci.text


def test_nccn_shortage_stops_at_two_and_brings_steroids_forward() -> None:
    payload = {
        "crs_grade": 2,
        "icans_grade": 0,
        "tocilizumab_doses": ["2026-03-01T00:00", "2026-03-01T08:00"],
        "at": "2026-03-01T20:00",
        "improving": False,
    }
    short = rec(payload, "nccn-shortage")
    toci = action(short, "tocilizumab")
    assert toci is not None
    assert toci.strength == "avoid"
    default = rec(payload)
    toci = action(default, "tocilizumab")
    assert toci is not None
    assert toci.strength == "give"
    plain = {"crs_grade": 2, "icans_grade": 0}
    assert action(rec(plain, "nccn-shortage"), "dexamethasone").strength == "give"  # type: ignore[union-attr]
    assert action(rec(plain), "dexamethasone").strength == "consider"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("doses", "expected"),
    [
        (["2026-03-01T00:00"], ("dexamethasone", 10.0, "MGT-REFR")),
        (["2026-03-01T00:00", "2026-03-01T08:00"], ("dexamethasone", 20.0, "TAPER-DEX20")),
        (
            ["2026-03-01T00:00", "2026-03-01T08:00", "2026-03-01T16:00"],
            ("methylprednisolone", 1000.0, "TAPER-MP1G"),
        ),
    ],
)
def test_refractory_ladder_mgt_refr(doses: list[str], expected: tuple[str, float, str]) -> None:
    r = rec(
        {
            "crs_grade": 2,
            "icans_grade": 0,
            "weight_kg": 70,
            "age_years": 54,
            "tocilizumab_doses": doses,
            "at": "2026-03-02T06:00",
            "improving": False,
        }
    )
    code, dose_mg, rule = expected
    a = action(r, code)
    assert a is not None
    assert a.strength == "give"
    assert a.dose_mg == dose_mg
    assert rule in a.rules
    assert "MGT-REFR" in r.rules
    if len(doses) == 3:
        anakinra = action(r, "anakinra")
        assert anakinra is not None
        assert anakinra.strength == "consider"
        assert any("MGT-REFR" in w and "verify" in w for w in r.warnings)


def test_improving_after_a_dose_makes_repeat_a_consideration() -> None:
    r = rec(
        {
            "crs_grade": 2,
            "icans_grade": 0,
            "tocilizumab_doses": ["2026-03-01T00:00"],
            "at": "2026-03-01T12:00",
            "improving": True,
        }
    )
    toci = action(r, "tocilizumab")
    assert toci is not None
    assert toci.strength == "consider"
    assert "MGT-REFR" not in r.rules


def test_crs4_regimen_follows_the_profile() -> None:
    default = action(rec({"crs_grade": 4, "icans_grade": 0}), "methylprednisolone")
    asco = action(rec({"crs_grade": 4, "icans_grade": 0}, "asco-2021"), "methylprednisolone")
    assert default is not None
    assert asco is not None
    assert default.taper == "TAPER-MP1G"
    assert asco.taper == "TAPER-MP500"
    assert "MGT-CRS4" in asco.rules


def test_asco_grade1_over_three_days_managed_as_grade2_but_never_give() -> None:
    r = rec({"crs_grade": 1, "icans_grade": 0, "crs_grade1_days": 4}, "asco-2021")
    assert r.managed_as_crs_grade == 2
    toci = action(r, "tocilizumab")
    assert toci is not None
    assert toci.strength == "consider"
    short = rec({"crs_grade": 1, "icans_grade": 0, "crs_grade1_days": 2}, "asco-2021")
    assert short.managed_as_crs_grade == 1
    unknown = rec({"crs_grade": 1, "icans_grade": 0}, "asco-2021")
    assert any("crs_grade1_days" in w for w in unknown.warnings)


def test_haplo_reserves_tocilizumab_for_severe_crs() -> None:
    r = rec({"crs_grade": 2, "icans_grade": 0, "haplo_ptcy": True})
    toci = action(r, "tocilizumab")
    assert toci is not None
    assert toci.strength == "avoid"  # MGT-WAIT: "avoid" for MGT-HAPLO below grade 3
    assert "MGT-HAPLO" in toci.rules
    severe = action(rec({"crs_grade": 3, "icans_grade": 0, "haplo_ptcy": True}), "tocilizumab")
    assert severe is not None
    assert severe.strength == "give"


def test_product_lines_are_flagged_verify() -> None:
    r = rec({"crs_grade": 0, "icans_grade": 3, "product": "axi-cel"})
    mp = action(r, "methylprednisolone")
    assert mp is not None
    assert mp.product_specific
    assert "MGT-AXI" in mp.rules
    assert any(w.startswith("MGT-AXI: verify against local protocol") for w in r.warnings)
    r = rec({"crs_grade": 0, "icans_grade": 2, "product": "epcoritamab"})
    dex = action(r, "dexamethasone")
    assert dex is not None
    assert dex.every_h == 12
    assert "MGT-BISPEC" in dex.rules
    blina = action(
        rec({"crs_grade": 3, "icans_grade": 0, "product": "blinatumomab"}), "dexamethasone"
    )
    assert blina is not None
    # MGT-ONE-STEROID: dexamethasone 10 mg every 6 h (40 mg/day) outranks TAPER-BLINA's
    # 8 mg every 8 h (24 mg/day); the chosen action names what it replaces.
    assert blina.taper is None
    assert blina.replaces == ("dexamethasone 8 mg every 8 h",)


def test_children_get_no_mg_kg_steroid_dose() -> None:
    r = rec({"crs_grade": 0, "icans_grade": 4, "weight_kg": 25, "age_years": 8})
    mp = action(r, "methylprednisolone")
    assert mp is not None
    assert mp.dose_mg is None
    assert "PED-STEROID" in mp.rules
    anakinra = action(r, "anakinra")
    assert anakinra is not None
    assert anakinra.dose_mg == 50  # ANAK-PED 2 mg/kg chosen by the dose engine
    assert "MGT-ICANS4" in r.rules


@pytest.mark.parametrize("profile", PROFILES)
def test_every_grade_pair_respects_the_tocilizumab_rules(profile: str) -> None:
    for crs in range(6):
        for icans in range(6):
            r = rec({"crs_grade": crs, "icans_grade": icans}, profile)
            assert {a.code for a in r.actions} <= CODES
            for a in r.actions:
                assert a.rules, a
                assert a.strength in ("give", "consider", "avoid", "wait")
            if 5 in (crs, icans):
                assert r.actions == ()  # MGT-G5
                continue
            toci = action(r, "tocilizumab")
            if toci is not None and toci.strength == "give":
                assert crs >= 2
            if crs == 0 and 1 <= icans <= 4:
                assert toci is not None
                assert toci.strength == "avoid"
            if 3 <= crs <= 4 or 3 <= icans <= 4:
                icu = action(r, "icu")
                assert icu is not None
                assert icu.strength == "give"


def test_command_line_and_refusals() -> None:
    code, out = cli_json(["recommend"], {"crs_grade": 2, "icans_grade": 0})
    assert code == 0
    assert out["actions"][0]["code"] == "tocilizumab"
    assert out["ruleset"]["sha256"] == ruleset().sha256
    code, out = cli_json(["recommend"], {"crs_grade": 6, "icans_grade": 0, "colour": 1})
    assert code == 2
    assert {f["field"] for f in out["error"]["fields"]} == {"crs_grade", "colour"}
    code, out = cli_json(
        ["recommend"],
        {
            "crs_grade": 2,
            "icans_grade": 0,
            "tocilizumab_doses": ["2026-03-02T10:00"],
            "at": "2026-03-02T09:00",
        },
    )
    assert code == 2
    assert out["error"]["fields"][0]["field"] == "tocilizumab_doses[0]"


def test_crs1_supportive_care_and_tocilizumab_to_consider() -> None:
    r = rec({"crs_grade": 1, "icans_grade": 0, "weight_kg": 70, "age_years": 54})
    assert "MGT-CRS1" in r.rules
    toci = action(r, "tocilizumab")
    dex = action(r, "dexamethasone")
    assert toci is not None
    assert dex is not None
    assert toci.strength == "consider"
    assert (dex.strength, dex.dose_mg, dex.every_h) == ("consider", 10, 24)


def test_icans1_and_icans2_dexamethasone() -> None:
    one = rec({"crs_grade": 0, "icans_grade": 1, "weight_kg": 70, "age_years": 54})
    dex = action(one, "dexamethasone")
    assert dex is not None
    assert "MGT-ICANS1" in dex.rules
    assert (dex.strength, dex.once, dex.every_h, dex.dose_mg) == ("consider", True, None, 10)
    two = rec({"crs_grade": 0, "icans_grade": 2})
    dex = action(two, "dexamethasone")
    assert dex is not None
    assert "MGT-ICANS2" in dex.rules
    assert (dex.strength, dex.every_h) == ("give", 12)


@pytest.mark.parametrize(
    ("crs", "icans"), [(c, i) for c in range(5) for i in range(5) if (c, i) != (0, 0)]
)
def test_mgt_infect_antifungal_only_when_a_corticosteroid_is_given(crs: int, icans: int) -> None:
    """MGT-INFECT ("any steroid use"): the antifungal line comes with a corticosteroid the
    plan gives, never with one it only considers (CRS grade 1: issue 22)."""
    steroids = set(ruleset().management.one_steroid.steroid_codes)
    for improving in (None, True, False):
        r = rec({"crs_grade": crs, "icans_grade": icans, "improving": improving})
        given = [a for a in r.actions if a.code in steroids and a.strength == "give"]
        antifungal = action(r, "antifungal_prophylaxis")
        assert (antifungal is not None) == bool(given), (crs, icans, improving, r.actions)
        if antifungal is not None:
            assert "MGT-INFECT" in antifungal.rules


def test_mgt_infect_no_antifungal_at_crs1_with_dexamethasone_only_considered() -> None:
    r = rec({"crs_grade": 1, "icans_grade": 0})
    dex = action(r, "dexamethasone")
    assert dex is not None
    assert dex.strength == "consider"
    assert action(r, "antifungal_prophylaxis") is None
