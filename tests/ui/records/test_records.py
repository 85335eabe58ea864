"""Printed records: PDF output, one page for typical cases, contents, audit-log entries."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtPrintSupport import QPrinter

from calculator.edge.errors import InputError
from calculator.edge.inputs import validate
from calculator.records.audit import verify_chain
from calculator.records.note_model import Group, Item, NoteDocument, Row, Section, Table
from calculator.rulebook import ruleset
from calculator.taper.models import TaperInput
from calculator.taper.planner import plan_taper
from calculator.verification import VerifyInput, verify_dose
from tests.ui.helpers import run_ui
from ui.records.documents import RecordMeta, audit_head, log_record
from ui.records.handoff import export_case_pdf, handoff_from_case
from ui.records.note_page import handoff_record, note_html
from ui.records.paper import make_printer, pages, pdf_bytes, pdf_page_count, render, write_pdf
from ui.records.taper_checklist import taper_checklist
from ui.records.verification_record import VerificationPeople, verification_record

NOW = datetime(2026, 11, 21, 9, 30)
BERLIN = ZoneInfo("Europe/Berlin")
RS = ruleset()
PROFILE = RS.profiles[RS.default_profile]


def meta(kind: str, label: str = "bed 12") -> RecordMeta:
    return RecordMeta(kind, kind.title(), RS.info, PROFILE.id, NOW, label)


@pytest.fixture
def plan(qapp: QGuiApplication) -> object:
    inp = validate(TaperInput, {"start": "2026-11-21T08:00", "regimen": "TAPER-MP1G"})
    return plan_taper(inp, PROFILE, RS)


def test_a_checklist_time_in_the_repeated_hour_carries_its_offset(
    qapp: QGuiApplication,
) -> None:
    # Europe/Berlin goes back at 03:00 on 2026-10-25: daily from 03:30 the day before is
    # 02:30 after 24 real hours, the second 02:30 (+01:00); the day after is plain again.
    inp = validate(
        TaperInput,
        {"start": "2026-10-24T03:30", "regimen": "TAPER-MP1G", "time_zone": "Europe/Berlin"},
    )
    plan = plan_taper(inp, PROFILE, RS)
    text = taper_checklist(plan, meta("taper-checklist")).document.toPlainText()
    assert "Sun 2026-10-25\n02:30 (+01:00)\nmethylprednisolone" in text
    assert "Mon 2026-10-26\n02:30\nmethylprednisolone" in text


def test_a_record_made_in_the_repeated_hour_says_which_one() -> None:
    # The second 02:30 of 25 October in Berlin: the footer and the page bands read it
    # apart from the first, as the screen does (CaseState.when).
    second = datetime(2026, 10, 25, 2, 30, fold=1)
    zoned = RecordMeta("handoff", "Handoff", RS.info, PROFILE.id, second, zone=BERLIN)
    assert "made 2026-10-25 02:30 (+01:00)" in zoned.footer_html()
    assert zoned.bands(1, 1)[0].endswith("made 2026-10-25 02:30 (+01:00)")
    plain = RecordMeta("handoff", "Handoff", RS.info, PROFILE.id, second)
    assert "made 2026-10-25 02:30." in plain.footer_html()  # no zone: a wall time, as before


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


ORDER_AT = datetime(2026, 11, 21, 9, 15)


def test_verification_record_holds_both_entries_result_initials_and_time(
    qapp: QGuiApplication,
) -> None:
    """The record a pharmacist signs: patient label, order time, both entries (with route,
    interval and bag), the decision with its reasons (VERIFY-DECISION), the checker's and
    the verifier's initials, and the time."""
    people = VerificationPeople(verifier=" JS ", order_entered_by="AB")
    record = verification_record(verify_result(), meta("verification"), people, ORDER_AT)  # type: ignore[arg-type]
    text = record.document.toPlainText()
    assert "Patient label: bed 12 · order time: 2026-11-21 09:15" in text
    assert "Decision: DO NOT RELEASE" in text
    assert (
        "DO NOT RELEASE: ordered 800 mg, calculated 640 mg: +25% (beyond the 10% tolerance)" in text
    )
    assert "Prescriber's order (first entry)" in text
    assert "Verifier's independent entry" in text
    assert "2 x 400 mg (800 mg)" in text
    for row in ("Interval", "Route", "Bag"):
        assert row in text
    assert "every 6 h" not in text  # nothing entered is invented
    assert (
        "Prescriber's order entered by: AB · independent entry by the verifier: JS · checked at "
        "2026-11-21 09:30" in text
    )
    assert record.details == {
        "decision": "do_not_release",
        "initials": "JS",
        "order_entered_by": "AB",
        "order_at": "2026-11-21T09:15",
        "case_weight_kg": "",
        "blind_restarts": "0",
    }
    assert pdf_page_count(pdf_bytes(record)) == 1


