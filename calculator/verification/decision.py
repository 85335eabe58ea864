"""Pharmacy double check of a dose order (clinical-rules.md section 10).

A verifier enters drug, weight, dose, route, interval and bag without seeing the
calculated values. The order (as written) is compared with the core's own computation and
with the verifier's independent entry, and the check ends in one decision with its
reasons, each a sentence naming its rule (VERIFY-DECISION):

- "do_not_release": an ordered dose above a maximum of its rule (VERIFY-MAX); weights
  that differ by more than VERIFY-WEIGHT's resolution; drug, route, interval or (for
  tocilizumab) bag that differ (VERIFY-FIELDS); a tocilizumab order the repeat-dose clock
  does not allow at the order's time (VERIFY-CLOCK); a dose difference beyond VERIFY-TOL;
  vials that do not cover the dose; no calculated dose to compare with (PED-STEROID).
- "review": only dose differences within VERIFY-TOL.
- "release": everything agrees.

The maxima are read from the rules VERIFY-MAX names (TOCI-CAP, ANAK-PED, LEV-PROPH,
MP-1G), never written here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Literal

from pydantic import Field, model_validator

from calculator import dosing
from calculator.dosing.models import MAX_DOSES
from calculator.errors import Contradiction, FieldError, InputError
from calculator.inputs import LocalDateTime, format_datetime, validate
from calculator.results import CoreResult, unique, verification_warnings
from calculator.rulebook import FrozenModel, Ruleset, ruleset
from calculator.rulebook.dosing import AgentRule, CapRule, Drug
from calculator.rulebook.profiles import Profile
from calculator.rulebook.verification import Maximum
from calculator.words import when as local_time

# Accepted input ranges (cli-contract.md: weight > 0 and at most 350 kg, age 0-120).
# The dose, interval, bag and vial bounds only catch typing errors; not clinical limits.
MAX_WEIGHT_KG = 350.0
MAX_AGE_YEARS = 120.0
MAX_DOSE_MG = 100_000.0
MAX_VIAL_MG = 10_000.0
MAX_VIAL_COUNT = 100
MAX_EVERY_H = 168.0
MAX_BAG_ML = 5_000

#: Resolution at which two doses count as equal: 0.1 mg (cli-contract.md).
DOSE_DECIMALS = 1
WEIGHT_DECIMALS = 2

Route = Literal["IV", "SC", "PO", "IM"]
Decision = Literal["release", "review", "do_not_release"]
_RANK: dict[Decision, int] = {"release": 0, "review": 1, "do_not_release": 2}


class VialCount(FrozenModel):
    strength_mg: float = Field(gt=0, le=MAX_VIAL_MG, strict=True)
    count: int = Field(ge=1, le=MAX_VIAL_COUNT, strict=True)


class _Entry(FrozenModel):
    drug: Drug
    weight_kg: float = Field(gt=0, le=MAX_WEIGHT_KG, strict=True)
    dose_mg: float = Field(gt=0, le=MAX_DOSE_MG, strict=True)
    every_h: float | None = Field(default=None, gt=0, le=MAX_EVERY_H, strict=True)
    route: Route | None = None
    bag_ml: int | None = Field(default=None, gt=0, le=MAX_BAG_ML, strict=True)
    vials: tuple[VialCount, ...] | None = None

    @model_validator(mode="before")
    @classmethod
    def _renamed(cls, data: Any) -> Any:
        if isinstance(data, dict) and "ordered_dose_mg" in data:
            raise Contradiction(
                "is the old name of this field: give the ordered dose as dose_mg",
                "ordered_dose_mg",
            )
        return data


class DoseOrder(_Entry):
    """The order as written."""

    age_years: float = Field(ge=0, le=MAX_AGE_YEARS, strict=True)
    regimen: str | None = None


class IndependentEntry(_Entry):
    """What the verifier entered without seeing the calculated values."""


class VerifyInput(FrozenModel):
    order: DoseOrder
    independent: IndependentEntry
    #: The order's time and the tocilizumab doses already given this episode (VERIFY-CLOCK).
    at: LocalDateTime | None = None
    doses_given: tuple[LocalDateTime, ...] = Field(default=(), max_length=MAX_DOSES)
    #: A local setting (the app's double-check tolerance) within PROFILE-BOUNDS.
    tolerance_pct: float | None = Field(default=None, ge=0, le=100, strict=True)

    @model_validator(mode="after")
    def _consistent(self) -> VerifyInput:
        if self.doses_given and self.at is None:
            raise Contradiction(
                "is required with doses_given: the time of the order the clock is read at",
                "at",
            )
        if self.doses_given and self.order.drug != "tocilizumab":
            raise Contradiction("applies to tocilizumab orders only (VERIFY-CLOCK)", "doses_given")
        if self.at is not None:
            late = [i for i, d in enumerate(self.doses_given) if d > self.at]
            if late:
                raise Contradiction(
                    f"is later than at ({format_datetime(self.at)}): record only doses given",
                    *(f"doses_given[{i}]" for i in late),
                )
        if self.tolerance_pct is not None:
            low, high = ruleset().bounds.bounds.verify_tolerance_pct
            if not low <= self.tolerance_pct <= high:
                raise Contradiction(
                    f"must be between {_num(low)} and {_num(high)}% (PROFILE-BOUNDS)",
                    "tolerance_pct",
                )
        return self


class CalculatedDose(FrozenModel):
    """What the core computes for a drug, weight and age: the figures compared here."""

    drug: str
    weight_kg: float
    #: None when the core computes no dose here (e.g. PED-STEROID): nothing to compare.
    dose_mg: float | None
    every_h: float | None = None
    route: str | None = None
    bag_ml: int | None = None
    vials: tuple[VialCount, ...] | None = None
    rules: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


Item = Literal["drug", "weight", "dose", "vials", "route", "every_h", "bag_ml", "maximum", "clock"]
Between = Literal[
    "order_vs_calculated",
    "independent_vs_order",
    "independent_vs_calculated",
    "vials_vs_dose",
    "order_vs_maximum",
    "order_vs_clock",
]
Verdict = Literal["match", "within_tolerance", "flagged"]
ToleranceFrom = Literal["settings", "profile", "VERIFY-TOL"]


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


class VerifyResult(CoreResult):
    """``decision`` and ``reasons`` (sentences naming their rules) are the answer;
    ``verdict``, ``summary`` and ``mismatches`` say the same for older callers."""

    decision: Decision
    reasons: tuple[str, ...]
    flagged: bool
    verdict: Verdict
    summary: str
    tolerance_pct: float
    tolerance_from: ToleranceFrom
    calculated: CalculatedDose
    comparisons: tuple[Comparison, ...]
    mismatches: tuple[str, ...]
    order: DoseOrder
    independent: IndependentEntry
    at: LocalDateTime | None = None
    doses_given: tuple[LocalDateTime, ...] = ()


#: Computes the dose for (drug, weight_kg, age_years, regimen) under a profile.
Calculate = Callable[[str, float, float, str | None, Profile, Ruleset], CalculatedDose]


# --- formatting -------------------------------------------------------------------------------


def fmt_number(value: float, decimals: int = DOSE_DECIMALS) -> str:
    """640.0 -> "640", 358.8 -> "358.8"."""
    text = f"{round(value, decimals):.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


_num = fmt_number


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


def maximum_mg(entry: Maximum, rs: Ruleset) -> float:
    """The limit VERIFY-MAX reads from the rule it names (never a number of its own)."""
    rule = rs.rule(entry.rule)
    if isinstance(rule, CapRule):
        return rule.max_mg_per_infusion
    if isinstance(rule, AgentRule):
        for reg in rule.regimens:
            if entry.population is not None and reg.population != entry.population:
                continue
            if entry.regimen is not None and reg.id != entry.regimen:
                continue
            if entry.per in ("dose", "infusion") and reg.max_dose_mg is not None:
                return reg.max_dose_mg
            if entry.per == "day":
                if reg.max_daily_mg is not None:
                    return reg.max_daily_mg
                if reg.dose_mg is not None and reg.every_h is not None and reg.every_h <= 24:
                    return reg.dose_mg * 24 / reg.every_h
    raise LookupError(f"VERIFY-MAX: {entry.rule} states no maximum per {entry.per}")


def maxima_for(order: DoseOrder, rs: Ruleset) -> tuple[Maximum, ...]:
    """The VERIFY-MAX entries an order is held to: those of its regimen where the regimen
    has a maximum of its own (MP-1G-BID), else the drug's general ones."""
    of_drug = [e for e in rs.verification.maximum.maxima if e.drug == order.drug]
    own = tuple(e for e in of_drug if e.regimen is not None and e.regimen == order.regimen)
    return own or tuple(e for e in of_drug if e.regimen is None)


