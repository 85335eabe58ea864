"""Composing the plan (clinical-rules.md section 9): one step over the proposed set.

The lines of section 6 propose actions (``propose.py``); this composer applies section 9
to the whole set and records, for every action it drops, demotes or rewords, the rule
that did it (``Composed``):

- MGT-LADDER: steps of the refractory ladder are dropped below CRS grade 2.
- MGT-IMPROVING: escalations and repeat doses are not "give" while "improving" is
  unanswered.
- MGT-ONE-STEROID: at most one systemic corticosteroid "give", the most intensive by
  dexamethasone-equivalent mg/day (STER-EQ) at the patient's weight; the others are
  dropped and named by the chosen action ("replaces ..."); alternatives stay "consider",
  worded "instead, not in addition".
- MGT-WAIT: tocilizumab that the repeat-dose clock does not allow yet is "wait" with
  ``not_before``; "avoid" only for MGT-NOTOCI, MGT-HAPLO below grade 3 and the episode
  maximum.
- EPI-72H: MGT-CRS1's dexamethasone "if onset < 72 h after infusion" is kept only when
  the first CRS onset was less than 72 h after day 0, dropped when later; when day 0 is
  not known the line stays as worded and a warning says that day 0 would decide it.
- MGT-G5 is applied by ``recommend`` before anything is proposed.
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from calculator.dosing import ScheduleResult
from calculator.management.doses import dex_equivalent_per_day, label, with_dose
from calculator.management.models import Action, Composed, RecommendInput
from calculator.management.propose import Proposal
from calculator.results import unique
from calculator.rulebook import Ruleset
from calculator.rulebook.management import Strength
from calculator.rulebook.profiles import Profile
from calculator.words import count, duration
from calculator.words import when as local_time

ORDER: dict[str, int] = {"give": 0, "wait": 1, "consider": 2, "avoid": 3}


class Plan:
    """The composed plan: actions, the record of what was dropped or demoted, and the
    rules and warnings composing added (filled as composing goes)."""

    __slots__ = ("actions", "composition", "rules", "warnings")

    def __init__(self) -> None:
        self.actions: list[Action] = []
        self.composition: list[Composed] = []
        self.rules: list[str] = []
        self.warnings: list[str] = []


class Context(NamedTuple):
    inp: RecommendInput
    improving: bool | None
    profile: Profile
    rs: Ruleset
    schedule: ScheduleResult | None


def compose(proposals: tuple[Proposal, ...], ctx: Context) -> Plan:
    """Apply section 9 to the proposed actions (see the module docstring)."""
    plan = Plan()
    rs = ctx.rs
    m = rs.management
    kept: list[Proposal] = []
    for p in _onset_72h(proposals, ctx, plan):
        if p.rung and ctx.inp.crs_grade < m.ladder.from_crs_grade:
            _record(plan, p, ctx, "dropped", None, m.ladder.id, m.ladder.advice)
            plan.warnings.append(f"{m.ladder.id}: {m.ladder.advice}")
        elif p.escalation:
            _record(
                plan,
                p,
                ctx,
                "dropped",
                None,
                m.improving.id,
                "Escalation if not improving; improving is not answered yet.",
            )
        else:
            kept.append(p)
    if any(c.by_rule == m.improving.id for c in plan.composition):
        plan.warnings.append(f"{m.improving.id}: {m.improving.unanswered}")

    steroid_codes = set(m.one_steroid.steroid_codes)
    for code in unique(p.spec.code for p in kept):
        group = [p for p in kept if p.spec.code == code]
        if code == "tocilizumab":
            toci = _tocilizumab(group, ctx, plan)
            if toci is not None:
                plan.actions.append(toci)
        elif code not in steroid_codes:
            plan.actions.append(_merge(group, ctx, plan))
    plan.actions += _steroids([p for p in kept if p.spec.code in steroid_codes], ctx, plan)

    # MGT-INFECT: "any steroid use" is a corticosteroid the plan gives; one it only
    # considers (grade 1) is not yet use, and the antifungal line would come first.
    if any(a.code in steroid_codes and a.strength == "give" for a in plan.actions) and not any(
        a.code == "antifungal_prophylaxis" for a in plan.actions
    ):
        spec = m.infect.actions[0]
        plan.actions.append(
            Action(
                code=spec.code,
                strength=spec.strength,
                text=spec.text,
                rules=(m.infect.id,),
                label=label(spec, rs),
            )
        )
        plan.rules.append(m.infect.id)
    plan.actions.sort(key=lambda a: ORDER[a.strength])
    plan.rules += [c.by_rule for c in plan.composition]
    return plan


def _record(
    plan: Plan,
    p: Proposal,
    ctx: Context,
    outcome: str,
    after: Strength | None,
    by_rule: str,
    reason: str,
    kept: str | None = None,
) -> None:
    plan.composition.append(
        Composed.model_validate(
            {
                "code": p.spec.code,
                "label": label(p.spec, ctx.rs),
                "text": p.spec.text,
                "proposed_by": p.rule,
                "outcome": outcome,
                "strength_before": p.spec.strength,
                "strength_after": after,
                "by_rule": by_rule,
                "reason": reason,
                "kept": kept,
            }
        )
    )


def _intensity(p: Proposal, ctx: Context) -> Decimal:
    value = dex_equivalent_per_day(p.spec, ctx.inp.weight_kg, ctx.rs)
    return Decimal(-1) if value is None else value


def _best(group: list[Proposal], ctx: Context) -> Proposal:
    """A product's own line wins, then the stronger, then the more intensive."""
    specific = [p for p in group if p.spec.products]
    pool = specific or group
    return min(pool, key=lambda p: (ORDER[p.spec.strength], -_intensity(p, ctx)))


