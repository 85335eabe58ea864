"""The handoff note: a case document in, the results and the note out.

The note is a :class:`~calculator.records.note_model.NoteDocument` (sections of labelled rows,
groups and items, each with the rule IDs it comes from), built here from the case and
the core's results, and rendered to Markdown by :func:`render_markdown`; the app renders
the same structure to its printed page (ui/records/documents.py). The wording lives here.

Deterministic: the same case (with its ``made_at``, or ``at``) and the same ruleset give
the same note, byte for byte. It says only what was entered or computed from it: a field
nobody entered is not printed, "improving" only when answered, the taper only when one
was planned.
"""

from datetime import datetime
from typing import TYPE_CHECKING, Any

from calculator.crosswalk import CrosswalkInput, CrosswalkResult, crosswalk
from calculator.dosing import DoseInput, ScheduleResult, TocilizumabDose, dose
from calculator.dosing.numbers import fmt
from calculator.edge.errors import InputError
from calculator.edge.inputs import validate
from calculator.grading.crs import CrsResult
from calculator.grading.icans import IcansResult
from calculator.local_time import in_zone, zone_from_name
from calculator.management import DISCLAIMER, Action, RecommendResult
from calculator.records.case import CASE_FORMAT, CaseDocument, CasePatient, load_case
from calculator.records.case_v2 import CaseDocumentV2, from_v1, load_episode_case
from calculator.records.episode import sorted_given, tocilizumab_up_to
from calculator.records.episode_command import (
    EpisodeResult,
    case_profile,
    make_episode,
    split_now,
)
from calculator.records.episode_note import episode_section
from calculator.records.note_model import Group, Item, NoteDocument, Row, Section, Table
from calculator.records.note_scales import other_scales
from calculator.records.note_words import ACTIONS, case_units, crs_rows, icans_rows, weight, yes_no
from calculator.results import CoreResult, unique
from calculator.rulebook import FrozenModel, Ruleset, ruleset
from calculator.rulebook.profiles import Profile
from calculator.taper import TaperResult, plan_taper
from calculator.taper.models import OutDateTime
from calculator.words import count, duration, when

if TYPE_CHECKING:
    from calculator.edge.cli import Context

TITLE = "CRS / ICANS handoff note"

#: Which of the tocilizumab result's rules each printed line rests on.
DOSE_RULES = ("TOCI-DOSE", "TOCI-CAP", "TOCI-STEP", "TOCI-AGE", "TOCI-ROUND", "TOCI-ROUTE")
VIAL_RULES = ("TOCI-VIALS",)
BAG_RULES = ("TOCI-BAG", "TOCI-STAB")
SCHEDULE_RULES = ("TOCI-INTERVAL", "TOCI-MAX")


class TocilizumabSection(FrozenModel):
    dose: TocilizumabDose
    schedule: ScheduleResult


class NoteResult(CoreResult):
    markdown: str
    document: NoteDocument
    made_at: OutDateTime
    case: dict[str, Any]
    crs: CrsResult | None
    icans: IcansResult | None
    tocilizumab: TocilizumabSection
    recommendation: RecommendResult
    actions: tuple[Action, ...]
    taper: TaperResult | None
    episode: EpisodeResult
    crosswalk: CrosswalkResult | None = None


def case_crosswalk(case: CaseDocument, profile: Profile, rs: Ruleset) -> CrosswalkResult | None:
    """The case under the older scales, only when the case carries their findings (someone
    opened 'Other scales' and entered some); contradictions are refused by name."""
    if case.crosswalk is None or (case.crs is None and case.icans is None):
        return None
    payload: dict[str, Any] = case.crosswalk.model_dump(exclude_none=True)
    payload |= {"crs": case.crs, "icans": case.icans}
    return crosswalk(validate(CrosswalkInput, payload, prefix="crosswalk"), profile, rs)


