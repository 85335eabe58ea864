"""Tamper-evident audit log: hash chain, head sidecar, and ``audit-verify LOG``."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import threading
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from calculator.edge.cli import EXIT_FINDING, EXIT_OK, EXIT_REFUSED, run
from calculator.edge.safe_io import MIB
from calculator.records import audit as audit_module
from calculator.records.audit import (
    GENESIS,
    AuditEntry,
    AuditLogError,
    AuditLogUnreadable,
    ChainHead,
    append,
    encode_entry,
    format_anchor,
    head,
    head_path,
    line_sha256,
    verify_chain,
)

T0 = datetime(2026, 11, 21, 8, 0, 5)


def make_log(tmp_path: Path, n: int = 4) -> Path:
    log = tmp_path / "audit.jsonl"
    for i in range(n):
        append(
            log,
            at=T0 + timedelta(minutes=i),
            event="print" if i % 2 else "verify",
            record="handoff" if i % 2 else "verification",
            label=f"bed {i + 1}",
            record_sha256="ab" * 32,
            details={"ruleset": "2026.11.1", "n": i},
        )
    return log


def lines_of(log: Path) -> list[bytes]:
    return log.read_bytes().splitlines(keepends=True)


def test_entries_chain_to_the_previous_line(tmp_path: Path) -> None:
    log = make_log(tmp_path, 3)
    lines = lines_of(log)
    entries = [json.loads(line) for line in lines]
    assert entries[0]["prev_sha256"] == GENESIS
    assert entries[1]["prev_sha256"] == line_sha256(lines[0])
    assert entries[2]["prev_sha256"] == line_sha256(lines[1])
    assert [e["seq"] for e in entries] == [1, 2, 3]
    assert entries[0]["at"] == "2026-11-21T08:00:05"  # the time passed in, to the second
    assert entries[0]["label"] == "bed 1"
    head = json.loads(head_path(log).read_text())
    assert head == {"count": 3, "sha256": line_sha256(lines[2]), "size": len(b"".join(lines))}
    report = verify_chain(log)
    assert report.ok
    assert report.entries == 3
    assert report.first_bad is None


def test_label_is_stored_as_entered(tmp_path: Path) -> None:
    log = tmp_path / "a.jsonl"
    append(log, at=T0, event="export", record="handoff", label="  Bett 12 / Müller ")
    assert json.loads(log.read_text(encoding="utf-8"))["label"] == "  Bett 12 / Müller "
    assert verify_chain(log).ok


def test_edit_in_the_middle_names_the_edited_line(tmp_path: Path) -> None:
    log = make_log(tmp_path)
    lines = lines_of(log)
    lines[1] = lines[1].replace(b"bed 2", b"bed 9")
    log.write_bytes(b"".join(lines))
    report = verify_chain(log)
    assert not report.ok
    assert report.first_bad is not None
    assert (report.first_bad.line, report.first_bad.kind) == (2, "edited")


def test_edit_of_the_last_line_is_caught_by_the_head(tmp_path: Path) -> None:
    log = make_log(tmp_path)
    lines = lines_of(log)
    lines[-1] = lines[-1].replace(b"bed 4", b"bed 5")
    log.write_bytes(b"".join(lines))
    report = verify_chain(log)
    assert report.first_bad is not None
    assert (report.first_bad.line, report.first_bad.kind) == (4, "edited")


def test_reordered_lines(tmp_path: Path) -> None:
    log = make_log(tmp_path)
    lines = lines_of(log)
    lines[1], lines[2] = lines[2], lines[1]
    log.write_bytes(b"".join(lines))
    report = verify_chain(log)
    assert report.first_bad is not None
    assert (report.first_bad.line, report.first_bad.kind) == (2, "out_of_sequence")


def test_removed_middle_line(tmp_path: Path) -> None:
    log = make_log(tmp_path)
    lines = lines_of(log)
    del lines[1]
    log.write_bytes(b"".join(lines))
    report = verify_chain(log)
    assert report.first_bad is not None
    assert (report.first_bad.line, report.first_bad.kind) == (2, "out_of_sequence")
    assert "entries were removed, inserted or reordered" in report.first_bad.message


def test_removed_tail_is_detected_through_the_head(tmp_path: Path) -> None:
    log = make_log(tmp_path)
    log.write_bytes(b"".join(lines_of(log)[:2]))
    report = verify_chain(log)
    assert not report.ok
    assert report.first_bad is not None
    assert (report.first_bad.line, report.first_bad.kind) == (3, "truncated")
    assert "head records 4 entries, the file holds 2" in report.first_bad.message


def test_cut_mid_line(tmp_path: Path) -> None:
    log = make_log(tmp_path)
    data = log.read_bytes()
    log.write_bytes(data[:-20])
    report = verify_chain(log)
    assert report.first_bad is not None
    assert (report.first_bad.line, report.first_bad.kind) == (4, "partial_line")
    with pytest.raises(AuditLogError):
        append(log, at=T0, event="print", record="handoff")


def test_malformed_json_line(tmp_path: Path) -> None:
    log = make_log(tmp_path)
    lines = lines_of(log)
    lines[2] = b"{not json\n"
    log.write_bytes(b"".join(lines))
    report = verify_chain(log)
    assert report.first_bad is not None
    assert (report.first_bad.line, report.first_bad.kind) == (3, "malformed")


def test_rewritten_whitespace_is_named(tmp_path: Path) -> None:
    log = make_log(tmp_path, 2)
    lines = lines_of(log)
    lines[0] = json.dumps(json.loads(lines[0]), indent=None).encode() + b"\n"
    log.write_bytes(b"".join(lines))
    report = verify_chain(log)
    assert report.first_bad is not None
    assert (report.first_bad.line, report.first_bad.kind) == (1, "malformed")


def test_missing_head_is_not_ok(tmp_path: Path) -> None:
    log = make_log(tmp_path, 2)
    head_path(log).unlink()
    report = verify_chain(log)
    assert report.first_bad is not None
    assert report.first_bad.kind == "head_missing"


def test_entry_written_before_the_head_is_a_note_not_a_fault(tmp_path: Path) -> None:
    log = make_log(tmp_path, 2)
    old_head = head_path(log).read_bytes()
    append(log, at=T0, event="print", record="handoff")
    head_path(log).write_bytes(old_head)  # as if the process died between the two writes
    report = verify_chain(log)
    assert report.ok
    assert report.entries == 3
    assert "1 entry after the recorded head" in report.notes[0]


def test_a_forged_head_cannot_hide_an_edit(tmp_path: Path) -> None:
    log = make_log(tmp_path, 3)
    lines = lines_of(log)
    lines[0] = lines[0].replace(b"bed 1", b"bed 7")
    log.write_bytes(b"".join(lines))
    report = verify_chain(log)
    assert report.first_bad is not None
    assert (report.first_bad.line, report.first_bad.kind) == (1, "edited")


def test_cli_audit_verify(tmp_path: Path) -> None:
    log = make_log(tmp_path, 3)
    code, text = run(["audit-verify", str(log)], lambda: "")
    assert code == EXIT_OK
    assert json.loads(text)["ok"] is True
    log.write_bytes(b"".join(lines_of(log)[:1]))
    code, text = run(["audit-verify", str(log)], lambda: "")
    assert code == EXIT_FINDING
    result = json.loads(text)
    assert result["ok"] is False
    assert result["first_bad"]["kind"] == "truncated"
    assert result["first_bad"]["line"] == 2


def test_cli_audit_verify_refuses_without_a_readable_log(tmp_path: Path) -> None:
    code, text = run(["audit-verify"], lambda: "")
    assert code == EXIT_REFUSED
    assert json.loads(text)["error"]["fields"][0]["field"] == "path"
    code, text = run(["audit-verify", str(tmp_path / "nope.jsonl")], lambda: "")
    assert code == EXIT_REFUSED
    assert "cannot read" in json.loads(text)["error"]["message"]


def test_a_stray_path_is_refused_for_other_commands() -> None:
    code, text = run(["profiles", "extra"], lambda: "")
    assert code == EXIT_REFUSED
    assert "unexpected argument 'extra'" in text


def test_python_dash_m_audit_verify(tmp_path: Path) -> None:
    log = make_log(tmp_path, 2)
    done = subprocess.run(
        [sys.executable, "-m", "calculator", "audit-verify", str(log)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["entries"] == 2
    assert done.stderr == ""


# --- Issue 12: concurrent writers, O(1) appends, typed failures, the anchor ----------------

REPO = Path(__file__).resolve().parents[3]

WRITER = """
import sys
from datetime import datetime
from pathlib import Path
from calculator.records.audit import append
log, name, n = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
sys.stdin.readline()  # start together
for i in range(n):
    append(log, at=datetime(2026, 11, 21, 8, 0), event="print", record="handoff",
           label=f"{name}-{i}")
