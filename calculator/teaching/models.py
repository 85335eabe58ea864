"""The teaching documents (spec teaching.md): a scenario (``crs-calc-scenario/1``) and a
learner's attempt at it (``crs-calc-attempt/1``). Validated like every input: each bad
field is named (``checkpoints[1].at``), never ignored.

The findings of each checkpoint are the truth the key is computed from; the narrative is
what the learner reads. Nothing in a scenario is an answer: the key is computed by the
core (``calculator.teaching.key``).
"""

import re
from typing import Any, Literal, Self, get_args

from pydantic import Field, StrictBool, StrictInt, field_validator, model_validator

from calculator.crosswalk.models import CrosswalkFindings
from calculator.dosing.models import MAX_DOSES
from calculator.edge.errors import Contradiction, InputError
from calculator.edge.inputs import LocalDateTime, format_datetime, refuse_repeats, validate
from calculator.grading.crs import CrsInput
from calculator.grading.icans import IcansInput
from calculator.management.models import MAX_GRADE1_DAYS
from calculator.records.case import CasePatient
from calculator.rulebook import FrozenModel
from calculator.rulebook.management import ActionCode, Strength

SCENARIO_FORMAT = "crs-calc-scenario/1"
ATTEMPT_FORMAT = "crs-calc-attempt/1"
ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
MAX_TEXT = 5000  # a narrative longer than this is a pasting error, not a handover
MAX_SHORT = 300
MAX_CHECKPOINTS = 40
MAX_POINTS = 20
MAX_SECONDS = 7 * 24 * 3600  # a typing-error guard: no answer takes a week

AskItem = Literal[
    "crs_grade", "icans_grade", "actions", "tocilizumab_dose_mg", "next_tocilizumab_at"
]
ASK_ITEMS: tuple[AskItem, ...] = get_args(AskItem)
#: A learner answers an action with the plan's own strengths.
AnswerStrength = Strength


class ScenarioPatient(CasePatient):
    """The patient as in case documents, plus ``haplo_ptcy`` (haploidentical HCT with
    post-transplant cyclophosphamide), which ``recommend`` needs for MGT-HAPLO."""

    haplo_ptcy: StrictBool = False


