"""Teaching mode in the app: results hidden until commit, feedback, the scenario clock in
the dose log and the management panel, no autosave, the SIMULATION watermark on screen
and in the debrief PDF, the attempt saved and reopened, a clean state for each learner."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from calculator.teaching import builtin_scenario, builtin_scenarios, dump_scenario
from tests.ui.helpers import run_ui, type_text
from ui.case.local_clock import from_core
from ui.controllers.app import AppController
from ui.store.storage import locate
from ui.teaching import TeachingLauncher, install_menu
from ui.teaching.debrief import DebriefDialog, debrief_pdf
from ui.teaching.files import read_attempt
from ui.teaching.session import TeachingSession
from ui.teaching.views import WATERMARK, Banner

ESCALATION = "adult-axicel-escalation"


def _flush() -> None:
    for _ in range(3):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        QApplication.processEvents()


@pytest.fixture
def launcher(qapp: QApplication) -> Iterator[TeachingLauncher]:
    launcher = TeachingLauncher()
    yield launcher
    for dialog in launcher.dialogs:
        dialog.close()
        dialog.deleteLater()
    for session in list(launcher.sessions):
        session.close()
    _flush()
    launcher.deleteLater()


@pytest.fixture
def session(launcher: TeachingLauncher, qtbot: QtBot) -> TeachingSession:
    s = launcher.start(builtin_scenario(ESCALATION))
    qtbot.waitExposed(s.window)
    return s


def goto(session: TeachingSession, checkpoint_id: str) -> None:
    ids = [c.id for c in session.scenario.checkpoints]
    session.show_checkpoint(ids.index(checkpoint_id))


def choose(combo, data) -> None:  # type: ignore[no-untyped-def]
    combo.setCurrentIndex(combo.findData(data))


def test_results_are_hidden_until_the_learner_commits(session: TeachingSession) -> None:
    grading = session.app.grading
    assert session.results_hidden()
    # the learner enters findings: the tools compute, but nothing of it shows
    type_text(grading.view.crs_inputs.temperature.edit, "38.9")
    QApplication.processEvents()
    assert grading.grades().crs == 1  # computed ...
    for cover in session.covers:
        assert not cover.isHidden()
        assert cover.geometry().contains(cover.covered_rect())
    assert not grading.view.crs_result.isEnabled()  # ... and out of reach of the keyboard
    assert not grading.view.management.isEnabled()
    assert session.panel.feedback.isHidden()
    assert session.commit() is not None
    assert all(c.isHidden() for c in session.covers)
    assert grading.view.crs_result.isEnabled()
    assert session.panel.feedback.isVisibleTo(session.panel)
    # the next checkpoint covers them again
    session.next_checkpoint()
    assert session.results_hidden()


def test_other_scales_table_is_covered_until_commit(session: TeachingSession) -> None:
    """The 'Other scales' table shows the ASTCT grade (issue 25): covered like the others."""
    from ui.teaching.views import Cover

    view = session.app.grading.view
    view.crosswalk.toggle.setChecked(True)
    type_text(view.crs_inputs.temperature.edit, "38.9")
    QApplication.processEvents()
    assert view.crosswalk.rows["astct_crs"].grade.text() == "1"  # computed ...
    covers = [c for c in view.crosswalk.table.findChildren(Cover) if not c.isHidden()]
    assert covers  # ... and covered
    assert not view.crosswalk.table.isEnabled()
    session.commit()
    assert view.crosswalk.table.isEnabled()


def test_the_pinned_grade_badges_are_covered_until_commit(session: TeachingSession) -> None:
    """The CRS and ICANS badges sit above the findings, apart from their results: a learner
    must not read 'CRS grade 1' off them before committing an answer."""
    from ui.teaching.views import Cover

    view = session.app.grading.view
    type_text(view.crs_inputs.temperature.edit, "38.9")
    QApplication.processEvents()
    for badge in (view.crs_result.badge, view.icans_result.badge):
        covers = [c for c in badge.findChildren(Cover) if not c.isHidden()]
        assert covers, badge.objectName()
        assert covers[0].geometry().contains(badge.rect())
    assert session.commit() is not None
    for badge in (view.crs_result.badge, view.icans_result.badge):
        assert all(c.isHidden() for c in badge.findChildren(Cover))


def test_feedback_marks_each_item_and_critical_errors_stand_out(session: TeachingSession) -> None:
    goto(session, "morning")  # CRS 3, one dose at 02:15, the next not before 10:15
    form = session.panel.answers
    choose(form.crs_grade, 3)
    choose(form.icans_grade, 1)
    choose(form.actions["tocilizumab"], "give")
    form.dose.setText("984")  # 12 mg/kg: a critical dose error
    form.next_at.setText("0900")
    items = session.commit()
    assert items is not None
    fb = session.panel.feedback
    status = {card.title.text().split(" — ")[1]: card.property("status") for card in fb.items}
    assert status["CRS grade"] == "right"
    assert status["ICANS grade"] == "wrong"
    assert status["Next tocilizumab dose from"] == "wrong"
    assert fb.critical is not None
    text = " ".join(line.text() for line in fb.critical.lines)
    assert "tocilizumab" in text
    assert "Tocilizumab dose" in text
    assert all(links.rule_ids() for links in fb.critical.rule_links)
    assert "TEACH-CRITICAL" in fb.critical.rule_links[0].rule_ids()
    # the explanation is the core's: the clock's own reason names TOCI-INTERVAL
    time_card = next(c for c in fb.items if "Next tocilizumab" in c.title.text())
    assert "10:15" in time_card.answer.text()
    assert "TOCI-INTERVAL" in time_card.why.text()


def test_a_bad_dose_answer_is_refused_by_field(session: TeachingSession) -> None:
    session.panel.answers.dose.setText("six hundred")
    assert session.commit() is None
    assert "not a number" in session.panel.answers.dose_error.error_text()
    assert session.results_hidden()
    session.panel.answers.dose.setText("-5")
    assert session.commit() is None
    assert session.panel.answers.dose_error.error_text()
    session.panel.answers.dose.setText("656")
    assert session.commit() is not None


def test_a_dose_answer_with_a_decimal_comma(session: TeachingSession) -> None:
    """Issue 22: "656,5" is 656.5 mg; "1,000" (a thousand or one?) is refused, named."""
    session.panel.answers.dose.setText("1,000")
    assert session.commit() is None
    assert session.panel.answers.dose_error.error_text().startswith(
        'Tocilizumab dose (mg): "1,000" could be 1000 or 1.000'
    )
    session.panel.answers.dose.setText("656,5")
    assert session.read_answer().tocilizumab_dose_mg == 656.5


def test_the_scenario_clock_drives_the_dose_log_and_management(session: TeachingSession) -> None:
    """Scenario time 2026-03-02 09:00, dose at 02:15: the tools count from the scenario
    clock, never from today's wall clock."""
    goto(session, "morning")
    app = session.app
    at = datetime(2026, 3, 2, 9, 0)
    assert app.state.at() == at
    assert app.state.wall_now() == at  # "Now" in the dose log is the scenario's now
    assert from_core(app.management.payload()["at"]) == at
    assert app.dose.dose_times == [datetime(2026, 3, 2, 2, 15)]
    schedule = app.dose.schedule
    assert schedule is not None
    assert schedule.at == at
    assert schedule.next_eligible_at == datetime(2026, 3, 2, 10, 15)
    app.dose.view.time_field.now_button.click()
    assert "2026-03-02 09:00" in app.dose.view.dose_time.text()
    session.next_checkpoint()
    assert app.state.at() == datetime(2026, 3, 2, 10, 30)
    assert from_core(app.management.payload()["at"]) == datetime(2026, 3, 2, 10, 30)