def make_note(
    case: CaseDocument | CaseDocumentV2, profile: Profile, rs: Ruleset | None = None
) -> NoteResult:
    """Grade, dose, schedule, recommend and plan from one case, and write the note.

    A version 1 case is read as an episode of one assessment (episode.md), so it gives the
    same note as its version 2 reading; the sections about "now" speak of the last
    assessment, the Episode section of the whole series."""
    rs = rs or ruleset()
    episode_case = from_v1(case) if isinstance(case, CaseDocument) else case
    episode = make_episode(episode_case, profile, rs, max(episode_case.made, episode_case.last.at))
    view = last_assessment_view(episode_case)
    p = view.patient
    graded = episode.assessments[-1]
    crs, icans = graded.crs, graded.icans
    toci_dose = dose(
        DoseInput(drug="tocilizumab", weight_kg=p.weight_kg, age_years=p.age_years), profile, rs
    )
    assert isinstance(toci_dose, TocilizumabDose)
    rec = episode.recommendation
    schedule = rec.tocilizumab_schedule
    assert schedule is not None  # recommend reads the clock whenever `at` is given
    taper = plan_taper(view.taper, profile, rs) if view.taper is not None else None
    xw = case_crosswalk(view, profile, rs)
    parts: list[CoreResult] = [r for r in (crs, icans, toci_dose, schedule, rec, taper, xw) if r]
    section = episode_section(episode_case, episode, rs) if has_history(episode_case) else None
    rule_ids = unique(
        [
            *(rule for r in parts for rule in r.rules),
            *(rule for row in (section.rows if section else ()) for rule in row.rules),
            *(rule for item in (section.items if section else ()) for rule in item.rules),
        ]
    )
    warnings = unique(
        [
            *(w for r in parts for w in r.warnings),
            *(w for w in episode.warnings if section is not None and w.startswith("EPI-")),
        ]
    )
    document = build_document(
        view,
        profile,
        rs,
        crs,
        icans,
        toci_dose,
        schedule,
        rec,
        taper,
        rule_ids,
        warnings,
        section,
        xw,
    )
    return NoteResult(
        markdown=render_markdown(document),
        document=document,
        made_at=view.made,
        case=case.model_dump(mode="json", exclude_none=True),
        crs=crs,
        icans=icans,
        tocilizumab=TocilizumabSection(dose=toci_dose, schedule=schedule),
        recommendation=rec,
        actions=rec.actions,
        taper=taper,
        episode=episode,
        crosswalk=xw,
        rules=rule_ids,
        warnings=warnings,
        ruleset=rs.info,
        profile=profile.id,
    )


def has_history(case: CaseDocumentV2) -> bool:
    """Whether the case says more than a version 1 document can: more than one assessment,
    day 0, a dose with more than a time (another drug, an amount, initials, a
    prophylactic mark), or a dose after the last assessment (the sections about "now" list
    the doses up to it: without the Episode section's ledger a later dose would be left
    out of the note). Only then does the note carry the Episode section, so that a
    version 1 case and its version 2 reading give the same note (and the typical handoff
    stays one page)."""
    last = case.last.at
    return (
        len(case.assessments) > 1
        or case.day0 is not None
        or any(
            g.drug != "tocilizumab"
            or g.dose_mg is not None
            or g.by
            or g.prophylactic
            or g.at > last
            for g in case.given
        )
    )


def last_assessment_view(case: CaseDocumentV2) -> CaseDocument:
    """The last assessment as a version 1 case: what the note's sections about "now"
    (what was entered, grades, tocilizumab, actions, taper) speak of. Doses after the last
    assessment are in the Episode section's ledger, not here."""
    last = case.last
    p = case.patient
    # Version 1 reads its times in its zone, as aware times (the fold kept).
    zone = zone_from_name(case.time_zone)

    data: dict[str, Any] = {
        "format": CASE_FORMAT,
        "patient": CasePatient(
            label=p.label, weight_kg=p.weight_kg, age_years=p.age_years, product=p.product
        ),
        "at": in_zone(last.at, zone),
        "crs": last.crs,
        "icans": last.icans,
        "tocilizumab_doses": tocilizumab_up_to(sorted_given(case), last.at, zone),
        "units": case.units,
    }
    if "improving" in last.model_fields_set:
        data["improving"] = last.improving
    if last.crosswalk is not None:
        data["crosswalk"] = last.crosswalk
    for name in ("made_at", "profile", "taper", "time_zone"):
        if name in case.model_fields_set:
            value = getattr(case, name)
            data[name] = in_zone(value, zone) if isinstance(value, datetime) else value
    return CaseDocument(**data)


