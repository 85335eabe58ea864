"""Real time in the app (issue 20): the system zone goes to the core, times the clocks
skip are refused at their field, repeated ones are asked about, and a wall clock set
back is said plainly while the countdown keeps counting real (monotonic) time."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtWidgets import QApplication

from calculator.records.case import load_case
from tests.ui.helpers import type_text, type_time
from ui.case.local_clock import SYSTEM_ZONE, system_zone_name, to_core
from ui.case.state import CaseState
from ui.controllers.app import AppController
from ui.controllers.case import CaseError, apply_case, build_case
from ui.controllers.case_keeper import _app_time, _minutes
from ui.shell.app import application
from ui.store.storage import locate


class Clocks:
    """A settable wall clock and a settable monotonic clock (seconds)."""

    def __init__(self, wall: datetime) -> None:
        self.wall = wall
        self.mono = 1000.0


def _app(qtbot, clocks: Clocks, zone: str | None = "Europe/Berlin") -> AppController:  # type: ignore[no-untyped-def]
    application()
    c = AppController(
        clock=lambda: clocks.wall,
        locations=locate(),
        zone=zone,
        monotonic=lambda: clocks.mono,
    )
    qtbot.addWidget(c.window)
    c.window.resize(1366, 768)
    c.window.show()
    qtbot.waitExposed(c.window)
    type_text(c.window.patient_bar.weight.edit, "70")
    type_text(c.window.patient_bar.age.edit, "45")
    return c


def test_spring_forward_night_countdown_is_eight_real_hours(qapp: QApplication, qtbot) -> None:  # type: ignore[no-untyped-def]
    clocks = Clocks(datetime(2026, 3, 29, 3, 0))  # 03:00 CEST, an hour after the change
    c = _app(qtbot, clocks)
    c.dose.add_dose(datetime(2026, 3, 29, 1, 30))  # 01:30 CET
    view = c.dose.view
    assert view.eligibility.text() == "Next: 2026-03-29 10:30"  # not 09:30 (7 real hours)
    assert view.countdown.text() == "Next dose allowed in 7 h 30 min"
    assert build_case(c).time_zone == "Europe/Berlin"  # the case stores its zone


def test_a_skipped_time_is_refused_at_its_field_in_the_cores_words(
    qapp: QApplication,
    qtbot,  # type: ignore[no-untyped-def]
) -> None:
    clocks = Clocks(datetime(2026, 3, 29, 4, 0))
    c = _app(qtbot, clocks)
    type_time(qtbot, c.dose.view.dose_time, "0230")
    assert c.dose.dose_times == []
    assert "does not exist in Europe/Berlin" in c.dose.view.time_field.field.error_text()
    type_time(qtbot, c.window.patient_bar.assessed_at, "0215")
    assert c.state.live  # not taken
    assert "does not exist" in c.window.patient_bar.assessed.field.error_text()


def test_a_repeated_time_is_asked_about_and_kept_with_its_offset(
    qapp: QApplication,
    qtbot,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    clocks = Clocks(datetime(2026, 10, 25, 4, 0))
    c = _app(qtbot, clocks)
    asked: list[datetime] = []

    def second(parent, at, zone):  # type: ignore[no-untyped-def]
        asked.append(at)
        return at.replace(fold=1)

    monkeypatch.setattr("ui.controllers.time_entry.ask_repeated", second)
    type_time(qtbot, c.dose.view.dose_time, "0230")
    assert asked == [datetime(2026, 10, 25, 2, 30)]  # asked once, though Enter is heard twice
    assert len(c.dose.dose_times) == 1
    assert c.dose.dose_times[0].fold == 1
    # Version 2 keeps wall times without offsets (episode.md): a time of the repeated hour
    # cannot be written so that it opens again, so the save says so by name (issue 24).
    with pytest.raises(CaseError, match=r"given\[0\]\.at: 2026-10-25T02:30 occurs twice"):
        build_case(c)
    # The second 02:30 is 01:30 UTC: next dose 09:30 UTC = 10:30 CET.
    assert c.dose.view.eligibility.text() == "Next: 2026-10-25 10:30"


def test_a_repeated_time_declined_is_not_added(
    qapp: QApplication,
    qtbot,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    c = _app(qtbot, Clocks(datetime(2026, 10, 25, 4, 0)))
    monkeypatch.setattr("ui.controllers.time_entry.ask_repeated", lambda *a: None)
    type_time(qtbot, c.dose.view.dose_time, "0230")
    assert c.dose.dose_times == []
    assert "occurs twice" in c.dose.view.time_field.field.error_text()


def test_the_wall_clock_set_back_is_said_plainly_and_the_countdown_runs_on(
    qapp: QApplication,
    qtbot,  # type: ignore[no-untyped-def]
) -> None:
    clocks = Clocks(datetime(2026, 11, 21, 10, 0))
    c = _app(qtbot, clocks)
    c.dose.add_dose(datetime(2026, 11, 21, 9, 0))
    view = c.dose.view
    assert view.countdown.text() == "Next dose allowed in 7 h 00 min"
    # One real minute later the wall clock reads two hours earlier (set back).
    clocks.mono += 60
    clocks.wall = datetime(2026, 11, 21, 8, 1)
    c.state.tick()
    notice = " ".join(c.window.notice.messages())
    assert "The computer's clock went back by 2 h (from 10:01 to 08:01)" in notice
    error = view.log_error.error_text()
    assert "The computer's clock went back" in error
    assert "record only doses" not in error  # the user is not blamed
    assert c.dose.dose_times == [datetime(2026, 11, 21, 9, 0)]  # nothing dropped
    assert view.countdown.text() == "Next dose allowed in 6 h 59 min"
    # The countdown follows real time, not the frozen (set back) wall clock.
    clocks.mono += 3600
    clocks.wall = datetime(2026, 11, 21, 9, 0)  # the wall clock still behind
    c.state.tick()
    c.dose.recompute_schedule()
    assert view.countdown.text() == "Next dose allowed in 5 h 59 min"
    assert "The computer's clock went back" in view.log_error.error_text()
    # The clock is put right (forward, no word needed): wall and real time agree again.
    clocks.wall = datetime(2026, 11, 21, 11, 1)
    c.state.tick()
    assert view.countdown.text() == "Next dose allowed in 5 h 59 min"
    assert view.log_error.error_text() == ""


def test_a_clock_moving_forward_or_ticking_normally_is_not_a_jump(
    qapp: QApplication,
    qtbot,  # type: ignore[no-untyped-def]
) -> None:
    clocks = Clocks(datetime(2026, 11, 21, 10, 0))
    c = _app(qtbot, clocks)
    clocks.mono += 30
    clocks.wall = datetime(2026, 11, 21, 10, 0, 30)
    assert c.state.check_jump() is None
    clocks.mono += 1
    clocks.wall = datetime(2026, 11, 21, 18, 0)  # resumed from sleep: forward
    assert c.state.check_jump() is None
    assert c.state.last_jump is None


def test_the_fall_back_hour_is_not_a_jump(qapp: QApplication, qtbot) -> None:  # type: ignore[no-untyped-def]
    # 02:59 CEST -> 02:00 CET one real minute later: the wall clock goes back an hour
    # by law, not by a hand on the clock.
    clocks = Clocks(datetime(2026, 10, 25, 2, 59))
    c = _app(qtbot, clocks)
    clocks.mono += 60
    clocks.wall = datetime(2026, 10, 25, 2, 0, fold=1)
    assert c.state.check_jump() is None


def test_the_system_zone_is_the_default(qapp: QApplication) -> None:
    state = CaseState(lambda: datetime(2026, 11, 21, 10, 0), zone=SYSTEM_ZONE)
    assert state.zone_name == system_zone_name()
    assert CaseState(lambda: datetime(2026, 11, 21, 10, 0), zone=None).zone is None
    state.timer.stop()


def test_a_case_of_another_zone_is_counted_in_its_zone_and_says_so(
    qapp: QApplication,
    qtbot,  # type: ignore[no-untyped-def]
) -> None:
    c = _app(qtbot, Clocks(datetime(2026, 11, 21, 10, 0)))
    case = load_case(
        {
            "format": "crs-calc-case/1",
            "patient": {"weight_kg": 70, "age_years": 45},
            "time_zone": "America/New_York",
            "at": "2026-11-01T03:00",
            "tocilizumab_doses": ["2026-11-01T01:30-04:00"],  # the first 01:30 (EDT)
        }
    )
    notes = apply_case(c, case)
    assert any("America/New_York" in n and "Europe/Berlin" in n for n in notes)
    assert c.state.zone_name == "America/New_York"
    assert c.dose.dose_times[0].fold == 0
    assert c.dose.view.eligibility.text() != ""  # counted in its zone
    with pytest.raises(CaseError, match=r"given\[0\]\.at: 2026-11-01T01:30 occurs twice"):
        build_case(c)  # see the test above: version 2 cannot say which 01:30
    c.new_case()
    assert c.state.zone_name == "Europe/Berlin"


def test_the_autosave_keeps_which_of_a_repeated_hour() -> None:
    zone = ZoneInfo("Europe/Berlin")
    second = datetime(2026, 10, 25, 2, 30, fold=1)
    text = _minutes(to_core(second, zone))
    assert text == "2026-10-25T02:30+01:00"
    back = _app_time(text, zone)
    assert (back, back.fold) == (second, 1)
    assert _minutes(datetime(2026, 11, 21, 8, 0)) == "2026-11-21T08:00"  # as before


def test_times_in_the_hour_the_clocks_go_back_are_shown_apart(app_controller) -> None:
    """The two 02:30s of 25 October in Berlin: the app writes which one, with the offset
    the records print (calculator.words.when), wherever it words a time by itself (here
    the dose panel's "counted at"); a time outside that hour is written as before. (A case
    of version 2 cannot hold such a time yet: Record refuses it by name, see above.)"""
    c = app_controller
    bar = c.window.patient_bar
    type_text(bar.weight.edit, "70")
    type_text(bar.age.edit, "54")
    first, second = datetime(2026, 10, 25, 2, 30), datetime(2026, 10, 25, 2, 30, fold=1)
    assert c.state.when(first) == "2026-10-25 02:30 (+02:00)"
    assert c.state.when(second) == "2026-10-25 02:30 (+01:00)"
    assert c.state.when(datetime(2026, 10, 25, 8, 0)) == "2026-10-25 08:00"
    for at, offset in ((first, "+02:00"), (second, "+01:00")):
        c.state.set_at(at)
        limits = c.dose.view.limits.text()
        assert f"Counted at the assessment time 2026-10-25 02:30 ({offset}) (set)" in limits