def test_no_autosave_and_no_recovery_during_teaching(
    app_controller: AppController, qtbot: QtBot
) -> None:
    launcher = install_menu(app_controller)
    action = next(
        a
        for a in app_controller.window.findChildren(type(app_controller.window.action_new))
        if a.objectName() == f"scenario_{ESCALATION}"
    )
    action.trigger()
    assert len(launcher.sessions) == 1
    session = launcher.sessions[0]
    try:
        assert session.app.session.autosaver is None
        assert session.app.session.audit_log is None
        type_text(session.app.grading.view.crs_inputs.temperature.edit, "38.9")
        session.commit()
        qtbot.wait(app_controller.session.settings.autosave_delay_ms + 400)
        assert not locate().autosave_file.exists()
        assert not app_controller.session.recovery_pending
    finally:
        session.close()
        _flush()


def test_watermark_on_every_screen(session: TeachingSession, qtbot: QtBot) -> None:
    banners = session.window.findChildren(Banner)
    assert len(banners) >= 2  # over the tools and over the scenario panel
    assert all(b.text() == WATERMARK and b.isVisible() for b in banners)
    assert WATERMARK in session.window.windowTitle()
    session.commit()
    dialog = session.finish()
    assert isinstance(dialog, DebriefDialog)
    assert dialog.banner.isVisible()
    assert WATERMARK in dialog.windowTitle()
    assert WATERMARK in dialog.text.toPlainText()
    dialog.close()


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext not installed")
def test_debrief_pdf_has_the_watermark_on_every_page(
    session: TeachingSession, tmp_path: Path
) -> None:
    for _ in session.scenario.checkpoints:
        session.commit()
        session.next_checkpoint()
    score = session.score()
    pdf = tmp_path / "debrief.pdf"
    pdf.write_bytes(debrief_pdf(score, session.attempt()))
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = [p for p in text.split("\f") if p.strip()]
    assert len(pages) >= 2
    for page in pages:
        assert page.count(WATERMARK) >= 2  # head and foot
    assert "Debrief" in text
    assert f"{score.score.points} of {score.score.possible}" in text


