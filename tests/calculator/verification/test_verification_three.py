"""The double check, second round (section 10, ruleset 2027.01): VERIFY-THREE (each item
three ways; a named regimen's interval and route are the calculated ones), VERIFY-CASE
(the order's weight against the open case's), with every VERIFY rule held at and just
outside its boundary for each drug with a regimen (VERIFY-TOL, VERIFY-WEIGHT,
VERIFY-FIELDS, VERIFY-MAX, VERIFY-CLOCK, VERIFY-DECISION), and a hypothesis property: a
difference beyond tolerance or in a field, in any of the three comparisons, is never
released."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calculator.edge.cli import run as cli_run
from calculator.edge.inputs import validate
from calculator.rulebook import ruleset
from calculator.verification import VerifyInput, default_calculate, verify_dose

BETWEEN = ("order_vs_calculated", "independent_vs_order", "independent_vs_calculated")

# (id, drug, regimen, weight_kg, age_years): every drug with a regimen, as the issue lists.
REGIMENS: list[tuple[str, str, str | None, float, float]] = [
    ("tocilizumab", "tocilizumab", None, 70, 54),
    ("dex-10-q6h", "dexamethasone", "dexamethasone-10mg-q6h", 70, 50),
    ("dex-20-q6h", "dexamethasone", "dexamethasone-20mg-q6h", 70, 50),
    ("mp-1g-daily", "methylprednisolone", "methylprednisolone-1g-daily", 70, 50),
    ("mp-1g-q12h", "methylprednisolone", "methylprednisolone-1g-q12h", 70, 50),
    ("anakinra-adult", "anakinra", "anakinra-adult-100mg-q6h", 70, 50),
    ("anakinra-child", "anakinra", "anakinra-child-2mg-kg-q6h", 25, 8),
    ("lev-adult", "levetiracetam", "levetiracetam-adult-500mg-q12h", 70, 50),
    ("lev-child", "levetiracetam", "levetiracetam-child-10mg-kg-q12h", 25, 8),
    ("siltuximab", "siltuximab", "siltuximab-11mg-kg", 70, 50),
]

# Where VERIFY-MAX binds: (regimen id, weight, age, the maximum per dose in mg).
MAXIMA: list[tuple[str, float, float, float]] = [
    ("tocilizumab", 110, 54, 800.0),  # TOCI-CAP
    ("anakinra-child", 60, 12, 100.0),  # ANAK-PED
    ("lev-child", 54, 14, 500.0),  # LEV-PROPH in children
    ("mp-1g-daily", 70, 50, 1000.0),  # MP-1G: 1000 mg per day, every 24 h
    ("mp-1g-q12h", 70, 50, 1000.0),  # MP-1G-BID: 2000 mg per day, every 12 h
]


def _profile() -> Any:
    rs = ruleset()
    return rs.profiles[rs.default_profile]


def correct(reg_id: str, weight: float | None = None, age: float | None = None) -> dict[str, Any]:
    """An order and an independent entry that both say exactly what the core calculates."""
    _, drug, regimen, w, a = next(r for r in REGIMENS if r[0] == reg_id)
    weight = w if weight is None else weight
    age = a if age is None else age
    calc = default_calculate(drug, weight, age, regimen, _profile(), ruleset())
    assert calc.dose_mg is not None
    fields: dict[str, Any] = {"dose_mg": calc.dose_mg}
    for item in ("every_h", "route", "bag_ml"):
        if getattr(calc, item) is not None:
            fields[item] = getattr(calc, item)
    order = {"drug": drug, "weight_kg": weight, "age_years": age, **fields}
    if regimen is not None:
        order["regimen"] = regimen
    return {"order": order, "independent": {"drug": drug, "weight_kg": weight, **fields}}


def check(payload: dict[str, Any]) -> Any:
    return verify_dose(validate(VerifyInput, payload), _profile(), ruleset())


def with_(payload: dict[str, Any], side: str, **over: Any) -> dict[str, Any]:
    out = {k: (dict(v) if isinstance(v, dict) else v) for k, v in payload.items()}
    out[side] = {**out[side], **over}
    return out


def both(payload: dict[str, Any], **over: Any) -> dict[str, Any]:
    return with_(with_(payload, "order", **over), "independent", **over)


def floor1(x: float) -> float:
    return math.floor(x * 10 + 1e-9) / 10


def ceil1(x: float) -> float:
    return math.ceil(x * 10 - 1e-9) / 10


def boundary_rows() -> list[tuple[str, dict[str, Any], str]]:
    """(case id, payload, expected decision) for every rule at and just outside its
    boundary, for each regimen."""
    rows: list[tuple[str, dict[str, Any], str]] = []
    tol = ruleset().verification.tolerance.tolerance_pct
    for reg_id, _drug, _regimen, _w, _a in REGIMENS:
        base = correct(reg_id)
        dose = base["order"]["dose_mg"]
        rows.append((f"{reg_id}: all agree (VERIFY-DECISION)", base, "release"))
        # VERIFY-TOL, below the calculation (no maximum can bind): at -tol and 0.1 mg past.
        at = ceil1(dose * (1 - tol / 100))
        rows.append((f"{reg_id}: both at -{tol}% (VERIFY-TOL)", both(base, dose_mg=at), "review"))
        rows.append(
            (
                f"{reg_id}: both 0.1 mg past -{tol}% (VERIFY-TOL)",
                both(base, dose_mg=round(at - 0.1, 1)),
                "do_not_release",
            )
        )
        # VERIFY-THREE: the verifier alone off the calculation (order right).
        rows.append(
            (
                f"{reg_id}: independent at -{tol}% (VERIFY-THREE)",
                with_(base, "independent", dose_mg=at),
                "review",
            )
        )
        rows.append(
            (
                f"{reg_id}: independent past -{tol}% (VERIFY-THREE)",
                with_(base, "independent", dose_mg=round(at - 0.1, 1)),
                "do_not_release",
            )
        )
        # VERIFY-WEIGHT: 0.1 kg apart agrees, 0.2 kg does not.
        w = base["order"]["weight_kg"]
        near = with_(base, "independent", weight_kg=w + 0.1)
        rows.append((f"{reg_id}: weights 0.1 kg apart (VERIFY-WEIGHT)", near, "not_dnr"))
        far = with_(base, "independent", weight_kg=w + 0.2)
        rows.append((f"{reg_id}: weights 0.2 kg apart (VERIFY-WEIGHT)", far, "do_not_release"))
        # VERIFY-CASE: the open case's weight, the same two steps.
        rows.append(
            (
                f"{reg_id}: case 0.1 kg off (VERIFY-CASE)",
                {**base, "case_weight_kg": w + 0.1},
                "release",
            )
        )
        rows.append(
            (
                f"{reg_id}: case 0.2 kg off (VERIFY-CASE)",
                {**base, "case_weight_kg": w + 0.2},
                "do_not_release",
            )
        )
        # VERIFY-FIELDS with VERIFY-THREE: the regimen's interval, written and verified
        # otherwise (the two entries agreeing), double, half and 0.1 h off.
        every = base["order"].get("every_h")
        if every is not None:
            for other in (every / 2, every * 2, every + 0.1):
                rows.append(
                    (
                        f"{reg_id}: both every {other:g} h, regimen every {every:g} h "
                        "(VERIFY-THREE)",
                        both(base, every_h=other),
                        "do_not_release",
                    )
                )
            rows.append(
                (
                    f"{reg_id}: verifier every {every + 0.1:g} h (VERIFY-FIELDS)",
                    with_(base, "independent", every_h=every + 0.1),
                    "do_not_release",
                )
            )
        route = base["order"].get("route")
        if route is not None:
            other_route = "SC" if route != "SC" else "IV"
            rows.append(
                (
                    f"{reg_id}: both {other_route}, regimen {route} (VERIFY-THREE)",
                    both(base, route=other_route),
                    "do_not_release",
                )
            )
        else:
            # The rule states no route: the entries still must agree.
            rows.append(
                (
                    f"{reg_id}: routes differ between the entries (VERIFY-FIELDS)",
                    with_(both(base, route="IV"), "independent", route="SC"),
                    "do_not_release",
                )
            )
        bag = base["order"].get("bag_ml")
        if bag is not None:
            rows.append(
                (
                    f"{reg_id}: both bag {bag // 2} mL, TOCI-BAG {bag} mL (VERIFY-THREE)",
                    both(base, bag_ml=bag // 2),
                    "do_not_release",
                )
            )
        rows.append(
            (
                f"{reg_id}: verifier names another drug (VERIFY-FIELDS)",
                with_(
                    base,
                    "independent",
                    drug="siltuximab" if base["order"]["drug"] != "siltuximab" else "anakinra",
                ),
                "do_not_release",
            )
        )
    for reg_id, weight, age, limit in MAXIMA:
        base = correct(reg_id, weight, age)
        assert base["order"]["dose_mg"] == limit
        rows.append((f"{reg_id}: at the maximum {limit:g} mg (VERIFY-MAX)", base, "release"))
        rows.append(
            (
                f"{reg_id}: 0.1 mg above the maximum (VERIFY-MAX)",
                both(base, dose_mg=limit + 0.1),
                "do_not_release",
            )
        )
    # VERIFY-CLOCK (tocilizumab only): 8 h after the last dose, and 1 minute before.
    base = correct("tocilizumab")
    rows.append(
        (
            "tocilizumab: 8 h after the last dose (VERIFY-CLOCK)",
            {**base, "at": "2026-11-21T14:00", "doses_given": ["2026-11-21T06:00"]},
            "release",
        )
    )
    rows.append(
        (
            "tocilizumab: 7 h 59 min after the last dose (VERIFY-CLOCK)",
            {**base, "at": "2026-11-21T13:59", "doses_given": ["2026-11-21T06:00"]},
            "do_not_release",
        )
    )
    return rows


BOUNDARY = boundary_rows()


@pytest.mark.parametrize(
    ("payload", "expected"), [r[1:] for r in BOUNDARY], ids=[r[0] for r in BOUNDARY]
)
def test_every_verify_rule_at_and_just_outside_its_boundary(
    payload: dict[str, Any], expected: str
) -> None:
    result = check(payload)
    if expected == "not_dnr":
        assert result.decision != "do_not_release", result.reasons
    else:
        assert result.decision == expected, result.reasons
    if result.decision != "release":
        # VERIFY-THREE: no reason claims agreement when a comparison differs.
        assert not any("agree" in r for r in result.reasons)
        assert all(any(c.text in r for c in result.comparisons) for r in result.reasons)


def test_the_issues_dexamethasone_every_12_h_is_not_released() -> None:
    """VERIFY-THREE: dexamethasone-10mg-q6h written and verified as every 12 h (half the
    daily dose), and as every 3 h (double), is do not release, naming the regimen."""
    base = correct("dex-10-q6h")
    for every in (12, 3):
        result = check(both(base, every_h=every))
        assert result.decision == "do_not_release"
        assert result.reasons[0] == (
            f"DO NOT RELEASE: interval: ordered every {every} h, regimen "
            "dexamethasone-10mg-q6h every 6 h: different (VERIFY-FIELDS)"
        )
        assert not any("agree" in r for r in result.reasons)
        assert "VERIFY-THREE" in result.rules


def test_the_issues_verifier_10_percent_off_the_calculation_is_not_released() -> None:
    """VERIFY-THREE: 70 kg, order 588 mg (+5%), verifier 616 mg (+10%), tolerance 5%."""
    payload = {
        "order": {"drug": "tocilizumab", "weight_kg": 70, "age_years": 54, "dose_mg": 588},
        "independent": {"drug": "tocilizumab", "weight_kg": 70, "dose_mg": 616},
        "tolerance_pct": 5,
    }
    result = check(payload)
    assert result.decision == "do_not_release"
    assert result.reasons[0] == (
        "DO NOT RELEASE: independent entry 616 mg, calculated 560 mg: +10% (beyond the 5% "
        "tolerance) (VERIFY-TOL)"
    )


def test_comparisons_list_all_three_for_each_item() -> None:
    """cli-contract.md: ``comparisons`` holds order vs calculated, independent vs order and
    independent vs calculated for every compared item, with the signed difference."""
    code, text = cli_run(["verify-dose"], lambda: json.dumps(correct("dex-10-q6h")))
    assert code == 0, text
    out = json.loads(text)
    for item in ("drug", "weight", "dose", "route", "every_h"):
        pairs = [c["between"] for c in out["comparisons"] if c["item"] == item]
        assert pairs == list(BETWEEN), item
    assert out["reasons"] == [
        "RELEASE: the order, the calculation and the independent entry agree (VERIFY-DECISION)"
    ]
    off = check(both(correct("tocilizumab"), dose_mg=588.0))
    signed = {c.between: c.difference_pct for c in off.comparisons if c.item == "dose"}
    assert signed == {
        "order_vs_calculated": 5.0,
        "independent_vs_order": None,
        "independent_vs_calculated": 5.0,
    }


def test_a_pair_with_nothing_on_one_side_is_never_called_agreement() -> None:
    """VERIFY-THREE: anakinra without a regimen (two adult regimens, q6h and SC q12h): the
    interval is compared between the entries only, and the release says what was not."""
    payload = {
        "order": {
            "drug": "anakinra",
            "weight_kg": 70,
            "age_years": 50,
            "dose_mg": 100,
            "every_h": 12,
        },
        "independent": {"drug": "anakinra", "weight_kg": 70, "dose_mg": 100, "every_h": 12},
    }
    result = check(payload)
    assert result.decision == "release"
    assert result.reasons[0] == (
        "RELEASE: the order, the calculation and the independent entry agree on every item "
        "compared (VERIFY-DECISION)"
    )
    assert (
        "interval not compared: ordered every 12 h, calculated none (the order names no "
        "regimen) (VERIFY-THREE)"
    ) in result.reasons
    skipped = [c for c in result.comparisons if not c.compared]
    assert skipped
    assert not any(c.matches for c in skipped)
    assert all(c.text not in result.mismatches for c in skipped)


def test_verify_case_the_record_carries_the_case_weight() -> None:
    """VERIFY-CASE: an 82 kg case open, an order for 110 kg / 800 mg is do not release."""
    payload = {
        "order": {"drug": "tocilizumab", "weight_kg": 110, "age_years": 54, "dose_mg": 800},
        "independent": {"drug": "tocilizumab", "weight_kg": 110, "dose_mg": 800},
        "case_weight_kg": 82,
    }
    result = check(payload)
    assert result.decision == "do_not_release"
    assert result.case_weight_kg == 82
    assert result.reasons == (
        "DO NOT RELEASE: ordered weight 110 kg, the open case's weight 82 kg: differ by 28 kg "
        "(more than 0.1 kg): confirm the weight (VERIFY-CASE)",
    )
    assert "VERIFY-CASE" in result.rules
    assert "VERIFY-CASE" not in check({**payload, "case_weight_kg": None}).rules


# --- the property -----------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(
    reg=st.sampled_from([r[0] for r in REGIMENS]),
    order_factor=st.sampled_from([1.0, 0.9, 0.95, 0.97, 1.03, 1.05, 1.1, 0.5, 2.0]),
    independent_factor=st.sampled_from([1.0, 0.9, 0.95, 0.97, 1.03, 1.05, 1.1, 0.5, 2.0]),
    weight_delta=st.sampled_from([0.0, 0.05, 0.1, 0.2, 5.0]),
    case_delta=st.sampled_from([None, 0.0, 0.1, 0.2, 12.0]),
    order_every=st.sampled_from([None, 0.5, 1.0, 2.0]),
    independent_every=st.sampled_from([None, 0.5, 1.0, 2.0]),
    order_route=st.sampled_from([None, "same", "SC", "IV", "PO"]),
    independent_route=st.sampled_from([None, "same", "SC", "IV", "PO"]),
    tolerance=st.sampled_from([0.0, 3.0, 5.0, 10.0]),
)
def test_property_a_difference_in_any_of_the_three_comparisons_is_never_released(
    reg: str,
    order_factor: float,
    independent_factor: float,
    weight_delta: float,
    case_delta: float | None,
    order_every: float | None,
    independent_every: float | None,
    order_route: str | None,
    independent_route: str | None,
    tolerance: float,
) -> None:
    """Whenever order vs calculated, independent vs order or independent vs calculated
    differs beyond the tolerance or in a field (interval, route, weight, case weight), the
    decision is never release (and beyond the tolerance or in a field: do not release)."""
    _, drug, regimen, weight, age = next(r for r in REGIMENS if r[0] == reg)
    rs = ruleset()
    calc = default_calculate(drug, weight, age, regimen, _profile(), rs)
    assert calc.dose_mg is not None
    payload = correct(reg)
    o, i = payload["order"], payload["independent"]
    o["dose_mg"] = round(calc.dose_mg * order_factor, 1)
    i["dose_mg"] = round(calc.dose_mg * independent_factor, 1)
    i["weight_kg"] = weight + weight_delta
    for side, every, route in (
        (o, order_every, order_route),
        (i, independent_every, independent_route),
    ):
        side.pop("every_h", None)
        side.pop("route", None)
        if every is not None and calc.every_h is not None:
            side["every_h"] = calc.every_h * every
        if route == "same" and calc.route is not None:
            side["route"] = calc.route
        elif route not in (None, "same"):
            side["route"] = route
    payload["tolerance_pct"] = tolerance
    if case_delta is not None:
        payload["case_weight_kg"] = weight + case_delta
    result = check(payload)

    calc_i = default_calculate(drug, i["weight_kg"], age, regimen, _profile(), rs).dose_mg
    assert calc_i is not None

    def pct(a: float, b: float) -> float:
        return abs(a - b) / b * 100

    dose_pairs = [
        (o["dose_mg"], calc.dose_mg),
        (i["dose_mg"], o["dose_mg"]),
        (i["dose_mg"], calc_i),
    ]
    beyond = any(round(a, 1) != round(b, 1) and pct(a, b) > tolerance for a, b in dose_pairs)
    differs = any(round(a, 1) != round(b, 1) for a, b in dose_pairs)
    field = (
        o.get("every_h") != i.get("every_h")
        or o.get("route") != i.get("route")
        or round(abs(i["weight_kg"] - weight), 2) > rs.verification.weight.resolution_kg
        or (case_delta is not None and case_delta > rs.verification.weight.resolution_kg)
    )
    for side in (o, i):
        if side.get("every_h") is not None and calc.every_h is not None:
            field |= side["every_h"] != calc.every_h
        if side.get("route") is not None and calc.route is not None:
            field |= side["route"] != calc.route
    if beyond or field:
        assert result.decision == "do_not_release", result.reasons
    if differs:
        assert result.decision != "release", result.reasons
    if result.decision == "release":
        assert not any(c.compared and not c.matches for c in result.comparisons)
    if not (beyond or field or differs):
        # ... and the same three figures in every field are released: a check that never
        # released would pass every line above.
        assert result.decision == "release", result.reasons