class Checkpoint(FrozenModel):
    """One moment of the scenario: what the learner reads, and the findings behind it."""

    id: str = Field(pattern=ID_PATTERN, max_length=64)
    at: LocalDateTime
    narrative: str = Field(min_length=1, max_length=MAX_TEXT)
    crs: CrsInput = CrsInput()
    icans: IcansInput
    #: The findings only the older scales need (section 13): the debrief shows the
    #: checkpoint under each scale; none entered gives ranges (XW-RANGE).
    crosswalk: CrosswalkFindings | None = None
    tocilizumab_doses: tuple[LocalDateTime, ...] = Field(default=(), max_length=MAX_DOSES)
    improving: StrictBool | None = None
    crs_grade1_days: float | None = Field(default=None, ge=0, le=MAX_GRADE1_DAYS, strict=True)
    ask: tuple[AskItem, ...] = Field(default=ASK_ITEMS, min_length=1)
    teaching_points: tuple[str, ...] = Field(default=(), max_length=MAX_POINTS)

    @field_validator("ask")
    @classmethod
    def _ask_once(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        refuse_repeats(value)
        return value

    @field_validator("teaching_points")
    @classmethod
    def _points_short(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if any(len(v) > MAX_TEXT for v in value):
            raise ValueError(f"each teaching point must be at most {MAX_TEXT} characters")
        return value

    @model_validator(mode="after")
    def _doses_given(self) -> Self:
        late = [i for i, d in enumerate(self.tocilizumab_doses) if d > self.at]
        if late:
            raise Contradiction(
                f"is later than the checkpoint's at ({format_datetime(self.at)}): list only "
                "doses given before it",
                *(f"tocilizumab_doses[{i}]" for i in late),
            )
        return self


class Scenario(FrozenModel):
    format: Literal["crs-calc-scenario/1"]
    id: str = Field(pattern=ID_PATTERN, max_length=64)
    title: str = Field(min_length=1, max_length=MAX_SHORT)
    audience: str = Field(default="", max_length=MAX_SHORT)
    objectives: tuple[str, ...] = Field(default=(), max_length=MAX_POINTS)
    profile: str | None = Field(default=None, max_length=64)
    patient: ScenarioPatient
    checkpoints: tuple[Checkpoint, ...] = Field(min_length=1, max_length=MAX_CHECKPOINTS)

    @model_validator(mode="before")
    @classmethod
    def _icans_age(cls, data: Any) -> Any:
        """Each checkpoint's ICANS input takes the patient's age unless it gives its own
        (and then it must agree)."""
        if not isinstance(data, dict) or not isinstance(data.get("patient"), dict):
            return data
        age = data["patient"].get("age_years")
        points = data.get("checkpoints")
        if age is None or not isinstance(points, list):
            return data
        fixed = []
        for cp in points:
            if isinstance(cp, dict):
                icans = cp.get("icans", {})
                if isinstance(icans, dict):
                    cp = {**cp, "icans": {"age_years": age, **icans}}
            fixed.append(cp)
        return {**data, "checkpoints": fixed}

    @model_validator(mode="after")
    def _in_order(self) -> Self:
        seen: dict[str, int] = {}
        for i, cp in enumerate(self.checkpoints):
            if cp.id in seen:
                raise Contradiction(
                    f"repeats the id of checkpoints[{seen[cp.id]}] ({cp.id!r}): ids must be unique",
                    f"checkpoints[{i}].id",
                )
            seen[cp.id] = i
            if cp.icans.age_years != self.patient.age_years:
                raise Contradiction(
                    "differs from patient.age_years", f"checkpoints[{i}].icans.age_years"
                )
            if i == 0:
                continue
            before = self.checkpoints[i - 1]
            if cp.at <= before.at:
                raise Contradiction(
                    f"must be later than checkpoints[{i - 1}].at ({format_datetime(before.at)}): "
                    "checkpoints are in time order",
                    f"checkpoints[{i}].at",
                )
            dropped = sorted(set(before.tocilizumab_doses) - set(cp.tocilizumab_doses))
            if dropped:
                raise Contradiction(
                    "leaves out a dose listed at the checkpoint before ("
                    + ", ".join(format_datetime(d) for d in dropped)
                    + "): each checkpoint lists every dose given so far",
                    f"checkpoints[{i}].tocilizumab_doses",
                )
        return self

    def checkpoint(self, checkpoint_id: str) -> Checkpoint:
        for cp in self.checkpoints:
            if cp.id == checkpoint_id:
                return cp
        raise KeyError(checkpoint_id)


class ActionAnswer(FrozenModel):
    code: ActionCode
    strength: AnswerStrength


class Answer(FrozenModel):
    """A learner's answers at one checkpoint. Any item may be left out (not answered);
    ``next_tocilizumab_at`` null is an answer ("no further dose"), absent is not."""

    checkpoint: str = Field(pattern=ID_PATTERN, max_length=64)
    crs_grade: StrictInt | None = Field(default=None, ge=0, le=5)
    icans_grade: StrictInt | None = Field(default=None, ge=0, le=5)
    actions: tuple[ActionAnswer, ...] | None = None
    tocilizumab_dose_mg: float | None = Field(default=None, ge=0, le=10_000, strict=True)
    next_tocilizumab_at: LocalDateTime | None = None
    seconds: float | None = Field(default=None, ge=0, le=MAX_SECONDS, strict=True)

    @field_validator("actions")
    @classmethod
    def _each_code_once(
        cls, value: tuple[ActionAnswer, ...] | None
    ) -> tuple[ActionAnswer, ...] | None:
        refuse_repeats(a.code for a in value or ())
        return value

    def answered(self, item: str) -> bool:
        """Whether the learner answered ``item`` (a null next time is an answer)."""
        return item in self.model_fields_set and (
            item == "next_tocilizumab_at" or getattr(self, item) is not None
        )


class Attempt(FrozenModel):
    format: Literal["crs-calc-attempt/1"]
    scenario: Scenario
    learner: str = Field(default="", max_length=MAX_SHORT)
    started_at: LocalDateTime | None = None
    answers: tuple[Answer, ...] = Field(default=(), max_length=MAX_CHECKPOINTS)

    @model_validator(mode="after")
    def _answers_fit(self) -> Self:
        ids = [cp.id for cp in self.scenario.checkpoints]
        seen: set[str] = set()
        for i, answer in enumerate(self.answers):
            if answer.checkpoint not in ids:
                raise Contradiction(
                    f"{answer.checkpoint!r} is not a checkpoint of scenario "
                    f"{self.scenario.id!r} ({', '.join(ids)})",
                    f"answers[{i}].checkpoint",
                )
            if answer.checkpoint in seen:
                raise Contradiction("answers this checkpoint twice", f"answers[{i}].checkpoint")
            seen.add(answer.checkpoint)
            asked = self.scenario.checkpoint(answer.checkpoint).ask
            for item in ASK_ITEMS:
                if item not in asked and answer.answered(item):
                    raise Contradiction("is not asked at this checkpoint", f"answers[{i}].{item}")
        return self

    def answer(self, checkpoint_id: str) -> Answer | None:
        return next((a for a in self.answers if a.checkpoint == checkpoint_id), None)


#: ASCII digits, at most 9 (as calculator.records.case): "/²", "/١" or 5,000 digits are refused.
_FORMAT = re.compile(r"crs-calc-(scenario|attempt)/([0-9]{1,9})")


def _check_format(data: Any, expected: str, what: str) -> None:
    if not isinstance(data, dict):
        raise InputError(f"A {what} must be one JSON object.")
    value = data.get("format")
    if value is None:
        raise InputError.for_field("format", f"is required ({expected})")
    match = _FORMAT.fullmatch(value) if isinstance(value, str) else None
    if match is None or f"crs-calc-{match.group(1)}" != expected.split("/")[0]:
        raise InputError.for_field("format", f"{value!r} is not a {what} ({expected})")
    if int(match.group(2)) > int(expected.split("/")[1]):
        raise InputError.for_field(
            "format",
            f"{value!r} is a newer {what} format than this app reads ({expected}): open it "
            "with a newer version of the app",
        )


def load_scenario(data: Any) -> Scenario:
    """Validate a scenario document; the format first, then every field by name."""
    _check_format(data, SCENARIO_FORMAT, "scenario document")
    return validate(Scenario, data)


def load_attempt(data: Any) -> Attempt:
    _check_format(data, ATTEMPT_FORMAT, "attempt document")
    if isinstance(data.get("scenario"), dict):
        try:
            _check_format(data["scenario"], SCENARIO_FORMAT, "scenario document")
        except InputError as err:
            raise InputError.for_field("scenario.format", err.fields[0].message) from None
    return validate(Attempt, data)


def dump_scenario(scenario: Scenario) -> dict[str, Any]:
    """JSON-ready data of a scenario, as written to a file (defaults left out, the ICANS
    age written only on the patient)."""
    data = scenario.model_dump(mode="json", exclude_defaults=True, exclude_none=True)
    data["format"] = scenario.format
    for cp in data["checkpoints"]:
        icans = cp.get("icans", {})
        icans.pop("age_years", None)
        cp["icans"] = icans
    return data


def dump_attempt(attempt: Attempt) -> dict[str, Any]:
    answers = []
    for a in attempt.answers:
        item = a.model_dump(mode="json", include=a.model_fields_set | {"checkpoint"})
        answers.append(item)
    out: dict[str, Any] = {
        "format": attempt.format,
        "scenario": dump_scenario(attempt.scenario),
        "learner": attempt.learner,
    }
    if attempt.started_at is not None:
        out["started_at"] = format_datetime(attempt.started_at)
    out["answers"] = answers
    return out
