"""Dose-panel test helpers: dose, schedule and convert from plain dicts as the CLI does."""

from __future__ import annotations

from typing import Any

from calculator import (
    AgentDose,
    DoseInput,
    InputError,
    ScheduleInput,
    ScheduleResult,
    SteroidConversion,
    SteroidConversionInput,
    TocilizumabDose,
    builtin_profile,
    convert_steroid,
    dose,
    ruleset,
    tocilizumab_schedule,
)
from calculator.edge.inputs import validate
from calculator.rulebook.profiles import Profile
from tests.calculator.helpers import DEFAULT


def profile(profile_id: str = DEFAULT, **over: Any) -> Profile:
    base = builtin_profile(ruleset(), profile_id)
    return base.model_copy(update=over) if over else base


def toci(weight_kg: float, age_years: float = 50, prof: Profile | None = None) -> TocilizumabDose:
    inp = validate(
        DoseInput, {"drug": "tocilizumab", "weight_kg": weight_kg, "age_years": age_years}
    )
    result = dose(inp, prof or profile())
    assert isinstance(result, TocilizumabDose)
    return result


def agent(
    drug: str, weight_kg: float = 70, age_years: float = 50, regimen: str | None = None
) -> AgentDose:
    payload: dict[str, Any] = {"drug": drug, "weight_kg": weight_kg, "age_years": age_years}
    if regimen is not None:
        payload["regimen"] = regimen
    result = dose(validate(DoseInput, payload), profile())
    assert isinstance(result, AgentDose)
    return result


def schedule(doses: list[str], at: str, profile_id: str = DEFAULT) -> ScheduleResult:
    inp = validate(ScheduleInput, {"doses": doses, "at": at})
    return tocilizumab_schedule(inp, profile(profile_id))


def convert(drug: str, dose_mg: float, to: str) -> SteroidConversion:
    inp = validate(SteroidConversionInput, {"drug": drug, "dose_mg": dose_mg, "to": to})
    return convert_steroid(inp, profile())


def refusal(model: type[Any], payload: dict[str, Any]) -> InputError:
    try:
        validate(model, payload)
    except InputError as err:
        return err
    raise AssertionError(f"{payload!r} was accepted")
