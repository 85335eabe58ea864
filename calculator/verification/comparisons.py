"""The double check's comparisons (VERIFY-THREE, VERIFY-TOL, VERIFY-WEIGHT, VERIFY-CASE,
VERIFY-FIELDS): each item three ways (order vs calculated, independent vs order,
independent vs calculated), one ``Comparison`` each with the decision it leads to and the
rule that says so."""

from __future__ import annotations

from calculator.dosing.agents import regimen_ids
from calculator.rulebook import Ruleset, ruleset
from calculator.verification.calculated import CalculatedDose
from calculator.verification.formatting import WEIGHT_DECIMALS, fmt_number
from calculator.verification.inputs import DoseOrder, IndependentEntry
from calculator.verification.models import Between, Comparison, Item
from calculator.verification.pairs import (
    ITEM_NAMES,
    against_calculation,
    compare_dose,
    compare_exact,
    compare_vial_sets,
    compare_weight,
    not_compared,
    show,
    vials_cover,
)


def _calculated_field(
    item: str, calculated: CalculatedDose, order: DoseOrder, rs: Ruleset
) -> tuple[object, str, str]:
    """VERIFY-THREE: the calculated value of a compared field, its label, and why there is
    none. Route and interval are the regimen's when the order names one (or the drug has
    only one); without a regimen the engine's default is nobody's choice to compare with."""
    value = getattr(calculated, item)
    label = "calculated"
    if item in ("route", "every_h"):
        if order.regimen is None and len(regimen_ids(rs, order.drug)) != 1:
            return None, label, "the order names no regimen"
        if order.regimen is not None:
            label = f"regimen {order.regimen}"
    if value is None:
        return None, label, f"the rule states no {ITEM_NAMES.get(item, item)}"
    return value, label, ""


def _three_exact(
    item: Item,
    order_value: object,
    independent_value: object,
    calculated: tuple[object, str, str],
    rule: str,
) -> list[Comparison]:
    """VERIFY-THREE with VERIFY-FIELDS: order vs calculated, independent vs order,
    independent vs calculated. A blank entry on both sides is not compared between them;
    a blank on one side is a difference; a blank against the calculation, or no
    calculated value, is listed as not compared. An item stated nowhere (no interval for
    a single tocilizumab dose) is not listed."""
    calc_value, calc_label, why_none = calculated
    if order_value is None and independent_value is None and calc_value is None:
        return []  # nothing anywhere: the item is not part of this order (a single dose)
    order_side = ("ordered", order_value)
    independent_side = ("independent entry", independent_value)
    out: list[Comparison] = []
    against: tuple[tuple[Between, tuple[str, object]], ...] = (
        ("order_vs_calculated", order_side),
        ("independent_vs_calculated", independent_side),
    )
    for between, side in against:
        if calc_value is None:
            out.append(not_compared(item, between, side, f"{calc_label} none", why_none, rule))
        elif side[1] is None:
            out.append(
                not_compared(
                    item,
                    between,
                    side,
                    f"{calc_label} {show(item, calc_value)}",
                    "nothing entered",
                    rule,
                )
            )
        else:
            out.append(compare_exact(item, between, side, (calc_label, calc_value), rule))
    if order_value is None and independent_value is None:
        out.insert(
            1,
            not_compared(
                item,
                "independent_vs_order",
                independent_side,
                "ordered not entered",
                "entered on neither side",
                rule,
            ),
        )
    else:
        out.insert(
            1, compare_exact(item, "independent_vs_order", independent_side, order_side, rule)
        )
    return out


def _three_doses(
    order: DoseOrder,
    independent: IndependentEntry,
    calculated: CalculatedDose,
    calculated_for_independent: CalculatedDose,
    tolerance_pct: float,
    rs: Ruleset,
) -> list[Comparison]:
    """VERIFY-THREE with VERIFY-TOL: the dose, three ways."""
    calc_label = "calculated"
    if calculated_for_independent.weight_kg != calculated.weight_kg:
        weight = fmt_number(calculated_for_independent.weight_kg, WEIGHT_DECIMALS)
        calc_label = f"calculated for {weight} kg"
    return [
        against_calculation(
            "order_vs_calculated",
            ("ordered", order.dose_mg),
            "calculated",
            calculated,
            tolerance_pct,
            rs,
        ),
        compare_dose(
            "independent_vs_order",
            ("independent entry", independent.dose_mg),
            ("ordered", order.dose_mg),
            tolerance_pct,
        ),
        against_calculation(
            "independent_vs_calculated",
            ("independent entry", independent.dose_mg),
            calc_label,
            calculated_for_independent,
            tolerance_pct,
            rs,
        ),
    ]


