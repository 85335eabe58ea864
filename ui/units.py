"""Unit conversions of the app: kg/lb and °C/°F (the definitions live in
calculator.units, shared with the handoff note). The core always receives kilograms and
degrees Celsius."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

# Re-exported: the app's modules import the conversions from here.
from calculator.units import c_to_f as c_to_f
from calculator.units import f_to_c as f_to_c
from calculator.units import kg_to_lb as kg_to_lb
from calculator.units import lb_to_kg as lb_to_kg

#: The most decimals a converted number is shown with (a value typed with more is
#: rounded to it for display only; the value kept is never rounded).
MAX_DECIMALS = 10

WeightUnit = Literal["kg", "lb"]
TemperatureUnit = Literal["°C", "°F"]
# The settings' temperature unit ("C"/"F") as the unit menus show it.
TEMPERATURE_TEXT = {"C": "°C", "F": "°F"}


def to_kg(value: float, unit: WeightUnit) -> float:
    return value if unit == "kg" else lb_to_kg(value)


def from_kg(kg: float, unit: WeightUnit) -> float:
    return kg if unit == "kg" else kg_to_lb(kg)


def to_celsius(value: float, unit: TemperatureUnit) -> float:
    return value if unit == "°C" else f_to_c(value)


def from_celsius(c: float, unit: TemperatureUnit) -> float:
    return c if unit == "°C" else c_to_f(c)


def parse_number(text: str) -> float | None:
    """A number typed by a person ("70", "70.5", "70,5"), or None if it is not one."""
    cleaned = text.strip().replace(",", ".")
    if not cleaned:
        return None
    try:
        value = float(cleaned)
    except ValueError:
        return None
    if value != value or value in (float("inf"), float("-inf")):
        return None
    return value


def as_typed(
    canonical: float,
    unit: Any,
    to_canonical: Callable[[float, Any], float],
    from_canonical: Callable[[float, Any], float],
) -> str:
    """A value kept canonically (kg, °C) shown in ``unit`` at the precision it was typed:
    the fewest decimals whose number converts back to the very value kept (180.8 lb is
    kept as 82.0105... kg and shown as 180.8 again, never 180.799999)."""
    shown = from_canonical(canonical, unit)
    for decimals in range(MAX_DECIMALS + 1):
        text = fmt(shown, decimals)
        if to_canonical(float(text), unit) == canonical:
            return text
    return fmt(shown, MAX_DECIMALS)


def fmt(value: float, decimals: int = 2) -> str:
    """A number for display: at most ``decimals`` places, no trailing zeros ("154.32", "70")."""
    text = f"{value:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text
