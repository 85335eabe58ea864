"""Dexamethasone equivalents (STER-EQ), read from the dosing rule data."""

from __future__ import annotations

from calculator.rulebook import Ruleset

STER_EQ = "STER-EQ"


def dexamethasone_equivalent(drug: str, mg: float, rs: Ruleset) -> float:
    """``mg`` of ``drug`` as mg of dexamethasone (STER-EQ); unrounded (results round)."""
    table = rs.dosing.ster_eq.equivalent_mg
    return mg * table["dexamethasone"] / table[drug]  # type: ignore[index]


def from_dexamethasone(drug: str, dex_mg: float, rs: Ruleset) -> float:
    """The inverse of :func:`dexamethasone_equivalent`: mg of ``drug`` for ``dex_mg``."""
    table = rs.dosing.ster_eq.equivalent_mg
    return dex_mg * table[drug] / table["dexamethasone"]  # type: ignore[index]
