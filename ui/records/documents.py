"""Printed records: the handoff note, the taper checklist and the verification record.

Each record is a QTextDocument built here as HTML (the handoff note from the core's note
structure, :class:`calculator.records.note_model.NoteDocument`; the others from core results),
written to PDF with QPdfWriter or sent to a printer with QtPrintSupport. Every record
carries the app version, the ruleset version and sha256, the profile, the time it was
made and, when a log is kept, the audit log's chain head; every one printed, exported or
verified is appended to the audit log by :func:`log_record`.
"""

from __future__ import annotations

import hashlib
import html
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QIODevice, QMarginsF, QRectF, QSizeF, Qt, QUrl
from PySide6.QtGui import (
    QColor,
    QFont,
    QGuiApplication,
    QImage,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextDocument,
)
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QWidget

from calculator import __version__
from calculator.edge import safe_io
from calculator.edge.errors import InputError
from calculator.edge.inputs import parse_json_object
from calculator.edge.profile_files import builtin_profile
from calculator.records import audit
from calculator.records.audit import AuditEntry, ChainHead, Event, format_anchor
from calculator.records.case_v2 import load_episode_case
from calculator.records.episode_command import make_episode
from calculator.records.note import NoteResult, has_history, make_note
from calculator.records.note_model import Item, NoteDocument, Row, Section, SectionKey, Table
from calculator.records.note_taper import plan_origin
from calculator.rulebook import Ruleset, RulesetInfo, ruleset
from calculator.rulebook.profiles import Profile
from calculator.taper.models import TaperResult, TaperStepInput
from calculator.verification import Comparison, VerifyResult, VialCount, fmt_vials
from calculator.words import count, when
from ui.case.startup import record_event
from ui.store.settings import load_settings
from ui.store.storage import locate, write_atomic
from ui.units import fmt

PageSizeName = str  # "A4" or "Letter" (ui.store.settings.PrinterDefaults.page_size)

MARGIN_MM = 12.0
BODY_PT = 9.0
PDF_RESOLUTION_DPI = 300
PRODUCT = "CRS Bedside Calculator"


def _entries(count: int) -> str:
    return f"{count} entry" if count == 1 else f"{count} entries"


@dataclass(frozen=True)
class RecordMeta:
    """What every record prints at its foot, and what the audit log keeps of it."""

    kind: str  # handoff, taper-checklist, verification
    title: str
    ruleset: RulesetInfo
    profile: str
    made_at: datetime
    label: str = ""
    app_version: str = __version__
    #: The audit log's chain head when the record was made (the entry before this
    #: record's own), so a paper copy can be matched to the log; None: no log kept.
    audit_head: ChainHead | None = None

    def bands(self, page: int, count: int) -> tuple[str, str]:
        """The head and foot of page ``page`` of ``count``: the record, the patient and
        when it was made on every page, and the page number."""
        label = f"patient label: {self.label}" if self.label else "no patient label entered"
        made = when(self.made_at.replace(second=0, microsecond=0))
        head = f"{self.title} · {label} · made {made}"
        return head, f"{PRODUCT} · {self.title} · page {page} of {count}"

    def footer_html(self) -> str:
        label = f" · patient label: {html.escape(self.label)}" if self.label else ""
        rows = [
            f"{PRODUCT} {html.escape(self.app_version)} · ruleset "
            f"{html.escape(self.ruleset.version)} (sha256 <tt>{self.ruleset.sha256}</tt>) · "
            f"profile {html.escape(self.profile)} · made {self.made_at:%Y-%m-%d %H:%M}{label}. "
            "Suggestions and calculations are not orders: clinical judgement and the local "
            "protocol decide."
        ]
        if self.audit_head is not None:
            anchor = format_anchor(self.audit_head.count, self.audit_head.sha256)
            rows.append(
                f"Audit log before this record: {_entries(self.audit_head.count)}; anchor "
                f"<tt>{anchor}</tt> (audit-verify --anchor)."
            )
        return "".join(f'<p class="foot">{row}</p>' for row in rows)


@dataclass
class Record:
    meta: RecordMeta
    document: QTextDocument
    details: dict[str, str] = field(default_factory=dict)


