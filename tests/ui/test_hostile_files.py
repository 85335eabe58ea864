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
from ui.case.startup import start_up
from ui.store.storage import Locations

NOW = datetime(2026, 11, 21, 14, 0)
REPO = Path(__file__).resolve().parents[2]
posix_only = pytest.mark.skipif(os.name != "posix", reason="signals, FIFOs, byte paths: POSIX")

KILLED_WRITE = """
import os, signal, sys
from pathlib import Path
from ui.store.atomic import write_atomic
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
    from ui.store.atomic import remove_leftover_temp_files

    target = tmp_path / "bed12.crs.json"
    left = _killed_write(target)
    other = [p for p in _killed_write(tmp_path / "other.json") if p not in left]
    assert left
    assert other  # a leftover of another file, which must stay
    assert remove_leftover_temp_files([tmp_path], target.name) == left
    assert not any(p.exists() for p in left)
    assert all(p.exists() for p in other)


# --- A stale lock is judged by the lock's own PID and the start time of that PID's process ----

CASE = {"format": "crs-calc-case/1", "patient": {"weight_kg": 70, "age_years": 54}}

TAKE_LOCK = """
import os, signal, sys, time
from PySide6.QtCore import QLockFile
lock = QLockFile(sys.argv[1])
lock.setStaleLockTime(0)
assert lock.tryLock(0)
print("locked", flush=True)
if sys.argv[2] == "die":
    os.kill(os.getpid(), signal.SIGKILL)
