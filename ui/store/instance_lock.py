"""One owner per data folder, and one owner per autosave file (Qt's QLockFile).

The running app that owns a data folder holds ``<data>/crs-calc.lock`` for as long as it
runs; it autosaves to the folder's ``autosave/current-case.json``. A second app started
on the same folder cannot take that lock: it runs with a session of its own, autosaving
to ``autosave/session-<pid>-<time>.json`` (holding ``<that file>.lock``), and never
touches the owner's autosave. QLockFile writes the holder's PID, host and program name
in the lock; a lock whose process is gone is stale, and the next app takes it over.

An autosave is offered for recovery only when its owner is gone (:func:`orphans`): the
folder's own autosave when this app has just taken the folder lock, a session autosave
when its lock can be taken.

Staleness (issue 20): QLockFile calls a lock live while *some* process has its PID and
the same program name, so a lock left by a killed app whose PID now belongs to another
Python process blocked recovery for good. The lock's own record decides here: on this
host (the lock's hostname), a process holding the lock's PID that started after the lock
was written (Linux: ``/proc/PID/stat`` field 22, the start time in clock ticks after boot)
cannot be the one that wrote it, so the lock is stale and taken over.

Paths that are not UTF-8 (a folder named with a Latin-1 byte): Qt cannot name them, so
QLockFile is given ``/proc/self/fd/N/NAME`` through a descriptor of the folder, and the
lock works in the folder as it is.
"""

from __future__ import annotations

import os
import re
import socket
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QLockFile, QSysInfo

LOCK_NAME = "crs-calc.lock"
SESSION_GLOB = "session-*.json"
_SESSION_RE = re.compile(r"^session-\d+-\d{8}-\d{6}(-\d+)?\.json$")


#: Descriptors of folders whose path Qt cannot name (not UTF-8), kept for the process.
_FOLDER_FDS: dict[bytes, int] = {}


def qt_path(path: Path) -> str:
    """``path`` as Qt can open it: itself when it is UTF-8, else (Linux) through an open
    descriptor of its folder, so a folder named in another encoding still works."""
    text = str(path)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        pass
    else:
        return text
    folder = os.fsencode(path.parent)
    if not os.path.isdir("/proc/self/fd"):
        return text
    fd = _FOLDER_FDS.get(folder)
    if fd is None:
        try:
            fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        except OSError:
            return text
        _FOLDER_FDS[folder] = fd
    name = path.name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return f"/proc/self/fd/{fd}/{name}"


