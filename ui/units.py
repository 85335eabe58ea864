"""Unit conversions of the app: kg/lb and °C/°F (the definitions live in
calculator.units, shared with the handoff note). The core always receives kilograms and
degrees Celsius."""

from __future__ import annotations

import re
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


#: A number as a person types it: digits with at most one decimal separator, a point or
#: a comma ("38.5", "38,5", ",5"); no thousands separator, exponent, underscore or word.
_NUMBER = re.compile(r"^([+-]?)(\d*)(?:([.,])(\d*))?$")


class NotANumber(ValueError):
    """Typed text that is not one number; the message is a plain sentence for the user."""


def read_number(text: str, what: str = "") -> float | None:
    """The one place the app turns typed text into a number: None when empty, the number
    when the text is one (a decimal comma is a decimal separator: "38,5" is 38.5), else
    NotANumber with a sentence naming ``what`` (the field). A comma followed by exactly
    three digits ("1,000") could be a thousands separator and is refused, never guessed
    (it was read as 1.0; "38_5" was 385)."""
    cleaned = text.strip()
    if not cleaned:
        return None
    said = f"{what}: " if what else ""
    match = _NUMBER.match(cleaned)
    if match is None or not (match.group(2) or match.group(4)):
        raise NotANumber(
            f'{said}"{_short(cleaned)}" is not a number: type digits with at most one '
            "decimal point or comma (38.5 or 38,5), without thousands separators."
        )
    sign, whole, separator, fraction = match.groups()
    if separator == "," and len(fraction or "") == 3 and whole and whole != "0":
        thousands = f"{sign}{whole}{fraction}"
        decimal = f"{sign}{whole}.{fraction}"
        raise NotANumber(
            f'{said}"{cleaned}" could be {thousands} or {decimal}: type {thousands} '
            f"(no thousands separator) or {decimal} (decimal point)."
        )
    return float(f"{sign}{whole or '0'}.{fraction or '0'}")


def parse_number(text: str) -> float | None:
    """A number typed by a person ("70", "70.5", "70,5"), or None if empty or not one."""
    try:
        return read_number(text)
    except NotANumber:
        return None


def number_problem(text: str, what: str = "") -> str | None:
    """Why ``text`` is not a number, in a sentence naming ``what``; None when it is one
    (or empty)."""
    try:
        read_number(text, what)
    except NotANumber as exc:
        return str(exc)
    return None


def core_number(text: str) -> float | str | None:
    """For the core: the number, None when empty, or the text itself when it is not a
    number (the core refuses it by field; ``explain`` gives the app's own sentence)."""
    value = parse_number(text)
    if value is None and text.strip():
        return text.strip()
    return value


def explain(text: str, message: str, what: str = "") -> str:
    """The core's refusal of a field, or, when the text typed there is not a number,
    the app's sentence saying why (the core only sees text and says "must be a number")."""
    return number_problem(text, what) or message


def _short(text: str, width: int = 30) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


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
