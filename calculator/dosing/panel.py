"""The dose panel's one entry point: ``dose()`` picks the engine for the drug."""

from __future__ import annotations

from calculator.dosing.agents import agent_dose
from calculator.dosing.models import AgentDose, DoseInput, TocilizumabDose
from calculator.dosing.tocilizumab import tocilizumab_dose
from calculator.edge.errors import InputError
from calculator.rulebook import Ruleset, ruleset
from calculator.rulebook.profiles import Profile


def dose(
    inp: DoseInput, profile: Profile, rs: Ruleset | None = None
) -> TocilizumabDose | AgentDose:
    """The dose of ``inp.drug`` for this weight and age (TOCI-* for tocilizumab; SILT-*,
    ANAK-*, DEX-CRS, MP-KG, MP-1G, LEV-PROPH, PED-STEROID, STER-EQ for the others)."""
    rs = rs or ruleset()
    if inp.drug == "tocilizumab":
        if inp.regimen not in (None, rs.dosing.toci_dose.regimen_id):
            raise InputError.for_field(
                "regimen", f"tocilizumab has one regimen: {rs.dosing.toci_dose.regimen_id}"
            )
        return tocilizumab_dose(inp, profile, rs)
    return agent_dose(inp, profile, rs)
