"""Dates near year 1 or 9999 typed in the app (issue 12): a message at the field, never a
traceback (pytest-qt fails a test on any exception raised inside a Qt slot)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QDateTime
from pytestqt.qtbot import QtBot

from tests.ui.helpers import fill_patient, type_text, type_time
from ui.controllers.app import AppController
from ui.controllers.case import save_case

FAR = [
    datetime(9999, 12, 31, 23, 59),
    datetime(9999, 12, 31, 0, 0),
    datetime(1752, 9, 14, 0, 0),  # the earliest a QDateTimeEdit takes
]


def fill(c: AppController) -> None:
    fill_patient(c)
    type_text(c.grading.view.crs_inputs.temperature.edit, "39.5")
    c.taper.select_regimen("TAPER-MP1G")


@pytest.mark.parametrize("when", FAR, ids=str)
def test_a_taper_start_near_year_1_or_9999_gives_a_message_not_a_traceback(
    app_controller: AppController, when: datetime
) -> None:
    c = app_controller
    fill(c)
    c.taper.view.start.setDateTime(QDateTime(when))
    c.taper.recompute()
    assert c.taper.view.input_error.text()
    assert "start" in c.taper.view.input_error.text()
    assert "fix the marked field" in c.taper.view.total.text()


@pytest.mark.parametrize(
    ("text", "said"),
    [
        (
            "0001-01-01 00:00",
            "is outside the dates accepted (1900-01-01T00:00 to 2999-12-31T23:59)",
        ),
        (
            "9999-12-31 23:59",
            "is outside the dates accepted (1900-01-01T00:00 to 2999-12-31T23:59)",
        ),
        ("1-1-1 0:00", "not a time"),
    ],
)
def test_an_assessment_time_near_year_1_or_9999_gives_a_message_not_a_traceback(
    app_controller: AppController, qtbot: QtBot, tmp_path: Path, text: str, said: str
) -> None:
    c = app_controller
    fill(c)
    c.dose.add_dose(datetime(2026, 11, 21, 8, 0))
    bar = c.window.patient_bar
    live = c.state.at()
    # Typed and confirmed as a nurse does: setText alone leaves the field unmodified, and
    # an unmodified field is never read, so the far date would not reach the case at all.
    type_time(qtbot, bar.assessed_at, text)
    qtbot.wait(50)
    at = c.state.at()
    # Never taken: the field says why, in place, before any Save (the core's date range
    # is checked where the time was typed).
    assert at == live
    assert said in bar.assessed.error_text()
    # Autosave and File > Save carry on with the time in force, never a traceback.
    keeper = c.session.keeper
    assert keeper is not None
    assert keeper.snapshot() is not None
    target = tmp_path / "case.json"
    assert save_case(c, target).last.at == live
    assert target.exists()
