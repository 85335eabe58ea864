"""A full disk (issue 12), on a real 64 KiB tmpfs: File > Save, the settings, the autosave
and a PDF export fail whole. The existing file keeps its old content (never 0 bytes),
no temporary file is left, and the user is told in one plain sentence.

Mounting needs root (or CAP_SYS_ADMIN); elsewhere these tests are skipped, saying why.
"""

from __future__ import annotations

import errno
import os
import subprocess
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.ui.helpers import fill_patient, type_text
from ui.controllers.app import AppController
from ui.store.settings import Settings, save_settings
from ui.store.storage import ENV_HOME, locate

NOW = datetime(2026, 11, 21, 14, 0)


@pytest.fixture
def disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A 64 KiB tmpfs that is also the app's data folder (CRS_CALC_HOME)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    try:
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)],
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        pytest.skip(f"a small tmpfs cannot be mounted here ({exc})")
    if done.returncode != 0:
        pytest.skip(f"a small tmpfs cannot be mounted here: {done.stderr.strip()}")
    monkeypatch.setenv(ENV_HOME, str(mount))
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True, check=False)


def fill_up(folder: Path) -> None:
    """Take every free block, so the next write fails with ENOSPC."""
    fd = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT)
    error = 0
    try:
        for _ in range(1024):
            try:
                os.write(fd, b"\0" * 512)
            except OSError as exc:
                error = exc.errno or 0
                break
    finally:
        os.close(fd)
    assert error == errno.ENOSPC


def temp_files(folder: Path) -> list[Path]:
    return list(folder.rglob("*.tmp"))


@pytest.fixture
def window(qtbot: QtBot, disk: Path) -> Callable[[], AppController]:
    def build() -> AppController:
        save_settings(disk / "settings.toml", Settings(autosave_delay_ms=100))
        c = AppController(clock=lambda: NOW, locations=locate())
        qtbot.addWidget(c.window)
        c.unsaved.enabled = False
        c.window.show()
        return c

    return build


def fill(c: AppController, label: str) -> None:
    fill_patient(c)
    bar = c.window.patient_bar
    type_text(bar.label, label)
    type_text(c.grading.view.crs_inputs.temperature.edit, "39.5")


def test_file_save_on_a_full_disk_keeps_the_old_case_whole_and_says_so(
    window, disk: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warnings: list[str] = []
    monkeypatch.setattr(
        "ui.controllers.app.warning_box", lambda _p, _t, text: warnings.append(text)
    )
    c = window()
    fill(c, "Bed 1")
    case = disk / "case.json"
    assert c.save_case(case)
    old = case.read_bytes()
    assert b"Bed 1" in old

    fill_up(disk)
    type_text(c.window.patient_bar.label, "Bed 1 (moved to ICU)" + " more text" * 15)
    assert not c.save_case(case)
    assert case.read_bytes() == old  # the old version, whole: never 0 bytes
    assert temp_files(disk) == []
    assert len(warnings) == 1
    assert "could not be written" in warnings[0]
    assert "the disk is full" in warnings[0]
    assert "left as it was" in warnings[0]


def test_settings_on_a_full_disk_keep_the_old_file_and_say_so(window, disk: Path) -> None:
    c = window()
    settings = disk / "settings.toml"
    old = settings.read_bytes()
    fill_up(disk)
    dialog = c.session.open_settings()
    dialog.institution_file.setText("/ward/" + "profiles/" * 200 + "x.toml")
    assert not c.session.save_from(dialog)
    assert settings.read_bytes() == old
    assert temp_files(disk) == []
    assert "the disk is full" in dialog.error.text()
    dialog.close()


def test_autosave_on_a_full_disk_keeps_the_last_one_and_says_so(
    window, disk: Path, qtbot: QtBot
) -> None:
    c = window()
    fill(c, "Bed 2")
    keeper = c.session.keeper
    assert keeper is not None
    assert keeper.autosaver.save_now()
    autosave = keeper.autosaver.path
    old = autosave.read_bytes()
    fill_up(disk)
    type_text(c.window.patient_bar.label, "Bed 2 " + "x" * 150)
    with qtbot.waitSignal(keeper.autosaver.failed, timeout=5000) as blocker:
        keeper.autosaver.save_now()
    assert autosave.read_bytes() == old
    assert temp_files(disk) == []
    assert "the disk is full" in blocker.args[0]
    assert "the disk is full" in c.window.notice.text.text()


def test_pdf_export_on_a_full_disk_keeps_the_old_pdf_and_says_so(
    window, disk: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warnings: list[str] = []
    monkeypatch.setattr(
        "ui.controllers.records_controller.warning_box",
        lambda _p, _t, text: warnings.append(text),
    )
    c = window()
    fill(c, "Bed 3")
    out = disk / "handoff.pdf"
    out.write_bytes(b"%PDF-old")
    fill_up(disk)
    assert c.records.export_handoff(out) is None
    assert out.read_bytes() == b"%PDF-old"
    assert temp_files(disk) == []
    assert len(warnings) == 1
    assert "the disk is full" in warnings[0]