def test_attempt_saved_from_the_debrief_reopens_with_the_same_score(
    session: TeachingSession, tmp_path: Path
) -> None:
    session.panel.learner.setText("Nurse A")
    choose(session.panel.answers.crs_grade, 1)
    session.commit()
    session.next_checkpoint()
    choose(session.panel.answers.crs_grade, 2)
    choose(session.panel.answers.actions["tocilizumab"], "give")
    session.commit()
    dialog = session.finish()
    assert isinstance(dialog, DebriefDialog)
    path = tmp_path / "attempt.json"
    assert dialog.save_attempt(path)
    dialog.close()
    attempt = read_attempt(path)
    assert attempt.learner == "Nurse A"
    assert [a.checkpoint for a in attempt.answers] == ["evening", "night"]
    assert attempt == session.attempt()
    from ui.teaching.debrief import score_of

    assert score_of(attempt) == session.score()


def test_every_teaching_save_asks_for_a_path_and_names_a_failed_write(
    launcher: TeachingLauncher,
    session: TeachingSession,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from PySide6.QtWidgets import QFileDialog

    from ui.teaching.classroom import ClassSummaryDialog
    from ui.teaching.editor import ScenarioEditor

    shown: list[tuple[str, str]] = []
    # Every message box is ui.widgets' plain-text one (issue 20), imported where it is used.
    monkeypatch.setattr(
        "ui.records.save_dialog.warning_box",
        lambda parent, title, text: shown.append((title, text)),
    )
    session.panel.learner.setText("Nurse A")
    choose(session.panel.answers.crs_grade, 1)
    session.commit()
    debrief = session.finish()
    assert isinstance(debrief, DebriefDialog)
    summary = launcher.class_summary(None)  # type: ignore[arg-type]
    assert isinstance(summary, ClassSummaryDialog)
    editor = launcher.editor(None, builtin_scenario(ESCALATION))  # type: ignore[arg-type]
    assert isinstance(editor, ScenarioEditor)
    saves = [
        (debrief.save_attempt, "attempt.json", "The attempt"),
        (debrief.save_pdf, "debrief.pdf", "The debrief PDF"),
        (summary.export_csv, "class.csv", "The class summary"),
        (editor.save_file, "scenario.json", "The scenario"),
    ]
    # the user cancels the dialog: nothing written, nothing said
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a: ("", ""))
    for save, _, _ in saves:
        assert not save()
    assert shown == []
    # the path the user picks is the one written
    for save, name, _ in saves:
        picked = tmp_path / name
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, p=picked: (str(p), ""))
        assert save()
        assert picked.stat().st_size > 0
    assert editor.path == tmp_path / "scenario.json"
    # a "folder" that is a file: refused in one sentence naming what, where and why
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("kept", encoding="utf-8")
    for save, name, _ in saves:
        assert not save(blocker / name)
    assert editor.path == tmp_path / "scenario.json"  # still the file it last saved
    assert [title for title, _ in shown] == ["Not saved"] * 4
    for (_, text), (_, name, what) in zip(shown, saves, strict=True):
        assert text.startswith(f"{what} could not be written to {blocker / name} ("), text
        assert text.endswith("; any earlier version of it was left as it was."), text
    assert blocker.read_text(encoding="utf-8") == "kept"
    debrief.close()


