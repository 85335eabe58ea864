"""Issue 6 in the running window: handoff PDF and taper checklist from the menus and
buttons (audit-logged, chain verified), the pharmacy double check from Tools, autosave and
recovery in a new window, settings at start (a corrupt file) and Edit > Settings…."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QDateTime
from pytestqt.qtbot import QtBot

from calculator.records.audit import verify_chain
from calculator.rulebook import ruleset
from tests.ui.helpers import fill_patient, type_text
from ui.case import field_snapshot
from ui.controllers.app import AppController
from ui.store.settings import Settings, load_settings, save_settings
from ui.store.storage import locate
from ui.views.settings_dialog import SettingsDialog
from ui.views.verification_view import VerificationView

NOW = datetime(2026, 11, 21, 14, 0)
FAST = Settings(autosave_delay_ms=100)


def fill(c: AppController) -> None:
    fill_patient(c)
    bar = c.window.patient_bar
    type_text(bar.label, "Bed 12")
    g = c.grading.view
    type_text(g.crs_inputs.temperature.edit, "39.5")
    g.crs_inputs.vasopressors["norepinephrine"].setChecked(True)
    c.dose.add_dose(datetime(2026, 11, 21, 8, 0))
    c.taper.view.start.setDateTime(QDateTime(datetime(2026, 11, 21, 16, 0)))
    c.taper.select_regimen("TAPER-MP1G")


@pytest.fixture
def make(qtbot: QtBot) -> Callable[[], AppController]:
    """A main window as the app builds it (settings, autosave, audit log in CRS_CALC_HOME)."""

    def build() -> AppController:
        c = AppController(clock=lambda: NOW, locations=locate())
        qtbot.addWidget(c.window)
        c.window.resize(1366, 768)
        c.window.show()
        qtbot.waitExposed(c.window)
        return c

    return build


def crash(c: AppController) -> None:
    """The window's process dies: no clean close, and its locks go with it (a killed
    process's QLockFile is stale). The window object stays for qtbot to close."""
    keeper = c.session.keeper
    assert keeper is not None
    keeper.autosaver.stop()
    c.window.removeEventFilter(c.session)
    keeper.ownership.release()
    c.session.keeper = None


