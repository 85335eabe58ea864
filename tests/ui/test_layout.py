"""Fit at 1366x768 with window decorations (a title bar and a taskbar leave 1366x700), at
100% and 200% font: the grades and the profile line stay in sight while findings are
entered, and nothing is clipped."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from tests.ui.helpers import type_text
from ui.controllers.app import AppController
from ui.shell.app import application
from ui.shell.screenshot import SIZE

USABLE = (1366, 700)  # 1366x768 less ~30 px title bar and ~38 px taskbar


@pytest.fixture(params=[1.0, 2.0], ids=["font100", "font200"])
def window_at(request, qapp, qtbot, clock) -> Iterator[AppController]:  # type: ignore[no-untyped-def]
    application()
    original = QFont(qapp.font())
    scaled = QFont(original)
    scaled.setPointSizeF(original.pointSizeF() * request.param)
    qapp.setFont(scaled)
    try:
        c = AppController(clock=lambda: clock[0])
        qtbot.addWidget(c.window)
        c.window.resize(*USABLE)
        c.window.show()
        qtbot.waitExposed(c.window)
        yield c
    finally:
        qapp.setFont(original)


def _fully_in_sight(widget: QWidget, window: QWidget) -> None:
    assert widget.isVisible(), widget.objectName()
    region = widget.visibleRegion()
    assert not region.isEmpty(), f"{widget.objectName()} is scrolled or covered away"
    assert region.boundingRect() == widget.rect(), f"{widget.objectName()} is partly hidden"
    where = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
    assert window.rect().contains(where), f"{widget.objectName()} {where} outside {window.rect()}"


def test_screenshots_use_the_usable_size() -> None:
    assert SIZE == USABLE


def test_the_window_fits_the_usable_screen(window_at) -> None:
    w = window_at.window
    hint = w.minimumSizeHint()
    assert hint.width() <= USABLE[0]
    assert hint.height() <= USABLE[1]
    assert (w.width(), w.height()) == USABLE


def test_grades_and_profile_line_stay_in_sight_while_the_last_crs_field_is_entered(
    window_at, qtbot
) -> None:
    c = window_at
    w = c.window
    view = c.grading.view
    crs = view.crs_inputs
    type_text(crs.temperature.edit, "39.5")
    crs.oxygen.setCurrentIndex(crs.oxygen.findData("nasal_cannula"))
    last = crs.bedside_order()[-1]
    assert last is crs.flow.edit
    QApplication.processEvents()
    last.setFocus()
    view.findings_scroll.ensureWidgetVisible(last)
    type_text(last, "2")
    QApplication.processEvents()
    assert not last.visibleRegion().isEmpty()
    assert view.crs_result.badge.text() == "CRS grade 2"
    for widget in (view.crs_result.badge, view.icans_result.badge, w.status_profile):
        _fully_in_sight(widget, w)
    assert w.status_profile.text().startswith("Profile ")


def test_the_icans_column_and_management_are_not_clipped(window_at) -> None:
    c = window_at
    type_text(c.window.patient_bar.age.edit, "45")
    type_text(c.grading.view.crs_inputs.temperature.edit, "39")
    c.grading.view.icans_inputs.ice.setChecked(True)
    c.grading.view.icans_inputs.ice.score.setValue(8)
    QApplication.processEvents()
    view = c.grading.view
    assert c.management.result is not None  # the panel is filled, not empty
    for area in (view.findings_scroll, view.management_scroll):
        assert not area.horizontalScrollBar().isVisible(), area.objectName()
        assert area.widget().minimumSizeHint().width() <= area.viewport().width()
    for column in (view.crs_column, view.icans_column):
        assert column.width() >= column.minimumSizeHint().width()
        assert column.mapTo(view, QPoint(column.width(), 0)).x() <= view.width()


def test_capd_item_labels_get_the_height_of_their_wrapped_text(window_at, qtbot) -> None:
    c = window_at
    type_text(c.window.patient_bar.age.edit, "8")
    ic = c.grading.view.icans_inputs
    ic.capd.setChecked(True)
    labels = [lab for lab in ic.capd.findChildren(QLabel) if lab.buddy() is not None]
    assert len(labels) == len(ic.capd.spins) + 1  # the items and the typed total

    def clipped() -> list[str]:
        return [lab.text() for lab in labels if lab.height() < lab.heightForWidth(lab.width())]

    qtbot.waitUntil(lambda: clipped() == [], timeout=2000)


def test_sources_gives_the_rule_text_the_room(window_at, qtbot) -> None:
    dialog = window_at.show_sources()
    qtbot.waitExposed(dialog)
    QApplication.processEvents()
    table = dialog.table
    rule_width = table.columnWidth(2)
    assert rule_width >= table.viewport().width() * 0.4  # not ~100 px
    assert not table.horizontalScrollBar().isVisible()
    visible = sum(table.columnWidth(c) for c in range(table.columnCount()))
    assert visible <= table.viewport().width() + 1  # the Sources column is on screen
    dialog.close()


def test_the_assessment_time_is_never_shown_cut(window_at) -> None:
    """A clipped date-time ("-03-02 09:00") reads as another time: the field is always as
    wide as its text, also in a narrower window (as the teaching window's is)."""
    edit = window_at.window.patient_bar.assessed.edit
    shown = edit.contentsRect().width()
    assert shown >= edit.fontMetrics().horizontalAdvance(edit.text()), edit.text()
    assert shown >= edit.fontMetrics().horizontalAdvance("2026-03-02 09:00")
    window_at.window.resize(900, USABLE[1])  # a narrower window keeps the minimum
    QApplication.processEvents()
    assert edit.contentsRect().width() >= edit.fontMetrics().horizontalAdvance(edit.text())
