"""Pharmacy double check of a dose order (VERIFY-TOL).

A verifier enters weight, drug, dose and vials without seeing the calculated values.
The order (the first entry) is compared with the core's own computation and with the
verifier's independent entry; each mismatch is named with its signed size
("ordered 800 mg, calculated 640 mg: +25%") and flagged when it lies beyond the
tolerance (the profile's ``verify_tolerance_pct``, else the VERIFY-TOL rule; a local
setting passed in the input overrides both).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Literal

from pydantic import Field

from calculator import dosing
from calculator.errors import FieldError, InputError
from calculator.inputs import validate
from calculator.results import CoreResult, unique, verification_warnings
from calculator.rulebook import FrozenModel, Ruleset, ruleset
from calculator.rulebook.profiles import Profile

# Accepted input ranges (cli-contract.md: weight > 0 and at most 350 kg, age 0-120).
# The dose and vial bounds only catch typing errors; they are not clinical limits.
MAX_WEIGHT_KG = 350.0
MAX_AGE_YEARS = 120.0
MAX_DOSE_MG = 100_000.0
MAX_VIAL_MG = 10_000.0
MAX_VIAL_COUNT = 100

#: Resolution at which two values count as equal: doses to 0.1 mg (cli-contract.md),
#: weights to 0.01 kg.
DOSE_DECIMALS = 1
WEIGHT_DECIMALS = 2


class VialCount(FrozenModel):
    strength_mg: float = Field(gt=0, le=MAX_VIAL_MG, strict=True)
    count: int = Field(ge=1, le=MAX_VIAL_COUNT, strict=True)


class DoseOrder(FrozenModel):
    """The order as written (the first entry)."""

    drug: str = Field(min_length=1)
    weight_kg: float = Field(gt=0, le=MAX_WEIGHT_KG, strict=True)
    age_years: float = Field(ge=0, le=MAX_AGE_YEARS, strict=True)
    regimen: str | None = None
    ordered_dose_mg: float = Field(gt=0, le=MAX_DOSE_MG, strict=True)
    vials: tuple[VialCount, ...] | None = None


class IndependentEntry(FrozenModel):
    """What the verifier entered without seeing the calculated values."""

    weight_kg: float = Field(gt=0, le=MAX_WEIGHT_KG, strict=True)
    drug: str = Field(min_length=1)
    dose_mg: float = Field(gt=0, le=MAX_DOSE_MG, strict=True)
    vials: tuple[VialCount, ...] | None = None


class VerifyInput(FrozenModel):
    order: DoseOrder
    independent: IndependentEntry
    #: A local setting (the app's double-check tolerance) that overrides the profile.
    tolerance_pct: float | None = Field(default=None, gt=0, le=100, strict=True)


class CalculatedDose(FrozenModel):
    """What the core computes for a drug, weight and age: the figures compared here."""

    drug: str
    weight_kg: float
    #: None when the core computes no dose here (e.g. PED-STEROID): nothing to compare.
    dose_mg: float | None
    vials: tuple[VialCount, ...] | None = None
    rules: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


Item = Literal["drug", "weight", "dose", "vials"]
Between = Literal[
    "order_vs_calculated",
    "independent_vs_order",
    "independent_vs_calculated",
    "vials_vs_dose",
]
Verdict = Literal["match", "within_tolerance", "flagged"]
ToleranceFrom = Literal["settings", "profile", "VERIFY-TOL"]


class Comparison(FrozenModel):
    """One check: two values, whether they agree, and the signed size of any difference."""

    item: Item
    between: Between
    first: str
    second: str
    difference_pct: float | None
    matches: bool
    flagged: bool
    text: str


class VerifyResult(CoreResult):
    verdict: Verdict
    flagged: bool
    summary: str
    tolerance_pct: float
    tolerance_from: ToleranceFrom
    calculated: CalculatedDose
    comparisons: tuple[Comparison, ...]
    mismatches: tuple[str, ...]
    order: DoseOrder
    independent: IndependentEntry


#: Computes the dose for (drug, weight_kg, age_years, regimen) under a profile.
Calculate = Callable[[str, float, float, str | None, Profile, Ruleset], CalculatedDose]


# --- formatting -------------------------------------------------------------------------------


def fmt_number(value: float, decimals: int = DOSE_DECIMALS) -> str:
    """640.0 -> "640", 358.8 -> "358.8"."""
    text = f"{round(value, decimals):.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def fmt_pct(pct: float) -> str:
    """Signed percentage to 0.1: +25%, -6.3%, +0%."""
    text = fmt_number(pct, 1)
    if text in {"0", "-0"}:
        return "0%"
    return f"{'+' if pct > 0 else ''}{text}%"


def fmt_vials(vials: Iterable[VialCount]) -> str:
    items = sorted(vials, key=lambda v: -v.strength_mg)
    if not items:
        return "no vials"
    parts = [f"{v.count} x {fmt_number(v.strength_mg)} mg" for v in items]
    return f"{' + '.join(parts)} ({fmt_number(vial_total(items))} mg)"


def vial_total(vials: Iterable[VialCount]) -> float:
    return sum(v.strength_mg * v.count for v in vials)


def signed_pct(value: float, reference: float) -> float:
    """How much ``value`` differs from ``reference``, in percent of the reference."""
    return (value - reference) / reference * 100.0


def _vial_key(vials: Iterable[VialCount]) -> dict[float, int]:
    out: dict[float, int] = {}
    for v in vials:
        key = round(v.strength_mg, DOSE_DECIMALS)
        out[key] = out.get(key, 0) + v.count
    return out


# --- the checks -------------------------------------------------------------------------------


def _compare_numbers(
    item: Item,
    between: Between,
    first: tuple[str, float],
    second: tuple[str, float],
    unit: str,
    decimals: int,
    tolerance_pct: float,
) -> Comparison:
    (first_label, a), (second_label, b) = first, second
    a_text = f"{first_label} {fmt_number(a, decimals)} {unit}"
    b_text = f"{second_label} {fmt_number(b, decimals)} {unit}"
    matches = round(a, decimals) == round(b, decimals)
    pct = 0.0 if matches else signed_pct(a, b)
    flagged = not matches and abs(pct) > tolerance_pct
    text = f"{a_text}, {b_text}: {fmt_pct(pct)}"
    if matches:
        text = f"{a_text}, {b_text}: match"
    elif flagged:
        text += f" (beyond the {fmt_number(tolerance_pct)}% tolerance)"
    else:
        text += f" (within the {fmt_number(tolerance_pct)}% tolerance)"
    return Comparison(
        item=item,
        between=between,
        first=a_text,
        second=b_text,
        difference_pct=None if matches else round(pct, 2),
        matches=matches,
        flagged=flagged,
        text=text,
    )


def _compare_drugs(order_drug: str, independent_drug: str) -> Comparison:
    a, b = independent_drug.strip().lower(), order_drug.strip().lower()
    matches = a == b
    first, second = f"independent entry {independent_drug}", f"ordered {order_drug}"
    text = f"{first}, {second}: " + ("match" if matches else "different drug")
    return Comparison(
        item="drug",
        between="independent_vs_order",
        first=first,
        second=second,
        difference_pct=None,
        matches=matches,
        flagged=not matches,
        text=text,
    )


def _compare_vial_sets(
    between: Between,
    first: tuple[str, tuple[VialCount, ...]],
    second: tuple[str, tuple[VialCount, ...]],
) -> Comparison:
    """A different combination is named (with the size of its total) but not flagged:
    choosing vials is the pharmacist's call; whether they cover the dose is checked apart."""
    (first_label, a), (second_label, b) = first, second
    a_text, b_text = f"{first_label} {fmt_vials(a)}", f"{second_label} {fmt_vials(b)}"
    matches = _vial_key(a) == _vial_key(b)
    total_a, total_b = vial_total(a), vial_total(b)
    pct = None if matches or total_b == 0 else signed_pct(total_a, total_b)
    if matches:
        text = f"{a_text}, {b_text}: match"
    else:
        size = f"{fmt_pct(pct)} in vial total" if pct is not None else "different vials"
        text = f"{a_text}, {b_text}: different combination, {size}"
    return Comparison(
        item="vials",
        between=between,
        first=a_text,
        second=b_text,
        difference_pct=None if pct is None else round(pct, 2),
        matches=matches,
        flagged=False,
        text=text,
    )


