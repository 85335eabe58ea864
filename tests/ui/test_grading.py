"""Grading wizard flows: the NCCN worked example, ICE 0, CAPD by age, bad input."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.ui.helpers import type_text
from ui.controllers.app import AppController


def _crs(c: AppController):  # type: ignore[no-untyped-def]
    return c.window.tool_pages["grading"].crs_inputs  # type: ignore[attr-defined]


def _icans(c: AppController):  # type: ignore[no-untyped-def]
    return c.window.tool_pages["grading"].icans_inputs  # type: ignore[attr-defined]


def _card(c: AppController, kind: str):  # type: ignore[no-untyped-def]
    return getattr(c.window.tool_pages["grading"], f"{kind}_result")


def test_nccn_worked_example_is_grade_3_with_its_explanation(app_controller, qtbot) -> None:
    c = app_controller
    crs = _crs(c)
    type_text(crs.temperature.edit, "39.5")
    crs.vasopressors["norepinephrine"].setChecked(True)
    crs.oxygen.setCurrentIndex(crs.oxygen.findData("nasal_cannula"))
    with qtbot.wait_signal(c.grading.crs_graded) as blocker:
        type_text(crs.flow.edit, "2")
    result = blocker.args[0]
    assert result.grade == 3
    card = _card(c, "crs")
    assert card.badge.text() == "CRS grade 3"
    assert card.badge.property("grade") == "3"
    assert any("worse of hypotension and hypoxia" in line for line in card.explanation.items())
    assert "CRS-WORST" in card.rules.rule_ids()
    assert "CRS-O2FLOW" in card.rules.rule_ids()


def test_nasal_cannula_without_flow_is_marked_at_the_flow_field(app_controller) -> None:
    crs = _crs(app_controller)
    type_text(crs.temperature.edit, "39")
    crs.oxygen.setCurrentIndex(crs.oxygen.findData("nasal_cannula"))
    assert "required for a nasal cannula" in crs.flow.error_text()
    assert crs.temperature.text() == "39"
    type_text(crs.flow.edit, "2")
    assert crs.flow.error_text() == ""
    assert _card(app_controller, "crs").badge.text() == "CRS grade 2"


def _adult_with_ice_zero(c: AppController) -> None:
    type_text(c.window.patient_bar.age.edit, "45")
    ic = _icans(c)
    ic.ice.setChecked(True)
    for spin in ic.ice.spins.values():
        spin.setValue(0)


def test_ice_zero_asks_aphasic_or_unarousable(app_controller, qtbot) -> None:
    c = app_controller
    _adult_with_ice_zero(c)
    ic = _icans(c)
    assert ic.ice0.isVisible()
    assert ic.ice.total.text() == "ICE total: 0 / 10"
    # Before the answer the core grades 3 and asks (ICANS-APHASIA).
    assert any("ICE 0" in w for w in _card(c, "icans").warnings.items())
    with qtbot.wait_signal(c.grading.icans_graded) as blocker:
        ic.ice0_aphasia.setChecked(True)
    assert blocker.args[0].grade == 3
    assert "awake with global aphasia" in " ".join(blocker.args[0].explanation)
    with qtbot.wait_signal(c.grading.icans_graded) as blocker:
        ic.ice0_unarousable.setChecked(True)
    assert blocker.args[0].grade == 4
    assert _card(c, "icans").badge.text() == "ICANS grade 4"
    assert "ICANS-APHASIA" in _card(c, "icans").rules.rule_ids()


def test_ice_question_hidden_when_ice_above_zero(app_controller) -> None:
    c = app_controller
    _adult_with_ice_zero(c)
    _icans(c).ice.spins["orientation"].setValue(1)
    assert not _icans(c).ice0.isVisible()


def test_a_child_of_8_switches_to_capd(app_controller, qtbot) -> None:
    c = app_controller
    ic = _icans(c)
    type_text(c.window.patient_bar.age.edit, "8")
    assert ic.current_instrument() == "CAPD"
    assert "CAPD for age 8 years" in ic.instrument.text()
    ic.capd.setChecked(True)
    for spin, value in zip(ic.capd.spins.values(), (4, 4, 0, 0, 4, 0, 0, 0), strict=True):
        spin.setValue(value)
    assert ic.capd.total.text() == "CAPD total: 12 / 32"
    assert c.grading.icans_result is not None
    assert c.grading.icans_result.instrument == "CAPD"
    assert c.grading.icans_result.grade == 3  # examples.md I8
    type_text(c.window.patient_bar.age.edit, "45")
    assert ic.current_instrument() == "ICE"


def test_capd_age_boundary_follows_the_profile(app_controller) -> None:
    c = app_controller
    ic = _icans(c)
    type_text(c.window.patient_bar.age.edit, "12")
    assert ic.current_instrument() == "CAPD"  # ICANS-CAPDAGE: <= 12 by default
    c.set_profile_id("asco-2021")
    assert ic.current_instrument() == "ICE"  # ASCO: < 12
    assert "asco-2021" in c.window.status_profile.text()


def test_bad_age_is_marked_in_the_patient_bar_and_keeps_the_rest(app_controller) -> None:
    c = app_controller
    crs = _crs(c)
    type_text(crs.temperature.edit, "39.5")
    type_text(c.window.patient_bar.age.edit, "200")
    bar = c.window.patient_bar
    assert bar.age.error_text() == "must be at most 120.0"
    assert bar.age.text() == "200"
    assert crs.temperature.text() == "39.5"
    assert _card(c, "crs").badge.text() == "CRS grade 1"
    type_text(bar.age.edit, "45")
    assert bar.age.error_text() == ""


def test_temperature_switches_unit_without_loss(app_controller) -> None:
    c = app_controller
    crs = _crs(c)
    type_text(crs.temperature.edit, "37.9")
    crs.temperature_unit.setCurrentText("°F")
    assert crs.temperature.text() == "100.2"
    assert crs.temperature_conversion.text() == "= 37.9 °C"
    assert _card(c, "crs").badge.text() == "CRS grade 0"  # still 37.9 °C, not 37.89 °C
    crs.temperature_unit.setCurrentText("°C")
    assert crs.temperature.text() == "37.9"


def test_the_user_switching_the_unit_relabels_the_number_never_converts_it(
    app_controller, qtbot
) -> None:
    c = app_controller
    crs = _crs(c)
    type_text(crs.temperature.edit, "102.4")  # typed with °C selected by mistake
    assert crs.temperature.error_text() == "102.4 °C is not possible: did you mean °F?"
    assert crs.temperature_conversion.text() == ""  # no "= 216.3 °F"
    qtbot.keyClick(crs.temperature_unit, Qt.Key.Key_Down)  # the user picks °F
    assert crs.temperature_unit.currentText() == "°F"
    assert crs.temperature.text() == "102.4"  # not 216.3
    assert c.grading.temperature.typed() == ("102.4", "°F")
    assert crs.temperature.error_text() == ""
    assert crs.temperature_conversion.text() == "= 39.1 °C"
    assert _card(c, "crs").badge.text() == "CRS grade 1"


def test_an_impossible_temperature_suggests_the_other_unit_with_one_click(app_controller) -> None:
    c = app_controller
    crs = _crs(c)
    type_text(crs.temperature.edit, "102.4")
    assert crs.temperature_suggest.isVisible()
    assert crs.temperature_suggest.text() == "Use °F"
    assert c.grading.grades().crs is None  # refused, not graded on 102.4 °C
    crs.temperature_suggest.click()
    assert crs.temperature_unit.currentText() == "°F"
    assert crs.temperature.text() == "102.4"
    assert not crs.temperature_suggest.isVisible()
    assert c.grading.grades().crs == 1
    # The other way round, and the limit quoted in the unit selected.
    type_text(crs.temperature.edit, "39.1")
    assert crs.temperature.error_text() == "39.1 °F is not possible: did you mean °C?"
    type_text(crs.temperature.edit, "300")
    assert crs.temperature.error_text() == ("300 °F is outside what can be entered (77 to 113 °F)")
    assert not crs.temperature_suggest.isVisible()


def test_fahrenheit_typed_is_converted_for_the_core(app_controller) -> None:
    c = app_controller
    crs = _crs(c)
    crs.temperature_unit.setCurrentText("°F")
    type_text(crs.temperature.edit, "100.4")  # exactly 38.0 °C: CRS-FEVER
    assert _card(c, "crs").badge.text() == "CRS grade 1"


def test_a_bad_temperature_shows_the_core_message_and_keeps_the_last_grade(app_controller) -> None:
    c = app_controller
    crs = _crs(c)
    type_text(crs.temperature.edit, "39")
    type_text(crs.temperature.edit, "39,,5")
    assert crs.temperature.error_text().startswith('Temperature: "39,,5" is not a number')
    badge = _card(c, "crs").badge
    assert badge.property("grade") == "stale"
    assert "last valid input" in badge.text()
    assert c.grading.grades().crs is None


def test_a_blank_form_says_not_assessed_and_claims_nothing(app_controller) -> None:
    c = app_controller
    c.window.patient_bar.age.edit.clear()
    for kind in ("crs", "icans"):
        badge = _card(c, kind).badge
        assert badge.text() == f"{kind.upper()}: not assessed"
        assert badge.property("grade") == "none"  # grey, never a green grade 0
        assert "fix the marked field" not in badge.text()
        assert _card(c, kind).explanation.items() == ()
    assert c.grading.grades().crs is None
    assert c.grading.grades().icans is None
    assert _icans(c).general_error.error_text() == ""
    # Nothing is marked, so nothing anywhere asks to fix a marked field.
    summary = c.window.tool_pages["grading"].management.summary.text()  # type: ignore[attr-defined]
    assert "fix" not in summary
    assert "graded" in summary
    # The record says only what was entered: no CRS or ICANS section at all.
    assert c.grading.crs_for_case() is None
    assert c.grading.icans_for_case() is None


def test_an_icans_finding_without_age_asks_for_the_age_not_a_marked_field(
    app_controller, qtbot
) -> None:
    c = app_controller
    c.window.patient_bar.age.edit.clear()
    ic = _icans(c)
    ic.seizure.setCurrentIndex(ic.seizure.findData("rapidly_resolving"))
    badge = _card(c, "icans").badge
    assert badge.property("grade") == "stale"
    assert "enter the age in the patient bar" in badge.text()
    assert "fix the marked field" not in badge.text()
    assert "last valid input" not in badge.text()
    # The wrapped two-line text gets the height it needs (no clipped badge).
    qtbot.waitUntil(lambda: badge.height() >= badge.heightForWidth(badge.width()))


def test_ticking_ice_scores_nothing_until_the_items_are_asked(app_controller) -> None:
    c = app_controller
    type_text(c.window.patient_bar.age.edit, "45")
    ic = _icans(c)
    ic.ice.setChecked(True)
    assert all(spin.score() is None for spin in ic.ice.spins.values())
    assert all(spin.text() == "not asked" for spin in ic.ice.spins.values())
    assert "10" not in ic.ice.total.text()
    assert "not assessed" in ic.ice.total.text()
    assert _card(c, "icans").badge.text() == "ICANS: not assessed"
    assert "ice_items" not in c.grading.icans_payload()
    assert "ice_score" not in c.grading.icans_payload()


def test_half_answered_ice_names_what_is_missing_and_grades_nothing(app_controller) -> None:
    c = app_controller
    type_text(c.window.patient_bar.age.edit, "45")
    ic = _icans(c)
    ic.ice.setChecked(True)
    ic.ice.spins["orientation"].setValue(4)
    ic.ice.spins["naming"].setValue(3)
    message = ic.ice.error.error_text()
    assert message.startswith("answer every ICE item or type the total")
    assert ic.ice.labels["writing"] in message
    assert ic.ice.labels["orientation"] not in message
    assert c.grading.grades().icans is None
    assert "fix the marked field" in _card(c, "icans").badge.text()
    for key in ("commands", "writing", "attention"):
        ic.ice.spins[key].setValue(1)
    assert ic.ice.error.error_text() == ""
    assert ic.ice.total.text() == "ICE total: 10 / 10"
    assert _card(c, "icans").badge.text() == "ICANS grade 0"


def test_a_typed_ice_total_grades_without_items(app_controller) -> None:
    c = app_controller
    type_text(c.window.patient_bar.age.edit, "45")
    ic = _icans(c)
    ic.ice.setChecked(True)
    ic.ice.score.setValue(7)
    assert c.grading.icans_payload()["ice_score"] == 7
    assert "ice_items" not in c.grading.icans_payload()
    assert _card(c, "icans").badge.text() == "ICANS grade 1"  # ICANS-ICE: 7-9
    # Items that cannot add up to the typed total are refused, naming the total.
    ic.ice.spins["orientation"].setValue(0)
    ic.ice.spins["naming"].setValue(0)  # the rest allow at most 0 + 0 + 1 + 1 + 1 = 3
    assert "does not fit the items entered" in ic.ice.error.error_text()
    assert c.grading.grades().icans is None


def test_capd_items_start_blank_not_zero(app_controller) -> None:
    c = app_controller
    type_text(c.window.patient_bar.age.edit, "8")
    ic = _icans(c)
    ic.capd.setChecked(True)
    assert all(spin.score() is None for spin in ic.capd.spins.values())
    assert _card(c, "icans").badge.text() == "ICANS: not assessed"
    assert "capd_items" not in c.grading.icans_payload()
    ic.capd.spins["0"].setValue(2)
    assert ic.capd.error.error_text().startswith("answer every CAPD item or type the total")


def test_a_new_case_starts_with_blank_items(app_controller) -> None:
    c = app_controller
    type_text(c.window.patient_bar.age.edit, "45")
    ic = _icans(c)
    ic.ice.setChecked(True)
    ic.ice.spins["orientation"].setValue(3)
    ic.ice.setChecked(False)  # what a new case or an opened case does first
    assert ic.ice.spins["orientation"].score() is None


def test_ice_without_age_says_where_to_enter_it_once(app_controller) -> None:
    c = app_controller
    ic = _icans(c)
    ic.ice.setChecked(True)
    toggles: list[bool] = []
    original = ic.general_error.setVisible
    ic.general_error.setVisible = lambda shown: (toggles.append(shown), original(shown))  # type: ignore[method-assign]
    for spin in ic.ice.spins.values():
        spin.setValue(spin.maximum())
    assert ic.general_error.error_text() == "To grade ICANS, enter the age in the patient bar."
    # Shown once, then left alone while the items change: never cleared and set again.
    assert toggles == [True]
    type_text(c.window.patient_bar.age.edit, "200")
    assert ic.general_error.error_text() == "To grade ICANS, fix the age in the patient bar."
    type_text(c.window.patient_bar.age.edit, "45")
    assert ic.general_error.error_text() == ""
    assert toggles == [True, False]
    assert _card(c, "icans").badge.text() == "ICANS grade 0"
