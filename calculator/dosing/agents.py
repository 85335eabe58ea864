"""The other agents of the dose panel (SILT-DOSE, SILT-PREP, ANAK-ADULT, ANAK-PED,
ANAK-FORM, DEX-CRS, MP-KG, MP-1G, LEV-PROPH), with PED-STEROID, STER-EQ and
STER-NOTEQ for the corticosteroids, and the regimen list."""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from calculator.dosing.catalogue import drug_regimens as drug_regimens
from calculator.dosing.catalogue import regimen_ids as regimen_ids
from calculator.dosing.checks import implausible_weight, verification_lines
from calculator.dosing.models import AgentDose, DoseInput, RegimenInfo, RegimenList, VialCount
from calculator.dosing.numbers import DOSE_PLACES, TOO_SMALL, VOLUME_PLACES, dec, fmt, round_half_up
from calculator.dosing.steroids import dexamethasone_equivalent
from calculator.dosing.vials import least_waste
from calculator.edge.errors import InputError
from calculator.results import Note, unique
from calculator.rulebook import Ruleset
from calculator.rulebook.dosing import AgentRule, Regimen
from calculator.rulebook.profiles import Profile


def regimens(rs: Ruleset | None = None) -> RegimenList:
    """Every regimen of the dose panel with its drug, rule ID and evidence status."""
    from calculator.rulebook import ruleset

    rs = rs or ruleset()
    toci = rs.dosing.toci_dose
    out = [
        RegimenInfo(
            id=toci.regimen_id,
            drug="tocilizumab",
            rule=toci.id,
            label=toci.text,
            population="any",
            status=toci.status,
            needs_verification=toci.needs_verification,
        )
    ]
    for rule in rs.dosing.agent_rules():
        for reg in rule.regimens:
            status = reg.status or rule.status
            out.append(
                RegimenInfo(
                    id=reg.id,
                    drug=rule.drug,
                    rule=rule.id,
                    label=reg.label,
                    population=reg.population,
                    status=status,
                    needs_verification="V" in status,
                )
            )
    return RegimenList(regimens=tuple(out))


def _choose(
    rs: Ruleset, inp: DoseInput, is_child: bool
) -> tuple[AgentRule, Regimen, list[tuple[AgentRule, Regimen]]]:
    options = drug_regimens(rs, inp.drug)
    if inp.regimen is not None:
        chosen = [(rule, reg) for rule, reg in options if reg.id == inp.regimen]
        if not chosen:
            known = ", ".join(reg.id for _, reg in options)
            raise InputError.for_field(
                "regimen", f"{inp.regimen!r} is not a {inp.drug} regimen; known: {known}"
            )
        return chosen[0][0], chosen[0][1], options
    wanted = "child" if is_child else "adult"
    for rule, reg in options:
        if reg.population in (wanted, "any"):
            return rule, reg, options
    return options[0][0], options[0][1], options


def _every(every_h: float | None) -> str:
    return "once" if every_h is None else f"every {fmt(every_h)} h"


