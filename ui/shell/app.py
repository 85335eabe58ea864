"""Application entry point (`crs-calc`, `python -m ui`): arguments, QApplication, main window.

Each headless mode is one branch of ``main()``; add new ones the same way.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

from ui.shell.application import application as application
from ui.shell.application import unstyled_application as unstyled_application


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="crs-calc",
        description="CRS Bedside Calculator: ASTCT CRS/ICANS grading, dosing, steroid tapers.",
    )
    parser.add_argument(
        "--screenshot",
        metavar="DIR",
        type=Path,
        help="render each tool filled with a sample case to DIR/<tool>.png and exit",
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="run the worked examples and render every tool offscreen; exit 0 or 1",
    )
    parser.add_argument(
        "--export-pdf",
        nargs=2,
        type=Path,
        metavar=("CASE", "OUT"),
        help="write the handoff record of a case document (JSON) to OUT as PDF, no window",
    )
    parser.add_argument(
        "--teach",
        metavar="SCENARIO",
        type=Path,
        help="open a scenario (crs-calc-scenario/1) in a teaching window; with --screenshot "
        "DIR, write its learner view and feedback view to DIR and exit",
    )
    parser.add_argument(
        "--export-debrief",
        nargs=2,
        type=Path,
        metavar=("ATTEMPT", "OUT"),
        help="write the debrief of an attempt (crs-calc-attempt/1) to OUT as PDF, no window",
    )
    parser.add_argument(
        "--verify-install",
        action="store_true",
        help="check every installed file against the bundle's manifest; exit 0, or 1 "
        "naming each changed, missing or added file",
    )
    parser.add_argument(
        "--exit-after-startup",
        action="store_true",
        help="exit right after the main window's first paint (start-up benchmarks)",
    )
    parser.add_argument(
        "--font-scale",
        type=float,
        default=1.0,
        metavar="FACTOR",
        help="scale the application font (2 = 200%%) to check large-font layouts",
    )
    return parser


#: When the tools are built if the window has not been painted by then (milliseconds).
BUILD_UNPAINTED_MS = 1000

#: bench/bundle.py's clock (time.time()) when it spawned this process; with it, the first
#: paint of --exit-after-startup is reported on stderr (the bundle cannot be probed).
BENCH_SPAWNED = "CRS_BENCH_PAINT"


def _report_first_paint() -> None:
    """One JSON line on stderr: milliseconds from the bench's spawn to the first paint, and
    the peak memory so far (MiB). Only when the bench asks (``BENCH_SPAWNED``)."""
    spawned = os.environ.get(BENCH_SPAWNED)
    if not spawned:
        return
    import json
    import time

    seen: dict[str, float] = {"paint_ms": (time.time() - float(spawned)) * 1000}
    try:
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        seen["rss_mib"] = peak / (2**20 if sys.platform == "darwin" else 1024)
    except ImportError:  # not on Windows
        pass
    print(json.dumps(seen), file=sys.stderr, flush=True)


class _QuitOnFirstPaint(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            _report_first_paint()
            QTimer.singleShot(0, QApplication.quit)
        return False


class _AfterFirstPaint(QObject):
    def __init__(self, watched: QObject, callback: Callable[[], object]) -> None:
        super().__init__(watched)
        self._callback = callback

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._callback)
        return False


def after_first_paint(window: QObject, callback: Callable[[], object]) -> None:
    """Run ``callback`` at the event loop's first idle moment after ``window``'s first paint:
    what the first screen does not need is built then, not before it (issue 14)."""
    window.installEventFilter(_AfterFirstPaint(window, callback))


def _install_teaching(controller: object) -> None:
    from ui.teaching import install_menu

    install_menu(controller)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(list(sys.argv[1:] if argv is None else argv))

    if args.verify_install:
        from ui.store.install_manifest import main as verify_install

        return verify_install()

    if args.self_test:
        from ui.shell.selftest import run as self_test

        return self_test()

    if args.export_pdf is not None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from ui.records.handoff import export_pdf_cli

        return export_pdf_cli(*args.export_pdf)

    if args.export_debrief is not None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from ui.teaching.debrief import export_debrief_cli

        application()

        return export_debrief_cli(*args.export_debrief)

    if args.teach is not None:
        return _teach(args.teach, args.screenshot, args.font_scale)

    if args.screenshot is not None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from ui.shell.screenshot import render_all

        app = application(args.font_scale)
        for path in render_all(args.screenshot, font_scale=args.font_scale):
            print(path)
        return 0

    from ui.shell.start import Start
    from ui.views.main_window import MainWindow, carry_style_sheet

    app = unstyled_application(args.font_scale, icon=False)
    # Painted first (issue 26): the patient bar, the menus and "Loading rules…"; the rules,
    # the tools and the session are built into it at the first idle moment after its paint.
    window = MainWindow()
    carry_style_sheet(window)
    if args.exit_after_startup:
        # Installed before the build's filter, so asked after it: the tools are built
        # (start-up checks included) before it quits.
        quitter = _QuitOnFirstPaint(window)
        window.installEventFilter(quitter)

    def ready(controller: object) -> None:
        # The Teaching menu (its scenarios and the core's teaching models) is not needed for
        # the first paint (issue 14); the recovery question waits for the built window.
        _install_teaching(controller)
        if not args.exit_after_startup:
            # Asked once the window is up; a start-up benchmark never waits on a question.
            QTimer.singleShot(0, controller.session.offer_recovery)  # type: ignore[attr-defined]

    start = Start(window, _build_app, ready)
    after_first_paint(window, start.run)
    # A window that is not painted (started minimized, on another desktop) still gets its
    # tools, its autosave and the recovery question: run() builds once, whichever is first.
    QTimer.singleShot(BUILD_UNPAINTED_MS, start.run)
    window.fit_to_screen()
    window.show()
    code = app.exec()
    start.raise_failure()
    return code


def _build_app(window: QObject) -> object:
    """The rules, the tools, their controllers and the session, built into ``window``.
    Settings, autosave and audit log (start-up checks included): the headless modes never
    touch them."""
    from ui.controllers.app import AppController
    from ui.shell.application import set_icon
    from ui.store.storage import locate
    from ui.views.main_window import MainWindow

    assert isinstance(window, MainWindow)
    app = QApplication.instance()
    if isinstance(app, QApplication):
        set_icon(app)
    return AppController(locations=locate(), window=window)


def _teach(scenario: Path, screenshot: Path | None, font_scale: float) -> int:
    """A teaching window only: no clinical session, nothing read from or written to the
    clinical folders. With a screenshot folder, render and exit."""
    if screenshot is not None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from ui.teaching.headless import screenshot_cli

        application(font_scale)
        return screenshot_cli(scenario, screenshot)
    from ui.teaching import TeachingLauncher

    app = application(font_scale)
    launcher = TeachingLauncher()
    if launcher.open_file(None, scenario) is None:  # type: ignore[arg-type]
        return 2
    return app.exec()