def test_the_answer_grades_and_score_ranges_come_from_the_core(
    launcher: TeachingLauncher, session: TeachingSession
) -> None:
    """No clinical number is literal in the teaching forms: the grades offered are the ones
    an attempt may hold (the core's Answer bounds), the ICE/CAPD ranges the rule data's."""
    from pydantic import ValidationError

    import calculator
    from calculator.teaching import Answer
    from ui.teaching.editor import ScenarioEditor

    for box, field in (
        (session.panel.answers.crs_grade, "crs_grade"),
        (session.panel.answers.icans_grade, "icans_grade"),
    ):
        data = [box.itemData(i) for i in range(box.count())]
        assert data[0] is None  # not answered
        assert data[1:] == list(range(0, 6))  # CRS and ICANS grades 0-5
        for grade in data[1:]:
            Answer.model_validate({"checkpoint": "x", field: grade})
        for outside in (data[1] - 1, data[-1] + 1):
            with pytest.raises(ValidationError):
                Answer.model_validate({"checkpoint": "x", field: outside})
    rs = calculator.ruleset()
    editor = launcher.editor(None, builtin_scenario(ESCALATION))  # type: ignore[arg-type]
    assert isinstance(editor, ScenarioEditor)
    ice, capd = editor.form.ice.accessibleName(), editor.form.capd.accessibleName()
    assert ice == f"ICE score 0-{rs.icans.ice.max_score} (blank: not assessed)"
    assert capd == f"CAPD total 0-{rs.icans.capd.max_score} (blank: not assessed)"
    assert (ice[:14], capd[:15]) == ("ICE score 0-10", "CAPD total 0-32")  # ICANS-ICE, -CAPD


def test_next_learner_gets_a_clean_state(
    launcher: TeachingLauncher, session: TeachingSession
) -> None:
    session.panel.learner.setText("Nurse A")
    type_text(session.app.grading.view.crs_inputs.temperature.edit, "39.9")
    session.commit()
    fresh = launcher.next_learner(session)
    _flush()
    assert launcher.sessions == [fresh]
    assert fresh.panel.learner.text() == ""
    assert fresh.answers == {}
    assert fresh.index == 0
    assert fresh.app.grading.view.crs_inputs.temperature.edit.text() == ""
    assert fresh.results_hidden()
    fresh.close()


