"""``crs-calc --self-test``: prove a build works, frozen or from source.

1. Every worked example of the product (examples.md C1-C10, I1-I10, T1-T6, S1-S4, P1-P2,
   M1-M5, expected values embedded below) runs through the core's JSON command line
   (``calculator.edge.cli.run``), exactly as a pharmacy script would call the frozen core. An
   example whose command is not in ``calculator.edge.cli.COMMANDS`` yet is reported as
   "skipped: command not built", never as passed.
2. The GUI starts offscreen, builds the main window, fills the grading wizard with the
   sample case, renders each tool to an in-memory image (must not be blank), and closes.
   Any Qt warning is a failure.
3. All of it runs with Python's socket creation patched to fail (the app never opens a
   socket), with settings and data in a throw-away folder (``CRS_CALC_HOME``).

Prints one line per check and a summary ``self-test: N passed, M failed, K skipped``;
returns 0 when nothing failed.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TextIO

Result = dict[str, Any]
Check = Callable[[Result], str | None]  # None when the result is right, else what is wrong

#: Qt messages that are expected headless (same list as pyproject's qt_log_ignore).
QT_IGNORED = ("This plugin does not support propagateSizeHints",)


class NetworkBlockedError(OSError):
    """Raised by every socket creation while :func:`no_network` is active."""


@contextlib.contextmanager
def no_network() -> Iterator[list[str]]:
    """Patch socket creation (socket.socket, create_connection, socketpair, getaddrinfo) to
    raise; yields the list of attempts made meanwhile (a caller treats any as a failure)."""
    attempts: list[str] = []

    def refuse(name: str) -> Callable[..., Any]:
        def _refused(*args: Any, **kwargs: Any) -> Any:
            attempts.append(f"{name}{args!r}")
            raise NetworkBlockedError(f"crs-calc never opens a socket ({name} refused)")

        return _refused

    names = ("socket", "create_connection", "socketpair", "getaddrinfo", "create_server")
    saved = {n: getattr(socket, n) for n in names}
    try:
        for n in names:
            setattr(socket, n, refuse(n))
        yield attempts
    finally:
        for n, original in saved.items():
            setattr(socket, n, original)


# --- the worked examples -------------------------------------------------------------------


@dataclass(frozen=True)
class Example:
    id: str
    command: str
    payload: dict[str, Any]
    checks: tuple[Check, ...]
    profile: str | None = None
    argv: tuple[str, ...] = field(default_factory=tuple)


def key(name: str, expected: Any) -> Check:
    def _check(r: Result) -> str | None:
        got = r.get(name)
        if isinstance(expected, float) and isinstance(got, int | float):
            return None if abs(got - expected) < 1e-6 else f"{name} {got!r}, expected {expected!r}"
        return None if got == expected else f"{name} {got!r}, expected {expected!r}"

    return _check


def grade(expected: int) -> Check:
    return key("grade", expected)


def mentions(where: str, word: str) -> Check:
    """Some string of r[where] (a list of sentences) contains ``word`` (any case)."""

    def _check(r: Result) -> str | None:
        texts = r.get(where) or []
        if any(word.lower() in json.dumps(t, ensure_ascii=False).lower() for t in texts):
            return None
        return f"{where} does not mention {word!r}"

    return _check


def _actions(r: Result, code: str, strength: str | None = None) -> list[Result]:
    return [
        a
        for a in r.get("actions") or []
        if a.get("code") == code and (strength is None or a.get("strength") == strength)
    ]


def action(code: str, strength: str | None = None, **fields: Any) -> Check:
    def _check(r: Result) -> str | None:
        found = _actions(r, code, strength)
        if not found:
            return f"no {code} action" + (f" as {strength!r}" if strength else "")
        if fields and not any(all(a.get(k) == v for k, v in fields.items()) for a in found):
            return f"no {code} action with {fields}"
        return None

    return _check


def no_action(code: str, strength: str) -> Check:
    def _check(r: Result) -> str | None:
        return f"{code} is suggested as {strength!r}" if _actions(r, code, strength) else None

    return _check


def any_action(*codes: str) -> Check:
    def _check(r: Result) -> str | None:
        if any(_actions(r, c) for c in codes):
            return None
        return f"none of {', '.join(codes)} among the actions"

    return _check


def administrations(count: int, first: str, last: str) -> Check:
    def _check(r: Result) -> str | None:
        adm = r.get("administrations") or []
        times = [a.get("at") for a in adm]
        if len(adm) != count or times[:1] != [first] or times[-1:] != [last]:
            got = f"{len(adm)} administrations {times[:1]}..{times[-1:]}"
            return f"{got}, expected {count} {first}..{last}"
        return None

    return _check


def dose_at(index: int, at: str, mg: float) -> Check:
    def _check(r: Result) -> str | None:
        adm = r.get("administrations") or []
        got = adm[index] if index < len(adm) else {}
        if got.get("at") == at and got.get("dose_mg") == mg:
            return None
        seen = f"{got.get('at')} {got.get('dose_mg')} mg"
        return f"administration {index}: {seen}, expected {at} {mg} mg"

    return _check


def warns(word: str) -> Check:
    return mentions("warnings", word)


def warns_or_explains(word: str) -> Check:
    def _check(r: Result) -> str | None:
        blob = json.dumps([r.get("warnings"), r.get("actions")], ensure_ascii=False).lower()
        return None if word.lower() in blob else f"no warning mentions {word!r}"

    return _check


NC = "nasal_cannula"
ADULT = {"age_years": 40}
TOCI = {"drug": "tocilizumab", "age_years": 40}
DOSES4 = ["2026-03-01T08:00", "2026-03-01T16:00", "2026-03-02T00:00", "2026-03-02T08:00"]
PATIENT = {"weight_kg": 70, "age_years": 40, "at": "2026-03-01T08:00"}

EXAMPLES: tuple[Example, ...] = (
    # CRS (grade-crs)
    Example("C1", "grade-crs", {"temperature_c": 39.5, "vasopressors": ["norepinephrine"],
                                "oxygen": NC, "oxygen_flow_l_min": 2}, (grade(3),)),
    Example("C2", "grade-crs", {"temperature_c": 38.0}, (grade(1),)),
    Example("C3", "grade-crs", {"temperature_c": 37.9, "oxygen": NC, "oxygen_flow_l_min": 2},
            (grade(0), mentions("explanation", "fever"))),
    Example("C4", "grade-crs", {"fever_masked": True, "vasopressors": ["norepinephrine"]},
            (grade(3),)),
    Example("C5", "grade-crs", {"temperature_c": 38.5,
                                "vasopressors": ["norepinephrine", "vasopressin"]}, (grade(3),)),
    Example("C6", "grade-crs", {"temperature_c": 38.5,
                                "vasopressors": ["norepinephrine", "phenylephrine"]}, (grade(4),)),
    Example("C7", "grade-crs", {"temperature_c": 38.5, "oxygen": NC, "oxygen_flow_l_min": 6},
            (grade(2),)),
    Example("C7-eu", "grade-crs", {"temperature_c": 38.5, "oxygen": NC, "oxygen_flow_l_min": 6},
            (grade(3),), profile="eu-epcoritamab"),
    Example("C8", "grade-crs", {"temperature_c": 38.5, "oxygen": NC, "oxygen_flow_l_min": 6.5},
            (grade(3),)),
    Example("C9", "grade-crs", {"temperature_c": 38.5, "oxygen": "bipap"}, (grade(4),)),
    Example("C10", "grade-crs", {"temperature_c": 38.2, "hypotension": True}, (grade(2),)),
    # ICANS (grade-icans)
    Example("I1", "grade-icans", {**ADULT, "ice_score": 3, "seizure": "rapidly_resolving"},
            (grade(3),)),
    Example("I2", "grade-icans", {**ADULT, "ice_score": 0, "global_aphasia": True}, (grade(3),)),
    Example("I3", "grade-icans", {**ADULT, "ice_score": 0, "consciousness": "unarousable"},
            (grade(4),)),
    Example("I4", "grade-icans", {**ADULT, "ice_score": 10, "consciousness": "awakens_to_voice"},
            (grade(2),)),
    Example("I5", "grade-icans", {**ADULT, "ice_score": 8, "seizure": "prolonged_or_repetitive"},
            (grade(4),)),
    Example("I6", "grade-icans", {**ADULT, "ice_score": 7, "cerebral_edema": "focal"},
            (grade(3),)),
    Example("I7", "grade-icans", {**ADULT, "ice_score": 10}, (grade(0),)),
    Example("I8", "grade-icans", {"age_years": 8, "capd_items": [4, 4, 0, 0, 4, 0, 0, 0]},
            (grade(3), key("instrument", "CAPD"))),
    Example("I9", "grade-icans", {"age_years": 8, "capd_score": 5,
                                  "consciousness": "awakens_to_voice"}, (grade(2),)),
    Example("I10", "grade-icans", {"age_years": 12, "capd_score": 10},
            (grade(3), key("instrument", "CAPD"))),
    # Tocilizumab (dose)
    Example("T1", "dose", {**TOCI, "weight_kg": 70},
            (key("dose_mg", 560.0), key("volume_ml", 28.0), key("bag_ml", 100),
             key("waste_mg", 0.0))),
    Example("T2", "dose", {**TOCI, "weight_kg": 29.9},
            (key("dose_mg", 358.8), key("mg_per_kg", 12.0), key("bag_ml", 50))),
    Example("T3", "dose", {**TOCI, "weight_kg": 30.0},
            (key("dose_mg", 240.0), key("mg_per_kg", 8.0), key("bag_ml", 100))),
    Example("T4", "dose", {**TOCI, "weight_kg": 100},
            (key("dose_mg", 800.0), key("capped", False))),
    Example("T5", "dose", {**TOCI, "weight_kg": 120},
            (key("dose_mg", 800.0), key("capped", True))),
    Example("T6", "dose", {"drug": "tocilizumab", "weight_kg": 12, "age_years": 1},
            (key("dose_mg", 144.0), warns("2 years"))),
    # Repeat doses (tocilizumab-schedule)
    Example("S1", "tocilizumab-schedule", {"doses": ["2026-03-01T08:00"],
                                           "at": "2026-03-01T14:00"},
            (key("eligible", False), key("next_eligible_at", "2026-03-01T16:00"))),
    Example("S2", "tocilizumab-schedule", {"doses": ["2026-03-01T08:00", "2026-03-01T16:00"],
                                           "at": "2026-03-02T00:00"},
            (key("eligible", True), key("next_eligible_at", "2026-03-02T00:00"))),
    Example("S3", "tocilizumab-schedule", {"doses": DOSES4[:3], "at": "2026-03-02T06:00"},
            (key("eligible", False), key("next_eligible_at", "2026-03-02T08:00"))),
    Example("S4", "tocilizumab-schedule", {"doses": DOSES4, "at": "2026-03-03T12:00"},
            (key("eligible", False), key("next_eligible_at", None))),
    # Tapers (taper)
    Example("P1", "taper", {"regimen": "TAPER-MP1G", "start": "2026-03-01T08:00"},
            (administrations(15, "2026-03-01T08:00", "2026-03-09T20:00"),
             dose_at(2, "2026-03-03T08:00", 1000.0), dose_at(3, "2026-03-04T08:00", 250.0),
             key("totals_mg", {"methylprednisolone": 4740.0}),
             key("dexamethasone_equivalent_mg", 888.75))),
    Example("P2", "taper", {"start": "2026-03-01T22:00",
                            "steps": [{"drug": "dexamethasone", "dose_mg": 10, "every_h": 6,
                                       "days": 1, "route": "IV"}]},
            (administrations(4, "2026-03-01T22:00", "2026-03-02T16:00"),
             key("totals_mg", {"dexamethasone": 40.0}))),
    # Management (recommend)
    Example("M1", "recommend", {**PATIENT, "crs_grade": 2, "icans_grade": 0},
            (action("tocilizumab", "give"),)),
    Example("M2", "recommend", {**PATIENT, "crs_grade": 1, "icans_grade": 2},
            (action("dexamethasone", "give"), no_action("tocilizumab", "give"))),
    Example("M3", "recommend", {**PATIENT, "crs_grade": 0, "icans_grade": 3},
            (action("icu"), any_action("dexamethasone", "methylprednisolone"),
             no_action("tocilizumab", "give"))),
    Example("M4", "recommend", {**PATIENT, "crs_grade": 3, "icans_grade": 0},
            (action("tocilizumab"), action("dexamethasone", every_h=6), action("icu"))),
    Example("M5", "recommend", {**PATIENT, "crs_grade": 2, "icans_grade": 0,
                                "tocilizumab_doses": DOSES4, "at": "2026-03-03T12:00"},
            (warns_or_explains("maximum"), no_action("tocilizumab", "give"))),
)  # fmt: skip


@dataclass
class Report:
    out: TextIO
    passed: int = 0
    failed: int = 0
    skipped: int = 0

    def ok(self, name: str, detail: str = "") -> None:
        self.passed += 1
        self.out.write(f"ok    {name}{': ' + detail if detail else ''}\n")

    def fail(self, name: str, why: str) -> None:
        self.failed += 1
        self.out.write(f"FAIL  {name}: {why}\n")

    def skip(self, name: str, why: str) -> None:
        self.skipped += 1
        self.out.write(f"skip  {name}: {why}\n")

    def summary(self) -> str:
        return f"self-test: {self.passed} passed, {self.failed} failed, {self.skipped} skipped"


def run_example(ex: Example) -> str | None:
    """Run one example through the core's command line; None when every check holds."""
    from calculator.edge import cli

    argv = [ex.command, *ex.argv, *(["--profile", ex.profile] if ex.profile else [])]
    code, text = cli.run(argv, lambda: json.dumps(ex.payload))
    if code != 0:
        return f"exit {code}: {text.strip()[:300]}"
    result = json.loads(text)
    problems = [p for check in ex.checks if (p := check(result))]
    return "; ".join(problems) or None


