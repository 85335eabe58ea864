"""Issue 20, files: what a killed write leaves, a data folder whose path is not UTF-8, a stale
lock whose PID now belongs to another process, a crashed case in a read-only folder."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from calculator.rulebook import ruleset
from ui.startup import start_up
from ui.storage import Locations

NOW = datetime(2026, 11, 21, 14, 0)
REPO = Path(__file__).resolve().parents[2]
posix_only = pytest.mark.skipif(os.name != "posix", reason="signals, FIFOs, byte paths: POSIX")

KILLED_WRITE = """
import os, signal, sys
from pathlib import Path
from ui.atomic import write_atomic
os.replace = lambda *a: os.kill(os.getpid(), signal.SIGKILL)  # killed before the rename
write_atomic(Path(sys.argv[1]), b'{"patient": {"label": "bed 12 Mrs Example"}}')
"""


def _killed_write(target: Path) -> list[Path]:
    """Write ``target`` in a process SIGKILLed between write and rename; its leftovers."""
    done = subprocess.run(
        [sys.executable, "-c", KILLED_WRITE, str(target)],
        cwd=REPO,
        capture_output=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == -signal.SIGKILL
    return [p for p in target.parent.iterdir() if p.name.endswith(".tmp")]


@posix_only
def test_start_up_removes_the_temporary_files_a_killed_write_left(tmp_path: Path) -> None:
    loc = Locations(config_dir=tmp_path / "config", data_dir=tmp_path / "data")
    loc.ensure()
    left = _killed_write(loc.autosave_file) + _killed_write(loc.settings_file)
    assert len(left) == 2
    assert b"bed 12" in left[0].read_bytes()
    # Not ours, or a live writer's: left alone.
    others = [
        loc.data_dir / "notes.tmp",
        loc.data_dir / ".audit.jsonl.head.tmp",
        loc.data_dir / f".audit.jsonl.head.{os.getpid()}.1.0123456789ab.tmp",
    ]
    for other in others:
        other.write_bytes(b"x")
    start_up(loc, ruleset(), NOW)
    assert not any(p.exists() for p in left)
    assert all(p.exists() for p in others)


@posix_only
def test_save_removes_the_leftover_of_an_earlier_killed_save_of_that_file(tmp_path: Path) -> None:
    from ui.atomic import remove_leftover_temp_files

    target = tmp_path / "bed12.crs.json"
    left = _killed_write(target)
    other = [p for p in _killed_write(tmp_path / "other.json") if p not in left]
    assert remove_leftover_temp_files([tmp_path], target.name) == left
    assert not any(p.exists() for p in left)
    assert all(p.exists() for p in other)
