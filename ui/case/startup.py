"""Start-up checks: data folder ownership, settings, institution profile, autosave and
audit log.

None of them can stop the app from starting. A damaged file the app owns (settings,
autosave, audit log) gives the defaults, a message in plain words for the user, and the
file renamed aside (never deleted); where it cannot be renamed (a read-only folder) it
is left as it is and the message says so. A file the app does not own (the institution
profile, the pharmacy's file) is never renamed: it is refused, naming the field and the
reason, and left where it is. Every file is read bounded (regular files only, 1 MiB).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QLockFile

from calculator.edge.errors import InputError
from calculator.edge.profile_files import read_profile_file
from calculator.records.audit import (
    AuditEntry,
    AuditLogError,
    AuditLogUnreadable,
    Event,
    append,
    head_path,
    verify_chain,
)
from calculator.rulebook import Ruleset
from calculator.rulebook.profiles import Profile
from ui.case.autosave import Recovery, read_autosave
from ui.store.atomic import remove_leftover_temp_files, shorten
from ui.store.instance_lock import Ownership, claim, held_by_a_running_app, orphans
from ui.store.settings import Settings, load_settings
from ui.store.storage import Locations, set_aside

PROFILE_FIELD = "institution_profile_file"


@dataclass
class Startup:
    locations: Locations
    settings: Settings
    institution_profile: Profile | None = None
    recovery: Recovery = field(default_factory=Recovery)
    messages: list[str] = field(default_factory=list)
    #: The data folder (owner) or a session of our own; None: nothing can be autosaved.
    ownership: Ownership | None = None
    #: Held while the recovery question about an orphaned session autosave is open.
    recovery_lock: QLockFile | None = None


def _refuse_profile(path: Path, why: str, rs: Ruleset) -> tuple[None, list[str]]:
    """Every refusal of the profile file says the same: its name, why, what is in force."""
    return None, [
        f"The institution profile file {path.name} was refused ({PROFILE_FIELD}: {why}). The "
        f"built-in default profile ({rs.default_profile}) is in force; the file was left "
        "where it is."
    ]


def load_institution_profile(
    settings: Settings, rs: Ruleset, now: datetime
) -> tuple[Profile | None, list[str]]:
    """The institution profile named in the settings, or None and a message.

    The file belongs to the institution (the pharmacy), not to the app: it is never
    renamed or changed, only refused with the reason. It is read only if it is a regular
    file of at most 1 MiB (a FIFO or a link to /dev/zero is refused without reading)."""
    if not settings.institution_profile_file:
        return None, []
    path = Path(settings.institution_profile_file)
    if not os.path.lexists(path):
        return None, [
            f"The institution profile file {path} was not found; the built-in default "
            f"profile ({rs.default_profile}) is in force."
        ]
    try:
        # Read bounded by the core (regular file, size and nesting limits): a FIFO or a
        # link to /dev/zero is refused without waiting or reading.
        return read_profile_file(rs, path), []
    except InputError as err:
        return _refuse_profile(path, err.message, rs)
    except (OSError, ValueError, RecursionError) as exc:
        return _refuse_profile(path, _reason(exc), rs)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return shorten(str(exc) or type(exc).__name__)


def check_audit_log(log: Path, now: datetime) -> list[str]:
    """Verify the chain; a broken log is set aside and a new one starts, noting it."""
    if not log.exists():
        if head_path(log).exists():
            aside = set_aside(head_path(log), now)
            return _restart_log(
                log, now, "the audit log file is missing but its head is not", aside.name
            )
        return []
    try:
        info = os.stat(log)
        if not stat.S_ISREG(info.st_mode):
            raise ValueError("it is not a regular file")
        report = verify_chain(log)
    except RecursionError:
        problem = "a line is nested too deeply to be an audit entry"
    except ValueError as exc:
        problem = str(exc)
    except OSError as exc:
        return [f"The audit log {log} could not be read ({exc.strerror or exc})."]
    else:
        if report.ok:
            return []
        problem = report.first_bad.message if report.first_bad else "unknown fault"
    try:
        aside = set_aside(log, now)
    except OSError as exc:
        return [
            f"The audit log failed its check ({problem}) and could not be moved aside "
            f"({_reason(exc)}); it was left as it is, and nothing more will be logged to it."
        ]
    if head_path(log).exists():
        with contextlib.suppress(OSError):
            set_aside(head_path(log), now)
    return _restart_log(log, now, problem, aside.name)


def _restart_log(log: Path, now: datetime, problem: str, kept_as: str) -> list[str]:
    append(
        log,
        at=now,
        event="log_set_aside",
        record="audit-log",
        details={"previous_log": kept_as, "problem": problem},
    )
    return [
        f"The audit log failed its check ({problem}). It was kept as {kept_as} for "
        "review, and a new log was started that records this."
    ]


def record_event(
    log: Path,
    now: datetime,
    event: Event,
    record: str,
    *,
    label: str = "",
    content: bytes | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one audit entry; a log that cannot take it is set aside and restarted."""
    digest = hashlib.sha256(content).hexdigest() if content is not None else None
    kwargs: dict[str, Any] = {
        "at": now,
        "event": event,
        "record": record,
        "label": label,
        "record_sha256": digest,
        "details": details or {},
    }
    try:
        try:
            return append(log, **kwargs)
        except AuditLogUnreadable:
            raise  # a log that cannot be opened is not damaged: never set it aside
        except AuditLogError:
            # A damaged end is set aside and a new log started; a failed append wrote
            # nothing (calculator.records.audit), so this second try never logs the record twice.
            check_audit_log(log, now)
            return append(log, **kwargs)
    except (OSError, ValueError, RecursionError) as exc:
        # One typed error for the callers, whatever stopped the log (a folder where the
        # log should be, a log that cannot be read).
        raise AuditLogError(
            f"The audit log {log} could not be written ({_reason(exc)}); the record was not logged."
        ) from None


