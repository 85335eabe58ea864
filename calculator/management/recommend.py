"""Suggested management for the current grades (clinical-rules.md section 6).

Implements MGT-CRS1..MGT-CRS4, MGT-ICANS1..MGT-ICANS4, MGT-REFR (escalation ladder),
MGT-NOTOCI, MGT-INFECT, MGT-ICU, MGT-HAPLO and the product lines MGT-AXI and MGT-BISPEC,
interpreting the actions kept as data in ``rulebook/data/management.toml``. Doses come
from the dose engine (``calculator.dosing``) and the repeat-dose clock from
``tocilizumab_schedule``: neither is reimplemented here.

Tocilizumab is "give" only for CRS grade >= 2 when the clock allows it; at grade 1 it is
at most "consider"; never "give" for ICANS without CRS.
"""

from __future__ import annotations

from dataclasses import dataclass

from calculator.dosing import (
    AgentDose,
    DoseInput,
    ScheduleInput,
    ScheduleResult,
    TocilizumabDose,
    dose,
    regimens,
    tocilizumab_schedule,
)
from calculator.inputs import format_datetime
from calculator.management.models import Action, RecommendInput, RecommendResult
from calculator.results import unique, verification_warnings
from calculator.rulebook import Ruleset, ruleset
from calculator.rulebook.management import ActionSpec, ManagementRule
from calculator.rulebook.profiles import Profile

DISCLAIMER = (
    "Suggestions with their sources, never orders: clinical judgement and the local "
    "protocol decide."
)
_ORDER = {"give": 0, "consider": 1, "avoid": 2}
STEROID_CODES = ("dexamethasone", "methylprednisolone")


@dataclass(frozen=True)
class _Candidate:
    spec: ActionSpec
    rule: str


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


def _rule_applies(rule: ManagementRule, crs: int, icans: int) -> bool:
    return crs in rule.crs_grades or icans in rule.icans_grades


def recommend(inp: RecommendInput, profile: Profile, rs: Ruleset | None = None) -> RecommendResult:
    """The suggested actions for ``inp`` under ``profile``; see the module docstring."""
    rs = rs or ruleset()
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
                f"{after} days as grade 2; give crs_grade1_days to apply it."
            )
        elif inp.crs_grade1_days > after:
            managed = 2
            warnings.append(
                f"{m.crs1.id}: grade 1 CRS for {inp.crs_grade1_days:g} days (more than "
                f"{after}): managed as grade 2 in profile {profile.id}."
            )
    for grade, kind in ((crs, "CRS"), (icans, "ICANS")):
        if grade == 5:
            warnings.append(f"{kind} grade 5 (death): no management is suggested for it.")

    candidates: list[_Candidate] = []
    for rule in m.grade_rules():
        if _rule_applies(rule, managed, icans):
            rules.append(rule.id)
            candidates += [
                _Candidate(s, rule.id)
                for s in rule.actions
                if _applies(s, managed, icans, inp, profile)
            ]
    for rule in m.conditional_rules():
        hits = [
            _Candidate(s, rule.id) for s in rule.actions if _applies(s, crs, icans, inp, profile)
        ]
        if hits:
            rules.append(rule.id)
            candidates += hits

    schedule = _schedule(inp, profile, rs, warnings)
    given = len(inp.tocilizumab_doses)
    if not inp.improving and 1 <= crs <= 4:
        rung = m.refr.rung_for(given)
        if rung is None:
            warnings.append(
                f"{m.refr.id}: not improving, and no tocilizumab dose is recorded: the "
                "escalation ladder starts after the first dose."
            )
        else:
            rules.append(m.refr.id)
            candidates += [_Candidate(s, m.refr.id) for s in rung.actions]

    actions: list[Action] = []
    for code in unique(c.spec.code for c in candidates):
        group = [c for c in candidates if c.spec.code == code]
        if code == "tocilizumab":
            toci = _tocilizumab(group, inp, profile, rs, schedule, warnings)
            if toci is not None:
                actions.append(toci)
            continue
        actions.append(_merge(group, inp, profile, rs, warnings))

    steroids = [a for a in actions if a.code in STEROID_CODES and a.strength != "avoid"]
    if steroids and not any(a.code == "antifungal_prophylaxis" for a in actions):
        spec = m.infect.actions[0]
        actions.append(
            Action(code=spec.code, strength=spec.strength, text=spec.text, rules=(m.infect.id,))
        )
        rules.append(m.infect.id)
    actions.sort(key=lambda a: _ORDER[a.strength])
    for a in actions:
        rules += a.rules
    rule_ids = unique(rules)
    return RecommendResult(
        crs_grade=crs,
        icans_grade=icans,
        managed_as_crs_grade=managed,
        actions=tuple(actions),
        tocilizumab_schedule=schedule,
        disclaimer=DISCLAIMER,
        rules=rule_ids,
        warnings=unique(warnings + verification_warnings(rs, rule_ids)),
        ruleset=rs.info,
        profile=profile.id,
    )


