"""SIGKILL at random moments during File > Save and autosave, 50 times (issue 12): every
file is always either the old or the new complete version, never a part, never empty.

Each round forks a writer that saves a case file the way File > Save does
(ui.store.atomic.write_atomic) and the autosave the way the Autosaver does
(ui.case.autosave.save_case), over and over, and kills it with SIGKILL at a random moment.
Forking (not a new interpreter) keeps 50 rounds within seconds; the writer touches no Qt.
Every version is large (so kills land mid-write) and self-checking: its ``n`` and its
``body`` (n repeated) must agree.
"""

from __future__ import annotations

import json
import os
import random
import signal
import time
import warnings
from datetime import datetime
from pathlib import Path

import pytest

from ui.case.autosave import Snapshot, read_autosave, save_case
from ui.store.atomic import write_atomic

KILLS = 50
SIZE = 200_000
NOW = datetime(2026, 11, 21, 3, 0)


def body(n: int) -> str:
    unit = f"{n};"
    return unit * (SIZE // len(unit))


def _writer(case_file: Path, autosave: Path, n: int) -> None:
    """Runs in the forked child until it is killed; never returns."""
    try:
        while True:
            n += 1
            case = {"format": "crs-calc-case/1", "n": n, "body": body(n)}
            write_atomic(case_file, (json.dumps(case) + "\n").encode("utf-8"))
            save_case(autosave, Snapshot(case, fields={"n": {"text": str(n)}}), NOW, n)
    finally:
        os._exit(3)  # never back into pytest


def _version(path: Path) -> int:
    """The complete version the file holds (fails on a partial or mixed file)."""
    data = json.loads(path.read_bytes())
    assert data["body"] == body(data["n"]), f"{path.name} mixes two versions"
    return int(data["n"])


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork and SIGKILL are POSIX")
def test_sigkill_during_file_save_and_autosave_leaves_old_or_new_complete_files(
    tmp_path: Path,
) -> None:
    case_file = tmp_path / "case.json"
    autosave = tmp_path / "autosave" / "current-case.json"
    autosave.parent.mkdir()
    rng = random.Random(12)
    last_case = last_auto = 0
    mid_write = 0
    for _ in range(KILLS):
        with warnings.catch_warnings():
            # Python 3.12+ warns about fork with threads; the child runs no thread's code.
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
        if pid == 0:
            _writer(case_file, autosave, max(last_case, last_auto))
        time.sleep(rng.uniform(0.0, 0.08))
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        assert os.WIFSIGNALED(status), f"the writer stopped by itself ({status})"
        mid_write += any(tmp_path.rglob("*.tmp"))
        if case_file.exists():
            n = _version(case_file)
            assert n >= last_case  # the old version or a newer complete one
            last_case = n
        else:
            assert last_case == 0, "a saved case file disappeared"
        if autosave.exists():
            recovery = read_autosave(autosave, NOW)
            assert recovery.message == "", recovery.message
            assert recovery.case is not None
            n = recovery.case["n"]
            assert recovery.case["body"] == body(n)
            assert recovery.fields == {"n": {"text": str(n)}}
            assert n >= last_auto
            last_auto = n
        else:
            assert last_auto == 0, "an autosave disappeared"
    assert last_case > 0
    assert last_auto > 0
    # Some kills must have landed in the middle of a write, or the test proved nothing.
    assert mid_write > 0
