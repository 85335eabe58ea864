"""TAPER-GEN and TAPER-STRENGTHS: generated steps and rounding to existing strengths."""

from __future__ import annotations

import pytest

from calculator import InputError, ruleset
from calculator.taper import generate_taper, round_dose


def _product(drug: str, route: str):  # type: ignore[no-untyped-def]
    product = ruleset().taper.strengths.for_route(drug, route)
    assert product is not None
    return product


@pytest.mark.parametrize(
    ("requested", "dose", "made_from"),
    [
        (6.4, 6.5, "1 x 6 mg + 1 x 0.5 mg tablets"),
        (4.8, 4.75, "1 x 4 mg + 1 x 0.75 mg tablets"),
        (1.6, 1.5, "1 x 1.5 mg tablets"),
        (0.6, 0.5, "1 x 0.5 mg tablets"),
        (0.25, 0.0, ""),  # tie between nothing and 0.5 mg goes down
        (0.3, 0.5, "1 x 0.5 mg tablets"),
        (10, 10, "1 x 6 mg + 1 x 4 mg tablets"),
        (1.125, 1.0, "1 x 1 mg tablets"),  # tie between 1 and 1.25 goes down
    ],
)
def test_tablets_round_to_whole_tablets(requested: float, dose: float, made_from: str) -> None:
    """TAPER-STRENGTHS: dexamethasone tablets 0.5, 0.75, 1, 1.5, 2, 4, 6 mg."""
    r = round_dose(requested, _product("dexamethasone", "PO"))
    assert r.dose_mg == dose
    assert r.made_from == made_from
    assert sum(t.strength_mg * t.count for t in r.tablets) == pytest.approx(dose)


@pytest.mark.parametrize(("requested", "dose"), [(2.5, 2), (2.51, 3), (0.5, 0), (62.5, 62)])
def test_injection_rounds_to_the_measured_increment(requested: float, dose: float) -> None:
    assert round_dose(requested, _product("dexamethasone", "IV")).dose_mg == dose
    assert round_dose(requested, _product("methylprednisolone", "IV")).dose_mg == dose


def test_strengths_are_data_with_status() -> None:
    rule = ruleset().taper.strengths
    assert rule.id == "TAPER-STRENGTHS"
    assert rule.needs_verification
    tablets = _product("dexamethasone", "PO")
    assert tablets.strengths_mg == (0.5, 0.75, 1, 1.5, 2, 4, 6)
    assert tablets.status == "V"
    assert _product("dexamethasone", "IV").concentrations_mg_per_ml == (4, 10)
    assert _product("methylprednisolone", "IV").strengths_mg == (40, 125, 500, 1000)


def test_linear_reduction_is_equal_steps_to_zero() -> None:
    g = generate_taper(
        drug="dexamethasone",
        route="IV",
        last_dose_mg=20,
        every_h=6,
        taper_days=3,
        reduction="linear",
        rs=ruleset(),
    )
    assert [s.dose_mg for s in g.steps] == [15, 10, 5]
    assert [s.requested_mg for s in g.steps] == [15, 10, 5]
    assert all(s.days == 1 and s.every_h == 6 for s in g.steps)
    assert g.rules == ("TAPER-GEN", "TAPER-STRENGTHS")


def test_halving_stops_early_when_a_dose_rounds_to_nothing() -> None:
    g = generate_taper(
        drug="dexamethasone",
        route="IV",
        last_dose_mg=4,
        every_h=12,
        taper_days=5,
        reduction="halving",
        rs=ruleset(),
    )
    # 2, 1, 0.5 -> 0 (tie down): the taper ends after 2 of 5 days
    assert [s.dose_mg for s in g.steps] == [2, 1]
    assert any("ends after 2 of 5 days" in w for w in g.warnings)
    assert any("review and edit" in w for w in g.warnings)


def test_generated_doses_never_increase() -> None:
    for reduction in ("halving", "linear"):
        for last in (0.75, 1, 3, 8, 10, 13, 20):
            g = generate_taper(
                drug="dexamethasone",
                route="PO",
                last_dose_mg=last,
                every_h=8,
                taper_days=7,
                reduction=reduction,  # type: ignore[arg-type]
                rs=ruleset(),
            )
            doses = [last] + [s.dose_mg for s in g.steps]
            assert doses == sorted(doses, reverse=True)


def test_no_strengths_listed_is_refused() -> None:
    with pytest.raises(InputError) as exc:
        generate_taper(
            drug="methylprednisolone",
            route="PO",
            last_dose_mg=60,
            every_h=12,
            taper_days=3,
            reduction="linear",
            rs=ruleset(),
        )
    assert "TAPER-STRENGTHS" in exc.value.message
