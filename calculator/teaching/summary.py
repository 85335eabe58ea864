"""A class summary over several scored attempts: learners x score, critical errors and
the items most often missed, and the same as CSV (spec teaching.md, "Instructor")."""

import csv
import io
from collections import Counter
from collections.abc import Sequence

from calculator.rulebook import FrozenModel
from calculator.teaching.score import ScoreResult


class LearnerRow(FrozenModel):
    source: str  # where the attempt came from (a file name), to tell equal names apart
    learner: str
    scenario_id: str
    scenario_title: str
    points: int
    possible: int
    percent: float
    critical_errors: int
    seconds_total: float
    #: Checkpoints reached of the scenario's; the score is over the reached ones only.
    reached: int = 0
    checkpoints: int = 0
    not_reached: tuple[str, ...] = ()


class MissedItem(FrozenModel):
    scenario_id: str
    checkpoint: str
    item: str
    missed: int
    attempts: int


class CriticalLine(FrozenModel):
    source: str
    learner: str
    checkpoint: str
    item: str
    text: str


class ClassSummary(FrozenModel):
    rows: tuple[LearnerRow, ...]
    most_missed: tuple[MissedItem, ...]
    critical: tuple[CriticalLine, ...]


def class_summary(entries: Sequence[tuple[str, ScoreResult]]) -> ClassSummary:
    """``entries``: (source, score) per attempt, in the order they were opened. An item is
    missed when it could score and did not (wrong or not answered); the items of a
    checkpoint the learner never reached could not score, and are neither missed nor
    counted among the attempts at it."""
    rows: list[LearnerRow] = []
    missed: Counter[tuple[str, str, str]] = Counter()
    seen: Counter[tuple[str, str, str]] = Counter()
    critical: list[CriticalLine] = []
    for source, r in entries:
        rows.append(
            LearnerRow(
                source=source,
                learner=r.learner,
                scenario_id=r.scenario.id,
                scenario_title=r.scenario.title,
                points=r.score.points,
                possible=r.score.possible,
                percent=r.score.percent,
                critical_errors=len(r.critical_errors),
                seconds_total=r.seconds_total,
                reached=len(r.checkpoints) - len(r.not_reached),
                checkpoints=len(r.checkpoints),
                not_reached=r.not_reached,
            )
        )
        for cp in r.checkpoints:
            if not cp.reached:
                continue
            for item in cp.items:
                if item.possible == 0:
                    continue
                where = (r.scenario.id, cp.id, item.item)
                seen[where] += 1
                if not item.correct:
                    missed[where] += 1
        critical += [
            CriticalLine(
                source=source, learner=r.learner, checkpoint=e.checkpoint, item=e.item, text=e.text
            )
            for e in r.critical_errors
        ]
    most = sorted(missed.items(), key=lambda kv: (-kv[1], kv[0]))
    return ClassSummary(
        rows=tuple(rows),
        most_missed=tuple(
            MissedItem(scenario_id=s, checkpoint=c, item=i, missed=n, attempts=seen[(s, c, i)])
            for (s, c, i), n in most
        ),
        critical=tuple(critical),
    )


CSV_COLUMNS = (
    "learner",
    "file",
    "scenario",
    "points",
    "possible",
    "percent",
    "critical_errors",
    "minutes",
    "checkpoints_reached",
    "not_reached",
)


def summary_csv(summary: ClassSummary) -> str:
    """One row per attempt, then a blank line and the most missed items."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for row in summary.rows:
        w.writerow(
            [
                _safe(row.learner),
                _safe(row.source),
                row.scenario_id,
                row.points,
                row.possible,
                f"{row.percent:.1f}",
                row.critical_errors,
                f"{row.seconds_total / 60:.1f}",
                f"{row.reached} of {row.checkpoints}",
                " ".join(row.not_reached),
            ]
        )
    w.writerow([])
    w.writerow(("scenario", "checkpoint", "item", "missed", "attempts"))
    for m in summary.most_missed:
        w.writerow([m.scenario_id, m.checkpoint, m.item, m.missed, m.attempts])
    return out.getvalue()


def _safe(text: str) -> str:
    """Free text never starts a spreadsheet formula (=, +, -, @) when the CSV is opened."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
