"""The taper planner's checklist: every administration of a plan with a box to tick."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

from calculator.records.note_taper import plan_origin
from calculator.taper.models import TaperResult, TaperStepInput
from calculator.words import clock, count
from ui.records.documents import Record, RecordMeta, document, record_time
from ui.units import fmt


def _cell(text: str, cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return f"<td{attr}>{html.escape(text)}</td>"


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]], box_cols: int = 0) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = []
    for row in rows:
        cells = "".join(_cell(c) for c in row)
        cells += '<td class="box">&nbsp;</td>' * box_cols
        body.append(f"<tr>{cells}</tr>")
    return (
        '<table border="1" cellspacing="0" cellpadding="3" width="100%">'
        f"<tr>{head}</tr>{''.join(body)}</table>"
    )


def _fmt_mg(value: float) -> str:
    """As the dose panel shows a dose (``ui.units.fmt``: two places at most, no trailing
    zeros; ``:g`` would print 1234567 mg as "1.23457e+06 mg")."""
    return f"{fmt(value)} mg"


def taper_checklist(
    plan: TaperResult,
    meta: RecordMeta,
    regimen: str | None = None,
    regimen_steps: Sequence[TaperStepInput] | None = None,
) -> Record:
    """The bedside checklist of a taper plan: one row per administration, a box to tick.

    ``regimen`` and ``regimen_steps`` say which regimen an edited plan started from and
    the steps it gave, so the checklist names what was edited
    (:func:`calculator.records.note_taper.plan_origin`); by default the plan names itself."""
    rows = [
        (
            f"{a.at:%a %Y-%m-%d}",
            clock(a.at),  # in the hour the clocks go back, with its offset
            a.drug,
            _fmt_mg(a.dose_mg),
            a.route,
        )
        for a in plan.administrations
    ]
    label = f" — {html.escape(meta.label)}" if meta.label else ""
    origin = plan_origin(regimen or plan.regimen, regimen_steps, plan.editable_steps)
    totals = ", ".join(f"{drug} {_fmt_mg(mg)}" for drug, mg in plan.totals_mg.items())
    parts = [
        f"<h1>Steroid taper checklist{label}</h1>",
        f"<p>Regimen: <b>{html.escape(origin)}</b>. Starts {record_time(plan.start)}, last dose "
        f"{record_time(plan.ends_at)}; {count(len(plan.administrations), 'administration')}. "
        f"Totals: {html.escape(totals)}; dexamethasone equivalent "
        f"{_fmt_mg(plan.dexamethasone_equivalent_mg)}.</p>",
    ]
    if plan.open_ended:
        parts.append(
            '<p class="flag">The last step is open-ended: its length was chosen for this '
            "plan and is reviewed daily.</p>"
        )
    parts.append(
        _table(("Date", "Time", "Drug", "Dose", "Route", "Given", "Initials"), rows, box_cols=2)
    )
    if plan.warnings:
        items = "".join(f"<li>{html.escape(w)}</li>" for w in plan.warnings)
        parts.append(f"<h3>Warnings</h3><ul>{items}</ul>")
    parts.append(f"<p>Rules: {html.escape(', '.join(plan.rules))}.</p>")
    parts.append(meta.footer_html())
    details = {"regimen": plan.regimen or regimen or "", "plan": origin}
    return Record(meta, document("".join(parts), meta.title), details)
