"""``crosswalk()``: one set of findings graded under ASTCT 2019 (exactly what grade-crs and
grade-icans answer) and under each older scale, side by side (clinical-rules.md section 13:
XW-LEE, XW-CTCAE, XW-PENN, XW-MSKCC, XW-CARTOX, XW-CRES, XW-WORST, XW-RANGE, XW-UNKNOWN,
XW-HIGHDOSE, XW-CARTOX10, XW-ORGAN, XW-DEVICES). It never replaces the ASTCT grade."""

from __future__ import annotations

from collections.abc import Callable

from calculator.crosswalk import crs_scales
from calculator.crosswalk.cres import cres
from calculator.crosswalk.highdose import HighDose, high_dose
from calculator.crosswalk.models import (
    Astct,
    ConcordanceFigure,
    Criterion,
    CrosswalkInput,
    CrosswalkResult,
    ScaleGrade,
)
from calculator.crosswalk.tally import Tally
from calculator.grading.crs import grade_crs
from calculator.grading.icans import grade_icans
from calculator.results import unique, verification_warnings
from calculator.rulebook import Ruleset, ruleset
from calculator.rulebook.base import VERIFY_WARNING
from calculator.rulebook.crosswalk import ScaleRule
from calculator.rulebook.profiles import Profile

_SOURCES: dict[tuple[str, str], str] = {}


def _source(rs: Ruleset, rule: ScaleRule) -> str:
    """The scale's citations, written once per ruleset (keyed by its sha256)."""
    key = (rs.sha256, rule.id)
    if key not in _SOURCES:
        _SOURCES[key] = "; ".join(f"[{k}] {rs.sources[k].citation}" for k in rule.sources)
    return _SOURCES[key]


def _graded(rs: Ruleset, rule: ScaleRule, tally: Tally, dead: bool, what: str) -> ScaleGrade:
    worst = rs.crosswalk.worst
    if dead:
        death = Criterion(
            grade=worst.death_grade, text=f"death due to {what}", rules=(rule.id, worst.id)
        )
        return ScaleGrade(
            scale=rule.scale, name=rule.name, rule=rule.id, status="graded",
            grade_min=worst.death_grade, grade_max=worst.death_grade, criteria=(death,),
            needs=(), source=_source(rs, rule),
        )  # fmt: skip
    low, high, needs = tally.fold()
    return ScaleGrade(
        scale=rule.scale, name=rule.name, rule=rule.id, status="graded", grade_min=low,
        grade_max=high, criteria=tally.criteria(), needs=needs, source=_source(rs, rule),
    )  # fmt: skip


def _absent(rs: Ruleset, rule: ScaleRule, status: str, reason: str) -> ScaleGrade:
    return ScaleGrade(
        scale=rule.scale, name=rule.name, rule=rule.id,
        status="not_applicable" if status == "not_applicable" else "not_entered",
        grade_min=None, grade_max=None, criteria=(), needs=(), source=_source(rs, rule),
        reason=reason,
    )  # fmt: skip


def crosswalk(inp: CrosswalkInput, profile: Profile, rs: Ruleset | None = None) -> CrosswalkResult:
    """Grade ``inp`` under ASTCT (grade_crs / grade_icans under ``profile``) and under every
    older scale of section 13; see the module docstring for the rules."""
    rs = rs or ruleset()
    xw = rs.crosswalk
    crs_result = grade_crs(inp.crs, profile, rs) if inp.crs is not None else None
    icans_result = grade_icans(inp.icans, profile, rs) if inp.icans is not None else None
    warnings: list[str] = []
    scales: dict[str, ScaleGrade] = {}
    hd = high_dose(inp, xw.high_dose)
    crs_scales_run: list[tuple[ScaleRule, Callable[[], Tally]]] = [
        (xw.lee, lambda: crs_scales.lee(inp, rs, hd)),
        (xw.ctcae, lambda: crs_scales.ctcae(inp, rs)),
        (xw.penn, lambda: crs_scales.penn(inp, rs, hd)),
        (xw.mskcc, lambda: crs_scales.mskcc(inp, rs, hd)),
        (xw.cartox, lambda: crs_scales.cartox(inp, rs, hd)),
    ]
    for rule, run in crs_scales_run:
        if inp.crs is None:
            scales[rule.scale] = _absent(rs, rule, "not_entered", "no CRS findings entered")
        else:
            scales[rule.scale] = _graded(rs, rule, run(), inp.crs.deceased, "CRS")
    if inp.icans is None:
        scales[xw.cres.scale] = _absent(rs, xw.cres, "not_entered", "no ICANS findings entered")
    elif icans_result is not None and icans_result.instrument == "CAPD":
        scales[xw.cres.scale] = _absent(
            rs, xw.cres, "not_applicable",
            "CARTOX-10 / CRES is not defined for children assessed with the CAPD",
        )  # fmt: skip
    else:
        scales[xw.cres.scale] = _graded(
            rs, xw.cres, cres(inp, rs), inp.icans.deceased, "neurotoxicity"
        )
    warnings += _warnings(inp, rs, scales, hd)
    rules = _rules(rs, scales)
    return CrosswalkResult(
        astct=Astct(crs=crs_result, icans=icans_result),
        scales=scales,
        concordance=tuple(
            ConcordanceFigure(text=c.text, source=c.source, citation=rs.sources[c.source].citation)
            for c in xw.concordance
        ),
        rules=rules,
        warnings=tuple(warnings + verification_warnings(rs, rules)),
        ruleset=rs.info,
        profile=profile.id,
    )


def _rules(rs: Ruleset, scales: dict[str, ScaleGrade]) -> tuple[str, ...]:
    xw = rs.crosswalk
    ids: list[str] = []
    for grade in scales.values():
        if grade.status == "graded":
            ids.append(grade.rule)
            ids += [r for c in grade.criteria for r in c.rules if r.startswith("XW-")]
    ids += [xw.worst.id, xw.unknown.id]
    if any(not g.decided and g.status == "graded" for g in scales.values()):
        ids.append(xw.ranges.id)
    return unique(ids)


def _warnings(
    inp: CrosswalkInput, rs: Ruleset, scales: dict[str, ScaleGrade], hd: HighDose
) -> list[str]:
    xw = rs.crosswalk
    out: list[str] = []
    penn = scales.get(xw.penn.scale)
    uses_high_dose = any(xw.high_dose.id in c.rules for c in penn.criteria) if penn else False
    if uses_high_dose or (
        penn is not None
        and any(n.startswith("vasopressor_doses") or n == "high_dose_hours_met" for n in penn.needs)
    ):
        out.append(
            f"{xw.high_dose.id}: {VERIFY_WARNING} for Penn, which names no high-dose threshold "
            "of its own (Lee 2014's is used)"
        )
    if inp.life_threatening and not any(
        "life-threatening" in c.text for g in scales.values() for c in g.criteria
    ):
        out.append(
            "XW-CTCAE: life-threatening consequences were entered, but on these findings no "
            "scale grades them: CTCAE counts them with more than one vasopressor or "
            "ventilation, CARTOX with vasopressors, MSKCC with high-dose vasopressors."
        )
    return out
