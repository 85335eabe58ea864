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

import contextlib
import errno
import hashlib
import json
import os
import re
import stat
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO, Literal

from pydantic import Field, ValidationError

from calculator.edge.errors import InputError
from calculator.edge.inputs import LocalDateTime
from calculator.edge.safe_io import (
    MIB,
    NotRegularFile,
    describe_mode,
    fsync_folder,
    open_regular,
    parse_json,
    write_atomic,
)
from calculator.rulebook import FrozenModel

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

GENESIS = "0" * 64
HEAD_SUFFIX = ".head"
LOCK_SUFFIX = ".lock"
LOCK_TIMEOUT_S = 10.0
MAX_LINE = MIB  # one entry is a few hundred bytes; a longer line is damage
HEAD_LIMIT = 4096
_HEX64 = re.compile(r"[0-9a-f]{64}")
_SEQ = re.compile(r"[0-9]{1,18}")
LOG_FORMAT = "crs-calc-audit/1"

Event = Literal["print", "export", "verify", "log_set_aside", "episode"]
ProblemKind = Literal[
    "malformed",
    "edited",
    "out_of_sequence",
    "partial_line",
    "truncated",
    "head_missing",
    "head_malformed",
    "anchor_missing",
    "anchor_mismatch",
]


class AuditLogError(Exception):
    """The entry was not logged: the log could not be written, is busy, or its end is
    damaged. ``str(err)`` is one plain sentence for the user."""


class AuditLogUnreadable(AuditLogError):
    """The log itself cannot be opened or read (a folder where the log should be, no
    permission): nothing is wrong with its contents, so it is not to be set aside."""


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
    size: int | None = Field(default=None, ge=0, strict=True)  # log bytes at this head


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
    anchor: str | None = None  # SEQ:HASH checked with --anchor
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


def lock_path(log: Path) -> Path:
    return log.with_name(log.name + LOCK_SUFFIX)


def _busy(log: Path) -> AuditLogError:
    return AuditLogError(
        f"The audit log {log.name} is busy (another writer held it for more than "
        f"{LOCK_TIMEOUT_S:g} s); the record was not logged."
    )


@contextlib.contextmanager
def _locked(log: Path) -> Iterator[None]:
    """Hold the log's lock (``<log>.lock``): one appender at a time, across processes and
    threads. POSIX: ``flock`` on a descriptor opened per acquisition (so two threads of one
    process exclude each other too), polled up to LOCK_TIMEOUT_S; about 20 µs uncontended.
    Elsewhere: the ``filelock`` package. A lock file is never deleted (no inode races)."""
    if fcntl is None:  # pragma: no cover - Windows
        yield from _filelock(log)
        return
    try:
        # O_NONBLOCK: a FIFO put in the lock's place must not block the open.
        fd = os.open(lock_path(log), os.O_RDWR | os.O_CREAT | getattr(os, "O_NONBLOCK", 0), 0o644)
    except OSError as exc:
        raise AuditLogError(_cannot_write(log, exc)) from None
    try:
        deadline = time.monotonic() + LOCK_TIMEOUT_S
        pause = 0.0005
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise _busy(log) from None
                time.sleep(pause)
                pause = min(pause * 2, 0.01)
            except OSError as exc:
                raise AuditLogError(_cannot_write(log, exc)) from None
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _filelock(log: Path) -> Iterator[None]:  # pragma: no cover - Windows
    from filelock import FileLock, Timeout

    lock = FileLock(
        lock_path(log), timeout=LOCK_TIMEOUT_S, poll_interval=0.002, preserve_lock_file=True
    )
    try:
        lock.acquire()
    except Timeout:
        raise _busy(log) from None
    except OSError as exc:
        raise AuditLogError(_cannot_write(log, exc)) from None
    try:
        yield
    finally:
        lock.release()


def _cannot_write(log: Path, exc: OSError) -> str:
    reason = exc.strerror or exc
    return f"The audit log {log} could not be written ({reason}); the record was not logged."


