"""Scoring a learner's attempt against the computed key (TEACH-GRADE, TEACH-DOSE,
TEACH-TIME, TEACH-ACTIONS, TEACH-CRITICAL in ``data/teaching.toml``).

Explanations come from the core's own results (the grade explanations, the dose working,
the repeat-dose clock's reasons, the action texts), never from text typed into the
scenario. Items not answered score nothing and raise no critical error.

The score is over the checkpoints the learner reached: every checkpoint up to the last
one answered, and the first (a checkpoint skipped before the last answered one is "not
answered" and counts, as the spec says). The checkpoints after it were never shown to
the learner: they are listed as "not reached" and count neither way (issue 22: "8 of 31"
after 2 of 4 checkpoints).
"""

from datetime import datetime
from typing import Any, Literal

from calculator.edge.inputs import format_datetime
from calculator.management import Action
from calculator.results import CoreResult, unique
from calculator.rulebook import FrozenModel, Ruleset, ruleset
from calculator.rulebook.profiles import Profile
from calculator.taper.models import OutDateTime
from calculator.teaching.key import CheckpointKey, ScenarioKey, ScenarioRef, scenario_key
from calculator.teaching.models import Answer, Attempt
from calculator.words import count, when

Status = Literal["right", "wrong", "not answered", "not indicated", "not scored", "not reached"]


class ItemScore(FrozenModel):
    """One item of one checkpoint: the learner's answer against the key."""

    item: str
    answer: Any
    key: Any
    correct: bool | None
    status: Status
    points: int
    possible: int
    explanation: tuple[str, ...]
    rules: tuple[str, ...]


class CriticalError(FrozenModel):
    checkpoint: str
    item: str
    text: str
    rules: tuple[str, ...]


class CheckpointScore(FrozenModel):
    id: str
    at: OutDateTime
    answered: bool
    #: Whether the learner got to this checkpoint (see the module's docstring).
    reached: bool = True
    seconds: float | None
    points: int
    possible: int
    items: tuple[ItemScore, ...]


class ScoreTotal(FrozenModel):
    points: int
    possible: int
    percent: float


class ScoreResult(CoreResult):
    scenario: ScenarioRef
    learner: str
    score: ScoreTotal
    critical_errors: tuple[CriticalError, ...]
    checkpoints: tuple[CheckpointScore, ...]
    #: The ids of the checkpoints the learner never reached, in order (none scored).
    not_reached: tuple[str, ...] = ()
    seconds_total: float


def percent(points: int, possible: int) -> float:
    return round(100.0 * points / possible, 1) if possible else 0.0


def score_attempt(
    attempt: Attempt, profile: Profile, rs: Ruleset | None = None, key: ScenarioKey | None = None
) -> ScoreResult:
    """Score every asked item of every checkpoint; ``key`` may be passed when already made."""
    rs = rs or ruleset()
    key = key or scenario_key(attempt.scenario, profile, rs)
    checkpoints: list[CheckpointScore] = []
    critical: list[CriticalError] = []
    reached = reached_count(attempt, key)
    for index, cp_key in enumerate(key.checkpoints):
        answer = attempt.answer(cp_key.id)
        if index >= reached:
            checkpoints.append(_not_reached(cp_key, rs))
            continue
        items, errors = score_checkpoint(cp_key, answer, rs)
        critical += errors
        checkpoints.append(
            CheckpointScore(
                id=cp_key.id,
                at=cp_key.at,
                answered=answer is not None,
                seconds=answer.seconds if answer else None,
                points=sum(i.points for i in items),
                possible=sum(i.possible for i in items),
                items=items,
            )
        )
    points = sum(c.points for c in checkpoints)
    possible = sum(c.possible for c in checkpoints)
    t = rs.teaching
    rule_ids = unique([t.grade.id, t.dose.id, t.time.id, t.actions.id, t.critical.id, *key.rules])
    return ScoreResult(
        scenario=key.scenario,
        learner=attempt.learner,
        score=ScoreTotal(points=points, possible=possible, percent=percent(points, possible)),
        critical_errors=tuple(critical),
        checkpoints=tuple(checkpoints),
        not_reached=tuple(c.id for c in checkpoints if not c.reached),
        seconds_total=sum(a.seconds or 0.0 for a in attempt.answers),
        rules=rule_ids,
        warnings=key.warnings,
        ruleset=rs.info,
        profile=key.profile,
    )


def reached_count(attempt: Attempt, key: ScenarioKey) -> int:
    """How many checkpoints, from the first, the learner reached: up to the last answered,
    and at least the first (shown as the attempt starts)."""
    answered = {a.checkpoint for a in attempt.answers}
    ids = [cp.id for cp in key.checkpoints]
    last = max((i + 1 for i, cp_id in enumerate(ids) if cp_id in answered), default=1)
    return min(last, len(ids))