def test_letter_paper(qapp: QGuiApplication) -> None:
    record = verification_record(
        verify_result(640),  # type: ignore[arg-type]
        meta("verification"),
        VerificationPeople(),
        ORDER_AT,
    )
    assert "(not entered)" in record.document.toPlainText()
    assert "Decision: REVIEW" in record.document.toPlainText()  # 2 x 400 mg for 640 mg
    data = pdf_bytes(record, "Letter")
    assert pdf_page_count(data) == 1
    assert b"/MediaBox [0 0 612.000000 792.000000]" in data  # US Letter in points


def _note(*sections: Section) -> NoteDocument:
    return NoteDocument(
        title="Handoff", header=(Row(label="Patient", value="bed 12"),), sections=sections
    )


def test_a_long_document_takes_more_pages(qapp: QGuiApplication) -> None:
    items = tuple(Item(text=f"Paragraph {n}: " + "words " * 60) for n in range(80))
    record = handoff_record(
        _note(Section(key="warnings", title="Warnings", items=items)), meta("handoff")
    )
    data = pdf_bytes(record)
    assert pdf_page_count(data) > 1
    assert pdf_page_count(data) == pages(record)


def test_printing_goes_through_qprinter(qapp: QGuiApplication, tmp_path: Path) -> None:
    record = handoff_record(_note(), meta("handoff"))
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
    check = verification_record(
        verify_result(),  # type: ignore[arg-type]
        meta("verification"),
        VerificationPeople(verifier="AB"),
        ORDER_AT,
    )
    log_record(log, check, "verify", NOW)
    assert verify_chain(log).ok
    lines = [json.loads(x) for x in log.read_text(encoding="utf-8").splitlines()]
    assert lines[0]["event"] == "export"
    assert lines[0]["record"] == "taper-checklist"
    assert lines[0]["label"] == "  Bett 3 "  # as entered
    assert lines[0]["record_sha256"] == entry.record_sha256
    assert lines[0]["details"]["ruleset_sha256"] == RS.info.sha256
    assert lines[0]["details"]["regimen"] == "TAPER-MP1G"
    assert lines[1]["details"]["decision"] == "do_not_release"
    assert lines[1]["details"]["initials"] == "AB"


# --- the handoff record of a case document ----------------------------------------------------

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
        "Temperature 39.2 °C",
        "Oxygen nasal cannula at 4 L/min",
        "CRS grade 2",
        "Hypotension not needing vasopressors",
        "ICANS grade 1",
        "560 mg",
        "1 x 400 mg + 2 x 80 mg",
        "Suggested actions",
        "CRS-G2",
        "Lee DW et al.",
        "astct-nccn-2026",
        RS.info.version,
        RS.info.sha256,
        "CRS Bedside Calculator 0.1.0",
        "made 2026-11-21 09:30",
        "Note made 2026-11-21 09:30",
        "Next dose: not before 2026-11-21 10:00 (TOCI-INTERVAL, TOCI-MAX)",
    ):
        assert words in text, words
    for wrong in (
        "temperature c",
        "l min",
        "T08:00",
        "T10:00",
        "Steroid taper",
        "Improving since the last tocilizumab",
    ):
        assert wrong not in text, wrong
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


def test_note_html_renders_the_structure_without_parsing_markdown() -> None:
    note = _note(
        Section(
            key="entered",
            title="What was entered",
            groups=(
                Group(
                    title="CRS",
                    rows=(
                        Row(label="Temperature", value="39 °C"),
                        Row(label="Oxygen", value="room air"),
                    ),
                ),
            ),
            rows=(Row(label="Doses", value="none recorded"),),
        ),
        Section(
            key="tocilizumab",
            title="Tocilizumab",
            rows=(
                Row(
                    label="Next dose", value="not before x < y", rules=("TOCI-INTERVAL",), flag=True
                ),
            ),
        ),
        Section(
            key="actions",
            title="Suggested actions",
            remark="never orders",
            items=(Item(lead="GIVE", text="**not markdown**", rules=("MGT-CRS3",)),),
        ),
        Section(
            key="taper",
            title="Steroid taper",
            table=Table(headers=("h", "i"), rows=(("1", "2|3"),)),
        ),
    )
    out = note_html(note)
    assert '<p class="h1">Handoff</p>' in out
    assert '<p class="compact"><b>CRS</b>: Temperature 39 °C · Oxygen room air</p>' in out
    assert '<p class="compact">Doses: none recorded</p>' in out
    assert (
        '<li>Next dose: <b>not before x &lt; y</b> <span class="rules">(TOCI-INTERVAL)</span></li>'
        in out
    )
    assert "<p><i>never orders</i></p>" in out
    assert "<li><b>GIVE</b> **not markdown** <span" in out  # text is text, never markup
    assert '<th width="49%">h</th>' in out
    assert "<td nowrap>2|3</td>" in out


