"""The management panel: recommend() for the current grades; actions open the tools."""

from __future__ import annotations

from tests.ui.helpers import type_text
from ui.controllers.app import AppController


def _grade(c: AppController, temp: str, vaso: bool, ice_zero_unarousable: bool) -> None:
    bar = c.window.patient_bar
    type_text(bar.weight.edit, "70")
    type_text(bar.age.edit, "45")
    crs = c.window.tool_pages["grading"].crs_inputs  # type: ignore[attr-defined]
    type_text(crs.temperature.edit, temp)
    crs.vasopressors["norepinephrine"].setChecked(vaso)
    ic = c.window.tool_pages["grading"].icans_inputs  # type: ignore[attr-defined]
    ic.ice.setChecked(True)
    if not ice_zero_unarousable:
        ic.ice.score.setValue(10)  # ICANS is graded only once assessed: ICE 10 typed
    else:
        for spin in ic.ice.spins.values():
            spin.setValue(0)
        ic.ice0_unarousable.setChecked(True)


def test_crs_grade_3_suggests_tocilizumab_and_dexamethasone(app_controller, qtbot) -> None:
    c = app_controller
    _grade(c, "39.5", vaso=False, ice_zero_unarousable=False)
    crs = c.window.tool_pages["grading"].crs_inputs  # type: ignore[attr-defined]
    with qtbot.wait_signal(c.management.recommended) as blocker:
        crs.vasopressors["norepinephrine"].setChecked(True)
    result = blocker.args[0]
    assert result.crs_grade == 3
    codes = {a.code: a.strength for a in result.actions}
    assert codes["tocilizumab"] == "give"  # examples.md M4
    assert codes["icu"] == "give"
    panel = c.window.tool_pages["grading"].management  # type: ignore[attr-defined]
    assert "For CRS grade 3 and ICANS grade 0" in panel.summary.text()
    assert "MGT-CRS3" in panel.rules.rule_ids()


def test_an_action_opens_the_dose_panel_prefilled(app_controller) -> None:
    c = app_controller
    _grade(c, "39.5", vaso=True, ice_zero_unarousable=False)
    panel = c.window.tool_pages["grading"].management  # type: ignore[attr-defined]
    dex = next(
        b
        for b in panel.action_buttons
        if "Dose" in b.objectName()
        and c.management.result.actions[int(b.objectName()[6:-4])].code == "dexamethasone"
    )
    dex.click()
    assert c.window.tabs.currentWidget() is c.window.tool_pages["dose"]
    assert c.dose.view.drug.currentData() == "dexamethasone"
    assert c.dose.view.regimen.currentData() == "dexamethasone-10mg-q6h"
    assert c.dose.view.dose_value.text() == "10 mg"


def test_icans_grade_4_action_opens_the_taper_planner(app_controller) -> None:
    c = app_controller
    _grade(c, "37", vaso=False, ice_zero_unarousable=True)
    assert c.grading.grades().icans == 4
    panel = c.window.tool_pages["grading"].management  # type: ignore[attr-defined]
    taper = next(b for b in panel.action_buttons if b.objectName().endswith("Taper"))
    taper.click()
    assert c.window.tabs.currentWidget() is c.window.tool_pages["taper"]
    assert c.taper.view.regimen.currentData() == "TAPER-MP1G"
    assert c.taper.result is not None
    assert c.taper.result.totals_mg == {"methylprednisolone": 4740.0}


def test_tocilizumab_is_never_give_for_icans_alone(app_controller) -> None:
    c = app_controller
    _grade(c, "37", vaso=False, ice_zero_unarousable=True)
    result = c.management.result
    assert result is not None
    assert all(a.strength != "give" for a in result.actions if a.code == "tocilizumab")
