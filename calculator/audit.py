"""Tamper-evident audit log: append-only JSON lines chained by sha256.

Every record printed, exported or verified is appended as one line. Each line carries
``prev_sha256``, the sha256 of the previous line's exact bytes (without its newline);
the first line carries :data:`GENESIS`. Editing or reordering lines therefore breaks
the chain. A removed tail leaves a valid chain, so every append also writes the chain
head (entry count and last line's sha256) to a sidecar file ``<log>.head``, atomically;
a log shorter than its head has been truncated.

The time of each entry comes in as an argument: the core never reads the clock. No
patient identifier is required; a label is stored exactly as entered.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError

from calculator.errors import InputError
from calculator.inputs import LocalDateTime
from calculator.rulebook import FrozenModel

GENESIS = "0" * 64
HEAD_SUFFIX = ".head"
LOG_FORMAT = "crs-calc-audit/1"

Event = Literal["print", "export", "verify", "log_set_aside"]
ProblemKind = Literal[
    "malformed",
    "edited",
    "out_of_sequence",
    "partial_line",
    "truncated",
    "head_missing",
    "head_malformed",
]


class AuditLogError(Exception):
    """The log cannot take another entry (its last line is cut, or it cannot be written)."""


class AuditEntry(FrozenModel):
    format: Literal["crs-calc-audit/1"] = "crs-calc-audit/1"
    seq: int = Field(ge=1, strict=True)
    at: LocalDateTime
    event: Event
    record: str = Field(min_length=1)  # what kind: handoff, taper-checklist, verification ...
    label: str = ""  # as entered; never required
    record_sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    details: dict[str, Any] = Field(default_factory=dict)
    prev_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class ChainHead(FrozenModel):
    count: int = Field(ge=0, strict=True)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class ChainProblem(FrozenModel):
    line: int  # 1-based line of the first bad entry
    kind: ProblemKind
    message: str


class ChainReport(FrozenModel):
    ok: bool
    log: str
    entries: int
    first_bad: ChainProblem | None = None
    head: ChainHead | None = None
    notes: tuple[str, ...] = ()


def line_sha256(line: bytes) -> str:
    """The sha256 the next entry chains to: the line's exact bytes, without the newline."""
    return hashlib.sha256(line.rstrip(b"\n")).hexdigest()


def encode_entry(entry: AuditEntry) -> bytes:
    """One line of canonical JSON (sorted keys, no spaces), newline-terminated."""
    data = entry.model_dump(mode="json")
    data["at"] = entry.at.isoformat(timespec="seconds")
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8") + b"\n"


def head_path(log: Path) -> Path:
    return log.with_name(log.name + HEAD_SUFFIX)


def _fsync_dir(folder: Path) -> None:
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


def write_atomic(path: Path, data: bytes) -> None:
    """Write a file whole or not at all: temporary file, fsync, rename, fsync the folder."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def _tail(log: Path) -> tuple[int, str]:
    """(entries, sha256 of the last line) of an existing log, for the next append."""
    try:
        data = log.read_bytes()
    except FileNotFoundError:
        return 0, GENESIS
    if not data:
        return 0, GENESIS
    if not data.endswith(b"\n"):
        raise AuditLogError(f"{log} ends in the middle of a line: check it with audit-verify")
    lines = data.splitlines(keepends=True)
    return len(lines), line_sha256(lines[-1])


def append(
    log: Path,
    *,
    at: datetime,
    event: Event,
    record: str,
    label: str = "",
    record_sha256: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry (time passed in) and update the chain head. Returns the entry."""
    count, prev = _tail(log)
    entry = AuditEntry(
        seq=count + 1,
        at=at,
        event=event,
        record=record,
        label=label,
        record_sha256=record_sha256,
        details=details or {},
        prev_sha256=prev,
    )
    line = encode_entry(entry)
    try:
        log.parent.mkdir(parents=True, exist_ok=True)
        with open(log, "ab") as fh:
            fh.write(line)
            fh.flush()
            os.fsync(fh.fileno())
        head = ChainHead(count=entry.seq, sha256=line_sha256(line))
        write_atomic(head_path(log), (head.model_dump_json() + "\n").encode())
    except OSError as exc:
        raise AuditLogError(f"cannot write the audit log {log}: {exc.strerror or exc}") from None
    return entry


