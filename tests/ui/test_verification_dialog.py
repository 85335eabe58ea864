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

from calculator.records.audit import append, head, verify_chain
from calculator.rulebook import ruleset
from tests.ui.helpers import type_text
from ui.controllers.app import AppController
from ui.controllers.verification_controller import (
    VerificationContext,
    VerificationController,
    parse_vials,
)
from ui.records.paper import pdf_page_count
from ui.shell.app import application
from ui.store.settings import Settings
from ui.views.verification_view import VerificationView

NOW = datetime(2026, 11, 21, 9, 30)


@pytest.fixture
def doses() -> list[datetime]:
    """The dose log the dialog reads (VERIFY-CLOCK): each test's own, empty at the start."""
    return []


@pytest.fixture
def dialog(
    qtbot: QtBot, tmp_path: Path, doses: list[datetime]
) -> tuple[VerificationView, VerificationController]:
    application()  # the app's style sheet: the decision's colour comes from it
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
        doses_given=lambda: tuple(doses),
    )
    controller = VerificationController(view, ctx)
    view.show()
    return view, controller


def type_independent(view: VerificationView, weight: str, drug: str, dose: str) -> None:
    view.ind_weight.edit.setText(weight)
    view.ind_drug.setCurrentIndex(view.ind_drug.findData(drug))
    view.ind_dose.edit.setText(dose)


def choose(combo: QComboBox, data: str) -> None:
    combo.setCurrentIndex(combo.findData(data))


def test_blind_entry_then_comparison_names_the_mismatch(
    dialog: tuple[VerificationView, VerificationController], tmp_path: Path, qtbot: QtBot
) -> None:
    view, controller = dialog
    controller.prefill_order("tocilizumab", 80, 54, 800)
    view.order_vials.edit.setText("2x400")
    view.order_initials.setText("AB")
    assert view.pages.currentIndex() == view.ORDER
    view.next_button.click()
    assert view.pages.currentIndex() == view.INDEPENDENT
    # Nothing calculated (640 mg) and nothing of the order (800 mg) on the verifier's page.
    shown = " ".join(visible_texts())
    assert "640" not in shown
    assert "800" not in shown
    type_independent(view, "80", "tocilizumab", "800")
    view.initials.setText("JS")
    with qtbot.waitSignal(controller.verified, timeout=2000) as blocker:
        view.compare_button.click()
    result = blocker.args[0]
    assert result.decision == "do_not_release"
    assert view.pages.currentIndex() == view.RESULT
    assert view.decision.text() == (
        "DO NOT RELEASE: ordered 800 mg, calculated 640 mg: +25% (beyond the 10% tolerance) "
        "(VERIFY-TOL)"
    )
    texts = [view.table.item(r, 0).text() for r in range(view.table.rowCount())]
    assert "ordered 800 mg, calculated 640 mg: +25% (beyond the 10% tolerance)" in texts
    outcomes = [view.table.item(r, 1).text() for r in range(view.table.rowCount())]
    assert "DO NOT RELEASE (VERIFY-TOL)" in outcomes
    # The check is logged; the export is logged with the PDF's sha256.
    pdf = controller.export_pdf(tmp_path / "check.pdf")
    assert pdf is not None
    assert pdf_page_count(pdf.read_bytes()) == 1
    entries = [json.loads(x) for x in (tmp_path / "audit.jsonl").read_text().splitlines()]
    assert [e["event"] for e in entries] == ["verify", "export"]
    assert entries[0]["details"]["initials"] == "JS"
    assert entries[0]["details"]["order_entered_by"] == "AB"
    assert entries[0]["details"]["decision"] == "do_not_release"
    assert entries[0]["label"] == "bed 12"
    assert verify_chain(tmp_path / "audit.jsonl").ok