def test_long_columns_get_the_room_and_dates_do_not_wrap() -> None:
    from ui.records.note_page import _column_widths

    table = Table(
        headers=("Date", "Doses", "Daily total"),
        rows=(
            ("2026-11-21", "09:00 dexamethasone 10 mg IV; 15:00 dexamethasone 10 mg IV", "30 mg"),
        ),
    )
    date, doses, daily = _column_widths(table)
    assert doses > 2 * date
    assert doses > 2 * daily
    assert date >= 14 * 100 / (14 + 54 + 11) - 1  # room for the date and its padding
    assert "<td nowrap>2026-11-21</td>" in note_html(
        _note(Section(key="taper", title="T", table=table))
    )


def test_the_footer_carries_the_audit_chain_head(qapp: QGuiApplication, tmp_path: Path) -> None:
    log = tmp_path / "audit.jsonl"
    assert audit_head(None) is None  # no log kept: nothing said about one
    first = handoff_from_case(TYPICAL_CASE, NOW, RS, audit_log=log)
    assert f"0 entries; anchor 0:{'0' * 64}" in first.record.document.toPlainText()
    log_record(log, first.record, "export", NOW)
    head = audit_head(log)
    assert head is not None
    assert head.count == 1
    report = verify_chain(log)
    assert report.head is not None
    assert head.sha256 == report.head.sha256
    text = handoff_from_case(TYPICAL_CASE, NOW, RS, audit_log=log).record.document.toPlainText()
    assert f"Audit log before this record: 1 entry; anchor 1:{head.sha256}" in text
    # the printed anchor is what audit-verify checks later
    assert verify_chain(log, anchor=(1, head.sha256)).ok
    with log.open("ab") as f:
        f.write(b'{"cut')  # a damaged end: nothing unverified goes on paper
    assert audit_head(log) is None
    text = handoff_from_case(TYPICAL_CASE, NOW, RS, audit_log=log).record.document.toPlainText()
    assert "Audit log before this record" not in text


def test_improving_and_a_taper_print_only_when_the_case_has_them(qapp: QGuiApplication) -> None:
    answered = handoff_from_case({**TYPICAL_CASE, "improving": False}, NOW, RS)
    assert "Improving since the last tocilizumab dose: no" in answered.record.document.toPlainText()
    with_taper = handoff_from_case(
        {
            **TYPICAL_CASE,
            "taper": {"start": "2026-11-21T09:00", "regimen": "TAPER-DEX10", "days": 1},
        },
        NOW,
        RS,
    )
    assert "Steroid taper" in with_taper.record.document.toPlainText()


def test_python_dash_m_ui_export_pdf(tmp_path: Path) -> None:
    case = tmp_path / "case.json"
    case.write_text(json.dumps(TYPICAL_CASE))
    out = tmp_path / "out.pdf"
    done = run_ui(["--export-pdf", str(case), str(out)], tmp_path / "home")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert pdf_page_count(out.read_bytes()) == 1
    assert verify_chain(tmp_path / "home" / "audit.jsonl").entries == 1
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "crs-calc-case/9", "patient": {}}')
    done = run_ui(["--export-pdf", str(bad), str(tmp_path / "bad.pdf")], tmp_path / "home")
    assert done.returncode == 2
    assert "newer case format" in done.stderr
    assert "Traceback" not in done.stderr


def test_checklist_of_an_edited_regimen_says_which_step_was_edited(app_controller) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QDateTime

    c = app_controller
    v = c.taper.view
    v.start.setDateTime(QDateTime(datetime(2026, 3, 1, 8, 0)))
    c.taper.select_regimen("TAPER-MP1G")
    record = c.records.checklist()
    assert record is not None
    assert "Regimen: TAPER-MP1G. Starts" in record.document.toPlainText()
    v.steps.item(1, 1).setText("200")  # step 2: 250 mg -> 200 mg
    record = c.records.checklist()
    assert record is not None
    text = record.document.toPlainText()
    assert (
        "Regimen: TAPER-MP1G, step 2 edited: methylprednisolone 250 mg IV every 12 h for 2 days"
        " → methylprednisolone 200 mg IV every 12 h for 2 days." in text
    )
    assert record.details["plan"].startswith("TAPER-MP1G, step 2 edited")
    c.taper.select_regimen("TAPER-DEX10")  # another regimen: its own, unedited
    assert c.taper.origin() == ("TAPER-DEX10", None)


def test_records_from_the_app_carry_the_audit_chain_head(app_controller, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QDateTime

    from tests.ui.helpers import type_text

    c = app_controller
    type_text(c.window.patient_bar.weight.edit, "70")
    type_text(c.window.patient_bar.age.edit, "54")
    c.taper.view.start.setDateTime(QDateTime(datetime(2026, 11, 21, 16, 0)))
    c.taper.select_regimen("TAPER-MP1G")
    assert c.records.export_checklist(tmp_path / "one.pdf") is not None
    log = c.session.audit_log
    head = audit_head(log)
    assert head is not None
    assert head.count == 1
    handoff = c.records.handoff()
    assert handoff is not None
    assert f"1 entry; anchor 1:{head.sha256}" in handoff.document.toPlainText()
    checklist = c.records.checklist()
    assert checklist is not None
    assert f"1 entry; anchor 1:{head.sha256}" in checklist.document.toPlainText()
