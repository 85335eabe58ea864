"""The pharmacy double check's record: the order, the independent entry, the three-way
comparisons and the decision (section 10: VERIFY rules)."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime

from calculator.rulebook import Ruleset, ruleset
from calculator.verification import Comparison, VerifyResult, VialCount, fmt_vials
from ui.records.documents import Record, RecordMeta, document, record_time
from ui.records.taper_checklist import _fmt_mg, _table


@dataclass(frozen=True)
class VerificationPeople:
    """Who signs the double check: the verifier (independent entry, step 2) and whoever
    entered the prescriber's order (step 1)."""

    verifier: str = ""
    order_entered_by: str = ""


def decision_word(rs: Ruleset, result: VerifyResult) -> str:
    """The decision in words, as the rule data words it (VERIFY-DECISION)."""
    words = rs.verification.decision
    return {
        "release": words.release,
        "review": words.review,
        "do_not_release": words.do_not_release,
    }[result.decision]


def comparison_word(c: Comparison, rs: Ruleset) -> str:
    """One comparison's outcome in words, the same on screen and on paper: "match", the
    decision it leads to with its rule, or "differs" for a difference that decides
    nothing (another vial combination)."""
    if c.matches:
        return "match"
    if not c.compared:
        return "not compared"
    if c.decision == "release":
        return "differs"
    words = rs.verification.decision
    word = words.do_not_release if c.decision == "do_not_release" else words.review
    return f"{word} ({c.rule})" if c.rule else word


def _entry_rows(result: VerifyResult) -> list[tuple[str, str, str, str]]:
    o, i, c = result.order, result.independent, result.calculated

    def vials(v: tuple[VialCount, ...] | None) -> str:
        return "not entered" if v is None else fmt_vials(v)

    def opt(value: object, unit: str = "") -> str:
        if value is None or value == "":
            return "not entered"
        text = f"{value:g}" if isinstance(value, float) else str(value)
        return f"{text} {unit}".strip()

    def every(value: float | None) -> str:
        return "not entered" if value is None else f"every {value:g} h"

    calc_dose = "none computed" if c.dose_mg is None else _fmt_mg(c.dose_mg)
    return [
        ("Drug", o.drug, i.drug, c.drug),
        ("Weight", f"{o.weight_kg:g} kg", f"{i.weight_kg:g} kg", f"{c.weight_kg:g} kg"),
        ("Age", f"{o.age_years:g} years", "", ""),
        ("Regimen", opt(o.regimen), "", ""),
        ("Dose", _fmt_mg(o.dose_mg), _fmt_mg(i.dose_mg), calc_dose),
        ("Interval", every(o.every_h), every(i.every_h), every(c.every_h)),
        ("Route", opt(o.route), opt(i.route), opt(c.route)),
        ("Bag", opt(o.bag_ml, "mL"), opt(i.bag_ml, "mL"), opt(c.bag_ml, "mL")),
        ("Vials", vials(o.vials), vials(i.vials), vials(c.vials)),
    ]


_PAIRS = (
    ("order_vs_calculated", "Order vs calculated"),
    ("independent_vs_order", "Independent vs order"),
    ("independent_vs_calculated", "Independent vs calculated"),
)
_ITEMS = {
    "drug": "Drug",
    "weight": "Weight",
    "dose": "Dose",
    "route": "Route",
    "every_h": "Interval",
    "bag_ml": "Bag",
    "vials": "Vials",
}


def _three_way_rows(
    result: VerifyResult, rs: Ruleset
) -> tuple[list[tuple[str, ...]], list[tuple[str, str]]]:
    """Each item on one row, its three comparisons in three columns (the words of
    ``comparison_word``; the differences' sentences are the reasons above); every other
    check (vials against the dose, maxima, the clock, the case's weight) as its sentence."""
    cells: dict[str, dict[str, str]] = {}
    others: list[tuple[str, str]] = []
    for c in result.comparisons:
        if c.item in _ITEMS and c.between in dict(_PAIRS):
            cells.setdefault(c.item, {})[c.between] = comparison_word(c, rs)
        else:
            others.append((c.text, comparison_word(c, rs)))
    rows = [
        (_ITEMS[item], *(pairs.get(between, "") for between, _ in _PAIRS))
        for item, pairs in cells.items()
    ]
    return rows, others


