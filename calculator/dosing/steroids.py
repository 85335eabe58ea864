"""Corticosteroid equivalence (STER-EQ) with the STER-NOTEQ caveat."""

from __future__ import annotations

from decimal import Decimal

from calculator.dosing.models import SteroidConversion, SteroidConversionInput
from calculator.dosing.numbers import VOLUME_PLACES, dec, fmt, round_half_up
from calculator.rulebook import Ruleset, ruleset
from calculator.rulebook.profiles import Profile

#: Equivalent doses are shown to 0.01 mg (888.75 mg dexamethasone-equivalent, examples P1).
EQUIVALENT_PLACES = VOLUME_PLACES


def exact_equivalent_mg(rs: Ruleset, drug: str, dose_mg: float | Decimal, to: str) -> Decimal:
    """STER-EQ: ``dose_mg`` of ``drug`` as mg of ``to``, unrounded (for sums of many doses)."""
    table = rs.dosing.ster_eq.equivalent_mg
    if drug not in table or to not in table:
        raise KeyError(f"STER-EQ has no equivalent for {drug if drug not in table else to}")
    return dec(dose_mg) * dec(table[to]) / dec(table[drug])


def equivalent_mg(rs: Ruleset, drug: str, dose_mg: float | Decimal, to: str) -> Decimal:
    """STER-EQ: ``dose_mg`` of ``drug`` as mg of ``to``, to 0.01 mg."""
    return round_half_up(exact_equivalent_mg(rs, drug, dose_mg, to), EQUIVALENT_PLACES)


def dexamethasone_equivalent(rs: Ruleset, drug: str, dose_mg: float | Decimal) -> Decimal:
    """STER-EQ: mg of dexamethasone equivalent to ``dose_mg`` of ``drug``."""
    return equivalent_mg(rs, drug, dose_mg, "dexamethasone")


def convert_steroid(
    inp: SteroidConversionInput, profile: Profile, rs: Ruleset | None = None
) -> SteroidConversion:
    """Convert a corticosteroid dose by STER-EQ; shows STER-NOTEQ where the pair is a
    guideline "or equivalent" (dexamethasone and methylprednisolone)."""
    rs = rs or ruleset()
    eq = rs.dosing.ster_eq
    noteq = rs.dosing.ster_noteq
    result = equivalent_mg(rs, inp.drug, inp.dose_mg, inp.to)
    ratio = f"{fmt(eq.equivalent_mg[inp.to])} / {fmt(eq.equivalent_mg[inp.drug])}"
    working = (
        f"{eq.text}",
        f"{fmt(inp.dose_mg)} mg {inp.drug} x ({ratio}) = {fmt(result)} mg {inp.to}.",
    )
    rules = [eq.id]
    caveat: str | None = None
    if noteq.applies(inp.drug, inp.to):
        rules.append(noteq.id)
        caveat = f"{noteq.id}: {noteq.text}"
    return SteroidConversion(
        drug=inp.drug,
        dose_mg=inp.dose_mg,
        to=inp.to,
        equivalent_mg=float(result),
        working=working,
        caveat=caveat,
        rules=tuple(rules),
        warnings=(caveat,) if caveat else (),
        ruleset=rs.info,
        profile=profile.id,
    )