def claim_and_recover(
    locations: Locations, now: datetime
) -> tuple[Ownership | None, Recovery, QLockFile | None, list[str]]:
    """Take the data folder (or a session of our own), and find the one autosaved case
    whose owner is gone to offer; other orphaned autosaves are set aside, never lost."""
    messages: list[str] = []
    try:
        ownership = claim(locations.data_dir, locations.autosave_file, now)
    except OSError as exc:
        told = [
            f"The data folder {locations.data_dir} cannot be written to ({_reason(exc)}); "
            "nothing will be autosaved. Save or print the case before closing."
        ]
        recovery = read_only_recovery(locations, now)
        if recovery.message:
            told.append(recovery.message)
        return None, recovery, None, told
    if not ownership.owner:
        return ownership, Recovery(), None, [ownership.message]
    found: list[tuple[Recovery, QLockFile | None]] = []
    for path, lock in orphans(ownership):
        recovery = read_autosave(path, now)
        if recovery.message:
            messages.append(recovery.message)
        if recovery.found:
            found.append((recovery, lock))
        elif recovery.path == ownership.autosave_file:
            # Unreadable and could not be moved: never autosave over it.
            try:
                ownership.move_to_session(now)
            except OSError:
                return None, Recovery(), None, [*messages, "Nothing will be autosaved."]
        elif lock is not None:
            lock.unlock()
    if not found:
        return ownership, Recovery(), None, messages
    found.sort(key=lambda item: (item[0].saved_at, str(item[0].path)), reverse=True)
    chosen, chosen_lock = found[0]
    for other, lock in found[1:]:
        assert other.path is not None
        try:
            aside = set_aside(other.path, now, tag="not-restored")
            kept = f"was kept as {aside.name}"
        except OSError:
            kept = "was left where it is"
        messages.append(
            f"Another autosaved case from a session that did not end cleanly ({other.whose()}) "
            f"{kept}; only the latest one is offered."
        )
        if lock is not None:
            lock.unlock()
    return ownership, chosen, chosen_lock, messages


def read_only_recovery(locations: Locations, now: datetime) -> Recovery:
    """The folder's autosaved case when the folder cannot be written to (made read-only
    after a crash, a read-only mount): offered to read only, unless a running app still
    holds the folder's lock. Nothing in the folder is renamed or written."""
    path = locations.autosave_file
    if not os.path.lexists(path):
        return Recovery()
    if held_by_a_running_app(locations.lock_file):
        return Recovery()
    recovery = read_autosave(path, now)
    if not recovery.found:
        return recovery
    return replace(recovery, read_only=True)


def start_up(locations: Locations, rs: Ruleset, now: datetime) -> Startup:
    """Everything the app reads before its window shows; never raises for a bad file."""
    messages: list[str] = []
    try:
        locations.ensure()
    except OSError as exc:
        messages.append(
            f"The app's folders could not be created ({exc.strerror or exc}); nothing "
            "will be autosaved or logged."
        )
    # A write killed half-way (SIGKILL during Save or autosave) left a temporary file that
    # may hold the patient label: removed before anything else reads the folders.
    remove_leftover_temp_files(
        (locations.config_dir, locations.data_dir, locations.autosave_file.parent)
    )
    loaded = load_settings(locations.settings_file, now)
    messages += loaded.messages
    settings = loaded.settings
    if settings.default_profile and settings.default_profile not in rs.profiles:
        messages.append(
            f"The default profile in the settings ({settings.default_profile}) is not a "
            f"built-in profile; {rs.default_profile} is in force."
        )
        settings = settings.model_copy(update={"default_profile": ""})
    profile, profile_messages = load_institution_profile(settings, rs, now)
    messages += profile_messages
    ownership: Ownership | None = None
    recovery, recovery_lock = Recovery(), None
    if locations.data_dir.is_dir():
        ownership, recovery, recovery_lock, found = claim_and_recover(locations, now)
        messages += found
    try:
        messages += check_audit_log(locations.audit_log, now)
    except (OSError, AuditLogError, ValueError, RecursionError) as exc:
        messages.append(
            f"The audit log could not be checked or restarted ({_reason(exc)}); records "
            "printed or exported may not be logged."
        )
    return Startup(locations, settings, profile, recovery, messages, ownership, recovery_lock)
