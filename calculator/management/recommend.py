"""Suggested management for the current grades (clinical-rules.md sections 6 and 9).

Two steps: the lines of section 6 (MGT-CRS1..MGT-CRS4, MGT-ICANS1..MGT-ICANS4, MGT-REFR,
MGT-NOTOCI, MGT-ICU, MGT-HAPLO, MGT-AXI, MGT-BISPEC, MGT-SZ) propose actions
(``propose.py``); one composer applies section 9 to the set (``compose.py``:
MGT-ONE-STEROID, MGT-LADDER, MGT-IMPROVING, MGT-WAIT; MGT-G5 here; MGT-NODOSE with the
doses in ``doses.py``). Doses come from the dose engine and the repeat-dose clock from
``tocilizumab_schedule``: neither is reimplemented here.
"""

from __future__ import annotations

from calculator.dosing import ScheduleInput, ScheduleResult, tocilizumab_schedule
from calculator.local_time import instant
from calculator.management.compose import Context, Plan, compose
from calculator.management.models import Action, RecommendInput, RecommendResult
from calculator.management.propose import Proposals, propose
from calculator.results import unique, verification_warnings
from calculator.rulebook import Ruleset, ruleset
from calculator.rulebook.profiles import Profile
from calculator.words import when as local_time

DISCLAIMER = (
    "Suggestions with their sources, never orders: clinical judgement and the local "
    "protocol decide."
)
NO_CHANGE = "no change to the plan"


def recommend(inp: RecommendInput, profile: Profile, rs: Ruleset | None = None) -> RecommendResult:
    """The suggested actions for ``inp`` under ``profile``; see the module docstring."""
    rs = rs or ruleset()
    m = rs.management
    warnings: list[str] = []
    crs, icans = inp.crs_grade, inp.icans_grade
    schedule = _schedule(inp, profile, rs, warnings)

    if m.g5.grade in (crs, icans):
        which = " and ".join(
            kind for grade, kind in ((crs, "CRS"), (icans, "ICANS")) if grade == m.g5.grade
        )
        warnings.append(
            f"{m.g5.id}: {which} grade {m.g5.grade} (death): no treatment action is suggested."
        )
        rule_ids = unique([m.g5.id])
        return RecommendResult(
            crs_grade=crs,
            icans_grade=icans,
            managed_as_crs_grade=crs,
            actions=(),
            improving=inp.improving,
            tocilizumab_schedule=schedule,
            disclaimer=DISCLAIMER,
            rules=rule_ids,
            warnings=unique(warnings),
            ruleset=rs.info,
            profile=profile.id,
        )

    proposed = propose(inp, profile, rs, inp.improving)
    plan = compose(proposed.items, Context(inp, inp.improving, profile, rs, schedule))
    actions = plan.actions
    if_improving: tuple[str, ...] = ()
    if_not_improving: tuple[str, ...] = ()
    if inp.improving is None and _answer_matters(inp, proposed, rs):
        answers = {
            answer: compose(
                propose(inp, profile, rs, answer).items,
                Context(inp, answer, profile, rs, schedule),
            )
            for answer in (True, False)
        }
        if_improving = _changes(plan, answers[True])
        if_not_improving = _changes(plan, answers[False])
        if if_improving == if_not_improving == (NO_CHANGE,):
            if_improving = if_not_improving = ()  # the answer changes nothing: say nothing
        else:
            actions = [_per_action(a, answers[True], answers[False]) for a in actions]

    rules = [*proposed.rules, *plan.rules]
    for a in actions:
        rules += a.rules
    rule_ids = unique(rules)
    return RecommendResult(
        crs_grade=crs,
        icans_grade=icans,
        managed_as_crs_grade=proposed.managed_crs_grade,
        actions=tuple(actions),
        composition=tuple(plan.composition),
        improving=inp.improving,
        if_improving=if_improving,
        if_not_improving=if_not_improving,
        tocilizumab_schedule=schedule,
        disclaimer=DISCLAIMER,
        rules=rule_ids,
        warnings=unique(
            [*proposed.warnings, *warnings, *plan.warnings, *verification_warnings(rs, rule_ids)]
        ),
        ruleset=rs.info,
        profile=profile.id,
    )


def _answer_matters(inp: RecommendInput, proposed: Proposals, rs: Ruleset) -> bool:
    """Whether "improving" can change the plan (MGT-IMPROVING): a CRS grade the ladder
    covers (MGT-REFR) with a dose to judge by, or a line that escalates on "not improving"
    (MGT-CRS4 in asco-2021), read from the proposals rather than from a grade."""
    on_ladder = inp.crs_grade in rs.management.refr.crs_grades and bool(inp.tocilizumab_doses)
    return on_ladder or any(p.escalation for p in proposed.items)


def _key(a: Action) -> tuple[str, str, str]:
    return (a.code, a.strength, a.label or a.text)


def _describe(a: Action) -> str:
    when = f" from {local_time(a.not_before)}" if a.not_before is not None else ""
    return f"{a.strength}{when}: {a.label or a.code} ({', '.join(r for r in a.rules[:2])})"


def _changes(current: Plan, other: Plan) -> tuple[str, ...]:
    """MGT-IMPROVING: the actions an answer would add or change, in words."""
    now = {_key(a) for a in current.actions}
    out = [_describe(a) for a in other.actions if _key(a) not in now and a.strength != "avoid"]
    out += [
        f"{a.strength}: {a.label or a.code} ({a.rules[0]})"
        for a in other.actions
        if _key(a) not in now and a.strength == "avoid"
    ]
    return tuple(out) or (NO_CHANGE,)


def _per_action(a: Action, improving: Plan, not_improving: Plan) -> Action:
    """What each answer would make of this action (matched by code)."""

    def same(plan: Plan) -> str | None:
        match = next((b for b in plan.actions if b.code == a.code), None)
        if match is None:
            return "not suggested"
        if _key(match) == _key(a) and match.not_before == a.not_before:
            return None
        return _describe(match)

    return a.model_copy(
        update={"if_improving": same(improving), "if_not_improving": same(not_improving)}
    )


def _schedule(
    inp: RecommendInput, profile: Profile, rs: Ruleset, warnings: list[str]
) -> ScheduleResult | None:
    """The repeat-dose clock at ``at`` (or at the last dose when ``at`` is not given)."""
    if not inp.tocilizumab_doses and inp.at is None:
        return None
    at = inp.at
    if at is None:
        at = max(inp.tocilizumab_doses, key=instant)
        warnings.append(
            f"{rs.dosing.toci_interval.id}: no time (at) was given: the tocilizumab clock is "
            f"read at the last dose, {local_time(at)}."
        )
    return tocilizumab_schedule(
        ScheduleInput(time_zone=inp.time_zone, doses=inp.tocilizumab_doses, at=at), profile, rs
    )
