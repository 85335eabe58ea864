"""What the app builds before its first paint and what waits for first use (issues 14, 26).
Counts modules, never times: speed lives in bench/startup.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMainWindow

from ui.controllers.app import AppController
from ui.shell.app import after_first_paint
from ui.shell.start import Start
from ui.views.main_window import LOADING, MainWindow

REPO = Path(__file__).resolve().parents[3]

# Imported only when a record is printed or exported, the double check or the settings
# dialog opens, or a teaching session starts: never to show the first screen. Issue 26 adds
# the core's records (the handoff note and its Episode section): at start nothing is
# entered, so no record has anything to say yet. (An AppController built directly, as
# here, still builds the Episode view, the 'Other scales' panel and the dose and taper
# tools with its window; the running app paints before it builds them: NOT_AT_FIRST_PAINT.)
OFF_THE_START_PATH = (
    "ui.records.documents",
    "ui.records.paper",
    "ui.records.note_page",
    "ui.records.handoff",
    "calculator.records.note",
    "calculator.records.note_model",
    "calculator.records.episode_note",
    "PySide6.QtPrintSupport",
    "ui.controllers.verification_controller",
    "ui.views.verification_view",
    "calculator.verification",
    "ui.views.settings_dialog",
    "ui.teaching.session",
    "calculator.teaching",
)

# Issue 26: the running app paints its window before it loads the rules and builds the
# tools (ui.shell.start): at that first paint none of the tools, their controllers, the
# case documents, the episode or the crosswalk is imported, nor anything above.
NOT_AT_FIRST_PAINT = (
    *OFF_THE_START_PATH,
    "ui.controllers.app",
    "ui.controllers.grading",
    "ui.controllers.management",
    "ui.controllers.episode",
    "ui.controllers.crosswalk",
    "ui.controllers.dose",
    "ui.controllers.taper",
    "ui.controllers.session",
    "ui.views.grading",
    "ui.views.management",
    "ui.views.episode",
    "ui.views.episode_chart",
    "ui.views.crosswalk",
    "ui.views.dose",
    "ui.views.taper",
    "calculator.records.case",
    "calculator.records.case_v2",
    "calculator.records.episode",
    "calculator.crosswalk",
    "calculator.grading",
    "calculator.management",
    "calculator.dosing",
    "calculator.taper",
    # The rulebook package gives its base models at once, the ruleset on first use.
    "calculator.rulebook.in_force",
    "calculator.rulebook.loader",
    "calculator.rulebook.lazy",
)

# The real start (ui.shell.app.main, as `python -m ui --exit-after-startup`), probed at the
# main window's first paint and once the tools are built (the Teaching menu's moment).
FIRST_PAINT = """
import json, sys
from PySide6.QtCore import QEvent
import ui.shell.app

seen = {}
quit_on_paint = ui.shell.app._QuitOnFirstPaint.eventFilter
install_teaching = ui.shell.app._install_teaching


def pages(window):
    return [window.tabs.widget(i).objectName() for i in range(window.tabs.count())]


def at_paint(self, watched, event):
    if event.type() == QEvent.Type.Paint and "paint" not in seen:
        seen["paint"] = {
            "imported": sorted(m for m in %r if m in sys.modules),
            "status": watched.status_profile.text(),
            "pages": pages(watched),
        }
        seen["painted_window"] = watched
    return quit_on_paint(self, watched, event)


def ready(controller):
    seen["ready"] = {
        "painted_before": "paint" in seen,
        "status": controller.window.status_profile.text(),
        "pages": pages(controller.window),
        "same_window": controller.window is seen.get("painted_window"),
    }
    install_teaching(controller)


ui.shell.app._QuitOnFirstPaint.eventFilter = at_paint
ui.shell.app._install_teaching = ready
code = ui.shell.app.main(["--exit-after-startup"])
seen.pop("painted_window", None)
print(json.dumps({**seen, "code": code}))
"""

# The recovery question (and so any case opened at start) waits for the built tools, and
# the icon is set by then.
RECOVERY_WAITS = """
import json
from PySide6.QtWidgets import QApplication
import ui.controllers.session
import ui.shell.app