STYLE = f"""
body {{ font-size: {BODY_PT}pt; }}
h1, .h1 {{ font-size: 14pt; font-weight: bold; margin-top: 0px; margin-bottom: 2px; }}
h2, .h2 {{ font-size: 11pt; font-weight: bold; margin-top: 4px; margin-bottom: 1px; }}
h3, .h3 {{ font-size: 10pt; font-weight: bold; margin-top: 3px; margin-bottom: 1px; }}
table.small {{ font-size: {BODY_PT - 1}pt; }}
p {{ margin-top: 1px; margin-bottom: 1px; }}
ul {{ margin-top: 0px; margin-bottom: 0px; margin-left: 0px; -qt-list-indent: 1; }}
li {{ margin-top: 0px; margin-bottom: 0px; }}
.compact {{ font-size: {BODY_PT - 1}pt; }}
.refs {{ font-size: {BODY_PT - 1.5}pt; }}
table {{ border-collapse: collapse; }}
th {{ background-color: #e6e6e6; text-align: left; }}
td.box {{ width: 14px; }}
.flag {{ font-weight: bold; }}
.foot {{ font-size: 7pt; color: #333333; }}
.rules {{ font-size: {BODY_PT - 1.5}pt; color: #444444; font-weight: normal; }}
"""


def document(body_html: str, title: str, images: dict[str, QImage] | None = None) -> QTextDocument:
    """The page's text in the records' font and style sheet (the debrief uses it too);
    ``images`` are the pictures its ``<img src=NAME>`` show (added before the text)."""
    doc = QTextDocument()
    for name, image in (images or {}).items():
        doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(name), image)
    doc.setDocumentMargin(0)
    font = QFont("DejaVu Sans")
    font.setStyleHint(QFont.StyleHint.SansSerif)
    font.setPointSizeF(BODY_PT)
    doc.setDefaultFont(font)
    doc.setDefaultStyleSheet(STYLE)
    doc.setMetaInformation(QTextDocument.MetaInformation.DocumentTitle, title)
    doc.setHtml(f"<html><body>{body_html}</body></html>")
    return doc


# --- the handoff note: the core's NoteDocument as the printed page ---------------------------

#: Sections printed as run-on lines ("a · b · c") to keep a typical case on one page;
#: every row and item is kept, only the line breaks go.
COMPACT_SECTIONS: tuple[SectionKey, ...] = ("entered", "rules", "sources")


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def _rules_html(rules: tuple[str, ...]) -> str:
    return f' <span class="rules">({_esc(", ".join(rules))})</span>' if rules else ""


def _row_html(row: Row, sep: str = ": ") -> str:
    value = f"<b>{_esc(row.value)}</b>" if row.flag else _esc(row.value)
    return f"{_esc(row.label)}{sep}{value}{_rules_html(row.rules)}"


def _item_html(item: Item) -> str:
    lead = f"<b>{_esc(item.lead)}</b> " if item.lead else ""
    text = f"<b>{_esc(item.text)}</b>" if item.flag else _esc(item.text)
    return f"{lead}{text}{_rules_html(item.rules)}"


#: Reference sections (rule titles, citations) print a little smaller than what a nurse acts on.
REFERENCE_SECTIONS: tuple[SectionKey, ...] = ("rules", "sources")


def _list(lines: Sequence[str], compact: bool, cls: str = "compact") -> str:
    if not lines:
        return ""
    if compact:
        return f'<p class="{cls}">{" · ".join(lines)}</p>'
    return "<ul>" + "".join(f"<li>{line}</li>" for line in lines) + "</ul>"


#: A column's share of the page follows its longest text, up to this many characters (a
#: header counts by its longest word: headers wrap).
COLUMN_TEXT_CAP = 60


def _column_widths(table: Table) -> list[int]:
    """Percent widths, so the long "Doses" column is not squeezed like the date."""
    weights = []
    for i, header in enumerate(table.headers):
        cells = [r[i] for r in table.rows]
        # an unbreakable word (a date) needs room for itself and the cell's padding
        word = max([len(w) * 1.4 for c in cells for w in c.split()], default=0)
        longest = max([len(w) for w in header.split()] + [len(c) for c in cells] + [word])
        weights.append(min(max(longest, 4), COLUMN_TEXT_CAP))
    total = sum(weights)
    return [round(100 * w / total) for w in weights]