time.sleep(60)
"""


def _holder(lock: Path, then: str) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", TAKE_LOCK, str(lock), then],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline() == "locked\n"
    return proc


def _crashed(tmp_path: Path) -> Locations:
    from ui.case.autosave import Snapshot, save_case

    loc = Locations(config_dir=tmp_path / "config", data_dir=tmp_path / "data")
    loc.ensure()
    save_case(loc.autosave_file, Snapshot(CASE, label="bed 12"), NOW)
    return loc


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="process start times: Linux")
def test_a_lock_whose_pid_now_belongs_to_another_python_process_is_stale(tmp_path: Path) -> None:
    loc = _crashed(tmp_path)
    killed = _holder(loc.lock_file, "die")
    killed.wait(timeout=30)
    killed.stdout.close()  # type: ignore[union-attr]
    # The PID is taken again by another Python process, started after the lock was written.
    lines = loc.lock_file.read_bytes().split(b"\n")
    written = os.stat(loc.lock_file).st_mtime
    os.utime(loc.lock_file, (written - 30, written - 30))
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        lines[0] = str(other.pid).encode()
        loc.lock_file.write_bytes(b"\n".join(lines))
        os.utime(loc.lock_file, (written - 30, written - 30))
        state = start_up(loc, ruleset(), NOW)
        assert state.ownership is not None
        assert state.ownership.owner is True
        assert state.recovery.found
        assert state.recovery.label == "bed 12"
        state.ownership.release()
    finally:
        other.kill()
        other.wait()


@posix_only
def test_a_lock_held_by_its_running_writer_stays_held(tmp_path: Path) -> None:
    loc = _crashed(tmp_path)
    alive = _holder(loc.lock_file, "live")
    try:
        state = start_up(loc, ruleset(), NOW)
        assert state.ownership is not None
        assert state.ownership.owner is False
        assert not state.recovery.found
        assert f"process {alive.pid}" in state.messages[0]
        state.ownership.release()
    finally:
        alive.kill()
        alive.wait()
        alive.stdout.close()  # type: ignore[union-attr]


# --- A data folder whose path is not UTF-8 is used as it is ------------------------------------


@pytest.mark.skipif(sys.platform != "linux", reason="byte paths that are not UTF-8: Linux")
def test_a_data_folder_whose_path_is_not_utf8_is_used_as_it_is(tmp_path: Path) -> None:
    from ui.case.autosave import Snapshot, save_case
    from ui.store.storage import shown

    home = tmp_path / os.fsdecode(b"donn\xe9es")
    loc = Locations(config_dir=home, data_dir=home)
    loc.ensure()
    save_case(loc.autosave_file, Snapshot(CASE, label="bed 3"), NOW)
    state = start_up(loc, ruleset(), NOW)
    assert state.messages == []
    assert state.ownership is not None
    assert state.ownership.owner is True
    assert state.recovery.label == "bed 3"
    assert os.path.exists(os.fsencode(home) + b"/crs-calc.lock")
    state.ownership.release()
    assert not os.path.exists(os.fsencode(home) + b"/crs-calc.lock")
    # Shown with the byte as an escape, never refused as "cannot be written".
    assert shown(f"The folder {home} x") == f"The folder {tmp_path}/donn\\xe9es x"


# --- A crashed case in a read-only data folder is offered read-only ---------------------------


def _read_only_app(qtbot, monkeypatch: pytest.MonkeyPatch, home: Path):  # type: ignore[no-untyped-def]
    """An app on ``home`` holding a crashed case, the folder refusing every write. As root a
    chmod does not stop writes, so the folder's claim is made to fail as a read-only mount
    does, and the test checks that nothing in the folder changes."""
    import errno

    from ui.case.autosave import Snapshot, save_case
    from ui.controllers.app import AppController
    from ui.store.settings import Settings, save_settings
    from ui.store.storage import locate

    loc = locate()
    assert loc.data_dir == home
    loc.ensure()
    save_settings(loc.settings_file, Settings(autosave_delay_ms=100))
    case = {**CASE, "patient": {"label": "bed 12", "weight_kg": 70, "age_years": 54}}
    save_case(loc.autosave_file, Snapshot({**case, "at": "2026-11-21T08:00"}, label="bed 12"), NOW)

    def read_only(*_: object) -> None:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr("ui.case.startup.claim", read_only)
    c = AppController(clock=lambda: NOW, locations=loc)
    qtbot.addWidget(c.window)
    c.window.show()
    qtbot.waitExposed(c.window)
    return c, loc


def _folder(home: Path) -> dict[str, bytes]:
    return {str(p.relative_to(home)): p.read_bytes() for p in home.rglob("*") if p.is_file()}


def test_a_crashed_case_in_a_read_only_folder_is_offered_read_only(
    qtbot, monkeypatch: pytest.MonkeyPatch, crs_calc_home: Path
) -> None:
    c, _loc = _read_only_app(qtbot, monkeypatch, crs_calc_home)
    before = _folder(crs_calc_home)
    assert c.session.recovery_pending
    questions: list[str] = []
    assert c.session.offer_recovery(lambda parent, q: questions.append(q) or True)
    assert "“bed 12”" in questions[0]
    assert "cannot be written to" in questions[0]
    assert "read-only" in questions[0]
    assert c.window.patient_bar.label.text() == "bed 12"
    assert "restored read-only" in c.window.notice.text.text()
    c.window.patient_bar.label.setText("bed 12b")
    c.session.changed()
    qtbot.wait(400)  # an autosave would have run by now
    c.window.close()
    assert _folder(crs_calc_home) == before  # nothing written, renamed or removed


def test_declining_a_read_only_crashed_case_leaves_it_alone(
    qtbot, monkeypatch: pytest.MonkeyPatch, crs_calc_home: Path
) -> None:
    c, loc = _read_only_app(qtbot, monkeypatch, crs_calc_home)
    before = _folder(crs_calc_home)
    questions: list[str] = []
    assert not c.session.offer_recovery(lambda parent, q: questions.append(q) or False)
    assert "left where it is, unchanged" in questions[0]
    assert "left where it is, unchanged" in c.window.notice.text.text()
    c.window.close()
    assert _folder(crs_calc_home) == before
    assert loc.autosave_file.exists()


# --- An audit log that becomes a FIFO while the app runs ---------------------------------------


@posix_only
def test_print_with_an_audit_log_that_became_a_fifo_is_not_logged_and_never_waits(
    tmp_path: Path,
) -> None:
    from calculator.records.audit import AuditLogError, append
    from ui.case.startup import record_event

    log = tmp_path / "audit.jsonl"
    append(log, at=NOW, event="print", record="handoff")
    log.unlink()
    os.mkfifo(log)
    reader = os.open(log, os.O_RDONLY | os.O_NONBLOCK)  # even with someone reading it
    try:
        with pytest.raises(AuditLogError, match=r"it is a pipe \(FIFO\)"):
            record_event(log, NOW, "print", "handoff", label="bed 12", content=b"pdf")
        assert os.read(reader, 100) == b""
    finally:
        os.close(reader)
    # The FIFO is not the app's file to rename mid-run: left where it is.
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "audit.jsonl",
        "audit.jsonl.head",
        "audit.jsonl.lock",
    ]


# --- The app's own style sheet and icon are read bounded too -----------------------------------


@posix_only
def test_a_fifo_or_dev_zero_as_the_style_sheet_gives_an_unstyled_window_not_a_hang(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading
    import types

    import resources

    os.mkfifo(tmp_path / "style.qss")
    (tmp_path / "icons").mkdir()
    (tmp_path / "icons" / "app.svg").symlink_to("/dev/zero")
    monkeypatch.setattr(resources, "resources", types.SimpleNamespace(files=lambda _: tmp_path))
    got: list[object] = []
    worker = threading.Thread(
        target=lambda: got.extend([resources.read_text("style.qss")]), daemon=True
    )
    worker.start()
    worker.join(20)
    if worker.is_alive():
        os.close(os.open(tmp_path / "style.qss", os.O_WRONLY | os.O_NONBLOCK))  # end the wait
        worker.join(5)
        pytest.fail("the style sheet FIFO was waited for")
    assert got == [""]
    assert resources.read_bytes("icons/app.svg") == b""