seen = {}


def offer_recovery(self, *args):
    window = self.app.window
    seen["loading"] = window.loading
    seen["pages"] = [window.tabs.widget(i).objectName() for i in range(window.tabs.count())]
    seen["icon"] = not QApplication.instance().windowIcon().isNull()
    QApplication.instance().quit()
    return False


ui.controllers.session.Session.offer_recovery = offer_recovery
code = ui.shell.app.main([])
print(json.dumps({**seen, "code": code}))
"""

# A window never painted (started minimized) still gets its tools and the recovery question.
NEVER_PAINTED = """
import json
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
import ui.controllers.session
import ui.shell.app

seen = {}


def offer_recovery(self, *args):
    seen["pages"] = [self.app.window.tabs.widget(i).objectName() for i in range(4)]
    QApplication.instance().quit()
    return False


ui.controllers.session.Session.offer_recovery = offer_recovery
ui.shell.app.after_first_paint = lambda window, callback: None  # the paint never comes
make_application = ui.shell.app.unstyled_application


def application(*args, **kwargs):
    app = make_application(*args, **kwargs)
    QTimer.singleShot(20000, app.quit)  # the test's own limit: no tools by then
    return app


ui.shell.app.unstyled_application = application
code = ui.shell.app.main([])
print(json.dumps({**seen, "code": code}))
"""

BUILD_THE_APP = """
import json, sys
from ui.shell.app import application
from ui.controllers.app import AppController
from ui.store.storage import locate
application()
app = AppController(locations=locate())
app.window.show()
before = sorted(m for m in %r if m in sys.modules)
app.records.open_double_check().close()
app.session.open_settings().close()
print(json.dumps({
    "before": before,
    "after": sorted(m for m in %r if m in sys.modules),
}))
"""


def _run_child(code: str) -> dict[str, Any]:
    """Run ``code`` in a fresh offscreen Python; the JSON on its last line of output."""
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    seen: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return seen


def test_heavy_modules_wait_for_first_use(crs_calc_home: Path) -> None:
    code = BUILD_THE_APP % (OFF_THE_START_PATH, OFF_THE_START_PATH)
    seen = _run_child(code)
    assert seen["before"] == []
    # First use imports what it needs: the double check and the settings dialog open.
    assert {
        "ui.controllers.verification_controller",
        "ui.views.verification_view",
        "ui.records.documents",
        "ui.views.settings_dialog",
    } <= set(seen["after"])


def test_the_first_paint_shows_loading_and_no_tool_then_the_tools_come(
    crs_calc_home: Path,
) -> None:
    seen = _run_child(FIRST_PAINT % (NOT_AT_FIRST_PAINT,))
    assert seen["code"] == 0
    paint, ready = seen["paint"], seen["ready"]
    assert paint["imported"] == []
    # Nothing on the first screen reads as an answer: "Loading rules…" on every tab and in
    # the status line, where the profile and ruleset will be.
    assert paint["status"] == LOADING
    assert paint["pages"] == ["loading_grading", "loading_dose", "loading_taper", "loading_episode"]
    # Then, in the same window: the tools, and the profile and ruleset in the status line.
    assert ready["painted_before"]
    assert ready["same_window"]
    assert ready["pages"] == ["gradingView", "doseView", "taperView", "episodeView"]
    assert ready["status"].startswith("Profile ")


def test_the_recovery_question_waits_for_the_tools(crs_calc_home: Path) -> None:
    seen = _run_child(RECOVERY_WAITS)
    assert seen["code"] == 0
    assert seen["loading"] is False
    assert seen["pages"] == ["gradingView", "doseView", "taperView", "episodeView"]
    assert seen["icon"] is True


def test_a_window_never_painted_still_gets_its_tools(crs_calc_home: Path) -> None:
    seen = _run_child(NEVER_PAINTED)
    assert seen["code"] == 0
    assert seen.get("pages") == ["gradingView", "doseView", "taperView", "episodeView"]


def test_keys_typed_while_the_tools_are_built_reach_their_field(  # type: ignore[no-untyped-def]
    qtbot, clock: list[datetime]
) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    built: list[AppController] = []

    def build(w: object) -> AppController:
        # What was typed is held while the tools are built, not lost and not typed yet.
        assert window.patient_bar.weight.edit.text() == ""
        built.append(AppController(clock=lambda: clock[0], zone="Europe/Berlin", window=window))
        return built[0]

    start = Start(window, build)
    window.show()
    qtbot.waitExposed(window)
    weight = window.patient_bar.weight.edit
    weight.setFocus()
    qtbot.keyClicks(weight, "70")
    qtbot.mouseClick(window.tabs.tabBar(), Qt.MouseButton.LeftButton)  # dropped: no tool yet
    assert weight.text() == ""
    assert start.held.held == 4  # two presses, two releases
    start.run()
    qtbot.waitUntil(lambda: weight.text() == "70")
    controller = built[0]
    assert controller.window is window
    assert controller.patient.context().weight_kg == 70
    assert window.tool_pages["dose"] is controller.dose.view
    assert window.status_profile.text().startswith("Profile ")
    # From now on a key is a key.
    qtbot.keyClicks(weight, "5")
    assert weight.text() == "705"


def test_a_failed_build_is_raised_not_left_loading(qtbot) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow()
    qtbot.addWidget(window)

    def build(w: object) -> object:
        raise RuntimeError("no rules")

    start = Start(window, build)
    start.run()
    assert isinstance(start.failure, RuntimeError)
    with pytest.raises(RuntimeError, match="no rules"):
        start.raise_failure()


def test_the_tools_are_built_once_even_when_asked_again_while_building(qtbot) -> None:  # type: ignore[no-untyped-def]
    """The first paint and the unpainted-window timer both start the build; a box shown
    while building runs a nested event loop, where the timer could start it again."""
    window = MainWindow()
    qtbot.addWidget(window)
    builds: list[int] = []
    start: Start

    def build(w: object) -> object:
        builds.append(1)
        start.run()  # as the timer would, from a nested event loop
        return object()

    start = Start(window, build)
    start.run()
    start.run()
    assert builds == [1]
    assert start.controller is not None


def test_after_first_paint_waits_for_the_paint(qtbot) -> None:  # type: ignore[no-untyped-def]
    window = QMainWindow()
    qtbot.addWidget(window)
    ran: list[str] = []
    after_first_paint(window, lambda: ran.append("built"))
    qtbot.wait(10)
    assert ran == []  # never shown, never painted: nothing deferred has run
    window.show()
    qtbot.waitUntil(lambda: ran == ["built"], timeout=5000)
    window.update()
    qtbot.wait(20)
    assert ran == ["built"]  # once only


# The real start (ui.shell.app.main): no application-wide style sheet (it makes Qt re-polish every
# widget as it is built), yet the window is styled when it first paints, and so are the
# dialogs it opens and a teaching window.
STYLED_START = """
import json
import ui.shell.app
from PySide6.QtWidgets import QApplication

seen = {}
deferred = ui.shell.app._install_teaching


def colour(widget, y=3):
    return widget.grab().toImage().pixelColor(widget.width() // 2, y).name()


def probe(controller):
    seen["bar_colour_at_first_paint"] = colour(controller.window.patient_bar)
    seen["app_sheet"] = QApplication.instance().styleSheet()
    deferred(controller)
    from calculator.teaching import builtin_scenarios
    from ui.teaching.session import TeachingSession

    teaching = TeachingSession(builtin_scenarios()[0])
    seen["teaching_bar_colour"] = colour(teaching.window.patient_bar)
    QApplication.instance().quit()


ui.shell.app._install_teaching = probe
ui.shell.app.main([])
print(json.dumps(seen))
"""


def test_first_paint_is_styled_without_an_application_sheet(crs_calc_home: Path) -> None:
    seen = _run_child(STYLED_START)
    assert seen["app_sheet"] == ""
    assert seen["bar_colour_at_first_paint"] == "#eef3f8"  # style.qss patientBar background
    assert seen["teaching_bar_colour"] == "#eef3f8"
