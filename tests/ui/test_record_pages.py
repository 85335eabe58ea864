"""Printed records (issue 22): a page parted from the others still says whose it is and
which page it is; times read without "T"; words agree with their numbers; doses and the
weight read as the dose panel shows them."""

from __future__ import annotations

import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication

from calculator import ruleset
from calculator.edge.profile_files import builtin_profile
from calculator.management.models import Action
from calculator.records.case import load_case
from calculator.records.note import _action, make_note
from calculator.records.note_model import Item, NoteDocument, Row, Section
from calculator.teaching import Answer, Attempt, builtin_scenario, scenario_profile, score_attempt
from calculator.words import count
from ui.records import documents as records
from ui.records import paper, taper_checklist
from ui.records.documents import RecordMeta
from ui.records.note_page import handoff_record
from ui.records.paper import pdf_bytes, pdf_page_count
from ui.teaching import debrief
from ui.teaching.views import WATERMARK

NOW = datetime(2026, 11, 21, 9, 30)


def _long_handoff(label: str = "bed 12") -> records.Record:
    items = tuple(Item(text=f"Paragraph {n}: " + "words " * 60) for n in range(40))
    note = NoteDocument(
        title="Handoff",
        header=(Row(label="Patient", value=label),),
        sections=(Section(key="warnings", title="Warnings", items=items),),
    )
    meta = RecordMeta(
        "handoff", "CRS / ICANS handoff note", ruleset().info, "astct-nccn-2026", NOW, label
    )
    return handoff_record(note, meta)


def _bands_drawn(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    drawn: list[str] = []
    real = paper.draw_band

    def spy(painter, rect, text):  # type: ignore[no-untyped-def]
        drawn.append(text)
        real(painter, rect, text)

    monkeypatch.setattr(paper, "draw_band", spy)
    return drawn


def test_every_handoff_page_names_the_patient_and_its_page(
    qapp: QGuiApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn = _bands_drawn(monkeypatch)
    data = pdf_bytes(_long_handoff())
    n = pdf_page_count(data)
    assert n >= 2
    heads, feet = drawn[0::2], drawn[1::2]
    assert len(heads) == len(feet) == n
    for page, (head, foot) in enumerate(zip(heads, feet, strict=True), start=1):
        assert "patient label: bed 12" in head
        assert "made 2026-11-21 09:30" in head
        assert foot.endswith(f"page {page} of {n}")


def test_a_handoff_without_a_label_says_so_on_every_page(
    qapp: QGuiApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn = _bands_drawn(monkeypatch)
    pdf_bytes(_long_handoff(label=""))
    assert len(drawn) >= 4  # a head and a foot on each of at least two pages
    assert all("no patient label entered" in head for head in drawn[0::2])


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext not installed")
def test_the_handoff_pdf_text_has_the_header_and_page_on_page_two(
    qapp: QGuiApplication, tmp_path: Path
) -> None:
    pdf = tmp_path / "handoff.pdf"
    pdf.write_bytes(pdf_bytes(_long_handoff()))
    text = subprocess.run(
        ["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = [p for p in text.split("\f") if p.strip()]
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert "patient label: bed 12" in page, number
        assert f"page {number} of {len(pages)}" in page, number


def _debrief_score(learner: str) -> tuple[object, Attempt]:
    scenario = builtin_scenario("adult-axicel-escalation")
    rs = ruleset()
    profile = scenario_profile(scenario, rs)
    answers = []
    for cp in scenario.checkpoints:
        given: dict[str, object] = {"checkpoint": cp.id}
        if "next_tocilizumab_at" in cp.ask:
            given["next_tocilizumab_at"] = "2026-03-01T20:00"
        answers.append(Answer.model_validate(given))
    attempt = Attempt(
        format="crs-calc-attempt/1", scenario=scenario, learner=learner, answers=tuple(answers)
    )
    return score_attempt(attempt, profile, rs), attempt


def test_every_debrief_page_names_the_learner(
    qapp: QGuiApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn = _bands_drawn(monkeypatch)
    score, attempt = _debrief_score("Nurse Ada")
    data = debrief.debrief_pdf(score, attempt)  # type: ignore[arg-type]
    n = pdf_page_count(data)
    assert n >= 2
    heads, feet = drawn[0::2], drawn[1::2]
    assert len(heads) == n
    for page, (head, foot) in enumerate(zip(heads, feet, strict=True), start=1):
        assert WATERMARK in head
        assert "Learner: Nurse Ada" in head
        assert foot == f"{WATERMARK} · page {page} of {n}"


def test_debrief_times_read_without_t_and_doses_as_the_dose_panel_shows_them(
    qapp: QGuiApplication,
) -> None:
    score, attempt = _debrief_score("")
    html = debrief.debrief_html(score, attempt)  # type: ignore[arg-type]
    assert "2026-03-01T" not in html
    assert "2026-03-01 20:00" in html
    assert debrief._value("2026-03-01T20:00", "next_tocilizumab_at") == "2026-03-01 20:00"
    assert debrief._value(656.1, "tocilizumab_dose_mg") == "656.1 mg"
    assert debrief._value(560.0, "tocilizumab_dose_mg") == "560 mg"
    assert debrief._value("give", "actions.tocilizumab") == "give"


def test_words_agree_with_their_numbers() -> None:
    assert count(1, "day") == "1 day"
    assert count(2, "day") == "2 days"
    assert count(1.5, "day") == "1.5 days"
    action = Action(
        code="dexamethasone", strength="give", text="x", rules=(), dose_mg=10.0, every_h=6.0, days=1
    )
    assert "for 1 day:" in _action(action).text
    assert "1 days" not in _action(action).text


def test_a_weight_in_lb_prints_the_kilograms_the_dose_was_computed_from() -> None:
    rs = ruleset()
    case = load_case(
        {
            "format": "crs-calc-case/1",
            "patient": {"weight_kg": 82.009501, "age_years": 64},
            "at": "2026-11-21T14:00",
            "made_at": "2026-11-21T14:00",
            "units": {"weight": "lb"},
        }
    )
    md = make_note(case, builtin_profile(rs, None), rs).markdown
    # the dose panel: "Weight 82.01 kg (= 180.8 lb)", 656.1 mg, 32.81 mL
    assert "Weight: 180.8 lb (82.01 kg)" in md
    assert "656.1 mg IV over 60 min (8 mg/kg x 82.01 kg)" in md
    assert "32.81 mL" in md
    assert "(82 kg)" not in md


def test_record_doses_read_as_the_dose_panel_shows_them() -> None:
    from ui.units import fmt

    for mg in (656.1, 560.0, 1234567.0, 0.25):
        assert taper_checklist._fmt_mg(mg) == f"{fmt(mg)} mg"
    assert taper_checklist._fmt_mg(1234567.0) == "1234567 mg"


def test_a_one_dose_taper_says_one_administration(qapp: QGuiApplication) -> None:
    from calculator.taper import plan_taper
    from calculator.taper.models import TaperInput, TaperStepInput

    rs = ruleset()
    plan = plan_taper(
        TaperInput(
            start="2026-11-21T08:00",
            steps=(
                TaperStepInput(drug="dexamethasone", dose_mg=10, route="IV", every_h=24, days=1),
            ),
        ),
        builtin_profile(rs, None),
        rs,
    )
    assert len(plan.administrations) == 1
    meta = RecordMeta("taper-checklist", "Taper", rs.info, "p", NOW)
    text = taper_checklist.taper_checklist(plan, meta).document.toPlainText()
    assert "1 administration." in text
    assert "1 administrations" not in text