def _not_reached(key: CheckpointKey, rs: Ruleset) -> CheckpointScore:
    """A checkpoint the learner never got to: its items listed against the key, unscored."""
    items, _errors = score_checkpoint(key, None, rs)
    return CheckpointScore(
        id=key.id,
        at=key.at,
        answered=False,
        reached=False,
        seconds=None,
        points=0,
        possible=0,
        items=tuple(
            i.model_copy(update={"status": "not reached", "correct": None, "possible": 0})
            for i in items
        ),
    )


def score_checkpoint(
    key: CheckpointKey, answer: Answer | None, rs: Ruleset
) -> tuple[tuple[ItemScore, ...], list[CriticalError]]:
    """The items asked at one checkpoint, scored; and the critical errors among them."""
    items: list[ItemScore] = []
    critical: list[CriticalError] = []
    a = answer or Answer(checkpoint=key.id)
    t = rs.teaching
    for item in key.ask:
        if item == "crs_grade":
            items.append(
                _exact(
                    item,
                    a,
                    key.crs_grade,
                    t.grade.points,
                    key.crs_explanation,
                    (t.grade.id, *key.crs.rules),
                )
            )
        elif item == "icans_grade":
            items.append(
                _exact(
                    item,
                    a,
                    key.icans_grade,
                    t.grade.points,
                    key.icans_explanation,
                    (t.grade.id, *key.icans.rules),
                )
            )
        elif item == "tocilizumab_dose_mg":
            items.append(_dose(a, key, rs))
            critical += _dose_critical(a, key, rs)
        elif item == "next_tocilizumab_at":
            items.append(_time(a, key, rs))
        else:
            action_items, errors = _actions(a, key, rs)
            items += action_items
            critical += errors
    return tuple(items), critical


def _status(answered: bool, correct: bool) -> Status:
    if not answered:
        return "not answered"
    return "right" if correct else "wrong"


def _exact(
    item: str,
    a: Answer,
    key: int,
    points: int,
    explanation: tuple[str, ...],
    rules: tuple[str, ...],
) -> ItemScore:
    """TEACH-GRADE: one point when equal to the key."""
    answered = a.answered(item)
    given = getattr(a, item)
    correct = answered and given == key
    return ItemScore(
        item=item,
        answer=given if answered else None,
        key=key,
        correct=correct if answered else False,
        status=_status(answered, correct),
        points=points if correct else 0,
        possible=points,
        explanation=explanation,
        rules=unique(rules),
    )


def _dose(a: Answer, key: CheckpointKey, rs: Ruleset) -> ItemScore:
    """TEACH-DOSE: within the tolerance of the computed tocilizumab dose."""
    rule = rs.teaching.dose
    answered = a.answered("tocilizumab_dose_mg")
    given = a.tocilizumab_dose_mg
    correct = (
        answered and given is not None and abs(given - key.tocilizumab_dose_mg) <= rule.tolerance_mg
    )
    return ItemScore(
        item="tocilizumab_dose_mg",
        answer=given if answered else None,
        key=key.tocilizumab_dose_mg,
        correct=correct,
        status=_status(answered, correct),
        points=rule.points if correct else 0,
        possible=rule.points,
        explanation=key.tocilizumab_dose.working,
        rules=unique((rule.id, *key.tocilizumab_dose.rules)),
    )


def _dose_critical(a: Answer, key: CheckpointKey, rs: Ruleset) -> list[CriticalError]:
    """TEACH-CRITICAL: a tocilizumab dose further than the set percentage from the key."""
    rule = rs.teaching.critical
    given = a.tocilizumab_dose_mg
    if not a.answered("tocilizumab_dose_mg") or given is None:
        return []
    expected = key.tocilizumab_dose_mg
    off_pct = abs(given - expected) / expected * 100.0
    if off_pct <= rule.dose_deviation_pct:
        return []
    return [
        CriticalError(
            checkpoint=key.id,
            item="tocilizumab_dose_mg",
            text=(
                f"Tocilizumab dose {given:g} mg is {off_pct:.1f}% from the computed "
                f"{expected:g} mg (more than {rule.dose_deviation_pct:g}%)."
            ),
            rules=unique((rule.id, *key.tocilizumab_dose.rules)),
        )
    ]


def schedule_explanation(key: CheckpointKey) -> tuple[str, ...]:
    """The repeat-dose clock's own reasons; when it allows a dose now, say so with its
    limits (the reasons list only what holds a dose back)."""
    s = key.tocilizumab_schedule
    if s.reasons:
        return s.reasons
    limits = s.limits
    per_day = "no cap" if limits.max_per_24h is None else f"at most {limits.max_per_24h}"
    total = "no cap" if limits.max_total is None else f"at most {limits.max_total}"
    return (
        f"{count(s.doses_total, 'dose')} given this episode, {s.doses_last_24h} in the last "
        f"24 h: a dose may be given at {when(s.at)} (at least {limits.min_interval_h:g} h "
        f"between doses; {per_day} in any 24 h; {total} in the episode).",
    )