def test_a_bad_scenario_file_is_refused_by_field(
    launcher: TeachingLauncher, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(
        "ui.teaching.files.warning_box", lambda parent, title, text: shown.append(text)
    )
    doc = dump_scenario(builtin_scenario(ESCALATION))
    doc["checkpoints"][1]["at"] = "2026-03-01T19:00"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert launcher.open_file(None, path) is None  # type: ignore[arg-type]
    assert "checkpoints[1].at" in shown[0]
    path.write_bytes(b"\xff\xfe not json")
    assert launcher.open_file(None, path) is None  # type: ignore[arg-type]
    assert len(shown) == 2
    fifo = tmp_path / "scenario.json"
    os.mkfifo(fifo)  # reading a FIFO would wait forever for a writer: refused, never opened
    assert launcher.open_file(None, fifo) is None  # type: ignore[arg-type]
    assert len(shown) == 3
    assert "regular file" in shown[2] or "not a file" in shown[2], shown[2]
    assert launcher.sessions == []


def test_headless_teach_screenshot_and_export_debrief(tmp_path: Path) -> None:
    scenario = tmp_path / "scenario.json"
    scenario.write_text(json.dumps(dump_scenario(builtin_scenario(ESCALATION))))
    done = run_ui(
        ["--teach", str(scenario), "--screenshot", str(tmp_path / "shots")], tmp_path / "home"
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "shots" / "teach-learner.png").stat().st_size > 10_000
    assert (tmp_path / "shots" / "teach-feedback.png").stat().st_size > 10_000
    assert not (tmp_path / "home").exists() or not any((tmp_path / "home").iterdir())
    attempt = tmp_path / "attempt.json"
    attempt.write_text(
        json.dumps(
            {
                "format": "crs-calc-attempt/1",
                "scenario": dump_scenario(builtin_scenario(ESCALATION)),
                "learner": "Nurse B",
                "answers": [{"checkpoint": "evening", "crs_grade": 1, "seconds": 30}],
            }
        )
    )
    out = tmp_path / "debrief.pdf"
    done = run_ui(["--export-debrief", str(attempt), str(out)], tmp_path / "home")
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(b"%PDF")
    attempt.write_text('{"format": "crs-calc-attempt/1", "scenario": {}, "answers": []}')
    done = run_ui(["--export-debrief", str(attempt), str(tmp_path / "bad.pdf")], tmp_path / "home")
    assert done.returncode == 2
    assert "scenario" in done.stderr


def _attempt_file(tmp_path: Path, name: str, learner: str, answers: list[dict]) -> Path:  # type: ignore[type-arg]
    path = tmp_path / name
    path.write_text(
        json.dumps(
            {
                "format": "crs-calc-attempt/1",
                "scenario": dump_scenario(builtin_scenario(ESCALATION)),
                "learner": learner,
                "answers": answers,
            }
        ),
        encoding="utf-8",
    )
    return path


def test_class_summary_over_several_attempt_files(
    launcher: TeachingLauncher, tmp_path: Path
) -> None:
    from ui.teaching.classroom import ClassSummaryDialog

    good = _attempt_file(tmp_path, "a.json", "Nurse A", [{"checkpoint": "evening", "crs_grade": 1}])
    give = [{"code": "tocilizumab", "strength": "give"}]
    other = _attempt_file(
        tmp_path, "b.json", "Nurse B", [{"checkpoint": "morning", "crs_grade": 2, "actions": give}]
    )
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "crs-calc-attempt/1"}', encoding="utf-8")
    dialog = launcher.class_summary(None)  # type: ignore[arg-type]
    assert isinstance(dialog, ClassSummaryDialog)
    assert dialog.banner.text() == WATERMARK
    problems = dialog.open_files([good, other, bad])
    assert len(problems) == 1
    assert problems[0].startswith("bad.json")
    assert dialog.rows.rowCount() == 2
    assert dialog.rows.item(0, 0).text() == "Nurse A"
    # Nurse A stopped after the first checkpoint: scored over it, the rest not reached.
    assert dialog.rows.item(0, 4).text().startswith("1 of ")
    assert "not reached: " in dialog.rows.item(0, 4).text()
    # two critical errors: tocilizumab before 10:15, and no corticosteroid at CRS grade 3
    assert dialog.rows.item(1, 5).text() == "2"
    assert "Nurse B" in dialog.critical.text()
    assert dialog.missed.rowCount() > 0
    out = tmp_path / "class.csv"
    assert dialog.export_csv(out)
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[1].startswith("Nurse A,a.json,adult-axicel-escalation")


def test_scenario_editor_shows_the_key_live_names_bad_fields_and_saves(
    launcher: TeachingLauncher, tmp_path: Path
) -> None:
    from ui.teaching.editor import ScenarioEditor

    editor = launcher.editor(None, builtin_scenario(ESCALATION))  # type: ignore[arg-type]
    assert isinstance(editor, ScenarioEditor)
    assert editor.banner.text() == WATERMARK
    editor.list.setCurrentRow(2)  # "morning": CRS 3 (NCCN worked example)
    assert "CRS grade 3" in editor.key_view.toPlainText()
    # the findings change, the key follows: afebrile and not masked is no CRS (CRS-GATE)
    type_text(editor.form.temperature, "37.0")
    editor.form.masked.setChecked(False)
    assert "CRS grade 0" in editor.key_view.toPlainText()
    # a checkpoint earlier than its doses is refused, naming the field
    type_text(editor.form.at, "2026-03-01 19:00")
    assert "checkpoints[2].tocilizumab_doses[0]" in editor.status.text()
    assert not editor.save_button.isEnabled()
    type_text(editor.form.at, "2026-03-02 09:00")
    assert editor.save_button.isEnabled()
    editor.add_checkpoint()
    assert editor.list.count() == 5
    out = tmp_path / "edited.json"
    assert editor.save_file(out)
    from ui.teaching.files import read_scenario

    saved = read_scenario(out)
    assert len(saved.checkpoints) == 5
    assert saved.checkpoints[2].crs.temperature_c == 37.0
    assert saved.checkpoints[4].at == datetime(2026, 3, 2, 14, 30)
    started: list[object] = []
    editor.try_out.connect(started.append)
    editor.try_button.click()
    assert started == [saved]  # the scenario on screen, as saved, is the one tried
    assert len(launcher.sessions) == 1
    assert launcher.sessions[0].scenario == saved


