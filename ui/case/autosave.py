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
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from calculator.edge.errors import InputError
from calculator.edge.safe_io import read_json_file
from ui.store.atomic import shorten, write_failure
from ui.store.storage import set_aside, write_atomic

AUTOSAVE_FORMAT = "crs-calc-autosave/2"
#: Older autosaves (the case document only) are still read.
READ_FORMATS = ("crs-calc-autosave/1", AUTOSAVE_FORMAT)
#: An autosave is small (a case and its fields); anything bigger is not one of ours.
MAX_BYTES = 1024 * 1024


class AutosaveError(Exception):
    pass


@dataclass
class Snapshot:
    """What is autosaved: the case document built from the valid values (None when the
    case is not complete yet, e.g. age blank), the typed state of every field
    (ui.case.field_snapshot), tool state outside fields (the dose log, own taper steps), and
    whose case it is, in words, for the recovery question."""

    case: dict[str, Any] | None
    fields: dict[str, Any] = field(default_factory=dict)
    extras: dict[str, Any] = field(default_factory=dict)
    label: str = ""
    assessed_at: str = ""


def encode(snapshot: Snapshot, saved_at: datetime, seq: int) -> bytes:
    envelope = {
        "format": AUTOSAVE_FORMAT,
        "saved_at": saved_at.isoformat(timespec="seconds"),
        "seq": seq,
        "label": snapshot.label,
        "assessed_at": snapshot.assessed_at,
        "case": snapshot.case,
        "fields": snapshot.fields,
        "extras": snapshot.extras,
    }
    return (json.dumps(envelope, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def save_case(path: Path, snapshot: Snapshot, saved_at: datetime, seq: int = 0) -> None:
    """Write the autosave whole or not at all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, encode(snapshot, saved_at, seq))


@dataclass
class Recovery:
    """What the start-up found: a case to offer, and/or a message about a damaged file."""

    case: dict[str, Any] | None = None
    saved_at: str = ""
    message: str = ""
    set_aside: Path | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    extras: dict[str, Any] = field(default_factory=dict)
    label: str = ""
    assessed_at: str = ""
    path: Path | None = None
    #: In a data folder that cannot be written to: offered to read only (the file stays,
    #: nothing is autosaved, declining leaves it alone).
    read_only: bool = False

    @property
    def found(self) -> bool:
        """A case to offer (a case document, or typed fields without one)."""
        return self.case is not None or bool(self.fields)

    def whose(self) -> str:
        """Whose case it is, in words: label, assessment time, last change."""
        label = f"“{self.label}”" if self.label else "a case with no patient label"
        parts = [label]
        if self.assessed_at:
            parts.append(f"assessed at {self.assessed_at.replace('T', ' ')}")
        if self.saved_at:
            parts.append(f"last changed {self.saved_at.replace('T', ' ')}")
        return ", ".join(parts)


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _field_reason(err: InputError) -> str:
    """The reason alone (the core's message names the field: here it is the autosave)."""
    return err.fields[0].message if err.fields else err.message


def _unreadable(path: Path, now: datetime, why: str) -> Recovery:
    """Set an unreadable autosave aside (so it is never overwritten), saying so."""
    try:
        aside = set_aside(path, now)
    except OSError:
        return Recovery(
            message="The autosaved case from the last session is damaged or unreadable "
            f"({why}) and could not be moved aside (the folder cannot be written to). The "
            "app started with an empty case and will not autosave over that file.",
            path=path,
        )
    return Recovery(
        message=f"The autosaved case from the last session is damaged or unreadable ({why}), "
        f"so it cannot be restored. The app started with an empty case; the file was kept as "
        f"{aside.name}.",
        set_aside=aside,
    )


def read_autosave(path: Path, now: datetime) -> Recovery:
    """The case left by a session that did not end cleanly; never raises for a bad file.

    A damaged or unreadable file is renamed aside (never deleted, never overwritten)."""
    if not os.path.lexists(path):
        return Recovery()
    try:
        data = read_json_file(path, "autosave", MAX_BYTES)
    except InputError as err:
        return _unreadable(path, now, _field_reason(err))
    try:
        if not isinstance(data, dict) or data.get("format") not in READ_FORMATS:
            raise ValueError("it is not an autosave of this app")
        case = data.get("case")
        fields = data.get("fields", {})
        extras = data.get("extras", {})
        if data["format"] == READ_FORMATS[0] and not isinstance(case, dict):
            raise ValueError("it holds no case")
        if case is not None and not isinstance(case, dict):
            raise ValueError("its case is not a case document")
        if not isinstance(fields, dict) or not isinstance(extras, dict):
            raise ValueError("its fields are not a list of fields")
        if case is None and not fields:
            raise ValueError("it holds no case")
        saved_at = str(data.get("saved_at", ""))
    except ValueError as exc:
        try:
            aside = set_aside(path, now)
        except OSError:
            return Recovery(
                message=f"The autosaved case from the last session is damaged ({shorten(exc)}) "
                "and could not be moved aside (the folder cannot be written to). The app "
                "started with an empty case and will not autosave over that file.",
                path=path,
            )
        return Recovery(
            message=f"The autosaved case from the last session is damaged ({shorten(exc)}), "
            f"so it cannot be restored. The app started with an empty case; the file was "
            f"kept as {aside.name}.",
            set_aside=aside,
        )
    patient = case.get("patient") if isinstance(case, dict) else None
    label = _text(data.get("label")) or (
        _text(patient.get("label")) if isinstance(patient, dict) else ""
    )
    assessed = _text(data.get("assessed_at")) or (
        _text(case.get("at")) if isinstance(case, dict) else ""
    )
    return Recovery(
        case=case,
        saved_at=saved_at,
        fields=fields,
        extras=extras,
        label=label,
        assessed_at=assessed,
        path=path,
    )


def discard(path: Path) -> None:
    """A clean exit: the autosave has done its job."""
    path.unlink(missing_ok=True)


class Autosaver(QObject):
    """Debounced autosave: call :meth:`changed` after every edit.

    ``snapshot`` returns what is on screen (:class:`Snapshot`), or None when nothing may
    be written now (a recovery question still open: the file keeps what it holds);
    ``clock`` the local time (the core never reads the clock; the app does, here).
    """

    saved = Signal(int)  # the change count the file now holds
    failed = Signal(str)  # a plain sentence

    def __init__(
        self,
        path: Path,
        snapshot: Callable[[], Snapshot | None],
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
            snap = self._snapshot()
            if snap is not None:
                save_case(self.path, snap, self._clock(), changes)
        except OSError as exc:
            self.failed.emit(
                write_failure(self.path, exc, "The autosave of the case")
                + " Keep the app open and save or print the case."
            )
            return False
        except (TypeError, ValueError, RecursionError) as exc:
            self.failed.emit(
                f"The case could not be autosaved ({shorten(exc)}). "
                "Keep the app open and save or print the case."
            )
            return False
        self._saved_changes = changes
        self._pending_since = None
        if snap is not None:
            self.saved.emit(changes)
        return True

    def stop(self) -> None:
        """No more saves from this session (the file keeps what it holds)."""
        self._timer.stop()
        self._changes = self._saved_changes

    def close_cleanly(self) -> None:
        """On a clean exit: stop the timer and remove the autosave."""
        self._timer.stop()
        discard(self.path)
