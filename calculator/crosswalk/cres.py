"""XW-CRES: CARTOX-10 / CRES neurotoxicity from the ICANS findings, with XW-CARTOX10 (the
score from ICE items, a range while the fifth orientation item is not entered)."""

from __future__ import annotations

from calculator.crosswalk.models import CrosswalkInput
from calculator.crosswalk.tally import Tally
from calculator.grading.icans import IcansInput
from calculator.rulebook import Ruleset


def cartox10_range(icans: IcansInput, named: bool | None, rs: Ruleset) -> tuple[int, int] | None:
    """XW-CARTOX10: (lowest, highest) CARTOX-10 the ICE findings allow, or None without
    ICE. CARTOX-10 = ICE - 'follow commands' + 'head of government named'."""
    ice = icans.ice
    if ice is None:
        return None
    cmd_top = rs.icans.ice.items["commands"]
    if icans.ice_items is not None:
        cmd_low = cmd_high = icans.ice_items.commands
    else:
        rest = rs.icans.ice.max_score - cmd_top
        cmd_low, cmd_high = max(0, ice - rest), min(cmd_top, ice)
    hog_low, hog_high = (0, 1) if named is None else (int(named), int(named))
    return ice - cmd_high + hog_low, ice - cmd_low + hog_high


def cres(inp: CrosswalkInput, rs: Ruleset) -> Tally:
    """XW-CRES: the most severe of CARTOX-10, papilloedema, CSF pressure, oedema, seizure
    and motor findings (XW-WORST); a finding not entered could raise it (XW-RANGE)."""
    r = rs.crosswalk.cres
    g = r.grade
    icans = inp.icans
    assert icans is not None
    tally = Tally()
    if icans.unable_to_assess or icans.consciousness == "unarousable":
        tally.add(g("unable_to_assess"), "obtunded, unable to perform the assessment", r.id)
    else:
        span = cartox10_range(icans, inp.head_of_government_named, rs)
        if span is None:
            tally.could(r.band_grade(0), ["icans.ice_items"])
        else:
            low, high = span
            worst, best = r.band_grade(low), r.band_grade(high)
            shown = f"{low}" if low == high else f"{low}-{high}"
            x10 = rs.crosswalk.cartox10.id
            if best > 0:
                tally.add(best, f"CARTOX-10 {shown}/{r.cartox10_max}", r.id, x10)
            if worst > best:
                needs = []
                if inp.head_of_government_named is None:
                    needs.append("head_of_government_named")
                if icans.ice_items is None:
                    needs.append("icans.ice_items")
                tally.could(worst, needs)
    stage = inp.papilloedema_stage
    if stage is not None and stage >= 1:
        key = (
            "papilloedema_high" if stage >= r.papilloedema_grade4_min_stage else "papilloedema_low"
        )
        tally.add(g(key), f"stage {stage} papilloedema", r.id)
    if icans.cerebral_edema != "none":
        tally.add(g("cerebral_oedema"), f"{icans.cerebral_edema} cerebral oedema", r.id)
    _csf(inp, tally, rs)
    if icans.seizure == "prolonged_or_repetitive":
        tally.add(
            g("status_epilepticus"), "status epilepticus (prolonged or repetitive seizure)", r.id
        )
    elif icans.seizure == "rapidly_resolving":
        if inp.seizure_generalised is None:
            tally.add(
                g("seizure_partial"),
                "a rapidly resolving seizure, generalised or not not entered",
                r.id,
            )
            tally.could(g("seizure_generalised"), ["seizure_generalised"])
        elif inp.seizure_generalised:
            tally.add(g("seizure_generalised"), "a generalised seizure", r.id)
        else:
            tally.add(g("seizure_partial"), "a partial or EEG-only seizure", r.id)
    if icans.motor_weakness:
        tally.add(g("motor_weakness"), "new motor weakness", r.id)
    return tally


def _csf(inp: CrosswalkInput, tally: Tally, rs: Ruleset) -> None:
    """CSF opening pressure >= the grade-4 threshold is 4; judged raised below it, 3; a
    normal pressure is no criterion. Not entered could give 4 (or 3 below the threshold)."""
    r = rs.crosswalk.cres
    limit = r.csf_grade4_min_mmhg
    pressure, raised = inp.csf_opening_pressure_mmhg, inp.csf_pressure_raised
    if pressure is not None and pressure >= limit:
        tally.add(
            r.grade("csf_high"), f"CSF opening pressure {pressure:g} mmHg (>= {limit:g})", r.id
        )
        return
    if raised is False:
        return
    if raised:
        words = "CSF opening pressure judged raised"
        if pressure is not None:
            words += f" ({pressure:g} mmHg, < {limit:g})"
        tally.add(r.grade("csf_raised"), words, r.id)
    elif pressure is not None:
        tally.could(r.grade("csf_raised"), ["csf_pressure_raised"])
    if pressure is None:
        needs = ["csf_opening_pressure_mmhg"] + ([] if raised else ["csf_pressure_raised"])
        tally.could(r.grade("csf_high"), needs)