def _last_line(fh: BinaryIO, size: int, log: Path) -> bytes:
    """The last line (without its newline) of a log ending in a newline, read backwards
    from the end: O(length of that line), not O(length of the log)."""
    pos = size - 1  # the final newline, left out
    buf = b""
    while pos > 0:
        start = max(0, pos - (1 << 16))
        fh.seek(start)
        buf = fh.read(pos - start) + buf
        pos = start
        cut = buf.rfind(b"\n")
        if cut >= 0:
            return buf[cut + 1 :]
        if len(buf) > MAX_LINE:
            raise AuditLogError(
                f"The last line of the audit log {log.name} is longer than {MAX_LINE} bytes "
                "(damaged): check it with audit-verify."
            )
    return buf


def _chain_end(log: Path) -> tuple[int, str, int]:
    """(entries, sha256 of the last line, size in bytes) of the log, for the next append.

    The head sidecar answers when it records the log's current size (the usual case: no
    log read at all); otherwise (an older head, or a write interrupted before the head was
    updated) the last line is read from the end of the file. Call with the lock held.

    The one place :func:`head` and :func:`append` read the log: a log that cannot be read
    (a folder where the log should be, no permission) is an AuditLogError in words, never
    a raw OSError. An unreadable head sidecar is not an error here: the log's last line
    answers instead.
    """
    try:
        return _read_chain_end(log)
    except OSError as exc:
        reason = exc.strerror or exc
        raise AuditLogUnreadable(
            f"The audit log {log} could not be read ({reason}): it must be a file this "
            "user can read and write."
        ) from None


def _read_chain_end(log: Path) -> tuple[int, str, int]:
    try:
        info = os.stat(log)
    except FileNotFoundError:
        return 0, GENESIS, 0
    if not stat.S_ISREG(info.st_mode):  # a FIFO or a device has no chain: never read it
        raise _not_a_file(log, describe_mode(info.st_mode))
    size = info.st_size
    if size == 0:
        return 0, GENESIS, 0
    head, _ = _read_head(log)
    if head is not None and head.size == size:
        return head.count, head.sha256, size
    try:
        opened = open_regular(log)
    except NotRegularFile as exc:
        raise _not_a_file(log, describe_mode(os.stat(log).st_mode)) from exc
    with opened as fh:
        fh.seek(size - 1)
        if fh.read(1) != b"\n":
            raise AuditLogError(
                f"The audit log {log.name} ends in the middle of a line: check it with "
                "audit-verify."
            )
        last = _last_line(fh, size, log)
    try:
        seq = parse_json(last, "audit log").get("seq")
    except (InputError, AttributeError):
        seq = None
    if not isinstance(seq, int) or seq < 1:
        raise AuditLogError(
            f"The last line of the audit log {log.name} is not an entry (damaged): check "
            "it with audit-verify."
        )
    return seq, line_sha256(last), size


def head(log: Path) -> tuple[int, str]:
    """The chain head now: (sequence number of the last entry, its line's sha256), or
    ``(0, GENESIS)`` for an empty or absent log. Print it on every record (the anchor that
    ``audit-verify LOG --anchor SEQ:HASH`` checks later). Reads the head sidecar, or the
    log's last line when the sidecar is behind; never the whole log.

    Raises AuditLogError when the log's end is damaged.
    """
    with _locked(log):
        seq, sha, _ = _chain_end(log)
    return seq, sha


def format_anchor(seq: int, sha256: str) -> str:
    """The anchor as written on records and given to ``--anchor``: ``SEQ:HASH``."""
    return f"{seq}:{sha256}"


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
    """Append one entry (time passed in) and update the chain head; returns the entry.

    Serialized by a file lock across processes and threads; O(1) in the log's length (the
    head sidecar gives the previous hash and sequence). Raises :class:`AuditLogError`
    (one plain sentence: ``str(err)``) when the entry could not be written; the log is
    then as it was (a partly written line is cut off again). Once the line is written and
    synced the entry counts as logged, even if the head could not be updated (the next
    append repairs it from the log's last line), so a retry never logs it twice.
    """
    try:
        log.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise AuditLogError(_cannot_write(log, exc)) from None
    with _locked(log):
        count, prev, size = _chain_end(log)
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
        _append_line(log, line, size)
        new_head = ChainHead(count=entry.seq, sha256=line_sha256(line), size=size + len(line))
        # Not fatal: the entry is in the log; a stale head is repaired by the next append.
        with contextlib.suppress(OSError):
            # An older head after a power cut is repaired like a stale one: no folder fsync.
            write_atomic(
                head_path(log), (new_head.model_dump_json() + "\n").encode(), sync_folder=False
            )
    return entry


