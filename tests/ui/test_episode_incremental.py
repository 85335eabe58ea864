"""The Episode view is updated, not rebuilt (issue 24's 16 ms limit with 500 rows): a
Record adds one row to the flowsheet, a correction changes one, and a row is worded again
only when what it is made from changed. Whatever the order of edits, the flowsheet and the
chart must read exactly as a view built from nothing would."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QModelIndex

from tests.ui.helpers import fill_patient, record_at, type_text
from ui.controllers.app import AppController
from ui.controllers.episode import _Row
from ui.views.episode import FlowRow, FlowsheetModel


def _rows(*texts: str) -> list[FlowRow]:
    return [FlowRow((t, *("",) * 9)) for t in texts]


def _heard(model: FlowsheetModel) -> list[tuple[str, int, int]]:
    heard: list[tuple[str, int, int]] = []
    model.modelReset.connect(lambda: heard.append(("reset", -1, -1)))
    model.rowsInserted.connect(lambda _p, a, b: heard.append(("inserted", a, b)))
    model.dataChanged.connect(lambda a, b, *_: heard.append(("changed", a.row(), b.row())))
    return heard


def test_the_flowsheet_model_announces_only_what_changed() -> None:
    model = FlowsheetModel()
    heard = _heard(model)
    model.set_rows(_rows("a", "b"))
    model.set_rows(_rows("a", "b", "c"))
    model.set_rows(_rows("a", "B", "c"))
    model.set_rows(_rows("a", "B", "c"))
    model.set_rows(_rows("a", "c"))
    model.set_rows(_rows("x", "a", "c"))  # a row put back before the others (Undo)
    assert heard == [
        ("inserted", 0, 1),
        ("inserted", 2, 2),
        ("changed", 1, 1),
        ("reset", -1, -1),
        ("reset", -1, -1),
    ]
    assert [r.cells[0] for r in model.rows] == ["x", "a", "c"]
    assert model.rowCount(QModelIndex()) == 3


def _as_if_built_anew(c: AppController) -> None:
    shown = ([r.cells for r in c.episode.view.model.rows], c.episode.view.chart.data.points)
    c.episode._rows_memo = []  # what a view built from nothing would show
    c.episode.recompute()
    fresh = ([r.cells for r in c.episode.view.model.rows], c.episode.view.chart.data.points)
    assert shown == fresh


def test_after_every_kind_of_edit_the_view_reads_as_if_built_anew(app_controller) -> None:
    c = app_controller
    fill_patient(c)
    record_at(c, datetime(2026, 11, 21, 8, 0), "38.5")
    record_at(c, datetime(2026, 11, 21, 10, 0), "39.5")
    record_at(c, datetime(2026, 11, 21, 12, 0), "39.0")
    _as_if_built_anew(c)
    assert len(c.episode.view.model.rows) == 3
    # A dose between the first two rows: the second row's doses, and the masking of later
    # fever (EPI-MASK) change the grades of the rows after it.
    v = c.dose.view
    type_text(v.dose_amount, "560")
    v.dose_time.setText("0900")
    assert c.dose.add_dose_from_view()
    assert "tocilizumab 560 mg 09:00" in c.episode.view.model.rows[1].cells[8]
    _as_if_built_anew(c)
    # Day 0: every row's day.
    day0 = c.window.patient_bar.day0
    day0.edit.setText("2026-11-20")
    day0.edit.editingFinished.emit()
    assert [r.cells[1] for r in c.episode.view.model.rows] == ["+1", "+1", "+1"]
    _as_if_built_anew(c)
    # A correction of the middle row.
    view = c.episode.view
    view.table.selectRow(1)
    view.open_row.click()
    type_text(c.grading.view.crs_inputs.temperature.edit, "37.2")
    c.grading.recompute()
    assert c.episode.record()
    assert c.episode.view.model.rows[1].cells[2] == "37.2"
    _as_if_built_anew(c)
    # Remove the first row, then undo.
    view.table.selectRow(0)
    view.remove_row.click()
    assert [r.cells[0] for r in c.episode.view.model.rows] == [
        "2026-11-21 10:00",
        "2026-11-21 12:00",
    ]
    _as_if_built_anew(c)
    view.undo_row.click()
    assert len(c.episode.view.model.rows) == 3
    _as_if_built_anew(c)


def test_a_row_is_worded_again_when_only_its_doses_changed(app_controller) -> None:
    # Each part a row is made from counts alone: a dose that leaves the row's grading as
    # it was (the same grade objects) must still reach the row's doses cell.
    c = app_controller
    fill_patient(c)
    record_at(c, datetime(2026, 11, 21, 8, 0), "39.5")
    result = c.episode.result
    assert result is not None
    a, g = c.episode.assessments[0], result.assessments[0]
    row = _Row(a, g, None, (), c.state.when)
    assert row.made_from(a, g, None, ())
    assert not row.made_from(a, g, None, ("dexamethasone 10 mg 07:00",))
    assert not row.made_from(a, g, datetime(2026, 11, 20), ())
    assert not row.made_from(a, None, None, ())
