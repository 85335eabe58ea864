"""The audit log from the app's command line (issue 12): a write failure after an export
is said in plain words ("NOT LOGGED"), exit 1, never a traceback on stderr."""

from __future__ import annotations

import json
import os
from pathlib import Path

from tests.ui.helpers import run_ui

CASE = {
    "format": "crs-calc-case/1",
    "patient": {"label": "Bed 4", "weight_kg": 70, "age_years": 54},
    "at": "2026-11-21T08:00",
    "crs": {"temperature_c": 39.2},
}


def test_export_pdf_with_an_unwritable_audit_log_says_not_logged_without_a_traceback(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    (home / "audit.jsonl").mkdir(parents=True)  # the log cannot be written
    case = tmp_path / "case.json"
    case.write_text(json.dumps(CASE), encoding="utf-8")
    out = tmp_path / "handoff.pdf"
    done = run_ui(["--export-pdf", str(case), str(out)], home)
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 1, done.stderr
    assert "NOT LOGGED in the audit log" in done.stderr
    assert out.read_bytes().startswith(b"%PDF")


def test_export_pdf_of_a_fifo_case_is_refused_not_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "case.json"
    os.mkfifo(fifo)
    # A regression would block on the FIFO: it fails at run_ui's timeout instead.
    done = run_ui(["--export-pdf", str(fifo), str(tmp_path / "out.pdf")], tmp_path / "home")
    assert done.returncode == 2, done.stderr
    assert "not a regular file" in done.stderr
    assert "Traceback" not in done.stderr
