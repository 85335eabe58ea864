"""calculator.units: the one definition of kg/lb and °C/°F, used by the app and the note."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from calculator.records.note_words import temperature, weight
from calculator.units import c_to_f, f_to_c, kg_to_lb, lb_to_kg


def test_the_definitions() -> None:
    assert lb_to_kg(1) == 0.453592
    assert c_to_f(38.0) == 100.4
    assert f_to_c(100.4) == 38.0  # not 37.99999999999999


@given(st.floats(min_value=0.1, max_value=700, allow_nan=False))
def test_round_trips_stay_within_the_rounding(kg: float) -> None:
    assert abs(lb_to_kg(kg_to_lb(kg)) - kg) < 1e-5


def test_the_note_prints_a_value_back_in_its_unit_with_the_same_conversion() -> None:
    assert weight(70, "lb") == "154.32 lb (70 kg)"
    assert temperature(38.0, "F") == "100.4 °F (38 °C)"
