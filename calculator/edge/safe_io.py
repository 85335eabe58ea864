"""Bounded reading: every file and every standard input the core or the app reads.

A file is read only if it is a regular file (a FIFO, a device or a folder is refused;
a symbolic link is followed only to a regular file, so a link to ``/dev/zero`` is
refused), never more than ``limit + 1`` bytes of it, and JSON or TOML text only when
its nesting is at most :data:`MAX_DEPTH`, checked by a linear scan *before* the parser
sees it (``json`` and ``tomllib`` recurse, so depth is what could stop them).
Every refusal is an :class:`~calculator.edge.errors.InputError` naming the field and the
reason, so no input, however large or nested, takes more than a second or 200 MiB.

API (what the command line and the app call):

- :func:`read_bounded` ``(path, field, limit=MIB) -> bytes``: a regular file's bytes.
- :func:`read_text` ``(path, field, limit=MIB) -> str``: the same, decoded as UTF-8.
- :func:`read_package_files` ``(folder, suffix, limit=MIB) -> [(name, bytes)]``: the
  program's own files (rule data, rulebook sources, built-in scenarios), each read as
  bounded as any other file: a FIFO or a link to ``/dev/zero`` among them is refused.
- :func:`read_json_file` / :func:`read_toml_file` ``(path, field, limit=MIB) -> Any``:
  a settings, autosave, case or profile file, parsed (JSON: duplicate keys refused,
  NaN/Infinity parsed as floats so a model can refuse them by name).
- :func:`parse_json` / :func:`parse_toml` ``(text or bytes, field) -> Any``: the same
  for text already in hand (standard input, one audit or batch line).
- :func:`read_stream` ``(stream, field, limit=MIB) -> bytes``: standard input, refused
  when longer than ``limit``.
- :func:`bounded_lines` ``(stream, limit=MIB)``: JSON Lines, each line's content at most
  ``limit`` bytes, its ending not counted (a longer one is yielded as :data:`TOO_LONG`,
  the rest of it skipped); :func:`line_content` drops the ending.
- :func:`check_depth` ``(text, field, kind="JSON")``: the nesting check on its own.

And the one way every file is written, by the core (audit log) and the app (cases,
autosave, settings, records): :func:`write_atomic` ``(path, data)``: temporary file with a
name unique per process, thread and call, fsync, rename, fsync of the folder; on failure
the old file stays whole and the temporary file is removed.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import stat
import threading
import tomllib
import uuid
from collections.abc import Iterator
from importlib.resources.abc import Traversable
from itertools import accumulate
from pathlib import Path
from typing import Any, BinaryIO, Final, Literal

from calculator.edge.errors import InputError

#: 1 MiB: the contract's limit for one JSON input, and the app's for JSON and TOML files.
MIB: Final = 1024 * 1024
#: Deepest nesting of arrays and objects accepted. The deepest legitimate document (a
#: case with a taper's steps) nests 4 levels; the parsers recurse about once per level.
MAX_DEPTH: Final = 64

Kind = Literal["JSON", "TOML"]


class _TooLong:
    """Marker yielded by :func:`bounded_lines` for a line longer than the limit."""

    def __repr__(self) -> str:
        return "TOO_LONG"


TOO_LONG: Final = _TooLong()


def _size(limit: int) -> str:
    if limit % MIB == 0:
        return f"{limit // MIB} MiB"
    return f"{limit // 1024} KiB" if limit % 1024 == 0 else f"{limit} bytes"


class NotRegularFile(OSError):
    """The path is a FIFO, a device, a folder or a socket: not read."""


def open_regular(path: Path | str) -> BinaryIO:
    """Open a regular file for reading (binary), checked on the open descriptor so there is
    no window between the check and the read; opening never blocks on a FIFO. Raises
    OSError (FileNotFoundError, PermissionError, :class:`NotRegularFile`, ...)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegularFile(f"{path} is {describe_mode(mode)}, not a regular file")
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "rb")


