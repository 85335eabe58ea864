"""The double check, second round (section 10, ruleset 2027.01), as a pharmacist uses it:
VERIFY-BLIND (Back asks, discards the verifier's entries, the record counts restarts),
Esc and Close ask before typed entries are dropped, VERIFY-CASE (the order's weight
against the open case's; the record says which weight the case held), the roles'
names, and the fit at 1366x700 with 100% and 200% text (the decision and the buttons
always in view)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from calculator.rulebook import ruleset
from ui.controllers.verification_controller import VerificationContext, VerificationController
from ui.shell.app import application
from ui.store.settings import Settings
from ui.views.verification_view import DISCARD_ON_BACK, DISCARD_ON_CLOSE, VerificationView

NOW = datetime(2026, 11, 21, 9, 30)
USABLE = (1366, 700)


def make(
    qtbot: QtBot, tmp_path: Path, case_weight: float | None = None
) -> tuple[VerificationView, VerificationController]:
    application()
    rs = ruleset()
    view = VerificationView()
    qtbot.addWidget(view)
    ctx = VerificationContext(
        rs=rs,
        profile=lambda: rs.profiles[rs.default_profile],
        settings=Settings,
        audit_log=tmp_path / "audit.jsonl",
        clock=lambda: NOW,
        label=lambda: "bed 12",
        case_weight=lambda: case_weight,
    )
    controller = VerificationController(view, ctx)
    view.show()
    return view, controller


def fill_order(view: VerificationView, controller: VerificationController, weight: str) -> None:
    controller.prefill_order("tocilizumab", float(weight), 54, None)
    view.order_dose.edit.setText("800")
    view.order_initials.setText("AB")


def fill_verifier(view: VerificationView, weight: str, dose: str) -> None:
    view.ind_weight.edit.setText(weight)
    view.ind_drug.setCurrentIndex(view.ind_drug.findData("tocilizumab"))
    view.ind_dose.edit.setText(dose)
    view.initials.setText("JS")


def test_back_asks_discards_the_verifiers_entries_and_the_record_counts_restarts(
    qtbot: QtBot, tmp_path: Path, double_check_questions: list[str]
) -> None:
    """VERIFY-BLIND: Back from step 2 asks; No keeps the verifier on step 2 with the
    entries; Yes discards them, Next returns to an empty step 2, and the record says the
    blind step was restarted (and how many times)."""
    view, controller = make(qtbot, tmp_path)
    fill_order(view, controller, "110")
    view.next_button.click()
    fill_verifier(view, "110", "800")
    view.ask = lambda question: False
    view.back_button.click()
    assert view.pages.currentIndex() == view.INDEPENDENT
    assert view.ind_dose.text() == "800"
    asked: list[str] = []
    view.ask = lambda question: asked.append(question) or True
    view.back_button.click()
    assert asked == [DISCARD_ON_BACK]
    assert view.pages.currentIndex() == view.ORDER
    view.next_button.click()
    assert view.pages.currentIndex() == view.INDEPENDENT
    assert [view.ind_weight.text(), view.ind_dose.text(), view.initials.text()] == ["", "", ""]
    assert view.ind_drug.currentIndex() == 0
    assert view.restarted.isVisible()
    assert "restarted 1 time:" in view.restarted.text()
    # A second restart with nothing typed asks nothing and still counts.
    view.back_button.click()
    assert asked == [DISCARD_ON_BACK]
    view.next_button.click()
    fill_verifier(view, "110", "800")
    assert controller.compare() is not None
    assert controller.record is not None
    text = controller.record.document.toPlainText()
    assert (
        "The blind step was restarted 2 times: the verifier's earlier entries were discarded "
        "(VERIFY-BLIND)" in text
    )
    assert controller.record.details["blind_restarts"] == "2"
    # A new check starts the count again.
    view.again_button.click()
    view.next_button.click()
    fill_verifier(view, "110", "800")
    controller.compare()
    assert controller.record is not None
    assert "The blind step was not restarted (VERIFY-BLIND)" in (
        controller.record.document.toPlainText()
    )


@pytest.mark.parametrize("how", ["escape", "close_box"])
def test_esc_and_close_ask_before_discarding_entries(
    qtbot: QtBot, tmp_path: Path, how: str
) -> None:
    view, controller = make(qtbot, tmp_path)
    fill_order(view, controller, "80")
    view.next_button.click()
    fill_verifier(view, "80", "640")
    asked: list[str] = []
    answer = [False]
    view.ask = lambda question: asked.append(question) or answer[0]

    def close() -> None:
        if how == "escape":
            qtbot.keyClick(view.ind_dose.edit, Qt.Key.Key_Escape)
        else:
            view.close()

    close()
    assert asked == [DISCARD_ON_CLOSE]
    assert view.isVisible()
    assert view.ind_dose.text() == "640"
    answer[0] = True
    close()
    assert not view.isVisible()


def test_close_after_the_comparison_asks_nothing(qtbot: QtBot, tmp_path: Path) -> None:
    """Compared entries are in the logged record: closing then loses nothing; nothing typed
    beyond the dose panel's prefill loses nothing either."""
    view, controller = make(qtbot, tmp_path)
    controller.prefill_order("tocilizumab", 80, 54, None)
    asked: list[str] = []
    view.ask = lambda question: asked.append(question) or False
    assert not controller.has_unsaved_entries()
    fill_order(view, controller, "80")
    view.next_button.click()
    fill_verifier(view, "80", "800")
    assert controller.compare() is not None
    view.close_button.click()
    assert asked == []
    assert not view.isVisible()