def agent_dose(inp: DoseInput, profile: Profile, rs: Ruleset) -> AgentDose:
    """One dose of a non-tocilizumab agent by the rules of its regimen."""
    d = rs.dosing
    adult_from = d.ped_steroid.adult_from_age_years
    is_child = inp.age_years < adult_from
    rule, reg, options = _choose(rs, inp, is_child)
    rules: list[str] = [rule.id]
    warnings: list[str] = []
    working: list[str] = []
    notes: list[Note] = [Note(rule=rule.id, text=rule.text)]
    weight = dec(inp.weight_kg)
    steroid = inp.drug in d.ped_steroid.drugs
    age = f"aged {fmt(inp.age_years)}"

    if reg.population == "adult" and is_child and not steroid:
        warnings.append(
            f"{rule.id}: {reg.id} is an adult regimen and the patient is {age} "
            f"(under {fmt(adult_from)})."
        )
    if reg.population == "child" and not is_child:
        warnings.append(f"{rule.id}: {reg.id} is a children's regimen and the patient is {age}.")

    dose: Decimal | None
    calculated: Decimal | None = None
    capped = False
    adult_reference: str | None = None
    if steroid and is_child:
        # PED-STEROID: no paediatric mg/kg steroid dose is computed here.
        rules.append(d.ped_steroid.id)
        dose = None
        adult_reference = f"{inp.drug} {reg.label} (adult regimen, reference only)"
        working.append(
            f"The patient is {age}: under {fmt(adult_from)} years no steroid dose is computed "
            f"(adult regimen shown as a reference only): {d.ped_steroid.marker}."
        )
        warnings.append(f"{d.ped_steroid.id}: {d.ped_steroid.marker}.")
    elif reg.mg_per_kg is not None:
        calculated = round_half_up(weight * dec(reg.mg_per_kg), DOSE_PLACES)
        if calculated <= 0:
            raise InputError.for_field("weight_kg", TOO_SMALL)
        dose = calculated
        working.append(f"{fmt(weight)} kg x {fmt(reg.mg_per_kg)} mg/kg = {fmt(calculated)} mg.")
        limit = _per_dose_limit(reg)
        if limit is not None and calculated > limit:
            capped, dose = True, limit
            working.append(
                f"{fmt(calculated)} mg is above the maximum of {fmt(limit)} mg per "
                f"dose: {fmt(limit)} mg."
            )
            warnings.append(
                f"{rule.id}: {fmt(calculated)} mg calculated; capped at {fmt(limit)} mg per dose."
            )
    else:
        assert reg.dose_mg is not None  # Regimen validates: exactly one way of dosing
        dose = dec(reg.dose_mg)
        working.append(f"Fixed dose: {fmt(dose)} mg {_every(reg.every_h)}.")

    daily: Decimal | None = None
    if dose is not None and reg.every_h is not None and reg.every_h <= 24:
        daily = round_half_up(dose * Decimal(24) / dec(reg.every_h), DOSE_PLACES)
        days = f" for {reg.days} days" if reg.days else ""
        working.append(f"{fmt(dose)} mg {_every(reg.every_h)} = {fmt(daily)} mg/day{days}.")

    silt: _Prep | None = None
    volume_ml: float | None = None
    if inp.drug == "siltuximab" and dose is not None:
        silt = _siltuximab(rs, dose, working)
        volume_ml = silt.volume_ml
        rules.append(d.silt_prep.id)
    if inp.drug == "anakinra":
        rules.append(d.anak_form.id)
        notes.append(Note(rule=d.anak_form.id, text=d.anak_form.text))
        if dose is not None:
            conc = dec(d.anak_form.concentration_mg_per_ml)
            volume = round_half_up(dose / conc, VOLUME_PLACES)
            volume_ml = float(volume)
            working.append(
                f"{fmt(dose)} mg / {fmt(conc)} mg/mL = {fmt(volume)} mL "
                f"({fmt(d.anak_form.syringe_mg)} mg/{fmt(d.anak_form.syringe_ml)} mL syringe)."
            )
        if reg.route is not None and reg.route != d.anak_form.labelled_route:
            warnings.append(
                f"{d.anak_form.id}: anakinra is labelled for {d.anak_form.labelled_route} use; "
                "IV use in CRS/ICANS is off-label."
            )
    dex_eq: Decimal | None = None
    if steroid:
        rules.append(d.ster_eq.id)
        if daily is not None:
            dex_eq = dexamethasone_equivalent(rs, inp.drug, daily)
        if daily is not None and dex_eq is not None and inp.drug != "dexamethasone":
            working.append(
                f"{fmt(daily)} mg/day {inp.drug} = {fmt(dex_eq)} mg/day dexamethasone-equivalent "
                f"({d.ster_eq.id})."
            )
        rules.append(d.ster_noteq.id)
        notes.append(Note(rule=d.ster_noteq.id, text=d.ster_noteq.text))
    if reg.route is None:
        working.append(f"Route: not stated by {rule.id}; follow the local protocol.")

    plausibility = implausible_weight(rs, inp.weight_kg, inp.age_years)
    if plausibility:
        rules.append(d.plausible.id)
        warnings.append(plausibility)

    rule_ids = unique(rules)
    return AgentDose(
        drug=inp.drug,
        regimen=reg.id,
        regimen_label=reg.label,
        rule=rule.id,
        population=reg.population,
        weight_kg=inp.weight_kg,
        age_years=inp.age_years,
        dose_mg=None if dose is None else float(dose),
        calculated_mg=None if calculated is None else float(calculated),
        mg_per_kg=reg.mg_per_kg,
        capped=capped,
        every_h=reg.every_h,
        days=reg.days,
        route=reg.route,
        daily_mg=None if daily is None else float(daily),
        max_dose_mg=reg.max_dose_mg,
        max_daily_mg=reg.max_daily_mg,
        infusion_minutes=reg.infusion_minutes,
        dexamethasone_equivalent_daily_mg=None if dex_eq is None else float(dex_eq),
        adult_reference=adult_reference,
        other_regimens=tuple(r.id for _, r in options if r.id != reg.id),
        working=tuple(working),
        notes=tuple(notes),
        rules=rule_ids,
        warnings=tuple(warnings + verification_lines(rs, rule_ids, (rule.id, reg))),
        ruleset=rs.info,
        profile=profile.id,
        volume_ml=volume_ml,
        vials=None if silt is None else silt.vials,
        waste_mg=None if silt is None else silt.waste_mg,
        preparation=() if silt is None else silt.preparation,
    )


