"""Printed records: PDF output, one page for typical cases, contents, audit-log entries."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtPrintSupport import QPrinter

from calculator.audit import verify_chain
from calculator.errors import InputError
from calculator.inputs import validate
from calculator.rulebook import ruleset
from calculator.taper.models import TaperInput
from calculator.taper.planner import plan_taper
from calculator.verification import VerifyInput, verify_dose
from ui.records import (
    RecordMeta,
    export_case_pdf,
    handoff_from_case,
    handoff_record,
    log_record,
    make_printer,
    markdown_to_html,
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
            "dose_mg": ordered,
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


# --- the handoff record of a case document ----------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]
TYPICAL_CASE = {
    "format": "crs-calc-case/1",
    "patient": {"label": "bed 12", "weight_kg": 70, "age_years": 54, "product": "axi-cel"},
    "at": "2026-11-21T08:00",
    "crs": {
        "temperature_c": 39.2,
        "hypotension": True,
        "oxygen": "nasal_cannula",
        "oxygen_flow_l_min": 4,
    },
    "icans": {"ice_score": 8},
    "tocilizumab_doses": ["2026-11-21T02:00"],
}


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_typical_handoff_is_one_page(qapp: QGuiApplication, tmp_path: Path, paper: str) -> None:
    case = tmp_path / "case.json"
    case.write_text(json.dumps(TYPICAL_CASE))
    log = tmp_path / "audit.jsonl"
    out = tmp_path / "handoff.pdf"
    handoff = export_case_pdf(case, out, NOW, audit_log=log, page_size=paper)
    data = out.read_bytes()
    assert pdf_page_count(data) == 1
    text = handoff.record.document.toPlainText()
    # entries, grades and drivers, dose working, next dose, actions, rules, citations,
    # profile, ruleset version and sha256, app version, time made
    for words in (
        "temperature c: 39.2",
        "CRS grade 2",
        "Hypotension not needing vasopressors",
        "ICANS grade 1",
        "560 mg",
        "1 x 400 mg + 2 x 80 mg",
        "Next dose not before 2026-11-21 10:00",
        "Suggested actions",
        "CRS-G2",
        "Lee DW et al.",
        "astct-nccn-2026",
        RS.info.version,
        RS.info.sha256,
        "CRS Bedside Calculator 0.1.0",
        "made 2026-11-21 09:30",
        "Note made: 2026-11-21 09:30",
    ):
        assert words in text, words
    entry = json.loads(log.read_text())
    assert entry["event"] == "export"
    assert entry["record"] == "handoff"
    assert entry["label"] == "bed 12"
    assert entry["details"]["crs_grade"] == "2"
    assert entry["record_sha256"] == hashlib.sha256(data).hexdigest()


def test_handoff_with_a_taper_table_stays_short(qapp: QGuiApplication) -> None:
    heavy = {
        **TYPICAL_CASE,
        "taper": {"start": "2026-11-21T08:00", "regimen": "TAPER-MP1G"},
    }
    handoff = handoff_from_case(heavy, NOW, RS)
    assert "TAPER-MP1G" in handoff.record.document.toPlainText()
    assert pages(handoff.record) <= 2


def test_refused_case_names_the_field(qapp: QGuiApplication, tmp_path: Path) -> None:
    case = tmp_path / "case.json"
    case.write_text(json.dumps({**TYPICAL_CASE, "patient": {"weight_kg": -1, "age_years": 54}}))
    with pytest.raises(InputError) as err:
        export_case_pdf(case, tmp_path / "x.pdf", NOW, audit_log=None)
    assert "patient.weight_kg" in [f.field for f in err.value.fields]
    assert not (tmp_path / "x.pdf").exists()


def test_markdown_subset() -> None:
    out = markdown_to_html(
        "# T\n\n## What was entered\n\n- a\n- b\n\n## X\n\n- **c** _d_\n\n|h|i|\n|---|---|\n|1|2|\n"
    )
    assert '<p class="h1">T</p>' in out
    assert '<p class="compact">a · b</p>' in out
    assert "<li><b>c</b> <i>d</i></li>" in out
    assert "<th>h</th>" in out
    assert "<td>2</td>" in out
    assert "&lt;" in markdown_to_html("- x < y")


def test_python_dash_m_ui_export_pdf(tmp_path: Path) -> None:
    case = tmp_path / "case.json"
    case.write_text(json.dumps(TYPICAL_CASE))
    out = tmp_path / "out.pdf"
    env = {
        **os.environ,
        "CRS_CALC_HOME": str(tmp_path / "home"),
        "QT_QPA_PLATFORM": "offscreen",
    }
    done = subprocess.run(
        [sys.executable, "-m", "ui", "--export-pdf", str(case), str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert pdf_page_count(out.read_bytes()) == 1
    assert verify_chain(tmp_path / "home" / "audit.jsonl").entries == 1
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "crs-calc-case/9", "patient": {}}')
    done = subprocess.run(
        [sys.executable, "-m", "ui", "--export-pdf", str(bad), str(tmp_path / "bad.pdf")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 2
    assert "newer case format" in done.stderr
    assert "Traceback" not in done.stderr
