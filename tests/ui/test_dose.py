"""Dose panel flows: the dose from the patient bar, kg/lb, bad weight, the dose log."""

from __future__ import annotations

from datetime import datetime

from tests.ui.helpers import type_text
from ui.controllers.app import AppController
from ui.controllers.dose import countdown_text


def _patient(c: AppController, weight: str, age: str = "45") -> None:
    bar = c.window.patient_bar
    type_text(bar.age.edit, age)
    type_text(bar.weight.edit, weight)


def test_tocilizumab_dose_from_the_patient_weight(app_controller, qtbot) -> None:
    c = app_controller
    with qtbot.wait_signal(c.dose.dose_computed) as blocker:
        _patient(c, "70")
    assert blocker.args[0].dose_mg == 560  # examples.md T1
    view = c.dose.view
    assert view.dose_value.text() == "560 mg"
    assert view.facts["vials"].text() == "1 × 400 mg + 2 × 80 mg = 560 mg"
    assert "first withdraw 28 mL" in view.facts["bag"].text()
    assert "TOCI-DOSE" in view.rules.rule_ids()


def test_weight_switches_kg_to_lb_and_back_without_loss(app_controller) -> None:
    c = app_controller
    bar = c.window.patient_bar
    _patient(c, "29.9")
    assert c.dose.view.dose_value.text() == "358.8 mg"  # TOCI-STEP: 12 mg/kg under 30 kg
    bar.weight_unit.setCurrentText("lb")
    assert bar.weight.text() == "65.92"
    assert bar.weight_conversion.text() == "= 29.9 kg"
    # The dose still uses the typed 29.9 kg, not 65.92 lb converted back.
    assert c.dose.view.dose_value.text() == "358.8 mg"
    bar.weight_unit.setCurrentText("kg")
    assert bar.weight.text() == "29.9"
    assert c.patient.context().weight_kg == 29.9


def test_weight_typed_in_lb_is_sent_in_kg(app_controller) -> None:
    c = app_controller
    bar = c.window.patient_bar
    bar.weight_unit.setCurrentText("lb")
    _patient(c, "264.6")  # 120.02 kg: TOCI-CAP
    assert c.patient.context().weight_kg == 120.020541
    assert c.dose.view.dose_value.text() == "800 mg"
    assert "capped" in c.dose.view.dose_caption.text()


def test_a_bad_weight_shows_the_core_message_and_keeps_every_other_field(app_controller) -> None:
    c = app_controller
    bar = c.window.patient_bar
    crs = c.window.tool_pages["grading"].crs_inputs  # type: ignore[attr-defined]
    type_text(crs.temperature.edit, "39.5")
    bar.product.setCurrentIndex(bar.product.findData("axi-cel"))
    _patient(c, "70")
    type_text(bar.weight.edit, "-5")
    assert bar.weight.error_text() == "must be more than 0.0"
    assert bar.weight.text() == "-5"
    assert bar.age.text() == "45"
    assert bar.product.currentData() == "axi-cel"
    assert crs.temperature.text() == "39.5"
    assert c.grading.crs_result is not None
    assert c.grading.crs_result.grade == 1
    assert c.dose.view.dose_value.text() == "—"
    type_text(bar.weight.edit, "seventy")
    assert bar.weight.error_text().startswith('Weight: "seventy" is not a number')
    type_text(bar.weight.edit, "70")
    assert bar.weight.error_text() == ""
    assert c.dose.view.dose_value.text() == "560 mg"


def test_empty_weight_asks_in_words_without_marking_the_field(app_controller) -> None:
    c = app_controller
    assert c.window.patient_bar.weight.error_text() == ""
    assert "Enter a valid weight and age" in c.dose.view.dose_caption.text()


def test_dose_log_gives_the_next_eligible_time(app_controller, clock) -> None:
    c = app_controller
    clock[0] = datetime(2026, 11, 21, 14, 0)
    with_one = c.dose
    with_one.add_dose(datetime(2026, 11, 21, 8, 0))
    s = with_one.schedule
    assert s is not None
    assert not s.eligible
    assert s.next_eligible_at == datetime(2026, 11, 21, 16, 0)  # examples.md S1
    view = c.dose.view
    assert view.eligibility.text() == "Next: 2026-11-21 16:00"
    assert view.countdown.text() == "Next dose allowed in 2 h 00 min"
    assert "Doses in the last 24 h: <b>1</b>" in view.counts.text()
    clock[0] = datetime(2026, 11, 21, 15, 30)
    c.dose.tick()
    assert view.countdown.text() == "Next dose allowed in 0 h 30 min"
    clock[0] = datetime(2026, 11, 22, 0, 0)
    c.dose.add_dose(datetime(2026, 11, 21, 16, 0))
    assert c.dose.schedule is not None
    assert c.dose.schedule.eligible  # S2
    assert view.eligibility.text() == "Eligible now"
    assert "TOCI-INTERVAL" in view.log_rules.rule_ids()


def test_a_dose_in_the_future_is_refused_at_the_log(app_controller, clock) -> None:
    c = app_controller
    c.dose.add_dose(datetime(2026, 11, 21, 20, 0))
    assert "Dose 1 (2026-11-21 20:00) is later than at" in c.dose.view.log_error.error_text()
    c.dose.view.doses.setCurrentRow(0)
    c.dose.remove_selected()
    assert c.dose.view.log_error.error_text() == ""


def test_four_doses_reach_the_maximum(app_controller, clock) -> None:
    c = app_controller
    clock[0] = datetime(2026, 11, 23, 0, 0)
    c.dose.set_doses(
        [datetime(2026, 11, 21, h, 0) for h in (0, 8, 16)] + [datetime(2026, 11, 22, 8)]
    )
    assert c.dose.view.eligibility.text() == "No further tocilizumab this episode"
    assert c.dose.schedule is not None
    assert c.dose.schedule.next_eligible_at is None  # S4


def test_countdown_text_rounds_up_to_the_minute(app_controller) -> None:
    c = app_controller
    c.dose.add_dose(datetime(2026, 11, 21, 8, 0))
    s = c.dose.schedule
    assert s is not None
    assert countdown_text(datetime(2026, 11, 21, 15, 59, 1), s) == "Next dose allowed in 0 h 01 min"


def test_profile_change_updates_the_dose_clock(app_controller) -> None:
    c = app_controller
    c.dose.set_doses([datetime(2026, 11, 21, 0, 0), datetime(2026, 11, 21, 8, 0)])
    c.set_profile_id("nccn-shortage")
    assert c.dose.view.eligibility.text() == "No further tocilizumab this episode"
    assert "limit 2" in c.dose.view.counts.text()
