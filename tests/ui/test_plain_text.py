"""Text from a person or a file is shown as plain text everywhere (issue 20).

Qt shows any text that looks like HTML as rich text and loads the images it names: a
patient label ``<img src='/dev/zero'>`` in the recovery question, or an institution
profile named ``Ward 7 <img src='/dev/zero'>`` in the status line, exhausted memory at
every start. These tests never name /dev/zero: a missing image (which Qt would try to
load, and warn about, if it rendered the text as HTML) and ``<b>x</b>`` stand in, and the
crash case is checked by the text format itself.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from calculator.teaching import builtin_scenario, dump_scenario
from tests.ui.helpers import fill_patient, type_text
from ui.controllers import dose, session
from ui.controllers.app import AppController
from ui.controllers.unsaved import ask_save  # the real one: conftest patches the module's
from ui.store.settings import Settings, save_settings
from ui.store.storage import locate
from ui.teaching import TeachingLauncher
from ui.teaching.classroom import ClassSummaryDialog
from ui.teaching.editor import ScenarioEditor
from ui.teaching.session import TeachingSession
from ui.views.settings_dialog import SettingsDialog
from ui.views.verification_view import VerificationView
from ui.widgets import (
    GradeBadge,
    MessageList,
    RuleLinks,
    information_box,
    plain_tip,
    question_box,
    warning_box,
)

#: An image Qt would try to load if it took the text as HTML (harmless: it is missing).
IMG = "<img src='file:///nonexistent-crs-calc.png'>"
HOSTILE = f"{IMG} <b>x</b> &amp;"
#: The same in a file name (no "/").
FILE_NAME = "<b>bed<b> &amp;"
NOW = datetime(2026, 11, 21, 14, 0)
ESCALATION = "adult-axicel-escalation"
UI = Path(__file__).resolve().parents[2] / "ui"

#: Our own rich text, each built with html.escape around every outside piece. The three
#: widget classes build their rich text themselves from escaped pieces (set_grade,
#: set_rules, set_items); the rest are named one by one.
RICH_CLASSES = (GradeBadge, RuleLinks, MessageList)
RICH_NAMES = {
    "crsDefinitionsText",  # rule text from the rule data, escaped (controllers/grading.py)
    "icansDefinitionsText",
    "doseCounts",  # numbers only (controllers/dose.py)
    "taperTotal",  # escaped totals (controllers/taper.py)
    "citations",  # escaped citations (Sources dialog)
    "aboutText",  # escaped names and versions (Help > About)
    "ruleText",  # trace.rule_tooltip, escaped
}
RICH_PATTERNS = (re.compile(r"^feedbackItem\d+Why$"), re.compile(r"^teachingPoints"))


def _rich_allowed(label: QLabel) -> bool:
    name = label.objectName()
    return (
        isinstance(label, RICH_CLASSES)
        or name in RICH_NAMES
        or any(p.match(name) for p in RICH_PATTERNS)
    )


def _labels(root: QWidget) -> list[QLabel]:
    found = root.findChildren(QLabel)
    return [root, *found] if isinstance(root, QLabel) else found


def format_problems(root: QWidget) -> list[str]:
    """Every label left to Qt's guess (AutoText), and every rich one not ours by name."""
    problems = []
    for label in _labels(root):
        fmt = label.textFormat()
        where = f"{type(label).__name__}({label.objectName() or '?'!r}) {label.text()[:40]!r}"
        if fmt == Qt.TextFormat.AutoText:
            problems.append(f"AutoText: {where}")
        elif fmt != Qt.TextFormat.PlainText and not _rich_allowed(label):
            problems.append(f"rich text not on the allow-list: {where}")
    return problems


def shown_as_written(root: QWidget, text: str) -> list[QLabel]:
    """The labels under ``root`` showing ``text``; each must be plain text."""
    showing = [label for label in _labels(root) if text in label.text()]
    for label in showing:
        assert label.textFormat() == Qt.TextFormat.PlainText, label.objectName()
    return showing


@pytest.fixture
def boxes(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Qt.TextFormat, str, str]]:
    """Every QMessageBox run modally: (text format, title, text); answered with No."""
    seen: list[tuple[Qt.TextFormat, str, str]] = []

    def exec_(box: QMessageBox) -> int:
        seen.append((box.textFormat(), box.windowTitle(), box.text()))
        return QMessageBox.StandardButton.No.value

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    return seen


@pytest.fixture
def launcher(qapp: QApplication) -> Iterator[TeachingLauncher]:
    launcher = TeachingLauncher()
    yield launcher
    for dialog in launcher.dialogs:
        dialog.close()
        dialog.deleteLater()
    for s in list(launcher.sessions):
        s.close()
    launcher.deleteLater()


@pytest.fixture
def make(qtbot: QtBot) -> Callable[[], AppController]:
    def build() -> AppController:
        c = AppController(clock=lambda: NOW, locations=locate())
        qtbot.addWidget(c.window)
        c.window.resize(1366, 768)
        c.window.show()
        qtbot.waitExposed(c.window)
        return c

    return build


