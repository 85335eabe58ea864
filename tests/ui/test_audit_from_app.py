"""The audit log from the app's command line (issue 12): a write failure after an export
is said in plain words ("NOT LOGGED"), exit 1, never a traceback on stderr."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
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
    done = subprocess.run(
        [sys.executable, "-m", "ui", "--export-pdf", str(case), str(out)],
        cwd=ROOT,
        env={**os.environ, "CRS_CALC_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 1, done.stderr
    assert "NOT LOGGED in the audit log" in done.stderr
    assert out.read_bytes().startswith(b"%PDF")


def test_export_pdf_of_a_fifo_case_is_refused_not_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "case.json"
    os.mkfifo(fifo)
    done = subprocess.run(
        [sys.executable, "-m", "ui", "--export-pdf", str(fifo), str(tmp_path / "out.pdf")],
        cwd=ROOT,
        env={**os.environ, "CRS_CALC_HOME": str(tmp_path / "home"), "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=120,  # a regression would block on the FIFO: it fails here instead
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "not a regular file" in done.stderr
    assert "Traceback" not in done.stderr