def read_bounded(path: Path | str, field: str, limit: int = MIB) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes, or InputError(field).
    Never reads more than ``limit + 1`` bytes."""
    try:
        with open_regular(path) as fh:
            # Asked for what the file holds, not for ``limit + 1`` at once: a buffer of the
            # limit (1 MiB; the snapshot's 4 MiB) made and cut for every small file cost
            # every command-line call about half a millisecond (issue 26). A file that grew
            # since (or a size the system does not tell: 0) is read on, still bounded.
            size = os.fstat(fh.fileno()).st_size
            data = fh.read(min(size, limit) + 1)
            if size < len(data) <= limit:
                data += fh.read(limit + 1 - len(data))
    except NotRegularFile as exc:
        raise InputError.for_field(field, str(exc)) from None
    except OSError as exc:
        raise InputError.for_field(field, f"{path} cannot be read: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise InputError.for_field(field, f"{path} is larger than {_size(limit)}")
    return data


def read_package_files(
    folder: Traversable, suffix: str, limit: int = MIB
) -> list[tuple[str, bytes]]:
    """The ``*suffix`` files of a package folder, sorted by name, each at most ``limit``
    bytes; InputError naming the file (its name is the field) otherwise.

    On disk each goes through :func:`read_bounded` (regular files only, so a FIFO or a
    link to a device among the program's own files is refused without waiting or reading);
    inside an archive (a zip import) an entry is read at most ``limit + 1`` bytes."""
    found: list[tuple[str, bytes]] = []
    for entry in sorted(folder.iterdir(), key=lambda f: f.name):
        if entry.name.endswith(suffix):
            found.append((entry.name, read_package_entry(entry, limit)))
    return found


def read_package_entry(entry: Traversable, limit: int = MIB) -> bytes:
    """One file of a package (on disk or in an archive), read bounded; InputError naming
    it otherwise."""
    if isinstance(entry, Path):
        return read_bounded(entry, entry.name, limit)
    try:
        with entry.open("rb") as fh:
            data: bytes = fh.read(limit + 1)
    except OSError as exc:
        raise InputError.for_field(entry.name, f"cannot be read: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise InputError.for_field(entry.name, f"is larger than {_size(limit)}")
    return data


def describe_mode(mode: int) -> str:
    """What a file of this mode is, in words ("a pipe (FIFO)", "a device", ...)."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a plain file"


def decode(raw: bytes, field: str, kind: str = "text") -> str:
    """UTF-8 text (a leading byte-order mark is dropped), or InputError(field)."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError.for_field(
            field, f"is not valid {kind} (not UTF-8: byte {exc.start} cannot be read)"
        ) from None


def read_text(path: Path | str, field: str, limit: int = MIB) -> str:
    """A regular UTF-8 text file of at most ``limit`` bytes, or InputError(field)."""
    return decode(read_bounded(path, field, limit), field)


def read_stream(stream: BinaryIO, field: str = "input", limit: int = MIB) -> bytes:
    """At most ``limit`` bytes of a stream (standard input); a longer one is refused
    before anything parses it. Never reads more than ``limit + 1`` bytes."""
    chunks: list[bytes] = []
    got = 0
    while got <= limit:
        chunk = stream.read(limit + 1 - got)
        if not chunk:
            break
        chunks.append(chunk)
        got += len(chunk)
    if got > limit:
        raise InputError.for_field(field, f"is larger than {_size(limit)}")
    return b"".join(chunks)


def bounded_lines(stream: BinaryIO, limit: int = MIB) -> Iterator[bytes | _TooLong]:
    """The lines of a stream (JSON Lines), each with its line ending as read.

    ``limit`` bounds a line's content: its line ending (``\\n`` or ``\\r\\n``) is not
    counted, so a line holds as much as the single command accepts on standard input. A
    longer line is yielded once as :data:`TOO_LONG` and the rest of it is skipped in
    pieces, so memory stays bounded whatever the input.
    """
    while True:
        line = stream.readline(limit + 2)
        if not line:
            return
        if len(line_content(line)) > limit:
            while line and not line.endswith(b"\n"):
                line = stream.readline(1 << 16)
            yield TOO_LONG
            continue
        yield line


def line_content(line: bytes) -> bytes:
    """A line without its ending (``\\n`` or ``\\r\\n``)."""
    if line.endswith(b"\n"):
        line = line[:-1]
        if line.endswith(b"\r"):
            line = line[:-1]
    return line


# TOML strings and comments, removed before brackets are counted so that a bracket inside
# them is not counted. An unclosed string runs to the end of its line, where the parser
# refuses it, so nothing after it is ever parsed. Possessive quantifiers keep the scan one
# forward pass (no backtracking on hostile text).
_TOML_STRINGS = re.compile(
    rb'"""(?:[^"\\]++|\\.|"(?!""))*+(?:"""(?:""?)?)?'
    rb"|'''(?:[^']++|'(?!''))*+(?:'''(?:''?)?)?"
    rb'|"(?:[^"\\\n]++|\\.)*+"?'
    rb"|'[^'\n]*+'?"
    rb"|#[^\n]*+",
    re.DOTALL,
)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_SAME_BRACKETS = bytes.maketrans(b"{}", b"[]")
_STEP = [0] * 256
_STEP[ord("[")] = 1
_STEP[ord("]")] = -1


def _outside_json_strings(raw: bytes) -> bytes:
    # Escapes first (left to right, as the parser reads them), then every other quote
    # opens or closes a string: bytes operations only, in C, however hostile the text.
    cleaned = raw.replace(b"\\\\", b"").replace(b'\\"', b"")
    return b"".join(cleaned.split(b'"')[::2])


def check_depth(
    data: str | bytes, field: str, kind: Kind = "JSON", max_depth: int = MAX_DEPTH
) -> None:
    """Refuse text whose arrays/objects (JSON) or arrays/inline tables (TOML) nest deeper
    than ``max_depth``. Linear in the text and never recursive (byte operations and one
    regex, in C); conservative: an unclosed string only makes it count more, and the
    parser refuses what is left."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    # Fast path: no more opening brackets than the limit, whatever the strings hold.
    if raw.count(b"[") + raw.count(b"{") <= max_depth:
        return
    outside = _outside_json_strings(raw) if kind == "JSON" else _TOML_STRINGS.sub(b"", raw)
    brackets = outside.translate(_SAME_BRACKETS, _NOT_BRACKETS)
    # Running depth, stopping at the first level too deep: iterators chained in C.
    too_deep = next(filter(max_depth.__lt__, accumulate(map(_STEP.__getitem__, brackets))), None)
    if too_deep is not None:
        raise InputError.for_field(
            field, f"is not valid {kind}: nested more than {max_depth} levels deep"
        )


def _nonfinite(name: str) -> float:
    # Parsed, not refused here, so that the model refuses it naming the field.
    return float(name.replace("Infinity", "inf"))


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"the key {key!r} appears twice")
        out[key] = value
    return out


def _bounded_text(data: str | bytes, field: str, limit: int, kind: Literal["JSON", "TOML"]) -> str:
    """The text of ``data`` once its size (``limit`` bytes), encoding and nesting depth
    are checked, before any parser sees it; InputError(field) otherwise."""
    raw = data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass")
    if len(raw) > limit:
        raise InputError.for_field(field, f"is larger than {_size(limit)}")
    text = decode(raw, field, kind) if isinstance(data, bytes) else data
    check_depth(raw, field, kind)
    return text


def parse_json(data: str | bytes, field: str = "input", limit: int = MIB) -> Any:
    """Parse JSON of at most ``limit`` bytes and :data:`MAX_DEPTH` levels; repeated keys are
    refused; NaN and Infinity become floats (a model refuses them naming the field)."""
    text = _bounded_text(data, field, limit, "JSON")
    try:
        return json.loads(text, parse_constant=_nonfinite, object_pairs_hook=_no_duplicate_keys)
    except ValueError as exc:  # json.JSONDecodeError is a ValueError
        raise InputError.for_field(field, f"is not valid JSON: {exc}") from None


def parse_toml(data: str | bytes, field: str, limit: int = MIB) -> dict[str, Any]:
    """Parse TOML of at most ``limit`` bytes and :data:`MAX_DEPTH` levels (arrays, inline
    tables and dotted keys alike)."""
    text = _bounded_text(data, field, limit, "TOML")
    try:
        value = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError.for_field(field, f"is not valid TOML: {exc}") from None
    # Dotted keys (a.b.c...) and table headers nest without brackets: checked on the result.
    check_value_depth(value, field)
    return value


def check_value_depth(value: Any, field: str, max_depth: int = MAX_DEPTH) -> None:
    """Refuse a parsed value (dicts and lists) nested deeper than ``max_depth``; iterative."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list | tuple):
            children = item
        else:
            continue
        if depth > max_depth:
            raise InputError.for_field(field, f"is nested more than {max_depth} levels deep")
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))


def read_json_file(path: Path | str, field: str, limit: int = MIB) -> Any:
    """A JSON file (case, autosave, profile), bounded in size and depth, or InputError."""
    return parse_json(read_bounded(path, field, limit), field, limit)


def read_toml_file(path: Path | str, field: str, limit: int = MIB) -> dict[str, Any]:
    """A TOML file (settings, profile), bounded in size and depth, or InputError."""
    return parse_toml(read_bounded(path, field, limit), field, limit)


def fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (where the platform can open a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # some platforms cannot open a folder; the rename is then as good as it gets
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes, *, sync_folder: bool = True) -> None:
    """Write a file whole or not at all: temporary file, fsync, rename, fsync the folder.

    The temporary name is unique per process, thread and call, so two writers never share
    it; on failure it is removed and the old file is left as it was. Raises OSError.
    ``sync_folder=False`` skips the folder's fsync where losing the rename in a power cut
    is harmless (the old file, whole, stays).
    """
    tmp = path.with_name(
        f".{path.name}.{os.getpid()}.{threading.get_ident()}.{uuid.uuid4().hex[:12]}.tmp"
    )
    try:
        with open(tmp, "xb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    if sync_folder:
        fsync_folder(path.parent)