def _vials_cover(
    label: str, vials: tuple[VialCount, ...], dose_label: str, dose: float
) -> Comparison:
    total = vial_total(vials)
    covers = round(total, DOSE_DECIMALS) >= round(dose, DOSE_DECIMALS)
    first = f"{label} {fmt_vials(vials)}"
    second = f"{dose_label} {fmt_number(dose)} mg"
    pct = signed_pct(total, dose)
    if covers:
        text = f"{first} cover the {second} (waste {fmt_number(total - dose)} mg)"
    else:
        text = f"{first} do not cover the {second}: short by {fmt_number(dose - total)} mg"
    return Comparison(
        item="vials",
        between="vials_vs_dose",
        first=first,
        second=second,
        difference_pct=round(pct, 2),
        matches=covers,
        flagged=not covers,
        text=text,
    )


def _against_calculation(
    between: Between,
    first: tuple[str, float],
    calc_label: str,
    calc: CalculatedDose,
    tolerance_pct: float,
) -> Comparison:
    if calc.dose_mg is not None:
        return _compare_numbers(
            "dose", between, first, (calc_label, calc.dose_mg), "mg", DOSE_DECIMALS, tolerance_pct
        )
    first_text = f"{first[0]} {fmt_number(first[1])} mg"
    return Comparison(
        item="dose",
        between=between,
        first=first_text,
        second=f"{calc_label}: none",
        difference_pct=None,
        matches=False,
        flagged=True,
        text=f"{first_text}, {calc_label}: none (the core computes no dose here; "
        "check the order against the local protocol)",
    )


