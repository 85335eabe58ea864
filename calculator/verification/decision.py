"""Pharmacy double check of a dose order (clinical-rules.md section 10).

A verifier enters drug, weight, dose, route, interval and bag without seeing the
calculated values. Every item of the order (as written) is compared three ways: with the
core's own computation, with the verifier's independent entry, and the independent entry
with the computation (VERIFY-THREE; a named regimen's interval and route are the computed
ones); in the app the order's weight is also compared with the open case's (VERIFY-CASE).
The check ends in one decision with its reasons, each a sentence naming its rule (VERIFY-DECISION):

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

from typing import Literal

from calculator.edge.inputs import EchoedDateTime
from calculator.results import CoreResult, unique, verification_warnings
from calculator.rulebook import Ruleset, ruleset
from calculator.rulebook.profiles import Profile
from calculator.verification.calculated import (
    Calculate,
    CalculatedDose,
    calculated_for,
    default_calculate,
)
from calculator.verification.comparisons import compare
from calculator.verification.formatting import WEIGHT_DECIMALS
from calculator.verification.inputs import DoseOrder, IndependentEntry, VerifyInput
from calculator.verification.limits import check_clock, check_maxima
from calculator.verification.models import Comparison, Decision

_RANK: dict[Decision, int] = {"release": 0, "review": 1, "do_not_release": 2}
Verdict = Literal["match", "within_tolerance", "flagged"]
ToleranceFrom = Literal["settings", "profile", "VERIFY-TOL"]


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
    at: EchoedDateTime | None = None
    doses_given: tuple[EchoedDateTime, ...] = ()
    #: The weight the open case held (VERIFY-CASE), None when no case was open.
    case_weight_kg: float | None = None


def tolerance_for(inp: VerifyInput, profile: Profile, rs: Ruleset) -> tuple[float, ToleranceFrom]:
    """VERIFY-TOL: the local setting, else the profile's figure, else the rule's own."""
    if inp.tolerance_pct is not None:
        return inp.tolerance_pct, "settings"
    if profile.verify_tolerance_pct is not None:
        return profile.verify_tolerance_pct, "profile"
    return rs.verification.tolerance.tolerance_pct, "VERIFY-TOL"


def decide(comparisons: tuple[Comparison, ...], rs: Ruleset) -> tuple[Decision, tuple[str, ...]]:
    """VERIFY-DECISION with VERIFY-THREE: the worst decision of any check, with a sentence
    for every difference (the worst first), or, when nothing differs, one sentence saying
    the items compared agree and one for each pair that could not be compared: a reason
    never claims agreement that a comparison contradicts or did not make."""
    rule = rs.verification.decision
    three = rs.verification.three.id
    words = {"release": rule.release, "review": rule.review, "do_not_release": rule.do_not_release}
    decision: Decision = "release"
    for c in comparisons:
        if _RANK[c.decision] > _RANK[decision]:
            decision = c.decision
    if decision == "release":
        skipped = [c for c in comparisons if not c.compared]
        if not skipped:
            return decision, (f"{words['release']}: {rule.all_agree} ({rule.id})",)
        return decision, (
            f"{words['release']}: {rule.all_agree} on every item compared ({rule.id})",
            *unique(f"{c.text} ({three})" for c in skipped),
        )
    differing = sorted(
        (c for c in comparisons if c.decision != "release"), key=lambda c: -_RANK[c.decision]
    )
    reasons = [
        f"{words[c.decision]}: {c.text}"
        + ("" if c.text.endswith(")") and c.rule in c.text else f" ({c.rule})")
        for c in differing
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
    calculated = calculated_for(calc, "order", order.weight_kg, inp, profile, rs)
    # VERIFY-THREE: the independent entry is always compared with a calculation, at the
    # verifier's own weight when it differs from the order's.
    for_independent = None
    if round(independent.weight_kg, WEIGHT_DECIMALS) != round(order.weight_kg, WEIGHT_DECIMALS):
        for_independent = calculated_for(
            calc, "independent", independent.weight_kg, inp, profile, rs
        )
    tolerance, tolerance_from = tolerance_for(inp, profile, rs)
    comparisons = (
        *compare(
            order, independent, calculated, for_independent, tolerance, rs, inp.case_weight_kg
        ),
        *check_maxima(order, rs),
    )
    clock = check_clock(inp, profile, rs)
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
            v.three.id,
            *([v.case.id] if inp.case_weight_kg is not None else []),
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
        mismatches=tuple(c.text for c in comparisons if c.compared and not c.matches),
        order=order,
        independent=independent,
        at=inp.at,
        doses_given=inp.doses_given,
        case_weight_kg=inp.case_weight_kg,
    )
