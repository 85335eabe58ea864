"""Doses, labels and steroid intensity of proposed actions, from the dose engine and the
rule data (never recomputed here): MGT-NODOSE, PED-STEROID, STER-EQ, Split statuses."""

from __future__ import annotations

from decimal import Decimal

from calculator.dosing import AgentDose, DoseInput, TocilizumabDose, dose, regimens
from calculator.dosing.numbers import fmt
from calculator.dosing.steroids import exact_equivalent_mg
from calculator.management.models import Action, RecommendInput
from calculator.results import unique
from calculator.rulebook import Ruleset
from calculator.rulebook.base import VERIFY_WARNING
from calculator.rulebook.dosing import Regimen
from calculator.rulebook.management import CODE_DRUG, ActionSpec, Strength
from calculator.rulebook.profiles import Profile


def _regimen(spec: ActionSpec, rs: Ruleset) -> Regimen | None:
    return None if spec.regimen is None else _regimen_by_id(spec.regimen, rs)


def fixed_dose(spec: ActionSpec, rs: Ruleset) -> tuple[float | None, float | None]:
    """The adult fixed dose and interval a line names (regimen or taper), if any."""
    if spec.regimen is not None:
        reg = _regimen(spec, rs)
        if reg is not None:
            return reg.dose_mg, spec.every_h or reg.every_h
    if spec.taper is not None:
        regimen = rs.taper.regimen(spec.taper)
        if regimen is not None:
            first = regimen.steps[0]
            return first.dose_mg, spec.every_h or first.every_h
    return None, spec.every_h


def label(spec: ActionSpec, rs: Ruleset) -> str:
    """The regimen in words: "dexamethasone 10 mg every 6 h" (for "replaces ...")."""
    drug = CODE_DRUG.get(spec.code, spec.code.replace("_", " "))
    reg = _regimen(spec, rs) if spec.regimen else None
    dose_mg, every_h = fixed_dose(spec, rs)
    if reg is not None and reg.mg_per_kg is not None:
        amount = f"{fmt(reg.mg_per_kg)} mg/kg"
    elif dose_mg is not None:
        amount = f"{fmt(dose_mg)} mg"
    else:
        return drug
    if spec.once:
        when = " once"
    elif every_h is not None:
        when = f" every {fmt(every_h)} h"
    else:
        when = ""
    days = f" for {spec.days} days" if spec.days else ""
    return f"{drug} {amount}{when}{days}"


def dex_equivalent_per_day(
    spec: ActionSpec, weight_kg: float | None, rs: Ruleset
) -> Decimal | None:
    """STER-EQ: dexamethasone-equivalent mg per day of a steroid line at this weight (None
    when a mg/kg line meets an unknown weight): the ranking of MGT-ONE-STEROID."""
    drug = CODE_DRUG.get(spec.code)
    if drug is None or drug not in rs.dosing.ster_eq.equivalent_mg:
        return None
    dose_mg, every_h = fixed_dose(spec, rs)
    reg = _regimen(spec, rs) if spec.regimen else None
    per_dose: Decimal | None = None
    if dose_mg is not None:
        per_dose = Decimal(str(dose_mg))
    elif reg is not None and reg.mg_per_kg is not None and weight_kg is not None:
        per_dose = Decimal(str(reg.mg_per_kg)) * Decimal(str(weight_kg))
    if per_dose is None:
        return None
    daily = per_dose if spec.once or every_h is None else per_dose * 24 / Decimal(str(every_h))
    return exact_equivalent_mg(rs, drug, daily, "dexamethasone")


def _engine_regimen(spec: ActionSpec, age_years: float, rs: Ruleset) -> str | None:
    """The regimen to ask the dose engine for; an adult-only line for a child lets the
    engine choose the children's regimen where there is one (ANAK-PED, LEV-PROPH)."""
    if spec.regimen is None:
        return None
    info = next((r for r in regimens(rs).regimens if r.id == spec.regimen), None)
    adult_from = rs.dosing.ped_steroid.adult_from_age_years
    if info is None or info.population != "adult" or age_years >= adult_from:
        return spec.regimen
    has_child = any(
        r.drug == info.drug and r.population in ("child", "any") for r in regimens(rs).regimens
    )
    return None if has_child else spec.regimen


