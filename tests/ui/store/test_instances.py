"""Two real app processes on one data folder (issue 12): one owner per folder (QLockFile),
a second app runs a session of its own and never touches the first one's autosave, and
recovery offers only a case whose owner is gone, naming it, and never deletes it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX")


class App:
    """One app process (tests/ui/app_child.py) on the test's CRS_CALC_HOME."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.ui.app_child"],
            cwd=ROOT,
            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.start = self._read()

    def _read(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            self.proc.wait(timeout=30)
            assert self.proc.stderr is not None
            raise AssertionError(f"the app ended: {self.proc.stderr.read()}")
        data: dict[str, Any] = json.loads(line)
        assert "error" not in data, data["error"]
        return data

    def do(self, command: str) -> dict[str, Any]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        return self._read()

    def close(self) -> str:
        assert self.proc.stdin is not None
        assert self.proc.stderr is not None
        self.proc.stdin.write("close\n")
        self.proc.stdin.flush()
        self.proc.wait(timeout=30)
        stderr = self.proc.stderr.read()
        assert self.proc.returncode == 0, stderr
        assert "Traceback" not in stderr, stderr
        return stderr

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()


@pytest.fixture
def apps() -> Any:
    started: list[App] = []

    def start() -> App:
        app = App()
        started.append(app)
        return app

    yield start
    for app in started:
        app.stop()


def test_two_instances_on_one_folder_the_second_never_touches_the_first_ones_autosave(
    apps: Any, crs_calc_home: Path
) -> None:
    a = apps()
    assert a.start["owner"] is True
    a_file = Path(a.start["autosave"])
    a.do("type Bed A")
    a_saved = a_file.read_bytes()

    b = apps()
    assert b.start["owner"] is False
    assert b.start["recovery"] == ""  # A is alive: its case is not B's to offer
    assert "Another CRS Bedside Calculator" in b.start["notice"]
    assert "autosaved separately" in b.start["notice"]
    assert f"process {a.proc.pid}" in b.start["notice"]
    b_file = Path(b.start["autosave"])
    assert b_file != a_file
    assert b_file.parent == a_file.parent
    b.do("type Bed B")
    assert "Bed B" in b_file.read_text(encoding="utf-8")
    assert a_file.read_bytes() == a_saved  # untouched by B

    b.close()  # B's clean exit removes B's autosave only
    assert not b_file.exists()
    assert a_file.read_bytes() == a_saved
    a.do("type Bed A2")
    assert "Bed A2" in a_file.read_text(encoding="utf-8")
    a.close()
    assert not a_file.exists()
    assert not (crs_calc_home / "crs-calc.lock").exists()


def test_recovery_offers_only_a_case_whose_owner_is_gone_and_declining_keeps_it(
    apps: Any, crs_calc_home: Path
) -> None:
    a = apps()
    a.do("type Bed 7")
    a_file = Path(a.start["autosave"])
    saved = a_file.read_bytes()
    a.kill()  # the lock stays on disk, stale: its process is gone

    b = apps()
    assert b.start["owner"] is True  # the stale lock was taken over
    assert b.start["recovery"].startswith("“Bed 7”, assessed at ")
    answer = b.do("answer no")
    assert answer["restored"] is False
    assert "“Bed 7”" in answer["question"]
    assert "last changed" in answer["question"]
    assert not a_file.exists()
    kept = list(a_file.parent.glob("current-case.json.declined-*"))
    assert [k.read_bytes() for k in kept] == [saved]  # renamed, never deleted
    assert kept[0].name in answer["notice"]
    b.close()


def test_a_killed_second_instance_is_offered_by_the_next_owner_as_typed(
    apps: Any, crs_calc_home: Path
) -> None:
    a = apps()
    b = apps()
    b.do("type Bed B")
    b_file = Path(b.start["autosave"])
    b.kill()

    c = apps()  # A still owns the folder: C offers nothing, B's file stays
    assert c.start["owner"] is False
    assert c.start["recovery"] == ""
    c.close()
    assert b_file.exists()
    a.close()

    d = apps()
    assert d.start["owner"] is True
    assert d.start["recovery"].startswith("“Bed B”")
    restored = d.do("answer yes")
    assert restored["restored"] is True
    # Exactly what was on screen, the invalid temperature included.
    assert (restored["label"], restored["temperature"]) == ("Bed B", "39.5.1")
    assert not b_file.exists()  # adopted as D's own autosave
    assert Path(d.start["autosave"]).exists()
    d.close()