# --- the structure ---------------------------------------------------------------------------


def _of(result: CoreResult, wanted: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(r for r in result.rules if r in wanted)


def _header(case: CaseDocument, profile: Profile, rs: Ruleset) -> tuple[Row, ...]:
    p = case.patient
    _, weight_unit = case_units(case)
    rows = [
        Row(label="Patient", value=p.label or "(no label)"),
        Row(label="Weight", value=weight(p.weight_kg, weight_unit)),
        Row(label="Age", value=f"{fmt(p.age_years)} years"),
    ]
    if p.product:
        rows.append(Row(label="Product", value=p.product))
    rows += [
        Row(label="Assessed at", value=when(case.at)),
        *([Row(label="Time zone", value=case.time_zone)] if case.time_zone else []),
        Row(label="Profile", value=f"{profile.id} ({profile.name})"),
        Row(label="Ruleset", value=f"{rs.info.version}, sha256 {rs.info.sha256}"),
        Row(label="Note made", value=when(case.made)),
    ]
    return tuple(rows)


def _entered(case: CaseDocument, rs: Ruleset) -> Section:
    temperature_unit, _ = case_units(case)
    groups = [
        Group(title="CRS", detail="not assessed")
        if case.crs is None
        else Group(title="CRS", rows=tuple(crs_rows(case.crs, temperature_unit)))
    ]
    groups.append(
        Group(title="ICANS", detail="not assessed")
        if case.icans is None
        else Group(title="ICANS", rows=tuple(icans_rows(case.icans, rs)))
    )
    groups = [
        g if g.rows or g.detail else g.model_copy(update={"detail": "nothing entered"})
        for g in groups
    ]
    given = ", ".join(when(d) for d in case.tocilizumab_doses) or "none recorded"
    rows = [Row(label="Tocilizumab doses given this episode", value=given)]
    # Three states: printed only when someone answered (a default is not an answer).
    improving: bool | None = case.improving
    if "improving" in case.model_fields_set and improving is not None:
        rows.append(Row(label="Improving since the last tocilizumab dose", value=yes_no(improving)))
    return Section(key="entered", title="What was entered", groups=tuple(groups), rows=tuple(rows))


def _grades(crs: CrsResult | None, icans: IcansResult | None) -> Section:
    groups: list[Group] = []
    for name, result in (("CRS", crs), ("ICANS", icans)):
        if result is None:
            groups.append(Group(title=f"{name}: not assessed"))
            continue
        groups.append(
            Group(
                title=f"{name} grade {result.grade}",
                detail=result.instrument if isinstance(result, IcansResult) else "",
                items=tuple(Item(text=line) for line in result.explanation),
                rules=result.rules,
            )
        )
    return Section(key="grades", title="Grades", groups=tuple(groups))


def _tocilizumab(toci: TocilizumabDose, schedule: ScheduleResult) -> Section:
    vials = " + ".join(f"{v.count} x {v.strength_mg} mg" for v in toci.vials)
    limits = schedule.limits
    rows = [
        Row(
            label="Dose",
            value=f"{fmt(toci.dose_mg)} mg IV over {toci.infusion_minutes} min "
            f"({fmt(toci.mg_per_kg)} mg/kg x {fmt(toci.weight_kg)} kg"
            + (", capped" if toci.capped else "")
            + ")",
            rules=_of(toci, DOSE_RULES),
            flag=True,
        ),
        Row(
            label="Draw",
            value=f"{fmt(toci.volume_ml)} mL ({fmt(toci.concentration_mg_per_ml)} mg/mL) from "
            f"vials {vials} (waste {fmt(toci.waste_mg)} mg)",
            rules=_of(toci, VIAL_RULES),
        ),
        Row(
            label="Bag",
            value=f"{toci.bag_ml} mL {' or '.join(toci.diluents)}; first withdraw "
            f"{fmt(toci.withdraw_from_bag_ml)} mL from the bag",
            rules=_of(toci, BAG_RULES),
        ),
        Row(
            label="Doses given",
            value=f"{schedule.doses_total} in total, {schedule.doses_last_24h} in the last 24 h",
        ),
        Row(
            label="Limits",
            value=f"every {duration(limits.min_interval_h)} or more, "
            f"{limits.max_per_24h or 'no cap'} per 24 h, {limits.max_total or 'no cap'} in total",
            rules=_of(schedule, SCHEDULE_RULES),
        ),
    ]
    if schedule.eligible:
        nxt = f"may be given now ({when(schedule.at)}) under the profile limits"
    elif schedule.next_eligible_at is None:
        nxt = "no further dose: the episode maximum is reached"
    else:
        nxt = f"not before {when(schedule.next_eligible_at)}"
    rows.append(
        Row(
            label="Next dose",
            value=nxt,
            rules=_of(schedule, SCHEDULE_RULES),
            flag=not schedule.eligible,
        )
    )
    return Section(key="tocilizumab", title="Tocilizumab", rows=tuple(rows))


def _action(a: Action) -> Item:
    dosing = ""
    if a.dose_mg is not None:
        dosing = f" {fmt(a.dose_mg)} mg"
        if a.once:
            dosing += " once"
        elif a.every_h is not None:
            dosing += f" every {duration(a.every_h)}"
        if a.days:
            dosing += f" for {count(a.days, 'day')}"
    label = ACTIONS.get(a.code, a.code.replace("_", " "))
    # "Supportive care: Supportive care: ..." says the label twice: the text leads then.
    said = not dosing and a.text.lower().startswith(label.lower())
    text = a.text if said else f"{label}{dosing}: {a.text}"
    return Item(lead=a.strength.upper(), text=text, rules=a.rules)


def _actions(rec: RecommendResult) -> Section:
    items = tuple(_action(a) for a in rec.actions) or (Item(text="none"),)
    return Section(key="actions", title="Suggested actions", remark=DISCLAIMER, items=items)


def _taper(taper: TaperResult) -> Section:
    what = taper.regimen or "steps entered by hand"
    totals = ", ".join(f"{d} {fmt(mg)} mg" for d, mg in taper.totals_mg.items())
    rows = [
        Row(
            label="Plan",
            value=f"{what}, from {when(taper.start)} to {when(taper.ends_at)} "
            f"({count(len(taper.administrations), 'administration')})",
            rules=(taper.regimen,) if taper.regimen else (),
        ),
        Row(
            label="Totals",
            value=f"{totals}; dexamethasone-equivalent {fmt(taper.dexamethasone_equivalent_mg)} mg",
        ),
    ]
    items: tuple[Item, ...] = ()
    if taper.open_ended:
        items = (Item(text="The last step is open-ended: reassess before it ends.", flag=True),)
    table = Table(
        headers=(
            "Date",
            "Doses",
            "Daily total",
            "Cumulative",
            "Dexamethasone-equivalent (day / cumulative)",
        ),
        rows=tuple(
            (
                r.date,
                "; ".join(f"{d.time} {d.drug} {fmt(d.dose_mg)} mg {d.route}" for d in r.doses),
                ", ".join(f"{drug} {fmt(mg)} mg" for drug, mg in r.daily_mg.items()),
                ", ".join(f"{drug} {fmt(mg)} mg" for drug, mg in r.cumulative_mg.items()),
                f"{fmt(r.daily_dexamethasone_equivalent_mg)} mg / "
                f"{fmt(r.cumulative_dexamethasone_equivalent_mg)} mg",
            )
            for r in taper.days
        ),
    )
    return Section(key="taper", title="Steroid taper", rows=tuple(rows), items=items, table=table)


def _rules(rs: Ruleset, rule_ids: tuple[str, ...]) -> list[Section]:
    items = []
    for rule_id in rule_ids:
        rule = rs.rule(rule_id)
        status = rule.status + (
            " (verify against local protocol)" if rule.needs_verification else ""
        )
        cited = ", ".join(rule.sources) or "no external source"
        items.append(Item(lead=rule_id, text=f"{rule.title} ({status}; {cited})"))
    out = [Section(key="rules", title="Rules", items=tuple(items))]
    cited_keys = unique(k for rule_id in rule_ids for k in rs.rule(rule_id).sources)
    if cited_keys:
        sources = tuple(Item(lead=f"[{k}]", text=rs.sources[k].citation) for k in cited_keys)
        out.append(Section(key="sources", title="Sources", items=sources))
    return out


def build_document(
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
    warnings: tuple[str, ...],
    episode: Section | None = None,
    xw: CrosswalkResult | None = None,
) -> NoteDocument:
    sections = [_entered(case, rs), *([episode] if episode is not None else [])]
    sections.append(_grades(crs, icans))
    if xw is not None and case.crosswalk is not None:
        sections.append(other_scales(case, xw, rs))
    sections += [_tocilizumab(toci, schedule), _actions(rec)]
    if taper is not None:
        sections.append(_taper(taper))
    sections.append(
        Section(
            key="warnings",
            title="Warnings",
            items=tuple(Item(text=w) for w in warnings) or (Item(text="none"),),
        )
    )
    sections += _rules(rs, rule_ids)
    return NoteDocument(title=TITLE, header=_header(case, profile, rs), sections=tuple(sections))


# --- Markdown --------------------------------------------------------------------------------


def _cited(rules: tuple[str, ...]) -> str:
    return f" ({', '.join(rules)})" if rules else ""


def _md_row(row: Row) -> str:
    value = f"**{row.value}**" if row.flag else row.value
    return f"- {row.label}: {value}{_cited(row.rules)}"


def _md_item(item: Item) -> str:
    lead = f"**{item.lead}** " if item.lead else ""
    text = f"**{item.text}**" if item.flag else item.text
    return f"- {lead}{text}{_cited(item.rules)}"


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|")


def _md_section(section: Section) -> list[str]:
    out: list[str] = []
    if section.remark:
        out += [f"_{section.remark}_", ""]
    for group in section.groups:
        detail = f" ({group.detail})" if group.detail else ""
        out.append(f"**{group.title}**{detail}")
        out += [_md_row(r) for r in group.rows]
        out += [_md_item(i) for i in group.items]
        if group.rules:
            out.append(f"- Rules: {', '.join(group.rules)}")
        out.append("")
    out += [_md_row(r) for r in section.rows]
    out += [_md_item(i) for i in section.items]
    if section.table is not None:
        t = section.table
        out += ["", "| " + " | ".join(t.headers) + " |", "|" + "---|" * len(t.headers)]
        out += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in t.rows]
    while out and not out[-1]:
        out.pop()
    return out


def render_markdown(note: NoteDocument) -> str:
    """The note as Markdown (the `note` command's ``markdown``)."""
    out = [f"# {note.title}", ""]
    out += [_md_row(r) for r in note.header]
    for section in note.sections:
        out += ["", f"## {section.title}", "", *_md_section(section)]
    out.append("")
    return "\n".join(out)


def note_command(payload: dict[str, Any], ctx: "Context") -> NoteResult:
    """`python -m calculator note`: a case document of version 1 or 2, under the case's own
    profile unless --profile names another (then the two must agree). ``now`` is not a key
    of the note's input: the note is made at ``made_at`` (or the last assessment)."""
    document, now = split_now(payload) if "now" in payload else (payload, None)
    if now is not None:
        raise InputError.for_field("now", "is a key of episode, not of note: give made_at")
    case = load_episode_case(document)
    original: CaseDocument | CaseDocumentV2 = case
    if isinstance(document.get("format"), str) and document["format"].endswith("/1"):
        original = load_case(document)
    return make_note(original, case_profile(case.profile, ctx), ctx.rs)
