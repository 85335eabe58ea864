"""Start-up checks: settings, institution profile, autosave and audit log.

None of them can stop the app from starting. A damaged file gives the defaults, a
message in plain words for the user, and the file renamed aside (never deleted).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from calculator.audit import (
    AuditEntry,
    AuditLogError,
    Event,
    append,
    head_path,
    verify_chain,
)
from calculator.errors import InputError
from calculator.profile_files import read_profile_file
from calculator.rulebook import Ruleset
from calculator.rulebook.profiles import Profile
from ui.autosave import Recovery, read_autosave
from ui.settings import Settings, load_settings
from ui.storage import Locations, set_aside


@dataclass
class Startup:
    locations: Locations
    settings: Settings
    institution_profile: Profile | None = None
    recovery: Recovery = field(default_factory=Recovery)
    messages: list[str] = field(default_factory=list)


def load_institution_profile(
    settings: Settings, rs: Ruleset, now: datetime
) -> tuple[Profile | None, list[str]]:
    """The institution profile named in the settings, or None and a message."""
    if not settings.institution_profile_file:
        return None, []
    path = Path(settings.institution_profile_file)
    if not path.exists():
        return None, [
            f"The institution profile file {path} was not found; the built-in default "
            f"profile ({rs.default_profile}) is in force."
        ]
    try:
        return read_profile_file(rs, path), []
    except InputError as err:
        kept = ""
        try:
            aside = set_aside(path, now)
            kept = f" The file was kept as {aside.name}."
        except OSError:
            kept = " The file could not be renamed (read-only location); it was left as it is."
        return None, [
            f"The institution profile file {path.name} was refused ({err.message}) The "
            f"built-in default profile ({rs.default_profile}) is in force.{kept}"
        ]


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
        report = verify_chain(log)
    except OSError as exc:
        return [f"The audit log {log} could not be read ({exc.strerror or exc})."]
    if report.ok:
        return []
    problem = report.first_bad.message if report.first_bad else "unknown fault"
    aside = set_aside(log, now)
    if head_path(log).exists():
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
        return append(log, **kwargs)
    except AuditLogError:
        check_audit_log(log, now)
        return append(log, **kwargs)


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
    recovery = read_autosave(locations.autosave_file, now)
    if recovery.message:
        messages.append(recovery.message)
    try:
        messages += check_audit_log(locations.audit_log, now)
    except (OSError, AuditLogError) as exc:
        messages.append(f"The audit log could not be checked or restarted ({exc}).")
    return Startup(locations, settings, profile, recovery, messages)