def process_started(pid: int) -> float | None:
    """When process ``pid`` started (seconds since the epoch), or None where it cannot be
    told (no such process, no /proc)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat_line = fh.read(4096)
        with open("/proc/stat", "rb") as fh:
            boot = next(
                int(line.split()[1])
                for line in fh.read(1 << 16).splitlines()
                if line.startswith(b"btime ")
            )
        # Field 22 (starttime); the command name (field 2) may hold spaces and ")".
        fields = stat_line[stat_line.rindex(b")") + 2 :].split()
        ticks = int(fields[22 - 3])
        return boot + ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, StopIteration):
        return None


#: Clock ticks and file times are not exact: a process counts as newer than the lock only
#: when it started this much later than the lock was written.
_SLACK_S = 2.0


def _pid_reused(path: Path, lock: QLockFile) -> bool:
    """The lock names a process on this host whose PID now belongs to a process started
    after the lock was written: the writer is gone, the lock is stale."""
    info = lock.getLockInfo()
    if not info:
        return False
    pid, host, _app = info
    if host and host not in (socket.gethostname(), QSysInfo.machineHostName()):
        return False  # another machine's lock (a shared folder): never judged from here
    started = process_started(int(pid))
    if started is None:
        return False
    try:
        written = os.stat(path).st_mtime
    except OSError:
        return False
    return started > written + _SLACK_S


def held_by_a_running_app(path: Path) -> bool:
    """Whether the lock at ``path`` (which this app may be unable to take: a read-only
    folder) names a process of this host that is still the one that wrote it."""
    if not os.path.lexists(path):
        return False
    lock = QLockFile(qt_path(path))
    info = lock.getLockInfo()
    if not info:
        return False
    pid, host, _app = info
    if host and host not in (socket.gethostname(), QSysInfo.machineHostName()):
        return True  # another machine's: cannot be told from here, so assumed running
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError, ValueError):
        return True
    return not _pid_reused(path, lock)


def _lock(path: Path) -> QLockFile | None:
    """The lock at ``path`` if this process could take it now (a stale one is taken over:
    its process gone, or its PID now another process's)."""
    lock = QLockFile(qt_path(path))
    lock.setStaleLockTime(0)  # stale only when its process is gone, never by age
    if lock.tryLock(0):
        return lock
    if _pid_reused(path, lock) and lock.removeStaleLockFile() and lock.tryLock(0):
        return lock
    return None


def holder(path: Path) -> str:
    """Who holds the lock at ``path``, in words ("process 123 on ward-pc, crs-calc")."""
    info = QLockFile(qt_path(path)).getLockInfo()
    if not info:
        return "another app"
    pid, host, app = info
    here = socket.gethostname()
    where = "" if not host or host == here else f" on {host}"
    return f"process {pid}{where}, {app}" if app else f"process {pid}{where}"


def _session(folder_autosave: Path, now: datetime) -> tuple[Path, QLockFile]:
    """A fresh session autosave name, with its lock held."""
    stamp = now.strftime("%Y%m%d-%H%M%S")
    base = f"session-{os.getpid()}-{stamp}"
    for n in range(100):
        name = f"{base}.json" if n == 0 else f"{base}-{n}.json"
        path = folder_autosave.with_name(name)
        if path.exists():
            continue
        lock = _lock(path.with_name(name + ".lock"))
        if lock is not None:
            return path, lock
    raise OSError(f"no session autosave could be made in {folder_autosave.parent}")


@dataclass
class Ownership:
    """What this app owns: the data folder (``owner``), or only its own session."""

    owner: bool
    autosave_file: Path
    message: str = ""
    locks: list[QLockFile] = field(default_factory=list)

    def move_to_session(self, now: datetime) -> None:
        """Autosave under a session name of our own (the folder's file must be left alone)."""
        self.autosave_file, lock = _session(self.autosave_file, now)
        self.locks.append(lock)

    def release(self) -> None:
        for lock in self.locks:
            lock.unlock()
        self.locks = []


def claim(data_dir: Path, folder_autosave: Path, now: datetime) -> Ownership:
    """Take the data folder, or (when another app holds it) a session of our own.

    Raises OSError only when not even a session lock can be made (the folder cannot be
    written); the caller then runs without autosave."""
    folder_lock = _lock(data_dir / LOCK_NAME)
    if folder_lock is not None:
        return Ownership(True, folder_autosave, locks=[folder_lock])
    if not os.access(data_dir, os.W_OK) or not (data_dir / LOCK_NAME).exists():
        raise OSError(f"the folder {data_dir} cannot be written to")
    folder_autosave.parent.mkdir(parents=True, exist_ok=True)
    path, session_lock = _session(folder_autosave, now)
    who = holder(data_dir / LOCK_NAME)
    return Ownership(
        False,
        path,
        f"Another CRS Bedside Calculator ({who}) is already open on this data folder. This "
        "window runs a session of its own: its case is autosaved separately, and the other "
        "window's case is left alone.",
        locks=[session_lock],
    )


def orphans(ownership: Ownership) -> list[tuple[Path, QLockFile | None]]:
    """Autosaves whose owner is gone, each with the lock now held for it (None: the
    folder's own autosave, covered by the folder lock). Only the folder owner looks."""
    if not ownership.owner:
        return []
    found: list[tuple[Path, QLockFile | None]] = []
    own = ownership.autosave_file
    if own.exists():
        found.append((own, None))
    for path in sorted(own.parent.glob(SESSION_GLOB)):
        if not _SESSION_RE.match(path.name) or not path.is_file():
            continue
        lock = _lock(path.with_name(path.name + ".lock"))
        if lock is not None:
            found.append((path, lock))
    return found
