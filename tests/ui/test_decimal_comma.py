"""A decimal comma (issue 22): "38,5" typed on a German keyboard is 38.5 in every number
field of the app, and a text that is not one number ("1,000": a thousand or one?) is
refused at its field in a sentence naming it; never read as 385, 38 or 1. Only the app
reads commas: the core's JSON stays JSON."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from calculator.edge.cli import run
from tests.ui.helpers import fill_patient, type_text
from ui.controllers.app import AppController
from ui.controllers.verification_controller import _number as verification_number
from ui.teaching.editor import _number as editor_number
from ui.units import NotANumber, number_problem, parse_number, read_number

ACCEPTED = {
    "38,5": 38.5,
    "38.5": 38.5,
    " 38,5 ": 38.5,
    "38,50": 38.5,
    "0,125": 0.125,
    ",5": 0.5,
    "5.": 5.0,
    "70": 70.0,
    "-2,5": -2.5,
    "180.8": 180.8,
    "1.000": 1.0,  # a point is a decimal point
}
REFUSED = ["1,000", "38,500", "1.000,5", "1,000.5", "38_5", "39.5.1", "1e3", "inf", "nan", "."]


@pytest.mark.parametrize(("text", "value"), ACCEPTED.items())
def test_a_decimal_comma_or_point_is_read_as_the_number(text: str, value: float) -> None:
    assert read_number(text) == value
    assert parse_number(text) == value
    assert verification_number(text) == value
    assert editor_number(text) == value


@pytest.mark.parametrize("text", REFUSED)
def test_what_is_not_one_number_is_refused_with_a_sentence_naming_the_field(text: str) -> None:
    with pytest.raises(NotANumber) as err:
        read_number(text, "Temperature")
    message = str(err.value)
    assert message.startswith("Temperature: ")
    assert f'"{text}"' in message
    assert parse_number(text) is None
    assert verification_number(text) == text  # passed on as text: the core names the field
    assert number_problem(text, "Weight") is not None


def test_an_ambiguous_comma_says_both_readings() -> None:
    message = number_problem("1,000", "Weight")
    assert message is not None
    assert "1000" in message
    assert "1.000" in message


@given(
    whole=st.integers(0, 99999),
    fraction=st.text("0123456789", min_size=1, max_size=4),
    comma=st.booleans(),
)
def test_any_number_with_one_decimal_separator_reads_as_with_a_point(
    whole: int, fraction: str, comma: bool
) -> None:
    text = f"{whole}{',' if comma else '.'}{fraction}"
    expected = float(f"{whole}.{fraction}")
    if comma and len(fraction) == 3 and whole != 0:
        assert parse_number(text) is None  # a thousand or a decimal: asked, never guessed
    else:
        assert parse_number(text) == expected


def test_temperature_with_a_decimal_comma_grades_as_38_5(app_controller: AppController) -> None:
    c = app_controller
    fill_patient(c)
    crs = c.grading.view.crs_inputs
    type_text(crs.temperature.edit, "38,5")
    assert c.grading.crs_payload()["temperature_c"] == 38.5
    assert c.grading.crs_result is not None
    assert c.grading.crs_result.grade == 1  # fever alone
    assert crs.temperature.error_text() == ""


@pytest.mark.parametrize("text", ["1,000", "38_5", "38,500"])
def test_temperature_not_one_number_is_refused_at_the_field(
    app_controller: AppController, text: str
) -> None:
    c = app_controller
    fill_patient(c)
    crs = c.grading.view.crs_inputs
    type_text(crs.temperature.edit, text)
    message = crs.temperature.error_text()
    assert message.startswith(f'Temperature: "{text}"')
    assert c.grading.crs_for_case() is None
    assert c.grading.crs_refused


def test_oxygen_flow_weight_and_age_read_commas_and_refuse_ambiguity(
    app_controller: AppController,
) -> None:
    c = app_controller
    bar = c.window.patient_bar
    fill_patient(c, weight="70,5", age="45,5")
    assert c.patient.context().weight_kg == 70.5
    assert c.patient.context().age_years == 45.5
    crs = c.grading.view.crs_inputs
    type_text(crs.temperature.edit, "39")
    crs.oxygen.setCurrentIndex(crs.oxygen.findData("nasal_cannula"))
    type_text(crs.flow.edit, "2,5")
    assert c.grading.crs_payload()["oxygen_flow_l_min"] == 2.5
    type_text(crs.flow.edit, "1,000")
    assert crs.flow.error_text().startswith('Oxygen flow: "1,000" could be 1000 or 1.000')
    type_text(bar.weight.edit, "1,000")
    assert bar.weight.error_text().startswith('Weight: "1,000" could be 1000 or 1.000')


def test_taper_days_and_step_cells_read_commas(app_controller: AppController) -> None:
    c = app_controller
    fill_patient(c)
    c.taper.select_regimen("TAPER-DEX10")
    type_text(c.taper.view.first_days.edit, "3,5")
    assert c.taper.payload()["days"] == 3.5
    type_text(c.taper.view.first_days.edit, "1,000")
    assert c.taper.view.first_days.error_text().startswith(
        'Length of the first step: "1,000" could be'
    )


def test_the_core_json_stays_json() -> None:
    """Only the app reads a decimal comma: the command line refuses "38,5" by field."""
    code, text = run(["grade-crs"], lambda: json.dumps({"temperature_c": "38,5"}))
    assert code == 2
    assert "temperature_c" in text


def _type_into_spin(qtbot, spin, text: str) -> None:  # type: ignore[no-untyped-def]
    spin.setFocus()
    qtbot.waitUntil(spin.hasFocus)
    spin.lineEdit().selectAll()
    QTest.keyClicks(spin, text)
    QTest.keyClick(spin, Qt.Key.Key_Return)
    QApplication.processEvents()


def test_a_comma_in_a_whole_number_spin_box_is_refused_never_read_as_thousands(
    app_controller: AppController, qtbot
) -> None:  # type: ignore[no-untyped-def]
    """Qt read "3,5" typed into "Taper over" as 35 days (a thousands separator), and the
    ICE total "1,0" as 10; and while "38,5" was typed the value was already 38."""
    c = app_controller
    fill_patient(c)
    c.taper.select_regimen("TAPER-DEX10")
    type_text(c.taper.view.first_days.edit, "3")
    assert c.taper.view.generate.isChecked()
    c.window.tabs.setCurrentWidget(c.window.tool_pages["taper"])
    days = c.taper.view.taper_days
    before = days.value()
    _type_into_spin(qtbot, days, "3,5")
    assert days.value() == before
    assert c.taper.payload()["taper_days"] == before
    assert days.refusal().startswith('Taper length in days: "3,5" is not a whole number')
    assert days.property("invalid")
    assert c.taper.view.taper_days_error.error_text() == days.refusal()
    _type_into_spin(qtbot, days, "5")
    assert days.value() == 5
    assert days.refusal() == ""

    c.window.tabs.setCurrentWidget(c.window.tool_pages["grading"])
    ice = c.grading.view.icans_inputs.ice
    ice.setChecked(True)
    _type_into_spin(qtbot, ice.score, "1,0")
    assert ice.score.score() is None  # still "not typed", never 10 (or the 1 typed first)
    assert '"1,0" is not a whole number' in ice.score.refusal()
    assert ice.typing_error.error_text() == ice.score.refusal()
    assert c.grading.icans_for_case() is None
    c.new_case()  # the next patient's form says nothing of the text refused before
    assert ice.score.refusal() == ""
    assert ice.typing_error.error_text() == ""


@pytest.mark.parametrize("typed", ["1,000", "4_00", "8e2", "nan"])
def test_the_dose_log_amount_is_read_as_every_typed_number_is(
    app_controller: AppController, typed: str
) -> None:
    """Found in review: the dose log read its amount itself, so "1,000" was logged as
    1.0 mg, "4_00" as 400 and "8e2" as 800. It now reads it with ui.units.read_number:
    refused at the amount, nothing added; a decimal comma still reads as a point."""
    c = app_controller
    fill_patient(c)
    v = c.dose.view
    type_text(v.dose_amount, typed)
    v.dose_time.setText("0900")
    assert not c.dose.add_dose_from_view()
    assert c.dose.given() == []
    assert "Amount" in v.ledger_error.error_text()
    type_text(v.dose_amount, "560,5")
    assert c.dose.add_dose_from_view()
    assert c.dose.given()[0]["dose_mg"] == 560.5
