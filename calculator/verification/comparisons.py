"""The double check's comparisons (VERIFY-TOL, VERIFY-WEIGHT, VERIFY-FIELDS): each item of
the order against the calculation and against the independent entry, one ``Comparison``
each with the decision it leads to and the rule that says so."""

from __future__ import annotations

from typing import Literal

from calculator.rulebook import FrozenModel, Ruleset, ruleset
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
from calculator.verification.inputs import DoseOrder, IndependentEntry, VialCount

Decision = Literal["release", "review", "do_not_release"]
Item = Literal["drug", "weight", "dose", "vials", "route", "every_h", "bag_ml", "maximum", "clock"]
Between = Literal[
    "order_vs_calculated",
    "independent_vs_order",
    "independent_vs_calculated",
    "vials_vs_dose",
    "order_vs_maximum",
    "order_vs_clock",
]


class Comparison(FrozenModel):
    """One check: two values, whether they agree, the signed size of any difference, and
    the decision it leads to with the rule that says so."""

    item: Item
    between: Between
    first: str
    second: str
    difference_pct: float | None
    matches: bool
    flagged: bool
    text: str
    decision: Decision = "release"
    rule: str = ""


def _compare_dose(
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


def _compare_weight(order: DoseOrder, independent: IndependentEntry, rs: Ruleset) -> Comparison:
    """VERIFY-WEIGHT: the two weights agree to the rule's resolution, or do not release."""
    rule = rs.verification.weight
    a, b = independent.weight_kg, order.weight_kg
    diff = round(abs(a - b), WEIGHT_DECIMALS)
    matches = diff <= rule.resolution_kg
    first = f"independent weight {fmt_number(a, WEIGHT_DECIMALS)} kg"
    second = f"ordered weight {fmt_number(b, WEIGHT_DECIMALS)} kg"
    text = f"{first}, {second}: " + (
        "match"
        if matches
        else f"differ by {fmt_number(diff, WEIGHT_DECIMALS)} kg (more than "
        f"{fmt_number(rule.resolution_kg, WEIGHT_DECIMALS)} kg): confirm the weight"
    )
    return Comparison(
        item="weight",
        between="independent_vs_order",
        first=first,
        second=second,
        difference_pct=None if matches else round(signed_pct(a, b), 2),
        matches=matches,
        flagged=not matches,
        text=text,
        decision="release" if matches else "do_not_release",
        rule=rule.id,
    )


_ITEM_NAMES = {"drug": "drug", "route": "route", "every_h": "interval", "bag_ml": "bag volume"}


def _compare_exact(
    item: Item, between: Between, first: tuple[str, object], second: tuple[str, object], rule: str
) -> Comparison:
    """VERIFY-FIELDS: drug, route, interval and bag are compared exactly."""
    (first_label, a), (second_label, b) = first, second

    def show(v: object) -> str:
        if v is None:
            return "not entered"
        if isinstance(v, float):
            return fmt_number(v)
        return str(v)

    unit = {"every_h": " h", "bag_ml": " mL"}.get(item, "")
    before = "every " if item == "every_h" else ""
    a_text = (
        f"{first_label} {before if a is not None else ''}{show(a)}{unit if a is not None else ''}"
    )
    b_text = (
        f"{second_label} {before if b is not None else ''}{show(b)}{unit if b is not None else ''}"
    )
    matches = a == b
    name = _ITEM_NAMES.get(item, item)
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


def _compare_vial_sets(
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


def _vials_cover(
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


def _against_calculation(
    between: Between,
    first: tuple[str, float],
    calc_label: str,
    calc: CalculatedDose,
    tolerance_pct: float,
    rs: Ruleset,
) -> Comparison:
    if calc.dose_mg is not None:
        return _compare_dose(between, first, (calc_label, calc.dose_mg), tolerance_pct)
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


def compare(
    order: DoseOrder,
    independent: IndependentEntry,
    calculated: CalculatedDose,
    calculated_for_independent: CalculatedDose | None,
    tolerance_pct: float,
    rs: Ruleset | None = None,
) -> tuple[Comparison, ...]:
    """Every check of the double check, in the order a pharmacist reads them.

    ``calculated`` is the core's dose for the order's weight; ``calculated_for_independent``
    the dose for the verifier's weight when it differs from the order's."""
    rs = ruleset() if rs is None else rs
    fields = rs.verification.fields.id
    out: list[Comparison] = [
        _compare_exact(
            "drug",
            "independent_vs_order",
            ("independent entry", independent.drug),
            ("ordered", order.drug),
            fields,
        ),
        _compare_weight(order, independent, rs),
        _against_calculation(
            "order_vs_calculated",
            ("ordered", order.dose_mg),
            "calculated",
            calculated,
            tolerance_pct,
            rs,
        ),
        _compare_dose(
            "independent_vs_order",
            ("independent entry", independent.dose_mg),
            ("ordered", order.dose_mg),
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
                rs,
            )
        )
    compared = rs.verification.fields
    for item in compared.compared:
        if item == "drug":
            continue
        if item == "bag_ml" and order.drug not in compared.bag_for:
            continue
        a, b = getattr(independent, item), getattr(order, item)
        if a is None and b is None:
            continue
        out.append(
            _compare_exact(
                item, "independent_vs_order", ("independent entry", a), ("ordered", b), fields
            )
        )
        calc_value = getattr(calculated, item)
        if item in ("route", "bag_ml") and b is not None and calc_value is not None:
            out.append(
                _compare_exact(
                    item, "order_vs_calculated", ("ordered", b), ("calculated", calc_value), fields
                )
            )
    vial_rule = rs.dosing.toci_vials.id if order.drug == "tocilizumab" else fields
    if order.vials is not None:
        out.append(_vials_cover("ordered vials", order.vials, "ordered", order.dose_mg, vial_rule))
        if calculated.vials is not None:
            out.append(
                _compare_vial_sets(
                    "order_vs_calculated",
                    ("ordered vials", order.vials),
                    ("calculated", calculated.vials),
                    rs,
                )
            )
    if independent.vials is not None:
        out.append(
            _vials_cover(
                "independent vials",
                independent.vials,
                "independent entry",
                independent.dose_mg,
                vial_rule,
            )
        )
        if order.vials is not None:
            out.append(
                _compare_vial_sets(
                    "independent_vs_order",
                    ("independent vials", independent.vials),
                    ("ordered vials", order.vials),
                    rs,
                )
            )
    return tuple(out)