def _time(a: Answer, key: CheckpointKey, rs: Ruleset) -> ItemScore:
    """TEACH-TIME: the next eligible time to the minute, or null when the key is null."""
    rule = rs.teaching.time
    answered = a.answered("next_tocilizumab_at")
    given = a.next_tocilizumab_at
    expected = key.next_tocilizumab_at
    correct = answered and _minute(given) == _minute(expected)
    return ItemScore(
        item="next_tocilizumab_at",
        answer=format_datetime(given) if answered and given is not None else None,
        key=format_datetime(expected) if expected is not None else None,
        correct=correct,
        status=_status(answered, correct),
        points=rule.points if correct else 0,
        possible=rule.points,
        explanation=schedule_explanation(key),
        rules=unique((rule.id, *key.tocilizumab_schedule.rules)),
    )


def _minute(value: datetime | None) -> datetime | None:
    return None if value is None else value.replace(second=0, microsecond=0)


def _actions(
    a: Answer, key: CheckpointKey, rs: Ruleset
) -> tuple[list[ItemScore], list[CriticalError]]:
    """TEACH-ACTIONS per key action, and the TEACH-CRITICAL errors about actions."""
    rule = rs.teaching.actions
    crit = rs.teaching.critical
    answered = a.answered("actions")
    learner: dict[str, str] = {x.code: x.strength for x in a.actions or ()}
    items: list[ItemScore] = []
    critical: list[CriticalError] = []
    for action in key.actions:
        strength: str = action.strength
        item = f"actions.{action.code}"
        given = learner.get(action.code)
        rules = unique((rule.id, *action.rules))
        if strength == "consider":
            items.append(
                ItemScore(
                    item=item,
                    answer=given if answered else None,
                    key=strength,
                    correct=None,
                    status="not scored",
                    points=0,
                    possible=0,
                    explanation=(action.text,),
                    rules=rules,
                )
            )
            continue
        correct = (given == "give") if strength == "give" else (given != "give")
        items.append(
            ItemScore(
                item=item,
                answer=given if answered else None,
                key=strength,
                correct=correct if answered else False,
                status=_status(answered, correct),
                points=rule.points_per_action if answered and correct else 0,
                possible=rule.points_per_action,
                explanation=(action.text,),
                rules=rules,
            )
        )
        if answered and strength != "give" and given == "give":
            critical.append(
                CriticalError(
                    checkpoint=key.id,
                    item=item,
                    text=f"Gave {action.code.replace('_', ' ')}, which the plan marks "
                    f"{strength}: {action.text}",
                    rules=unique((crit.id, *action.rules)),
                )
            )
    if answered:
        critical += _missed(key, learner, rs)
        listed = {x.code for x in key.actions}
        for code, strength_given in learner.items():
            if code not in listed and strength_given == "give":
                items.append(
                    ItemScore(
                        item=f"actions.{code}",
                        answer=strength_given,
                        key=None,
                        correct=None,
                        status="not indicated",
                        points=0,
                        possible=0,
                        explanation=(f"The plan does not list {code.replace('_', ' ')} here.",),
                        rules=(rule.id,),
                    )
                )
    return items, critical


def _missed(key: CheckpointKey, learner: dict[str, str], rs: Ruleset) -> list[CriticalError]:
    """TEACH-CRITICAL: a missed give of tocilizumab, or of a corticosteroid at CRS or ICANS
    grade >= the rule's threshold (any corticosteroid given counts as not missed)."""
    crit = rs.teaching.critical
    out: list[CriticalError] = []
    gives: dict[str, Action] = {x.code: x for x in key.actions if x.strength == "give"}
    toci = gives.get("tocilizumab")
    if toci is not None and learner.get("tocilizumab") != "give":
        out.append(
            CriticalError(
                checkpoint=key.id,
                item="actions.tocilizumab",
                text=f"Missed tocilizumab, which the plan marks give: {toci.text}",
                rules=unique((crit.id, *toci.rules)),
            )
        )
    severe = max(key.crs_grade, key.icans_grade) >= crit.steroid_from_grade
    # The corticosteroid codes are MGT-ONE-STEROID's, the rule that keeps one of them "give".
    steroids = rs.management.one_steroid.steroid_codes
    steroid = next((gives[c] for c in steroids if c in gives), None)
    if severe and steroid is not None and not any(learner.get(c) == "give" for c in steroids):
        out.append(
            CriticalError(
                checkpoint=key.id,
                item=f"actions.{steroid.code}",
                text=(
                    f"Missed a corticosteroid at CRS grade {key.crs_grade} / ICANS grade "
                    f"{key.icans_grade}: {steroid.text}"
                ),
                rules=unique((crit.id, *steroid.rules)),
            )
        )
    return out
