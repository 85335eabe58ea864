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
"""

from __future__ import annotations

import os
import re
import socket
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QLockFile

LOCK_NAME = "crs-calc.lock"
SESSION_GLOB = "session-*.json"
_SESSION_RE = re.compile(r"^session-\d+-\d{8}-\d{6}(-\d+)?\.json$")


def _lock(path: Path) -> QLockFile | None:
    """The lock at ``path`` if this process could take it now (a stale one is taken over)."""
    lock = QLockFile(str(path))
    lock.setStaleLockTime(0)  # stale only when its process is gone, never by age
    return lock if lock.tryLock(0) else None


def holder(path: Path) -> str:
    """Who holds the lock at ``path``, in words ("process 123 on ward-pc, crs-calc")."""
    info = QLockFile(str(path)).getLockInfo()
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
