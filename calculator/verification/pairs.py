"""One pair of values compared: doses against VERIFY-TOL, weights against VERIFY-WEIGHT's
resolution, drug, route, interval and bag exactly (VERIFY-FIELDS), vials against the dose
and each other; and a pair with nothing on one side, listed as not compared."""

from __future__ import annotations

from calculator.rulebook import Ruleset
from calculator.verification.calculated import CalculatedDose
from calculator.verification.formatting import (
    DOSE_DECIMALS,
    WEIGHT_DECIMALS,
    fmt_number,
    fmt_pct,
    fmt_vials,
    signed_pct,
    vial_key,
    vial_total,
)
from calculator.verification.inputs import VialCount
from calculator.verification.models import Between, Comparison, Decision, Item


def compare_dose(
    between: Between,
    first: tuple[str, float],
    second: tuple[str, float],
    tolerance_pct: float,
) -> Comparison:
    """VERIFY-TOL: a dose difference within the tolerance is "review", beyond it
    "do not release"."""
    (first_label, a), (second_label, b) = first, second
    a_text = f"{first_label} {fmt_number(a)} mg"
    b_text = f"{second_label} {fmt_number(b)} mg"
    matches = round(a, DOSE_DECIMALS) == round(b, DOSE_DECIMALS)
    pct = 0.0 if matches else signed_pct(a, b)
    flagged = not matches and abs(pct) > tolerance_pct
    text = f"{a_text}, {b_text}: {fmt_pct(pct)}"
    if matches:
        text = f"{a_text}, {b_text}: match"
    elif flagged:
        text += f" (beyond the {fmt_number(tolerance_pct)}% tolerance)"
    else:
        text += f" (within the {fmt_number(tolerance_pct)}% tolerance)"
    decision: Decision = "release" if matches else ("do_not_release" if flagged else "review")
    return Comparison(
        item="dose",
        between=between,
        first=a_text,
        second=b_text,
        difference_pct=None if matches else round(pct, 2),
        matches=matches,
        flagged=flagged,
        text=text,
        decision=decision,
        rule="VERIFY-TOL",
    )


def compare_weight(
    between: Between,
    first: tuple[str, float],
    second: tuple[str, float],
    rule: str,
    resolution_kg: float,
) -> Comparison:
    """VERIFY-WEIGHT (and VERIFY-CASE): two weights agree to the rule's resolution, or do
    not release."""
    (first_label, a), (second_label, b) = first, second
    diff = round(abs(a - b), WEIGHT_DECIMALS)
    matches = diff <= resolution_kg
    first_text = f"{first_label} {fmt_number(a, WEIGHT_DECIMALS)} kg"
    second_text = f"{second_label} {fmt_number(b, WEIGHT_DECIMALS)} kg"
    text = f"{first_text}, {second_text}: " + (
        "match"
        if matches
        else f"differ by {fmt_number(diff, WEIGHT_DECIMALS)} kg (more than "
        f"{fmt_number(resolution_kg, WEIGHT_DECIMALS)} kg): confirm the weight"
    )
    return Comparison(
        item="weight",
        between=between,
        first=first_text,
        second=second_text,
        difference_pct=None if matches else round(signed_pct(a, b), 2),
        matches=matches,
        flagged=not matches,
        text=text,
        decision="release" if matches else "do_not_release",
        rule=rule,
    )


ITEM_NAMES = {"drug": "drug", "route": "route", "every_h": "interval", "bag_ml": "bag volume"}


def show(item: str, value: object) -> str:
    if value is None:
        return "not entered"
    unit = {"every_h": " h", "bag_ml": " mL"}.get(item, "")
    before = "every " if item == "every_h" else ""
    shown = fmt_number(value) if isinstance(value, float) else str(value)
    return f"{before}{shown}{unit}"


def compare_exact(
    item: Item, between: Between, first: tuple[str, object], second: tuple[str, object], rule: str
) -> Comparison:
    """VERIFY-FIELDS: drug, route, interval and bag are compared exactly."""
    (first_label, a), (second_label, b) = first, second
    a_text, b_text = f"{first_label} {show(item, a)}", f"{second_label} {show(item, b)}"
    matches = a == b
    name = ITEM_NAMES.get(item, item)
    return Comparison(
        item=item,
        between=between,
        first=a_text,
        second=b_text,
        difference_pct=None,
        matches=matches,
        flagged=not matches,
        text=f"{name}: {a_text}, {b_text}: " + ("match" if matches else "different"),
        decision="release" if matches else "do_not_release",
        rule=rule,
    )


def not_compared(
    item: Item, between: Between, first: tuple[str, object], second: str, why: str, rule: str
) -> Comparison:
    """VERIFY-THREE: a pair with nothing on one side is listed, never counted as agreeing."""
    first_text = f"{first[0]} {show(item, first[1])}"
    return Comparison(
        item=item,
        between=between,
        first=first_text,
        second=second,
        difference_pct=None,
        matches=False,
        flagged=False,
        text=f"{ITEM_NAMES.get(item, item)} not compared: {first_text}, {second} ({why})",
        decision="release",
        rule=rule,
        compared=False,
    )


def compare_vial_sets(
    between: Between,
    first: tuple[str, tuple[VialCount, ...]],
    second: tuple[str, tuple[VialCount, ...]],
    rs: Ruleset,
) -> Comparison:
    """A different combination is named (with the size of its total) and asks for a
    review, never more: choosing vials is the pharmacist's call; whether they cover the
    dose is checked apart."""
    (first_label, a), (second_label, b) = first, second
    a_text, b_text = f"{first_label} {fmt_vials(a)}", f"{second_label} {fmt_vials(b)}"
    matches = vial_key(a) == vial_key(b)
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
        # Not everything agrees, so not "release"; no rule makes it "do not release".
        decision="release" if matches else "review",
        rule=rs.verification.decision.id,
    )


def vials_cover(
    label: str, vials: tuple[VialCount, ...], dose_label: str, dose: float, rule: str
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
        decision="release" if covers else "do_not_release",
        rule=rule,
    )


def against_calculation(
    between: Between,
    first: tuple[str, float],
    calc_label: str,
    calc: CalculatedDose,
    tolerance_pct: float,
    rs: Ruleset,
) -> Comparison:
    if calc.dose_mg is not None:
        return compare_dose(between, first, (calc_label, calc.dose_mg), tolerance_pct)
    first_text = f"{first[0]} {fmt_number(first[1])} mg"
    ped = rs.dosing.ped_steroid
    rule = ped.id if ped.id in calc.rules else rs.verification.decision.id
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
        decision="do_not_release",
        rule=rule,
    )