def _fill(
    view: VerificationView,
    controller: VerificationController,
    order: dict[str, str],
    independent: dict[str, str],
) -> None:
    """Both entries as typed: weight, dose, every, bag as text; drug and route chosen."""
    controller.prefill_order(order["drug"], float(order["weight"]), 54, float(order["dose"]))
    for side, values, fields in (
        ("order", order, (view.order_every, view.order_bag, view.order_route)),
        ("ind", independent, (view.ind_every, view.ind_bag, view.ind_route)),
    ):
        every, bag, route = fields
        every.edit.setText(values.get("every", ""))
        bag.edit.setText(values.get("bag", ""))
        choose(route, values.get("route", ""))
        if side == "ind":
            type_independent(view, values["weight"], values["drug"], values["dose"])
    view.next_button.click()


TOCI_70 = {"drug": "tocilizumab", "weight": "70", "dose": "560", "route": "IV", "bag": "100"}


@pytest.mark.parametrize(
    ("order", "independent", "decision", "first_reason"),
    [
        pytest.param(
            TOCI_70,
            TOCI_70,
            "release",
            "RELEASE: the order, the calculation and the independent entry agree (VERIFY-DECISION)",
            id="release",
        ),
        pytest.param(
            {**TOCI_70, "dose": "580"},
            {**TOCI_70, "dose": "580"},
            "review",
            "REVIEW: ordered 580 mg, calculated 560 mg: +3.6% (within the 10% tolerance) "
            "(VERIFY-TOL)",
            id="review",
        ),
        pytest.param(
            {**TOCI_70, "weight": "110", "dose": "880"},
            {**TOCI_70, "weight": "110", "dose": "880"},
            "do_not_release",
            "DO NOT RELEASE: ordered 880 mg is above the 800 mg maximum per infusion (TOCI-CAP)",
            id="VERIFY-MAX",
        ),
        pytest.param(
            TOCI_70,
            {**TOCI_70, "weight": "64"},
            "do_not_release",
            "DO NOT RELEASE: independent weight 64 kg, ordered weight 70 kg: differ by 6 kg "
            "(more than 0.1 kg): confirm the weight (VERIFY-WEIGHT)",
            id="VERIFY-WEIGHT",
        ),
        pytest.param(
            TOCI_70,
            {**TOCI_70, "route": "SC"},
            "do_not_release",
            "DO NOT RELEASE: route: independent entry SC, ordered IV: different (VERIFY-FIELDS)",
            id="VERIFY-FIELDS-route",
        ),
        pytest.param(
            {**TOCI_70, "every": "8"},
            {**TOCI_70, "every": "12"},
            "do_not_release",
            "VERIFY-FIELDS",
            id="VERIFY-FIELDS-interval",
        ),
        pytest.param(
            TOCI_70,
            {**TOCI_70, "bag": "50"},
            "do_not_release",
            "VERIFY-FIELDS",
            id="VERIFY-FIELDS-bag",
        ),
    ],
)
def test_each_decision_is_shown_large_in_words_and_colour(
    dialog: tuple[VerificationView, VerificationController],
    order: dict[str, str],
    independent: dict[str, str],
    decision: str,
    first_reason: str,
) -> None:
    """VERIFY-DECISION: the dialog shows the core's decision and first reason as its
    headline, the decision as the frame's colour, and sends route, interval and bag."""
    view, controller = dialog
    _fill(view, controller, order, independent)
    payload = controller.payload()
    for side, values in (("order", order), ("independent", independent)):
        assert payload[side]["route"] == values["route"]
        assert payload[side]["bag_ml"] == float(values["bag"])
        assert payload[side].get("every_h") == (
            float(values["every"]) if "every" in values else None
        )
    result = controller.compare()
    assert result is not None
    assert result.decision == decision
    if first_reason.startswith(("RELEASE", "REVIEW", "DO NOT")):
        assert view.decision.text() == first_reason
    else:
        assert view.decision.text().startswith("DO NOT RELEASE: ")
        assert first_reason in view.decision.text()
    assert view.decision_box.property("decision") == decision
    assert view.decision.font().pointSizeF() > view.table.font().pointSizeF() * 1.5


