"""Typed app settings saved as TOML, with a version and upgrade hooks.

Reading never stops the app: a missing file gives the defaults; an unreadable or
invalid one gives the defaults, a plain message, and the bad file renamed aside.
An older file is upgraded step by step by the hooks in :data:`UPGRADES`, after a
copy of the old file is kept beside it. A file from a newer app is set aside too
(that app can still read it), and this one starts with its defaults.
"""

import json
import math
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from calculator.edge.errors import InputError
from calculator.edge.inputs import validate
from calculator.edge.safe_io import parse_toml, read_bounded
from ui.store.atomic import shorten, write_failure
from ui.store.storage import set_aside, write_atomic

#: The settings format this app writes. Bump it with an upgrade hook in UPGRADES.
SETTINGS_VERSION = 1

#: A settings file's damage is quoted at some more length than other reasons: the
#: TOML parser's message names the line and column.
SETTINGS_REASON_CHARS = 160

#: No settings version is ever this large; a larger number is damage, not a newer app.
MAX_VERSION = 999_999_999

#: ``UPGRADES[n]`` turns the data of a version-n file into version n+1 data.
Upgrade = Callable[[dict[str, Any]], dict[str, Any]]
UPGRADES: dict[int, Upgrade] = {}


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class Units(_Model):
    weight: Literal["kg", "lb"] = "kg"
    temperature: Literal["C", "F"] = "C"


class PrinterDefaults(_Model):
    page_size: Literal["A4", "Letter"] = "A4"
    printer_name: str = ""  # empty: the system's default printer
    copies: int = Field(default=1, ge=1, le=20, strict=True)


class Settings(_Model):
    version: int = Field(default=SETTINGS_VERSION, ge=1, strict=True)
    #: A built-in profile ID; empty means the ruleset's default profile.
    default_profile: str = ""
    #: An institution profile file (TOML or JSON); empty means none.
    institution_profile_file: str = ""
    #: The pharmacy double-check tolerance in percent (VERIFY-TOL); unset means the
    #: profile's, else the rule's own. A local pharmacy policy, not a clinical number.
    double_check_tolerance_pct: float | None = Field(default=None, gt=0, le=100)
    #: How soon after a change the current case is autosaved, in milliseconds.
    autosave_delay_ms: int = Field(default=1000, ge=100, le=60_000, strict=True)
    units: Units = Units()
    printer: PrinterDefaults = PrinterDefaults()


@dataclass
class LoadedSettings:
    settings: Settings
    messages: list[str] = field(default_factory=list)
    set_aside: Path | None = None
    backup: Path | None = None


# --- TOML writing (flat keys and one level of tables are all the settings need) --------------


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("settings hold only finite numbers")
        return repr(value)
    if isinstance(value, str):
        # JSON string escapes are valid TOML basic-string escapes; DEL must be escaped too.
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007F")
    raise TypeError(f"cannot write {type(value).__name__} to the settings file")


def to_toml(data: dict[str, Any]) -> str:
    """Scalars first, then one ``[table]`` per nested dict; None values are left out."""
    lines = ["# CRS Bedside Calculator settings. Edit with care: a bad file is set aside."]
    tables = []
    for key, value in data.items():
        if value is None:
            continue
        if isinstance(value, dict):
            tables.append((key, value))
        else:
            lines.append(f"{key} = {_toml_value(value)}")
    for name, table in tables:
        lines.append("")
        lines.append(f"[{name}]")
        for key, value in table.items():
            if value is not None:
                lines.append(f"{key} = {_toml_value(value)}")
    return "\n".join(lines) + "\n"


def save_settings(path: Path, settings: Settings) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, to_toml(settings.model_dump(mode="json")).encode("utf-8"))


# --- reading ---------------------------------------------------------------------------------


def upgrade(data: dict[str, Any], hooks: dict[int, Upgrade] | None = None) -> dict[str, Any]:
    """Run the hooks from the file's version up to SETTINGS_VERSION."""
    hooks = UPGRADES if hooks is None else hooks
    version = data.get("version", 1)
    while version < SETTINGS_VERSION:
        if version not in hooks:
            raise ValueError(f"no upgrade from settings version {version}")
        data = hooks[version](dict(data))
        version += 1
        data["version"] = version
    return data


def load_settings(path: Path, now: datetime) -> LoadedSettings:
    """The settings in ``path``, or the defaults with a plain message; never raises."""
    if not os.path.lexists(path):
        return LoadedSettings(Settings())
    try:
        raw = read_bounded(path, "settings")
        data = parse_toml(raw, "settings")
        version = data.get("version", 1)
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise ValueError("its version is not a whole number from 1 up")
        if version > MAX_VERSION:
            # TOML takes 0xFFFF... of any length, and str() of it fails past 4,300 digits.
            raise ValueError(f"its version is not a settings version (more than {MAX_VERSION})")
    except InputError as err:
        why = err.fields[0].message if err.fields else err.message
        return _bad_file(path, now, f"it is damaged, unreadable or not a settings file ({why})")
    except ValueError as exc:
        why = shorten(exc, SETTINGS_REASON_CHARS)
        return _bad_file(path, now, f"it is damaged or not a settings file ({why})")

    if version > SETTINGS_VERSION:
        shown = str(version) if len(str(version)) <= 12 else str(version)[:12] + "…"
        try:
            aside: Path | None = set_aside(path, now, tag=f"v{shown[:12]}")
        except OSError:
            aside = None
        return LoadedSettings(
            Settings(),
            [
                f"The settings file was written by a newer version of the app (settings "
                f"version {shown}; this app reads {SETTINGS_VERSION}). The app started "
                f"with default settings; {_kept(aside)}."
            ],
            set_aside=aside,
        )

    backup = None
    messages: list[str] = []
    if version < SETTINGS_VERSION:
        try:
            backup = _backup(path, raw, version, now)
        except OSError as exc:
            return _bad_file(path, now, f"its old version could not be backed up ({exc})")
        try:
            data = upgrade(data)
        except Exception as exc:
            why = shorten(exc, SETTINGS_REASON_CHARS)
            return _bad_file(path, now, f"it could not be upgraded ({why})", backup)
        messages.append(
            f"Settings were upgraded from version {version} to {SETTINGS_VERSION}; "
            f"the old file was kept as {backup.name}."
        )
    try:
        settings = validate(Settings, data)
    except InputError as err:
        return _bad_file(path, now, _plain_fields(err), backup)
    if backup is not None:
        try:
            save_settings(path, settings)
        except OSError as exc:
            messages.append(write_failure(path, exc, "The upgraded settings"))
    return LoadedSettings(settings, messages, backup=backup)


def _plain_fields(err: InputError) -> str:
    return "; ".join(f"{f.field} {f.message}" for f in err.fields) or err.message


def _backup(path: Path, raw: bytes, version: int, now: datetime) -> Path:
    """The old file's exact bytes beside it, written atomically like every file."""
    stamp = now.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.v{version}-backup-{stamp}")
    write_atomic(target, raw)
    return target


def _kept(aside: Path | None) -> str:
    if aside is None:
        return (
            "the file could not be moved aside (the folder cannot be written to) and was "
            "left as it is"
        )
    return f"the file was kept as {aside.name}"


def _bad_file(path: Path, now: datetime, why: str, backup: Path | None = None) -> LoadedSettings:
    try:
        aside: Path | None = set_aside(path, now)
    except OSError:
        aside = None
    return LoadedSettings(
        Settings(),
        [
            f"The settings file could not be used: {why}. The app started with default "
            f"settings; {_kept(aside)}."
        ],
        set_aside=aside,
        backup=backup,
    )
