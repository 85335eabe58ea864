"""Pharmacy double check (VERIFY-TOL): the comparison logic, with a stand-in dose engine
where the figures must be fixed, and the real one through ``verify-dose``."""

from __future__ import annotations

import json
from typing import Any

import pytest

from calculator.cli import run as cli_run
from calculator.errors import InputError
from calculator.inputs import validate
from calculator.rulebook import Ruleset, ruleset
from calculator.rulebook.profiles import Profile
from calculator.verification import (
    CalculatedDose,
    VerifyInput,
    VialCount,
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
        "ordered_dose_mg": 640,
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
    result = run({"order": order(ordered_dose_mg=800), "independent": entry(dose_mg=800)})
    assert result.verdict == "flagged"
    assert result.flagged
    first = result.mismatches[0]
    assert first.startswith("ordered 800 mg, calculated 640 mg: +25%")
    assert "beyond the 10% tolerance" in first
    dose_vs_calc = next(c for c in result.comparisons if c.between == "order_vs_calculated")
    assert dose_vs_calc.difference_pct == 25.0
    # The verifier agreed with the order: that comparison matches.
    agree = next(
        c for c in result.comparisons if c.item == "dose" and c.between == "independent_vs_order"
    )
    assert agree.matches


def test_underdose_is_negative() -> None:
    result = run({"order": order(ordered_dose_mg=480), "independent": entry(dose_mg=480)})
    assert any(m.startswith("ordered 480 mg, calculated 640 mg: -25%") for m in result.mismatches)
    assert result.flagged


def test_difference_within_tolerance_is_named_but_not_flagged() -> None:
    result = run({"order": order(ordered_dose_mg=672), "independent": entry(dose_mg=672)})
    assert result.verdict == "within_tolerance"
    assert not result.flagged
    assert result.mismatches == (
        "ordered 672 mg, calculated 640 mg: +5% (within the 10% tolerance)",
    )


def test_exactly_at_tolerance_is_not_beyond_it() -> None:
    result = run({"order": order(ordered_dose_mg=704), "independent": entry(dose_mg=704)})
    assert result.verdict == "within_tolerance"


def test_independent_entry_differs_from_order() -> None:
    result = run({"order": order(), "independent": entry(dose_mg=800)})
    assert "independent entry 800 mg, ordered 640 mg: +25% (beyond the 10% tolerance)" in (
        result.mismatches
    )
    assert result.flagged


def test_different_weight_is_named_and_recalculated_for_the_verifier() -> None:
    result = run({"order": order(), "independent": entry(weight_kg=70, dose_mg=560)})
    weight = next(c for c in result.comparisons if c.item == "weight")
    assert weight.text == (
        "independent weight 70 kg, ordered weight 80 kg: -12.5% (beyond the 10% tolerance)"
    )
    own = next(c for c in result.comparisons if c.between == "independent_vs_calculated")
    assert own.matches  # 70 kg x 8 mg/kg = 560 mg: the verifier's arithmetic is right
    assert own.text == "independent entry 560 mg, calculated for 70 kg 560 mg: match"


def test_different_drug_is_always_flagged() -> None:
    result = run({"order": order(), "independent": entry(drug="siltuximab")})
    drug = next(c for c in result.comparisons if c.item == "drug")
    assert drug.flagged
    assert drug.text == "independent entry siltuximab, ordered tocilizumab: different drug"


def test_drug_names_compare_without_case() -> None:
    result = run({"order": order(), "independent": entry(drug=" Tocilizumab")})
    assert result.verdict == "match"


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
    payload = {"order": order(ordered_dose_mg=672), "independent": entry(dose_mg=672)}
    by_profile = run(payload, profile=strict)
    assert (by_profile.tolerance_pct, by_profile.tolerance_from) == (2.0, "profile")
    assert by_profile.flagged
    by_setting = run({**payload, "tolerance_pct": 6}, profile=strict)
    assert (by_setting.tolerance_pct, by_setting.tolerance_from) == (6.0, "settings")
    assert not by_setting.flagged
    default = run(payload)
    assert default.tolerance_from == "VERIFY-TOL"
    assert default.tolerance_pct == rs.verification.tolerance.tolerance_pct


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"order": order(weight_kg=0), "independent": entry()}, "order.weight_kg"),
        ({"order": order(), "independent": entry(dose_mg=float("nan"))}, "independent.dose_mg"),
        ({"order": order(), "independent": entry(dosee_mg=1)}, "independent.dosee_mg"),
        ({"order": order(), "independent": entry(), "tolerance_pct": 0}, "tolerance_pct"),
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
    code, out = cli({"order": order(ordered_dose_mg=800), "independent": entry(dose_mg=800)})
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
        "order": order(
            weight_kg=120, ordered_dose_mg=800, vials=[{"strength_mg": 400, "count": 2}]
        ),
        "independent": entry(weight_kg=120, dose_mg=800, vials=[{"strength_mg": 400, "count": 2}]),
    }
    code, out = cli(payload)
    assert code == 0
    assert out["verdict"] == "match", out["mismatches"]


def test_cli_weight_typo_by_the_verifier() -> None:
    code, out = cli({"order": order(), "independent": entry(weight_kg=8, dose_mg=64)})
    assert code == 0
    assert out["flagged"]
    assert "independent weight 8 kg, ordered weight 80 kg: -90%" in out["mismatches"][0]


def test_cli_refuses_unknown_drug_naming_the_order() -> None:
    code, out = cli({"order": order(drug="aspirin"), "independent": entry(drug="aspirin")})
    assert code == 2
    assert "order.drug" in [f["field"] for f in out["error"]["fields"]]


def test_cli_profile_option_applies() -> None:
    code, out = cli(
        {"order": order(ordered_dose_mg=660), "independent": entry(dose_mg=660)},
        "--profile",
        "asco-2021",
    )
    assert code == 0
    assert out["profile"] == "asco-2021"
    assert out["verdict"] == "within_tolerance"


def test_no_calculated_dose_under_ped_steroid_is_flagged_for_review() -> None:
    """PED-STEROID: the core computes no paediatric steroid dose, so nothing confirms the order."""
    child = {"drug": "dexamethasone", "weight_kg": 30, "age_years": 10, "ordered_dose_mg": 5}
    code, out = cli(
        {"order": child, "independent": entry(drug="dexamethasone", weight_kg=30, dose_mg=5)}
    )
    assert code == 0
    assert out["calculated"]["dose_mg"] is None
    assert out["flagged"]
    assert out["mismatches"][0].startswith("ordered 5 mg, calculated: none")
    assert "PED-STEROID" in out["rules"]