def _not_a_file(log: Path, what: str) -> AuditLogUnreadable:
    return AuditLogUnreadable(
        f"The audit log {log} could not be read or written: it is {what}, not a regular "
        "file. Nothing was written to it; the record was not logged."
    )


def _open_for_append(log: Path) -> int:
    """The log opened for appending, checked on the open descriptor at every write: a FIFO
    or a device put where the log was (even while the app runs) is refused with
    AuditLogUnreadable, never written to and never waited for (O_NONBLOCK: opening a FIFO
    nobody reads fails at once instead of blocking)."""
    flags = (
        os.O_WRONLY
        | os.O_APPEND
        | os.O_CREAT
        | getattr(os, "O_NONBLOCK", 0)
        | getattr(os, "O_BINARY", 0)
    )
    try:
        fd = os.open(log, flags, 0o644)
    except OSError as exc:
        if exc.errno == errno.ENXIO:  # a FIFO with no reader, or a device with nothing behind
            raise _not_a_file(log, "a pipe (FIFO) or a device") from None
        raise AuditLogError(_cannot_write(log, exc)) from None
    try:
        mode = os.fstat(fd).st_mode
    except OSError as exc:
        os.close(fd)
        raise AuditLogError(_cannot_write(log, exc)) from None
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise _not_a_file(log, describe_mode(mode))
    return fd


def _append_line(log: Path, line: bytes, size: int) -> None:
    fd = _open_for_append(log)
    try:
        written = 0
        while written < len(line):
            written += os.write(fd, line[written:])
        os.fsync(fd)
        if size == 0:  # a new log: its name must survive a power cut too
            fsync_folder(log.parent)
    except OSError as exc:
        # A full disk may have taken part of the line: cut it off so the log stays whole.
        with contextlib.suppress(OSError):
            os.ftruncate(fd, size)
        raise AuditLogError(_cannot_write(log, exc)) from None
    finally:
        os.close(fd)


def _read_head(log: Path) -> tuple[ChainHead | None, ChainProblem | None]:
    path = head_path(log)
    try:
        with open_regular(path) as fh:
            raw = fh.read(HEAD_LIMIT + 1)
    except FileNotFoundError:
        return None, None
    except OSError as exc:
        return None, ChainProblem(
            line=0,
            kind="head_malformed",
            message=f"the chain head {path.name} cannot be read ({exc.strerror or exc})",
        )
    try:
        if len(raw) > HEAD_LIMIT:
            raise ValueError("too long")
        return ChainHead.model_validate_json(raw), None
    except ValueError:  # pydantic's ValidationError is a ValueError
        return None, ChainProblem(
            line=0, kind="head_malformed", message=f"the chain head {path.name} is unreadable"
        )


def _parse(line: bytes) -> AuditEntry | str:
    try:
        data = parse_json(line, "line", MAX_LINE)
    except InputError as err:
        return f"is not an audit entry ({err.fields[0].message if err.fields else err})"
    if not isinstance(data, dict):
        return "is not a JSON object"
    try:
        entry = AuditEntry.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False, include_input=False)[0]
        where = ".".join(str(p) for p in first["loc"]) or "entry"
        return f"is not an audit entry ({where}: {first['msg']})"
    if encode_entry(entry) != line:
        return "is not in the canonical form the log writes (it was rewritten by hand)"
    return entry


def parse_anchor(text: str) -> tuple[int, str]:
    """``SEQ:HASH`` (as printed on a record) -> (seq, sha256), or InputError("anchor")."""
    seq, sep, sha = text.strip().partition(":")
    # ASCII digits only, and not more than a log could count: str.isdigit() takes "²" and
    # int() then fails, and int() refuses 4,300 digits or more (both were exit 70).
    if not sep or not _SEQ.fullmatch(seq) or not _HEX64.fullmatch(sha.lower()):
        raise InputError.for_field(
            "anchor",
            "must be SEQ:HASH as printed on a record (e.g. 12:3fa9...): SEQ at most 18 "
            "digits 0-9, HASH 64 hex digits",
        )
    return int(seq), sha.lower()


