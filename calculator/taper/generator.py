"""The taper generator (TAPER-GEN) and dose rounding to existing strengths (TAPER-STRENGTHS).

For regimens that say only "then taper" (TAPER-DEX10, TAPER-DEX20, TAPER-BLINA): from
the last dose and its interval, the user's length in days and a reduction style, make one
step per day:

- ``halving``: day i gives last dose / 2**i;
- ``linear``: day i of n gives last dose x (n + 1 - i) / (n + 1) (equal decrements to zero).

Each dose is rounded to what exists for the route (nearest; a tie goes to the lower
dose, the direction of the taper). A dose that rounds to nothing ends the taper early,
and the result says so. The steps come back for the user to review and edit.
"""

import math
from typing import Literal

from pydantic import Field

from calculator.edge.errors import InputError
from calculator.rulebook import FrozenModel, Ruleset
from calculator.rulebook.taper import Route, SteroidDrug, StrengthProduct

Reduction = Literal["halving", "linear"]

#: Tablet arithmetic is done in hundredths of a mg (every listed strength is a whole number
#: of hundredths); not a clinical number.
_UNIT = 100


class TabletCount(FrozenModel):
    strength_mg: float
    count: int


class RoundedDose(FrozenModel):
    """A dose rounded to the products of one route (TAPER-STRENGTHS)."""

    dose_mg: float
    requested_mg: float
    tablets: tuple[TabletCount, ...] = ()
    made_from: str = ""


class GeneratedStep(FrozenModel):
    drug: SteroidDrug
    dose_mg: float = Field(gt=0)
    every_h: float
    days: float
    route: Route
    requested_mg: float
    made_from: str = ""


class GeneratedTaper(FrozenModel):
    steps: tuple[GeneratedStep, ...]
    warnings: tuple[str, ...]
    rules: tuple[str, ...]


def products_for(rs: Ruleset, drug: str, route: str, field: str = "route") -> StrengthProduct:
    product = rs.taper.strengths.for_route(drug, route)
    if product is None:
        known = ", ".join(f"{p.drug} {p.route}" for p in rs.taper.strengths.products)
        raise InputError.for_field(
            field,
            f"no strengths are listed for {drug} {route} (TAPER-STRENGTHS lists: {known}); "
            "give the taper steps yourself",
        )
    return product


def round_dose(requested_mg: float, product: StrengthProduct) -> RoundedDose:
    """Round ``requested_mg`` to the nearest dose the product can give; a tie goes down.

    Tablets: whole tablets (fewest tablets for that dose). Solutions and vials: multiples
    of the measured increment. Zero is a candidate: a dose too small to give rounds to 0.
    """
    if product.form == "tablet":
        return _round_tablets(requested_mg, product)
    inc = product.dose_increment_mg
    assert inc is not None  # guaranteed by StrengthProduct
    steps = requested_mg / inc
    low = math.floor(round(steps, 9))
    n = low if round(steps - low, 9) <= 0.5 else low + 1
    dose = round(n * inc, 4)
    return RoundedDose(dose_mg=dose, requested_mg=round(requested_mg, 4))


def _round_tablets(requested_mg: float, product: StrengthProduct) -> RoundedDose:
    units = [round(s * _UNIT) for s in product.strengths_mg]
    target = requested_mg * _UNIT
    top = math.ceil(target) + max(units)
    # fewest[a]: the fewest tablets that make exactly a hundredths of a mg (None: cannot).
    fewest: list[int | None] = [0] + [None] * top
    last: list[int] = [0] * (top + 1)
    for amount in range(1, top + 1):
        for u in units:
            prev = fewest[amount - u] if amount >= u else None
            current = fewest[amount]
            if prev is not None and (current is None or prev + 1 < current):
                fewest[amount] = prev + 1
                last[amount] = u
    makeable = [a for a in range(top + 1) if fewest[a] is not None]
    best = min(makeable, key=lambda a: (abs(a - target), a))
    counts: dict[int, int] = {}
    a = best
    while a > 0:
        counts[last[a]] = counts.get(last[a], 0) + 1
        a -= last[a]
    tablets = tuple(
        TabletCount(strength_mg=u / _UNIT, count=c) for u, c in sorted(counts.items(), reverse=True)
    )
    made_from = " + ".join(f"{t.count} x {t.strength_mg:g} mg" for t in tablets)
    return RoundedDose(
        dose_mg=best / _UNIT,
        requested_mg=round(requested_mg, 4),
        tablets=tablets,
        made_from=f"{made_from} tablets" if made_from else "",
    )


def generate_taper(
    *,
    drug: SteroidDrug,
    route: Route,
    last_dose_mg: float,
    every_h: float,
    taper_days: int,
    reduction: Reduction,
    rs: Ruleset,
) -> GeneratedTaper:
    """TAPER-GEN: one step per day for ``taper_days`` days after a dose of ``last_dose_mg``.

    Implements TAPER-GEN and TAPER-STRENGTHS. Raises InputError when no strengths are
    listed for the drug and route.
    """
    product = products_for(rs, drug, route)
    taper = rs.taper
    steps: list[GeneratedStep] = []
    warnings: list[str] = []
    previous = last_dose_mg
    for day in range(1, taper_days + 1):
        if reduction == "halving":
            raw = last_dose_mg / 2**day
        else:
            raw = last_dose_mg * (taper_days + 1 - day) / (taper_days + 1)
        rounded = round_dose(raw, product)
        if rounded.dose_mg <= 0:
            warnings.append(
                f"{taper.gen.id}: the taper ends after {day - 1} of {taper_days} days: "
                f"the day-{day} dose ({raw:.3g} mg) rounds to nothing with the {drug} "
                f"{route} strengths."
            )
            break
        if rounded.dose_mg > previous:
            rounded = RoundedDose(dose_mg=previous, requested_mg=rounded.requested_mg)
        previous = rounded.dose_mg
        steps.append(
            GeneratedStep(
                drug=drug,
                dose_mg=rounded.dose_mg,
                every_h=every_h,
                days=1,
                route=route,
                requested_mg=rounded.requested_mg,
                made_from=rounded.made_from,
            )
        )
    warnings.append(
        f"{taper.gen.id}: {len(steps)} taper step(s) were generated ({reduction}, "
        f"{taper_days} days, rounded to {drug} {route} strengths): review and edit every "
        "step before the plan is final."
    )
    return GeneratedTaper(
        steps=tuple(steps), warnings=tuple(warnings), rules=(taper.gen.id, taper.strengths.id)
    )