# --- the check that every label is plain text or ours ------------------------------------


def test_every_label_of_every_window_and_dialog_is_plain_or_ours(
    app_controller: AppController, launcher: TeachingLauncher, qtbot: QtBot
) -> None:
    c = app_controller
    fill_patient(c)
    type_text(c.grading.view.crs_inputs.temperature.edit, "39.5")  # results and cards
    problems = format_problems(c.window)
    teaching = launcher.start(builtin_scenario(ESCALATION))
    qtbot.waitExposed(teaching.window)
    teaching.commit()  # the feedback items are built on commit
    problems += format_problems(teaching.window)
    dialogs: list[QWidget] = [
        c.show_sources(),
        ClassSummaryDialog(None),
        ScenarioEditor(None, None),
        SettingsDialog([("p", "Profile")]),
        VerificationView(),
        teaching.finish(),
    ]
    for dialog in dialogs:
        problems += format_problems(dialog)
        dialog.close()
        dialog.deleteLater()
    assert problems == []


def test_the_check_finds_a_label_left_to_qt(qapp: QApplication) -> None:
    # The check itself can fail: Qt's default is AutoText.
    root = QWidget()
    QLabel("<b>x</b>", root)
    assert format_problems(root) != []
    root.deleteLater()


def test_no_static_message_box_helper_is_used() -> None:
    """QMessageBox.warning and its kin guess the format: every box goes through
    ui.widgets (warning_box, question_box, information_box), which is plain text."""
    static = re.compile(r"QMessageBox\.(warning|information|critical|question|about)\(")
    users = [
        str(path.relative_to(UI.parent))
        for path in UI.rglob("*.py")
        if static.search(path.read_text(encoding="utf-8"))
    ]
    assert users == []


def test_the_message_boxes_are_plain_text(
    boxes: list[tuple[Qt.TextFormat, str, str]], qapp: QApplication
) -> None:
    warning_box(None, "w", HOSTILE)
    information_box(None, "i", HOSTILE)
    assert question_box(None, "q", HOSTILE) == QMessageBox.StandardButton.No
    assert not session.ask_restore(None, HOSTILE)  # type: ignore[arg-type]
    ask_save(None, "closing")  # type: ignore[arg-type]
    dose.ask_duplicate(None, "2026-11-21 14:00")  # type: ignore[arg-type]
    dose.ask_late_dose(None, "2026-11-21 14:00", "2026-11-21 14:00", True)  # type: ignore[arg-type]
    assert len(boxes) == 7
    assert {fmt for fmt, _, _ in boxes} == {Qt.TextFormat.PlainText}
    assert [text for _, _, text in boxes[:4]] == [HOSTILE] * 4


def test_a_tooltip_with_markup_is_shown_as_written() -> None:
    assert plain_tip("plain words\nsecond line") == "plain words\nsecond line"
    tip = plain_tip(HOSTILE)
    assert IMG not in tip
    assert "&lt;img src=&#x27;file:///nonexistent-crs-calc.png&#x27;&gt;" in tip
    assert "&lt;b&gt;x&lt;/b&gt; &amp;amp;" in tip


# --- through the real files and windows -----------------------------------------------


def test_a_patient_label_in_the_recovery_question_is_plain_text(
    make: Callable[[], AppController],
    crs_calc_home: Path,
    qtbot: QtBot,
    boxes: list[tuple[Qt.TextFormat, str, str]],
) -> None:
    save_settings(crs_calc_home / "settings.toml", Settings(autosave_delay_ms=100))
    first = make()
    autosave = first.session.autosaver.path  # type: ignore[union-attr]
    fill_patient(first)
    type_text(first.window.patient_bar.label, HOSTILE)
    qtbot.waitUntil(
        lambda: autosave.exists() and "nonexistent" in autosave.read_text(), timeout=5000
    )
    keeper = first.session.keeper  # the first process dies: no clean close
    assert keeper is not None
    keeper.autosaver.stop()
    first.window.removeEventFilter(first.session)
    keeper.ownership.release()
    first.session.keeper = None

    second = make()  # start-up completes
    assert not second.session.offer_recovery()  # the real question, answered No
    fmt, title, text = boxes[-1]
    assert title == "Restore the last case?"
    assert fmt == Qt.TextFormat.PlainText
    assert f"“{HOSTILE}”" in text
    # Declined: the notice names whose case was kept, as written.
    assert second.window.notice.text in shown_as_written(second.window, HOSTILE)


def test_a_case_file_with_markup_opens_as_written(
    app_controller: AppController, tmp_path: Path, boxes: list[tuple[Qt.TextFormat, str, str]]
) -> None:
    c = app_controller
    fill_patient(c)
    type_text(c.window.patient_bar.label, HOSTILE)
    path = tmp_path / f"{FILE_NAME}.json"
    assert c.save_case(path)
    assert c.window.windowTitle() == f"CRS Bedside Calculator — {FILE_NAME}.json"
    c.new_case()
    assert c.window.patient_bar.label.text() == ""
    assert c.open_case(path)
    assert c.window.patient_bar.label.text() == HOSTILE
    assert format_problems(c.window) == []
    # A refused case file quotes its name in a plain message box.
    path.write_text(json.dumps({"format": HOSTILE}), encoding="utf-8")
    assert not c.open_case(path)
    fmt, title, text = boxes[-1]
    assert (fmt, title) == (Qt.TextFormat.PlainText, "Case not opened")
    assert HOSTILE in text, text  # the refused value, quoted as written


