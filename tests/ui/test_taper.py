"""Taper planner flows: a regimen's plan, editing a generated step updates the totals."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDateTime

from tests.ui.helpers import type_text
from ui.controllers.app import AppController


def _mp1g(c: AppController) -> None:
    v = c.taper.view
    v.start.setDateTime(QDateTime(datetime(2026, 3, 1, 8, 0)))
    c.taper.select_regimen("TAPER-MP1G")


def test_regimen_plan_matches_the_worked_example(app_controller) -> None:
    c = app_controller
    _mp1g(c)
    r = c.taper.result
    assert r is not None
    assert len(r.administrations) == 15  # examples.md P1
    assert r.totals_mg == {"methylprednisolone": 4740.0}
    v = c.taper.view
    assert "4740 mg methylprednisolone" in v.total.text()
    assert "888.75 mg" in v.total.text()
    assert v.steps.rowCount() == 4
    assert v.days.rowCount() == 9
    assert len(v.chart.points) == 9
    assert v.chart.points[0] == ("03-01", 187.5)  # 1000 mg MP = 187.5 mg dex (STER-EQ)
    assert "TAPER-MP1G" in v.rules.rule_ids()
    assert any("TAPER-FLARE" in w for w in v.warnings.items())


def test_editing_a_generated_step_updates_totals(app_controller, qtbot) -> None:
    c = app_controller
    v = c.taper.view
    v.start.setDateTime(QDateTime(datetime(2026, 3, 1, 22, 0)))
    c.taper.select_regimen("TAPER-DEX10")
    type_text(v.first_days.edit, "1")
    v.taper_days.setValue(2)
    r = c.taper.result
    assert r is not None
    generated = [i for i, s in enumerate(r.steps) if s.origin == "generated"]
    assert generated
    row = generated[0]
    before = r.totals_mg["dexamethasone"]
    old = float(v.steps.item(row, 1).text())
    with qtbot.wait_signal(c.taper.planned) as blocker:
        v.steps.item(row, 1).setText(f"{old + 1:g}")
    after = blocker.args[0]
    doses_in_step = r.steps[row].doses
    assert after.totals_mg["dexamethasone"] == before + doses_in_step
    assert f"Total {after.totals_mg['dexamethasone']:g} mg dexamethasone" in v.total.text()
    assert "Edited" in v.steps_state.text()
    assert v.reset_steps.isEnabled()
    c.taper.reset_to_regimen()
    assert c.taper.result is not None
    assert c.taper.result.totals_mg["dexamethasone"] == before


def test_a_bad_step_value_is_marked_at_its_cell(app_controller) -> None:
    c = app_controller
    _mp1g(c)
    v = c.taper.view
    v.steps.item(1, 1).setText("abc")
    assert 'Step 2, Dose (mg): "abc" is not a number' in v.steps_error.error_text()
    assert v.steps.item(1, 1).toolTip().startswith('"abc" is not a number')
    assert v.steps.item(1, 1).text() == "abc"
    assert "not updated" in v.total.text()
    v.steps.item(1, 1).setText("250")
    assert v.steps_error.error_text() == ""
    assert c.taper.result is not None
    assert c.taper.result.totals_mg == {"methylprednisolone": 4740.0}


def test_own_steps_start_from_the_current_steps(app_controller) -> None:
    c = app_controller
    _mp1g(c)
    v = c.taper.view
    v.regimen.setCurrentIndex(v.regimen.findData("__own__"))
    assert v.steps.rowCount() == 4
    assert c.taper.mode == "steps"
    c.taper.add_step()
    assert v.steps.rowCount() == 5
    assert c.taper.result is not None
    assert len(c.taper.result.steps) == 5
    assert c.taper.result.regimen is None


def test_no_phantom_taper_a_case_holds_only_a_taper_someone_planned(
    app_controller, monkeypatch
) -> None:
    """Issue 11: a case whose taper planner was never used carries no taper, in the case
    document, the note and the checklist; choosing a regimen puts it in, and going back to
    'no taper' takes it out again."""
    from calculator.records.note import make_note
    from ui.controllers.case import build_case

    c = app_controller
    type_text(c.window.patient_bar.weight.edit, "70")
    type_text(c.window.patient_bar.age.edit, "54")
    type_text(c.grading.view.crs_inputs.temperature.edit, "38.6")
    assert c.taper.result is None
    assert not c.taper.has_plan
    assert c.taper.view.total.text() == "No taper planned"
    case = build_case(c)
    assert case.taper is None
    markdown = make_note(case, c.profile).markdown
    assert "TAPER-MP1G" not in markdown
    assert "## Steroid taper" not in markdown
    refusals: list[str] = []
    monkeypatch.setattr(c.records, "_refuse", lambda title, text: refusals.append(text))
    assert c.records.checklist() is None
    assert refusals == ["No taper is planned: choose a regimen first."]

    c.taper.select_regimen("TAPER-MP1G")
    assert c.taper.has_plan
    planned = build_case(c)
    assert planned.taper is not None
    assert planned.taper.regimen == "TAPER-MP1G"
    assert "## Steroid taper" in make_note(planned, c.profile).markdown

    v = c.taper.view
    v.regimen.setCurrentIndex(v.regimen.findData("__none__"))
    assert not c.taper.has_plan
    assert build_case(c).taper is None
    assert v.steps.rowCount() == 0


def _table(c: AppController) -> list[tuple[object, ...]]:
    t = c.taper.view.steps
    return [
        (
            t.cellWidget(r, 0).currentData(),  # type: ignore[union-attr]
            t.item(r, 1).text(),
            t.item(r, 2).text(),
            t.item(r, 3).text(),
            t.item(r, 4).text(),
            t.cellWidget(r, 5).currentData(),  # type: ignore[union-attr]
            t.item(r, 6).text(),
        )
        for r in range(t.rowCount())
    ]


def _expected(c: AppController) -> list[tuple[object, ...]]:
    from ui.units import fmt

    r = c.taper.result
    assert r is not None

    def text(value: object) -> str:
        return fmt(value, 4) if isinstance(value, float | int) else ""

    return [
        (
            s.drug,
            text(s.dose_mg),
            text(s.dose_mg_per_kg),
            text(s.every_h),
            text(s.days),
            s.route or "IV",
            r.steps[i].origin if i < len(r.steps) else "custom",
        )
        for i, s in enumerate(r.editable_steps)
    ]


def test_the_step_table_is_refilled_whole_between_regimens(app_controller) -> None:
    """The rows are refilled in place (issue 14): after each regimen the table holds exactly
    its steps, with nothing left over from a longer or different one."""
    c = app_controller
    _mp1g(c)
    first = _table(c)
    assert first == _expected(c)
    assert len(first) == 4
    v = c.taper.view
    c.taper.select_regimen("TAPER-DEX10")
    type_text(v.first_days.edit, "1")
    v.taper_days.setValue(3)
    assert _table(c) == _expected(c)
    assert {row[0] for row in _table(c)} == {"dexamethasone"}
    v.taper_days.setValue(2)
    assert _table(c) == _expected(c)
    _mp1g(c)
    assert _table(c) == first
