"""Dexamethasone equivalents (STER-EQ) for the taper: the dose engine's conversion,
unrounded, as floats (the plan rounds its sums, not each dose)."""

from __future__ import annotations

from calculator.dosing.steroids import exact_equivalent_mg
from calculator.rulebook import Ruleset

STER_EQ = "STER-EQ"


def dexamethasone_equivalent(drug: str, mg: float, rs: Ruleset) -> float:
    """``mg`` of ``drug`` as mg of dexamethasone (STER-EQ); unrounded (results round)."""
    return float(exact_equivalent_mg(rs, drug, mg, "dexamethasone"))


def from_dexamethasone(drug: str, dex_mg: float, rs: Ruleset) -> float:
    """The inverse of :func:`dexamethasone_equivalent`: mg of ``drug`` for ``dex_mg``."""
    return float(exact_equivalent_mg(rs, "dexamethasone", dex_mg, drug))
