"""The pharmacy double-check dialog: blind entry, comparison, audit log, PDF record."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from calculator.audit import verify_chain
from calculator.rulebook import ruleset
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
