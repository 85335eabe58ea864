"""The case on screen kept safe: autosave of what is typed, and recovery of a lost one.

Built by the session once the window and the tools exist, from what the start-up found
(ui.case.startup: the data folder's ownership, a recovery case whose owner is gone).

- Autosave (ui.case.autosave): every change restarts the debounce; the snapshot is the case
  document built from the valid values (None while the case is incomplete, e.g. age
  blank) plus the typed state of every field (ui.case.field_snapshot), the dose log and own
  taper steps. Nothing is written while a recovery question waits for its answer.
- Ownership (ui.store.instance_lock): the owner of the data folder autosaves to the folder's
  file; a second app on the same folder to a session file of its own. Neither ever
  touches the other's autosave.
- Recovery: offered only for a case whose owner is gone, saying whose case it is
  (label, assessment time, last change). Declining sets the file aside (renamed, kept);
  restoring applies the case, then every field as it was typed.
- A clean close removes this app's own autosave and releases its locks.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QLockFile, QObject
from PySide6.QtWidgets import QWidget

import calculator
from calculator.edge.errors import InputError
from calculator.local_time import check_local, format_local
from calculator.records.case_v2 import dump_episode_case, load_episode_case
from ui.case import field_snapshot
from ui.case.autosave import Autosaver, Recovery, Snapshot, discard
from ui.case.local_clock import from_core
from ui.controllers.case import CaseError, build_case
from ui.controllers.ports import AppPort
from ui.store.instance_lock import Ownership
from ui.store.storage import set_aside

#: (parent, question) -> restore?
RestorePrompt = Callable[[QWidget, str], bool]
Tell = Callable[[list[str]], None]


def _minutes(value: Any) -> str:
    # A time of the repeated hour keeps its offset (which 02:30), as the case document does.
    if isinstance(value, datetime) and value.tzinfo is not None:
        return format_local(value.replace(second=0, microsecond=0))
    return value.isoformat(timespec="minutes") if isinstance(value, datetime) else ""


def _app_time(text: str, zone: ZoneInfo | None) -> datetime:
    """An autosaved dose time back as the app keeps it (naive, its fold from the offset)."""
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        return parsed
    try:
        return from_core(check_local(parsed, zone, "tocilizumab_doses"))
    except InputError as exc:
        raise ValueError(exc.message) from None


class CaseKeeper(QObject):
    def __init__(
        self,
        app: AppPort,
        ownership: Ownership,
        recovery: Recovery,
        recovery_lock: QLockFile | None,
        delay_ms: int,
        tell: Tell,
    ) -> None:
        super().__init__(app)
        self.app = app
        self.ownership = ownership
        self.recovery = recovery
        self._recovery_lock = recovery_lock
        self._tell = tell
        #: A case from a folder that cannot be written to: nothing is ever written or
        #: renamed there (no autosave, no setting aside, no removal at close).
        self.read_only = recovery.read_only
        self.autosaver = Autosaver(
            ownership.autosave_file, self.snapshot, delay_ms=delay_ms, clock=app.clock, parent=self
        )
        self.autosaver.failed.connect(lambda m: tell([m]))

    @property
    def recovery_pending(self) -> bool:
        return self.recovery.found

    def changed(self, *_: object) -> None:
        self.autosaver.changed()

    # --- what is autosaved ---------------------------------------------------------------

    def snapshot(self) -> Snapshot | None:
        """What is on screen, valid or not; None while a recovery question is open (its
        file must not be overwritten before the user has chosen)."""
        if self.recovery_pending or self.read_only:
            return None
        app = self.app
        try:
            built = build_case(app)
            case: dict[str, Any] | None = dump_episode_case(built)
        except (CaseError, ValueError, OverflowError, TypeError):
            case = None
        extras: dict[str, Any] = {}
        if case is not None:
            # The episode's recorded rows; an assessment after them is the wizard's, which
            # comes back as typed (the fields), not as a recorded row (issue 24).
            extras["recorded"] = len(app.episode.assessments)
        extras["tocilizumab_doses"] = [_minutes(app.state.core(d)) for d in app.dose.dose_times]
        if app.taper.mode == "steps":
            extras["taper_steps"] = app.taper.step_rows()
        label, assessed = "", ""
        try:
            ctx = app.patient.context()
            label, assessed = ctx.label, _minutes(ctx.assessed_at)
        except (ValueError, OverflowError, AttributeError):
            pass
        return Snapshot(
            case=case,
            fields=field_snapshot.capture(app.window),
            extras=extras,
            label=label,
            assessed_at=assessed,
        )

    # --- recovery --------------------------------------------------------------------------

    def offer(self, ask: RestorePrompt) -> bool:
        """Offer the case left by a session whose owner is gone; returns restored?"""
        rec = self.recovery
        if not rec.found:
            return False
        whose = rec.whose()
        question = (
            "The last session did not end cleanly. Its case was autosaved: "
            f"{whose}. Restore it?\n\nIf you answer No, the file is kept (set aside), "
            "not deleted."
        )
        if rec.read_only:
            folder = rec.path.parent if rec.path is not None else "the data folder"
            question = (
                "The last session did not end cleanly. Its case was autosaved: "
                f"{whose}. The folder {folder} cannot be written to, so the case can be "
                "restored read-only: its file stays as it is and nothing will be "
                "autosaved (save the case elsewhere or print it). Restore it?\n\nIf you "
                "answer No, the file is left where it is, unchanged."
            )
        if not ask(self.app.window, question):
            self.recovery = Recovery()
            if rec.read_only:
                self._tell(
                    [
                        f"The autosaved case ({whose}) was not restored; its file was left "
                        "where it is, unchanged (the folder cannot be written to)."
                    ]
                )
                return False
            self.tell_kept(rec, whose)
            self._release_recovery_lock()
            return False
        self.recovery = Recovery()
        notes = self._apply(rec)
        if rec.read_only:
            self._tell(
                [
                    *notes,
                    f"The case from the last session ({whose}) was restored read-only: its "
                    "file stays as it is and nothing is autosaved. Check it before use, and "
                    "save it elsewhere or print it.",
                ]
            )
            return True
        self._adopt(rec)
        self._release_recovery_lock()
        self._tell(
            [*notes, f"The case from the last session ({whose}) was restored. Check it before use."]
        )
        self.autosaver.changed()  # keep what is now on screen under this app's own name
        return True

    def tell_kept(self, rec: Recovery, whose: str) -> None:
        assert rec.path is not None
        try:
            aside = set_aside(rec.path, self.app.clock(), tag="declined")
            kept = f"the file was kept as {aside.name}"
        except OSError:
            kept = "the file was left where it is"
            if rec.path == self.autosaver.path:
                self._move_to_session()
        self._tell([f"The autosaved case ({whose}) was not restored; {kept}."])

    def _apply(self, rec: Recovery) -> list[str]:
        app = self.app
        notes: list[str] = []
        if rec.case is not None:
            try:
                notes += app.restore_case(load_episode_case(rec.case))
                recorded = rec.extras.get("recorded")
                episode = app.episode
                if isinstance(recorded, int) and 0 <= recorded < len(episode.assessments):
                    episode.load(episode.assessments[:recorded], episode.day0)
            except calculator.InputError as err:
                notes.append(
                    f"The autosaved case document could not be used ({err.message}); the "
                    "fields were restored as they were typed."
                )
        else:
            app.window.setWindowTitle("CRS Bedside Calculator — recovered case")
            # No case document (e.g. age was blank): the typed fields come back below, and the
            # case's time must be the autosaved one, not the live clock that would overwrite
            # the restored "Assessed at" at its next tick.
            with contextlib.suppress(ValueError, TypeError):
                app.state.set_at(datetime.fromisoformat(rec.assessed_at))
        doses = rec.extras.get("tocilizumab_doses")
        if isinstance(doses, list):
            try:
                app.dose.set_doses([_app_time(d, app.state.zone) for d in doses])
            except (TypeError, ValueError):
                notes.append("The dose log could not be restored; enter the doses again.")
        steps = rec.extras.get("taper_steps")
        if isinstance(steps, list) and all(isinstance(s, dict) for s in steps):
            app.taper.load_steps(steps)
        missing = field_snapshot.restore(app.window, rec.fields)
        if missing:
            notes.append(f"{len(missing)} autosaved field(s) have no place in this window.")
        return notes

    def _adopt(self, rec: Recovery) -> None:
        """The restored case is now this app's: its file becomes this app's autosave."""
        own = self.autosaver.path
        if rec.path is None or rec.path == own:
            return
        # If it cannot be moved, the next autosave writes our own file; the old one stays.
        with contextlib.suppress(OSError):
            os.replace(rec.path, own)

    def _release_recovery_lock(self) -> None:
        if self._recovery_lock is not None:
            self._recovery_lock.unlock()
            self._recovery_lock = None

    def _move_to_session(self) -> None:
        try:
            self.ownership.move_to_session(self.app.clock())
        except OSError:
            return
        self.autosaver.path = self.ownership.autosave_file

    # --- end of the session ----------------------------------------------------------------

    def case_replaced(self) -> None:
        """File > New: the old case is no longer the one to recover."""
        if not self.recovery_pending and not self.read_only:
            discard(self.autosaver.path)

    def close_cleanly(self) -> None:
        """A clean exit removes this app's autosave (unless a recovery question was never
        answered: that file stays for the next start) and releases its locks."""
        if not self.recovery_pending and not self.read_only:
            self.autosaver.close_cleanly()
        else:
            self.autosaver.stop()
        self._release_recovery_lock()
        self.ownership.release()
