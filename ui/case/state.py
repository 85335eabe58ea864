"""The case and its clock: the one small model the app's controllers share.

The case's time is "Assessed at". Until the user sets it, it follows the wall clock
(live, to the minute); once set, it stays. Every tool (grading, the dose log and its
countdown, the management panel, the taper's default start), the autosave and every
print read :meth:`CaseState.at`, so the screen and the paper never disagree.

The patient context (weight, age, product, label) is entered once in the patient bar
and kept here with the time; controllers hear ``changed`` (the context) and
``clock_changed`` (the case time moved: set, back to live, or the live minute turned).

The zone (issue 20): the case's times are local times of ``zone_name`` (the system zone
unless a test or an opened case says otherwise); the core gets them with it
(:meth:`CaseState.core`) and counts real hours. A wall clock that goes back is heard
against a monotonic clock and told once (``clock_jumped``), never blamed on the user.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import QObject, QTimer, Signal

from calculator.words import when
from ui.case.local_clock import (
    JUMP_BACK_SECONDS,
    SYSTEM_ZONE,
    ClockJump,
    Monotonic,
    monotonic_seconds,
    system_zone_name,
    to_core,
    zone_of,
)
from ui.models import PatientContext

Clock = Callable[[], datetime]
_SECOND = timedelta(seconds=1)


def system_clock() -> datetime:
    return datetime.now().replace(microsecond=0)


def minute(at: datetime) -> datetime:
    return at.replace(second=0, microsecond=0)


class CaseState(QObject):
    changed = Signal(object)  # PatientContext: a patient field, or the time set/back to live
    clock_changed = Signal(object)  # datetime: the case time moved (also each live minute)
    clock_jumped = Signal(object)  # ClockJump: the wall clock went back

    def __init__(
        self,
        clock: Clock = system_clock,
        parent: QObject | None = None,
        zone: str | None = SYSTEM_ZONE,
        monotonic: Monotonic | None = None,
    ) -> None:
        """``zone``: the IANA zone of the case's times (SYSTEM_ZONE: the system's; None:
        none, wall-clock arithmetic as before); ``monotonic``: seconds of a clock that
        never jumps (QElapsedTimer unless a test gives one)."""
        super().__init__(parent)
        self.wall_clock = clock
        self.zone_name = system_zone_name() if zone == SYSTEM_ZONE else zone
        #: The app's own zone (an opened case may count in its own; New comes back here).
        self.own_zone_name = self.zone_name
        self.zone: ZoneInfo | None = zone_of(self.zone_name)
        self.monotonic = monotonic or monotonic_seconds()
        self.last_jump: ClockJump | None = None
        self._mono_ref = self.monotonic()
        self._wall_ref = self._real(clock())
        self._set_at: datetime | None = None
        self._patient = PatientContext(assessed_at=minute(clock()))
        self._last_live = self.at()
        # The live time is re-read every second so that a minute turning is heard.
        self.timer = QTimer(self)
        self.timer.setObjectName("caseClockTimer")
        self.timer.setInterval(1000)
        self.timer.timeout.connect(self.tick)
        self.timer.start()

    # --- the clock ---------------------------------------------------------------------

    @property
    def live(self) -> bool:
        """True while "Assessed at" follows the wall clock (the user has not set it)."""
        return self._set_at is None

    def at(self) -> datetime:
        """The case's time, to the minute: the time the user set, else the wall clock."""
        return self._set_at if self._set_at is not None else minute(self.wall_clock())

    def wall_now(self) -> datetime:
        """The wall clock, to the minute (when a dose is given "now", when a file is made)."""
        return minute(self.wall_clock())

    def set_at(self, at: datetime) -> bool:
        """The user set the assessment time: every tool uses it from now on. Returns
        whether the case time changed (set to the time it already has: nothing heard)."""
        at = minute(at)
        # The fold too: the two 02:30s of the hour the clocks go back compare equal.
        if self._set_at is not None and (at, at.fold) == (self._set_at, self._set_at.fold):
            return False
        self._set_at = at
        self._clock_moved()
        return True

    def follow_live(self) -> None:
        """Back to the wall clock ("Now")."""
        was_live = self.live
        self._set_at = None
        if not was_live or self._last_live != self.at():
            self._clock_moved()

    def core(self, at: datetime) -> datetime:
        """``at`` as the core reads it with ``time_zone`` (see ui.case.local_clock)."""
        return to_core(at, self.zone)

    def when(self, at: datetime) -> str:
        """``at`` in words, as every record writes it (``calculator.words.when``): in the
        hour the clocks go back, with its offset, so the two 02:30s read apart."""
        return when(self.core(at))

    def set_zone(self, name: str | None) -> None:
        """The zone of the case's times (an opened case's ``time_zone``)."""
        self.zone_name = name
        self.zone = zone_of(name)

    def _real(self, wall: datetime) -> datetime:
        # The wall time as a real instant (UTC) in the zone; naive on the wall without one.
        core = to_core(wall, self.zone)
        return core.astimezone(UTC) if core.tzinfo is not None else core

    def check_jump(self) -> ClockJump | None:
        """Compare the wall clock with the monotonic one since the last check: a wall
        clock that went back more than JUMP_BACK_SECONDS is told (``clock_jumped``). A
        jump forward (sleep, a clock put right) needs no word: the times follow it."""
        mono, wall = self.monotonic(), self.wall_clock()
        real = self._real(wall)
        expected = self._wall_ref + (mono - self._mono_ref) * _SECOND
        self._mono_ref, self._wall_ref = mono, real
        back = (expected - real).total_seconds()
        if back <= JUMP_BACK_SECONDS:
            return None
        shown = expected.astimezone(self.zone).replace(tzinfo=None) if self.zone else expected
        self.last_jump = ClockJump(expected=shown, now=wall, seconds_back=back)
        self.clock_jumped.emit(self.last_jump)
        return self.last_jump

    def tick(self) -> None:
        """Heard every second: while live, a turned minute moves the case time."""
        self.check_jump()
        if self.live and self.at() != self._last_live:
            self._last_live = self.at()
            self.clock_changed.emit(self._last_live)

    def _clock_moved(self) -> None:
        self._last_live = minute(self.wall_clock())
        at = self.at()
        self.clock_changed.emit(at)
        self.changed.emit(self.patient())

    # --- the patient -------------------------------------------------------------------

    def patient(self) -> PatientContext:
        """The patient context, its ``assessed_at`` the case time now."""
        return self._patient.model_copy(update={"assessed_at": self.at()})

    def set_patient(self, ctx: PatientContext, emit: bool = True) -> None:
        """New patient fields (``ctx.assessed_at`` is ignored: the clock is set apart)."""
        self._patient = ctx
        if emit:
            self.changed.emit(self.patient())
