"""A printed record: what it says about itself (:class:`RecordMeta`: app, ruleset, profile,
patient, time made, the audit chain head), its document (HTML as a QTextDocument), and its
entry in the audit log (:func:`log_record`). The records themselves are built in
``note_page`` (the handoff note), ``taper_checklist`` and ``verification_record``; ``paper``
lays them out on pages, writes PDF and prints; ``handoff`` makes a case document's record.
"""

from __future__ import annotations

import hashlib
import html
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import QUrl
from PySide6.QtGui import (
    QFont,
    QImage,
    QTextDocument,
)

from calculator import __version__
from calculator.local_time import in_zone
from calculator.records import audit
from calculator.records.audit import AuditEntry, ChainHead, Event, format_anchor
from calculator.rulebook import RulesetInfo
from calculator.words import when
from ui.case.startup import record_event

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
    #: The case's zone: printed times carry their offset in the hour the clocks go back.
    zone: ZoneInfo | None = None

    def bands(self, page: int, count: int) -> tuple[str, str]:
        """The head and foot of page ``page`` of ``count``: the record, the patient and
        when it was made on every page, and the page number."""
        label = f"patient label: {self.label}" if self.label else "no patient label entered"
        made = record_time(self.made_at, self.zone)
        head = f"{self.title} · {label} · made {made}"
        return head, f"{PRODUCT} · {self.title} · page {page} of {count}"

    def footer_html(self) -> str:
        label = f" · patient label: {html.escape(self.label)}" if self.label else ""
        made = record_time(self.made_at, self.zone)
        rows = [
            f"{PRODUCT} {html.escape(self.app_version)} · ruleset "
            f"{html.escape(self.ruleset.version)} (sha256 <tt>{self.ruleset.sha256}</tt>) · "
            f"profile {html.escape(self.profile)} · made {made}{label}. "
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


def record_time(at: datetime, zone: ZoneInfo | None = None) -> str:
    """A record's time to the minute, as the note writes times (``calculator.words.when``:
    in the hour the clocks go back, with its offset; a wall time is read in ``zone``)."""
    return when(in_zone(at.replace(second=0, microsecond=0), zone))
