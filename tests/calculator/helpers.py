"""Shared test helpers: grade from plain dicts, run the command line, tweak rule data."""

from __future__ import annotations

import json
from typing import Any

from calculator import (
    CrsInput,
    CrsResult,
    IcansInput,
    IcansResult,
    InputError,
    builtin_profile,
    grade_crs,
    grade_icans,
    ruleset,
)
from calculator.edge.cli import run
from calculator.edge.inputs import validate
from calculator.rulebook.loader import read_data_files

DEFAULT = "astct-nccn-2026"
#: Every built-in profile, read from the data so a new profile is covered automatically.
PROFILES: tuple[str, ...] = tuple(ruleset().profiles)


def crs(payload: dict[str, Any], profile: str = DEFAULT) -> CrsResult:
    """Validate a grade-crs payload as the command line does, then grade it."""
    rs = ruleset()
    return grade_crs(validate(CrsInput, payload), builtin_profile(rs, profile), rs)


def icans(payload: dict[str, Any], profile: str = DEFAULT) -> IcansResult:
    rs = ruleset()
    return grade_icans(validate(IcansInput, payload), builtin_profile(rs, profile), rs)


def refused(model: type[CrsInput] | type[IcansInput], payload: dict[str, Any]) -> InputError:
    """The InputError a payload raises; fails the test when the payload is accepted."""
    try:
        validate(model, payload)
    except InputError as err:
        return err
    raise AssertionError(f"{payload!r} was accepted")


def field_names(err: InputError) -> set[str]:
    return {f.field for f in err.fields}


def cli(argv: list[str], stdin: str = "") -> tuple[int, dict[str, Any]]:
    """Run the command line in-process; the output must always be one JSON object."""
    code, text = run(argv, lambda: stdin)
    data = json.loads(text)
    assert isinstance(data, dict)
    return code, data


def cli_json(argv: list[str], payload: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    return cli(argv, json.dumps(payload))


def data_files() -> list[tuple[str, bytes]]:
    return read_data_files()


def replace_in_data(name: str, old: str, new: str) -> list[tuple[str, bytes]]:
    """The data files with one exact text replaced in file ``name`` (which must contain it)."""
    out: list[tuple[str, bytes]] = []
    hits = 0
    for fname, data in read_data_files():
        if fname == name:
            text = data.decode("utf-8")
            hits = text.count(old)
            data = text.replace(old, new, 1).encode("utf-8")
        out.append((fname, data))
    assert hits >= 1, f"{old!r} not found in {name}"
    return out