def _schedule(
    inp: RecommendInput, profile: Profile, rs: Ruleset, warnings: list[str]
) -> ScheduleResult | None:
    """The repeat-dose clock at ``at`` (or at the last dose when ``at`` is not given)."""
    if not inp.tocilizumab_doses and inp.at is None:
        return None
    at = inp.at
    if at is None:
        at = max(inp.tocilizumab_doses)
        warnings.append(
            f"No time (at) was given: the tocilizumab clock is read at the last dose, "
            f"{format_datetime(at)}."
        )
    return tocilizumab_schedule(ScheduleInput(doses=inp.tocilizumab_doses, at=at), profile, rs)


def _intensity(spec: ActionSpec, rs: Ruleset) -> float:
    """Daily mg of a steroid line, to prefer the more intensive of two lines of one code."""
    dose_mg, every_h = _fixed_dose(spec, rs)
    if dose_mg is None:
        return 0.0
    if spec.once or every_h is None:
        return dose_mg
    return dose_mg * 24 / every_h


def _fixed_dose(spec: ActionSpec, rs: Ruleset) -> tuple[float | None, float | None]:
    """The adult fixed dose and interval a line names (regimen or taper), if any."""
    if spec.regimen is not None:
        for rule in rs.dosing.agent_rules():
            for reg in rule.regimens:
                if reg.id == spec.regimen:
                    return reg.dose_mg, spec.every_h or reg.every_h
    if spec.taper is not None:
        regimen = rs.taper.regimen(spec.taper)
        if regimen is not None:
            first = regimen.steps[0]
            return first.dose_mg, spec.every_h or first.every_h
    return None, spec.every_h


def _merge(
    group: list[_Candidate],
    inp: RecommendInput,
    profile: Profile,
    rs: Ruleset,
    warnings: list[str],
) -> Action:
    """One action per code: a product's own line wins, then the stronger, then the more
    intensive; the rules of every line about it are kept."""
    specific = [c for c in group if c.spec.products]
    pool = specific or group
    best = min(pool, key=lambda c: (_ORDER[c.spec.strength], -_intensity(c.spec, rs)))
    rule_ids = unique([best.rule] + [c.rule for c in group])
    return _with_dose(best.spec, rule_ids, bool(specific), inp, profile, rs, warnings)


def _engine_regimen(spec: ActionSpec, age_years: float, rs: Ruleset) -> str | None:
    """The regimen to ask the dose engine for; an adult-only line for a child lets the
    engine choose the children's regimen where there is one (ANAK-PED)."""
    if spec.regimen is None:
        return None
    info = next((r for r in regimens(rs).regimens if r.id == spec.regimen), None)
    if info is None or info.population != "adult" or age_years >= _adult_age(rs):
        return spec.regimen
    has_child = any(
        r.drug == info.drug and r.population in ("child", "any") for r in regimens(rs).regimens
    )
    return None if has_child else spec.regimen


def _adult_age(rs: Ruleset) -> float:
    return rs.dosing.ped_steroid.adult_from_age_years


def _with_dose(
    spec: ActionSpec,
    rule_ids: tuple[str, ...],
    product_specific: bool,
    inp: RecommendInput,
    profile: Profile,
    rs: Ruleset,
    warnings: list[str],
) -> Action:
    """The action, with its dose from the dose engine when weight and age are known."""
    fields: dict[str, object] = {
        "code": spec.code,
        "strength": spec.strength,
        "text": spec.text,
        "rules": rule_ids,
        "once": spec.once,
        "days": spec.days,
        "regimen": spec.regimen,
        "taper": spec.taper,
        "product_specific": product_specific,
        "every_h": None if spec.once else _fixed_dose(spec, rs)[1],
    }
    extra_rules: list[str] = []
    if spec.taper is not None:
        extra_rules.append(spec.taper)
    if inp.weight_kg is not None and inp.age_years is not None:
        if spec.regimen is not None:
            result = dose(
                DoseInput(
                    drug=spec.code,  # type: ignore[arg-type]
                    weight_kg=inp.weight_kg,
                    age_years=inp.age_years,
                    regimen=_engine_regimen(spec, inp.age_years, rs),
                ),
                profile,
                rs,
            )
            fields.update(_dose_fields(spec, result))
            extra_rules += result.rules
            warnings += result.warnings
        elif spec.taper is not None:
            extra_rules += _taper_dose(spec, inp.age_years, rs, fields, warnings)
    fields["rules"] = unique([*rule_ids, *extra_rules])
    return Action.model_validate(fields)