def _case_and_blind(result: VerifyResult, blind_restarts: int) -> str:
    """VERIFY-CASE: which weight the open case held; VERIFY-BLIND: whether and how many
    times the verifier's blind step was restarted."""
    if result.case_weight_kg is None:
        case = "No case weight was known: the order's weight was not compared with a case"
    else:
        case = f"The open case held {result.case_weight_kg:g} kg"
    times = "time" if blind_restarts == 1 else "times"
    blind = (
        "The blind step was not restarted"
        if blind_restarts == 0
        else f"The blind step was restarted {blind_restarts} {times}: the verifier's earlier "
        "entries were discarded"
    )
    return f"<p>{case} (VERIFY-CASE). {blind} (VERIFY-BLIND).</p>"


def verification_record(
    result: VerifyResult,
    meta: RecordMeta,
    people: VerificationPeople,
    order_at: datetime,
    blind_restarts: int = 0,
) -> Record:
    """The pharmacy double check on paper: patient label, order time, both entries and the
    calculation, the decision with its reasons (VERIFY-DECISION), each comparison, the
    case's weight (VERIFY-CASE), restarts of the blind step (VERIFY-BLIND), and who
    entered the prescriber's order and who verified it, when."""
    rs = ruleset()
    word = decision_word(rs, result)
    reasons = "".join(f"<li>{html.escape(r)}</li>" for r in result.reasons)
    three, others = _three_way_rows(result, rs)
    verifier = html.escape(people.verifier.strip()) or "(not entered)"
    entered_by = html.escape(people.order_entered_by.strip()) or "(not entered)"
    label = html.escape(meta.label) if meta.label else "(no label entered)"
    ordered = record_time(order_at, meta.zone)
    parts = [
        "<h1>Pharmacy double check</h1>",
        f"<p>Patient label: <b>{label}</b> · order time: <b>{ordered}</b></p>",
        f'<p class="h1">Decision: {html.escape(word)}</p>',
        f"<ul>{reasons}</ul>" if reasons else "",
        _table(
            ("", "Prescriber's order (first entry)", "Verifier's independent entry", "Calculated"),
            _entry_rows(result),
        ),
        "<h3>Comparisons (VERIFY-THREE)</h3>",
        _table(("Item", *(label for _, label in _PAIRS)), three),
        _table(("Check", "Result"), others) if others else "",
        f"<p>Tolerance: {result.tolerance_pct:g}% (from {html.escape(result.tolerance_from)}).</p>",
        _case_and_blind(result, blind_restarts),
    ]
    if result.warnings:
        items = "".join(f"<li>{html.escape(w)}</li>" for w in result.warnings)
        parts.append(f"<h3>Warnings</h3><ul>{items}</ul>")
    parts.append(f"<p>Rules: {html.escape(', '.join(result.rules))}.</p>")
    parts.append(
        f"<p>Prescriber's order entered by: <b>{entered_by}</b> · independent entry by the "
        f"verifier: <b>{verifier}</b> · checked at {record_time(meta.made_at, meta.zone)}.</p>"
    )
    parts.append(meta.footer_html())
    details = {
        "decision": result.decision,
        "initials": people.verifier.strip(),
        "order_entered_by": people.order_entered_by.strip(),
        "order_at": order_at.isoformat(timespec="minutes"),
        "case_weight_kg": "" if result.case_weight_kg is None else f"{result.case_weight_kg:g}",
        "blind_restarts": str(blind_restarts),
    }
    return Record(meta, document("".join(parts), meta.title), details)