def _maxima(order: DoseOrder, rs: Ruleset) -> list[Comparison]:
    """VERIFY-MAX: an ordered dose above a maximum of its rule is "do not release"."""
    child = order.age_years < rs.dosing.ped_steroid.adult_from_age_years
    out: list[Comparison] = []
    for entry in maxima_for(order, rs):
        if entry.population == "child" and not child:
            continue
        if entry.population == "adult" and child:
            continue
        limit = maximum_mg(entry, rs)
        amount = order.dose_mg
        what = f"ordered {fmt_number(order.dose_mg)} mg"
        if entry.per == "day" and order.every_h is not None and order.every_h < 24:
            amount = order.dose_mg * 24 / order.every_h
            what = (
                f"ordered {fmt_number(order.dose_mg)} mg every {fmt_number(order.every_h)} h "
                f"= {fmt_number(amount)} mg/day"
            )
        who = " in children" if entry.population == "child" else ""
        limit_text = f"the {fmt_number(limit)} mg maximum per {entry.per}{who}"
        above = round(amount, DOSE_DECIMALS) > round(limit, DOSE_DECIMALS)
        text = f"{what} is {'above' if above else 'within'} {limit_text} ({entry.rule})"
        out.append(
            Comparison(
                item="maximum",
                between="order_vs_maximum",
                first=what,
                second=limit_text,
                difference_pct=round(signed_pct(amount, limit), 2) if above else None,
                matches=not above,
                flagged=above,
                text=text,
                decision="do_not_release" if above else "release",
                rule=entry.rule,
            )
        )
    return out


