"""Read the rulebook data once, validate it, and fingerprint it.

Full validation (every section's schema and the checks across sections) lives in
``full.py`` and is imported only when the data must be validated in full; the ruleset the
program holds is ``lazy.Ruleset`` (re-exported here).

The data files are read like any other file (``calculator.edge.safe_io``): regular files only,
each at most :data:`DATA_LIMIT`, TOML nested at most 64 levels. A FIFO or a link to
``/dev/zero`` among them (a damaged or tampered install) is a :class:`RuleDataError`
naming the file, never a hang or a read without end.
"""

from __future__ import annotations

import hashlib
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from calculator.rulebook.lazy import Ruleset, RulesetInfo

__all__ = [
    "DATA_LIMIT",
    "RuleDataError",
    "Ruleset",
    "RulesetInfo",
    "fingerprint",
    "load_ruleset",
    "merge_tables",
    "package_folder",
    "read_data_files",
]

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

DATA_PACKAGE = "calculator.rulebook"
DATA_DIR = "data"
#: The largest data file is about 20 kB; 1 MiB is the app's limit for any TOML file.
DATA_LIMIT: Final = 1024 * 1024


class RuleDataError(ValueError):
    """The rule data cannot be read (not a regular file, too large, too deep, not TOML):
    the install is damaged. The command line answers it as an internal error (exit 70)."""


def package_folder() -> Path | Traversable:
    """The rulebook package's folder (its code and, under ``data/``, the rule data).

    A plain folder on disk (a checkout, a wheel, the frozen bundle: its spec ships the data
    and the rulebook's sources beside the modules) is read as a path: listing and reading it
    through ``importlib.resources`` cost every command-line call about 2 ms (issue 26).
    Anywhere else (a zip import) it is asked, as before."""
    here = Path(__file__).resolve().parent
    if (here / DATA_DIR).is_dir():
        return here

    return resources.files(DATA_PACKAGE)


def read_data_files(folder: Traversable | None = None) -> list[tuple[str, bytes]]:
    """The data files, sorted by name, as raw bytes (what the sha256 covers), each read
    bounded; RuleDataError naming the file that cannot be."""
    # Imported here: calculator.edge.errors imports this package (a cycle at import time).
    from calculator.edge.errors import InputError
    from calculator.edge.safe_io import read_package_files

    if folder is None:
        folder = package_folder().joinpath(DATA_DIR)
    try:
        return read_package_files(folder, ".toml", DATA_LIMIT)
    except InputError as err:
        raise RuleDataError(f"the rule data cannot be read: {err.message}") from None


def fingerprint(files: list[tuple[str, bytes]]) -> str:
    digest = hashlib.sha256()
    for name, data in files:
        digest.update(name.encode() + b"\0" + data + b"\0")
    return digest.hexdigest()


def merge_tables(files: list[tuple[str, bytes]]) -> dict[str, Any]:
    from calculator.edge.errors import InputError
    from calculator.edge.safe_io import parse_toml

    merged: dict[str, Any] = {}
    for name, data in files:
        try:
            table = parse_toml(data, name, DATA_LIMIT)
        except InputError as err:
            raise RuleDataError(f"the rule data cannot be read: {err.message}") from None
        for key, value in table.items():
            if key in merged:
                raise ValueError(f"{name}: top-level table {key!r} is defined in two files")
            merged[key] = value
    return merged


def load_ruleset(files: list[tuple[str, bytes]] | None = None) -> Ruleset:
    """Validate rule data in full (every section's schema, and the checks across them);
    raises pydantic.ValidationError naming the bad entry."""
    # Imported here: it imports every section's schema, which a command taking its
    # sections from the snapshot never needs (issue 26).
    from calculator.rulebook.full import RulesetModel

    files = read_data_files() if files is None else files
    merged = merge_tables(files)
    merged["sha256"] = fingerprint(files)
    return RulesetModel.model_validate(merged).ruleset()