def verify_chain(log: Path, anchor: tuple[int, str] | None = None) -> ChainReport:
    """Check the chain and the head; name the first bad entry (line and why). With an
    ``anchor`` (seq, sha256) taken from a record, also check that entry ``seq`` is still
    the one the record saw (closes the gap of a log edited and re-chained).

    Reads the log once, line by line (each line at most 1 MiB), keeping only the hashes
    it needs. Raises OSError if the log cannot be opened (FileNotFoundError if absent,
    ``safe_io.NotRegularFile`` for a FIFO or device).
    """
    name = str(log)
    head, head_problem = _read_head(log)
    wanted = {head.count if head else 0, anchor[0] if anchor else 0} - {0}
    hashes: dict[int, str] = {}
    with open_regular(log) as fh:
        prev = GENESIS
        prev_line = 0
        number = 0

        def bad(
            line: int, kind: ProblemKind, message: str, unfinished: bool = False
        ) -> ChainReport:
            # An over-long line was read only in part: its own end is still ahead.
            rest = _count_lines(fh) - unfinished
            return ChainReport(
                ok=False,
                log=name,
                entries=number + rest,
                first_bad=ChainProblem(line=line, kind=kind, message=message),
            )

        while line := fh.readline(MAX_LINE + 1):
            number += 1
            if len(line) > MAX_LINE:
                return bad(
                    number,
                    "malformed",
                    f"line {number} is longer than {MAX_LINE} bytes (damaged)",
                    unfinished=True,
                )
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
                    f"line {prev_line} was changed after it was written, or line {number}'s "
                    f"link was: line {number}'s prev_sha256 does not match line {prev_line}",
                )
            prev = line_sha256(line)
            prev_line = number
            if number in wanted:
                hashes[number] = prev
    entries = number
    report = _check_head(name, entries, head, head_problem, hashes)
    if anchor is None or not report.ok:
        return report
    return _check_anchor(report, anchor, hashes)


def _count_lines(fh: BinaryIO) -> int:
    """Lines left from the current position (a last line without newline counts)."""
    count = 0
    last = b"\n"
    while chunk := fh.read(1 << 16):
        count += chunk.count(b"\n")
        last = chunk[-1:]
    return count + (last != b"\n")


def _check_head(
    name: str,
    entries: int,
    head: ChainHead | None,
    head_problem: ChainProblem | None,
    hashes: dict[int, str],
) -> ChainReport:
    if head_problem is not None:
        return ChainReport(ok=False, log=name, entries=entries, first_bad=head_problem)
    if head is None:
        if entries == 0:
            return ChainReport(ok=True, log=name, entries=0)
        return ChainReport(
            ok=False,
            log=name,
            entries=entries,
            first_bad=ChainProblem(
                line=entries,
                kind="head_missing",
                message=f"the chain head {Path(name).name}{HEAD_SUFFIX} is missing: a removed "
                "tail cannot be ruled out",
            ),
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
    at_head = GENESIS if head.count == 0 else hashes[head.count]
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


def _check_anchor(
    report: ChainReport, anchor: tuple[int, str], hashes: dict[int, str]
) -> ChainReport:
    seq, sha = anchor
    shown = format_anchor(seq, sha)
    if seq > report.entries:
        problem = ChainProblem(
            line=report.entries + 1,
            kind="anchor_missing",
            message=f"the anchor {shown} names entry {seq}, but the log holds "
            f"{report.entries}: entries were removed since that record was made",
        )
    elif hashes.get(seq, GENESIS) != sha:
        problem = ChainProblem(
            line=seq,
            kind="anchor_mismatch",
            message=f"entry {seq} is not the one the record saw (anchor {shown}): the log "
            f"was rewritten since then, and its chain recomputed",
        )
    else:
        return report.model_copy(update={"anchor": shown})
    return report.model_copy(update={"ok": False, "first_bad": problem, "anchor": shown})


def audit_verify(path: Path | None, anchor: str | None = None) -> ChainReport:
    """``audit-verify LOG [--anchor SEQ:HASH]``: the chain report, or InputError when
    there is no log to read or the anchor is not SEQ:HASH."""
    if path is None:
        raise InputError.for_field("path", "name the log file: audit-verify LOG")
    parsed = parse_anchor(anchor) if anchor is not None else None
    try:
        return verify_chain(path, parsed)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise InputError.for_field("path", f"cannot read {path}: {reason}") from None
