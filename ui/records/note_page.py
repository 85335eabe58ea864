"""The handoff note on paper: the core's NoteDocument (sections of rows, groups, items,
each with its rule IDs) as the printed page's HTML, and the handoff record."""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtGui import (
    QImage,
)

from calculator.records.note_model import Item, NoteDocument, Row, Section, SectionKey, Table
from ui.records.documents import Record, RecordMeta, document

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
