"""`crs-calc --self-test`: every worked example, the offscreen GUI, and its failure modes."""

from __future__ import annotations

import contextlib
import dataclasses
import re
import socket
from io import StringIO
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage

from calculator.rulebook import snapshot
from ui.shell import selftest

#: examples.md: every worked example the self-test must carry.
EXAMPLE_IDS = (
    {f"C{i}" for i in range(1, 11)}
    | {f"I{i}" for i in range(1, 11)}
    | {f"T{i}" for i in range(1, 7)}
    | {f"S{i}" for i in range(1, 5)}
    | {"P1", "P2"}
    | {f"M{i}" for i in range(1, 6)}
)


def _core_report(*examples: selftest.Example, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(selftest, "EXAMPLES", examples)
    out = StringIO()
    selftest.check_core(selftest.Report(out))
    return out.getvalue()


def test_every_worked_example_is_embedded() -> None:
    assert {ex.id for ex in selftest.EXAMPLES} >= EXAMPLE_IDS
    assert all(ex.checks for ex in selftest.EXAMPLES)


def test_self_test_from_source_passes_and_renders_each_tool(qapp) -> None:  # type: ignore[no-untyped-def]
    out = StringIO()
    code = selftest.run(out)
    text = out.getvalue()
    assert code == 0, text
    assert re.search(r"^self-test: [1-9]\d* passed, 0 failed, \d+ skipped$", text, re.M), text
    for ex in selftest.EXAMPLES:
        assert re.search(rf"^(ok|skip)\s+{re.escape(ex.id)} {ex.command}", text, re.M), ex.id
    for tool in ("grading", "dose", "taper"):
        assert re.search(rf"^ok\s+gui: render {tool}: \d+x\d+$", text, re.M), text
    assert "ok    no network: no socket was opened" in text


def test_a_wrong_expectation_is_a_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    c1 = next(ex for ex in selftest.EXAMPLES if ex.id == "C1")
    text = _core_report(
        dataclasses.replace(c1, checks=(selftest.grade(2),)), monkeypatch=monkeypatch
    )
    assert "FAIL  C1 grade-crs: grade 3, expected 2" in text


def test_refused_input_is_a_failure_with_the_exit_code(monkeypatch: pytest.MonkeyPatch) -> None:
    bad = selftest.Example("X1", "grade-crs", {"temperature_c": "hot"}, (selftest.grade(0),))
    text = _core_report(bad, monkeypatch=monkeypatch)
    assert text.startswith("FAIL  X1 grade-crs: exit 2")
    assert "temperature_c" in text


def test_a_command_not_built_is_skipped_not_passed(monkeypatch: pytest.MonkeyPatch) -> None:
    missing = selftest.Example("X2", "no-such-command", {}, (selftest.grade(0),))
    monkeypatch.setattr(selftest, "EXAMPLES", (missing,))
    report = selftest.Report(StringIO())
    selftest.check_core(report)
    assert (report.passed, report.failed, report.skipped) == (0, 0, 1)
    assert "skip  X2 no-such-command: command not built" in report.out.getvalue()  # type: ignore[attr-defined]


def test_action_checks_read_code_strength_and_fields() -> None:
    result = {"actions": [{"code": "dexamethasone", "strength": "give", "every_h": 6}]}
    assert selftest.action("dexamethasone", "give", every_h=6)(result) is None
    assert selftest.action("dexamethasone", every_h=12)(result) is not None
    assert selftest.no_action("dexamethasone", "give")(result) is not None
    assert selftest.no_action("tocilizumab", "give")(result) is None
    assert selftest.any_action("methylprednisolone", "dexamethasone")(result) is None


def test_blank_images_are_caught(qapp) -> None:  # type: ignore[no-untyped-def]
    image = QImage(64, 48, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    assert selftest._blank(image)
    assert selftest._blank(QImage())
    image.setPixelColor(63, 47, QColor("black"))
    assert not selftest._blank(image)


def test_no_network_refuses_every_socket_and_restores() -> None:
    original = socket.socket
    with selftest.no_network() as attempts:
        with pytest.raises(selftest.NetworkBlockedError):
            socket.socket()
        with pytest.raises(OSError, match="never opens a socket"):
            socket.create_connection(("127.0.0.1", 9))
    assert [a.split("(")[0] for a in attempts] == ["socket", "create_connection"]
    assert socket.socket is original


def test_a_socket_attempt_fails_the_self_test(monkeypatch: pytest.MonkeyPatch) -> None:
    def gui_that_phones_home(report: selftest.Report) -> None:
        with contextlib.suppress(OSError):
            socket.create_connection(("127.0.0.1", 9))
        report.ok("gui: stand-in")

    monkeypatch.setattr(selftest, "check_gui", gui_that_phones_home)
    out = StringIO()
    assert selftest.run(out) == 1
    assert "FAIL  no network: 1 socket attempts" in out.getvalue()


def test_the_self_test_flag_of_the_app_runs_it(monkeypatch: pytest.MonkeyPatch) -> None:
    from ui.shell import app

    monkeypatch.setattr(selftest, "run", lambda out=None: 7)
    assert app.main(["--self-test"]) == 7


def _ruleset_report() -> str:
    out = StringIO()
    selftest.check_ruleset(selftest.Report(out))
    return out.getvalue()


def test_the_ruleset_snapshot_is_checked() -> None:
    assert _ruleset_report().startswith(
        "ok    ruleset snapshot: used at start-up, equal to full validation: ruleset 20"
    )


def test_a_stale_or_missing_ruleset_snapshot_is_a_failure(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(snapshot, "snapshot_path", lambda: tmp_path / "none.snapshot")
    text = _ruleset_report()
    assert text.startswith("FAIL  ruleset snapshot: used at start-up")
    assert "none.snapshot is missing or does not match the data" in text
