"""Tocilizumab dose: examples T1-T6 and every TOCI rule of the dose."""

from __future__ import annotations

import pytest

from calculator import DoseInput, InputError, dose
from calculator.edge.inputs import validate
from tests.calculator.dosing.helpers import profile, toci

ROUNDING = {"toci_rounding": "nearest_vial_within_tolerance"}


def vial_map(result: object) -> dict[int, int]:
    return {v.strength_mg: v.count for v in result.vials}  # type: ignore[attr-defined]


def test_t1_70_kg() -> None:
    r = toci(70)
    assert (r.dose_mg, r.mg_per_kg, r.volume_ml, r.bag_ml) == (560.0, 8.0, 28.0, 100)
    assert vial_map(r) == {400: 1, 80: 2}
    assert r.waste_mg == 0
    assert not r.capped
    assert r.withdraw_from_bag_ml == 28.0
    assert r.infusion_minutes == 60
    assert r.warnings == ()
    assert {"TOCI-DOSE", "TOCI-VIALS", "TOCI-BAG", "TOCI-ROUTE", "TOCI-STAB"} <= set(r.rules)


def test_t2_t3_the_30_kg_step_is_shown_not_smoothed() -> None:
    below, at = toci(29.9, age_years=9), toci(30.0, age_years=9)
    assert (below.dose_mg, below.mg_per_kg, below.bag_ml) == (358.8, 12.0, 50)
    assert (at.dose_mg, at.mg_per_kg, at.bag_ml) == (240.0, 8.0, 100)
    assert below.volume_ml == 17.94
    for r in (below, at):
        assert "TOCI-STEP" in r.rules
        assert "TOCI-STEP-NEAR" in r.rules
        assert any(
            w.startswith("TOCI-STEP: ") and "confirm the measured weight" in w for w in r.warnings
        )
        # TOCI-STEP-NEAR is status V: its margin is this product's choice.
        assert any(
            w.startswith("TOCI-STEP-NEAR: verify against local protocol") for w in r.warnings
        )


@pytest.mark.parametrize(
    ("weight", "near"), [(27.9, False), (28.0, True), (32.0, True), (32.1, False)]
)
def test_step_warning_within_2_kg_only(weight: float, near: bool) -> None:
    r = toci(weight, age_years=10)
    assert ("TOCI-STEP" in r.rules) is near
    assert any(w.startswith("TOCI-STEP:") for w in r.warnings) is near


def test_t4_100_kg_is_800_not_capped() -> None:
    r = toci(100)
    assert (r.dose_mg, r.capped) == (800.0, False)
    assert "TOCI-CAP" not in r.rules


def test_t5_120_kg_is_capped_at_800() -> None:
    r = toci(120)
    assert (r.dose_mg, r.calculated_mg, r.capped) == (800.0, 960.0, True)
    assert "TOCI-CAP" in r.rules
    assert "TOCI-CAP: 960 mg calculated; capped at 800 mg per infusion." in r.warnings
    assert vial_map(r) == {400: 2}


def test_t6_under_two_years_computes_and_warns() -> None:
    r = toci(12, age_years=1)
    assert r.dose_mg == 144.0
    assert "TOCI-AGE" in r.rules
    assert any(w.startswith("TOCI-AGE:") and "outside the label" in w for w in r.warnings)
    assert vial_map(r) == {80: 2}
    assert r.waste_mg == 16.0


def test_age_two_is_within_the_label() -> None:
    assert "TOCI-AGE" not in toci(12, age_years=2).rules


def test_working_reads_as_sentences() -> None:
    r = toci(61.5)
    assert r.working[0].startswith("61.5 kg x 8 mg/kg = 492 mg")
    assert "492 mg / 20 mg/mL = 24.6 mL." in r.working
    assert any(
        s.startswith("Vials: 1 x 200 mg + 4 x 80 mg = 520 mg; waste 28 mg") for s in r.working
    )
    assert any("first withdraw 24.6 mL from the bag" in s for s in r.working)


def test_dose_to_a_tenth_of_a_mg_and_volume_to_a_hundredth_of_a_ml() -> None:
    r = toci(61.23)  # 489.84 mg -> 489.8 mg; 24.49 mL
    assert r.dose_mg == 489.8
    assert r.volume_ml == 24.49
    r = toci(61.2375)  # 489.9 mg; 489.9 / 20 = 24.495 -> 24.5 (half up)
    assert (r.dose_mg, r.volume_ml) == (489.9, 24.5)


