"""Unit conversions of the app: kg/lb and °C/°F. Definitions, not clinical rules.

1 lb = 0.45359237 kg exactly (international avoirdupois pound, 1959);
°F = °C x 9/5 + 32. The core always receives kilograms and degrees Celsius.
"""

from __future__ import annotations

from typing import Literal

WeightUnit = Literal["kg", "lb"]
TemperatureUnit = Literal["°C", "°F"]
# The settings' temperature unit ("C"/"F") as the unit menus show it.
TEMPERATURE_TEXT = {"C": "°C", "F": "°F"}

KG_PER_LB = 0.45359237

# Converted values are rounded to this many decimals to drop float noise
# (100.4 °F is 38.0 °C, not 37.99999999999999 °C); far finer than any scale or thermometer.
CANONICAL_DECIMALS = 6


def lb_to_kg(lb: float) -> float:
    return round(lb * KG_PER_LB, CANONICAL_DECIMALS)


def kg_to_lb(kg: float) -> float:
    return round(kg / KG_PER_LB, CANONICAL_DECIMALS)


def f_to_c(f: float) -> float:
    return round((f - 32) * 5 / 9, CANONICAL_DECIMALS)


def c_to_f(c: float) -> float:
    return round(c * 9 / 5 + 32, CANONICAL_DECIMALS)


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


def fmt(value: float, decimals: int = 2) -> str:
    """A number for display: at most ``decimals`` places, no trailing zeros ("154.32", "70")."""
    text = f"{value:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text
