"""The validated ruleset, saved once when the program is built and reused at start-up.

Validating the rule data builds the checker of every rulebook model (about 80 ms): a
command-line call or the app's first paint paid it on every start (issue 14). The build
(``make snapshot``; ``make run``, ``make test``, ``make bench`` and ``make package`` do it
first) validates the data in full and saves the result here, under a
key made of everything the result depends on:

- the ruleset fingerprint (the sha256 of the data files' bytes, the same value results
  carry),
- a digest of the rulebook's code (``calculator/rulebook/*.py``: the schemas and their
  cross-checks),
- the versions of pydantic, pydantic-core and Python.

At start-up the key is recomputed from the files as they are now. Only an exact match uses
the snapshot; anything else (no snapshot, another key, a file cut short, a class that is not
a rulebook model) falls back to full validation, so a snapshot can make start-up faster but
never changes an answer: the ruleset version and sha256 stay exactly those of the data.

The snapshot is part of the installed program (like the data it was made from), not a file
the program writes at run time: a bad one is ignored, never moved, and
``crs-calc --verify-install`` names it as changed.

    python tools/build_snapshot.py      # (re)write it beside the data files (make snapshot does)
"""

from __future__ import annotations

import hashlib
import io
import pickle
import sys
from importlib import resources
from pathlib import Path
from typing import Final

import pydantic
import pydantic_core

from calculator.errors import InputError
from calculator.rulebook.base import FrozenModel
from calculator.rulebook.loader import (
    DATA_DIR,
    DATA_PACKAGE,
    Ruleset,
    fingerprint,
    load_ruleset,
    read_data_files,
)
from calculator.safe_io import MIB, read_bounded, read_package_files, write_atomic

FILE_NAME: Final = "ruleset.snapshot"
MAGIC: Final = b"crs-calc-ruleset-snapshot/1\n"
#: Far above the real size (about 60 KiB): a larger file is not ours and is not read.
MAX_BYTES: Final = 4 * MIB
_RULEBOOK_PREFIX: Final = "calculator.rulebook."


def snapshot_path() -> Path:
    return Path(str(resources.files(DATA_PACKAGE).joinpath(DATA_DIR, FILE_NAME)))


def code_digest() -> str | None:
    """sha256 of the rulebook's source files, or None where they cannot be read (then no
    snapshot is trusted). The frozen bundle ships them beside the data for this."""
    folder = resources.files(DATA_PACKAGE)
    try:
        # Bounded like every file read (a FIFO among them must not hang the start).
        sources = read_package_files(folder, ".py")
    except (OSError, InputError):
        return None
    if not any(name == "loader.py" for name, _ in sources):
        return None
    return fingerprint(sources)  # the same digest as the data's, over the code


def snapshot_key(data_sha256: str, code_sha256: str) -> bytes:
    parts = (
        MAGIC.decode().strip(),
        data_sha256,
        code_sha256,
        pydantic.VERSION,
        pydantic_core.__version__,
        sys.implementation.cache_tag or "",
    )
    return hashlib.sha256("\n".join(parts).encode()).hexdigest().encode()


class _RulebookOnly(pickle.Unpickler):
    """Unpickles rulebook models and plain data only: any other global (a function, a class
    from elsewhere) is refused, so a tampered snapshot cannot run code."""

    def find_class(self, module: str, name: str, /) -> type:
        if module.startswith(_RULEBOOK_PREFIX):
            found = getattr(sys.modules.get(module), name, None)
            if isinstance(found, type) and issubclass(found, FrozenModel):
                return found
        raise pickle.UnpicklingError(f"{module}.{name} is not a rulebook model")


def load_snapshot(files: list[tuple[str, bytes]], path: Path | None = None) -> Ruleset | None:
    """The saved ruleset if its key matches ``files`` and the code as they are now, else None
    (the caller then validates in full)."""
    code = code_digest()
    if code is None:
        return None
    data_sha256 = fingerprint(files)
    try:
        raw = read_bounded(snapshot_path() if path is None else path, FILE_NAME, MAX_BYTES)
    except (OSError, InputError):
        return None
    head = MAGIC + snapshot_key(data_sha256, code) + b"\n"
    if not raw.startswith(head):
        return None
    try:
        loaded = _RulebookOnly(io.BytesIO(raw[len(head) :])).load()
    except Exception:  # any failure means "not usable": validate in full
        return None
    if type(loaded) is not Ruleset or loaded.sha256 != data_sha256:
        return None
    return loaded


def dump_snapshot(ruleset: Ruleset) -> bytes:
    code = code_digest()
    if code is None:
        raise RuntimeError("the rulebook's source files cannot be read: no snapshot made")
    return MAGIC + snapshot_key(ruleset.sha256, code) + b"\n" + pickle.dumps(ruleset, protocol=5)


def write_snapshot(path: Path | None = None) -> Path:
    """Validate the data in full and save the result (atomically)."""
    target = snapshot_path() if path is None else path
    write_atomic(target, dump_snapshot(load_ruleset(read_data_files())))
    return target