def _note_table(table: Table) -> str:
    widths = _column_widths(table)
    head = "".join(
        f'<th width="{w}%">{_esc(h)}</th>' for h, w in zip(table.headers, widths, strict=True)
    )
    body = "".join("<tr>" + "".join(_note_cell(c) for c in row) + "</tr>" for row in table.rows)
    return (
        '<table class="small" border="1" cellspacing="0" cellpadding="1" width="100%">'
        f"<tr>{head}</tr>{body}</table>"
    )


def _note_cell(text: str) -> str:
    nowrap = "" if " " in text else " nowrap"
    return f"<td{nowrap}>{_esc(text)}</td>"


def _section_html(section: Section) -> str:
    compact = section.key in COMPACT_SECTIONS
    # Styled paragraphs, not <hN>: Qt sizes headings itself and ignores the style sheet.
    out = [f'<p class="h2">{_esc(section.title)}</p>']
    if section.remark:
        out.append(f"<p><i>{_esc(section.remark)}</i></p>")
    for group in section.groups:
        detail = f" ({_esc(group.detail)})" if group.detail else ""
        if compact:
            rows = " · ".join(_row_html(r, " ") for r in group.rows)
            out.append(
                f'<p class="compact"><b>{_esc(group.title)}</b>{detail}: {rows}</p>'
                if rows
                else f'<p class="compact"><b>{_esc(group.title)}</b>{detail}</p>'
            )
            continue
        # the group's rules ride on its title line: one line less per grade
        rules = f' <span class="rules">{_esc(", ".join(group.rules))}</span>' if group.rules else ""
        out.append(f'<p class="h3">{_esc(group.title)}{detail}{rules}</p>')
        lines = [_row_html(r) for r in group.rows] + [_item_html(i) for i in group.items]
        out.append(_list(lines, False))
    out.append(_list([_row_html(r) for r in section.rows], compact))
    cls = "refs" if section.key in REFERENCE_SECTIONS else "compact"
    out.append(_list([_item_html(i) for i in section.items], compact, cls))
    if section.table is not None:
        out.append(_note_table(section.table))
    return "".join(out)


def note_html(note: NoteDocument, after: dict[str, str] | None = None) -> str:
    """The handoff note as the printed page's HTML: the layout of the note lives here, its
    wording in calculator/records/note.py. ``after``: HTML put after a section (by key:
    the Episode section's chart)."""
    header = " · ".join(_row_html(r, " ") for r in note.header)
    parts = [f'<p class="h1">{_esc(note.title)}</p>', f'<p class="compact">{header}</p>']
    for s in note.sections:
        parts.append(_section_html(s))
        parts.append((after or {}).get(s.key, ""))
    return "".join(parts)


#: The Episode chart on the printed record: its size on the page in CSS pixels (drawn at
#: twice that: a 2x image, sharp on paper).
CHART_SIZE = (680, 250)
CHART_NAME = "episode-chart.png"


# --- the three records -----------------------------------------------------------------------


def handoff_record(note: NoteDocument, meta: RecordMeta, chart: QImage | None = None) -> Record:
    """The handoff note: the core's note structure, with the record's foot; ``chart``
    (issue 24) goes after the Episode section."""
    after: dict[str, str] = {}
    images: dict[str, QImage] = {}
    if chart is not None and any(s.key == "episode" for s in note.sections):
        width, height = CHART_SIZE
        after["episode"] = (
            f'<p><img src="{CHART_NAME}" width="{width}" height="{height}" alt="Episode chart"></p>'
        )
        images[CHART_NAME] = chart
    body = note_html(note, after) + meta.footer_html()
    return Record(meta, document(body, meta.title, images))


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
            f"{a.at:%H:%M}",
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
        f"<p>Regimen: <b>{html.escape(origin)}</b>. Starts {plan.start:%Y-%m-%d %H:%M}, last dose "
        f"{plan.ends_at:%Y-%m-%d %H:%M}; {count(len(plan.administrations), 'administration')}. "
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
    parts = [
        "<h1>Pharmacy double check</h1>",
        f"<p>Patient label: <b>{label}</b> · order time: <b>{order_at:%Y-%m-%d %H:%M}</b></p>",
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
        f"verifier: <b>{verifier}</b> · checked at {meta.made_at:%Y-%m-%d %H:%M}.</p>"
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


# --- output ----------------------------------------------------------------------------------


def page_layout(page_size: PageSizeName = "A4") -> QPageLayout:
    size = QPageSize(
        QPageSize.PageSizeId.Letter if page_size == "Letter" else QPageSize.PageSizeId.A4
    )
    margins = QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM)
    return QPageLayout(size, QPageLayout.Orientation.Portrait, margins, QPageLayout.Unit.Millimeter)


