"""Crash-safe autosave: atomic writes, debounce, recovery, and a real SIGKILL mid-edit."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from ui.case.autosave import Autosaver, Snapshot, discard, read_autosave, save_case

NOW = datetime(2026, 11, 21, 3, 0, 0)
ROOT = Path(__file__).resolve().parents[3]
CASE: dict[str, Any] = {
    "format": "crs-calc-case/1",
    "patient": {"label": "bed 12", "weight_kg": 70, "age_years": 54},
    "at": "2026-11-21T08:00",
}


def test_save_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / "autosave" / "current-case.json"
    save_case(path, Snapshot(CASE), NOW, seq=3)
    recovery = read_autosave(path, NOW)
    assert recovery.case == CASE
    assert recovery.saved_at == "2026-11-21T03:00:00"
    assert recovery.message == ""
    assert [p.name for p in path.parent.iterdir()] == ["current-case.json"]  # no temp left


def test_no_autosave_means_a_clean_last_exit(tmp_path: Path) -> None:
    recovery = read_autosave(tmp_path / "none.json", NOW)
    assert recovery.case is None
    assert recovery.message == ""


@pytest.mark.parametrize("cut", [1, 10, 40, -2])
def test_truncated_autosave_is_kept_aside_and_the_app_starts_empty(
    tmp_path: Path, cut: int
) -> None:
    path = tmp_path / "current-case.json"
    save_case(path, Snapshot(CASE), NOW)
    data = path.read_bytes()
    path.write_bytes(data[:cut])
    recovery = read_autosave(path, NOW)
    assert recovery.case is None
    assert "damaged" in recovery.message
    assert "started with an empty case" in recovery.message
    assert recovery.set_aside is not None
    assert recovery.set_aside.read_bytes() == data[:cut]
    assert not path.exists()


@pytest.mark.parametrize(
    "content",
    [
        b"\x00\x01garbage",
        b"[1, 2]",
        b'{"format": "other/1", "case": {}}',
        b'{"format": "crs-calc-autosave/1", "case": 3}',
    ],
)
def test_corrupt_autosave_is_kept_aside(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "current-case.json"
    path.write_bytes(content)
    recovery = read_autosave(path, NOW)
    assert recovery.case is None
    assert recovery.set_aside is not None
    assert recovery.set_aside.name == "current-case.json.corrupt-20261121-030000"


def test_a_stale_temporary_file_does_not_matter(tmp_path: Path) -> None:
    path = tmp_path / "current-case.json"
    save_case(path, Snapshot(CASE), NOW)
    (tmp_path / ".current-case.json.999.tmp").write_bytes(b'{"half": ')
    assert read_autosave(path, NOW).case == CASE


def test_debounced_save_after_changes(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    case = dict(CASE)
    saver = Autosaver(
        path, lambda: Snapshot(case), delay_ms=30, max_wait_ms=10_000, clock=lambda: NOW
    )
    for n in range(5):
        case["n"] = n
        saver.changed()
    assert not path.exists()  # not yet: the timer is still running
    with qtbot.waitSignal(saver.saved, timeout=2000) as blocker:
        pass
    assert blocker.args == [5]
    assert read_autosave(path, NOW).case == {**CASE, "n": 4}
    assert not saver.dirty


def test_max_wait_saves_during_a_run_of_changes(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    case = dict(CASE)
    saver = Autosaver(
        path, lambda: Snapshot(case), delay_ms=10_000, max_wait_ms=0, clock=lambda: NOW
    )
    saver.changed()
    saver.changed()  # the pending change is "old enough": saved at once
    assert path.exists()


def test_save_failure_is_reported_in_words(qtbot: QtBot, tmp_path: Path) -> None:
    blocker_file = tmp_path / "file"
    blocker_file.write_text("")
    saver = Autosaver(
        blocker_file / "a.json", lambda: Snapshot(CASE), delay_ms=10, clock=lambda: NOW
    )
    with qtbot.waitSignal(saver.failed, timeout=2000) as blocker:
        saver.changed()
    assert "autosave of the case could not be written" in blocker.args[0]
    assert "save or print the case" in blocker.args[0]
    assert saver.dirty


def test_clean_exit_removes_the_autosave(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    save_case(path, Snapshot(CASE), NOW)
    saver = Autosaver(path, lambda: Snapshot(CASE))
    saver.close_cleanly()
    assert not path.exists()
    discard(path)  # twice is fine


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX")
def test_sigkill_mid_edit_keeps_every_saved_change(tmp_path: Path) -> None:
    path = tmp_path / "autosave" / "current-case.json"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    last_saved = 0
    with subprocess.Popen(
        [sys.executable, "-m", "tests.ui.autosave_child", str(path)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as proc:
        assert proc.stdout is not None
        assert proc.stderr is not None
        deadline = time.monotonic() + 30
        try:
            while last_saved < 12 and time.monotonic() < deadline:
                line = proc.stdout.readline()
                if not line:
                    break
                if line.startswith("saved "):
                    last_saved = int(line.split()[1])
            # The child keeps editing while it is killed: mid-edit, between saves.
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=10)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        stderr = proc.stderr.read()
    assert proc.returncode == -signal.SIGKILL, stderr
    assert last_saved >= 12, f"the child saved only {last_saved} edits: {stderr}"
    recovery = read_autosave(path, datetime.now())
    assert recovery.message == ""
    assert recovery.case is not None
    edits = recovery.case["edits"]
    # Every change saved before the kill is there, in order, and nothing half-written.
    assert edits[:last_saved] == list(range(1, last_saved + 1))
    assert edits == list(range(1, len(edits) + 1))
    assert recovery.case["patient"]["weight_kg"] == pytest.approx(70 + len(edits) / 10)
    envelope = json.loads(path.read_text())
    assert envelope["seq"] == len(edits)