def compare(
    order: DoseOrder,
    independent: IndependentEntry,
    calculated: CalculatedDose,
    calculated_for_independent: CalculatedDose | None,
    tolerance_pct: float,
) -> tuple[Comparison, ...]:
    """Every check of the double check, in the order a pharmacist reads them (VERIFY-TOL).

    ``calculated`` is the core's dose for the order's weight; ``calculated_for_independent``
    the dose for the verifier's weight when it differs from the order's.
    """
    out: list[Comparison] = [
        _compare_drugs(order.drug, independent.drug),
        _compare_numbers(
            "weight",
            "independent_vs_order",
            ("independent weight", independent.weight_kg),
            ("ordered weight", order.weight_kg),
            "kg",
            WEIGHT_DECIMALS,
            tolerance_pct,
        ),
        _against_calculation(
            "order_vs_calculated",
            ("ordered", order.ordered_dose_mg),
            "calculated",
            calculated,
            tolerance_pct,
        ),
        _compare_numbers(
            "dose",
            "independent_vs_order",
            ("independent entry", independent.dose_mg),
            ("ordered", order.ordered_dose_mg),
            "mg",
            DOSE_DECIMALS,
            tolerance_pct,
        ),
    ]
    if calculated_for_independent is not None:
        weight = fmt_number(calculated_for_independent.weight_kg, WEIGHT_DECIMALS)
        out.append(
            _against_calculation(
                "independent_vs_calculated",
                ("independent entry", independent.dose_mg),
                f"calculated for {weight} kg",
                calculated_for_independent,
                tolerance_pct,
            )
        )
    if order.vials is not None:
        out.append(_vials_cover("ordered vials", order.vials, "ordered", order.ordered_dose_mg))
        if calculated.vials is not None:
            out.append(
                _compare_vial_sets(
                    "order_vs_calculated",
                    ("ordered vials", order.vials),
                    ("calculated", calculated.vials),
                )
            )
    if independent.vials is not None:
        out.append(
            _vials_cover(
                "independent vials", independent.vials, "independent entry", independent.dose_mg
            )
        )
        if order.vials is not None:
            out.append(
                _compare_vial_sets(
                    "independent_vs_order",
                    ("independent vials", independent.vials),
                    ("ordered vials", order.vials),
                )
            )
    return tuple(out)


