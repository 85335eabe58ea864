"""Choosing the active profile: a built-in one by ID, or an institution's file.

Every profile file is checked against PROFILE-BOUNDS when it is loaded (the command line
and the app both load through ``read_profile_file``): a choice outside what the sources
span is refused with the field and the allowed range, and nothing of the file takes
effect."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from calculator.edge.errors import FieldError, InputError, from_validation_error
from calculator.edge.safe_io import read_json_file, read_toml_file
from calculator.rulebook import Ruleset
from calculator.rulebook.profiles import Profile, json_text

#: A profile is a few hundred bytes; anything near this is not a profile (bounded read).
MAX_PROFILE_BYTES = 64 * 1024


def builtin_profile(rs: Ruleset, profile_id: str | None) -> Profile:
    pid = rs.default_profile if profile_id is None else profile_id
    try:
        return rs.profiles[pid]
    except KeyError:
        known = ", ".join(rs.profiles)
        raise InputError.for_field("profile", f"unknown profile {pid!r}; known: {known}") from None


def profile_from_mapping(rs: Ruleset, data: dict[str, Any], field: str = "profile_file") -> Profile:
    """An institution profile: ``based_on`` a built-in one, overriding named settings.

    It is validated against the built-in schema, so a typo or an out-of-range value
    is refused with the field and the reason, and nothing of it takes effect.
    """
    data = dict(data)
    base_id = data.pop("based_on", rs.default_profile)
    if not isinstance(base_id, str) or base_id not in rs.profiles:
        raise InputError.for_field(
            f"{field}.based_on", f"must name a built-in profile ({', '.join(rs.profiles)})"
        )
    if "id" not in data:
        raise InputError.for_field(
            f"{field}.id", "is required (a short name like my-hospital-2026)"
        )
    if data["id"] in rs.profiles:
        raise InputError.for_field(f"{field}.id", "must differ from the built-in profile IDs")
    merged = {**rs.profiles[base_id].model_dump(), "description": "", "sources": (), **data}
    # Strict: a setting of the wrong type is refused, never coerced (JSON true must not
    # become 1 dose, nor "3" become 3). Lists from the file become the schema's tuples.
    strict = {k: tuple(v) if isinstance(v, list) else v for k, v in merged.items()}
    try:
        profile = Profile.model_validate(strict, strict=True)
    except ValidationError as exc:
        raise _with_bounds(rs, from_validation_error(exc, prefix=field), strict, field) from None
    check_bounds(rs, profile, field)
    unknown = [key for key in profile.sources if key not in rs.sources]
    if unknown:
        raise InputError.for_field(
            f"{field}.sources",
            f"unknown source {unknown[0]!r}; known: {', '.join(rs.sources)}",
        )
    return profile


_WHOLE_FIELDS = frozenset({"toci_max_per_24h", "toci_max_total", "capd_age_limit_years"})
_NUMBER_FIELDS = _WHOLE_FIELDS | {
    "toci_min_interval_h",
    "verify_tolerance_pct",
    "low_flow_max_l_min",
}


def _with_bounds(rs: Ruleset, err: InputError, values: dict[str, Any], field: str) -> InputError:
    """PROFILE-BOUNDS: a bounded field the schema refused (0 doses, a negative interval, a
    string) is told with its whole allowed range, as a value just outside it is, whichever
    side it falls, never with the schema's one-sided limit alone."""
    bounds = rs.bounds.bounds
    fields: list[FieldError] = []
    told: set[str] = set()
    for f in err.fields:
        name = f.field.removeprefix(f"{field}.").split(".")[0]
        allowed = bounds.allowed(name)
        if allowed is None:
            fields.append(f)
            continue
        if name in told:  # a union (number | "none") fails once per branch: say it once
            continue
        told.add(name)
        value = values.get(name)
        # A number of the right kind is outside the range; 2.0 doses or "3" are the wrong
        # kind, and the schema's words say so after the range.
        whole = name in _WHOLE_FIELDS
        number = isinstance(value, int | float) and not isinstance(value, bool)
        plain = name in _NUMBER_FIELDS and number and (isinstance(value, int) or not whole)
        why = f"{value:g} is outside" if plain else f"{json_text(value)}: {f.message}"
        fields.append(FieldError(field=f"{field}.{name}", message=f"{allowed}; {why}"))
    if not told:
        return err
    summary = "; ".join(f"{f.field}: {f.message}" for f in fields)
    return InputError(f"The input was refused: {summary}.", fields)


def check_bounds(rs: Ruleset, profile: Profile, field: str = "profile_file") -> None:
    """PROFILE-BOUNDS: refuse a profile whose choices lie outside what the sources span,
    naming every such field with its allowed range."""
    bad = rs.bounds.bounds.violations(profile)
    if bad:
        fields = [FieldError(field=f"{field}.{name}", message=message) for name, message in bad]
        summary = "; ".join(f"{f.field}: {f.message}" for f in fields)
        raise InputError(f"The profile was refused: {summary}.", fields)


def read_profile_file(rs: Ruleset, path: Path) -> Profile:
    """Read an institution profile from TOML or JSON; refuse it whole if anything is off.
    Read bounded (``safe_io``): a regular file of at most MAX_PROFILE_BYTES, nested at
    most 64 deep (a FIFO, a device or a link to one is refused, never waited on)."""
    field = "profile_file"
    if path.suffix.lower() == ".json":
        data: Any = read_json_file(path, field, MAX_PROFILE_BYTES)
    else:
        data = read_toml_file(path, field, MAX_PROFILE_BYTES)
    if not isinstance(data, dict):
        raise InputError.for_field(field, "must hold one profile object")
    return profile_from_mapping(rs, data, field)
