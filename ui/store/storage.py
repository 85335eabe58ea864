"""Where the app keeps its files, and how it writes and sets them aside.

- Normal mode: settings in the user config folder, autosave and the audit log in the
  user data folder (platformdirs; e.g. ~/.config/crs-calc and ~/.local/share/crs-calc).
- Portable mode: when a marker file ``crs-calc.portable`` sits beside the executable
  (the frozen app's folder; the project root when run from source), everything lives
  in ``crs-calc-data/`` beside it, for locked-down workstation images.
- ``CRS_CALC_HOME`` puts everything in one folder (tests, kiosk set-ups);
  ``CRS_CALC_APP_DIR`` says where to look for the marker (tests).

A bad file is never deleted: :func:`set_aside` renames it ``NAME.corrupt-YYYYmmdd-HHMMSS``.
Every write goes through :func:`ui.store.atomic.write_atomic` (temporary file, fsync, rename).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import platformdirs

from ui.store.atomic import write_atomic

APP_NAME = "crs-calc"
PORTABLE_MARKER = "crs-calc.portable"
PORTABLE_FOLDER = "crs-calc-data"
ENV_HOME = "CRS_CALC_HOME"
ENV_APP_DIR = "CRS_CALC_APP_DIR"

__all__ = ["Locations", "app_dir", "locate", "set_aside", "shown", "write_atomic"]


def shown(text: str) -> str:
    """Text with a path in it, as it can be shown: a path byte that is not UTF-8 (kept by
    Python as a surrogate escape) appears as ``\\xe9`` instead of breaking the message;
    the path itself is used as it is (os.fsencode/fsdecode)."""
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate that no file name made
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return raw.decode("utf-8", "backslashreplace")


@dataclass(frozen=True)
class Locations:
    config_dir: Path
    data_dir: Path
    portable: bool = False

    @property
    def settings_file(self) -> Path:
        return self.config_dir / "settings.toml"

    @property
    def autosave_file(self) -> Path:
        return self.data_dir / "autosave" / "current-case.json"

    @property
    def lock_file(self) -> Path:
        """Held by the running app that owns this data folder (ui.store.instance_lock)."""
        return self.data_dir / "crs-calc.lock"

    @property
    def audit_log(self) -> Path:
        return self.data_dir / "audit.jsonl"

    def ensure(self) -> None:
        for folder in (self.config_dir, self.data_dir, self.autosave_file.parent):
            folder.mkdir(parents=True, exist_ok=True)

    def describe(self) -> str:
        mode = "portable (beside the program)" if self.portable else "per user"
        return f"{mode}: settings in {self.config_dir}, data in {self.data_dir}"


def app_dir(env: Mapping[str, str] | None = None) -> Path:
    """The folder the portable marker is looked for in."""
    env = os.environ if env is None else env
    if env.get(ENV_APP_DIR):
        return Path(env[ENV_APP_DIR])
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve().parent
    return Path(__file__).resolve().parent.parent.parent


def locate(env: Mapping[str, str] | None = None) -> Locations:
    env = os.environ if env is None else env
    if env.get(ENV_HOME):
        home = Path(env[ENV_HOME])
        return Locations(config_dir=home, data_dir=home)
    beside = app_dir(env)
    if (beside / PORTABLE_MARKER).is_file():
        folder = beside / PORTABLE_FOLDER
        return Locations(config_dir=folder, data_dir=folder, portable=True)
    return Locations(
        config_dir=platformdirs.user_config_path(APP_NAME, appauthor=False),
        data_dir=platformdirs.user_data_path(APP_NAME, appauthor=False),
    )


#: A tag longer than this is cut (a settings ``version = 999…`` must not make the name
#: too long for the file system).
MAX_TAG = 24


def set_aside(path: Path, now: datetime, tag: str = "corrupt") -> Path:
    """Rename a bad file out of the way (never delete it); returns its new path.

    Raises OSError when the rename is impossible (a read-only folder): callers say so and
    leave the file where it is."""
    tag = "".join(c if c.isalnum() or c in "-_" else "_" for c in tag)[:MAX_TAG] or "aside"
    stamp = now.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.{tag}-{stamp}")
    n = 1
    while target.exists():
        target = path.with_name(f"{path.name}.{tag}-{stamp}-{n}")
        n += 1
    os.replace(path, target)
    return target