def _merge(group: list[Proposal], ctx: Context, plan: Plan) -> Action:
    """One action per code; the rules of every line about it are kept."""
    best = _best(group, ctx)
    rule_ids = unique([best.rule] + [p.rule for p in group])
    return with_dose(
        best.spec,
        best.spec.strength,
        rule_ids,
        bool(best.spec.products),
        ctx.inp,
        ctx.profile,
        ctx.rs,
        plan.warnings,
    )


def _steroids(group: list[Proposal], ctx: Context, plan: Plan) -> list[Action]:
    """MGT-ONE-STEROID over every corticosteroid line of the set."""
    if not group:
        return []
    rule = ctx.rs.management.one_steroid
    ranked = sorted(group, key=lambda p: (-_intensity(p, ctx), 0 if p.spec.products else 1))
    gives = [p for p in ranked if p.spec.strength == "give"]
    considers = [p for p in ranked if p.spec.strength == "consider"]
    chosen = gives[0] if gives else (considers[0] if considers else None)
    if chosen is None:
        return []
    chosen_label = label(chosen.spec, ctx.rs)
    chosen_intensity = _intensity(chosen, ctx)
    replaced: list[str] = []
    rule_ids = [chosen.rule]
    #: Lines whose own "give" is the chosen regimen: their alternatives stay "consider".
    offering = {chosen.rule}
    for p in gives[1:]:
        this = label(p.spec, ctx.rs)
        if this == chosen_label:
            offering.add(p.rule)
            reason = f"{this} ({p.rule}) is the same regimen as the one given ({chosen.rule})."
            rule_ids.append(p.rule)
        else:
            reason = (
                f"{this} ({p.rule}) is replaced by the more intensive {chosen_label} "
                f"(dexamethasone-equivalent mg/day, STER-EQ)."
            )
            if this not in replaced:
                replaced.append(this)
        _record(plan, p, ctx, "dropped", None, rule.id, reason, kept=chosen_label)
    alternatives: list[Proposal] = []
    seen_codes: set[str] = set()
    for p in considers:
        if p is chosen:
            continue
        stronger = _intensity(p, ctx) > chosen_intensity
        offered = p.spec.alternative and p.rule in offering
        if not (stronger or offered) or p.spec.code in seen_codes:
            _record(
                plan,
                p,
                ctx,
                "dropped",
                None,
                rule.id,
                f"{label(p.spec, ctx.rs)} ({p.rule}) adds nothing beside {chosen_label}.",
                kept=chosen_label,
            )
            continue
        seen_codes.add(p.spec.code)
        alternatives.append(p)

    out: list[Action] = []
    main = with_dose(
        chosen.spec,
        chosen.spec.strength,
        unique(rule_ids),
        bool(chosen.spec.products),
        ctx.inp,
        ctx.profile,
        ctx.rs,
        plan.warnings,
    )
    if replaced:
        plan.rules.append(rule.id)
        main = main.model_copy(
            update={
                "text": f"{main.text} ({rule.replaces_words.capitalize()} "
                f"{'; '.join(replaced)}: {rule.id}.)",
                "replaces": tuple(replaced),
                "rules": unique([*main.rules, rule.id]),
            }
        )
    out.append(main)
    for p in alternatives:
        action = with_dose(
            p.spec,
            "consider",
            (p.rule,),
            bool(p.spec.products),
            ctx.inp,
            ctx.profile,
            ctx.rs,
            plan.warnings,
        )
        text = f"Alternative to {chosen_label} ({rule.alternative_words}): {action.text}"
        _record(
            plan,
            p,
            ctx,
            "reworded",
            "consider",
            rule.id,
            f"{label(p.spec, ctx.rs)} is an alternative to {chosen_label}: "
            f"{rule.alternative_words}.",
            kept=chosen_label,
        )
        out.append(
            action.model_copy(
                update={
                    "text": text,
                    "instead_of": chosen_label,
                    "rules": unique([*action.rules, rule.id]),
                }
            )
        )
    return out