#: Paints a document on a paged device: :func:`paint_pages` for the records; the debrief
#: passes its own, which adds the SIMULATION watermark to every page.
PagePainter = Callable[[QTextDocument, QPagedPaintDevice], object]


def paint_pages(doc: QTextDocument, device: QPagedPaintDevice) -> None:
    """Lay the document out on the device itself (its resolution and printable page), so
    point sizes print as point sizes, then paint it page by page."""
    doc.documentLayout().setPaintDevice(device)
    rect = device.pageLayout().paintRectPixels(device.logicalDpiX())
    doc.setPageSize(QSizeF(rect.width(), rect.height()))
    doc.print_(device)


#: What a page says above and below its body: ``bands(page, count)`` -> (head, foot), page
#: counted from 1. A paper page parted from the others still says whose it is and which.
Bands = Callable[[int, int], tuple[str, str]]


@dataclass(frozen=True)
class BandStyle:
    height_mm: float = 5.0
    point_size: float = 7.0
    bold: bool = False
    colour: str = "#333333"
    #: In the page margin (the body keeps the whole printable height: a typical handoff
    #: stays on one page), else inside the printable area above and below the body.
    in_margin: bool = False


#: A record's head and foot sit in its 12 mm margins, in the foot's small grey type.
RECORD_BANDS = BandStyle(height_mm=MARGIN_MM * 0.6, point_size=7.0, in_margin=True)


def draw_band(painter: QPainter, rect: QRectF, text: str) -> None:
    """One head or foot line (a function of its own so a test can see what each page says);
    a line too long for the page is cut at its end, so it leads with what matters most."""
    shown = painter.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, int(rect.width()))
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, shown)


def paint_banded(
    doc: QTextDocument, device: QPagedPaintDevice, bands: Bands, style: BandStyle = BandStyle()
) -> int:
    """Paint ``doc`` page by page with a head and a foot line on every page (from
    ``bands``), the body laid out between them. Returns the number of pages."""
    doc.documentLayout().setPaintDevice(device)
    dpi = device.logicalDpiY()
    rect = device.pageLayout().paintRectPixels(device.logicalDpiX())
    band = style.height_mm / 25.4 * dpi
    body_h = rect.height() if style.in_margin else rect.height() - 2 * band
    top = -band if style.in_margin else 0.0
    doc.setPageSize(QSizeF(rect.width(), body_h))
    count = max(1, doc.pageCount())
    painter = QPainter(device)
    try:
        font = QFont("DejaVu Sans")
        font.setPointSizeF(style.point_size)
        font.setBold(style.bold)
        for page in range(count):
            if page:
                device.newPage()
            head, foot = bands(page + 1, count)
            painter.setFont(font)
            painter.setPen(QColor(style.colour))
            draw_band(painter, QRectF(0, top, rect.width(), band), head)
            draw_band(painter, QRectF(0, top + band + body_h, rect.width(), band), foot)
            painter.save()
            painter.translate(0, top + band - page * body_h)
            body = QRectF(0, page * body_h, rect.width(), body_h)
            # Clipped: a line that straddles the page edge must not print over the head.
            painter.setClipRect(body)
            doc.drawContents(painter, body)
            painter.restore()
    finally:
        painter.end()
    return count


def banded(bands: Bands, style: BandStyle = BandStyle()) -> PagePainter:
    """A :data:`PagePainter` with these head and foot lines."""
    return lambda doc, device: paint_banded(doc, device, bands, style)


def record_painter(meta: RecordMeta) -> PagePainter:
    """Every record's pages: the record and patient at the head, "page N of M" at the foot."""
    return banded(meta.bands, RECORD_BANDS)


def render(record: Record, device: QPagedPaintDevice) -> None:
    record_painter(record.meta)(record.document, device)


def pages(record: Record, page_size: PageSizeName = "A4") -> int:
    """How many pages the record takes on this paper (as ``write_pdf`` lays it out)."""
    return pdf_page_count(pdf_bytes(record, page_size))


