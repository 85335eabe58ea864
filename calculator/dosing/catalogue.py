"""Which regimens the rule data holds for a drug: what a ``dose`` request may name.

Read by the input models (to refuse an unknown regimen) and by the dose calculators, so
it depends on the rulebook only (models -> catalogue <- agents, never a circle).
"""

from __future__ import annotations

from calculator.rulebook import Ruleset
from calculator.rulebook.dosing import AgentRule, Regimen


def drug_regimens(rs: Ruleset, drug: str) -> list[tuple[AgentRule, Regimen]]:
    """Each regimen of ``drug`` with the rule that holds it, in rule-data order."""
    return [
        (rule, reg)
        for rule in rs.dosing.agent_rules()
        if rule.drug == drug
        for reg in rule.regimens
    ]


def regimen_ids(rs: Ruleset, drug: str) -> tuple[str, ...]:
    """The regimen ids a ``dose`` request for ``drug`` may name."""
    if drug == "tocilizumab":
        return (rs.dosing.toci_dose.regimen_id,)
    return tuple(reg.id for _, reg in drug_regimens(rs, drug))
