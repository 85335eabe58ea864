"""The test suite never touches the user's real home folder (tests/conftest.py gives the
session its own HOME and XDG folders). This test runs the app the way a user does, with
no CRS_CALC_HOME, so every file goes where platformdirs puts it: settings, autosave, the
audit log, a handoff PDF and a taper checklist, and `python -m ui --export-pdf` in a
subprocess. None of it may land under the real home."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from calculator.records.audit import verify_chain
from tests.conftest import REAL_HOME, TEST_HOME
from tests.ui.conftest import NOW
from tests.ui.helpers import run_ui, type_text
from tests.ui.records.test_records import TYPICAL_CASE
from tests.ui.test_session_integration import fill
from ui.controllers.app import AppController
from ui.store.settings import Settings, save_settings
from ui.store.storage import ENV_HOME, locate

APP_FOLDERS = (".config/crs-calc", ".local/share/crs-calc")


def files_with(home: Path, marker: str) -> list[Path]:
    """Files under the app's folders in ``home`` that hold ``marker`` (read bounded).

    A marker unique to this run, rather than "nothing changed", so that another process
    of the same user writing its own files at the same moment cannot fail this test."""
    found = []
    for folder in APP_FOLDERS:
        root = home / folder
        for path in root.rglob("*") if root.is_dir() else ():
            if path.is_file():
                with path.open("rb") as f:
                    if marker.encode() in f.read(50_000_000):
                        found.append(path)
    return found


def test_the_session_has_its_own_home() -> None:
    assert TEST_HOME != REAL_HOME
    assert Path(os.environ["HOME"]).resolve() == TEST_HOME
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        assert Path(os.environ[name]).resolve().is_relative_to(TEST_HOME), name


def test_the_app_writes_nothing_under_the_real_home(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    marker = f"isolation-{uuid.uuid4().hex}"
    monkeypatch.delenv(ENV_HOME)  # as a user runs it: platformdirs decides
    loc = locate()
    assert loc.config_dir.resolve().is_relative_to(TEST_HOME)
    assert loc.data_dir.resolve().is_relative_to(TEST_HOME)

    c = AppController(clock=lambda: NOW, locations=loc)
    qtbot.addWidget(c.window)
    c.window.show()
    qtbot.waitExposed(c.window)
    save_settings(loc.settings_file, Settings())
    fill(c)
    type_text(c.window.patient_bar.label, marker)
    assert c.session.autosaver is not None
    c.session.autosaver.save_now()
    assert loc.autosave_file.exists()
    assert c.records.export_handoff(tmp_path / "handoff.pdf") is not None
    assert c.records.export_checklist(tmp_path / "checklist.pdf") is not None
    assert verify_chain(loc.audit_log).entries == 2

    case = tmp_path / "case.json"
    labelled = {**TYPICAL_CASE, "patient": {**TYPICAL_CASE["patient"], "label": marker}}
    case.write_text(json.dumps(labelled), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != ENV_HOME}
    done = run_ui(["--export-pdf", str(case), str(tmp_path / "cli.pdf")], None, env)
    assert done.returncode == 0, done.stderr
    assert verify_chain(loc.audit_log).entries == 3  # the subprocess used the test home too

    assert files_with(REAL_HOME, marker) == []
    # ... and they are where they should be: the autosave and the audit log
    assert {p.name for p in files_with(TEST_HOME, marker)} >= {"current-case.json", "audit.jsonl"}
