"""Exact decimal rounding and plain number text for the dose panel.

Doses are computed from the weight as typed (``Decimal(repr(x))``), so 29.9 kg x 12
is 358.8 mg, not 358.79999; halves round up, as a pharmacist rounds.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

#: Output resolution of the contract (cli-contract.md `dose`): doses to 0.1 mg,
#: volumes to 0.01 mL. Presentation, not clinical numbers.
DOSE_PLACES = Decimal("0.1")
VOLUME_PLACES = Decimal("0.01")

#: A weight so small that weight x mg/kg rounds to 0.0 mg is a typing error, not a dose.
TOO_SMALL = "is too small: the dose would round to 0 mg (check the weight and its unit)"


def dec(value: float | int | Decimal) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(repr(value))


def round_half_up(value: Decimal, places: Decimal) -> Decimal:
    return value.quantize(places, rounding=ROUND_HALF_UP)


def round_up(value: Decimal, places: Decimal) -> Decimal:
    return value.quantize(places, rounding=ROUND_CEILING)


def fmt(value: float | int | Decimal, places: int = 2) -> str:
    """A number as a person writes it: 560, 358.8, 17.94 (no trailing zeros)."""
    text = f"{dec(value):.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def fmt_hours(hours: float) -> str:
    return f"{fmt(hours)} h"
