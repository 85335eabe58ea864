"""Test helpers for the UI: typing as a user does (textEdited fires), filling the patient
bar, and starting the real app as a process (``python -m ui``)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from ui.store.storage import ENV_HOME

if TYPE_CHECKING:
    from ui.controllers.app import AppController

ROOT = Path(__file__).resolve().parents[2]


def type_text(edit: QLineEdit, text: str) -> None:
    """Replace the text as a user would: setText plus the textEdited signal."""
    edit.setText(text)
    edit.textEdited.emit(text)


def type_time(qtbot, edit: QLineEdit, text: str) -> None:  # type: ignore[no-untyped-def]
    """Type a time as a nurse does ("0730", "-2h") and press Enter."""
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def findings(c: AppController, temperature: str, norepinephrine: bool = False) -> None:
    """CRS findings typed into the wizard: a temperature, norepinephrine ticked or not."""
    crs = c.grading.view.crs_inputs
    type_text(crs.temperature.edit, temperature)
    crs.vasopressors["norepinephrine"].setChecked(norepinephrine)
    c.grading.recompute()


def record_at(
    c: AppController, at: datetime, temperature: str, norepinephrine: bool = False
) -> None:
    """An assessment at ``at`` recorded with Record assessment (issue 24); it must be."""
    c.state.set_at(at)
    findings(c, temperature, norepinephrine)
    assert c.episode.record(), c.grading.view.record_bar.error.error_text()


def fill_patient(c: AppController, weight: str = "70", age: str = "45") -> None:
    """Weight and age typed into the patient bar, as text (units as the bar has them)."""
    bar = c.window.patient_bar
    type_text(bar.weight.edit, weight)
    type_text(bar.age.edit, age)


def run_ui(
    args: Sequence[str],
    home: Path | None,
    env: Mapping[str, str] | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """``python -m ui ARGS`` from the project folder, headless, its output captured: the
    data folder is ``home`` (None: whatever ``env`` says), ``env`` the environment
    (default: this one). A run that hangs fails after ``timeout`` seconds."""
    environment = dict(os.environ if env is None else env)
    if home is not None:
        environment[ENV_HOME] = str(home)
    environment["QT_QPA_PLATFORM"] = "offscreen"
    return subprocess.run(
        [sys.executable, "-m", "ui", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