def document_pdf(
    doc: QTextDocument,
    title: str,
    app_version: str,
    page_size: PageSizeName = "A4",
    paint: PagePainter = paint_pages,
) -> bytes:
    """``doc`` as PDF bytes, painted by ``paint`` on ``page_size`` paper."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(PDF_RESOLUTION_DPI)
    writer.setTitle(title)
    writer.setCreator(f"{PRODUCT} {app_version}")
    writer.setPageLayout(page_layout(page_size))
    paint(doc, writer)
    del writer  # finishes the PDF
    buffer.close()
    return bytes(buffer.data().data())


def pdf_bytes(record: Record, page_size: PageSizeName = "A4") -> bytes:
    return document_pdf(
        record.document,
        record.meta.title,
        record.meta.app_version,
        page_size,
        record_painter(record.meta),
    )


def write_pdf_bytes(path: Path, data: bytes) -> None:
    """Write a PDF made here to ``path`` (its folder made if missing), atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, data)


def write_pdf(record: Record, path: Path, page_size: PageSizeName = "A4") -> bytes:
    """Write the record to ``path`` as PDF; returns the bytes written (for the audit log)."""
    data = pdf_bytes(record, page_size)
    write_pdf_bytes(path, data)
    return data


def pdf_page_count(data: bytes) -> int:
    """Pages of a PDF Qt wrote: the /Count of its page tree."""
    counts = [int(n) for n in re.findall(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)", data)]
    if not counts:
        counts = [int(n) for n in re.findall(rb"/Count\s+(\d+)", data)]
    return max(counts) if counts else 0


def log_record(
    log: Path, record: Record, event: Event, now: datetime, content: bytes | None = None
) -> AuditEntry:
    """Append the record to the audit log: what, when, which rules, and its sha256."""
    meta = record.meta
    details = {
        "title": meta.title,
        "app_version": meta.app_version,
        "ruleset_version": meta.ruleset.version,
        "ruleset_sha256": meta.ruleset.sha256,
        "profile": meta.profile,
        "made_at": meta.made_at.isoformat(timespec="seconds"),
        **record.details,
    }
    if content is None:
        content = record.document.toHtml().encode("utf-8")
    return record_event(
        log, now, event, meta.kind, label=meta.label, content=content, details=details
    )


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- printing --------------------------------------------------------------------------------


def make_printer(
    page_size: PageSizeName = "A4", printer_name: str = "", copies: int = 1
) -> QPrinter:
    """A high-resolution printer set up from the settings' printer defaults."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    if printer_name:
        printer.setPrinterName(printer_name)
    printer.setPageLayout(page_layout(page_size))
    printer.setCopyCount(copies)
    return printer


def print_document(
    doc: QTextDocument,
    title: str,
    printer: QPrinter,
    parent: QWidget | None = None,
    paint: PagePainter = paint_pages,
    ask: bool = True,
) -> bool:
    """Ask with the system print dialog (unless ``ask`` is False), then print ``doc``
    with ``paint``. Returns whether it was printed."""
    if ask:
        dialog = QPrintDialog(printer, parent)
        dialog.setWindowTitle(f"Print {title}")
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
    paint(doc, printer)
    return True


def print_with_dialog(record: Record, printer: QPrinter, parent: QWidget | None = None) -> bool:
    """Ask with the system print dialog, then print. Returns whether it was printed."""
    return print_document(
        record.document, record.meta.title, printer, parent, record_painter(record.meta)
    )


# --- the audit chain head on paper -----------------------------------------------------------


def audit_head(log: Path | None) -> ChainHead | None:
    """The audit log's chain head now (:func:`calculator.records.audit.head`: the last entry's
    sequence number and line sha256; 0 and the genesis hash for a new log), printed on the
    record as the anchor ``audit-verify LOG --anchor SEQ:HASH`` checks later. None when no
    log is kept or its end is damaged: then the footer says nothing about the log rather
    than something unverified (and logging the record reports the damage)."""
    if log is None:
        return None
    try:
        seq, sha256 = audit.head(log)
    except (audit.AuditLogError, OSError):  # e.g. a folder where the log should be
        return None
    return ChainHead(count=seq, sha256=sha256)


# --- the handoff record of a case document ----------------------------------------------------


@dataclass
class Handoff:
    record: Record
    note: NoteResult


def handoff_from_case(
    data: dict[str, Any],
    now: datetime,
    rs: Ruleset,
    profile: Profile | None = None,
    audit_log: Path | None = None,
) -> Handoff:
    """The handoff record of a case document (made now); InputError if the case is refused.

    The profile is the case's own built-in one, else ``profile`` (the app's active one);
    the footer carries the chain head of ``audit_log`` when one is kept.
    """
    case = load_episode_case({**data, "made_at": now.isoformat(timespec="minutes")})
    chosen = builtin_profile(rs, case.profile) if case.profile else profile
    chosen = chosen or builtin_profile(rs, None)
    note = make_note(case, chosen, rs)
    chart = None
    if has_history(case):
        # The Episode section's chart (issue 24), drawn as on screen, as a 2x image.
        from ui.views.episode_chart import chart_from_episode, chart_image

        episode = make_episode(case, chosen, rs)
        data = chart_from_episode(case, episode, rs.crs.fever.fever_min_c)
        chart = chart_image(data, *CHART_SIZE)
    meta = RecordMeta(
        "handoff",
        "CRS / ICANS handoff note",
        note.ruleset,
        note.profile,
        now,
        case.patient.label,
        audit_head=audit_head(audit_log),
    )
    record = handoff_record(note.document, meta, chart)
    record.details.update(
        {
            "crs_grade": "" if note.crs is None else str(note.crs.grade),
            "icans_grade": "" if note.icans is None else str(note.icans.grade),
        }
    )
    return Handoff(record, note)


def export_case_pdf(
    case_path: Path,
    out_path: Path,
    now: datetime,
    *,
    audit_log: Path | None,
    page_size: PageSizeName = "A4",
    profile: Profile | None = None,
) -> Handoff:
    """``--export-pdf CASE.json OUT.pdf``: read, note, render, write, log. InputError on a
    case that cannot be read or is refused (the message names the field)."""
    # Bounded (calculator.edge.safe_io): a regular file of at most 1 MiB, or InputError("case").
    text = safe_io.read_text(case_path, "case")
    rs = ruleset()
    handoff = handoff_from_case(parse_json_object(text), now, rs, profile, audit_log)
    data = write_pdf(handoff.record, out_path, page_size)
    if audit_log is not None:
        log_record(audit_log, handoff.record, "export", now, data)
    return handoff


def export_pdf_cli(case_path: Path, out_path: Path) -> int:
    """``python -m ui --export-pdf CASE.json OUT.pdf``: no window; 0 written, 2 refused,
    1 written but not logged (the audit log could not take the entry).

    Uses the settings (paper size, default profile) and appends to the audit log, as the
    app does; says what it did on stdout and any problem in plain words on stderr.
    """
    if QGuiApplication.instance() is None:
        app = QGuiApplication(["crs-calc"])  # noqa: F841 (kept alive while rendering)
    now = datetime.now().replace(microsecond=0)
    locations = locate()
    audit_log: Path | None = locations.audit_log
    try:
        locations.ensure()
    except OSError as exc:
        sys.stderr.write(f"note: the audit log folder cannot be created ({exc}); not logged\n")
        audit_log = None
    loaded = load_settings(locations.settings_file, now)
    for message in loaded.messages:
        sys.stderr.write(f"note: {message}\n")
    rs = ruleset()
    settings = loaded.settings
    profile = builtin_profile(rs, settings.default_profile or None)
    try:
        handoff = export_case_pdf(
            case_path,
            out_path,
            now,
            audit_log=audit_log,
            page_size=settings.printer.page_size,
            profile=profile,
        )
    except InputError as err:
        sys.stderr.write(f"{case_path}: {err.message}\n")
        return 2
    except OSError as exc:
        sys.stderr.write(f"The PDF could not be written to {out_path}: {exc.strerror or exc}\n")
        return 2
    except audit.AuditLogError as exc:
        # The PDF is written; the log is not: said in words, exit 1, never a traceback.
        sys.stderr.write(f"{out_path} was written but is NOT LOGGED in the audit log: {exc}\n")
        return 1
    sys.stdout.write(
        f"{out_path}: handoff record, profile {handoff.note.profile}, ruleset "
        f"{handoff.note.ruleset.version}\n"
    )
    return 0
