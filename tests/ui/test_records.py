"""Printed records: PDF output, one page for typical cases, contents, audit-log entries."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtPrintSupport import QPrinter

from calculator.audit import verify_chain
from calculator.inputs import validate
from calculator.rulebook import ruleset
from calculator.taper.models import TaperInput
from calculator.taper.planner import plan_taper
from calculator.verification import VerifyInput, verify_dose
from ui.records import (
    RecordMeta,
    handoff_record,
    log_record,
    make_printer,
    pages,
    pdf_bytes,
    pdf_page_count,
    render,
    taper_checklist,
    verification_record,
    write_pdf,
)

NOW = datetime(2026, 11, 21, 9, 30)
RS = ruleset()
PROFILE = RS.profiles[RS.default_profile]


def meta(kind: str, label: str = "bed 12") -> RecordMeta:
    return RecordMeta(kind, kind.title(), RS.info, PROFILE.id, NOW, label)


@pytest.fixture
def plan(qapp: QGuiApplication) -> object:
    inp = validate(TaperInput, {"start": "2026-11-21T08:00", "regimen": "TAPER-MP1G"})
    return plan_taper(inp, PROFILE, RS)


def verify_result(ordered: float = 800) -> object:
    payload = {
        "order": {
            "drug": "tocilizumab",
            "weight_kg": 80,
            "age_years": 54,
            "ordered_dose_mg": ordered,
            "vials": [{"strength_mg": 400, "count": 2}],
        },
        "independent": {"weight_kg": 80, "drug": "tocilizumab", "dose_mg": ordered},
    }
    return verify_dose(validate(VerifyInput, payload), PROFILE, RS)


def test_taper_checklist_lists_every_administration_with_a_box(
    plan: object, tmp_path: Path
) -> None:
    record = taper_checklist(plan, meta("taper-checklist"))  # type: ignore[arg-type]
    text = record.document.toPlainText()
    # TAPER-MP1G: 15 administrations, each a row: date, time, drug, dose, route.
    assert text.count("methylprednisolone") >= 15
    assert "Sat 2026-11-21\n08:00\nmethylprednisolone\n1000 mg\nIV" in text
    assert "Sun 2026-11-29\n20:00\nmethylprednisolone\n60 mg\nIV" in text
    for header in ("Date", "Time", "Drug", "Dose", "Route", "Given", "Initials"):
        assert header in text
    assert "TAPER-FLARE" in text
    assert RS.info.sha256 in text
    assert "bed 12" in text
    data = write_pdf(record, tmp_path / "taper.pdf")
    assert data.startswith(b"%PDF")
    assert (tmp_path / "taper.pdf").read_bytes() == data
    assert pdf_page_count(data) == 1
    assert pages(record) == 1


def test_verification_record_holds_both_entries_result_initials_and_time(
    qapp: QGuiApplication,
) -> None:
    record = verification_record(verify_result(), meta("verification"), " JS ")  # type: ignore[arg-type]
    text = record.document.toPlainText()
    assert "FLAGGED" in text
    assert "ordered 800 mg, calculated 640 mg: +25% (beyond the 10% tolerance)" in text
    assert "Order (first entry)" in text
    assert "Independent entry" in text
    assert "2 x 400 mg (800 mg)" in text
    assert "Verified by (initials): JS at 2026-11-21 09:30" in text
    assert "VERIFY-TOL: verify against local protocol" in text
    assert record.details == {"verdict": "flagged", "initials": "JS"}
    assert pdf_page_count(pdf_bytes(record)) == 1


def test_letter_paper(qapp: QGuiApplication) -> None:
    record = verification_record(verify_result(640), meta("verification"), "")  # type: ignore[arg-type]
    assert "(not entered)" in record.document.toPlainText()
    data = pdf_bytes(record, "Letter")
    assert pdf_page_count(data) == 1
    assert b"/MediaBox [0 0 612.000000 792.000000]" in data  # US Letter in points


def test_a_long_document_takes_more_pages(qapp: QGuiApplication) -> None:
    markdown = "\n\n".join(f"Paragraph {n}: " + "words " * 60 for n in range(80))
    record = handoff_record(markdown, meta("handoff"))
    data = pdf_bytes(record)
    assert pdf_page_count(data) > 1
    assert pdf_page_count(data) == pages(record)


def test_printing_goes_through_qprinter(qapp: QGuiApplication, tmp_path: Path) -> None:
    record = handoff_record("# Handoff\n\nCRS grade 2.", meta("handoff"))
    printer = make_printer("A4", copies=2)
    assert printer.copyCount() == 2
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    render(record, printer)
    del printer
    data = (tmp_path / "printed.pdf").read_bytes()
    assert pdf_page_count(data) == 1


def test_every_record_is_logged_with_its_sha256(plan: object, tmp_path: Path) -> None:
    log = tmp_path / "audit.jsonl"
    record = taper_checklist(plan, meta("taper-checklist", "  Bett 3 "))  # type: ignore[arg-type]
    data = pdf_bytes(record)
    entry = log_record(log, record, "export", NOW, data)
    check = verification_record(verify_result(), meta("verification"), "AB")  # type: ignore[arg-type]
    log_record(log, check, "verify", NOW)
    assert verify_chain(log).ok
    lines = [json.loads(x) for x in log.read_text(encoding="utf-8").splitlines()]
    assert lines[0]["event"] == "export"
    assert lines[0]["record"] == "taper-checklist"
    assert lines[0]["label"] == "  Bett 3 "  # as entered
    assert lines[0]["record_sha256"] == entry.record_sha256
    assert lines[0]["details"]["ruleset_sha256"] == RS.info.sha256
    assert lines[0]["details"]["regimen"] == "TAPER-MP1G"
    assert lines[1]["details"]["verdict"] == "flagged"
    assert lines[1]["details"]["initials"] == "AB"
