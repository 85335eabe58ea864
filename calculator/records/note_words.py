"""The note's words for what was entered: clinical labels, values in the unit they were
typed in, and only the fields someone entered (no statement nobody made).

Unit conversions (calculator.units, the app's own) only print a value back in the unit it
was typed in; every rule works in °C and kg.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel

from calculator.dosing.numbers import fmt
from calculator.grading.crs import CrsInput
from calculator.grading.icans import IcansInput
from calculator.records.case import CaseDocument
from calculator.records.note_model import Row
from calculator.rulebook import Ruleset
from calculator.units import c_to_f, kg_to_lb

OXYGEN = {
    "room_air": "room air",
    "blow_by": "blow-by",
    "nasal_cannula": "nasal cannula",
    "high_flow_nasal_cannula": "high-flow nasal cannula",
    "facemask": "facemask",
    "nonrebreather": "non-rebreather mask",
    "venturi": "Venturi mask",
    "cpap": "CPAP",
    "bipap": "BiPAP",
    "mechanical_ventilation": "intubated, mechanical ventilation",
}
CONSCIOUSNESS = {
    "alert": "alert",
    "awakens_spontaneously": "awakens spontaneously",
    "awakens_to_voice": "awakens to voice",
    "awakens_to_tactile": "awakens only to tactile stimulus",
    "unarousable": "unarousable / stupor / coma",
}
SEIZURE = {
    "none": "none",
    "rapidly_resolving": "seizure that resolved rapidly",
    "prolonged_or_repetitive": "prolonged (> 5 min) or repetitive",
}
EDEMA = {
    "none": "none",
    "focal": "focal or local edema",
    "diffuse": "diffuse edema / posturing / CN VI palsy / papilledema / Cushing's triad",
}
ACTIONS = {
    "supportive_care": "Supportive care",
    "infection_workup": "Infection work-up",
    "tocilizumab": "Tocilizumab",
    "dexamethasone": "Dexamethasone",
    "methylprednisolone": "Methylprednisolone",
    "anakinra": "Anakinra",
    "siltuximab": "Siltuximab",
    "icu": "ICU",
    "seizure_prophylaxis": "Seizure prophylaxis",
    "antifungal_prophylaxis": "Antifungal prophylaxis",
    "neuro_imaging": "Neuroimaging",
    "eeg": "EEG",
}


def yes_no(value: bool) -> str:
    return "yes" if value else "no"


def temperature(celsius: float, unit: str = "C") -> str:
    """``39.5 °C``; typed in °F: ``102.4 °F (39.1 °C)``."""
    if unit == "F":
        return f"{fmt(c_to_f(celsius), 2)} °F ({fmt(celsius, 1)} °C)"
    return f"{fmt(celsius, 2)} °C"


def weight(kg: float, unit: str = "kg") -> str:
    """``70 kg``; typed in lb: ``154.32 lb (70 kg)``. The kilograms to two places, as the
    dose panel shows the weight the dose was computed from (180.8 lb is 82.01 kg, so
    656.1 mg reads as 8 mg/kg of the weight printed beside it, not of "82 kg")."""
    if unit == "lb":
        return f"{fmt(kg_to_lb(kg), 2)} lb ({fmt(kg, 2)} kg)"
    return f"{fmt(kg, 2)} kg"


def case_units(case: CaseDocument) -> tuple[str, str]:
    """(temperature unit, weight unit) the case was typed in (its ``units``)."""
    return case.units.temperature, case.units.weight


def entered(model: BaseModel, skip: Iterable[str] = ()) -> list[str]:
    """The fields someone gave: explicitly set, or set to something other than the
    default; in declaration order."""
    skipped = set(skip)
    out = []
    for name, info in type(model).model_fields.items():
        if name in skipped:
            continue
        value = getattr(model, name)
        if name in model.model_fields_set or value != info.default:
            out.append(name)
    return out


def crs_rows(crs: CrsInput, temperature_unit: str) -> list[Row]:
    rows: list[Row] = []
    for name in entered(crs):
        if name == "temperature_c" and crs.temperature_c is not None:
            rows.append(
                Row(label="Temperature", value=temperature(crs.temperature_c, temperature_unit))
            )
        elif name == "fever_masked":
            rows.append(Row(label="Fever masked by treatment", value=yes_no(crs.fever_masked)))
        elif name == "hypotension":
            rows.append(Row(label="Hypotension", value=yes_no(crs.hypotension)))
        elif name == "vasopressors":
            rows.append(Row(label="Vasopressors", value=", ".join(crs.vasopressors) or "none"))
        elif name == "oxygen":
            device = OXYGEN.get(crs.oxygen, crs.oxygen)
            flow = crs.oxygen_flow_l_min
            at = "" if flow is None else f" at {fmt(flow)} L/min"
            rows.append(Row(label="Oxygen", value=f"{device}{at}"))
        elif name == "oxygen_flow_l_min" and crs.oxygen_flow_l_min is not None:
            if "oxygen" not in entered(crs):
                rows.append(Row(label="Oxygen flow", value=f"{fmt(crs.oxygen_flow_l_min)} L/min"))
        elif name == "deceased":
            rows.append(Row(label="Died", value=yes_no(crs.deceased)))
    return rows


def _items_text(values: Iterable[tuple[str, int | None, int]]) -> str:
    return ", ".join(
        f"{label} not asked" if score is None else f"{label} {score}/{top}"
        for label, score, top in values
    )


def icans_rows(icans: IcansInput, rs: Ruleset) -> list[Row]:
    """ICANS as entered; the age is the patient's and is not repeated. An item not asked
    is said to be not asked, never scored."""
    ice, capd = rs.icans.ice, rs.icans.capd
    rows: list[Row] = []
    for name in entered(icans, skip=("age_years",)):
        if name == "ice_score" and icans.ice_score is not None:
            rows.append(Row(label="ICE score", value=f"{icans.ice_score}/{ice.max_score}"))
        elif name == "ice_items" and icans.ice_items is not None:
            values: list[tuple[str, int | None, int]] = [
                (item, getattr(icans.ice_items, item, None), top) for item, top in ice.items.items()
            ]
            scores = [score for _, score, _ in values]
            total = (
                f"{sum(v for v in scores if v is not None)}/{ice.max_score}: "
                if None not in scores and icans.ice_score is None
                else ""
            )
            rows.append(Row(label="ICE items", value=total + _items_text(values)))
        elif name == "capd_score" and icans.capd_score is not None:
            rows.append(Row(label="CAPD score", value=f"{icans.capd_score}/{capd.max_score}"))
        elif name == "capd_items" and icans.capd_items is not None:
            values = [
                (f"{i + 1}", score, capd.item_max) for i, score in enumerate(icans.capd_items)
            ]
            rows.append(Row(label="CAPD items", value=_items_text(values)))
        elif name == "unable_to_assess":
            rows.append(
                Row(label="Unable to assess (ICE/CAPD)", value=yes_no(icans.unable_to_assess))
            )
        elif name == "consciousness":
            rows.append(
                Row(
                    label="Consciousness",
                    value=CONSCIOUSNESS.get(icans.consciousness, icans.consciousness),
                )
            )
        elif name == "global_aphasia":
            rows.append(Row(label="Global aphasia", value=yes_no(icans.global_aphasia)))
        elif name == "seizure":
            rows.append(Row(label="Seizure", value=SEIZURE.get(icans.seizure, icans.seizure)))
        elif name == "motor_weakness":
            rows.append(Row(label="Focal motor weakness", value=yes_no(icans.motor_weakness)))
        elif name == "cerebral_edema":
            rows.append(
                Row(
                    label="Cerebral edema",
                    value=EDEMA.get(icans.cerebral_edema, icans.cerebral_edema),
                )
            )
        elif name == "deceased":
            rows.append(Row(label="Died", value=yes_no(icans.deceased)))
    return rows