def _three_weights(
    order: DoseOrder,
    independent: IndependentEntry,
    calculated: CalculatedDose,
    case_weight_kg: float | None,
    rs: Ruleset,
) -> list[Comparison]:
    """VERIFY-THREE with VERIFY-WEIGHT, and VERIFY-CASE when a case's weight is given. The
    calculation is made at the order's weight, so order vs calculated shows which weight
    every mg/kg figure follows from."""
    rule = rs.verification.weight
    ordered = ("ordered weight", order.weight_kg)
    independent_side = ("independent weight", independent.weight_kg)
    calc_side = ("calculated for", calculated.weight_kg)
    out = [
        compare_weight("order_vs_calculated", ordered, calc_side, rule.id, rule.resolution_kg),
        compare_weight(
            "independent_vs_order", independent_side, ordered, rule.id, rule.resolution_kg
        ),
        compare_weight(
            "independent_vs_calculated", independent_side, calc_side, rule.id, rule.resolution_kg
        ),
    ]
    if case_weight_kg is not None:
        case = rs.verification.case
        out.append(
            compare_weight(
                "order_vs_case",
                ordered,
                ("the open case's weight", case_weight_kg),
                case.id,
                rule.resolution_kg,
            )
        )
    return out


def compare(
    order: DoseOrder,
    independent: IndependentEntry,
    calculated: CalculatedDose,
    calculated_for_independent: CalculatedDose | None,
    tolerance_pct: float,
    rs: Ruleset | None = None,
    case_weight_kg: float | None = None,
) -> tuple[Comparison, ...]:
    """Every check of the double check, in the order a pharmacist reads them: each item
    three ways (VERIFY-THREE), then the vials.

    ``calculated`` is the core's dose for the order's weight; ``calculated_for_independent``
    the dose for the verifier's weight when it differs from the order's."""
    rs = ruleset() if rs is None else rs
    fields = rs.verification.fields
    for_independent = (
        calculated if calculated_for_independent is None else (calculated_for_independent)
    )
    out: list[Comparison] = [
        *_three_exact(
            "drug",
            order.drug,
            independent.drug,
            _calculated_field("drug", calculated, order, rs),
            fields.id,
        ),
        *_three_weights(order, independent, calculated, case_weight_kg, rs),
        *_three_doses(order, independent, calculated, for_independent, tolerance_pct, rs),
    ]
    for item in fields.compared:
        if item == "drug" or (item == "bag_ml" and order.drug not in fields.bag_for):
            continue
        out += _three_exact(
            item,
            getattr(order, item),
            getattr(independent, item),
            _calculated_field(item, calculated, order, rs),
            fields.id,
        )
    out += _vials(order, independent, calculated, rs)
    return tuple(out)


def _vials(
    order: DoseOrder, independent: IndependentEntry, calculated: CalculatedDose, rs: Ruleset
) -> list[Comparison]:
    """Whether each entry's vials cover its dose, and the combinations compared three ways
    (a different combination asks for a review, never more)."""
    fields = rs.verification.fields.id
    vial_rule = rs.dosing.toci_vials.id if order.drug == "tocilizumab" else fields
    out: list[Comparison] = []
    if order.vials is not None:
        out.append(vials_cover("ordered vials", order.vials, "ordered", order.dose_mg, vial_rule))
        if calculated.vials is not None:
            out.append(
                compare_vial_sets(
                    "order_vs_calculated",
                    ("ordered vials", order.vials),
                    ("calculated", calculated.vials),
                    rs,
                )
            )
    if independent.vials is not None:
        out.append(
            vials_cover(
                "independent vials",
                independent.vials,
                "independent entry",
                independent.dose_mg,
                vial_rule,
            )
        )
        if order.vials is not None:
            out.append(
                compare_vial_sets(
                    "independent_vs_order",
                    ("independent vials", independent.vials),
                    ("ordered vials", order.vials),
                    rs,
                )
            )
        if calculated.vials is not None:
            out.append(
                compare_vial_sets(
                    "independent_vs_calculated",
                    ("independent vials", independent.vials),
                    ("calculated", calculated.vials),
                    rs,
                )
            )
    return out
