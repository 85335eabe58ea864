"""Strict reading of JSON input: the first gate every command-line request passes."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, PlainSerializer, ValidationError

from calculator.errors import InputError, from_validation_error

M = TypeVar("M", bound=BaseModel)


def _nonfinite(name: str) -> float:
    # Parsed, not refused here, so that the model refuses it naming the field.
    return float(name.replace("Infinity", "inf"))


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"the key {key!r} appears twice")
        out[key] = value
    return out


def parse_json_object(text: str) -> dict[str, Any]:
    """Parse one JSON object; repeated keys are refused. NaN and Infinity are parsed as
    floats so that validation refuses them by field name (FrozenModel forbids them)."""
    try:
        value = json.loads(text, parse_constant=_nonfinite, object_pairs_hook=_no_duplicate_keys)
    except ValueError as exc:  # json.JSONDecodeError is a ValueError
        raise InputError(f"The input is not valid JSON: {exc}.") from None
    except RecursionError:
        raise InputError("The input is not valid JSON: it is nested too deeply.") from None
    if not isinstance(value, dict):
        raise InputError("The input must be one JSON object ({...}).")
    return value


def validate(model: type[M], data: Any, prefix: str = "") -> M:
    """Validate ``data`` into ``model`` or raise InputError naming every bad field."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise from_validation_error(exc, prefix) from None


def _local_datetime(value: Any) -> datetime:
    """ISO 8601 local date-time without offset, per the contract (2026-11-21T08:00)."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            raise ValueError("carries a UTC offset: give the local time without one")
        return value
    if not isinstance(value, str):
        raise ValueError("must be a date-time text like 2026-11-21T08:00")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a date-time like 2026-11-21T08:00") from None
    if "T" not in value and " " not in value:
        raise ValueError(f"{value!r} has no time of day: write it like 2026-11-21T08:00")
    if parsed.tzinfo is not None:
        raise ValueError(f"{value!r} carries a UTC offset: give the local time without one")
    return parsed


def format_datetime(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M")


def _write_local_datetime(value: datetime) -> str:
    # The contract's form (2026-11-21T08:00); seconds only when there are any to keep.
    if value.second == 0 and value.microsecond == 0:
        return format_datetime(value)
    return value.isoformat()


#: A local date-time read strictly from text (never from a number or with an offset), and
#: written back in the contract's form.
LocalDateTime = Annotated[
    datetime,
    BeforeValidator(_local_datetime),
    PlainSerializer(_write_local_datetime, return_type=str, when_used="json"),
]
