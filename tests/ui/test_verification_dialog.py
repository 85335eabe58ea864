"""The pharmacy double-check dialog: blind entry, comparison, audit log, PDF record."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTableWidget,
    QTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from calculator.audit import verify_chain
from calculator.rulebook import ruleset
from tests.ui.helpers import type_text
from ui.controllers.app import AppController
from ui.controllers.verification_controller import (
    VerificationContext,
    VerificationController,
    parse_vials,
)
from ui.records import pdf_page_count
from ui.settings import Settings
from ui.views.verification_view import VerificationView

NOW = datetime(2026, 11, 21, 9, 30)


@pytest.fixture
def dialog(qtbot: QtBot, tmp_path: Path) -> tuple[VerificationView, VerificationController]:
    rs = ruleset()
    view = VerificationView()
    qtbot.addWidget(view)
    settings = [Settings()]
    ctx = VerificationContext(
        rs=rs,
        profile=lambda: rs.profiles[rs.default_profile],
        settings=lambda: settings[0],
        audit_log=tmp_path / "audit.jsonl",
        clock=lambda: NOW,
        label=lambda: "bed 12",
    )
    controller = VerificationController(view, ctx)
    view.show()
    return view, controller


def type_independent(view: VerificationView, weight: str, drug: str, dose: str) -> None:
    view.ind_weight.edit.setText(weight)
    view.ind_drug.setCurrentIndex(view.ind_drug.findData(drug))
    view.ind_dose.edit.setText(dose)


def test_blind_entry_then_comparison_names_the_mismatch(
    dialog: tuple[VerificationView, VerificationController], tmp_path: Path, qtbot: QtBot
) -> None:
    view, controller = dialog
    controller.prefill_order("tocilizumab", 80, 54, 800)
    view.order_vials.edit.setText("2x400")
    assert view.pages.currentIndex() == view.ORDER
    view.next_button.click()
    assert view.pages.currentIndex() == view.INDEPENDENT
    # Nothing calculated is on the verifier's page.
    assert "640" not in " ".join(w.text() for w in view.findChildren(type(view.verdict)))
    type_independent(view, "80", "tocilizumab", "800")
    view.initials.setText("JS")
    with qtbot.waitSignal(controller.verified, timeout=2000) as blocker:
        view.compare_button.click()
    result = blocker.args[0]
    assert result.verdict == "flagged"
    assert view.pages.currentIndex() == view.RESULT
    texts = [view.table.item(r, 0).text() for r in range(view.table.rowCount())]
    assert "ordered 800 mg, calculated 640 mg: +25% (beyond the 10% tolerance)" in texts
    assert "FLAGGED" in [view.table.item(r, 1).text() for r in range(view.table.rowCount())]
    # The check is logged; the export is logged with the PDF's sha256.
    pdf = controller.export_pdf(tmp_path / "check.pdf")
    assert pdf is not None
    assert pdf_page_count(pdf.read_bytes()) == 1
    entries = [json.loads(x) for x in (tmp_path / "audit.jsonl").read_text().splitlines()]
    assert [e["event"] for e in entries] == ["verify", "export"]
    assert entries[0]["details"]["initials"] == "JS"
    assert entries[0]["label"] == "bed 12"
    assert verify_chain(tmp_path / "audit.jsonl").ok


def test_refusals_are_shown_at_the_field(
    dialog: tuple[VerificationView, VerificationController],
) -> None:
    view, controller = dialog
    controller.prefill_order("tocilizumab", 80, 54, 640)
    view.next_button.click()
    type_independent(view, "eighty", "tocilizumab", "640")
    view.ind_vials.edit.setText("two big ones")
    assert controller.compare() is None
    assert "count x mg" in view.ind_vials.error_text()
    view.ind_vials.edit.setText("")
    assert controller.compare() is None
    assert view.ind_weight.error_text() == "must be a number"
    assert view.pages.currentIndex() == view.INDEPENDENT
    view.ind_weight.edit.setText("80")
    assert controller.compare() is not None
    assert view.ind_weight.error_text() == ""


def test_order_problem_points_back_to_step_one(
    dialog: tuple[VerificationView, VerificationController],
) -> None:
    view, controller = dialog
    controller.prefill_order("", 80, 54, 640)
    view.next_button.click()
    type_independent(view, "80", "tocilizumab", "640")
    assert controller.compare() is None
    assert view.order_drug_error.error_text()
    assert "go back" in view.general_error.error_text()


def test_settings_tolerance_is_used(
    dialog: tuple[VerificationView, VerificationController],
) -> None:
    view, controller = dialog
    controller.ctx.settings = lambda: Settings(double_check_tolerance_pct=2.0)
    controller.prefill_order("tocilizumab", 80, 54, 672)
    type_independent(view, "80", "tocilizumab", "672")
    result = controller.compare()
    assert result is not None
    assert (result.tolerance_pct, result.tolerance_from) == (2.0, "settings")
    assert result.flagged


@pytest.mark.parametrize(
    ("text", "vials"),
    [
        ("", None),
        ("1x400 + 3x80", [{"strength_mg": 400, "count": 1}, {"strength_mg": 80, "count": 3}]),
        ("2 × 200 mg", [{"strength_mg": 200, "count": 2}]),
    ],
)
def test_parse_vials(text: str, vials: object) -> None:
    assert parse_vials(text) == vials


# --- the button path of "Save record as PDF" and the blind step 2 -----------------------


def visible_texts() -> list[str]:
    """Every text a person can see on screen now: each visible widget of each visible
    window (labels, fields, buttons, combos, tables, text views, window titles)."""
    out: list[str] = []
    for window in QApplication.topLevelWidgets():
        if not window.isVisible():
            continue
        out.append(window.windowTitle())
        for w in [window, *window.findChildren(QWidget)]:
            if not w.isVisible():
                continue
            if isinstance(w, (QLabel, QLineEdit, QAbstractButton)):
                out.append(w.text())
            elif isinstance(w, QComboBox):
                out.append(w.currentText())
            elif isinstance(w, (QTextEdit, QPlainTextEdit)):
                out.append(w.toPlainText())
            elif isinstance(w, QTableWidget):
                out += [
                    w.item(r, c).text()
                    for r in range(w.rowCount())
                    for c in range(w.columnCount())
                    if w.item(r, c) is not None
                ]
    return out


def pdf_text(path: Path, record_html: str) -> str:
    """The PDF's text via pdftotext when installed, else the HTML it was rendered from."""
    tool = shutil.which("pdftotext")
    if tool is None:
        return record_html
    done = subprocess.run([tool, str(path), "-"], capture_output=True, text=True, check=True)
    return done.stdout


