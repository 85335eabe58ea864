"""Messages never move the fields under the pointer (issue 22): choosing nasal cannula
added an error line and the badge's "fix the marked field", the first ICE answer added a
line to the ICE count and the list of items not answered, and every field below moved by
a line or more, so a click landed on a label and typed values were lost. Error lines,
the count and the badges keep their room when empty."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from tests.ui.helpers import type_text
from ui.controllers.app import AppController
from ui.shell.app import application
from ui.store.storage import locate
from ui.views.main_window import carry_style_sheet


@pytest.fixture(params=[1.0, 2.0], ids=["font100", "font200"])
def app(request, qapp: QApplication, qtbot: QtBot) -> Iterator[AppController]:  # type: ignore[no-untyped-def]
    application()
    original = QFont(qapp.font())
    scaled = QFont(original)
    scaled.setPointSizeF(original.pointSizeF() * request.param)
    qapp.setFont(scaled)
    try:
        c = AppController(clock=lambda: datetime(2026, 11, 21, 14, 0), locations=locate())
        qtbot.addWidget(c.window)
        carry_style_sheet(c.window)
        c.window.show()
        qtbot.waitExposed(c.window)
        c.window.resize(1366, 700)
        type_text(c.window.patient_bar.weight.edit, "70")
        type_text(c.window.patient_bar.age.edit, "50")
        _settle()
        yield c
    finally:
        qapp.setFont(original)


def _settle() -> None:
    for _ in range(4):
        QApplication.processEvents()


def _ys(fields: list[QWidget], window: QWidget) -> list[int]:
    _settle()
    return [f.mapTo(window, QPoint(0, 0)).y() for f in fields]


def _fields(c: AppController) -> list[QWidget]:
    crs, icans = c.grading.view.crs_inputs, c.grading.view.icans_inputs
    return [
        crs.temperature.edit,
        crs.hypotension,
        crs.oxygen,
        crs.flow.edit,
        *icans.ice.spins.values(),
        icans.ice.score,
        icans.ice.unable,
        icans.consciousness,
        icans.seizure,
        icans.edema,
    ]


def test_choosing_nasal_cannula_moves_no_field(app: AppController) -> None:
    w = app.window
    crs = app.grading.view.crs_inputs
    type_text(crs.temperature.edit, "39.5")
    before = _ys(_fields(app), w)
    crs.oxygen.setCurrentIndex(crs.oxygen.findData("nasal_cannula"))
    after = _ys(_fields(app), w)
    assert crs.flow.error_text()  # the message is there ...
    assert app.grading.view.crs_result.badge.text().count("\n") == 1  # ... and on the badge
    assert after == before  # ... and nothing moved for it
    type_text(crs.flow.edit, "2")
    assert not crs.flow.error_text()
    assert _ys(_fields(app)[:4], w) == before[:4]  # nor when it goes


def test_answering_ice_items_moves_no_field(app: AppController) -> None:
    w = app.window
    ice = app.grading.view.icans_inputs.ice
    before = _ys(_fields(app), w)
    ice.setChecked(True)
    assert _ys(_fields(app), w) == before
    spins = list(ice.spins.values())
    spins[0].setValue(spins[0].maximum())
    assert ice.error.error_text()  # "answer every ICE item ... (not answered yet: ...)"
    assert _ys(_fields(app), w) == before
    for spin in spins[1:-1]:
        spin.setValue(spin.maximum())
        assert _ys(_fields(app), w) == before, spin.objectName()
    spins[-1].setValue(spins[-1].maximum())
    assert not ice.error.error_text()
    assert _ys(_fields(app), w) == before


def test_a_refused_temperature_moves_no_field(app: AppController) -> None:
    w = app.window
    crs = app.grading.view.crs_inputs
    before = _ys(_fields(app), w)
    type_text(crs.temperature.edit, "3")  # half typed: refused, with its message
    assert crs.temperature.error_text()
    assert _ys(_fields(app), w) == before
    type_text(crs.temperature.edit, "39")
    # the CRS fields stay (at 200% the CRS result card then opens above the ICANS ones)
    assert _ys(_fields(app)[:4], w) == before[:4]
