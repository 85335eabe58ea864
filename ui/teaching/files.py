"""Reading and writing the teaching documents: bounded reads (1 MiB), strict JSON, the
core's validation (each bad field named), atomic writes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from calculator.errors import InputError
from calculator.inputs import parse_json_object
from calculator.teaching import (
    Attempt,
    Scenario,
    dump_attempt,
    dump_scenario,
    load_attempt,
    load_scenario,
)
from ui.storage import write_atomic

MAX_BYTES = 1 << 20  # as every input: at most 1 MiB


def read_json(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise InputError.for_field("file", f"cannot read {path}: {exc.strerror or exc}") from None
    if len(data) > MAX_BYTES:
        raise InputError.for_field("file", f"{path.name} is larger than 1 MiB")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError.for_field("file", f"{path.name} is not UTF-8 text") from None
    return parse_json_object(text)


def read_scenario(path: Path) -> Scenario:
    return load_scenario(read_json(path))


def read_attempt(path: Path) -> Attempt:
    return load_attempt(read_json(path))


def _write_json(path: Path, data: dict[str, Any]) -> None:
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    write_atomic(path, text.encode("utf-8"))


def save_attempt(attempt: Attempt, path: Path) -> None:
    _write_json(path, dump_attempt(attempt))


def save_scenario(scenario: Scenario, path: Path) -> None:
    _write_json(path, dump_scenario(scenario))
