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
fields equal to their defaults, no state beyond the fields; the rule index is built from
the checked sections, never taken from the file). So a snapshot can make start-up faster
but never changes an answer: every number in force is the data's, whose sha256 (computed
from the files, never read from the snapshot) is the one shown and printed. Any failure,
whatever the damage, means full validation, never a traceback.

Per section (issue 26): building the classes of every section's schema cost every call
about 35 ms, so the snapshot (format 2) holds the core (version, sources, profiles,
PROFILE-BOUNDS) and each rule section pickled apart, and which data file holds which
table. :func:`open_snapshot` (start-up) checks the key and the core at once; each section
is imported, unpickled, and checked against its own table (its file parsed then, and
found to hold exactly the tables listed for it) when the program first reads it
(``calculator/rulebook/lazy.py``). A section unlike the data is validated in full then:
the data's numbers, or the data's validation error, raised where the section is read.
:func:`load_snapshot` judges the whole file at once (the self-test, the tests).

The snapshot is part of the installed program (like the data it was made from), not a file
the program writes at run time: a bad one is ignored, never moved, and
``crs-calc --verify-install`` names it as changed.

    python tools/build_snapshot.py      # (re)write it beside the data files (make snapshot does)
"""

from __future__ import annotations

import _pickle  # the C unpickler alone: `pickle` itself is for the build (dump_snapshot)
import hashlib
import importlib
import io
import sys
import threading
import types
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final, NamedTuple

import pydantic
import pydantic_core
from pydantic.fields import FieldInfo

from calculator.edge.errors import InputError
from calculator.edge.safe_io import MIB, parse_toml, read_bounded, read_package_files, write_atomic
from calculator.rulebook.base import FrozenModel, RuleSection
from calculator.rulebook.lazy import CORE_TABLES, SECTIONS, Ruleset, RulesetCore, section_class
from calculator.rulebook.loader import (
    DATA_DIR,
    DATA_LIMIT,
    fingerprint,
    load_ruleset,
    package_folder,
    read_data_files,
)

FILE_NAME: Final = "ruleset.snapshot"
MAGIC: Final = b"crs-calc-ruleset-snapshot/2\n"
#: Far above the real size (about 60 KiB): a larger file is not ours and is not read.
MAX_BYTES: Final = 4 * MIB


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


class _RulebookOnly(_pickle.Unpickler):
    """Unpickles rulebook models and plain data only: any other global (a function, a class
    from elsewhere) is refused, so a tampered snapshot cannot run code. A rulebook module
    not imported yet (a section's schema, loaded on first use) is imported by its name
    from the fixed list below, never from a name the file chose."""

    def find_class(self, module: str, name: str, /) -> type:
        if module in _RULEBOOK_MODULES:
            found = getattr(importlib.import_module(module), name, None)
            if isinstance(found, type) and issubclass(found, FrozenModel):
                return found
        raise _pickle.UnpicklingError(f"{module}.{name} is not a rulebook model")


#: The modules whose models a snapshot may hold: the core's and each section's schema.
_RULEBOOK_MODULES: Final = frozenset(
    {"calculator.rulebook.base", "calculator.rulebook.profiles", "calculator.rulebook.lazy"}
    | {module for module, _ in SECTIONS.values()}
)
_PARTS: Final = ("files", "core", "sections", "rules")


def _unpickle(blob: bytes) -> Any:
    return _RulebookOnly(io.BytesIO(blob)).load()


class _NotTheData(Exception):
    """A part of the snapshot is not exactly what validating the data gives."""


class _Tables:
    """The data's top-level tables, each file parsed at most once and only when one of its
    tables is first needed; a file must hold exactly the tables the snapshot lists for it
    (and so the tables it held when the snapshot was made: the key binds the bytes)."""

    def __init__(self, files: list[tuple[str, bytes]], listed: dict[str, list[str]]) -> None:
        self._bytes = dict(files)
        self._listed = listed
        self._home = {table: name for name, tables in listed.items() for table in tables}
        self._parsed: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()

    def table(self, table: str) -> Any:
        name = self._home[table]
        with self._lock:
            parsed = self._parsed.get(name)
            if parsed is None:
                parsed = parse_toml(self._bytes[name], name, DATA_LIMIT)
                if list(parsed) != self._listed[name]:
                    raise _NotTheData(f"{name} holds other tables than the snapshot's")
                self._parsed[name] = parsed
        return parsed[table]


class _SnapshotSections:
    """Each section from the snapshot when first read: unpickled, then compared field by
    field and type by type with its table in the data; anything else is validated in full
    (``fallback``: start-up) or refused (``load_snapshot``: the whole snapshot judged)."""

    def __init__(
        self,
        files: list[tuple[str, bytes]],
        tables: _Tables,
        blobs: dict[str, bytes],
        rules: dict[str, str],
        *,
        fallback: bool,
    ) -> None:
        self._files = files
        self._tables = tables
        self._blobs = blobs
        self._rules = rules
        self._fallback = fallback
        self._full: Ruleset | None = None

    def section(self, name: str) -> RuleSection:
        try:
            cls = section_class(name)
            loaded = _unpickle(self._blobs[name])
            if type(loaded) is cls and _same_model(loaded, cls, self._tables.table(name)):
                section: RuleSection = loaded
                return section
        except Exception:  # any failure means "not usable": validate in full
            pass
        if not self._fallback:
            raise _NotTheData(f"the snapshot's {name} section is not the data's")
        # Validated in full (every section: the checks across them too); an error in the
        # data is raised here, naming the file and field, as at start-up.
        if self._full is None:
            self._full = load_ruleset(self._files)
        full_section: RuleSection = getattr(self._full, name)
        return full_section

    def rule_home(self, rule_id: str) -> str | None:
        return self._rules.get(rule_id)


def open_snapshot(
    files: list[tuple[str, bytes]], path: Path | None = None, *, fallback: bool = True
) -> Ruleset | None:
    """The saved ruleset if its key matches ``files`` and the code as they are now and its
    core (version, sources, profiles, PROFILE-BOUNDS) is exactly what validating ``files``
    gives, else None (the caller then validates in full). Each rule section is taken from
    it on first use, checked the same way; one that is not the data's is validated in full
    then. Never raises: a damaged snapshot only costs the time it saved."""
    try:
        return _open_snapshot(files, path, fallback)
    except Exception:  # any failure means "not usable": validate in full
        return None


def load_snapshot(files: list[tuple[str, bytes]], path: Path | None = None) -> Ruleset | None:
    """The saved ruleset with every section loaded and checked now, or None if any part of
    it is not exactly what validating ``files`` gives (the self-test and the tests judge
    the whole file with this; start-up uses :func:`open_snapshot`)."""
    loaded = open_snapshot(files, path, fallback=False)
    try:
        return None if loaded is None else loaded.load_all()
    except Exception:
        return None


def _open_snapshot(
    files: list[tuple[str, bytes]], path: Path | None, fallback: bool
) -> Ruleset | None:
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
    parts = _unpickle(raw[len(head) :])
    if type(parts) is not dict or list(parts) != list(_PARTS):
        return None
    listed, blobs, rules = parts["files"], parts["sections"], parts["rules"]
    if not _plain(listed, list) or list(listed) != [name for name, _ in files]:
        return None
    every_table = [table for tables in listed.values() for table in tables]
    if sorted(every_table) != sorted((*CORE_TABLES, *SECTIONS)):
        return None  # a table missing, unknown or in two files: validate in full
    if not _plain(blobs, bytes) or set(blobs) != set(SECTIONS) or not _plain(rules, str):
        return None
    if type(parts["core"]) is not bytes:
        return None
    tables = _Tables(files, listed)
    core = _unpickle(parts["core"])
    if type(core) is not RulesetCore:
        return None
    if not _same_model(core, RulesetCore, {table: tables.table(table) for table in CORE_TABLES}):
        return None
    source = _SnapshotSections(files, tables, blobs, rules, fallback=fallback)
    return Ruleset(core, data_sha256, source=source)


def _plain(value: Any, kind: type) -> bool:
    """A dict of str keys whose values are all ``kind`` (a list: of str)."""
    return type(value) is dict and all(
        type(k) is str
        and type(v) is kind
        and (type(v) is not list or all(type(item) is str for item in v))
        for k, v in value.items()
    )


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


class _Field(NamedTuple):
    key: str  # as written in the data (the alias)
    name: str
    annotation: Any
    required: bool
    default: Any  # _MISSING: made by a factory, asked each time
    info: FieldInfo


class _Plan(NamedTuple):
    """What comparing a model of one class with its data needs, worked out once per class
    (it depends on the schema only): the before-validators, the fields by key."""

    before: tuple[Callable[[Any], Any], ...]
    names: frozenset[str]
    keys: dict[str, str]
    fields: tuple[_Field, ...]


_PLANS: dict[type[FrozenModel], _Plan | None] = {}


def _plan(cls: type[FrozenModel]) -> _Plan | None:
    """None for a schema this check does not understand (then: validate in full)."""
    try:
        return _PLANS[cls]
    except KeyError:
        plan = _PLANS[cls] = _make_plan(cls)
        return plan


def _make_plan(cls: type[FrozenModel]) -> _Plan | None:
    decorators = cls.__pydantic_decorators__
    if decorators.field_validators or decorators.root_validators:
        return None
    before = [d for d in decorators.model_validators.values() if d.info.mode != "after"]
    if len(before) > 1 or any(d.info.mode != "before" for d in before):
        return None
    fields: list[_Field] = []
    for name, info in cls.model_fields.items():
        if info.validation_alias not in (None, info.alias):
            return None
        required = info.is_required()
        default = (
            _MISSING
            if required or info.default_factory is not None
            else info.get_default(call_default_factory=False)
        )
        fields.append(_Field(info.alias or name, name, info.annotation, required, default, info))
    return _Plan(
        before=tuple(d.func for d in before),
        names=frozenset(cls.model_fields),
        keys={f.key: f.name for f in fields},
        fields=tuple(fields),
    )


def _same_model(value: Any, cls: type[FrozenModel], raw: Any) -> bool:
    if type(value) is not cls or type(raw) is not dict:
        return False
    plan = _plan(cls)
    if plan is None:
        return False  # a schema this check does not understand: validate in full
    for before in plan.before:
        raw = before(raw)
        if type(raw) is not dict:
            return False
    state = vars(value)
    if state.keys() != plan.names or value.__pydantic_extra__ is not None:
        return False
    if value.__pydantic_private__ is not None:
        return False
    keys = plan.keys
    if any(key not in keys for key in raw):
        return False  # validation would refuse an unknown key
    if value.__pydantic_fields_set__ != {keys[key] for key in raw}:
        return False
    for field in plan.fields:
        given = raw.get(field.key, _MISSING)
        if given is _MISSING:
            if field.required:
                return False
            default = field.default
            if default is _MISSING:
                default = field.info.get_default(call_default_factory=True)
            if not _same_value(state[field.name], default):
                return False
        elif not _same_as_data(state[field.name], field.annotation, given):
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


def dump_snapshot(ruleset: Ruleset, files: list[tuple[str, bytes]] | None = None) -> bytes:
    """The snapshot of ``ruleset`` (validated in full from ``files``, the data files as
    they are now when not given): the core and each section pickled on its own, so a
    command unpickles (and imports the schema of) only the sections it reads."""
    import pickle

    code = code_digest()
    if code is None:
        raise RuntimeError("the rulebook's source files cannot be read: no snapshot made")
    files = read_data_files() if files is None else files
    ruleset.load_all()
    parts = {
        "files": {name: list(parse_toml(data, name, DATA_LIMIT)) for name, data in files},
        "core": pickle.dumps(ruleset.core(), protocol=5),
        "sections": {name: pickle.dumps(getattr(ruleset, name), protocol=5) for name in SECTIONS},
        "rules": {rule.id: name for name in SECTIONS for rule in getattr(ruleset, name).rules()},
    }
    head = MAGIC + snapshot_key(ruleset.sha256, code) + b"\n"
    return head + pickle.dumps(parts, protocol=5)


def write_snapshot(path: Path | None = None) -> Path:
    """Validate the data in full and save the result (atomically)."""
    target = snapshot_path() if path is None else path
    files = read_data_files()
    write_atomic(target, dump_snapshot(load_ruleset(files), files))
    return target
