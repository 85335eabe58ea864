"""The interpreter every scale shares: criteria met and criteria a missing finding could
still meet, folded into one grade or range (XW-WORST, XW-RANGE)."""

from __future__ import annotations

from dataclasses import dataclass, field

from calculator.crosswalk.models import Criterion
from calculator.results import unique


@dataclass
class Tally:
    """What one scale found. ``met`` proves a grade; ``could`` names a grade that only a
    finding not entered could give, and that finding."""

    met: list[Criterion] = field(default_factory=list)
    could_grades: list[tuple[int, tuple[str, ...]]] = field(default_factory=list)

    def add(self, grade: int, text: str, *rules: str) -> None:
        # Built from the core's own values, never from input: no validation to repeat (a
        # batch regrading a trial's 10,000 events builds some 75,000 of these).
        self.met.append(Criterion.model_construct(grade=grade, text=text, rules=unique(rules)))

    def could(self, grade: int, needs: tuple[str, ...] | list[str]) -> None:
        if needs:
            self.could_grades.append((grade, tuple(needs)))

    def grade_min(self) -> int:
        """XW-WORST: the most severe criterion met (0 when none is)."""
        return max((c.grade for c in self.met), default=0)

    def fold(self) -> tuple[int, int, tuple[str, ...]]:
        """(grade_min, grade_max, needs), XW-RANGE: the range runs from what the entered
        findings prove to the highest grade a missing finding could give; only the
        findings that could raise the grade above ``grade_min`` are named."""
        low = self.grade_min()
        raising = [(g, n) for g, n in self.could_grades if g > low]
        high = max((g for g, _ in raising), default=low)
        needs = unique(name for _, names in raising for name in names)
        return low, high, needs

    def criteria(self) -> tuple[Criterion, ...]:
        """The criteria met with a grade, most severe first (as entered otherwise)."""
        shown = [c for c in self.met if c.grade > 0]
        return tuple(sorted(shown, key=lambda c: -c.grade))
