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
a rulebook model) falls back to full validation.

The key is made of public values, so it proves nothing about the content: anyone who can
write the snapshot can pickle a changed ruleset (70 kg -> 5,600 mg tocilizumab) under the
right key (issue 20). The content is therefore bound to the data as well: after unpickling,
every model is compared, field by field and type by type, with the parsed TOML it would be
validated from (``_same_as_data``: the schema's own before-validators applied, absent
fields equal to their defaults, no state beyond the fields; the ruleset's rule index is
rebuilt, never taken from the file). Parsing the TOML costs about 8 ms; what the snapshot
saves is building the validators (about 40 ms). So a snapshot can make start-up faster
but never changes an answer: every number in force is the data's, whose sha256 is the one
shown and printed. Any failure, whatever the damage, means full validation, never a
traceback.

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
import types
import typing
from pathlib import Path
from typing import Any, Final

import pydantic
import pydantic_core

from calculator.edge.errors import InputError
from calculator.edge.safe_io import MIB, read_bounded, read_package_files, write_atomic
from calculator.rulebook.base import FrozenModel
from calculator.rulebook.loader import (
    DATA_DIR,
    Ruleset,
    fingerprint,
    load_ruleset,
    merge_tables,
    package_folder,
    read_data_files,
)

FILE_NAME: Final = "ruleset.snapshot"
MAGIC: Final = b"crs-calc-ruleset-snapshot/1\n"
#: Far above the real size (about 60 KiB): a larger file is not ours and is not read.
MAX_BYTES: Final = 4 * MIB
_RULEBOOK_PREFIX: Final = "calculator.rulebook."


def snapshot_path() -> Path:
    return Path(str(package_folder().joinpath(DATA_DIR, FILE_NAME)))


def code_digest() -> str | None:
    """sha256 of the rulebook's source files, or None where they cannot be read (then no
    snapshot is trusted). The frozen bundle ships them beside the data for this."""
    folder = package_folder()
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
    """The saved ruleset if its key matches ``files`` and the code as they are now and its
    content is exactly what validating ``files`` gives, else None (the caller then
    validates in full). Never raises: a damaged snapshot only costs the time it saved."""
    try:
        return _load_snapshot(files, path)
    except Exception:  # any failure means "not usable": validate in full
        return None


def _load_snapshot(files: list[tuple[str, bytes]], path: Path | None) -> Ruleset | None:
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
    loaded = _RulebookOnly(io.BytesIO(raw[len(head) :])).load()
    if type(loaded) is not Ruleset:
        return None
    data = merge_tables(files)
    data["sha256"] = data_sha256
    if not _same_as_data(loaded, Ruleset, data):
        return None
    # The rule index is private state: rebuilt from the checked fields, never unpickled.
    object.__setattr__(loaded, "__pydantic_private__", {})
    loaded.model_post_init(None)
    return loaded


_MISSING: Final = object()


def _same_as_data(value: Any, annotation: Any, raw: Any) -> bool:
    """Whether ``value`` is exactly what validating ``raw`` as ``annotation`` gives: same
    types, same numbers and words, nothing more. Only the shapes the rulebook uses are
    understood; anything else is "no" (then the data is validated in full)."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:  # constraints only refuse; the value is unchanged
        return _same_as_data(value, args[0], raw)
    if origin is typing.Union or origin is types.UnionType:
        return any(_same_as_data(value, arm, raw) for arm in args)
    if origin is typing.Literal:
        return type(value) is type(raw) and value in args and value == raw
    if annotation is type(None):
        return value is None and raw is None
    if annotation in (str, bool):
        return type(value) is annotation and type(raw) is annotation and value == raw
    if annotation in (int, float):
        return type(value) is annotation and type(raw) in (int, float) and value == raw
    if origin is tuple:
        if type(value) is not tuple or type(raw) not in (list, tuple):
            return False
        items = args[:1] * len(raw) if len(args) == 2 and args[1] is Ellipsis else args
        return len(value) == len(raw) == len(items) and all(
            _same_as_data(v, a, r) for v, a, r in zip(value, items, raw, strict=True)
        )
    if origin is dict:
        if type(value) is not dict or type(raw) is not dict or list(value) != list(raw):
            return False
        return all(
            _same_as_data(key, args[0], key) and _same_as_data(value[key], args[1], raw[key])
            for key in raw
        )
    if isinstance(annotation, type) and issubclass(annotation, FrozenModel):
        return _same_model(value, annotation, raw)
    return False


def _same_model(value: Any, cls: type[FrozenModel], raw: Any) -> bool:
    if type(value) is not cls or type(raw) is not dict:
        return False
    decorators = cls.__pydantic_decorators__
    if decorators.field_validators or decorators.root_validators:
        return False  # a schema this check does not understand: validate in full
    before = [d for d in decorators.model_validators.values() if d.info.mode != "after"]
    if len(before) > 1 or any(d.info.mode != "before" for d in before):
        return False
    for decorator in before:
        raw = decorator.func(raw)
        if type(raw) is not dict:
            return False
    state = vars(value)
    fields = cls.model_fields
    if set(state) != set(fields) or value.__pydantic_extra__ is not None:
        return False
    if cls is not Ruleset and value.__pydantic_private__ is not None:
        return False
    keys = {(field.alias or name): name for name, field in fields.items()}
    if set(raw) - set(keys):
        return False  # validation would refuse an unknown key
    if value.__pydantic_fields_set__ != {keys[key] for key in raw}:
        return False
    for key, name in keys.items():
        field = fields[name]
        if field.validation_alias not in (None, field.alias):
            return False
        given = raw.get(key, _MISSING)
        if given is _MISSING:
            if field.is_required() or not _same_value(
                state[name], field.get_default(call_default_factory=True)
            ):
                return False
        elif not _same_as_data(state[name], field.annotation, given):
            return False
    return True


def _same_value(a: Any, b: Any) -> bool:
    """Equal and of the same types all the way down (a default against the snapshot)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, (tuple, list)):
        return len(a) == len(b) and all(_same_value(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same_value(a[k], b[k]) for k in a)
    if isinstance(a, FrozenModel):
        return a.__pydantic_private__ is None and _same_value(vars(a), vars(b))
    return bool(a == b)


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
