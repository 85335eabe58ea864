"""Numbers as the double check's sentences show them (doses to 0.1 mg, weights to
0.01 kg, signed percentages, vial combinations)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from calculator.verification.inputs import VialCount

#: Resolution at which two doses count as equal: 0.1 mg (cli-contract.md).
DOSE_DECIMALS = 1
WEIGHT_DECIMALS = 2


def fmt_number(value: float, decimals: int = DOSE_DECIMALS) -> str:
    """640.0 -> "640", 358.8 -> "358.8"."""
    text = f"{round(value, decimals):.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def fmt_pct(pct: float) -> str:
    """Signed percentage to 0.1: +25%, -6.3%, +0%."""
    text = fmt_number(pct, 1)
    if text in {"0", "-0"}:
        return "0%"
    return f"{'+' if pct > 0 else ''}{text}%"


def fmt_vials(vials: Iterable[VialCount]) -> str:
    items = sorted(vials, key=lambda v: -v.strength_mg)
    if not items:
        return "no vials"
    parts = [f"{v.count} x {fmt_number(v.strength_mg)} mg" for v in items]
    return f"{' + '.join(parts)} ({fmt_number(vial_total(items))} mg)"


def vial_total(vials: Iterable[VialCount]) -> float:
    return sum(v.strength_mg * v.count for v in vials)


def signed_pct(value: float, reference: float) -> float:
    """How much ``value`` differs from ``reference``, in percent of the reference."""
    return (value - reference) / reference * 100.0


def vial_key(vials: Iterable[VialCount]) -> dict[float, int]:
    out: dict[float, int] = {}
    for v in vials:
        key = round(v.strength_mg, DOSE_DECIMALS)
        out[key] = out.get(key, 0) + v.count
    return out