def test_the_three_decisions_have_three_colours(
    dialog: tuple[VerificationView, VerificationController],
) -> None:
    view, _ = dialog
    colours = {}
    for decision in ("release", "review", "do_not_release"):
        view.set_decision(decision, decision.upper(), [f"{decision}: reason"])
        view.show_page(view.RESULT)
        QApplication.processEvents()
        image = view.decision_box.grab().toImage()
        colours[decision] = image.pixelColor(image.width() // 2, image.height() - 8).name()
    assert len(set(colours.values())) == 3, colours


def test_a_dose_the_clock_does_not_allow_is_not_released(
    dialog: tuple[VerificationView, VerificationController], doses: list[datetime]
) -> None:
    """VERIFY-CLOCK: the dose log's doses reach the check with the order's time."""
    view, controller = dialog
    doses.append(datetime(2026, 11, 21, 8, 0))
    view.order_at.setDateTime(datetime(2026, 11, 21, 9, 0))
    _fill(view, controller, TOCI_70, TOCI_70)
    payload = controller.payload()
    assert payload["at"] == datetime(2026, 11, 21, 9, 0)
    assert payload["doses_given"] == [datetime(2026, 11, 21, 8, 0)]
    result = controller.compare()
    assert result is not None
    assert result.decision == "do_not_release"
    assert "(VERIFY-CLOCK)" in view.decision.text()
    assert "Tocilizumab this episode (dose log): 2026-11-21 08:00" in view.doses_given.text()


def test_the_order_time_and_both_initials_reach_the_record(
    dialog: tuple[VerificationView, VerificationController],
) -> None:
    view, controller = dialog
    view.order_at.setDateTime(datetime(2026, 11, 21, 9, 5))
    view.order_initials.setText("AB")
    _fill(view, controller, TOCI_70, TOCI_70)
    view.initials.setText("JS")
    assert controller.compare() is not None
    assert controller.record is not None
    text = controller.record.document.toPlainText()
    assert "Patient label: bed 12 · order time: 2026-11-21 09:05" in text
    assert "RELEASE: the order, the calculation and the independent entry agree" in text
    assert "Prescriber's order entered by: AB" in text
    assert "independent entry by the verifier: JS" in text
    assert "checker" not in text
    assert "checked at 2026-11-21 09:30" in text
    for typed in ("IV", "100 mL"):
        assert typed in text


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
    assert view.ind_weight.error_text().startswith("Verifier's weight: ")
    assert '"eighty" is not a number' in view.ind_weight.error_text()
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


def pdf_text(path: Path) -> str:
    """The PDF's own text, via pdftotext; where it is not installed the test skips here
    (saying why) rather than reading the HTML the PDF was made from as if it were the PDF."""
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.skip("pdftotext not installed: the PDF's text cannot be read")
    done = subprocess.run([tool, str(path), "-"], capture_output=True, text=True, check=True)
    return done.stdout


def files_under(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_save_record_as_pdf_through_the_button(
    dialog: tuple[VerificationView, VerificationController],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    view, controller = dialog
    log = tmp_path / "audit.jsonl"  # the dialog's log (fixture): one entry before this check
    append(log, at=NOW, event="print", record="handoff")
    seq, sha = head(log)
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
    assert view.status.text() == f"Saved {target}."
    # The footer carries the chain head before the record, as the handoff note does.
    assert (seq, len(sha)) == (1, 64)
    document = controller.record.document.toPlainText()
    assert "DO NOT RELEASE: ordered 800 mg, calculated 640 mg" in document
    assert (
        f"Audit log before this record: 1 entry; anchor {seq}:{sha} (audit-verify --anchor)."
        in document
    )
    assert verify_chain(log, (seq, sha)).ok  # the anchor on paper checks against the log
    # Last, as it skips without pdftotext: the decision is in the PDF itself.
    assert "DO NOT RELEASE: ordered 800 mg, calculated 640 mg" in pdf_text(target)


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
    before = files_under(tmp_path)
    view.pdf_button.click()
    assert view.status.text() == ""
    assert files_under(tmp_path) == before  # cancelled: no PDF, nothing logged
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    before = files_under(tmp_path)
    monkeypatch.setattr(path, lambda *a, **k: (str(blocker / "check.pdf"), "PDF (*.pdf)"))
    view.pdf_button.click()
    assert "could not be saved" in view.status.text()
    assert files_under(tmp_path) == before  # not saved: no PDF, the file in the way untouched


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


def blind_notices(window: QWidget) -> list[QLabel]:
    return [w for w in window.findChildren(QLabel, "blindNotice") if w.isVisible()]


def test_step_two_shows_a_plain_notice_where_the_main_window_was(
    app_controller: AppController, qtbot: QtBot
) -> None:
    c = app_controller
    window = c.window
    assert not blind_notices(window)
    view = c.records.open_double_check()
    assert not blind_notices(window)  # step 1: the main window is still shown
    view.next_button.click()
    (notice,) = blind_notices(window)
    assert notice.text() == (
        "Hidden during the pharmacy double check: the verifier enters the order without "
        "seeing the calculation."
    )
    assert notice.text() in visible_texts()
    # It fills the space the contents left, and follows the window's size.
    assert notice.width() == window.width()
    assert notice.height() > 0
    window.resize(window.width() + 120, window.height() + 80)
    qtbot.waitUntil(lambda: notice.width() == window.width())
    view.back_button.click()  # leaving step 2 takes the notice away
    assert not blind_notices(window)
    assert window.centralWidget().isVisible()
    view.next_button.click()
    assert len(blind_notices(window)) == 1  # one notice, not one more per visit
    view.close()  # closing the dialog during step 2 takes it away too
    assert not blind_notices(window)
    assert window.centralWidget().isVisible()


def test_the_dose_log_is_not_sent_for_other_drugs(
    dialog: tuple[VerificationView, VerificationController], doses: list[datetime]
) -> None:
    view, controller = dialog
    doses.append(datetime(2026, 11, 21, 8, 0))
    controller.prefill_order("dexamethasone", 70, 54, 10)
    type_independent(view, "70", "dexamethasone", "10")
    assert "doses_given" not in controller.payload()
    assert controller.compare() is not None


def test_a_logged_dose_after_the_order_time_is_said_not_counted(
    dialog: tuple[VerificationView, VerificationController], doses: list[datetime]
) -> None:
    """VERIFY-CLOCK reads the clock at the order's time: a logged dose after it is not sent,
    and the dose-log line says so (never left out in silence); moving the order time
    after it counts it again."""
    view, controller = dialog
    doses.extend([datetime(2026, 11, 21, 8, 0), datetime(2026, 11, 21, 10, 0)])
    view.order_at.setDateTime(datetime(2026, 11, 21, 9, 0))
    _fill(view, controller, TOCI_70, TOCI_70)
    assert controller.payload()["doses_given"] == [datetime(2026, 11, 21, 8, 0)]
    assert view.doses_given.text() == (
        "Tocilizumab this episode (dose log): 2026-11-21 08:00, 2026-11-21 10:00 "
        "(1 after the order time 2026-11-21 09:00, not counted by the repeat-dose check)"
    )
    view.order_at.setDateTime(datetime(2026, 11, 21, 11, 0))
    assert controller.payload()["doses_given"] == [
        datetime(2026, 11, 21, 8, 0),
        datetime(2026, 11, 21, 10, 0),
    ]
    assert view.doses_given.text() == (
        "Tocilizumab this episode (dose log): 2026-11-21 08:00, 2026-11-21 10:00"
    )