def check_core(report: Report) -> None:
    from calculator.edge import cli

    for ex in EXAMPLES:
        name = f"{ex.id} {ex.command}"
        if ex.command not in cli.COMMANDS:
            report.skip(name, "command not built")
            continue
        try:
            problem = run_example(ex)
        except Exception as exc:  # a self-test reports, it never dies
            problem = f"{type(exc).__name__}: {exc}"
        if problem:
            report.fail(name, problem)
        else:
            report.ok(name)


def check_ruleset(report: Report) -> None:
    """The build's validated-ruleset snapshot is the one start-up uses (its key matches the
    installed data and code) and equals validating the installed data now; a stale or
    missing one would only be slower, so it is the build's defect this names."""
    name = "ruleset snapshot: used at start-up, equal to full validation"
    try:
        from calculator.rulebook.loader import load_ruleset, read_data_files
        from calculator.rulebook.snapshot import load_snapshot, snapshot_path

        files = read_data_files()
        saved = load_snapshot(files)
        if saved is None:
            report.fail(name, f"{snapshot_path()} is missing or does not match the data")
        elif saved != load_ruleset(files):
            report.fail(name, "differs from validating the data in full")
        else:
            report.ok(name, f"ruleset {saved.info.version}")
    except Exception as exc:  # a self-test reports, it never dies
        report.fail(name, f"{type(exc).__name__}: {exc}")