def _per_dose_limit(reg: Regimen) -> Decimal | None:
    """The lower of the per-dose maximum and the daily maximum shared over the day."""
    limits: list[Decimal] = []
    if reg.max_dose_mg is not None:
        limits.append(dec(reg.max_dose_mg))
    if reg.max_daily_mg is not None and reg.every_h is not None:
        limits.append(round_half_up(dec(reg.max_daily_mg) * dec(reg.every_h) / 24, DOSE_PLACES))
    return min(limits) if limits else None


class _Prep(NamedTuple):
    vials: tuple[VialCount, ...]
    waste_mg: float
    volume_ml: float
    preparation: tuple[str, ...]


def _siltuximab(rs: Ruleset, dose: Decimal, working: list[str]) -> _Prep:
    """SILT-PREP: vials with the least waste, reconstitution, dilution and timing."""
    prep = rs.dosing.silt_prep
    strengths = [v.strength_mg for v in prep.vials]
    counts = least_waste(int(dose * 10), tuple(s * 10 for s in strengths))
    vials = tuple(
        VialCount(strength_mg=s, count=n)
        for s, n in sorted(zip(strengths, counts, strict=True), reverse=True)
        if n
    )
    total = Decimal(sum(v.strength_mg * v.count for v in vials))
    conc = dec(prep.concentration_mg_per_ml)
    volume = round_half_up(dose / conc, VOLUME_PLACES)
    by_strength = {v.strength_mg: v.reconstitute_ml for v in prep.vials}
    recon = "; ".join(
        f"{v.count} x {v.strength_mg} mg, each with {fmt(by_strength[v.strength_mg])} mL "
        "sterile water"
        for v in vials
    )
    working.append(f"{fmt(dose)} mg / {fmt(conc)} mg/mL = {fmt(volume)} mL.")
    working.append(
        f"Vials: {' + '.join(f'{v.count} x {v.strength_mg} mg' for v in vials)} = "
        f"{fmt(total)} mg; waste {fmt(total - dose)} mg (least waste, then fewest vials)."
    )
    preparation = (
        f"Reconstitute {recon} to {fmt(conc)} mg/mL.",
        f"Dilute {fmt(volume)} mL in a {prep.bag_ml} mL bag of {prep.diluent}.",
        f"Infuse through a {fmt(prep.filter_micron)} micron in-line filter.",
        f"Use within {fmt(prep.use_within_h_of_reconstitution)} h of reconstitution and finish "
        f"within {fmt(prep.finish_within_h_of_dilution)} h of dilution.",
    )
    return _Prep(vials, float(total - dose), float(volume), preparation)