def _read_head(log: Path) -> tuple[ChainHead | None, ChainProblem | None]:
    path = head_path(log)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, None
    try:
        return ChainHead.model_validate_json(raw), None
    except ValidationError:
        return None, ChainProblem(
            line=0, kind="head_malformed", message=f"the chain head {path.name} is unreadable"
        )


def _parse(line: bytes) -> AuditEntry | str:
    try:
        data = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        return f"is not valid JSON ({exc})"
    if not isinstance(data, dict):
        return "is not a JSON object"
    try:
        entry = AuditEntry.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "entry"
        return f"is not an audit entry ({where}: {first['msg']})"
    if encode_entry(entry) != line:
        return "is not in the canonical form the log writes (it was rewritten by hand)"
    return entry


def verify_chain(log: Path) -> ChainReport:
    """Check the chain and the head; name the first bad entry (line and why).

    Raises FileNotFoundError if the log does not exist.
    """
    data = log.read_bytes()
    name = str(log)
    lines = data.splitlines(keepends=True)
    prev = GENESIS
    prev_line = 0

    def bad(line: int, kind: ProblemKind, message: str) -> ChainReport:
        return ChainReport(
            ok=False,
            log=name,
            entries=len(lines),
            first_bad=ChainProblem(line=line, kind=kind, message=message),
        )

    for number, line in enumerate(lines, 1):
        if not line.endswith(b"\n"):
            return bad(
                number,
                "partial_line",
                f"line {number} is cut short (no end of line): the log was truncated "
                "or a write was interrupted",
            )
        parsed = _parse(line)
        if isinstance(parsed, str):
            return bad(number, "malformed", f"line {number} {parsed}")
        if parsed.seq != number:
            return bad(
                number,
                "out_of_sequence",
                f"line {number} holds entry {parsed.seq}: entries were removed, inserted "
                "or reordered",
            )
        if parsed.prev_sha256 != prev:
            if number == 1:
                return bad(
                    1, "edited", "line 1 does not start the chain (prev_sha256 is not 0...0)"
                )
            return bad(
                prev_line,
                "edited",
                f"line {prev_line} was changed after it was written, or line {number}'s link "
                f"was: line {number}'s prev_sha256 does not match line {prev_line}",
            )
        prev = line_sha256(line)
        prev_line = number

    head, head_problem = _read_head(log)
    if head_problem is not None:
        return bad(head_problem.line, head_problem.kind, head_problem.message)
    entries = len(lines)
    if head is None:
        if entries == 0:
            return ChainReport(ok=True, log=name, entries=0)
        return bad(
            entries,
            "head_missing",
            f"the chain head {head_path(log).name} is missing: a removed tail cannot be ruled out",
        )
    if head.count > entries:
        return ChainReport(
            ok=False,
            log=name,
            entries=entries,
            head=head,
            first_bad=ChainProblem(
                line=entries + 1,
                kind="truncated",
                message=f"the log was truncated: the head records {head.count} entries, "
                f"the file holds {entries}; entries {entries + 1} to {head.count} are gone",
            ),
        )
    at_head = GENESIS if head.count == 0 else line_sha256(lines[head.count - 1])
    if at_head != head.sha256:
        return ChainReport(
            ok=False,
            log=name,
            entries=entries,
            head=head,
            first_bad=ChainProblem(
                line=head.count,
                kind="edited",
                message=f"line {head.count} was changed after it was written "
                "(it no longer matches the chain head)",
            ),
        )
    notes: tuple[str, ...] = ()
    if head.count < entries:
        notes = (
            f"{entries - head.count} entr{'y' if entries - head.count == 1 else 'ies'} after "
            "the recorded head (a write interrupted before the head was updated); "
            "the chain itself is intact",
        )
    return ChainReport(ok=True, log=name, entries=entries, head=head, notes=notes)


def audit_verify(path: Path | None) -> ChainReport:
    """``audit-verify LOG``: the chain report, or InputError when there is no log to read."""
    if path is None:
        raise InputError.for_field("path", "name the log file: audit-verify LOG")
    try:
        return verify_chain(path)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise InputError.for_field("path", f"cannot read {path}: {reason}") from None
