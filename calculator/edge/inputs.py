"""Strict reading of JSON input: the first gate every command-line request passes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from datetime import datetime
from functools import cache
from typing import Annotated, Any, TypeVar, get_args
from zoneinfo import ZoneInfo

from pydantic import BaseModel, BeforeValidator, PlainSerializer, ValidationError, ValidationInfo

from calculator.edge.errors import FieldError, InputError, field_path, from_validation_error
from calculator.edge.safe_io import parse_json
from calculator.local_time import check_local, format_local, is_ambiguous, zone_from_name

M = TypeVar("M", bound=BaseModel)


def parse_json_object(text: str | bytes, field: str = "input") -> dict[str, Any]:
    """Parse one JSON object of at most 1 MiB and 64 levels (``safe_io.parse_json``);
    repeated keys are refused. NaN and Infinity are parsed as floats so that validation
    refuses them by field name (FrozenModel forbids them)."""
    value = parse_json(text, field)
    if not isinstance(value, dict):
        raise InputError.for_field(field, "must be one JSON object ({...})")
    return value


#: Refusals named one by one; beyond this many the rest are counted, so that a flood of
#: typos (200,000 unknown keys, 150,000 bad list items) costs what the first few cost.
MAX_FIELDS = 20


def validate(model: type[M], data: Any, prefix: str = "") -> M:
    """Validate ``data`` into ``model`` or raise InputError naming every bad field (the
    first :data:`MAX_FIELDS` of them by name, the rest counted)."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        total = exc.error_count()
        if total > MAX_FIELDS:
            # pydantic builds every error on .errors() (seconds for 200,000): name the
            # unknown keys ourselves, or report the errors of a copy with long lists cut
            # short (per-item errors are the same for the items kept).
            _refuse_many_unknown_keys(model, data, prefix)
            exc = _fewer_errors(model, data, exc)
        raise from_validation_error(exc, prefix, total=total, limit=MAX_FIELDS) from None


def _fewer_errors(model: type[BaseModel], data: Any, exc: ValidationError) -> ValidationError:
    try:
        model.model_validate(_cut_lists(data, MAX_FIELDS))
    except ValidationError as fewer:
        if fewer.error_count() <= MAX_FIELDS * MAX_FIELDS:
            return fewer
    return exc


def _cut_lists(data: Any, keep: int) -> Any:
    """A copy of parsed JSON with every list cut to ``keep`` items; iterative, no recursion."""
    root: list[Any] = [None]
    stack: list[tuple[Any, Any, Any]] = [(data, root, 0)]
    while stack:
        value, parent, key = stack.pop()
        if isinstance(value, dict):
            copy: Any = {}
            stack.extend((v, copy, k) for k, v in value.items())
        elif isinstance(value, list):
            copy = [None] * min(len(value), keep)
            stack.extend((v, copy, i) for i, v in enumerate(value[:keep]))
        else:
            copy = value
        parent[key] = copy
    return root[0]


@cache
def _schema(model: type[BaseModel]) -> tuple[frozenset[str], dict[str, type[BaseModel]]]:
    """The keys ``model`` accepts, and the model each key's value is read into (if any)."""
    known: set[str] = set()
    nested: dict[str, type[BaseModel]] = {}
    for name, info in model.model_fields.items():
        keys = {name} | ({info.alias} if info.alias else set())
        if isinstance(info.validation_alias, str):
            keys.add(info.validation_alias)
        known |= keys
        models = _models_in(info.annotation)
        if len(models) == 1:
            nested.update(dict.fromkeys(keys, models[0]))
    return frozenset(known), nested


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    found: list[type[BaseModel]] = []
    todo = [annotation]
    while todo:
        item = todo.pop()
        if isinstance(item, type) and issubclass(item, BaseModel):
            found.append(item)
        else:
            todo.extend(get_args(item))
    return found


def _refuse_many_unknown_keys(model: type[BaseModel], data: Any, prefix: str) -> None:
    """More than MAX_FIELDS unknown keys: refused here, the first ones named and the rest
    counted, before pydantic builds one error per key. Fewer: pydantic reports them."""
    named: list[FieldError] = []
    total = 0
    todo: list[tuple[type[BaseModel], Any, str]] = [(model, data, prefix)]
    while todo:
        current, value, path = todo.pop()
        items = value if isinstance(value, list | tuple) else [value]
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                continue
            where = f"{path}[{index}]" if item is not value else path
            known, nested = _schema(current)
            if current.model_config.get("extra") == "forbid":
                for key in item:
                    if key not in known:
                        total += 1
                        if len(named) < MAX_FIELDS:
                            named.append(
                                FieldError(
                                    field=field_path([key], where),
                                    message="is not a known field (check the spelling)",
                                )
                            )
            todo.extend(
                (nested[key], sub, field_path([key], where))
                for key, sub in item.items()
                if key in nested
            )
    if total > MAX_FIELDS:
        listed = ", ".join(f.field for f in named)
        raise InputError(
            f"The input was refused: {total} keys are not known fields (check the "
            f"spelling); the first {len(named)}: {listed}.",
            named,
        )