def test_the_debrief_prints_through_qprinter_with_the_watermark(
    session: TeachingSession, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtPrintSupport import QPrinter

    session.commit()
    dialog = session.finish()
    assert isinstance(dialog, DebriefDialog)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(out))
    # the print dialog asks first (the records' print path): cancelled, nothing printed
    from PySide6.QtPrintSupport import QPrintDialog
    from PySide6.QtWidgets import QDialog

    answers = [QDialog.DialogCode.Rejected, QDialog.DialogCode.Accepted]
    monkeypatch.setattr(QPrintDialog, "exec", lambda self: answers.pop(0))
    assert not dialog.print_debrief(printer)
    assert not out.exists()
    assert dialog.print_debrief(printer)
    assert answers == []
    assert out.read_bytes().startswith(b"%PDF")
    out.unlink()
    assert dialog.print_debrief(printer, ask=False)
    dialog.close()
    assert out.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", str(out), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert WATERMARK in text


@pytest.mark.parametrize("scenario_id", [s.id for s in builtin_scenarios()])
def test_every_builtin_scenario_runs_from_the_menu_to_the_debrief(
    app_controller: AppController, scenario_id: str
) -> None:
    """A teacher can run the whole library: each scenario opens from the Teaching menu,
    every checkpoint commits and moves the scenario clock, the debrief opens."""
    launcher = install_menu(app_controller)
    action = next(
        a
        for a in app_controller.window.findChildren(type(app_controller.window.action_new))
        if a.objectName() == f"scenario_{scenario_id}"
    )
    action.trigger()
    session = launcher.sessions[0]
    try:
        for i, cp in enumerate(session.scenario.checkpoints):
            assert session.app.state.at() == cp.at
            assert session.results_hidden()
            assert session.commit() is not None
            if i + 1 < len(session.scenario.checkpoints):
                assert session.panel.next.isVisibleTo(session.panel)
                session.next_checkpoint()
        dialog = session.finish()
        assert isinstance(dialog, DebriefDialog)
        assert session.score().score.possible > 0
        dialog.close()
    finally:
        session.close()
        _flush()


def test_stopping_early_scores_the_checkpoints_reached_and_lists_the_rest(
    session: TeachingSession,
) -> None:
    """Issue 22: after 1 of 4 checkpoints the debrief said "x of (all four)"; it scores
    the checkpoint reached and lists the others as not reached."""
    choose(session.panel.answers.crs_grade, 1)
    items = session.commit()
    assert items is not None
    possible = sum(i.possible for i in items)
    dialog = session.finish()
    assert isinstance(dialog, DebriefDialog)
    score = dialog.score
    ids = [c.id for c in session.scenario.checkpoints]
    assert len(ids) > 1
    assert score.score.possible == possible
    assert score.not_reached == tuple(ids[1:])
    text = dialog.text.toPlainText()
    assert f"Score: {score.score.points} of {possible} " in text
    assert f"Scored over the 1 of {len(ids)} checkpoints reached" in text
    assert f"not reached (not scored): {', '.join(ids[1:])}" in text
    dialog.close()


def test_the_learner_window_shows_the_checkpoints_passed_as_an_episode(
    session: TeachingSession,
) -> None:
    """Issue 24: the Episode view holds the checkpoints already passed, never the current
    one; the learner does not record into it."""
    app = session.app
    assert app.episode.assessments == []
    first = session.scenario.checkpoints[0]
    session.next_checkpoint()
    assert [a.at for a in app.episode.assessments] == [from_core(first.at)]
    assert app.episode.view.model.rowCount() == 1
    assert app.episode.result is not None  # graded by the core, as the feedback was
    assert not app.episode.record()  # Ctrl+Enter records nothing here
    assert len(app.episode.assessments) == 1