def test_save_record_as_pdf_through_the_button(
    dialog: tuple[VerificationView, VerificationController],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    view, controller = dialog
    controller.prefill_order("tocilizumab", 80, 54, 800)
    view.next_button.click()
    type_independent(view, "80", "tocilizumab", "800")
    view.compare_button.click()
    target = tmp_path / "records" / "check.pdf"
    asked: list[object] = []

    def choose(*args: object, **kwargs: object) -> tuple[str, str]:
        asked.append(args)
        return str(target), "PDF (*.pdf)"

    monkeypatch.setattr(
        "ui.controllers.verification_controller.QFileDialog.getSaveFileName", choose
    )
    view.pdf_button.click()
    assert asked, "the button did not ask where to save"
    assert target.exists()
    data = target.read_bytes()
    assert data.startswith(b"%PDF")
    assert controller.record is not None
    text = pdf_text(target, controller.record.document.toPlainText())
    assert "DO NOT RELEASE" in text.upper() or "FLAGGED" in text
    assert view.status.text() == f"Saved {target}."


def test_save_record_as_pdf_cancelled_or_unwritable(
    dialog: tuple[VerificationView, VerificationController],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    view, controller = dialog
    controller.prefill_order("tocilizumab", 80, 54, 640)
    type_independent(view, "80", "tocilizumab", "640")
    assert controller.compare() is not None
    path = "ui.controllers.verification_controller.QFileDialog.getSaveFileName"
    monkeypatch.setattr(path, lambda *a, **k: ("", ""))
    view.pdf_button.click()
    assert view.status.text() == ""
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setattr(path, lambda *a, **k: (str(blocker / "check.pdf"), "PDF (*.pdf)"))
    view.pdf_button.click()
    assert "could not be saved" in view.status.text()


def test_step_two_hides_every_calculated_value(app_controller: AppController) -> None:
    c = app_controller
    bar = c.window.patient_bar
    type_text(bar.age.edit, "45")
    type_text(bar.weight.edit, "70")
    c.window.tabs.setCurrentWidget(c.window.tool_pages["dose"])
    assert c.dose.view.dose_value.text() == "560 mg"
    assert any("560" in t for t in visible_texts())  # the test can see a dose when shown
    view = c.records.open_double_check()
    assert view.isModal()
    view.order_drug.setCurrentIndex(view.order_drug.findData("tocilizumab"))
    view.order_dose.edit.setText("880")
    view.next_button.click()
    assert view.pages.currentIndex() == view.INDEPENDENT
    shown = visible_texts()
    assert not [t for t in shown if re.search(r"\b(560|880)\b", t)], shown
    assert not c.window.centralWidget().isVisible()
    view.back_button.click()  # leaving step 2 shows the main window again
    assert c.window.centralWidget().isVisible()
    view.next_button.click()
    assert not c.window.centralWidget().isVisible()
    view.close()
    assert c.window.centralWidget().isVisible()