"""


def _labels(log: Path) -> list[str]:
    return [json.loads(line)["label"] for line in lines_of(log)]


@pytest.mark.parametrize("writers", [2, 4])
def test_concurrent_processes_lose_no_entry_and_write_none_twice(
    tmp_path: Path, writers: int
) -> None:
    log = tmp_path / "audit.jsonl"
    per_writer = 500
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(log), f"w{k}", str(per_writer)],
            cwd=REPO,
            stdin=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for k in range(writers)
    ]
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write(b"go\n")
        proc.stdin.close()
    for proc in procs:
        assert proc.stderr is not None
        with proc.stderr:
            err = proc.stderr.read()
        assert proc.wait(timeout=300) == 0, err.decode()
    labels = _labels(log)
    expected = {f"w{k}-{i}" for k in range(writers) for i in range(per_writer)}
    assert len(labels) == writers * per_writer
    assert set(labels) == expected  # every entry present, none twice (lengths agree)
    done = subprocess.run(
        [sys.executable, "-m", "calculator", "audit-verify", str(log)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout
    assert json.loads(done.stdout)["entries"] == writers * per_writer


def test_two_threads_appending_keep_the_chain(tmp_path: Path) -> None:
    log = tmp_path / "audit.jsonl"
    errors: list[BaseException] = []

    def write(name: str) -> None:
        try:
            for i in range(200):
                append(log, at=T0, event="export", record="handoff", label=f"{name}-{i}")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(name,)) for name in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(_labels(log)) == sorted(f"{n}-{i}" for n in "ab" for i in range(200))
    assert verify_chain(log).ok
    assert list(tmp_path.glob("*.tmp")) == []


class ReadMeter:
    """Bytes read from one file, whichever way the audit module reads it: its ``open`` and
    ``open_regular``, ``os.read``, ``Path.read_bytes``/``read_text``; on Linux also every
    byte the process read (``rchar`` of /proc/self/io), so a read path not spied on here
    still shows. A spy on which files are opened cannot see a whole log being read."""

    def __init__(self, path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.path = path.resolve()
        self.bytes = 0
        self.opened: list[str] = []
        self._rchar_start = _rchar()
        real_open, real_open_regular = open, audit_module.open_regular
        real_os_read, real_read_bytes = os.read, Path.read_bytes
        ino = os.stat(path).st_ino

        def counted(fh: Any, name: Any) -> Any:
            self.opened.append(Path(name).name)
            return _CountingReader(fh, self) if Path(name).resolve() == self.path else fh

        def spy_open(file: Any, *args: Any, **kwargs: Any) -> Any:
            return counted(real_open(file, *args, **kwargs), file)

        def spy_open_regular(file: Any) -> Any:
            return counted(real_open_regular(file), file)

        def spy_os_read(fd: int, n: int) -> bytes:
            data = real_os_read(fd, n)
            if os.fstat(fd).st_ino == ino:
                self.bytes += len(data)
            return data

        def spy_read_bytes(p: Path) -> bytes:
            data = real_read_bytes(p)
            if p.resolve() == self.path:
                self.bytes += len(data)
            return data

        monkeypatch.setattr(audit_module, "open", spy_open, raising=False)
        monkeypatch.setattr(audit_module, "open_regular", spy_open_regular)
        monkeypatch.setattr(os, "read", spy_os_read)
        monkeypatch.setattr(Path, "read_bytes", spy_read_bytes)
        monkeypatch.setattr(Path, "read_text", lambda p, *a, **k: spy_read_bytes(p).decode())

    def process_bytes(self) -> int | None:
        """All bytes the process read since the meter started (None off Linux)."""
        now = _rchar()
        return None if now is None or self._rchar_start is None else now - self._rchar_start


def _rchar() -> int | None:
    try:
        with open("/proc/self/io", "rb") as fh:
            fields = dict(line.split(b":", 1) for line in fh.read().splitlines())
    except OSError:
        return None
    return int(fields[b"rchar"])


class _CountingReader:
    """A binary file handle that adds every byte it hands out to ``meter.bytes``."""

    def __init__(self, fh: Any, meter: ReadMeter) -> None:
        self._fh, self._meter = fh, meter

    def _count(self, data: bytes) -> bytes:
        self._meter.bytes += len(data)
        return data

    def read(self, *args: Any) -> bytes:
        return self._count(self._fh.read(*args))

    def read1(self, *args: Any) -> bytes:
        return self._count(self._fh.read1(*args))

    def readline(self, *args: Any) -> bytes:
        return self._count(self._fh.readline(*args))

    def readlines(self, *args: Any) -> list[bytes]:
        return [self._count(line) for line in self._fh.readlines(*args)]

    def readinto(self, buf: Any) -> int:
        n: int = self._fh.readinto(buf)
        self._meter.bytes += n or 0
        return n

    def __iter__(self) -> Any:
        return (self._count(line) for line in self._fh)

    def __enter__(self) -> _CountingReader:
        self._fh.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._fh.__exit__(*exc)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._fh, name)


def big_log(tmp_path: Path, mib: int = 4) -> Path:
    """A valid chained log of ``mib`` MiB with an up-to-date head, written in one go (thousands
    of appends, each synced, would be slow): the size where reading it all would show."""
    log = tmp_path / "audit.jsonl"
    prev, lines = GENESIS, []
    while sum(map(len, lines)) < mib * MIB:
        line = encode_entry(
            AuditEntry(
                seq=len(lines) + 1,
                at=T0,
                event="print",
                record="handoff",
                label=f"bed {len(lines) + 1} " + "x" * 2000,
                prev_sha256=prev,
            )
        )
        lines.append(line)
        prev = line_sha256(line)
    data = b"".join(lines)
    log.write_bytes(data)
    chain_head = ChainHead(count=len(lines), sha256=prev, size=len(data))
    head_path(log).write_text(chain_head.model_dump_json() + "\n", encoding="utf-8")
    return log


def test_append_does_not_read_the_whole_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = big_log(tmp_path)
    size = log.stat().st_size
    count = head(log)[0]
    meter = ReadMeter(log, monkeypatch)
    append(log, at=T0, event="print", record="handoff")
    read, everything = meter.bytes, meter.process_bytes()
    monkeypatch.undo()
    assert read == 0  # the up-to-date head answers: not one byte of the log
    assert meter.opened == ["audit.jsonl.head"]  # the head sidecar only, never the log
    if everything is not None:  # nor by any other way of reading it
        assert everything < size // 8
    assert verify_chain(log).ok
    assert head(log) == (count + 1, line_sha256(lines_of(log)[-1]))


def test_append_after_a_stale_head_reads_only_the_last_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = big_log(tmp_path)
    count = head(log)[0]
    old_head = head_path(log).read_bytes()
    append(log, at=T0, event="print", record="handoff")
    head_path(log).write_bytes(old_head)  # the process died before the head was written
    last = lines_of(log)[-1]
    size = log.stat().st_size
    meter = ReadMeter(log, monkeypatch)
    entry = append(log, at=T0, event="print", record="handoff")
    read, everything = meter.bytes, meter.process_bytes()
    monkeypatch.undo()
    assert entry.seq == count + 2
    # The last line is read backwards in 64 KiB steps (plus the final newline's byte).
    assert 0 < read <= len(last) + 64 * 1024 + 1
    if everything is not None:
        assert everything < size // 8
    report = verify_chain(log)
    assert report.ok
    assert report.notes == ()


def test_head_of_an_absent_log_is_genesis(tmp_path: Path) -> None:
    assert head(tmp_path / "none.jsonl") == (0, GENESIS)


def test_failed_write_raises_one_typed_error_and_leaves_the_log_whole(tmp_path: Path) -> None:
    log = make_log(tmp_path, 2)
    before = log.read_bytes()
    log.chmod(0o444)
    try:
        if os.access(log, os.W_OK):
            pytest.skip("running as a user who can write read-only files")
        with pytest.raises(AuditLogError) as err:
            append(log, at=T0, event="export", record="handoff")
    finally:
        log.chmod(0o644)
    assert "could not be written" in str(err.value)
    assert "not logged" in str(err.value)
    assert log.read_bytes() == before


def test_log_folder_that_cannot_be_made_is_a_typed_error(tmp_path: Path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("a file where the folder should be", encoding="utf-8")
    with pytest.raises(AuditLogError) as err:
        append(blocker / "audit.jsonl", at=T0, event="export", record="handoff")
    assert "could not be written" in str(err.value)


def test_log_path_that_is_a_directory_is_a_typed_error(tmp_path: Path) -> None:
    log = tmp_path / "audit.jsonl"
    log.mkdir()  # a folder where the log file should be
    with pytest.raises(AuditLogUnreadable) as err:
        head(log)
    assert "could not be read" in str(err.value)
    assert str(log) in str(err.value)
    with pytest.raises(AuditLogError) as err:
        append(log, at=T0, event="export", record="handoff")
    assert "could not be read" in str(err.value)
    assert log.is_dir()
    assert not any(log.iterdir())


def test_sidecar_unreadable_falls_back_to_the_logs_last_line(tmp_path: Path) -> None:
    log = make_log(tmp_path, 2)
    last = line_sha256(lines_of(log)[-1])
    head_path(log).unlink()
    head_path(log).mkdir()  # the sidecar cannot be read as a file
    assert head(log) == (2, last)
    assert append(log, at=T0, event="print", record="handoff").prev_sha256 == last


def test_sidecar_unreadable_and_log_unreadable_is_a_typed_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = make_log(tmp_path, 2)
    before = log.read_bytes()
    head_path(log).unlink()
    head_path(log).mkdir()

    def denied(*_args: Any, **_kwargs: Any) -> Any:
        raise PermissionError(13, "Permission denied")

    # As root a chmod does not stop a read: the module's own opens are made to refuse.
    monkeypatch.setattr(audit_module, "open", denied, raising=False)
    monkeypatch.setattr(audit_module, "open_regular", denied)
    for call in (
        lambda: head(log),
        lambda: append(log, at=T0, event="export", record="handoff"),
    ):
        with pytest.raises(AuditLogError) as err:
            call()
        assert "could not be read (Permission denied)" in str(err.value)
    monkeypatch.undo()
    assert log.read_bytes() == before


def test_write_failure_on_a_full_disk_is_typed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A link to /dev/full is now refused as a device before anything is written (issue
    # 20), so the full disk is the write itself failing with ENOSPC.
    log = make_log(tmp_path, 2)
    before = log.read_bytes()

    def full(*_args: Any) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as m:
        m.setattr(audit_module.os, "write", full)
        with pytest.raises(AuditLogError) as err:
            append(log, at=T0, event="export", record="handoff")
    assert "No space left on device" in str(err.value)
    assert log.read_bytes() == before


def test_deeply_nested_audit_line_is_damage_not_recursion_error(tmp_path: Path) -> None:
    log = make_log(tmp_path, 2)
    lines = lines_of(log)
    lines.insert(1, b'{"details":' + b"[" * 200_000 + b"]" * 200_000 + b"}\n")
    log.write_bytes(b"".join(lines))
    report = verify_chain(log)
    assert report.first_bad is not None
    assert (report.first_bad.line, report.first_bad.kind) == (2, "malformed")
    assert "nested more than" in report.first_bad.message


def test_huge_audit_line_is_damage(tmp_path: Path) -> None:
    log = make_log(tmp_path, 2)
    with log.open("ab") as fh:
        fh.write(b'{"label": "' + b"x" * (2 * 1024 * 1024) + b'"}\n')
    report = verify_chain(log)
    assert report.first_bad is not None
    assert (report.first_bad.line, report.first_bad.kind) == (3, "malformed")
    assert report.entries == 3


def test_anchor_proves_the_log_still_holds_the_head(tmp_path: Path) -> None:
    log = make_log(tmp_path, 3)
    seq, sha = head(log)
    anchor = format_anchor(seq, sha)
    append(log, at=T0, event="print", record="handoff")  # later entries do not matter
    code, text = run(["audit-verify", str(log), "--anchor", anchor], lambda: "")
    assert code == EXIT_OK, text
    assert json.loads(text)["anchor"] == anchor


def test_anchor_catches_an_edit_with_the_chain_recomputed(tmp_path: Path) -> None:
    log = make_log(tmp_path, 3)
    anchor = format_anchor(*head(log))
    # The attack the chain alone cannot see: edit line 2, then rewrite every later link
    # and the head, as anyone with the file and this code can.
    entries = [json.loads(line) for line in lines_of(log)]
    entries[1]["label"] = "someone else"
    log.unlink()
    head_path(log).unlink()
    for e in entries:
        append(
            log,
            at=datetime.fromisoformat(e["at"]),
            event=e["event"],
            record=e["record"],
            label=e["label"],
            record_sha256=e["record_sha256"],
            details=e["details"],
        )
    assert verify_chain(log).ok  # the chain alone is fooled
    code, text = run(["audit-verify", str(log), "--anchor", anchor], lambda: "")
    assert code == EXIT_FINDING
    result = json.loads(text)
    assert result["first_bad"]["kind"] == "anchor_mismatch"
    assert result["first_bad"]["line"] == 3


def test_anchor_beyond_a_truncated_log(tmp_path: Path) -> None:
    log = make_log(tmp_path, 4)
    anchor = format_anchor(*head(log))
    kept = lines_of(log)[:2]
    log.unlink()
    head_path(log).unlink()
    for line in kept:  # a shorter log with a fresh, valid head
        e = json.loads(line)
        append(
            log,
            at=datetime.fromisoformat(e["at"]),
            event=e["event"],
            record=e["record"],
            label=e["label"],
            record_sha256=e["record_sha256"],
            details=e["details"],
        )
    code, text = run(["audit-verify", str(log), "--anchor", anchor], lambda: "")
    assert code == EXIT_FINDING
    assert json.loads(text)["first_bad"]["kind"] == "anchor_missing"


@pytest.mark.parametrize("anchor", ["", "3", "x:ab", "3:abc", "-1:" + "0" * 64])
def test_malformed_anchor_is_refused(tmp_path: Path, anchor: str) -> None:
    log = make_log(tmp_path, 1)
    code, text = run(["audit-verify", str(log), f"--anchor={anchor}"], lambda: "")
    assert code == EXIT_REFUSED
    assert json.loads(text)["error"]["fields"][0]["field"] == "anchor"


def test_anchor_only_with_audit_verify() -> None:
    code, text = run(["profiles", "--anchor", "1:" + "0" * 64], lambda: "")
    assert code == EXIT_REFUSED
    assert json.loads(text)["error"]["fields"][0]["field"] == "anchor"


def test_audit_log_that_is_a_fifo_is_refused(tmp_path: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    log = tmp_path / "audit.jsonl"
    os.mkfifo(log)
    code, text = run(["audit-verify", str(log)], lambda: "")
    assert code == EXIT_REFUSED
    assert "not a regular file" in json.loads(text)["error"]["message"]


# --- Issue 20: the log's file type is checked at every write ----------------------------------

posix_only = pytest.mark.skipif(os.name != "posix", reason="FIFOs and /dev/null are POSIX")


@posix_only
def test_a_log_linked_to_a_device_is_refused_not_written_into(tmp_path: Path) -> None:
    log = tmp_path / "audit.jsonl"
    append(log, at=T0, event="print", record="handoff")
    log.unlink()
    log.symlink_to(os.devnull)
    with pytest.raises(AuditLogUnreadable, match="it is a device, not a regular file"):
        append(log, at=T0, event="print", record="handoff")


@posix_only
def test_a_log_that_became_a_fifo_with_a_reader_is_refused(tmp_path: Path) -> None:
    log = tmp_path / "audit.jsonl"
    append(log, at=T0, event="print", record="handoff")
    log.unlink()
    os.mkfifo(log)
    reader = os.open(log, os.O_RDONLY | os.O_NONBLOCK)
    try:
        with pytest.raises(AuditLogUnreadable, match=r"it is a pipe \(FIFO\), not a regular file"):
            append(log, at=T0, event="export", record="handoff")
        with pytest.raises(AuditLogUnreadable, match="FIFO"):
            head(log)
        assert os.read(reader, 100) == b""  # nothing was written into the pipe
    finally:
        os.close(reader)


@posix_only
def test_a_log_that_became_a_fifo_nobody_reads_never_blocks_the_append(tmp_path: Path) -> None:
    # In a child with a time limit: the unguarded open of a FIFO blocks for ever.
    log = tmp_path / "audit.jsonl"
    append(log, at=T0, event="print", record="handoff")
    log.unlink()
    os.mkfifo(log)
    code = (
        "import sys; from datetime import datetime; from pathlib import Path\n"
        "from calculator.records.audit import AuditLogUnreadable, append\n"
        "try:\n"
        "    append(Path(sys.argv[1]), at=datetime(2026, 11, 21), event='print', record='x')\n"
        "except AuditLogUnreadable as err:\n"
        "    print(err)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(log)],
        cwd=Path(__file__).resolve().parents[3],
        capture_output=True,
        check=False,
        timeout=30,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr.decode()[-300:]
    assert "it is a pipe (FIFO)" in done.stdout.decode()
