"""Pharmacy double check (section 10: VERIFY-DECISION, VERIFY-TOL, VERIFY-MAX,
VERIFY-WEIGHT, VERIFY-FIELDS, VERIFY-CLOCK): the comparison logic, with a stand-in dose
engine where the figures must be fixed, and the real one through ``verify-dose``."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calculator.edge.cli import run as cli_run
from calculator.edge.errors import InputError
from calculator.edge.inputs import validate
from calculator.rulebook import Ruleset, ruleset
from calculator.rulebook.profiles import Profile
from calculator.verification import (
    CalculatedDose,
    VerifyInput,
    VialCount,
    default_calculate,
    fmt_pct,
    verify_dose,
)


def fixed_calc(dose_per_kg: float, vials: tuple[VialCount, ...] | None = None) -> Any:
    """A stand-in dose engine: dose = weight x mg/kg, with the vials given."""

    def calc(
        drug: str,
        weight_kg: float,
        age_years: float,
        regimen: str | None,
        profile: Profile,
        rs: Ruleset,
    ) -> CalculatedDose:
        return CalculatedDose(
            drug=drug,
            weight_kg=weight_kg,
            dose_mg=round(weight_kg * dose_per_kg, 1),
            vials=vials,
            rules=(),
            warnings=(),
        )

    return calc


def order(**over: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "drug": "tocilizumab",
        "weight_kg": 80,
        "age_years": 54,
        "dose_mg": 640,
    }
    return {**base, **over}


def entry(**over: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"weight_kg": 80, "drug": "tocilizumab", "dose_mg": 640}
    return {**base, **over}


def run(payload: dict[str, Any], profile: Profile | None = None, calc: Any = None) -> Any:
    rs = ruleset()
    profile = profile or rs.profiles[rs.default_profile]
    return verify_dose(validate(VerifyInput, payload), profile, rs, calc or fixed_calc(8))


def test_all_agree_is_a_match_and_names_the_rule() -> None:
    result = run({"order": order(), "independent": entry()})
    assert result.verdict == "match"
    assert not result.flagged
    assert result.mismatches == ()
    assert "VERIFY-TOL" in result.rules
    # VERIFY-TOL is status V: the record says so.
    assert any("VERIFY-TOL: verify against local protocol" in w for w in result.warnings)


def test_overdose_order_is_named_with_its_signed_size_and_flagged() -> None:
    result = run({"order": order(dose_mg=800), "independent": entry(dose_mg=800)})
    assert result.verdict == "flagged"
    assert result.flagged
    first = result.mismatches[0]
    assert first.startswith("ordered 800 mg, calculated 640 mg: +25%")
    assert "beyond the 10% tolerance" in first
    dose_vs_calc = next(
        c for c in result.comparisons if c.item == "dose" and c.between == "order_vs_calculated"
    )
    assert dose_vs_calc.difference_pct == 25.0
    # The verifier agreed with the order: that comparison matches.
    agree = next(
        c for c in result.comparisons if c.item == "dose" and c.between == "independent_vs_order"
    )
    assert agree.matches


def test_underdose_is_negative() -> None:
    result = run({"order": order(dose_mg=480), "independent": entry(dose_mg=480)})
    assert any(m.startswith("ordered 480 mg, calculated 640 mg: -25%") for m in result.mismatches)
    assert result.flagged


def test_difference_within_tolerance_is_named_but_not_flagged() -> None:
    result = run({"order": order(dose_mg=672), "independent": entry(dose_mg=672)})
    assert result.verdict == "within_tolerance"
    assert result.decision == "review"
    assert result.flagged  # flagged unless released (cli-contract.md)
    # VERIFY-THREE: the verifier's 672 mg is compared with the calculation too.
    assert result.reasons == (
        "REVIEW: ordered 672 mg, calculated 640 mg: +5% (within the 10% tolerance) (VERIFY-TOL)",
        "REVIEW: independent entry 672 mg, calculated 640 mg: +5% (within the 10% tolerance) "
        "(VERIFY-TOL)",
    )
    assert result.mismatches == (
        "ordered 672 mg, calculated 640 mg: +5% (within the 10% tolerance)",
        "independent entry 672 mg, calculated 640 mg: +5% (within the 10% tolerance)",
    )


def test_exactly_at_tolerance_is_not_beyond_it() -> None:
    result = run({"order": order(dose_mg=704), "independent": entry(dose_mg=704)})
    assert result.verdict == "within_tolerance"


def test_independent_entry_differs_from_order() -> None:
    result = run({"order": order(), "independent": entry(dose_mg=800)})
    assert "independent entry 800 mg, ordered 640 mg: +25% (beyond the 10% tolerance)" in (
        result.mismatches
    )
    assert result.flagged


def test_different_weight_is_named_and_recalculated_for_the_verifier() -> None:
    result = run({"order": order(), "independent": entry(weight_kg=70, dose_mg=560)})
    weight = next(
        c for c in result.comparisons if c.item == "weight" and c.between == "independent_vs_order"
    )
    assert weight.text == (
        "independent weight 70 kg, ordered weight 80 kg: differ by 10 kg (more than 0.1 kg): "
        "confirm the weight"
    )
    assert (weight.decision, weight.rule) == ("do_not_release", "VERIFY-WEIGHT")
    own = next(
        c
        for c in result.comparisons
        if c.item == "dose" and c.between == "independent_vs_calculated"
    )
    assert own.matches  # 70 kg x 8 mg/kg = 560 mg: the verifier's arithmetic is right
    assert own.text == "independent entry 560 mg, calculated for 70 kg 560 mg: match"


def test_different_drug_is_always_flagged() -> None:
    result = run({"order": order(), "independent": entry(drug="siltuximab")})
    drug = next(
        c for c in result.comparisons if c.item == "drug" and c.between == "independent_vs_order"
    )
    assert drug.flagged
    assert drug.text == "drug: independent entry siltuximab, ordered tocilizumab: different"
    assert result.decision == "do_not_release"


def test_drug_names_are_the_contract_names() -> None:
    with pytest.raises(InputError) as err:
        validate(VerifyInput, {"order": order(), "independent": entry(drug=" Tocilizumab")})
    assert [f.field for f in err.value.fields] == ["independent.drug"]


def test_vials_that_do_not_cover_the_dose_are_flagged() -> None:
    vials = [{"strength_mg": 400, "count": 1}]
    result = run({"order": order(vials=vials), "independent": entry(vials=vials)})
    short = [c for c in result.comparisons if c.between == "vials_vs_dose"]
    assert [c.flagged for c in short] == [True, True]
    assert short[0].text == (
        "ordered vials 1 x 400 mg (400 mg) do not cover the ordered 640 mg: short by 240 mg"
    )


def test_vial_combination_differences_are_named_not_flagged() -> None:
    calc_vials = (VialCount(strength_mg=400, count=1), VialCount(strength_mg=80, count=3))
    ordered = [{"strength_mg": 200, "count": 4}]
    result = run(
        {"order": order(vials=ordered), "independent": entry(vials=ordered)},
        calc=fixed_calc(8, calc_vials),
    )
    combo = next(
        c for c in result.comparisons if c.item == "vials" and c.between == "order_vs_calculated"
    )
    assert not combo.matches
    assert not combo.flagged
    assert combo.text == (
        "ordered vials 4 x 200 mg (800 mg), calculated 1 x 400 mg + 3 x 80 mg (640 mg): "
        "different combination, +25% in vial total"
    )
    assert result.verdict == "within_tolerance"


def test_same_vials_in_another_order_match() -> None:
    a = [{"strength_mg": 400, "count": 1}, {"strength_mg": 80, "count": 3}]
    b = [
        {"strength_mg": 80, "count": 2},
        {"strength_mg": 400, "count": 1},
        {"strength_mg": 80, "count": 1},
    ]
    result = run({"order": order(vials=a), "independent": entry(vials=b)})
    combo = next(
        c for c in result.comparisons if c.item == "vials" and c.between == "independent_vs_order"
    )
    assert combo.matches
    assert result.verdict == "match"


def test_profile_tolerance_and_settings_override() -> None:
    rs = ruleset()
    base = rs.profiles[rs.default_profile]
    strict = base.model_copy(update={"verify_tolerance_pct": 2.0})
    payload = {"order": order(dose_mg=672), "independent": entry(dose_mg=672)}
    by_profile = run(payload, profile=strict)
    assert (by_profile.tolerance_pct, by_profile.tolerance_from) == (2.0, "profile")
    assert by_profile.flagged
    by_setting = run({**payload, "tolerance_pct": 6}, profile=strict)
    assert (by_setting.tolerance_pct, by_setting.tolerance_from) == (6.0, "settings")
    assert by_setting.decision == "review"
    default = run(payload)
    assert default.tolerance_from == "VERIFY-TOL"
    assert default.tolerance_pct == rs.verification.tolerance.tolerance_pct


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"order": order(weight_kg=0), "independent": entry()}, "order.weight_kg"),
        ({"order": order(), "independent": entry(dose_mg=float("nan"))}, "independent.dose_mg"),
        ({"order": order(), "independent": entry(dosee_mg=1)}, "independent.dosee_mg"),
        ({"order": order(), "independent": entry(), "tolerance_pct": -1}, "tolerance_pct"),
        ({"order": order(), "independent": entry(), "tolerance_pct": 10.5}, "tolerance_pct"),
        ({"order": order(), "independent": entry(), "tolerance_pct": "5"}, "tolerance_pct"),
        ({"order": order(ordered_dose_mg=640), "independent": entry()}, "order.ordered_dose_mg"),
        ({"order": order(every_h=0), "independent": entry()}, "order.every_h"),
        ({"order": order(every_h="8"), "independent": entry()}, "order.every_h"),
        ({"order": order(), "independent": entry(route="iv")}, "independent.route"),
        ({"order": order(bag_ml=-100), "independent": entry()}, "order.bag_ml"),
        ({"order": order(bag_ml=100.5), "independent": entry()}, "order.bag_ml"),
        ({"order": order(), "independent": entry(), "at": "noon"}, "at"),
        ({"order": order(), "independent": entry(), "doses_given": ["2026-11-21T08:00"]}, "at"),
        (
            {
                "order": order(),
                "independent": entry(),
                "at": "2026-11-21T08:00",
                "doses_given": ["2026-11-21T09:00"],
            },
            "doses_given[0]",
        ),
        (
            {
                "order": order(drug="dexamethasone"),
                "independent": entry(drug="dexamethasone"),
                "at": "2026-11-21T08:00",
                "doses_given": ["2026-11-21T07:00"],
            },
            "doses_given",
        ),
        (
            {"order": order(), "independent": entry(), "doses_given": "2026-11-21T08:00"},
            "doses_given",
        ),
        ({"order": order()}, "independent"),
        ({"order": order(weight_kg="80"), "independent": entry()}, "order.weight_kg"),
        (
            {"order": order(vials=[{"strength_mg": 400, "count": 1.5}]), "independent": entry()},
            "order.vials[0].count",
        ),
    ],
)
def test_bad_input_is_refused_naming_the_field(payload: dict[str, Any], field: str) -> None:
    with pytest.raises(InputError) as err:
        validate(VerifyInput, payload)
    assert field in [f.field for f in err.value.fields]


def test_dose_engine_refusal_names_the_entry() -> None:
    def refusing(*_: Any) -> CalculatedDose:
        raise InputError.for_field("drug", "unknown drug")

    with pytest.raises(InputError) as err:
        run({"order": order(drug="aspirin"), "independent": entry()}, calc=refusing)
    assert [f.field for f in err.value.fields] == ["order.drug"]


@pytest.mark.parametrize(
    ("pct", "text"),
    [(25.0, "+25%"), (-6.26, "-6.3%"), (12.5, "+12.5%"), (0.04, "0%"), (-0.01, "0%")],
)
def test_percent_format(pct: float, text: str) -> None:
    assert fmt_pct(pct) == text


# --- with the core's own dose engine, through the command line -------------------------------


def cli(payload: dict[str, Any], *args: str) -> tuple[int, dict[str, Any]]:
    code, text = cli_run(["verify-dose", *args], lambda: json.dumps(payload))
    return code, json.loads(text)


def test_cli_names_the_overdose_against_the_real_engine() -> None:
    code, out = cli({"order": order(dose_mg=800), "independent": entry(dose_mg=800)})
    assert code == 0
    assert out["calculated"]["dose_mg"] == 640.0  # TOCI-DOSE: 80 kg x 8 mg/kg
    assert out["mismatches"][0] == (
        "ordered 800 mg, calculated 640 mg: +25% (beyond the 10% tolerance)"
    )
    assert out["verdict"] == "flagged"
    assert {"VERIFY-TOL", "TOCI-DOSE"} <= set(out["rules"])
    assert out["ruleset"]["sha256"] == ruleset().sha256
    assert out["profile"] == ruleset().default_profile


def test_cli_capped_dose_matches() -> None:
    payload = {
        "order": order(weight_kg=120, dose_mg=800, vials=[{"strength_mg": 400, "count": 2}]),
        "independent": entry(weight_kg=120, dose_mg=800, vials=[{"strength_mg": 400, "count": 2}]),
    }
    code, out = cli(payload)
    assert code == 0
    assert out["verdict"] == "match", out["mismatches"]


def test_cli_weight_typo_by_the_verifier() -> None:
    code, out = cli({"order": order(), "independent": entry(weight_kg=8, dose_mg=64)})
    assert code == 0
    assert out["flagged"]
    assert out["decision"] == "do_not_release"
    assert out["reasons"][0] == (
        "DO NOT RELEASE: independent weight 8 kg, ordered weight 80 kg: differ by 72 kg "
        "(more than 0.1 kg): confirm the weight (VERIFY-WEIGHT)"
    )


def test_cli_refuses_unknown_drug_naming_the_order() -> None:
    code, out = cli({"order": order(drug="aspirin"), "independent": entry(drug="aspirin")})
    assert code == 2
    assert "order.drug" in [f["field"] for f in out["error"]["fields"]]


def test_cli_profile_option_applies() -> None:
    code, out = cli(
        {"order": order(dose_mg=660), "independent": entry(dose_mg=660)},
        "--profile",
        "asco-2021",
    )
    assert code == 0
    assert out["profile"] == "asco-2021"
    assert out["verdict"] == "within_tolerance"


def test_no_calculated_dose_under_ped_steroid_is_flagged_for_review() -> None:
    """PED-STEROID: the core computes no paediatric steroid dose, so nothing confirms the order."""
    child = {"drug": "dexamethasone", "weight_kg": 30, "age_years": 10, "dose_mg": 5}
    code, out = cli(
        {"order": child, "independent": entry(drug="dexamethasone", weight_kg=30, dose_mg=5)}
    )
    assert code == 0
    assert out["calculated"]["dose_mg"] is None
    assert out["flagged"]
    assert out["mismatches"][0].startswith("ordered 5 mg, calculated: none")
    assert "PED-STEROID" in out["rules"]


# --- section 10: the decision and its reasons (real dose engine) -----------------------------


def toci(weight: float, dose_mg: float, age: float = 54, **over: Any) -> dict[str, Any]:
    return {
        "drug": "tocilizumab",
        "weight_kg": weight,
        "age_years": age,
        "dose_mg": dose_mg,
        **over,
    }


def ind(drug: str, weight: float, dose_mg: float, **over: Any) -> dict[str, Any]:
    return {"drug": drug, "weight_kg": weight, "dose_mg": dose_mg, **over}


DECISION_TABLE: list[tuple[str, dict[str, Any], str, list[str]]] = [
    (
        "everything agrees",
        {
            "order": toci(70, 560, bag_ml=100, route="IV", every_h=8),
            "independent": ind("tocilizumab", 70, 560, bag_ml=100, route="IV", every_h=8),
        },
        "release",
        [
            "RELEASE: the order, the calculation and the independent entry agree on every item "
            "compared (VERIFY-DECISION)",
            "interval not compared: ordered every 8 h, calculated none (the rule states no "
            "interval) (VERIFY-THREE)",
            "interval not compared: independent entry every 8 h, calculated none (the rule "
            "states no interval) (VERIFY-THREE)",
        ],
    ),
    (
        "dose within VERIFY-TOL",
        {"order": toci(70, 580), "independent": ind("tocilizumab", 70, 580)},
        "review",
        [
            "REVIEW: ordered 580 mg, calculated 560 mg: +3.6% (within the 10% tolerance) "
            "(VERIFY-TOL)",
            "REVIEW: independent entry 580 mg, calculated 560 mg: +3.6% (within the 10% "
            "tolerance) (VERIFY-TOL)",
        ],
    ),
    (
        "dose beyond VERIFY-TOL",
        {"order": toci(70, 640), "independent": ind("tocilizumab", 70, 640)},
        "do_not_release",
        [
            "DO NOT RELEASE: ordered 640 mg, calculated 560 mg: +14.3% (beyond the 10% "
            "tolerance) (VERIFY-TOL)",
            "DO NOT RELEASE: independent entry 640 mg, calculated 560 mg: +14.3% (beyond the "
            "10% tolerance) (VERIFY-TOL)",
        ],
    ),
    (
        "VERIFY-MAX: 880 mg tocilizumab for 110 kg, within the 10% tolerance of 800 mg",
        {"order": toci(110, 880), "independent": ind("tocilizumab", 110, 880)},
        "do_not_release",
        [
            "DO NOT RELEASE: ordered 880 mg is above the 800 mg maximum per infusion (TOCI-CAP)",
            "REVIEW: ordered 880 mg, calculated 800 mg: +10% (within the 10% tolerance) "
            "(VERIFY-TOL)",
            "REVIEW: independent entry 880 mg, calculated 800 mg: +10% (within the 10% "
            "tolerance) (VERIFY-TOL)",
        ],
    ),
    (
        "VERIFY-MAX: anakinra 110 mg for a child",
        {
            "order": {"drug": "anakinra", "weight_kg": 60, "age_years": 12, "dose_mg": 110},
            "independent": ind("anakinra", 60, 110),
        },
        "do_not_release",
        [
            "DO NOT RELEASE: ordered 110 mg is above the 100 mg maximum per dose in children "
            "(ANAK-PED)",
            "REVIEW: ordered 110 mg, calculated 100 mg: +10% (within the 10% tolerance) "
            "(VERIFY-TOL)",
            "REVIEW: independent entry 110 mg, calculated 100 mg: +10% (within the 10% "
            "tolerance) (VERIFY-TOL)",
        ],
    ),
    (
        "VERIFY-MAX: levetiracetam 540 mg for a 14-year-old",
        {
            "order": {"drug": "levetiracetam", "weight_kg": 54, "age_years": 14, "dose_mg": 540},
            "independent": ind("levetiracetam", 54, 540),
        },
        "do_not_release",
        [
            "DO NOT RELEASE: ordered 540 mg is above the 500 mg maximum per dose in children "
            "(LEV-PROPH)",
            "REVIEW: ordered 540 mg, calculated 500 mg: +8% (within the 10% tolerance) "
            "(VERIFY-TOL)",
            "REVIEW: independent entry 540 mg, calculated 500 mg: +8% (within the 10% "
            "tolerance) (VERIFY-TOL)",
        ],
    ),
    (
        "VERIFY-MAX: methylprednisolone over 1000 mg/day",
        {
            "order": {
                "drug": "methylprednisolone",
                "weight_kg": 70,
                "age_years": 50,
                "regimen": "methylprednisolone-1g-daily",
                "dose_mg": 1000,
                "every_h": 12,
            },
            "independent": ind("methylprednisolone", 70, 1000, every_h=12),
        },
        "do_not_release",
        [
            # VERIFY-THREE: the regimen's interval is the calculated one
            "DO NOT RELEASE: interval: ordered every 12 h, regimen methylprednisolone-1g-daily "
            "every 24 h: different (VERIFY-FIELDS)",
            "DO NOT RELEASE: interval: independent entry every 12 h, regimen "
            "methylprednisolone-1g-daily every 24 h: different (VERIFY-FIELDS)",
            "DO NOT RELEASE: ordered 1000 mg every 12 h = 2000 mg/day is above the 1000 mg "
            "maximum per day (MP-1G)",
        ],
    ),
    (
        "VERIFY-WEIGHT: 64 kg vs 70 kg",
        {"order": toci(70, 560), "independent": ind("tocilizumab", 64, 560)},
        "do_not_release",
        [
            "DO NOT RELEASE: independent weight 64 kg, ordered weight 70 kg: differ by 6 kg "
            "(more than 0.1 kg): confirm the weight (VERIFY-WEIGHT)",
            "DO NOT RELEASE: independent weight 64 kg, calculated for 70 kg: differ by 6 kg "
            "(more than 0.1 kg): confirm the weight (VERIFY-WEIGHT)",
            "REVIEW: independent entry 560 mg, calculated for 64 kg 512 mg: +9.4% (within the "
            "10% tolerance) (VERIFY-TOL)",
        ],
    ),
    (
        "VERIFY-FIELDS: route",
        {
            "order": toci(70, 560, route="IV"),
            "independent": ind("tocilizumab", 70, 560, route="SC"),
        },
        "do_not_release",
        [
            "DO NOT RELEASE: route: independent entry SC, ordered IV: different (VERIFY-FIELDS)",
            "DO NOT RELEASE: route: independent entry SC, calculated IV: different (VERIFY-FIELDS)",
        ],
    ),
    (
        "VERIFY-FIELDS: interval",
        {"order": toci(70, 560, every_h=8), "independent": ind("tocilizumab", 70, 560, every_h=6)},
        "do_not_release",
        [
            "DO NOT RELEASE: interval: independent entry every 6 h, ordered every 8 h: different "
            "(VERIFY-FIELDS)"
        ],
    ),
    (
        "VERIFY-FIELDS: tocilizumab bag, against the entry and TOCI-BAG",
        {"order": toci(70, 560, bag_ml=50), "independent": ind("tocilizumab", 70, 560, bag_ml=100)},
        "do_not_release",
        [
            "DO NOT RELEASE: bag volume: ordered 50 mL, calculated 100 mL: different "
            "(VERIFY-FIELDS)",
            "DO NOT RELEASE: bag volume: independent entry 100 mL, ordered 50 mL: different "
            "(VERIFY-FIELDS)",
        ],
    ),
    (
        "VERIFY-CLOCK: 4 h after the last dose",
        {
            "order": toci(70, 560),
            "independent": ind("tocilizumab", 70, 560),
            "at": "2026-11-21T10:00",
            "doses_given": ["2026-11-21T06:00"],
        },
        "do_not_release",
        [
            "DO NOT RELEASE: order at 2026-11-21 10:00 is before the next allowed dose at "
            "2026-11-21 14:00: The last dose (2026-11-21 06:00) was 4 h before; at least 8 h "
            "between doses (TOCI-INTERVAL): not before 2026-11-21 14:00 (VERIFY-CLOCK)"
        ],
    ),
]


@pytest.mark.parametrize(
    ("payload", "decision", "reasons"),
    [row[1:] for row in DECISION_TABLE],
    ids=[row[0] for row in DECISION_TABLE],
)
def test_decision_table_verify_decision(
    payload: dict[str, Any], decision: str, reasons: list[str]
) -> None:
    """VERIFY-DECISION with VERIFY-MAX, VERIFY-WEIGHT, VERIFY-FIELDS, VERIFY-CLOCK and
    VERIFY-TOL: each decision with the sentences a pharmacist signs against."""
    code, out = cli(payload)
    assert code == 0, out
    assert out["decision"] == decision
    assert out["reasons"] == reasons
    assert out["flagged"] is (decision != "release")
    for reason in out["reasons"]:
        assert reason.rstrip(")").rsplit("(", 1)[1] in {r.id for r in ruleset().all_rules()}


def test_verify_max_just_outside_800_mg_at_110_kg_is_released() -> None:
    code, out = cli({"order": toci(110, 800), "independent": ind("tocilizumab", 110, 800)})
    assert (code, out["decision"]) == (0, "release")
    maximum = [c for c in out["comparisons"] if c["item"] == "maximum"]
    assert (
        maximum[0]["text"] == "ordered 800 mg is within the 800 mg maximum per infusion (TOCI-CAP)"
    )
    # an adult's anakinra has no ANAK-PED maximum: 110 mg is a dose difference (+10%)
    code, out = cli(
        {
            "order": {"drug": "anakinra", "weight_kg": 70, "age_years": 18, "dose_mg": 110},
            "independent": ind("anakinra", 70, 110),
        }
    )
    assert out["decision"] == "review"
    # levetiracetam 500 mg for a 14-year-old of 54 kg: at the maximum, not above it
    code, out = cli(
        {
            "order": {"drug": "levetiracetam", "weight_kg": 54, "age_years": 14, "dose_mg": 500},
            "independent": ind("levetiracetam", 54, 500),
        }
    )
    assert out["decision"] == "release"


def test_verify_max_reads_its_numbers_from_the_named_rules() -> None:
    from calculator.verification import maximum_mg

    rs = ruleset()
    limits = {m.rule: maximum_mg(m, rs) for m in rs.verification.maximum.maxima}
    assert limits == {
        "TOCI-CAP": rs.dosing.toci_cap.max_mg_per_infusion,
        "ANAK-PED": rs.dosing.anak_ped.regimens[0].max_dose_mg,
        "LEV-PROPH": next(
            r.max_dose_mg for r in rs.dosing.lev_proph.regimens if r.population == "child"
        ),
        "MP-1G": 1000.0,
        "MP-1G-BID": 2000.0,  # its regimen, 1000 mg every 12 h
    }


def test_verify_weight_agrees_to_a_tenth_of_a_kg_after_unit_conversion() -> None:
    """VERIFY-WEIGHT: 154.32 lb typed by the verifier is 69.998 kg: the same weight as
    70 kg at 0.1 kg; 70.2 kg is not."""
    lb_as_kg = 154.32 * ruleset().dosing.plausible.kg_per_lb
    _, out = cli({"order": toci(70, 560), "independent": ind("tocilizumab", lb_as_kg, 560)})
    assert out["decision"] == "release", out["reasons"]
    _, out = cli({"order": toci(70, 560), "independent": ind("tocilizumab", 70.1, 560)})
    weight = next(c for c in out["comparisons"] if c["item"] == "weight")
    assert weight["matches"]
    _code, out = cli({"order": toci(70, 560), "independent": ind("tocilizumab", 70.2, 560)})
    assert out["decision"] == "do_not_release"
    assert out["reasons"][0].endswith("(VERIFY-WEIGHT)")


def test_verify_fields_just_outside_same_fields_release() -> None:
    same = {"route": "IV", "every_h": 8, "bag_ml": 100}
    _, out = cli(
        {"order": toci(70, 560, **same), "independent": ind("tocilizumab", 70, 560, **same)}
    )
    assert out["decision"] == "release"
    compared = {c["item"] for c in out["comparisons"]}
    assert {"drug", "route", "every_h", "bag_ml"} <= compared
    # a field given on one side only is a difference, never silently skipped
    _, out = cli({"order": toci(70, 560, every_h=8), "independent": ind("tocilizumab", 70, 560)})
    assert out["decision"] == "do_not_release"


def test_verify_clock_just_outside_8_h_later_is_allowed() -> None:
    payload = {
        "order": toci(70, 560),
        "independent": ind("tocilizumab", 70, 560),
        "at": "2026-11-21T14:00",
        "doses_given": ["2026-11-21T06:00"],
    }
    _, out = cli(payload)
    assert out["decision"] == "release"
    assert "VERIFY-CLOCK" in out["rules"]
    four = ["2026-11-20T00:00", "2026-11-20T08:00", "2026-11-20T16:00", "2026-11-21T00:00"]
    _code, out = cli({**payload, "doses_given": four})
    assert out["decision"] == "do_not_release"
    assert "episode maximum" in out["reasons"][0]


def test_old_ordered_dose_mg_is_refused_naming_dose_mg() -> None:
    old = {"drug": "tocilizumab", "weight_kg": 70, "age_years": 54, "ordered_dose_mg": 560}
    code, out = cli({"order": old, "independent": ind("tocilizumab", 70, 560)})
    assert code == 2
    (field,) = out["error"]["fields"]
    assert field["field"] == "order.ordered_dose_mg"
    assert "dose_mg" in field["message"].replace("ordered_dose_mg", "")


@settings(max_examples=150, deadline=None)
@given(
    weight=st.floats(min_value=5, max_value=200, allow_nan=False),
    factor=st.floats(min_value=0.5, max_value=1.5, allow_nan=False),
    verifier_delta=st.sampled_from([0.0, 0.05, 0.1, 0.2, 6.0]),
)
def test_property_verify_max_and_release_means_everything_agrees(
    weight: float, factor: float, verifier_delta: float
) -> None:
    """VERIFY-MAX: a tocilizumab order above TOCI-CAP is never released or reviewed;
    VERIFY-DECISION: "release" only when every comparison matches; VERIFY-WEIGHT: a
    verifier weight more than 0.1 kg off is never released."""
    rs = ruleset()
    calc = default_calculate("tocilizumab", weight, 54, None, rs.profiles[rs.default_profile], rs)
    assert calc.dose_mg is not None
    dose_mg = round(calc.dose_mg * factor, 1)
    payload = {
        "order": toci(weight, dose_mg),
        "independent": ind("tocilizumab", weight + verifier_delta, dose_mg),
    }
    result = verify_dose(validate(VerifyInput, payload), rs.profiles[rs.default_profile], rs)
    if dose_mg > rs.dosing.toci_cap.max_mg_per_infusion:
        assert result.decision == "do_not_release"
    if result.decision == "release":
        assert all(c.matches or not c.compared for c in result.comparisons)
    if round(verifier_delta, 2) > rs.verification.weight.resolution_kg:
        assert result.decision == "do_not_release"
    assert result.reasons
    assert result.flagged is (result.decision != "release")


def _asco_escalation_order() -> dict[str, Any]:
    """The methylprednisolone order of MGT-CRS4's ASCO escalation, as the plan gives it."""
    code, text = cli_run(
        ["recommend", "--profile", "asco-2021"],
        lambda: json.dumps(
            {
                "crs_grade": 4,
                "icans_grade": 0,
                "weight_kg": 70,
                "age_years": 50,
                "improving": False,
                "at": "2026-11-21T14:00",
                "tocilizumab_doses": ["2026-11-21T08:00"],
            }
        ),
    )
    assert code == 0, text
    out = json.loads(text)
    [given] = [
        a for a in out["actions"] if a["code"] == "methylprednisolone" and a["strength"] == "give"
    ]
    assert (given["regimen"], given["dose_mg"], given["every_h"]) == (
        "methylprednisolone-1g-q12h",
        1000.0,
        12.0,
    )
    return {
        "drug": "methylprednisolone",
        "weight_kg": 70,
        "age_years": 50,
        "regimen": given["regimen"],
        "dose_mg": given["dose_mg"],
        "every_h": given["every_h"],
        "route": given["route"],
    }


