"""Reading and writing the teaching documents: bounded reads (1 MiB), strict JSON, the
core's validation (each bad field named), atomic writes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog, QWidget

from calculator.edge.errors import InputError
from calculator.edge.inputs import parse_json_object
from calculator.edge.safe_io import read_bounded
from calculator.teaching import (
    Attempt,
    Scenario,
    dump_attempt,
    dump_scenario,
    load_attempt,
    load_scenario,
)
from ui.store.storage import write_atomic
from ui.widgets import warning_box


def read_json(path: Path) -> dict[str, Any]:
    """One JSON object from a regular file of at most 1 MiB (``calculator.edge.safe_io``: a FIFO
    or a link to a device is refused, never waited on), each problem named."""
    return parse_json_object(read_bounded(path, "file"), "file")


def ask_scenario(parent: QWidget, path: Path | None = None) -> tuple[Path, Scenario] | None:
    """A scenario file chosen in a dialog (or given), read and validated; a refusal is said
    in a message box naming the bad field. None when cancelled or refused."""
    if path is None:
        chosen, _ = QFileDialog.getOpenFileName(parent, "Open scenario", "", "Scenarios (*.json)")
        if not chosen:
            return None
        path = Path(chosen)
    try:
        return path, read_scenario(path)
    except InputError as err:
        warning_box(parent, "Scenario refused", f"{path.name}: {err.message}")
        return None


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
