"""Refusals with a plain message per field: what the command line and the app show."""

from collections.abc import Iterable, Sequence
from typing import Any, Self

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from calculator.rulebook.base import FrozenModel


class FieldError(FrozenModel):
    field: str
    message: str


class Contradiction(ValueError):
    """Raised by a model validator when fields disagree; names the fields involved."""

    def __init__(self, message: str, *fields: str) -> None:
        super().__init__(message)
        self.fields = fields


class InputError(Exception):
    """The input was refused. ``fields`` names every bad field (may be empty)."""

    def __init__(self, message: str, fields: Sequence[FieldError] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.fields = tuple(fields)

    @classmethod
    def for_field(cls, field: str, message: str) -> Self:
        return cls(f"{field}: {message}", [FieldError(field=field, message=message)])

    def to_json(self) -> dict[str, Any]:
        return {
            "error": {
                "message": self.message,
                "fields": [f.model_dump() for f in self.fields],
            }
        }


def field_path(loc: Iterable[int | str], prefix: str = "") -> str:
    path = prefix
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path or "input"


def _plain(err: ErrorDetails) -> str:
    """One sentence a nurse or pharmacist understands, from one pydantic error."""
    kind = err["type"]
    ctx = err.get("ctx") or {}
    simple = {
        "missing": "is required",
        "extra_forbidden": "is not a known field (check the spelling)",
        "bool_type": "must be true or false",
        "bool_parsing": "must be true or false",
        "int_type": "must be a whole number",
        "int_parsing": "must be a whole number",
        "int_from_float": "must be a whole number",
        "float_type": "must be a number",
        "float_parsing": "must be a number",
        "finite_number": "must be a finite number (not NaN or infinity)",
        "string_type": "must be text",
        "list_type": "must be a list",
        "tuple_type": "must be a list",
        "dict_type": "must be an object",
        "model_type": "must be an object",
        "model_attributes_type": "must be an object",
        "datetime_type": "must be a date-time like 2026-11-21T08:00",
        "datetime_parsing": "must be a date-time like 2026-11-21T08:00",
        "datetime_from_date_parsing": "must be a date-time like 2026-11-21T08:00",
    }
    if kind in simple:
        return simple[kind]
    if kind in {"greater_than_equal", "greater_than", "less_than_equal", "less_than"}:
        words = {
            "greater_than_equal": ("ge", "must be at least"),
            "greater_than": ("gt", "must be more than"),
            "less_than_equal": ("le", "must be at most"),
            "less_than": ("lt", "must be less than"),
        }[kind]
        return f"{words[1]} {ctx.get(words[0])}"
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected', '')}"
    if kind == "too_short":
        return f"must have at least {ctx.get('min_length')} entries"
    if kind == "too_long":
        return f"must have at most {ctx.get('max_length')} entries"
    if kind == "string_pattern_mismatch":
        return "is not in the expected format"
    if kind == "value_error":
        message = str(ctx.get("error", err["msg"]))
        return message
    return str(err["msg"])


def from_validation_error(
    exc: ValidationError, prefix: str = "", *, total: int | None = None, limit: int | None = None
) -> InputError:
    """One InputError naming each bad field. With ``limit``, only the first ``limit`` fields
    are named and the message says how many problems there were in all (``total``, or
    this error's own count)."""
    fields: list[FieldError] = []
    seen: set[tuple[str, str]] = set()
    for err in exc.errors():
        loc = [p for p in err["loc"] if not _is_union_tag(p)]
        message = _plain(err)
        cause = (err.get("ctx") or {}).get("error")
        names = (
            [field_path([*loc, *f.split(".")], prefix) for f in cause.fields]
            if isinstance(cause, Contradiction) and cause.fields
            else [field_path(loc, prefix)]
        )
        for name in names:
            if (name, message) not in seen:
                seen.add((name, message))
                fields.append(FieldError(field=name, message=message))
    # A union (number | "none") fails on each branch; keep one line per field when any
    # branch produced a range message, as it is the one that helps.
    fields = _prefer_specific(fields)
    count = exc.error_count() if total is None else total
    more = ""
    # Named fields were cut, or the errors came from a shortened copy of the input.
    if limit is not None and (len(fields) > limit or count > exc.error_count()):
        fields = fields[:limit]
        more = f" ({count} problems in all; the first {len(fields)} are named)"
    summary = "; ".join(f"{f.field}: {f.message}" for f in fields)
    return InputError(f"The input was refused: {summary}{more}.", fields)


def _is_union_tag(part: int | str) -> bool:
    # pydantic puts the branch type ("int", "literal['none']", "function-after[...]") in loc.
    return isinstance(part, str) and (
        part in {"int", "float", "str", "bool"} or "[" in part or part.startswith("constrained")
    )


def _prefer_specific(fields: list[FieldError]) -> list[FieldError]:
    by_field: dict[str, list[FieldError]] = {}
    for f in fields:
        by_field.setdefault(f.field, []).append(f)
    out: list[FieldError] = []
    for items in by_field.values():
        specific = [f for f in items if not f.message.startswith("must be one of")]
        out.extend(specific[:1] if len(items) > 1 and specific else items)
    return out