def test_route_bag_and_stability_per_diluent() -> None:
    r = toci(70)
    assert r.route == "IV"
    assert "never subcutaneous, IV push or bolus" in r.route_text
    assert r.diluents == ("0.9% NaCl", "0.45% NaCl")
    stab = {s.diluent: s for s in r.stability}
    assert (stab["0.9% NaCl"].refrigerated_h, stab["0.9% NaCl"].room_temperature_h) == (24, 24)
    assert (stab["0.45% NaCl"].refrigerated_h, stab["0.45% NaCl"].room_temperature_h) == (24, 4)
    assert all(s.protect_from_light for s in r.stability)
    assert "4 h at room temperature" in stab["0.45% NaCl"].text


@pytest.mark.parametrize(
    ("weight", "age", "warned"),
    [
        (154, 6, True),  # 70 kg adult typed in pounds... for a 6-year-old
        (40, 2.5, True),  # 18 kg child typed in pounds
        (20, 6, False),
        (154, 40, False),  # heavy but possible adult
        (20, 40, True),  # below the adult band
    ],
)
def test_weight_implausible_for_age_warns_only(weight: float, age: float, warned: bool) -> None:
    r = toci(weight, age_years=age)
    assert r.dose_mg > 0  # still computed
    assert ("DOSE-PLAUSIBLE" in r.rules) is warned
    hits = [w for w in r.warnings if w.startswith("DOSE-PLAUSIBLE: ") and "re-check" in w]
    assert bool(hits) is warned


def test_pounds_hint_converts_the_entry() -> None:
    r = toci(40, age_years=2.5)
    assert any("If it was entered in pounds, 40 lb = 18.1 kg." in w for w in r.warnings)
    assert any(w.startswith("DOSE-PLAUSIBLE: verify against local protocol") for w in r.warnings)


# --- TOCI-ROUND -------------------------------------------------------------------------------


def test_rounding_is_off_by_default() -> None:
    r = toci(61.5)
    assert not r.rounded
    assert "TOCI-ROUND" not in r.rules
    assert r.dose_mg == 492.0


def test_rounding_on_takes_the_nearest_whole_vial_total_within_10_percent() -> None:
    r = toci(61.5, prof=profile(**ROUNDING))
    assert r.rounded
    assert (r.dose_mg, r.calculated_mg, r.waste_mg) == (480.0, 492.0, 0.0)
    assert vial_map(r) == {400: 1, 80: 1}
    assert "TOCI-ROUND" in r.rules
    assert any("dose rounded to nearest vial per policy" in w for w in r.warnings)
    assert any("dose rounded to nearest vial per policy" in s for s in r.working)


def test_rounding_tie_goes_to_the_lower_total() -> None:
    r = toci(62.5, prof=profile(**ROUNDING))  # 500 mg: 480 and 520 are both 20 mg away
    assert r.dose_mg == 480.0


def test_rounding_leaves_a_dose_without_a_close_total() -> None:
    r = toci(12, age_years=3, prof=profile(**ROUNDING))  # 144 mg: 160 is 11% away
    assert not r.rounded
    assert r.dose_mg == 144.0
    assert any("not rounded" in s for s in r.working)


def test_rounding_never_exceeds_the_cap() -> None:
    for w in (99, 100, 105, 350):
        r = toci(w, prof=profile(**ROUNDING))
        assert r.dose_mg <= 800


@pytest.mark.parametrize("weight", [x / 10 for x in range(10, 3501, 7)])
def test_rounded_dose_is_a_whole_vial_total_within_tolerance(weight: float) -> None:
    r = toci(weight, prof=profile(**ROUNDING))
    assert r.dose_mg <= 800
    if r.rounded:
        assert r.waste_mg == 0
        assert abs(r.dose_mg - r.calculated_mg) <= 0.10 * min(r.calculated_mg, 800) + 1e-9


# --- refusals ---------------------------------------------------------------------------------


def test_tocilizumab_regimen_is_its_own_or_refused() -> None:
    base = {"drug": "tocilizumab", "weight_kg": 70, "age_years": 50}
    ok = dose(validate(DoseInput, {**base, "regimen": "tocilizumab-iv"}), profile())
    assert ok.dose_mg == 560.0
    with pytest.raises(InputError) as err:
        validate(DoseInput, {**base, "regimen": "dexamethasone-10mg-q6h"})
    assert [f.field for f in err.value.fields] == ["regimen"]