def with_dose(
    spec: ActionSpec,
    strength: Strength,
    rule_ids: tuple[str, ...],
    product_specific: bool,
    inp: RecommendInput,
    profile: Profile,
    rs: Ruleset,
    warnings: list[str],
) -> Action:
    """The action, with its dose from the dose engine when weight and age are known
    (MGT-NODOSE otherwise), and the verify mark of its V part only (Split statuses)."""
    fields: dict[str, object] = {
        "code": spec.code,
        "strength": strength,
        "text": spec.text,
        "label": label(spec, rs),
        "once": spec.once,
        "days": spec.days,
        "regimen": spec.regimen,
        "taper": spec.taper,
        "product_specific": product_specific,
        "every_h": None if spec.once else fixed_dose(spec, rs)[1],
    }
    extra_rules: list[str] = []
    caveats: list[str] = []
    verify = any(rs.rule(r).needs_verification for r in rule_ids)
    if spec.status is not None and "V" in spec.status:
        verify = True
        owner = rs.rule(rule_ids[0])
        part = owner.verify_part or owner.title
        warnings.append(f"{owner.id}: {VERIFY_WARNING} ({part})")
    if spec.taper is not None:
        extra_rules.append(spec.taper)
    drug = CODE_DRUG.get(spec.code)
    doses_something = drug is not None and (spec.regimen is not None or spec.taper is not None)
    missing = [name for name in rs.management.nodose.requires if getattr(inp, name) is None]
    if doses_something and missing:
        nd = rs.management.nodose
        extra_rules.append(nd.id)
        fields["missing_inputs"] = tuple(missing)
        warnings.append(
            f"{nd.id}: no dose is shown for {fields['label']}: enter "
            f"{' and '.join(missing)} to compute it."
        )
    elif doses_something and inp.weight_kg is not None and inp.age_years is not None:
        if spec.regimen is not None:
            result = dose(
                DoseInput.model_validate(
                    {
                        "drug": drug,
                        "weight_kg": inp.weight_kg,
                        "age_years": inp.age_years,
                        "regimen": _engine_regimen(spec, inp.age_years, rs),
                    }
                ),
                profile,
                rs,
            )
            fields.update(_dose_fields(spec, result))
            extra_rules += result.rules
            warnings += result.warnings
            if isinstance(result, AgentDose):
                reg = _regimen_by_id(result.regimen, rs)
                if reg is not None and reg.status is not None and "V" in reg.status:
                    verify = True
                if result.adult_reference is not None:
                    caveats.append(f"{rs.dosing.ped_steroid.id}: {rs.dosing.ped_steroid.marker}")
        elif spec.taper is not None:
            extra_rules += _taper_dose(spec, inp.age_years, rs, fields, warnings, caveats)
    if spec.regimen is not None:
        reg = _regimen(spec, rs)
        if reg is not None and reg.status is not None and "V" in reg.status:
            verify = True
    fields["rules"] = unique([*rule_ids, *extra_rules])
    fields["verify"] = verify
    fields["caveats"] = tuple(caveats)
    return Action.model_validate(fields)


def _regimen_by_id(regimen_id: str, rs: Ruleset) -> Regimen | None:
    for rule in rs.dosing.agent_rules():
        for reg in rule.regimens:
            if reg.id == regimen_id:
                return reg
    return None


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
    spec: ActionSpec,
    age_years: float,
    rs: Ruleset,
    fields: dict[str, object],
    warnings: list[str],
    caveats: list[str],
) -> list[str]:
    """A line that starts a TAPER-* plan: its first step's dose (adults only, PED-STEROID)."""
    regimen = rs.taper.regimen(spec.taper or "")
    if regimen is None:
        return []
    first = regimen.steps[0]
    ped = rs.dosing.ped_steroid
    if age_years < ped.adult_from_age_years:
        warnings.append(f"{ped.id}: {ped.marker}.")
        caveats.append(f"{ped.id}: {ped.marker}")
        fields["dose_working"] = (
            f"Adult regimen shown as a reference only: {fmt(first.dose_mg)} mg every "
            f"{fmt(first.every_h)} h ({regimen.id}); {ped.marker}.",
        )
        return [ped.id]
    fields["dose_mg"] = first.dose_mg
    fields["every_h"] = spec.every_h or first.every_h
    fields["route"] = first.route
    fields["dose_working"] = (
        f"First step of {regimen.id}: {fmt(first.dose_mg)} mg every {fmt(first.every_h)} h.",
    )
    return []
