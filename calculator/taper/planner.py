"""The steroid taper planner (clinical-rules.md section 5; cli-contract.md `taper`).

Implements TAPER-MP1G, TAPER-MP500, TAPER-DEX10, TAPER-DEX20, TAPER-BLINA (regimens as
data), TAPER-GEN and TAPER-STRENGTHS (generated tapers), STER-EQ (dexamethasone
equivalents), TAPER-FLARE and TAPER-ANTIFUNGAL (warnings on every plan), and PED-STEROID
(no mg/kg steroid dose is computed under 18 years).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from calculator.edge.errors import InputError
from calculator.local_time import add, zone_from_name
from calculator.results import unique, verification_warnings
from calculator.rulebook import Ruleset, ruleset
from calculator.rulebook.profiles import Profile
from calculator.rulebook.taper import RegimenStep, TaperRegimenRule
from calculator.taper.equivalents import STER_EQ, dexamethasone_equivalent
from calculator.taper.generator import generate_taper
from calculator.taper.models import (
    MAX_ADMINISTRATIONS,
    Administration,
    PlannedStep,
    StepOrigin,
    TaperInput,
    TaperResult,
    TaperStepInput,
)
from calculator.taper.table import day_table

PED_STEROID = "PED-STEROID"


def _regimen_steps(
    inp: TaperInput, regimen: TaperRegimenRule
) -> tuple[list[TaperStepInput], list[PlannedStepMeta], list[str]]:
    """The regimen's steps with the user's lengths filled in (``days``, ``final_step_days``)."""
    steps: list[TaperStepInput] = []
    metas: list[PlannedStepMeta] = []
    warnings: list[str] = []
    open_index = next((i for i, s in enumerate(regimen.steps) if s.days is None), None)
    if inp.days is not None and (open_index is None or regimen.steps[open_index].open_ended):
        raise InputError.for_field("days", f"{regimen.id} sets the length of its first step")
    if inp.final_step_days is not None and not regimen.steps[-1].open_ended:
        raise InputError.for_field("final_step_days", f"{regimen.id} has no open-ended last step")
    for i, spec in enumerate(regimen.steps):
        days = _step_days(inp, regimen, spec, is_last=i == len(regimen.steps) - 1)
        if spec.open_ended:
            warnings.append(
                f"{regimen.id}: the last step ({spec.dose_mg:g} mg every {spec.every_h:g} h) is "
                f"open-ended: the source says until {spec.until}; it is planned for {days:g} "
                f"days{'' if inp.final_step_days else ' (the default)'}. Reassess and extend "
                "or stop it."
            )
        steps.append(
            TaperStepInput(
                drug=spec.drug,
                dose_mg=spec.dose_mg,
                every_h=spec.every_h,
                days=days,
                route=spec.route,
            )
        )
        metas.append(PlannedStepMeta("regimen", spec.open_ended, spec.until))
    return steps, metas, warnings


def _step_days(
    inp: TaperInput, regimen: TaperRegimenRule, spec: RegimenStep, is_last: bool
) -> float:
    if spec.days is not None:
        return spec.days
    field = "final_step_days" if spec.open_ended and is_last else "days"
    given = inp.final_step_days if field == "final_step_days" else inp.days
    if given is None:
        if spec.default_days is None:
            span = f"{spec.days_min:g}-{spec.days_max:g}" if spec.days_min and spec.days_max else ""
            raise InputError.for_field(
                field,
                f"is required for {regimen.id}: the source leaves the length of the "
                f"{spec.dose_mg:g} mg every {spec.every_h:g} h step to you"
                + (f" ({span} days)" if span else ""),
            )
        return spec.default_days
    if (spec.days_min is not None and given < spec.days_min) or (
        spec.days_max is not None and given > spec.days_max
    ):
        raise InputError.for_field(
            field, f"must be from {spec.days_min:g} to {spec.days_max:g} days for {regimen.id}"
        )
    if not _whole(given * 24 / spec.every_h):
        raise InputError.for_field(
            field, f"{given:g} days is not a whole number of {spec.every_h:g}-hour intervals"
        )
    return given


def _whole(x: float) -> bool:
    return abs(x - round(x)) < 1e-9 and round(x) >= 1


@dataclass(frozen=True)
class PlannedStepMeta:
    """Where a step came from (kept beside the editable step while planning)."""

    origin: StepOrigin
    open_ended: bool = False
    until: str = ""
    requested_mg: float | None = None
    made_from: str = ""


def _generated(
    inp: TaperInput,
    regimen: TaperRegimenRule | None,
    last: TaperStepInput,
    last_dose_mg: float,
    rs: Ruleset,
) -> tuple[list[TaperStepInput], list[PlannedStepMeta], list[str], list[str]]:
    """TAPER-GEN after the last step, when asked (or when a regimen fixes its length)."""
    then = regimen.then_taper if regimen is not None else None
    if regimen is not None and then is None:
        for name in ("taper_days", "reduction", "route", "taper_every_h"):
            if getattr(inp, name) is not None:
                raise InputError.for_field(
                    name, f"{regimen.id} has its own taper steps; none can be generated"
                )
        return [], [], [], []
    taper_days: float | None = inp.taper_days
    if taper_days is None and then is not None:
        taper_days = then.default_taper_days
    if taper_days is None or inp.reduction is None:
        if regimen is None:
            return [], [], [], []
        assert then is not None
        need = "taper_days and reduction" if taper_days is None else "reduction"
        length = _taper_span(then.taper_days_min, then.taper_days_max)
        return (
            [],
            [],
            [
                f'{regimen.id}: the source says "then taper"{length}: no taper steps are '
                "planned yet. "
                f"Give {need} (halving or linear) to generate them, or add your own steps."
            ],
            [],
        )
    if not float(taper_days).is_integer():
        raise InputError.for_field("taper_days", "must be a whole number of days")
    warnings: list[str] = []
    if then is not None and regimen is not None:
        low, high = then.taper_days_min, then.taper_days_max
        if (low is not None and taper_days < low) or (high is not None and taper_days > high):
            warnings.append(
                f"{regimen.id}: a {taper_days:g}-day taper is outside the source's "
                f"{_taper_span(low, high).strip(' ()')}."
            )
    route = inp.route or last.route
    every_h = inp.taper_every_h or last.every_h
    if not _whole(24 / every_h):
        raise InputError.for_field(
            "taper_every_h", f"{every_h:g} h does not divide a 1-day taper step evenly"
        )
    generated = generate_taper(
        drug=last.drug,
        route=route,
        last_dose_mg=last_dose_mg,
        every_h=every_h,
        taper_days=int(taper_days),
        reduction=inp.reduction,
        rs=rs,
    )
    steps = [
        TaperStepInput(
            drug=g.drug, dose_mg=g.dose_mg, every_h=g.every_h, days=g.days, route=g.route
        )
        for g in generated.steps
    ]
    metas = [
        PlannedStepMeta("generated", requested_mg=g.requested_mg, made_from=g.made_from)
        for g in generated.steps
    ]
    return steps, metas, warnings + list(generated.warnings), list(generated.rules)


def _taper_span(low: float | None, high: float | None) -> str:
    if low is None and high is None:
        return ""
    if low == high:
        return f" (over {low:g} days)"
    return f" (over {low:g}-{high:g} days)"


def plan_taper(inp: TaperInput, profile: Profile, rs: Ruleset | None = None) -> TaperResult:
    """Plan every administration of a regimen or of the user's steps.

    Implements TAPER-MP1G, TAPER-MP500, TAPER-DEX10, TAPER-DEX20, TAPER-BLINA, TAPER-GEN,
    TAPER-STRENGTHS, STER-EQ, TAPER-FLARE, TAPER-ANTIFUNGAL and PED-STEROID. Raises
    InputError for a plan that cannot be made (a missing length, an mg/kg step without
    weight or for a patient under 18 years).
    """
    rs = rs or ruleset()
    taper = rs.taper
    rules: list[str] = []
    warnings: list[str] = []
    regimen = taper.regimen(inp.regimen) if inp.regimen else None
    if regimen is not None:
        steps, metas, step_warnings = _regimen_steps(inp, regimen)
        rules.append(regimen.id)
        warnings += step_warnings
    else:
        assert inp.steps is not None
        steps = list(inp.steps)
        metas = [PlannedStepMeta("custom") for _ in steps]

    mg_per_kg = [i for i, s in enumerate(steps) if s.dose_mg_per_kg is not None]
    if mg_per_kg:
        _check_mg_per_kg(inp, mg_per_kg, rs)
    doses = [_dose_mg(s, inp.weight_kg) for s in steps]

    gen_steps, gen_metas, gen_warnings, gen_rules = _generated(
        inp, regimen, steps[-1], doses[-1], rs
    )
    steps += gen_steps
    metas += gen_metas
    doses += [s.dose_mg or 0.0 for s in gen_steps]
    warnings += gen_warnings
    rules += gen_rules

    zone = zone_from_name(inp.time_zone)
    planned, administrations = _schedule(inp.start, steps, metas, doses, rs, zone)
    totals: dict[str, float] = {}
    for a in administrations:
        totals[a.drug] = round(totals.get(a.drug, 0.0) + a.dose_mg, 4)
    exact_eq = {drug: dexamethasone_equivalent(drug, mg, rs) for drug, mg in totals.items()}
    eq_by_drug = {drug: round(mg, 4) for drug, mg in exact_eq.items()}
    rules.append(STER_EQ)
    ped = rs.dosing.ped_steroid
    if inp.age_years is not None and inp.age_years < ped.adult_from_age_years:
        rules.append(ped.id)
        warnings.append(
            f"{ped.id}: {ped.marker}. The plan shows the adult regimen as a reference only."
        )
    rules += [taper.flare.id, taper.antifungal.id]
    warnings += [
        f"{taper.flare.id}: {taper.flare.text}",
        f"{taper.antifungal.id}: {taper.antifungal.text}",
    ]
    rule_ids = unique(rules)
    return TaperResult(
        regimen=inp.regimen,
        start=inp.start,
        steps=tuple(planned),
        editable_steps=tuple(p.as_input() for p in planned),
        administrations=tuple(administrations),
        totals_mg=totals,
        dexamethasone_equivalent_by_drug_mg=eq_by_drug,
        dexamethasone_equivalent_mg=round(sum(exact_eq.values()), 4),
        ends_at=administrations[-1].at,
        open_ended=any(p.open_ended for p in planned),
        days=day_table(administrations),
        rules=rule_ids,
        warnings=tuple(warnings + verification_warnings(rs, rule_ids)),
        ruleset=rs.info,
        profile=profile.id,
    )


def _check_mg_per_kg(inp: TaperInput, indexes: list[int], rs: Ruleset) -> None:
    """PED-STEROID: an mg/kg steroid dose is computed for adults only, so age is required."""
    field = f"steps[{indexes[0]}].dose_mg_per_kg"
    if inp.weight_kg is None:
        raise InputError.for_field("weight_kg", "is required for a dose_mg_per_kg step")
    if inp.age_years is None:
        raise InputError.for_field(
            "age_years",
            f"is required for a dose_mg_per_kg step ({PED_STEROID}: no mg/kg steroid dose is "
            "computed for children)",
        )
    ped = rs.dosing.ped_steroid
    if inp.age_years < ped.adult_from_age_years:
        raise InputError.for_field(
            field,
            f"{ped.id}: no paediatric mg/kg corticosteroid dose is computed here "
            f"({ped.marker}); enter the dose in mg (dose_mg) that your protocol gives.",
        )


def _dose_mg(step: TaperStepInput, weight_kg: float | None) -> float:
    if step.dose_mg is not None:
        return step.dose_mg
    assert step.dose_mg_per_kg is not None
    assert weight_kg is not None
    return round(step.dose_mg_per_kg * weight_kg, 1)


def _schedule(
    start: datetime,
    steps: list[TaperStepInput],
    metas: list[PlannedStepMeta],
    doses: list[float],
    rs: Ruleset,
    zone: ZoneInfo | None = None,
) -> tuple[list[PlannedStep], list[Administration]]:
    """Each step starts when the previous one ends (previous start + days x 24 h); with
    ``zone``, real hours (calculator.local_time), on the wall clock without."""
    planned: list[PlannedStep] = []
    administrations: list[Administration] = []
    step_start = start
    for index, (step, meta, dose) in enumerate(zip(steps, metas, doses, strict=True)):
        count = round(step.days * 24 / step.every_h)
        if len(administrations) + count > MAX_ADMINISTRATIONS:
            raise InputError.for_field(
                "steps", f"the plan would have more than {MAX_ADMINISTRATIONS} administrations"
            )
        eq = round(dexamethasone_equivalent(step.drug, dose, rs), 4)
        for k in range(count):
            administrations.append(
                Administration(
                    at=add(step_start, timedelta(hours=step.every_h * k), zone),
                    drug=step.drug,
                    dose_mg=dose,
                    route=step.route,
                    step=index,
                    dexamethasone_equivalent_mg=eq,
                )
            )
        planned.append(
            PlannedStep(
                drug=step.drug,
                dose_mg=dose,
                dose_mg_per_kg=step.dose_mg_per_kg,
                every_h=step.every_h,
                days=step.days,
                route=step.route,
                origin=meta.origin,
                doses=count,
                starts_at=step_start,
                open_ended=meta.open_ended,
                until=meta.until,
                requested_mg=meta.requested_mg,
                made_from=meta.made_from,
            )
        )
        step_start = add(step_start, timedelta(hours=step.days * 24), zone)
    return planned, administrations
