"""The lines of section 6 propose actions, one line at a time (clinical-rules.md section 6).

Nothing here decides what the plan shows when lines meet: that is the composer's job
(``compose.py``, section 9). A proposal remembers which line made it and whether it is an
escalation that needs the answer "not improving" (MGT-IMPROVING) or a step of the
refractory ladder (MGT-REFR, gated by MGT-LADDER).
"""

from __future__ import annotations

from typing import NamedTuple

from calculator.management.models import RecommendInput
from calculator.rulebook import Ruleset
from calculator.rulebook.management import ActionSpec, ManagementRule
from calculator.rulebook.profiles import Profile
from calculator.words import count, duration


class Proposal(NamedTuple):
    spec: ActionSpec
    rule: str
    #: Proposed only for the answer "not improving", which is not given yet (MGT-IMPROVING).
    escalation: bool = False
    #: A step of the refractory ladder (MGT-REFR), which climbs only from MGT-LADDER's grade.
    rung: bool = False


class Proposals(NamedTuple):
    items: tuple[Proposal, ...]
    managed_crs_grade: int
    rules: tuple[str, ...]
    warnings: tuple[str, ...]


def _applies(spec: ActionSpec, crs: int, icans: int, inp: RecommendInput, p: Profile) -> bool:
    if spec.crs_grades and crs not in spec.crs_grades:
        return False
    if spec.icans_grades and icans not in spec.icans_grades:
        return False
    if spec.products and inp.product not in spec.products:
        return False
    if spec.steroid_timing is not None and spec.steroid_timing != p.steroid_timing:
        return False
    return spec.crs4_steroid_regimen is None or spec.crs4_steroid_regimen == p.crs4_steroid_regimen


def _by_answer(spec: ActionSpec, rule: str, improving: bool | None) -> Proposal | None:
    """A line that holds only for one answer to "improving": kept when the answer is that,
    kept as a pending escalation when there is no answer yet."""
    if spec.improving is None:
        return Proposal(spec, rule)
    if improving is None:
        return Proposal(spec, rule, escalation=True) if spec.improving is False else None
    return Proposal(spec, rule) if spec.improving == improving else None


def _rule_applies(rule: ManagementRule, crs: int, icans: int) -> bool:
    return crs in rule.crs_grades or icans in rule.icans_grades


def propose(
    inp: RecommendInput, profile: Profile, rs: Ruleset, improving: bool | None
) -> Proposals:
    """Every action any line of section 6 (and MGT-SZ) proposes for these grades.

    ``improving`` is passed apart from ``inp`` so that the plan can also be proposed for
    the answers not given yet (what each answer would lead to, MGT-IMPROVING)."""
    m = rs.management
    rules: list[str] = []
    warnings: list[str] = []
    crs, icans = inp.crs_grade, inp.icans_grade

    managed = crs
    after = profile.grade1_escalation_days
    if crs == 1 and after is not None:
        rules.append(m.crs1.id)
        if inp.crs_grade1_days is None:
            warnings.append(
                f"{m.crs1.id}: profile {profile.id} manages grade 1 CRS lasting more than "
                f"{count(after, 'day')} as grade 2; give crs_grade1_days to apply it."
            )
        elif inp.crs_grade1_days > after:
            managed = 2
            warnings.append(
                f"{m.crs1.id}: grade 1 CRS for {count(inp.crs_grade1_days, 'day')} (more than "
                f"{after}): tocilizumab at the grade 2 dose is considered in profile "
                f'{profile.id} (it stays "consider", as ASCO words it).'
            )

    managed = _after_24h(inp, rs, improving, managed, rules, warnings)

    items: list[Proposal] = []
    for rule in m.grade_rules():
        if _rule_applies(rule, managed, icans):
            rules.append(rule.id)
            for spec in rule.actions:
                if _applies(spec, managed, icans, inp, profile):
                    p = _by_answer(spec, rule.id, improving)
                    if p is not None:
                        items.append(p)
    for rule in m.conditional_rules():
        hits = [Proposal(s, rule.id) for s in rule.actions if _applies(s, crs, icans, inp, profile)]
        if hits:
            rules.append(rule.id)
            items += hits

    sz = m.sz
    if icans >= sz.consider_from_icans_grade:
        if inp.levetiracetam_running:
            warnings.append(
                f"{sz.id}: levetiracetam is recorded as given this episode: seizure "
                "prophylaxis is running and is not proposed again."
            )
        else:
            items.append(Proposal(sz.prophylaxis, sz.id))
    if inp.seizure:
        items.append(Proposal(sz.on_seizure, sz.id))

    given = len(inp.tocilizumab_doses)
    if crs in m.refr.crs_grades and improving is not True:
        rung = m.refr.rung_for(given)
        if rung is None:
            if improving is False:
                warnings.append(
                    f"{m.refr.id}: not improving, and no tocilizumab dose is recorded: the "
                    "escalation ladder starts after the first dose."
                )
        else:
            if improving is False:
                rules.append(m.refr.id)
            items += [
                Proposal(s, m.refr.id, escalation=improving is None, rung=True)
                for s in rung.actions
            ]
    return Proposals(tuple(items), managed, tuple(rules), tuple(warnings))


def _after_24h(
    inp: RecommendInput,
    rs: Ruleset,
    improving: bool | None,
    managed: int,
    rules: list[str],
    warnings: list[str],
) -> int:
    """EPI-24H: MGT-CRS2's "manage as grade 3 if no improvement within 24 h of anti-IL-6".
    At its grade, once ``after_h`` have passed since the first tocilizumab dose given for
    CRS, the answer "not improving" manages CRS as grade 3 (MGT-CRS3); unanswered, the
    question is due and MGT-IMPROVING shows what each answer leads to."""
    hours = inp.hours_since_first_tocilizumab
    if hours is None:
        return managed  # no history fact: the episode rules are not read (nor loaded)
    rule = rs.episode.h24
    if inp.crs_grade != rule.at_crs_grade or managed != rule.at_crs_grade:
        return managed
    if hours < rule.after_h:
        return managed
    rules.append(rule.id)
    since = (
        f"{duration(hours)} since the first tocilizumab dose for CRS (at least {rule.after_h:g} h)"
    )
    if improving is False:
        warnings.append(
            f"{rule.id}: {since} and not improving: managed as CRS grade "
            f"{rule.managed_as_crs_grade} (MGT-CRS{rule.managed_as_crs_grade})."
        )
        return rule.managed_as_crs_grade
    if improving is None:
        warnings.append(
            f"{rule.id}: {since}: the improving question is due; not improving means "
            f"managing as CRS grade {rule.managed_as_crs_grade} "
            f"(MGT-CRS{rule.managed_as_crs_grade}), improving keeps grade {inp.crs_grade}."
        )
    return managed