def _profile_file(folder: Path, name: str = "ward.toml") -> Path:
    path = folder / name
    path.write_text(
        f'id = "ward-7"\nname = "Ward 7 {HOSTILE}"\ndescription = "{HOSTILE}"\n'
        "toci_max_total = 3\n",
        encoding="utf-8",
    )
    return path


def test_an_institution_profile_named_with_markup_starts_and_shows_as_written(
    make: Callable[[], AppController], crs_calc_home: Path
) -> None:
    profile = _profile_file(crs_calc_home)
    save_settings(crs_calc_home / "settings.toml", Settings(institution_profile_file=str(profile)))
    c = make()  # start-up completes, with the institution profile in force
    assert c.profile.id == "ward-7"
    status = c.window.status_profile
    assert status.text().endswith(f"Ward 7 {HOSTILE}")
    assert status.textFormat() == Qt.TextFormat.PlainText
    tip = status.toolTip()  # name and description, escaped inside our own paragraph
    assert IMG not in tip
    assert tip.count("&lt;img src=&#x27;file:///nonexistent-crs-calc.png&#x27;&gt;") == 2
    action = c.window.profile_actions["ward-7"]
    assert action.text() == f"Ward 7 {HOSTILE.replace('&', '&&')} (institution)"
    assert format_problems(c.window) == []


def test_a_refused_institution_profile_file_is_named_as_written(
    make: Callable[[], AppController], crs_calc_home: Path
) -> None:
    bad = crs_calc_home / f"{FILE_NAME}.toml"
    bad.write_text("this is = = not TOML", encoding="utf-8")
    save_settings(crs_calc_home / "settings.toml", Settings(institution_profile_file=str(bad)))
    c = make()
    notice = c.window.notice.text
    assert f"{FILE_NAME}.toml" in notice.text()
    assert notice.textFormat() == Qt.TextFormat.PlainText


def _scenario_file(folder: Path, **change: Any) -> Path:
    doc = dump_scenario(builtin_scenario(ESCALATION))
    doc["title"] = HOSTILE
    doc["checkpoints"][0]["narrative"] = HOSTILE
    doc.update(change)
    path = folder / "scenario.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_a_scenario_title_and_narrative_are_shown_as_written(
    launcher: TeachingLauncher, tmp_path: Path, qtbot: QtBot
) -> None:
    teaching = launcher.open_file(None, _scenario_file(tmp_path))  # type: ignore[arg-type]
    assert isinstance(teaching, TeachingSession)
    qtbot.waitExposed(teaching.window)
    panel = teaching.panel
    assert panel.title.text() == HOSTILE
    assert panel.narrative.text() == HOSTILE
    assert {label.objectName() for label in shown_as_written(teaching.window, HOSTILE)} >= {
        "scenarioTitle",
        "narrative",
    }
    assert teaching.window.windowTitle().endswith(HOSTILE)
    assert format_problems(teaching.window) == []


def test_a_refused_scenario_format_is_quoted_as_written(
    launcher: TeachingLauncher, tmp_path: Path, boxes: list[tuple[Qt.TextFormat, str, str]]
) -> None:
    path = _scenario_file(tmp_path, format=HOSTILE)
    assert launcher.open_file(None, path) is None  # type: ignore[arg-type]
    fmt, title, text = boxes[-1]
    assert (fmt, title) == (Qt.TextFormat.PlainText, "Scenario refused")
    assert HOSTILE in text


def test_a_learner_name_is_shown_as_written(
    launcher: TeachingLauncher, qtbot: QtBot, tmp_path: Path
) -> None:
    teaching = launcher.start(builtin_scenario(ESCALATION), learner=HOSTILE)
    qtbot.waitExposed(teaching.window)
    assert teaching.panel.learner.text() == HOSTILE
    debrief = teaching.finish()
    html_text = debrief.text.toHtml()  # type: ignore[attr-defined]
    assert HOSTILE in debrief.text.toPlainText()  # type: ignore[attr-defined]
    assert "<img" not in html_text  # escaped: no image element in the document
    debrief.close()
    # The class summary's table shows the name as written; its tooltip is escaped.
    attempt = tmp_path / "attempt.json"
    assert debrief.save_attempt(attempt)  # type: ignore[attr-defined]
    summary = ClassSummaryDialog(None)
    qtbot.addWidget(summary)
    summary.open_files([attempt])
    cells = [
        summary.rows.item(r, c)
        for r in range(summary.rows.rowCount())
        for c in range(summary.rows.columnCount())
    ]
    named = [item for item in cells if item is not None and item.text() == HOSTILE]
    assert named
    assert all(IMG not in item.toolTip() for item in named)
    assert format_problems(summary) == []
