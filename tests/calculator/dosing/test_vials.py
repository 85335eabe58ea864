"""TOCI-VIALS: the vial combination with the least waste, then the fewest vials, checked
against brute force for every weight from 1 to 350 kg in 0.1 kg steps."""

from __future__ import annotations

import itertools
from fractions import Fraction

import pytest

from calculator.dosing.vials import least_waste, nearest_whole_vial_total
from tests.calculator.dosing.helpers import toci

STRENGTHS = (80, 200, 400)


def brute_force(dose_mg: float) -> tuple[int, int, dict[int, int]]:
    """Every combination up to 12 of each vial; the least total covering the dose, then
    the fewest vials. Independent of the code under test."""
    best: tuple[float, int, dict[int, int]] | None = None
    for counts in itertools.product(range(13), repeat=len(STRENGTHS)):
        total = sum(s * n for s, n in zip(STRENGTHS, counts, strict=True))
        if total + 1e-9 < dose_mg:
            continue
        key = (total, sum(counts))
        if best is None or key < best[:2]:
            best = (total, sum(counts), {s: n for s, n in zip(STRENGTHS, counts, strict=True) if n})
    assert best is not None
    return int(best[0]), best[1], best[2]


def test_every_weight_matches_brute_force_and_never_exceeds_800_mg() -> None:
    cache: dict[float, tuple[int, int, dict[int, int]]] = {}
    for tenth in range(10, 3501):
        weight = tenth / 10
        r = toci(weight)
        assert r.dose_mg <= 800, weight
        expected = cache.get(r.dose_mg) or cache.setdefault(r.dose_mg, brute_force(r.dose_mg))
        got = {v.strength_mg: v.count for v in r.vials}
        total = sum(s * n for s, n in got.items())
        assert (total, sum(got.values())) == expected[:2], weight
        assert got == expected[2], weight
        assert r.waste_mg == pytest.approx(total - r.dose_mg, abs=1e-9)


def test_fewest_vials_breaks_a_tie_in_waste() -> None:
    # 400 mg: one 400 mg vial, not two 200 mg or five 80 mg.
    assert least_waste(4000, (800, 2000, 4000)) == (0, 0, 1)


def test_order_of_strengths_does_not_matter() -> None:
    assert least_waste(5600, (4000, 800, 2000)) == (1, 2, 0)


@pytest.mark.parametrize(("dose", "strengths"), [(0, (80,)), (10, ()), (10, (0, 80))])
def test_bad_arguments_are_refused(dose: int, strengths: tuple[int, ...]) -> None:
    with pytest.raises(ValueError, match="must be positive"):
        least_waste(dose, strengths)


def test_nearest_total_respects_the_cap_and_tolerance() -> None:
    tenths = (800, 2000, 4000)
    tol = Fraction(1, 10)
    assert nearest_whole_vial_total(4920, tenths, tol, 8000, "lower") == 4800
    assert nearest_whole_vial_total(5000, tenths, tol, 8000, "lower") == 4800
    assert nearest_whole_vial_total(5000, tenths, tol, 8000, "higher") == 5200
    assert nearest_whole_vial_total(1440, tenths, tol, 8000, "lower") is None
    assert nearest_whole_vial_total(7900, tenths, tol, 7000, "lower") is None  # cap below
    assert nearest_whole_vial_total(8300, tenths, tol, 8000, "higher") == 8000