def _dose_fields(spec: ActionSpec, result: TocilizumabDose | AgentDose) -> dict[str, object]:
    out: dict[str, object] = {
        "dose_mg": result.dose_mg,
        "route": result.route,
        "dose_working": result.working,
        "regimen": result.regimen,
    }
    if isinstance(result, AgentDose) and not spec.once:
        out["every_h"] = spec.every_h or result.every_h
    return out


def _taper_dose(
    spec: ActionSpec, age_years: float, rs: Ruleset, fields: dict[str, object], warnings: list[str]
) -> list[str]:
    """A line that starts a TAPER-* plan: its first step's dose (adults only, PED-STEROID)."""
    regimen = rs.taper.regimen(spec.taper or "")
    if regimen is None:
        return []
    first = regimen.steps[0]
    ped = rs.dosing.ped_steroid
    if age_years < ped.adult_from_age_years:
        warnings.append(f"{ped.id}: {ped.marker}.")
        fields["dose_working"] = (
            f"Adult regimen shown as a reference only: {first.dose_mg:g} mg every "
            f"{first.every_h:g} h ({regimen.id}); {ped.marker}.",
        )
        return [ped.id]
    fields["dose_mg"] = first.dose_mg
    fields["every_h"] = first.every_h
    fields["route"] = first.route
    fields["dose_working"] = (
        f"First step of {regimen.id}: {first.dose_mg:g} mg every {first.every_h:g} h.",
    )
    return []


def _tocilizumab(
    group: list[_Candidate],
    inp: RecommendInput,
    profile: Profile,
    rs: Ruleset,
    schedule: ScheduleResult | None,
    warnings: list[str],
) -> Action | None:
    """MGT-NOTOCI, the grade cap, MGT-HAPLO and the repeat-dose clock (TOCI-MAX)."""
    m = rs.management
    crs = inp.crs_grade
    avoid = [c for c in group if c.spec.strength == "avoid"]
    if avoid:
        # MGT-NOTOCI: ICANS without CRS, or grade 1 CRS with ICANS >= 2.
        spec = avoid[0].spec
        return Action(
            code="tocilizumab",
            strength="avoid",
            text=spec.text,
            rules=unique(c.rule for c in group),
        )
    if not 1 <= crs <= 4:
        return None
    action = _merge(group, inp, profile, rs, warnings)
    strength = action.strength
    text = action.text
    rule_ids = list(action.rules)
    if crs < 2 and strength == "give":
        strength = "consider"
    if crs < 2 and inp.crs_grade1_days is not None and profile.grade1_escalation_days:
        if inp.crs_grade1_days > profile.grade1_escalation_days:
            text += " Grade 1 CRS for more than " + (
                f"{profile.grade1_escalation_days} days is managed as grade 2 here."
            )
    if inp.haplo_ptcy:
        rule_ids.append(m.haplo.id)
        warnings.append(f"{m.haplo.id}: {m.haplo.text}")
        if crs < m.haplo.severe_from_crs_grade and strength == "give":
            strength = "consider"
            text += f" Haploidentical HCT with PTCy: {m.haplo.text}"
    if given := len(inp.tocilizumab_doses):
        if inp.improving and strength == "give":
            strength = "consider"
            text += (
                f" Improving since the last dose ({given} given): repeat only if CRS does "
                "not improve."
            )
    if schedule is not None:
        rule_ids += schedule.rules
        if not schedule.eligible:
            strength = "avoid"
            if schedule.next_eligible_at is None:
                text = (
                    f"Maximum reached: {schedule.doses_total} tocilizumab doses given this "
                    f"episode, the most profile {profile.id} allows (TOCI-MAX). No further "
                    "dose: escalate by MGT-REFR."
                )
                warnings.append(
                    f"TOCI-MAX: the maximum number of tocilizumab doses is reached "
                    f"({schedule.doses_total} given; profile {profile.id})."
                )
            else:
                when = format_datetime(schedule.next_eligible_at)
                text = f"Not yet: the next tocilizumab dose may be given from {when}. {text}"
                warnings.append(f"TOCI-INTERVAL/TOCI-MAX: next tocilizumab dose from {when}.")
    if strength != "avoid":
        rule_ids.append(m.infect.id)
        warnings.append(f"{m.infect.id}: {m.infect.tocilizumab_warning}")
    return action.model_copy(update={"strength": strength, "text": text, "rules": unique(rule_ids)})