def _tocilizumab(group: list[Proposal], ctx: Context, plan: Plan) -> Action | None:
    """MGT-NOTOCI, the grade cap, MGT-HAPLO, MGT-IMPROVING and the clock (MGT-WAIT)."""
    rs, inp, profile, schedule = ctx.rs, ctx.inp, ctx.profile, ctx.schedule
    m = rs.management
    crs = inp.crs_grade
    avoid = [p for p in group if p.spec.strength == "avoid"]
    if avoid:
        spec = avoid[0].spec
        return Action(
            code="tocilizumab",
            strength="avoid",
            text=spec.text,
            rules=unique(p.rule for p in group),
            label="tocilizumab",
        )
    if crs not in m.refr.crs_grades:  # tocilizumab is judged at the grades CRS is treated
        return None
    best = _best(group, ctx)
    action = _merge(group, ctx, plan)
    strength: Strength = action.strength
    text = action.text
    rule_ids = list(action.rules)
    not_before = None

    def demote(to: Strength, by: str, reason: str) -> None:
        nonlocal strength
        _record(plan, best, ctx, "demoted", to, by, reason)
        strength = to

    if crs in m.crs1.crs_grades and strength == "give":
        demote("consider", m.crs1.id, 'At CRS grade 1 tocilizumab stays "consider".')
    days = profile.grade1_escalation_days
    if (
        crs in m.crs1.crs_grades
        and inp.crs_grade1_days is not None
        and days
        and inp.crs_grade1_days > days
    ):
        text += f" Grade 1 CRS for more than {count(days, 'day')}: consider it at the grade 2 dose."
    if inp.haplo_ptcy:
        rule_ids.append(m.haplo.id)
        plan.warnings.append(f"{m.haplo.id}: {m.haplo.text}")
        if crs < m.haplo.severe_from_crs_grade:
            demote(
                "avoid",
                m.haplo.id,
                f"Haploidentical HCT with PTCy below CRS grade {m.haplo.severe_from_crs_grade}.",
            )
            text = f"Haploidentical HCT with PTCy: {m.haplo.text} {text}"
    given = len(inp.tocilizumab_doses)
    if given and strength == "give" and ctx.improving is not False:
        if ctx.improving:
            reason = (
                f"Improving since the last dose ({given} given): repeat only if CRS does "
                "not improve."
            )
        else:
            reason = f"Repeat dose ({given} given): only if not improving (not answered yet)."
        demote("consider", m.improving.id, reason)
        text += f" {reason}"
        rule_ids.append(m.improving.id)
    if schedule is not None and strength != "avoid":
        rule_ids += schedule.rules
        if not schedule.eligible:
            if schedule.next_eligible_at is None:
                demote(
                    "avoid",
                    m.wait.id,
                    f"Episode maximum reached ({schedule.doses_total} doses; TOCI-MAX).",
                )
                text = (
                    f"Maximum reached: {schedule.doses_total} tocilizumab doses given this "
                    f"episode, the most profile {profile.id} allows (TOCI-MAX). No further "
                    "dose: escalate by MGT-REFR."
                )
                plan.warnings.append(
                    f"TOCI-MAX: the maximum number of tocilizumab doses is reached "
                    f"({schedule.doses_total} given; profile {profile.id})."
                )
            else:
                not_before = schedule.next_eligible_at
                when = local_time(not_before)
                if strength == "give":
                    demote("wait", m.wait.id, f"The repeat-dose clock allows it from {when}.")
                text = f"Next tocilizumab dose allowed from {when}. {text}"
                plan.warnings.append(f"{m.wait.id}: next tocilizumab dose allowed from {when}.")
            rule_ids.append(m.wait.id)
    if strength != "avoid":
        rule_ids.append(m.infect.id)
        plan.warnings.append(f"{m.infect.id}: {m.infect.tocilizumab_warning}")
    return action.model_copy(
        update={
            "strength": strength,
            "text": text,
            "rules": unique(rule_ids),
            "not_before": not_before,
        }
    )


def _onset_72h(proposals: tuple[Proposal, ...], ctx: Context, plan: Plan) -> list[Proposal]:
    """EPI-72H over MGT-CRS1's dexamethasone line (see the module docstring)."""
    rs = ctx.rs
    crs1 = rs.management.crs1.id
    onset = ctx.inp.crs_onset_after_day0_h
    out: list[Proposal] = []
    for p in proposals:
        if p.rule != crs1 or p.spec.code != "dexamethasone":
            out.append(p)
            continue
        rule = rs.episode.h72  # read (and loaded) only where it decides a line
        limit = f"{rule.onset_within_h:g} h"
        if onset is None:
            # The line's own words already carry the condition; the plan says what decides it.
            plan.rules.append(rule.id)
            plan.warnings.append(
                f"{rule.id}: day 0 (the infusion) is not recorded: it would decide whether "
                f"CRS began < {limit} after it, the condition of {crs1}'s dexamethasone."
            )
            out.append(p)
            continue
        if onset < rule.onset_within_h:
            words = f"CRS began {duration(onset)} after day 0, less than {limit} ({rule.id})."
        else:
            _record(
                plan,
                p,
                ctx,
                "dropped",
                None,
                rule.id,
                f"CRS began {duration(onset)} after day 0, not less than {limit}: the condition of "
                f"{crs1} does not hold.",
            )
            continue
        spec = p.spec.model_copy(update={"text": f"{p.spec.text} {words}"})
        _record(plan, p, ctx, "reworded", p.spec.strength, rule.id, words)
        out.append(p._replace(spec=spec))
    return out
