"""Warnings every dose shares: weight implausible for age (DOSE-PLAUSIBLE), and the
"verify against local protocol" line of V rules and V regimens."""

from __future__ import annotations

from collections.abc import Iterable

from calculator.dosing.numbers import fmt
from calculator.results import unique
from calculator.rulebook import Ruleset
from calculator.rulebook.base import VERIFY_WARNING
from calculator.rulebook.dosing import Regimen


def implausible_weight(rs: Ruleset, weight_kg: float, age_years: float) -> str | None:
    """DOSE-PLAUSIBLE: a warning when the weight is outside the generous band for the age
    (a typing check only; the dose is still computed)."""
    rule = rs.dosing.plausible
    band = rule.band_for(age_years)
    if band is None or band.min_kg <= weight_kg <= band.max_kg:
        return None
    ages = f"{fmt(band.from_years)} to under {fmt(band.below_years)} years"
    text = (
        f"{rule.id}: {fmt(weight_kg)} kg is unusual for age {fmt(age_years)} years "
        f"(this check expects {fmt(band.min_kg)}-{fmt(band.max_kg)} kg at {ages}): "
        "re-check the weight and its unit."
    )
    as_kg = weight_kg * rule.kg_per_lb
    if weight_kg > band.max_kg and band.min_kg <= as_kg <= band.max_kg:
        text += f" If it was entered in pounds, {fmt(weight_kg)} lb = {fmt(as_kg, 1)} kg."
    return text


def verification_lines(
    rs: Ruleset, rule_ids: Iterable[str], regimen: tuple[str, Regimen] | None = None
) -> list[str]:
    """ "verify against local protocol" for each V rule; where a regimen carries its own
    status (a rule of mixed status such as DEX-CRS), the regimen's status decides."""
    out: list[str] = []
    for rule_id in unique(rule_ids):
        rule = rs.rule(rule_id)
        if regimen is not None and regimen[0] == rule_id and regimen[1].status is not None:
            if "V" in regimen[1].status:
                out.append(f"{rule_id}: {VERIFY_WARNING} ({regimen[1].label})")
            continue
        if rule.needs_verification:
            out.append(f"{rule_id}: {VERIFY_WARNING} ({rule.title})")
    return out