# --- the GUI, offscreen ----------------------------------------------------------------------


def _blank(image: Any) -> bool:
    """True when an image is null or one single colour (sampled on a grid)."""
    if image.isNull() or image.width() == 0 or image.height() == 0:
        return True
    w, h = image.width(), image.height()
    first = image.pixel(0, 0)
    return all(
        image.pixel(x * (w - 1) // 15, y * (h - 1) // 15) == first
        for x in range(16)
        for y in range(16)
    )


def check_gui(report: Report) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    qt_messages: list[str] = []

    def on_message(kind: QtMsgType, _context: Any, message: str) -> None:
        if kind != QtMsgType.QtDebugMsg and not any(s in message for s in QT_IGNORED):
            qt_messages.append(f"{kind.name}: {message}")

    previous = qInstallMessageHandler(on_message)
    try:
        _gui_steps(report)
        QApplication.processEvents()
    except Exception as exc:
        report.fail("gui", f"{type(exc).__name__}: {exc}")
    finally:
        qInstallMessageHandler(previous)
    if qt_messages:
        report.fail("gui: Qt messages", " | ".join(qt_messages[:5]))
    else:
        report.ok("gui: no Qt warnings")


def _gui_steps(report: Report) -> None:
    from PySide6.QtWidgets import QApplication, QTabWidget

    from ui.shell import application as ui_app

    started = time.perf_counter()
    make_app = getattr(ui_app, "application", None)
    if make_app is not None:
        make_app()
    elif QApplication.instance() is None:
        QApplication(["crs-calc"])
    from ui.controllers.app import AppController

    controller = AppController()
    window = controller.window
    report.ok("gui: main window built", f"{(time.perf_counter() - started) * 1000:.0f} ms")
    try:
        try:
            from ui.shell.screenshot import fill_sample
        except ImportError:
            report.skip("gui: fill the grading wizard", "ui.shell.screenshot.fill_sample not built")
        else:
            fill_sample(controller)
            report.ok("gui: grading wizard filled with the sample case")
        window.resize(1366, 768)
        window.show()
        QApplication.processEvents()
        tabs = getattr(window, "tabs", None) or window.findChild(QTabWidget)
        pages: list[str] = list(getattr(window, "tool_pages", {}) or [])
        if tabs is None or not pages:
            pages, tabs = ["main window"], None
        for index, name in enumerate(pages):
            if tabs is not None:
                tabs.setCurrentIndex(index)
                QApplication.processEvents()
            image = window.grab().toImage()
            if _blank(image):
                report.fail(f"gui: render {name}", "the rendered image is blank")
            else:
                report.ok(f"gui: render {name}", f"{image.width()}x{image.height()}")
    finally:
        window.close()
        window.deleteLater()
        QApplication.processEvents()
    report.ok("gui: closed")


# --- entry point -----------------------------------------------------------------------------


def run(out: TextIO | None = None) -> int:
    """The whole self-test; 0 when nothing failed (and something passed)."""
    if out is None and hasattr(sys.stdout, "reconfigure"):
        # A Windows console code page must not turn a "°C" in a message into a crash.
        sys.stdout.reconfigure(encoding="utf-8", errors="replace")
    stream = out or sys.stdout
    report = Report(stream)
    frozen = getattr(sys, "frozen", False)
    stream.write(f"crs-calc self-test ({'frozen bundle' if frozen else 'from source'})\n")
    with tempfile.TemporaryDirectory(
        prefix="crs-calc-selftest-", ignore_cleanup_errors=True
    ) as home:
        saved_home = os.environ.get("CRS_CALC_HOME")
        os.environ["CRS_CALC_HOME"] = home
        try:
            with no_network() as attempts:
                check_core(report)
                check_ruleset(report)
                check_gui(report)
        finally:
            if saved_home is None:
                os.environ.pop("CRS_CALC_HOME", None)
            else:
                os.environ["CRS_CALC_HOME"] = saved_home
    if attempts:
        report.fail("no network", f"{len(attempts)} socket attempts: {attempts[:3]}")
    else:
        report.ok("no network: no socket was opened")
    stream.write(report.summary() + "\n")
    stream.flush()
    return 0 if report.failed == 0 and report.passed > 0 else 1


def main() -> int:
    return run()