def _clock(inp: VerifyInput, profile: Profile, rs: Ruleset) -> Comparison | None:
    """VERIFY-CLOCK: a tocilizumab order the repeat-dose clock does not allow at its time."""
    rule = rs.verification.clock
    if inp.order.drug != rule.drug or inp.at is None:
        return None
    sched = dosing.tocilizumab_schedule(
        dosing.ScheduleInput(doses=inp.doses_given, at=inp.at), profile, rs
    )
    first = f"order at {local_time(inp.at)}"
    if sched.eligible:
        second = f"{sched.doses_total} dose(s) given this episode"
        text = f"{first}, {second}: the repeat-dose clock allows it"
    elif sched.next_eligible_at is None:
        second = f"{sched.doses_total} dose(s) given: the episode maximum"
        text = f"{first}: " + " ".join(sched.reasons).rstrip(".")
    else:
        second = f"next dose allowed from {local_time(sched.next_eligible_at)}"
        text = (
            f"{first} is before the next allowed dose at "
            f"{local_time(sched.next_eligible_at)}: " + " ".join(sched.reasons).rstrip(".")
        )
    return Comparison(
        item="clock",
        between="order_vs_clock",
        first=first,
        second=second,
        difference_pct=None,
        matches=sched.eligible,
        flagged=not sched.eligible,
        text=text,
        decision="release" if sched.eligible else "do_not_release",
        rule=rule.id,
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
    out += _maxima(order, rs)
    return tuple(out)


def tolerance_for(inp: VerifyInput, profile: Profile, rs: Ruleset) -> tuple[float, ToleranceFrom]:
    """VERIFY-TOL: the local setting, else the profile's figure, else the rule's own."""
    if inp.tolerance_pct is not None:
        return inp.tolerance_pct, "settings"
    if profile.verify_tolerance_pct is not None:
        return profile.verify_tolerance_pct, "profile"
    return rs.verification.tolerance.tolerance_pct, "VERIFY-TOL"


def decide(comparisons: tuple[Comparison, ...], rs: Ruleset) -> tuple[Decision, tuple[str, ...]]:
    """VERIFY-DECISION: the worst decision of any check, with a sentence for each check
    that led to it (or one sentence saying everything agrees)."""
    rule = rs.verification.decision
    words = {"release": rule.release, "review": rule.review, "do_not_release": rule.do_not_release}
    decision: Decision = "release"
    for c in comparisons:
        if _RANK[c.decision] > _RANK[decision]:
            decision = c.decision
    if decision == "release":
        return decision, (f"{words['release']}: {rule.all_agree} ({rule.id})",)
    reasons = [
        f"{words[c.decision]}: {c.text}"
        + ("" if c.text.endswith(")") and c.rule in c.text else f" ({c.rule})")
        for c in comparisons
        if c.decision == decision
    ]
    return decision, tuple(unique(reasons))


_VERDICT: dict[Decision, Verdict] = {
    "release": "match",
    "review": "within_tolerance",
    "do_not_release": "flagged",
}


def _verdict(decision: Decision) -> Verdict:
    return _VERDICT[decision]


def verify_dose(
    inp: VerifyInput,
    profile: Profile,
    rs: Ruleset | None = None,
    calculate: Calculate | None = None,
) -> VerifyResult:
    """The double check of section 10 (see the module docstring)."""
    rs = ruleset() if rs is None else rs
    calc = default_calculate if calculate is None else calculate
    order, independent = inp.order, inp.independent
    calculated = _calculated(calc, "order", order.weight_kg, inp, profile, rs)
    for_independent = None
    if round(independent.weight_kg, WEIGHT_DECIMALS) != round(order.weight_kg, WEIGHT_DECIMALS):
        for_independent = _calculated(calc, "independent", independent.weight_kg, inp, profile, rs)
    tolerance, tolerance_from = tolerance_for(inp, profile, rs)
    comparisons = compare(order, independent, calculated, for_independent, tolerance, rs)
    clock = _clock(inp, profile, rs)
    if clock is not None:
        comparisons = (*comparisons, clock)
    decision, reasons = decide(comparisons, rs)
    v = rs.verification
    rules = unique(
        [
            v.decision.id,
            v.tolerance.id,
            v.weight.id,
            v.fields.id,
            *([v.maximum.id] if any(c.item == "maximum" for c in comparisons) else []),
            *([v.clock.id] if clock is not None else []),
            *(c.rule for c in comparisons if c.rule),
            *calculated.rules,
        ]
    )
    warnings = unique(
        [*verification_warnings(rs, rules), *calculated.warnings]
        + (list(for_independent.warnings) if for_independent else [])
    )
    return VerifyResult(
        ruleset=rs.info,
        profile=profile.id,
        warnings=warnings,
        rules=rules,
        decision=decision,
        reasons=reasons,
        flagged=decision != "release",
        verdict=_verdict(decision),
        summary=reasons[0],
        tolerance_pct=tolerance,
        tolerance_from=tolerance_from,
        calculated=calculated,
        comparisons=comparisons,
        mismatches=tuple(c.text for c in comparisons if not c.matches),
        order=order,
        independent=independent,
        at=inp.at,
        doses_given=inp.doses_given,
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
    if isinstance(result, dosing.TocilizumabDose):
        bag: int | None = result.bag_ml
        every: float | None = None
    else:
        bag, every = None, result.every_h
    return CalculatedDose(
        drug=drug,
        weight_kg=weight_kg,
        dose_mg=result.dose_mg,
        every_h=every,
        route=result.route,
        bag_ml=bag,
        vials=vials,
        rules=result.rules,
        warnings=result.warnings,
    )


def verify_dose_command(payload: dict[str, Any], ctx: Any) -> VerifyResult:
    """``verify-dose``: {"order", "independent", "at"?, "doses_given"?, "tolerance_pct"?}."""
    return verify_dose(validate(VerifyInput, payload), ctx.profile, ctx.rs)
