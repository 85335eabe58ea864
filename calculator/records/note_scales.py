"""The note's "Other scales" section (issue 25, XW rules): what was entered for the older
grading scales, then each scale's grade (a range names what would decide it) with its
deciding criterion. Shown only when someone opened 'Other scales' and entered findings."""

from __future__ import annotations

from calculator.crosswalk import CrosswalkResult
from calculator.dosing.numbers import fmt
from calculator.records.case import CaseDocument
from calculator.records.note_model import Group, Row, Section
from calculator.results import unique
from calculator.rulebook import Ruleset


def other_scales(case: CaseDocument, xw: CrosswalkResult, rs: Ruleset) -> Section:
    """XW rules: what was entered for the older scales, then each scale's grade (a range
    names what would decide it) with its deciding criterion."""
    assert case.crosswalk is not None
    entered = case.crosswalk.model_dump(exclude_none=True)
    doses = entered.pop("vasopressor_doses", {})
    # XW-HIGHDOSE's time at high dose, from the rule data (never a number of the note's own).
    hours = rs.crosswalk.high_dose.hours_min
    words = XW_WORDS | {"high_dose_hours_met": (f"High doses for >= {fmt(hours)} h", "")}
    found = [_finding_row(k, v, words) for k, v in (*entered.items(), *doses.items())]
    rows = []
    for scale in xw.scales.values():
        if scale.status != "graded":
            rows.append(Row(label=scale.name, value=f"{scale.grade_text}: {scale.reason}"))
            continue
        why = "; ".join(c.text for c in scale.deciding) or "no criterion met"
        value = f"{scale.grade_text} ({why})"
        if scale.needs:
            value += f"; would decide: {', '.join(scale.needs)}"
        rules = unique(r for c in scale.deciding for r in c.rules) or (scale.rule,)
        rows.append(Row(label=scale.name, value=value, rules=rules))
    return Section(
        key="other_scales",
        title="Other scales (the ASTCT grade above drives the plan)",
        remark="The same findings graded by the scales that preceded ASTCT 2019.",
        groups=(Group(title="Entered for the other scales", rows=tuple(found)),),
        rows=tuple(rows),
    )


#: How the note names each finding of the older scales, and its unit.
XW_WORDS: dict[str, tuple[str, str]] = {
    "fio2_pct": ("FiO2", "%"),
    "norepinephrine_ug_min": ("Norepinephrine", " µg/min"),
    "epinephrine_ug_min": ("Epinephrine", " µg/min"),
    "phenylephrine_ug_min": ("Phenylephrine", " µg/min"),
    "dopamine_ug_kg_min": ("Dopamine", " µg/kg/min"),
    "vasopressin_u_min": ("Vasopressin", " U/min"),
    "vasopressor_hours": ("Vasopressors needed for", " h"),
    "organ_toxicity_grade": ("Organ toxicity, CTCAE grade", ""),
    "transaminase_grade": ("Transaminases, CTCAE grade", ""),
    "creatinine_grade": ("Creatinine, CTCAE grade", ""),
    "coagulopathy_products": ("Coagulopathy needing FFP, cryoprecipitate or fibrinogen", ""),
    "hospitalised_for_crs": ("Hospitalised for CRS", ""),
    "iv_therapy": ("IV therapy", ""),
    "life_threatening": ("Life-threatening consequences", ""),
    "multiple_fluid_boluses": ("Multiple fluid boluses", ""),
    "seizure_generalised": ("Seizure generalised", ""),
    "csf_pressure_raised": ("CSF opening pressure judged raised", ""),
    "symptoms": ("Symptoms needing symptomatic treatment", ""),
    "head_of_government_named": ("Names the head of government", ""),
    "papilloedema_stage": ("Papilloedema, Frisen stage", ""),
    "csf_opening_pressure_mmhg": ("CSF opening pressure", " mmHg"),
}


def _finding_row(key: str, value: object, words: dict[str, tuple[str, str]]) -> Row:
    label, unit = words.get(key, (key, ""))
    return Row(label=label, value=f"{_plain(value)}{unit if not isinstance(value, bool) else ''}")


def _plain(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return fmt(value)
    return str(value)
