"""The order against its limits: VERIFY-MAX (the maxima of the rules it names) and
VERIFY-CLOCK (the tocilizumab repeat-dose clock at the order's time)."""

from __future__ import annotations

from calculator import dosing
from calculator.rulebook import Ruleset
from calculator.rulebook.dosing import AgentRule, CapRule
from calculator.rulebook.profiles import Profile
from calculator.rulebook.verification import Maximum
from calculator.verification.formatting import DOSE_DECIMALS, fmt_number, signed_pct
from calculator.verification.inputs import DoseOrder, VerifyInput
from calculator.verification.models import Comparison
from calculator.words import when as local_time


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


def check_maxima(order: DoseOrder, rs: Ruleset) -> list[Comparison]:
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


def check_clock(inp: VerifyInput, profile: Profile, rs: Ruleset) -> Comparison | None:
    """VERIFY-CLOCK: a tocilizumab order the repeat-dose clock does not allow at its time."""
    rule = rs.verification.clock
    if inp.order.drug != rule.drug or inp.at is None:
        return None
    sched = dosing.tocilizumab_schedule(
        dosing.ScheduleInput(time_zone=inp.time_zone, doses=inp.doses_given, at=inp.at),
        profile,
        rs,
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