def tolerance_for(inp: VerifyInput, profile: Profile, rs: Ruleset) -> tuple[float, ToleranceFrom]:
    """VERIFY-TOL: the local setting, else the profile's figure, else the rule's own."""
    if inp.tolerance_pct is not None:
        return inp.tolerance_pct, "settings"
    if profile.verify_tolerance_pct is not None:
        return profile.verify_tolerance_pct, "profile"
    return rs.verification.tolerance.tolerance_pct, "VERIFY-TOL"


def _verdict(comparisons: tuple[Comparison, ...]) -> tuple[Verdict, str]:
    mismatched = [c for c in comparisons if not c.matches]
    flagged = [c for c in mismatched if c.flagged]
    if flagged:
        return "flagged", (
            f"{len(flagged)} difference(s) beyond tolerance: do not release; resolve and re-check."
        )
    if mismatched:
        return "within_tolerance", (
            f"{len(mismatched)} difference(s), all within tolerance: review before release."
        )
    return "match", "The order, the calculation and the independent entry agree."


def verify_dose(
    inp: VerifyInput,
    profile: Profile,
    rs: Ruleset | None = None,
    calculate: Calculate | None = None,
) -> VerifyResult:
    """Compare an order with the core's dose and with an independent entry (VERIFY-TOL)."""
    rs = ruleset() if rs is None else rs
    calc = default_calculate if calculate is None else calculate
    order, independent = inp.order, inp.independent
    calculated = _calculated(calc, "order", order.weight_kg, inp, profile, rs)
    for_independent = None
    if round(independent.weight_kg, WEIGHT_DECIMALS) != round(order.weight_kg, WEIGHT_DECIMALS):
        for_independent = _calculated(calc, "independent", independent.weight_kg, inp, profile, rs)
    tolerance, tolerance_from = tolerance_for(inp, profile, rs)
    comparisons = compare(order, independent, calculated, for_independent, tolerance)
    verdict, summary = _verdict(comparisons)
    rules = unique([rs.verification.tolerance.id, *calculated.rules])
    warnings = unique(
        [*verification_warnings(rs, rules), *calculated.warnings]
        + (list(for_independent.warnings) if for_independent else [])
    )
    return VerifyResult(
        ruleset=rs.info,
        profile=profile.id,
        warnings=warnings,
        rules=rules,
        verdict=verdict,
        flagged=verdict == "flagged",
        summary=summary,
        tolerance_pct=tolerance,
        tolerance_from=tolerance_from,
        calculated=calculated,
        comparisons=comparisons,
        mismatches=tuple(c.text for c in comparisons if not c.matches),
        order=order,
        independent=independent,
    )


def _calculated(
    calc: Calculate,
    side: str,
    weight_kg: float,
    inp: VerifyInput,
    profile: Profile,
    rs: Ruleset,
) -> CalculatedDose:
    order = inp.order
    try:
        return calc(order.drug, weight_kg, order.age_years, order.regimen, profile, rs)
    except InputError as err:
        # The dose engine names its own fields (weight_kg, drug ...): say which entry.
        fields = [
            FieldError(field=f"{side}.{f.field}" if f.field != "input" else side, message=f.message)
            for f in err.fields
        ]
        raise InputError(err.message, fields) from None


def default_calculate(
    drug: str,
    weight_kg: float,
    age_years: float,
    regimen: str | None,
    profile: Profile,
    rs: Ruleset,
) -> CalculatedDose:
    """The core's dose engine (calculator.dosing), reduced to the figures compared here."""
    payload = {"drug": drug, "weight_kg": weight_kg, "age_years": age_years, "regimen": regimen}
    result = dosing.dose(validate(dosing.DoseInput, payload), profile, rs)
    vials = (
        None
        if result.vials is None
        else tuple(VialCount(strength_mg=v.strength_mg, count=v.count) for v in result.vials)
    )
    return CalculatedDose(
        drug=drug,
        weight_kg=weight_kg,
        dose_mg=result.dose_mg,
        vials=vials,
        rules=result.rules,
        warnings=result.warnings,
    )


def verify_dose_command(payload: dict[str, Any], ctx: Any) -> VerifyResult:
    """``verify-dose``: {"order": {...}, "independent": {...}, "tolerance_pct"?}."""
    return verify_dose(validate(VerifyInput, payload), ctx.profile, ctx.rs)