def save_to(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    monkeypatch.setattr(
        "ui.controllers.records_controller.QFileDialog.getSaveFileName",
        lambda *a, **k: (str(path), "PDF (*.pdf)"),
    )


def entries(log: Path) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


def test_export_handoff_pdf_from_the_file_menu(make, crs_calc_home, tmp_path, monkeypatch) -> None:
    c = make()
    fill(c)
    out = tmp_path / "handoff.pdf"
    save_to(monkeypatch, out)
    c.window.action_export_handoff.trigger()
    assert out.read_bytes().startswith(b"%PDF")
    log = crs_calc_home / "audit.jsonl"
    assert verify_chain(log).ok
    last = entries(log)[-1]
    assert (last["event"], last["record"], last["label"]) == ("export", "handoff", "Bed 12")
    rs = ruleset()
    assert last["details"]["ruleset_sha256"] == rs.sha256
    assert last["details"]["profile"] == c.profile.id
    assert last["details"]["crs_grade"] == "3"
    # What the record carries at its foot: app version, ruleset version + sha256, profile, time.
    text = c.records.handoff().document.toPlainText()  # type: ignore[union-attr]
    assert rs.sha256 in text
    assert f"ruleset {rs.info.version}" in text
    assert "made 2026-11-21 14:00" in text
    assert f"profile {c.profile.id}" in text


def test_no_handoff_record_for_an_incomplete_case(make, tmp_path, monkeypatch) -> None:
    c = make()
    shown: list[str] = []
    monkeypatch.setattr(
        "ui.controllers.records_controller.warning_box", lambda *a: shown.append(a[2])
    )
    save_to(monkeypatch, tmp_path / "handoff.pdf")
    c.window.action_export_handoff.trigger()
    assert "patient.weight_kg" in shown[0]
    assert not (tmp_path / "handoff.pdf").exists()


def test_print_handoff_goes_through_the_print_dialog(make, crs_calc_home, monkeypatch) -> None:
    c = make()
    fill(c)
    printed: list[str] = []

    def fake_print(record, printer, parent):  # type: ignore[no-untyped-def]
        printed.append(record.meta.kind)
        return True

    monkeypatch.setattr("ui.records.paper.print_with_dialog", fake_print)
    c.window.action_print_handoff.trigger()
    assert printed == ["handoff"]
    assert entries(crs_calc_home / "audit.jsonl")[-1]["event"] == "print"


def test_taper_checklist_pdf_from_the_planner(make, crs_calc_home, tmp_path, monkeypatch) -> None:
    c = make()
    fill(c)
    out = tmp_path / "taper.pdf"
    save_to(monkeypatch, out)
    c.taper.view.save_checklist.click()
    assert out.read_bytes().startswith(b"%PDF")
    record = c.records.checklist()
    assert record is not None
    text = record.document.toPlainText()
    assert "2026-11-21" in text
    assert "methylprednisolone" in text
    assert "IV" in text
    log = crs_calc_home / "audit.jsonl"
    assert verify_chain(log).ok
    last = entries(log)[-1]
    assert (last["event"], last["record"]) == ("export", "taper-checklist")
    assert last["details"]["regimen"] == "TAPER-MP1G"


def test_a_refused_taper_gives_no_checklist(make, tmp_path, monkeypatch) -> None:
    c = make()
    fill(c)
    c.taper.select_regimen("TAPER-DEX10")
    type_text(c.taper.view.first_days.edit, "-3")
    shown: list[str] = []
    monkeypatch.setattr(
        "ui.controllers.records_controller.warning_box", lambda *a: shown.append(a[2])
    )
    save_to(monkeypatch, tmp_path / "taper.pdf")
    c.taper.view.save_checklist.click()
    assert shown
    assert "fix the marked field" in shown[0]
    assert not (tmp_path / "taper.pdf").exists()


def test_pharmacy_double_check_from_the_tools_menu(make, crs_calc_home) -> None:
    c = make()
    fill(c)
    c.session.settings = c.session.settings.model_copy(update={"double_check_tolerance_pct": 7.5})
    c.window.action_double_check.trigger()
    views = [v for v in c.window.findChildren(VerificationView) if v.isVisible()]
    assert len(views) == 1
    view = views[0]
    assert view.order_weight.text() == "70"  # from the patient bar
    assert view.order_age.text() == "45"
    assert view.order_dose.text() == ""  # typed from the order, never the calculation
    view.order_drug.setCurrentIndex(view.order_drug.findData("tocilizumab"))
    view.order_dose.edit.setText("560")
    view.next_button.click()
    view.ind_weight.edit.setText("70")
    view.ind_drug.setCurrentIndex(view.ind_drug.findData("tocilizumab"))
    view.ind_dose.edit.setText("560")
    view.initials.setText("AB")
    view.compare_button.click()
    result = c.records.verification.result  # type: ignore[union-attr]
    assert result is not None
    assert result.tolerance_pct == 7.5  # the setting, not the profile's
    last = entries(crs_calc_home / "audit.jsonl")[-1]
    assert (last["event"], last["record"], last["details"]["initials"]) == (
        "verify",
        "verification",
        "AB",
    )
    view.close()


def test_autosave_after_a_change_and_recovery_in_a_new_window(
    make, crs_calc_home, qtbot: QtBot
) -> None:
    save_settings(crs_calc_home / "settings.toml", FAST)
    first = make()
    autosave = first.session.autosaver.path  # type: ignore[union-attr]
    assert autosave.parent.parent == crs_calc_home
    fill(first)
    qtbot.waitUntil(autosave.exists, timeout=5000)
    qtbot.waitUntil(lambda: "TAPER-MP1G" in autosave.read_text(encoding="utf-8"), timeout=5000)
    saved = json.loads(autosave.read_text(encoding="utf-8"))
    assert saved["case"]["patient"]["weight_kg"] == 70.0

    # The first window's process dies (never closed cleanly): a new one starts.
    crash(first)
    second = make()
    assert second.session.recovery_pending
    questions: list[str] = []
    restored = second.session.offer_recovery(lambda parent, q: questions.append(q) or True)
    assert restored
    assert "did not end cleanly" in questions[0]
    # Whose case it is: label, assessment time, last change.
    assert "“Bed 12”, assessed at 2026-11-21 14:00, last changed 2026-11-21 14:00" in questions[0]
    assert second.window.patient_bar.weight.text() == "70"
    assert second.window.patient_bar.label.text() == "Bed 12"
    assert second.grading.crs_result is not None
    assert second.grading.crs_result.grade == 3
    assert second.dose.dose_times == [datetime(2026, 11, 21, 8, 0)]
    assert second.taper.result is not None
    assert "restored" in second.window.notice.text.text()

    # A clean close removes the autosave.
    second.window.close()
    assert not autosave.exists()


def test_declined_recovery_is_kept_aside_and_an_unanswered_one_kept(
    make, crs_calc_home, qtbot: QtBot
) -> None:
    save_settings(crs_calc_home / "settings.toml", FAST)
    first = make()
    fill(first)
    autosave = first.session.autosaver.path  # type: ignore[union-attr]
    qtbot.waitUntil(autosave.exists, timeout=5000)
    kept = autosave.read_bytes()
    crash(first)

    unanswered = make()  # e.g. --exit-after-startup: never asked
    type_text(unanswered.window.patient_bar.weight.edit, "55")
    qtbot.wait(300)
    assert autosave.read_bytes() == kept  # not overwritten while the question is open
    unanswered.window.close()
    assert autosave.read_bytes() == kept  # nor removed by its close

    declined = make()
    assert not declined.session.offer_recovery(lambda parent, q: False)
    assert not autosave.exists()
    # Declining never deletes: the file is renamed aside, byte for byte.
    aside = list(autosave.parent.glob("current-case.json.declined-*"))
    assert len(aside) == 1
    assert aside[0].read_bytes() == kept
    assert aside[0].name in declined.window.notice.text.text()
    assert declined.window.patient_bar.weight.text() == ""


def test_a_corrupt_settings_file_gives_defaults_a_message_and_is_set_aside(
    make, crs_calc_home
) -> None:
    settings_file = crs_calc_home / "settings.toml"
    settings_file.write_text("units = [this is not toml", encoding="utf-8")
    c = make()
    assert c.session.settings == Settings()
    assert not settings_file.exists()
    aside = list(crs_calc_home.glob("settings.toml.corrupt-*"))
    assert len(aside) == 1
    notice = c.window.notice
    assert notice.isVisible()
    assert "settings file could not be used" in notice.text.text()
    assert aside[0].name in notice.text.text()
    assert "settings file" in c.window.statusBar().currentMessage()
    notice.dismiss.click()
    assert not notice.isVisible()


def test_settings_are_applied_at_start(make, crs_calc_home) -> None:
    settings = Settings.model_validate(
        {"default_profile": "eu-epcoritamab", "units": {"weight": "lb", "temperature": "F"}}
    )
    save_settings(crs_calc_home / "settings.toml", settings)
    c = make()
    assert c.profile.id == "eu-epcoritamab"
    assert c.window.patient_bar.weight_unit.currentText() == "lb"
    assert c.grading.view.crs_inputs.temperature_unit.currentText() == "°F"
    assert not c.window.notice.isVisible()
    type_text(c.window.patient_bar.weight.edit, "154")
    assert c.patient.context().weight_kg == pytest.approx(69.85, abs=0.01)


def test_a_missing_institution_profile_file_is_said_in_plain_words(make, crs_calc_home) -> None:
    missing = crs_calc_home / "nowhere" / "institution.toml"
    save_settings(crs_calc_home / "settings.toml", Settings(institution_profile_file=str(missing)))
    c = make()
    assert c.profile.id == ruleset().default_profile
    assert "was not found" in c.window.notice.text.text()


def test_edit_settings_dialog_saves_and_applies(make, crs_calc_home) -> None:
    c = make()
    c.window.action_settings.trigger()
    dialogs = [d for d in c.window.findChildren(SettingsDialog) if d.isVisible()]
    assert len(dialogs) == 1
    d = dialogs[0]
    d.tolerance.setText("abc")
    d.save_button.click()
    assert "double_check_tolerance_pct" in d.error.error_text()
    assert d.isVisible()
    assert not (crs_calc_home / "settings.toml").exists()

    d.tolerance.setText("5")
    d.weight_unit.setCurrentIndex(d.weight_unit.findData("lb"))
    d.temperature_unit.setCurrentIndex(d.temperature_unit.findData("F"))
    d.profile.setCurrentIndex(d.profile.findData("eu-epcoritamab"))
    d.page_size.setCurrentIndex(d.page_size.findData("Letter"))
    d.copies.setValue(2)
    d.save_button.click()
    assert not d.isVisible()
    loaded = load_settings(crs_calc_home / "settings.toml", NOW)
    assert loaded.messages == []
    s = loaded.settings
    assert s.double_check_tolerance_pct == 5
    assert (s.units.weight, s.units.temperature) == ("lb", "F")
    assert s.default_profile == "eu-epcoritamab"
    assert (s.printer.page_size, s.printer.copies) == ("Letter", 2)
    assert c.session.settings == s
    assert c.profile.id == "eu-epcoritamab"
    assert c.window.patient_bar.weight_unit.currentText() == "lb"
    c.new_case()
    assert c.grading.view.crs_inputs.temperature_unit.currentText() == "°F"
    assert c.window.patient_bar.weight_unit.currentText() == "lb"


def test_the_headless_controller_keeps_nothing_on_disk(qtbot: QtBot, crs_calc_home) -> None:
    c = AppController(clock=lambda: NOW)  # screenshots, self-test, benches
    qtbot.addWidget(c.window)
    fill(c)
    assert c.session.autosaver is None
    assert c.session.audit_log is None
    assert list(crs_calc_home.iterdir()) == []


def test_portable_mode_keeps_everything_beside_the_program(
    qtbot: QtBot, tmp_path, monkeypatch
) -> None:
    monkeypatch.delenv("CRS_CALC_HOME")
    monkeypatch.setenv("CRS_CALC_APP_DIR", str(tmp_path))
    (tmp_path / "crs-calc.portable").write_text("", encoding="utf-8")
    c = AppController(clock=lambda: NOW, locations=locate())
    qtbot.addWidget(c.window)
    folder = tmp_path / "crs-calc-data"
    assert c.session.locations is not None
    assert c.session.locations.portable
    assert c.session.audit_log == folder / "audit.jsonl"
    assert c.session.autosaver is not None
    assert c.session.autosaver.path.is_relative_to(folder)
    c.window.action_settings.trigger()
    dialog = c.window.findChild(SettingsDialog)
    dialog.save_button.click()
    assert (folder / "settings.toml").is_file()


def test_settings_dialog_controls_are_named(make) -> None:
    from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QComboBox, QLineEdit, QWidget

    kinds = (QAbstractButton, QAbstractSpinBox, QComboBox, QLineEdit)
    c = make()
    dialog = c.session.open_settings()
    controls = [
        w
        for w in dialog.findChildren(QWidget)
        if isinstance(w, kinds) and not w.objectName().startswith("qt_")
    ]
    assert len(controls) >= 10
    assert [w for w in controls if not (w.objectName() and w.accessibleName())] == []
    dialog.close()


def test_an_audit_write_failure_after_an_export_is_told_marked_not_logged_and_logged_once(
    make, crs_calc_home, tmp_path, monkeypatch
) -> None:
    c = make()
    fill(c)
    log = crs_calc_home / "audit.jsonl"
    if log.exists():
        log.unlink()
    log.mkdir()  # the log cannot be written (a folder stands where it should be)
    out = tmp_path / "handoff.pdf"
    save_to(monkeypatch, out)
    c.window.action_export_handoff.trigger()  # a traceback here would fail the test
    assert out.read_bytes().startswith(b"%PDF")
    notice = c.window.notice.text.text()
    assert "NOT LOGGED" in notice
    assert "handoff" in notice.lower()
    assert "(not logged)" in c.window.statusBar().currentMessage()
    assert len(c.records.audit.pending) == 1

    log.rmdir()  # the log can be written again: the retry logs the export once
    assert c.records.audit.retry() is None
    assert c.records.audit.pending == []
    assert c.records.audit.retry() is None  # a second retry logs nothing more
    exports = [e for e in entries(log) if e["event"] == "export"]
    assert len(exports) == 1
    assert exports[0]["label"] == "Bed 12"
    assert verify_chain(log).ok


@pytest.mark.parametrize("age", ["", "45"], ids=["age blank", "age given"])
def test_autosave_keeps_every_typed_field_valid_or_not_and_recovery_shows_it_exactly(
    make, crs_calc_home, qtbot: QtBot, age: str
) -> None:
    save_settings(crs_calc_home / "settings.toml", FAST)
    first = make()
    fill(first)
    bar = first.window.patient_bar
    type_text(bar.age.edit, age)
    g = first.grading.view
    type_text(g.crs_inputs.temperature.edit, "39.5.1")  # invalid: must not drop CRS
    g.crs_inputs.hypotension.setChecked(True)
    g.crs_inputs.oxygen.setCurrentIndex(g.crs_inputs.oxygen.count() - 1)
    type_text(g.crs_inputs.flow.edit, "12,5x")  # invalid too
    ic = g.icans_inputs
    ic.seizure.setCurrentIndex(ic.seizure.count() - 1)
    ic.motor.setChecked(True)
    type_text(first.taper.view.first_days.edit, "3.5.")
    on_screen = field_snapshot.capture(first.window)
    keeper = first.session.keeper
    assert keeper is not None
    assert keeper.autosaver.save_now()
    saved = json.loads(keeper.autosaver.path.read_text(encoding="utf-8"))
    assert saved["fields"] == on_screen
    if not age:
        assert saved["case"] is None  # no complete case document, yet nothing was dropped
    else:
        assert saved["case"]["patient"]["age_years"] == 45
    assert saved["extras"]["tocilizumab_doses"] == ["2026-11-21T08:00"]
    crash(first)

    second = make()
    assert second.session.offer_recovery(lambda parent, q: True)
    assert field_snapshot.capture(second.window) == on_screen
    v = second.grading.view.crs_inputs
    assert v.temperature.edit.text() == "39.5.1"
    assert v.flow.edit.text() == "12,5x"
    assert second.window.patient_bar.age.edit.text() == age
    assert second.dose.dose_times == [datetime(2026, 11, 21, 8, 0)]


def test_a_recovered_case_without_a_case_document_keeps_its_assessment_time(
    make, crs_calc_home, qtbot: QtBot
) -> None:
    """Age blank: no case document, only the typed fields. The restored "Assessed at" must
    be the autosaved one, not the live clock of the next start (which would overwrite it at
    its next tick and put every countdown on a time nobody entered)."""
    save_settings(crs_calc_home / "settings.toml", FAST)
    first = make()
    fill(first)
    type_text(first.window.patient_bar.age.edit, "")
    keeper = first.session.keeper
    assert keeper is not None
    assert keeper.autosaver.save_now()
    crash(first)

    later = AppController(clock=lambda: NOW + timedelta(hours=3), locations=locate())
    qtbot.addWidget(later.window)
    assert later.session.offer_recovery(lambda parent, q: True)
    assert later.state.at() == NOW
    assert not later.state.live
