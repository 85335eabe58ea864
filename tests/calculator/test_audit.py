"""Tamper-evident audit log: hash chain, head sidecar, and ``audit-verify LOG``."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from calculator.audit import (
    GENESIS,
    AuditLogError,
    append,
    head_path,
    line_sha256,
    verify_chain,
)
from calculator.cli import EXIT_FINDING, EXIT_OK, EXIT_REFUSED, run

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
    assert head == {"count": 3, "sha256": line_sha256(lines[2])}
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
