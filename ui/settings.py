"""Typed app settings saved as TOML, with a version and upgrade hooks.

Reading never stops the app: a missing file gives the defaults; an unreadable or
invalid one gives the defaults, a plain message, and the bad file renamed aside.
An older file is upgraded step by step by the hooks in :data:`UPGRADES`, after a
copy of the old file is kept beside it. A file from a newer app is set aside too
(that app can still read it), and this one starts with its defaults.
"""

from __future__ import annotations

import json
import math
import shutil
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from calculator.errors import InputError
from calculator.inputs import validate
from ui.storage import set_aside, write_atomic

#: The settings format this app writes. Bump it with an upgrade hook in UPGRADES.
SETTINGS_VERSION = 1

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
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return LoadedSettings(Settings())
    except OSError as exc:
        return LoadedSettings(
            Settings(),
            [
                f"The settings file {path} could not be opened ({exc.strerror or exc}). "
                "The app started with default settings."
            ],
        )
    try:
        data = tomllib.loads(raw.decode("utf-8"))
        version = data.get("version", 1)
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise ValueError("its version is not a whole number from 1 up")
    except (UnicodeDecodeError, ValueError) as exc:
        return _bad_file(path, now, f"it is damaged or not a settings file ({exc})")

    if version > SETTINGS_VERSION:
        aside = set_aside(path, now, tag=f"v{version}")
        return LoadedSettings(
            Settings(),
            [
                f"The settings file was written by a newer version of the app (settings "
                f"version {version}; this app reads {SETTINGS_VERSION}). The app started "
                f"with default settings; the file was kept as {aside.name}."
            ],
            set_aside=aside,
        )

    backup = None
    messages: list[str] = []
    if version < SETTINGS_VERSION:
        backup = _backup(path, version, now)
        try:
            data = upgrade(data)
        except Exception as exc:
            return _bad_file(path, now, f"it could not be upgraded ({exc})", backup)
        messages.append(
            f"Settings were upgraded from version {version} to {SETTINGS_VERSION}; "
            f"the old file was kept as {backup.name}."
        )
    try:
        settings = validate(Settings, data)
    except InputError as err:
        return _bad_file(path, now, _plain_fields(err), backup)
    if backup is not None:
        save_settings(path, settings)
    return LoadedSettings(settings, messages, backup=backup)


def _plain_fields(err: InputError) -> str:
    return "; ".join(f"{f.field} {f.message}" for f in err.fields) or err.message


def _backup(path: Path, version: int, now: datetime) -> Path:
    stamp = now.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.v{version}-backup-{stamp}")
    shutil.copy2(path, target)
    return target


def _bad_file(path: Path, now: datetime, why: str, backup: Path | None = None) -> LoadedSettings:
    aside = set_aside(path, now)
    return LoadedSettings(
        Settings(),
        [
            f"The settings file could not be used: {why}. The app started with default "
            f"settings; the file was kept as {aside.name}."
        ],
        set_aside=aside,
        backup=backup,
    )