def test_verify_case_the_order_weight_against_the_open_case(qtbot: QtBot, tmp_path: Path) -> None:
    """VERIFY-CASE: an 82 kg case open, an order for 110 kg / 800 mg, verified the same, is
    do not release; the record says the case held 82 kg."""
    view, controller = make(qtbot, tmp_path, case_weight=82.0)
    fill_order(view, controller, "110")
    view.next_button.click()
    fill_verifier(view, "110", "800")
    result = controller.compare()
    assert result is not None
    assert result.decision == "do_not_release"
    assert view.decision.text() == (
        "DO NOT RELEASE: ordered weight 110 kg, the open case's weight 82 kg: differ by 28 kg "
        "(more than 0.1 kg): confirm the weight (VERIFY-CASE)"
    )
    assert controller.record is not None
    text = controller.record.document.toPlainText()
    assert "The open case held 82 kg (VERIFY-CASE)" in text
    assert controller.record.details["case_weight_kg"] == "82"
    # The case's weight corrected on the order: released.
    view.again_button.click()
    view.order_weight.edit.setText("82")
    view.order_dose.edit.setText("656")
    view.next_button.click()
    fill_verifier(view, "82", "656")
    result = controller.compare()
    assert result is not None
    assert result.decision == "release", result.reasons


def test_no_case_weight_is_said_on_the_record(qtbot: QtBot, tmp_path: Path) -> None:
    view, controller = make(qtbot, tmp_path, case_weight=None)
    fill_order(view, controller, "100")
    view.next_button.click()
    fill_verifier(view, "100", "800")
    assert controller.compare() is not None
    assert controller.record is not None
    assert "No case weight was known" in controller.record.document.toPlainText()


def test_the_roles_are_the_prescribers_order_and_the_verifier(qtbot: QtBot, tmp_path: Path) -> None:
    view, _ = make(qtbot, tmp_path)
    texts = " ".join(w.text() for w in view.findChildren(QWidget) if hasattr(w, "text"))
    assert "prescriber's order" in texts.lower()
    assert "checker" not in texts.lower()
    assert view.order_initials.accessibleName() == (
        "Initials of who entered the prescriber's order"
    )


# --- fit at 1366x700 with 100% and 200% text --------------------------------------------------


@pytest.fixture(params=[1.0, 2.0], ids=["font100", "font200"])
def scale(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[float]:
    """200% text simulated by doubling the application font's point size."""
    application()
    original = QFont(qapp.font())
    scaled = QFont(original)
    scaled.setPointSizeF(original.pointSizeF() * request.param)
    qapp.setFont(scaled)
    try:
        yield request.param
    finally:
        qapp.setFont(original)


def _in_sight(widget: QWidget, window: QWidget) -> None:
    assert widget.isVisible(), widget.objectName()
    region = widget.visibleRegion()
    assert not region.isEmpty(), f"{widget.objectName()} is scrolled or covered away"
    assert region.boundingRect() == widget.rect(), f"{widget.objectName()} is partly hidden"
    where = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
    assert window.rect().contains(where), f"{widget.objectName()} {where} outside {window.rect()}"


def test_the_dialog_fits_1366x700_with_the_decision_and_buttons_in_view(
    scale: float, qtbot: QtBot, tmp_path: Path
) -> None:
    view, controller = make(qtbot, tmp_path, case_weight=82.0)
    hint = view.sizeHint()
    assert hint.width() <= USABLE[0]
    assert hint.height() <= USABLE[1]
    assert view.minimumSizeHint().height() <= USABLE[1]
    view.resize(*USABLE)
    qtbot.waitExposed(view)
    for button in (view.next_button,):
        _in_sight(button, view)
    fill_order(view, controller, "110")
    view.next_button.click()
    for button in (view.back_button, view.compare_button):
        _in_sight(button, view)
    fill_verifier(view, "110", "880")
    assert controller.compare() is not None
    QApplication.processEvents()
    assert view.table.rowCount() > 15  # many rows: the page scrolls, the decision stays
    for widget in (
        view.decision,
        view.print_button,
        view.pdf_button,
        view.again_button,
        view.close_button,
    ):
        _in_sight(widget, view)
    assert view.decision.text().startswith("DO NOT RELEASE")
