"""Tocilizumab dose for CRS (TOCI-DOSE, -CAP, -STEP, -STEP-NEAR, -AGE, -ROUTE, -VIALS,
-BAG, -STAB, -ROUND; DOSE-PLAUSIBLE)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from calculator.dosing.checks import implausible_weight, verification_lines
from calculator.dosing.models import DoseInput, Stability, TocilizumabDose, VialCount
from calculator.dosing.numbers import DOSE_PLACES, TOO_SMALL, VOLUME_PLACES, dec, fmt, round_half_up
from calculator.dosing.vials import least_waste, nearest_whole_vial_total
from calculator.edge.errors import InputError
from calculator.results import unique
from calculator.rulebook import Ruleset
from calculator.rulebook.profiles import Profile

TENTHS = Decimal(10)


def _tenths(mg: Decimal) -> int:
    return int(mg * TENTHS)


def _vial_text(vials: tuple[VialCount, ...]) -> str:
    return " + ".join(f"{v.count} x {v.strength_mg} mg" for v in vials)


def tocilizumab_dose(inp: DoseInput, profile: Profile, rs: Ruleset) -> TocilizumabDose:
    """The tocilizumab dose, vials, bag and infusion for one actual body weight."""
    d = rs.dosing
    rules: list[str] = [d.toci_dose.id]
    warnings: list[str] = []
    working: list[str] = []
    weight = dec(inp.weight_kg)

    # TOCI-DOSE / TOCI-STEP: mg/kg by the weight step, on actual body weight.
    step = dec(d.toci_dose.step_kg)
    below = weight < step
    per_kg = d.toci_dose.below_step_mg_per_kg if below else d.toci_dose.from_step_mg_per_kg
    band = f"< {fmt(step)} kg" if below else f">= {fmt(step)} kg"
    calculated = round_half_up(weight * dec(per_kg), DOSE_PLACES)
    if calculated <= 0:
        raise InputError.for_field("weight_kg", TOO_SMALL)
    working.append(
        f"{fmt(weight)} kg x {fmt(per_kg)} mg/kg = {fmt(calculated)} mg "
        f"(actual body weight {band}: {fmt(per_kg)} mg/kg)."
    )
    if abs(weight - step) <= dec(d.toci_step_near.within_kg):
        rules += [d.toci_step.id, d.toci_step_near.id]
        other_per_kg = (
            d.toci_dose.from_step_mg_per_kg if below else d.toci_dose.below_step_mg_per_kg
        )
        warnings.append(
            f"{d.toci_step.id}: {fmt(weight)} kg is within {fmt(d.toci_step_near.within_kg)} kg "
            f"of the {fmt(step)} kg step ({fmt(d.toci_dose.below_step_mg_per_kg)} mg/kg below "
            f"{fmt(step)} kg, {fmt(d.toci_dose.from_step_mg_per_kg)} mg/kg from it; "
            f"on the other side it would be {fmt(other_per_kg)} mg/kg): "
            "confirm the measured weight."
        )

    # TOCI-CAP.
    cap = dec(d.toci_cap.max_mg_per_infusion)
    capped = calculated > cap
    dose = min(calculated, cap)
    if capped:
        rules.append(d.toci_cap.id)
        working.append(
            f"{fmt(calculated)} mg is above the {fmt(cap)} mg cap per infusion: {fmt(cap)} mg."
        )
        warnings.append(
            f"{d.toci_cap.id}: {fmt(calculated)} mg calculated; capped at {fmt(cap)} mg "
            "per infusion."
        )

    # TOCI-ROUND: a local policy of the profile, off by default.
    strengths = [v.strength_mg for v in d.toci_vials.vials]
    tenths = tuple(s * 10 for s in strengths)
    rounded = False
    if profile.toci_rounding == "nearest_vial_within_tolerance":
        rules.append(d.toci_round.id)
        tol = Fraction(str(d.toci_round.tolerance_fraction))
        target = nearest_whole_vial_total(
            _tenths(dose), tenths, tol, _tenths(cap), d.toci_round.on_tie
        )
        pct = fmt(Decimal(tol.numerator * 100) / Decimal(tol.denominator))
        if target is None:
            working.append(
                f"Rounding policy on: no whole-vial total lies within {pct}% of "
                f"{fmt(dose)} mg, so the dose is not rounded."
            )
        elif target != _tenths(dose):
            new = Decimal(target) / TENTHS
            working.append(
                f"{fmt(dose)} mg rounded to {fmt(new)} mg, the nearest whole-vial total "
                f"within {pct}%: {d.toci_round.record_text}."
            )
            warnings.append(
                f"{d.toci_round.id}: {d.toci_round.record_text} "
                f"({fmt(dose)} mg calculated, {fmt(new)} mg given)."
            )
            dose, rounded = new, True

    # TOCI-VIALS: least waste, then fewest vials.
    rules.append(d.toci_vials.id)
    counts = least_waste(_tenths(dose), tenths)
    vials = tuple(
        VialCount(strength_mg=s, count=n)
        for s, n in sorted(zip(strengths, counts, strict=True), reverse=True)
        if n
    )
    vial_total = Decimal(sum(v.strength_mg * v.count for v in vials))
    waste = vial_total - dose
    conc = dec(d.toci_vials.concentration_mg_per_ml)
    volume = round_half_up(dose / conc, VOLUME_PLACES)
    working.append(f"{fmt(dose)} mg / {fmt(conc)} mg/mL = {fmt(volume)} mL.")
    working.append(
        f"Vials: {_vial_text(vials)} = {fmt(vial_total)} mg; waste {fmt(waste)} mg "
        "(least waste, then fewest vials)."
    )

    # TOCI-BAG.
    rules.append(d.toci_bag.id)
    bag = d.toci_bag.below_step_bag_ml if below else d.toci_bag.from_step_bag_ml
    diluents = " or ".join(d.toci_bag.diluents)
    working.append(
        f"Bag: {bag} mL of {diluents} ({band}); first withdraw {fmt(volume)} mL from the bag, "
        f"then add {fmt(volume)} mL of tocilizumab."
    )

    # TOCI-ROUTE and infusion time.
    rules.append(d.toci_route.id)
    minutes = d.toci_dose.infusion_minutes
    never = ", ".join(d.toci_route.never[:-1]) + f" or {d.toci_route.never[-1]}"
    route_text = f"{d.toci_route.route} over {minutes} minutes only; never {never}."
    working.append(f"Give as an {route_text}")

    # TOCI-STAB.
    rules.append(d.toci_stab.id)
    stability = tuple(
        Stability(
            diluent=e.diluent,
            refrigerated_h=e.refrigerated_h,
            room_temperature_h=e.room_temperature_h,
            protect_from_light=e.protect_from_light,
            text=(
                f"In {e.diluent}: {fmt(e.refrigerated_h)} h refrigerated or "
                f"{fmt(e.room_temperature_h)} h at room temperature"
                + ("; protect from light." if e.protect_from_light else ".")
            ),
        )
        for e in d.toci_stab.entries
    )

    # TOCI-AGE and DOSE-PLAUSIBLE: warnings, never refusals.
    if inp.age_years < d.toci_age.min_age_years:
        rules.append(d.toci_age.id)
        warnings.append(
            f"{d.toci_age.id}: the patient is under {fmt(d.toci_age.min_age_years)} years "
            f"(age {fmt(inp.age_years)}); tocilizumab is approved from "
            f"{fmt(d.toci_age.min_age_years)} years, so this use is outside the label."
        )
    plausibility = implausible_weight(rs, inp.weight_kg, inp.age_years)
    if plausibility:
        rules.append(d.plausible.id)
        warnings.append(plausibility)

    rule_ids = unique(rules)
    return TocilizumabDose(
        regimen=d.toci_dose.regimen_id,
        weight_kg=inp.weight_kg,
        age_years=inp.age_years,
        dose_mg=float(dose),
        calculated_mg=float(calculated),
        mg_per_kg=per_kg,
        capped=capped,
        rounded=rounded,
        volume_ml=float(volume),
        concentration_mg_per_ml=float(conc),
        vials=vials,
        vial_total_mg=float(vial_total),
        waste_mg=float(waste),
        bag_ml=bag,
        diluents=d.toci_bag.diluents,
        withdraw_from_bag_ml=float(volume),
        infusion_minutes=minutes,
        route=d.toci_dose.route,
        route_text=route_text,
        stability=stability,
        working=tuple(working),
        rules=rule_ids,
        warnings=tuple(warnings + verification_lines(rs, rule_ids)),
        ruleset=rs.info,
        profile=profile.id,
    )
