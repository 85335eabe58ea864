"""The handoff note: a case document in, the results and a Markdown note out.

Deterministic: the same case (with its ``made_at``, or ``at``) and the same ruleset give
the same note, byte for byte. The note lists what was entered, each grade with what drove
it, the tocilizumab dose with vials and bag, the next tocilizumab time, the suggested
actions, the taper table, every rule ID with its source, the profile, the ruleset version
and sha256, and when it was made.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from calculator.case import CaseDocument, load_case
from calculator.dosing import DoseInput, ScheduleInput, ScheduleResult, TocilizumabDose, dose
from calculator.dosing import tocilizumab_schedule as schedule_of
from calculator.errors import InputError
from calculator.grading.crs import CrsResult, grade_crs
from calculator.grading.icans import IcansResult, grade_icans
from calculator.inputs import format_datetime
from calculator.management import DISCLAIMER, Action, RecommendInput, RecommendResult, recommend
from calculator.profile_files import builtin_profile
from calculator.results import CoreResult, unique
from calculator.rulebook import FrozenModel, Ruleset, ruleset
from calculator.rulebook.profiles import Profile
from calculator.taper import TaperResult, markdown_table, plan_taper
from calculator.taper.models import OutDateTime

if TYPE_CHECKING:
    from calculator.cli import Context

TITLE = "CRS / ICANS handoff note"


class TocilizumabSection(FrozenModel):
    dose: TocilizumabDose
    schedule: ScheduleResult


class NoteResult(CoreResult):
    markdown: str
    made_at: OutDateTime
    case: dict[str, Any]
    crs: CrsResult | None
    icans: IcansResult | None
    tocilizumab: TocilizumabSection
    recommendation: RecommendResult
    actions: tuple[Action, ...]
    taper: TaperResult | None


def make_note(case: CaseDocument, profile: Profile, rs: Ruleset | None = None) -> NoteResult:
    """Grade, dose, schedule, recommend and plan from one case, and write the note."""
    rs = rs or ruleset()
    p = case.patient
    crs = grade_crs(case.crs, profile, rs) if case.crs is not None else None
    icans = grade_icans(case.icans, profile, rs) if case.icans is not None else None
    toci_dose = dose(
        DoseInput(drug="tocilizumab", weight_kg=p.weight_kg, age_years=p.age_years), profile, rs
    )
    assert isinstance(toci_dose, TocilizumabDose)
    schedule = schedule_of(ScheduleInput(doses=case.tocilizumab_doses, at=case.at), profile, rs)
    rec = recommend(
        RecommendInput(
            crs_grade=crs.grade if crs else 0,
            icans_grade=icans.grade if icans else 0,
            weight_kg=p.weight_kg,
            age_years=p.age_years,
            product=p.product,
            tocilizumab_doses=case.tocilizumab_doses,
            at=case.at,
            improving=case.improving,
            seizure=case.icans is not None and case.icans.seizure != "none",
        ),
        profile,
        rs,
    )
    taper = plan_taper(case.taper, profile, rs) if case.taper is not None else None
    parts: list[CoreResult] = [r for r in (crs, icans, toci_dose, schedule, rec, taper) if r]
    rule_ids = unique(rule for r in parts for rule in r.rules)
    warnings = unique(w for r in parts for w in r.warnings)
    markdown = _markdown(case, profile, rs, crs, icans, toci_dose, schedule, rec, taper, rule_ids)
    return NoteResult(
        markdown=markdown,
        made_at=case.made,
        case=case.model_dump(mode="json", exclude_none=True),
        crs=crs,
        icans=icans,
        tocilizumab=TocilizumabSection(dose=toci_dose, schedule=schedule),
        recommendation=rec,
        actions=rec.actions,
        taper=taper,
        rules=rule_ids,
        warnings=warnings,
        ruleset=rs.info,
        profile=profile.id,
    )


def _t(value: datetime | None) -> str:
    return "none" if value is None else format_datetime(value).replace("T", " ")


def _n(value: float) -> str:
    return f"{value:g}"


def _answer(value: bool | None) -> str:
    """MGT-IMPROVING: an unanswered question is said to be unanswered, never "no"."""
    return "not asked" if value is None else ("yes" if value else "no")


def _entered(title: str, data: dict[str, Any]) -> list[str]:
    shown = ", ".join(f"{k.replace('_', ' ')}: {_value(v)}" for k, v in data.items())
    return [f"- {title}: {shown or 'nothing entered'}"]


def _value(v: Any) -> str:
    if isinstance(v, list | tuple):
        return "[" + ", ".join(_value(x) for x in v) + "]" if v else "none"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k} {_value(x)}" for k, x in v.items()) + "}"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return _n(v)
    return str(v)


def _markdown(
    case: CaseDocument,
    profile: Profile,
    rs: Ruleset,
    crs: CrsResult | None,
    icans: IcansResult | None,
    toci: TocilizumabDose,
    schedule: ScheduleResult,
    rec: RecommendResult,
    taper: TaperResult | None,
    rule_ids: tuple[str, ...],
) -> str:
    p = case.patient
    out: list[str] = [f"# {TITLE}", ""]
    out += [
        f"- Patient: {p.label or '(no label)'}; {_n(p.weight_kg)} kg; {_n(p.age_years)} years"
        + (f"; product {p.product}" if p.product else ""),
        f"- Assessed at: {_t(case.at)}",
        f"- Profile: {profile.id} ({profile.name})",
        f"- Ruleset: {rs.info.version}, sha256 {rs.info.sha256}",
        f"- Note made: {_t(case.made)}",
        "",
        "## What was entered",
        "",
    ]
    if case.crs is not None:
        out += _entered("CRS", case.crs.model_dump(mode="json", exclude_defaults=True))
    else:
        out.append("- CRS: not assessed")
    if case.icans is not None:
        out += _entered("ICANS", case.icans.model_dump(mode="json", exclude_defaults=True))
    else:
        out.append("- ICANS: not assessed")
    given = ", ".join(_t(d) for d in case.tocilizumab_doses) or "none"
    out += [
        f"- Tocilizumab doses given this episode: {given}",
        f"- Improving since the last tocilizumab dose: {_answer(case.improving)}",
        "",
        "## Grades",
        "",
    ]
    for name, result in (("CRS", crs), ("ICANS", icans)):
        if result is None:
            out.append(f"**{name}: not assessed.**")
            out.append("")
            continue
        extra = f" ({result.instrument})" if isinstance(result, IcansResult) else ""
        out.append(f"**{name} grade {result.grade}**{extra}")
        out += [f"- {line}" for line in result.explanation]
        out.append(f"- Rules: {', '.join(result.rules)}")
        out.append("")
    vials = " + ".join(f"{v.count} x {v.strength_mg} mg" for v in toci.vials)
    out += [
        "## Tocilizumab",
        "",
        f"- Dose: **{_n(toci.dose_mg)} mg** IV over {toci.infusion_minutes} min "
        f"({_n(toci.mg_per_kg)} mg/kg x {_n(p.weight_kg)} kg"
        + (", capped" if toci.capped else "")
        + ")",
        f"- Draw {_n(toci.volume_ml)} mL ({_n(toci.concentration_mg_per_ml)} mg/mL) from vials "
        f"{vials} (waste {_n(toci.waste_mg)} mg)",
        f"- Bag: {toci.bag_ml} mL {' or '.join(toci.diluents)}; first withdraw "
        f"{_n(toci.withdraw_from_bag_ml)} mL from the bag",
        f"- Doses: {schedule.doses_total} in total, {schedule.doses_last_24h} in the last 24 h; "
        f"limits: every {_n(schedule.limits.min_interval_h)} h or more, "
        f"{schedule.limits.max_per_24h or 'no cap'} per 24 h, "
        f"{schedule.limits.max_total or 'no cap'} in total",
    ]
    if schedule.eligible:
        out.append(f"- A dose may be given now ({_t(schedule.at)}) under the profile limits.")
    elif schedule.next_eligible_at is None:
        out.append("- **No further dose: the episode maximum is reached.**")
    else:
        out.append(f"- **Next dose not before {_t(schedule.next_eligible_at)}.**")
    out += ["", "## Suggested actions", "", f"_{DISCLAIMER}_", ""]
    if not rec.actions:
        out.append("- none")
    for a in rec.actions:
        dosing = ""
        if a.dose_mg is not None:
            dosing = f" {_n(a.dose_mg)} mg"
            if a.once:
                dosing += " once"
            elif a.every_h is not None:
                dosing += f" every {_n(a.every_h)} h"
            if a.days:
                dosing += f" for {a.days} days"
        label = a.code.replace("_", " ")
        out.append(f"- **{a.strength.upper()}** {label}{dosing}: {a.text} ({', '.join(a.rules)})")
    out.append("")
    if taper is not None:
        what = taper.regimen or "custom steps"
        out += [
            "## Steroid taper",
            "",
            f"- Plan: {what}, from {_t(taper.start)} to {_t(taper.ends_at)} "
            f"({len(taper.administrations)} administrations)",
            "- Totals: "
            + ", ".join(f"{d} {_n(mg)} mg" for d, mg in taper.totals_mg.items())
            + f"; dexamethasone-equivalent {_n(taper.dexamethasone_equivalent_mg)} mg",
        ]
        if taper.open_ended:
            out.append("- **The last step is open-ended: reassess before it ends.**")
        out += ["", markdown_table(taper.days), ""]
    warnings = unique(
        w for r in (crs, icans, toci, schedule, rec, taper) if r is not None for w in r.warnings
    )
    out += ["## Warnings", ""]
    out += [f"- {w}" for w in warnings] or ["- none"]
    out += ["", "## Rules and sources", ""]
    for rule_id in rule_ids:
        rule = rs.rule(rule_id)
        status = rule.status + (
            " (verify against local protocol)" if rule.needs_verification else ""
        )
        cited = ", ".join(rule.sources) or "no external source"
        out.append(f"- {rule_id} ({status}; {cited}): {rule.title}")
    cited_keys = unique(k for rule_id in rule_ids for k in rs.rule(rule_id).sources)
    if cited_keys:
        out += ["", "Sources:", ""]
        out += [f"- [{k}] {rs.sources[k].citation}" for k in cited_keys]
    out.append("")
    return "\n".join(out)


def note_command(payload: dict[str, Any], ctx: Context) -> NoteResult:
    """`python -m calculator note`: the case's own profile unless --profile names another
    (then the two must agree)."""
    case = load_case(payload)
    profile = ctx.profile
    if case.profile is not None:
        if ctx.profile_explicit and case.profile != ctx.profile.id:
            raise InputError.for_field(
                "profile",
                f"the case says {case.profile!r} but the command line says {ctx.profile.id!r}",
            )
        profile = builtin_profile(ctx.rs, case.profile)
    return make_note(case, profile, ctx.rs)
