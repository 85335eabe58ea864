"""Vial arithmetic (TOCI-VIALS, TOCI-ROUND; also SILT-PREP vials), in whole tenths of a mg.

Working in integer tenths keeps every comparison exact: a dose is known to 0.1 mg and
every vial strength is a whole number of mg.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from fractions import Fraction
from functools import lru_cache

Counts = tuple[int, ...]


def _combinations(strengths: Sequence[int], limit: int) -> Iterator[Counts]:
    """Every vector of counts (one per strength) whose total is at most ``limit``."""
    if not strengths:
        yield ()
        return
    first, rest = strengths[0], strengths[1:]
    for n in range(limit // first + 1):
        for tail in _combinations(rest, limit - n * first):
            yield (n, *tail)


def _total(strengths: Sequence[int], counts: Counts) -> int:
    return sum(s * n for s, n in zip(strengths, counts, strict=True))


def _preference(strengths: Sequence[int], counts: Counts) -> tuple[int, int, tuple[int, ...]]:
    """Least total (least waste), then fewest vials, then more of the larger vials."""
    by_size = sorted(zip(strengths, counts, strict=True), key=lambda sc: -sc[0])
    return _total(strengths, counts), sum(counts), tuple(-n for _, n in by_size)


@lru_cache(maxsize=8192)
def least_waste(dose: int, strengths: tuple[int, ...]) -> Counts:
    """The counts (one per strength) covering ``dose`` with the least waste, then the
    fewest vials. For each choice of the larger vials the smallest vial fills the rest
    with as few as cover it; any other count only adds waste (TOCI-VIALS). Pure, so
    cached: a ward asks for the same few doses again and again."""
    if dose <= 0:
        raise ValueError("dose must be positive")
    if not strengths or min(strengths) <= 0:
        raise ValueError("strengths must be positive")
    order = sorted(range(len(strengths)), key=lambda i: strengths[i])
    smallest, larger = strengths[order[0]], [strengths[i] for i in order[1:]]
    best: Counts | None = None
    best_key: tuple[int, int, tuple[int, ...]] | None = None
    bound = dose + smallest  # no covering set worth having exceeds dose + smallest vial
    for tail in _combinations(larger, bound):
        covered = _total(larger, tail)
        fill = max(0, math.ceil((dose - covered) / smallest))
        by_order = (fill, *tail)
        counts = tuple(by_order[order.index(i)] for i in range(len(strengths)))
        key = _preference(strengths, counts)
        if best_key is None or key < best_key:
            best, best_key = counts, key
    assert best is not None
    return best


def whole_vial_totals(limit: int, strengths: Sequence[int]) -> list[int]:
    """Every total, up to ``limit``, that whole vials can make (sorted, no zero)."""
    totals = {_total(strengths, c) for c in _combinations(list(strengths), limit)}
    return sorted(t for t in totals if t > 0)


@lru_cache(maxsize=8192)
def nearest_whole_vial_total(
    dose: int,
    strengths: tuple[int, ...],
    tolerance: Fraction,
    cap: int,
    on_tie: str,
) -> int | None:
    """TOCI-ROUND: the whole-vial total nearest ``dose`` within ``tolerance`` (a fraction
    of the dose) and never above ``cap``; None when no total is close enough."""
    upper = min(cap, math.floor(dose * (1 + tolerance)))
    candidates = [
        t for t in whole_vial_totals(upper, strengths) if abs(t - dose) <= dose * tolerance
    ]
    if not candidates:
        return None
    lower_first = on_tie == "lower"
    return min(candidates, key=lambda t: (abs(t - dose), t if lower_first else -t))
