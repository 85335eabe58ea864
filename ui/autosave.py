"""Crash-safe autosave of the current case, and its recovery on the next start.

The case (a JSON object: the case document) is written atomically shortly after every
change: temporary file in the same folder, flush + fsync, ``os.replace``, fsync of the
folder. A rename is all or nothing, so after a crash the file holds either the last
complete save or the one before it, never half of one.

Saving is debounced: each change restarts a short timer (``delay_ms``), and a run of
changes never holds a save back longer than ``max_wait_ms``. A clean exit removes the
autosave; finding one at start means the last session did not end cleanly, and the app
offers to restore it. A damaged autosave is renamed aside (never deleted) and the app
starts with an empty case, saying so in plain words.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from ui.storage import set_aside, write_atomic

AUTOSAVE_FORMAT = "crs-calc-autosave/1"


class AutosaveError(Exception):
    pass


def encode(case: dict[str, Any], saved_at: datetime, seq: int) -> bytes:
    envelope = {
        "format": AUTOSAVE_FORMAT,
        "saved_at": saved_at.isoformat(timespec="seconds"),
        "seq": seq,
        "case": case,
    }
    return (json.dumps(envelope, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def save_case(path: Path, case: dict[str, Any], saved_at: datetime, seq: int = 0) -> None:
    """Write the autosave whole or not at all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, encode(case, saved_at, seq))


@dataclass
class Recovery:
    """What the start-up found: a case to offer, and/or a message about a damaged file."""

    case: dict[str, Any] | None = None
    saved_at: str = ""
    message: str = ""
    set_aside: Path | None = None


def read_autosave(path: Path, now: datetime) -> Recovery:
    """The case left by a session that did not end cleanly; never raises for a bad file."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Recovery()
    except OSError as exc:
        return Recovery(
            message=f"The autosaved case could not be opened ({exc.strerror or exc}); "
            "the app started with an empty case."
        )
    try:
        data = json.loads(raw.decode("utf-8"))
        if not isinstance(data, dict) or data.get("format") != AUTOSAVE_FORMAT:
            raise ValueError("it is not an autosave of this app")
        case = data.get("case")
        if not isinstance(case, dict):
            raise ValueError("it holds no case")
        saved_at = str(data.get("saved_at", ""))
    except (UnicodeDecodeError, ValueError) as exc:
        aside = set_aside(path, now)
        return Recovery(
            message=f"The autosaved case from the last session is damaged ({_short(exc)}), "
            f"so it cannot be restored. The app started with an empty case; the file was "
            f"kept as {aside.name}.",
            set_aside=aside,
        )
    return Recovery(case=case, saved_at=saved_at)


def discard(path: Path) -> None:
    """A clean exit, or the user declined recovery: the autosave has done its job."""
    path.unlink(missing_ok=True)


def _short(exc: Exception) -> str:
    text = str(exc)
    return text if len(text) <= 120 else text[:117] + "..."


class Autosaver(QObject):
    """Debounced autosave: call :meth:`changed` after every edit.

    ``snapshot`` returns the current case as a JSON object, or None when there is no
    complete case to keep yet (nothing is written; the file keeps the last good save);
    ``clock`` the local time (the core never reads the clock; the app does, here).
    """

    saved = Signal(int)  # the change count the file now holds
    failed = Signal(str)  # a plain sentence

    def __init__(
        self,
        path: Path,
        snapshot: Callable[[], dict[str, Any] | None],
        *,
        delay_ms: int = 1000,
        max_wait_ms: int = 5000,
        clock: Callable[[], datetime] = datetime.now,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.path = path
        self._snapshot = snapshot
        self._clock = clock
        self._max_wait_s = max_wait_ms / 1000
        self._changes = 0
        self._saved_changes = 0
        self._pending_since: float | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self.save_now)

    @property
    def dirty(self) -> bool:
        return self._changes != self._saved_changes

    def changed(self) -> None:
        self._changes += 1
        now = time.monotonic()
        if self._pending_since is None:
            self._pending_since = now
        if now - self._pending_since >= self._max_wait_s:
            self.save_now()
        else:
            self._timer.start()

    def save_now(self) -> bool:
        self._timer.stop()
        if not self.dirty:
            self._pending_since = None
            return True
        changes = self._changes
        try:
            case = self._snapshot()
            if case is not None:
                save_case(self.path, case, self._clock(), changes)
        except (OSError, TypeError, ValueError) as exc:
            self.failed.emit(
                f"The case could not be autosaved to {self.path} ({exc}). "
                "Keep the app open and save or print the case."
            )
            return False
        self._saved_changes = changes
        self._pending_since = None
        if case is not None:
            self.saved.emit(changes)
        return True

    def close_cleanly(self) -> None:
        """On a clean exit: stop the timer and remove the autosave."""
        self._timer.stop()
        discard(self.path)
