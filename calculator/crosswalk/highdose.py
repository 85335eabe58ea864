"""XW-HIGHDOSE: whether the vasopressors running are "high dose" by Lee 2014, or what
would decide it. Doses are never inferred: a running agent without a dose is unknown."""

from __future__ import annotations

from dataclasses import dataclass

from calculator.crosswalk.models import CrosswalkInput
from calculator.rulebook.crosswalk import HighDoseRule

#: The dose key of each agent XW-HIGHDOSE gives a threshold for.
DOSE_KEY = {
    "norepinephrine": "norepinephrine_ug_min",
    "epinephrine": "epinephrine_ug_min",
    "phenylephrine": "phenylephrine_ug_min",
    "dopamine": "dopamine_ug_kg_min",
}


@dataclass(frozen=True)
class HighDose:
    """``met``: True, False, or None (unknown: ``needs`` names what would decide)."""

    met: bool | None
    text: str
    needs: tuple[str, ...] = ()


def _monotherapy_threshold(hd: HighDoseRule, agent: str) -> float:
    return {
        "norepinephrine": hd.norepinephrine_ug_min,
        "epinephrine": hd.epinephrine_ug_min,
        "phenylephrine": hd.phenylephrine_ug_min,
        "dopamine": hd.dopamine_ug_kg_min,
    }[agent]


def ne_equivalent(hd: HighDoseRule, agent: str, dose: float) -> float:
    """Norepinephrine-equivalent µg/min of one agent's dose (XW-HIGHDOSE)."""
    if agent == "dopamine":
        return dose / hd.dopamine_ne_divisor
    if agent == "phenylephrine":
        return dose / hd.phenylephrine_ne_divisor
    return dose  # norepinephrine and epinephrine count 1:1


def high_dose(inp: CrosswalkInput, hd: HighDoseRule) -> HighDose:
    """XW-HIGHDOSE for the agents in ``crs.vasopressors`` with ``vasopressor_doses`` and
    ``high_dose_hours_met`` (each for >= ``hours_min`` h)."""
    agents = inp.crs.vasopressors if inp.crs is not None else ()
    if not agents:
        return HighDose(False, "no vasopressor running")
    doses = inp.vasopressor_doses.entered() if inp.vasopressor_doses is not None else {}
    pressors = [a for a in agents if a != "vasopressin"]
    with_vasopressin = "vasopressin" in agents
    needs: list[str] = []
    dose_met: bool | None
    if len(pressors) == 1 and not with_vasopressin and pressors[0] in DOSE_KEY:
        agent = pressors[0]
        key = DOSE_KEY[agent]
        limit = _monotherapy_threshold(hd, agent)
        unit = "µg/kg/min" if agent == "dopamine" else "µg/min"
        if key not in doses:
            dose_met, text = None, f"{agent} dose not entered (high dose >= {limit:g} {unit})"
            needs.append(f"vasopressor_doses.{key}")
        else:
            dose_met = doses[key] >= limit
            text = f"{agent} {doses[key]:g} {unit} ({'>=' if dose_met else '<'} {limit:g} {unit})"
    else:
        limit = (
            hd.with_vasopressin_ne_equivalent_ug_min
            if with_vasopressin
            else hd.combination_ne_equivalent_ug_min
        )
        known = 0.0
        for agent in pressors:
            dose_key = DOSE_KEY.get(agent)
            if dose_key is None:
                needs.append("crs.vasopressors ('other' has no norepinephrine equivalent)")
            elif dose_key in doses:
                known += ne_equivalent(hd, agent, doses[dose_key])
            else:
                needs.append(f"vasopressor_doses.{dose_key}")
        kind = "vasopressin plus " if with_vasopressin else ""
        if known >= limit:
            dose_met, needs = True, []
        elif needs:
            dose_met = None
        else:
            dose_met = False
        sign = ">=" if dose_met else "<"
        partial = " so far" if dose_met is None else ""
        text = (
            f"{kind}norepinephrine-equivalent {known:g} µg/min{partial} ({sign} {limit:g} µg/min)"
        )
    hours = inp.high_dose_hours_met
    if dose_met is False:
        return HighDose(False, text)
    if hours is False:
        return HighDose(False, f"{text}; not for {hd.hours_min:g} h")
    if hours is None:
        needs.append("high_dose_hours_met")
        return HighDose(None, text, tuple(needs))
    if dose_met is None:
        return HighDose(None, text, tuple(needs))
    return HighDose(True, f"{text} for >= {hd.hours_min:g} h")
