"""Unit conversions: kg/lb and °C/°F. Definitions, not clinical rules.

1 lb = 0.45359237 kg exactly (international avoirdupois pound, 1959);
°F = °C x 9/5 + 32. Every rule works in kilograms and degrees Celsius; these convert what
was typed in the other unit (the app) and print it back in that unit (the note).
"""

from __future__ import annotations

from typing import Final

KG_PER_LB: Final = 0.45359237

# Converted values are rounded to this many decimals to drop float noise
# (100.4 °F is 38.0 °C, not 37.99999999999999 °C); far finer than any scale or thermometer.
CANONICAL_DECIMALS: Final = 6


def lb_to_kg(lb: float) -> float:
    return round(lb * KG_PER_LB, CANONICAL_DECIMALS)


def kg_to_lb(kg: float) -> float:
    return round(kg / KG_PER_LB, CANONICAL_DECIMALS)


def f_to_c(f: float) -> float:
    return round((f - 32) * 5 / 9, CANONICAL_DECIMALS)


def c_to_f(c: float) -> float:
    return round(c * 9 / 5 + 32, CANONICAL_DECIMALS)
