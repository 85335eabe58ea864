"""What the core computes for the order's drug, weight and age: the figures the order and
the independent entry are compared with."""

from collections.abc import Callable

from calculator import dosing
from calculator.edge.errors import FieldError, InputError
from calculator.edge.inputs import validate
from calculator.rulebook import FrozenModel, Ruleset
from calculator.rulebook.profiles import Profile
from calculator.verification.inputs import VerifyInput, VialCount


class CalculatedDose(FrozenModel):
    """What the core computes for a drug, weight and age: the figures compared here."""

    drug: str
    weight_kg: float
    #: None when the core computes no dose here (e.g. PED-STEROID): nothing to compare.
    dose_mg: float | None
    every_h: float | None = None
    route: str | None = None
    bag_ml: int | None = None
    vials: tuple[VialCount, ...] | None = None
    rules: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


#: Computes the dose for (drug, weight_kg, age_years, regimen) under a profile.
Calculate = Callable[[str, float, float, str | None, Profile, Ruleset], CalculatedDose]


def calculated_for(
    calc: Calculate,
    side: str,
    weight_kg: float,
    inp: VerifyInput,
    profile: Profile,
    rs: Ruleset,
) -> CalculatedDose:
    order = inp.order
    try:
        return calc(order.drug, weight_kg, order.age_years, order.regimen, profile, rs)
    except InputError as err:
        # The dose engine names its own fields (weight_kg, drug ...): say which entry.
        fields = [
            FieldError(field=f"{side}.{f.field}" if f.field != "input" else side, message=f.message)
            for f in err.fields
        ]
        raise InputError(err.message, fields) from None


def default_calculate(
    drug: str,
    weight_kg: float,
    age_years: float,
    regimen: str | None,
    profile: Profile,
    rs: Ruleset,
) -> CalculatedDose:
    """The core's dose engine (calculator.dosing), reduced to the figures compared here."""
    payload = {"drug": drug, "weight_kg": weight_kg, "age_years": age_years, "regimen": regimen}
    result = dosing.dose(validate(dosing.DoseInput, payload), profile, rs)
    vials = (
        None
        if result.vials is None
        else tuple(VialCount(strength_mg=v.strength_mg, count=v.count) for v in result.vials)
    )
    if isinstance(result, dosing.TocilizumabDose):
        bag: int | None = result.bag_ml
        every: float | None = None
    else:
        bag, every = None, result.every_h
    return CalculatedDose(
        drug=drug,
        weight_kg=weight_kg,
        dose_mg=result.dose_mg,
        every_h=every,
        route=result.route,
        bag_ml=bag,
        vials=vials,
        rules=result.rules,
        warnings=result.warnings,
    )
