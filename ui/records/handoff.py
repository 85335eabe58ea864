"""The handoff record of a case document: made from the file (`python -m ui --export-pdf
CASE OUT`) or from the app's case."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtGui import (
    QGuiApplication,
)

from calculator.edge import safe_io
from calculator.edge.errors import InputError
from calculator.edge.inputs import parse_json_object
from calculator.edge.profile_files import builtin_profile
from calculator.local_time import zone_from_name
from calculator.records import audit
from calculator.records.case_v2 import load_episode_case
from calculator.records.note import NoteResult, has_history, make_note
from calculator.rulebook import Ruleset, ruleset
from calculator.rulebook.profiles import Profile
from ui.records.documents import PageSizeName, Record, RecordMeta, audit_head, log_record
from ui.records.note_page import CHART_SIZE, handoff_record
from ui.records.paper import write_pdf
from ui.store.settings import load_settings
from ui.store.storage import locate


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

        # The note's own episode (graded once; the chart needs only its grades).
        data = chart_from_episode(case, note.episode, rs.crs.fever.fever_min_c)
        chart = chart_image(data, *CHART_SIZE)
    meta = RecordMeta(
        "handoff",
        "CRS / ICANS handoff note",
        note.ruleset,
        note.profile,
        now,
        case.patient.label,
        audit_head=audit_head(audit_log),
        zone=zone_from_name(case.time_zone),
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