#: The date-times accepted: wide enough for any real assessment, narrow enough that the
#: arithmetic the core does on them (a taper of up to 1,000 administrations of at most 60
#: days a step, a day before a dose, minutes for an iCalendar event) stays within what
#: Python's datetime can carry (years 1 to 9999). A guard against typing errors, not a
#: clinical limit.
EARLIEST = datetime(1900, 1, 1, 0, 0)
LATEST = datetime(2999, 12, 31, 23, 59)


def _shown(value: str, width: int = 40) -> str:
    return repr(value if len(value) <= width else value[:width] + "…")


def _local_datetime(value: Any, info: ValidationInfo | None) -> datetime:
    """ISO 8601 local date-time without offset, per the contract (2026-11-21T08:00),
    between :data:`EARLIEST` and :data:`LATEST`. In a model whose ``time_zone`` (declared
    before its date-times) names a zone, the time is checked against that zone and may
    carry its offset (2026-10-25T02:30+01:00): see ``calculator.local_time``."""
    zone = _zone_of(info)
    if isinstance(value, datetime):
        parsed, shown = value, format_datetime(value)
    elif isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{_shown(value)} is not a date-time like 2026-11-21T08:00") from None
        if "T" not in value and " " not in value:
            raise ValueError(f"{_shown(value)} has no time of day: write it like 2026-11-21T08:00")
        shown = value
    else:
        raise ValueError("must be a date-time text like 2026-11-21T08:00")
    if parsed.tzinfo is not None and zone is None:
        if isinstance(value, datetime):
            raise ValueError("carries a UTC offset: give the local time without one")
        raise ValueError(f"{_shown(value)} carries a UTC offset: give the local time without one")
    _in_range(parsed.replace(tzinfo=None), shown)
    if zone is None:
        return parsed
    try:
        return check_local(parsed, zone, info.field_name if info and info.field_name else "at")
    except InputError as exc:
        raise ValueError(exc.fields[0].message) from None


def _zone_of(info: ValidationInfo | None) -> ZoneInfo | None:
    """The zone named by the ``time_zone`` already validated in the same model, if any."""
    data = info.data if info is not None else None
    name = data.get("time_zone") if isinstance(data, dict) else None
    if not isinstance(name, str):
        return None
    try:
        return zone_from_name(name)
    except InputError:
        return None  # refused at time_zone itself


def _time_zone_name(value: Any) -> str | None:
    """``time_zone``: None, or an IANA name this machine's tz database knows."""
    if value is None:
        return None
    try:
        zone_from_name(value)
    except InputError as exc:
        raise ValueError(exc.fields[0].message) from None
    return str(value)


#: ``time_zone`` of a request or a case (cli-contract.md, 2027.01): an IANA name; declare
#: it before the model's date-times, which read it (see :data:`LocalDateTime`).
TimeZoneName = Annotated[str | None, BeforeValidator(_time_zone_name)]


def outside_accepted_dates(value: datetime) -> str | None:
    """Why ``value`` is refused as a date-time of any input (EARLIEST to LATEST), or None:
    the app says it at the field where the time was typed, in the core's words."""
    try:
        _in_range(value, format_datetime(value))
    except ValueError as exc:
        return str(exc)
    return None


def _in_range(value: datetime, shown: str) -> datetime:
    if not EARLIEST <= value <= LATEST:
        raise ValueError(
            f"{_shown(shown)} is outside the dates accepted "
            f"({format_datetime(EARLIEST)} to {format_datetime(LATEST)})"
        )
    return value


def format_datetime(value: datetime) -> str:
    """``2026-11-21T08:00``; a time in a repeated hour of its zone adds its offset."""
    text = value.strftime("%Y-%m-%dT%H:%M")
    if value.tzinfo is not None and is_ambiguous(value):
        return format_local(value.replace(second=0, microsecond=0))
    return text


def _write_local_datetime(value: datetime) -> str:
    # The contract's form (2026-11-21T08:00); seconds only when there are any to keep. A
    # time in a zone carries its offset only in a repeated hour (local_time.format_local).
    if value.tzinfo is not None:
        return format_local(value)
    if value.second == 0 and value.microsecond == 0:
        return format_datetime(value)
    return value.isoformat()


#: A local date-time a result echoes (already checked on the way in): written as
#: :data:`LocalDateTime` writes it, taken as it is (a time in a zone stays aware).
EchoedDateTime = Annotated[
    datetime, PlainSerializer(_write_local_datetime, return_type=str, when_used="json")
]


#: A local date-time read strictly from text (never from a number; with an offset only
#: where the model's ``time_zone`` names a zone), and written back in the contract's form.
LocalDateTime = Annotated[
    datetime,
    BeforeValidator(_local_datetime),
    PlainSerializer(_write_local_datetime, return_type=str, when_used="json"),
]


def refuse_repeats(values: Iterable[str], allowed: Collection[str] = ()) -> None:
    """ValueError naming each value listed more than once (those in ``allowed`` may
    repeat). One pass (Counter), never list.count per item: linear in the list's length."""
    repeated = sorted(v for v, n in Counter(values).items() if n > 1 and v not in allowed)
    if repeated:
        raise ValueError(f"lists {', '.join(repeated)} more than once")