def test_the_plans_asco_escalation_passes_its_own_double_check() -> None:
    """Where rules meet: MGT-CRS4 (asco-2021) proposes methylprednisolone 1000 mg every 12 h
    (MP-1G-BID); VERIFY-MAX holds that order to its own rule, not to MP-1G's 1000 mg/day."""
    written = _asco_escalation_order()
    independent = ind("methylprednisolone", 70, 1000, every_h=12, route="IV")
    code, out = cli({"order": written, "independent": independent}, "--profile", "asco-2021")
    assert (code, out["decision"]) == (0, "release"), out["reasons"]
    [maximum] = [c for c in out["comparisons"] if c["item"] == "maximum"]
    assert maximum["text"] == (
        "ordered 1000 mg every 12 h = 2000 mg/day is within the 2000 mg maximum per day (MP-1G-BID)"
    )
    # Above the escalation's own maximum: refused by its rule.
    over = {**written, "dose_mg": 1500}
    code, out = cli(
        {"order": over, "independent": {**independent, "dose_mg": 1500}}, "--profile", "asco-2021"
    )
    assert out["decision"] == "do_not_release"
    assert (
        "DO NOT RELEASE: ordered 1500 mg every 12 h = 3000 mg/day is above the 2000 mg "
        "maximum per day (MP-1G-BID)"
    ) in out["reasons"]
    # Without the regimen the same order is held to MP-1G (1000 mg per day).
    bare = {k: v for k, v in written.items() if k != "regimen"}
    code, out = cli({"order": bare, "independent": independent}, "--profile", "asco-2021")
    assert out["decision"] == "do_not_release"
    assert any(r.endswith("maximum per day (MP-1G)") for r in out["reasons"])


def test_a_verify_max_regimen_must_belong_to_its_rule() -> None:
    from calculator.rulebook.loader import load_ruleset
    from tests.calculator.helpers import replace_in_data

    with pytest.raises(ValueError, match="MP-1G-BID has no regimen methylprednisolone-1g-daily"):
        load_ruleset(
            replace_in_data(
                "verification.toml",
                'rule = "MP-1G-BID", per = "day", regimen = "methylprednisolone-1g-q12h"',
                'rule = "MP-1G-BID", per = "day", regimen = "methylprednisolone-1g-daily"',
            )
        )
