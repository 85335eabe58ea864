"""The episode in the app (issue 24, spec episode.md "In the app").

The episode is the series of recorded assessments (core ``Assessment`` models, local wall
times as the app keeps them) plus day 0; the dose ledger stays in the dose controller.

- Record assessment (button, Ctrl+Enter) adds what the wizard shows at "Assessed at"
  with the initials if given; the wizard then starts blank on the live clock. Start from
  last assessment copies the last one into the wizard, only when asked.
- Open / correct puts a row into the wizard at its time; recording it replaces the row
  (the audit log keeps the old and new values); Remove takes it out (Undo puts it back).
- After each change the core's ``make_episode`` grades, summarises and plans it; the
  Episode view, the trend beside "Improving?" (EPI-TREND), the history facts the plan
  takes (EPI-24H, EPI-72H, EPI-G1DAYS) and the next assessment due (EPI-REASSESS, against
  the live clock, re-checked every minute) follow.

What a case document needs beyond the episode (patient, ledger, zone) comes from the app
through ``make_case``; the wizard through ``take_wizard`` / ``fill_wizard``.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel

import calculator
from calculator.local_time import instant
from calculator.records.case_v2 import Assessment, CaseDocumentV2
from calculator.records.episode import Graded, day_number, next_due, row_values
from calculator.records.episode_command import EpisodeResult, make_episode
from calculator.rulebook import Ruleset
from ui.case.state import CaseState
from ui.views.episode import EpisodeView, FlowRow
from ui.views.episode_chart import (
    ChartData,
    chart_from_points,
    chart_point,
    dose_words,
)
from ui.views.record_bar import RecordBar
from ui.widgets import ValidatedField, repolish

#: A case document of these assessments (validated by the core), or the core's message.
MakeCase = Callable[[Sequence[Assessment | dict[str, Any]]], CaseDocumentV2 | str]
#: (what happened, details) -> None, or the sentence to show when it could not be logged.
Audit = Callable[[str, dict[str, Any]], str | None]
_ROW = re.compile(r"assessments\[(\d+)\]")


class _Row:
    """One flowsheet row and chart point as shown, with what they were made from: the
    assessment and its two grades (frozen models: the same objects give the same words;
    a regrade into new objects is simply worded again), day 0 and the doses beside it."""

    __slots__ = ("assessment", "crs", "day0", "doses", "flow", "graded", "icans", "point")

    def __init__(
        self,
        a: Assessment,
        g: Graded | None,
        day0: datetime | None,
        doses: tuple[str, ...],
        shown: Callable[[datetime], str],
    ) -> None:
        self.assessment = a
        self.graded = g is not None
        self.crs = g.crs if g is not None else None
        self.icans = g.icans if g is not None else None
        self.day0 = day0
        self.doses = doses
        day = day_number(a.at, day0)
        values = row_values(g, a) if g is not None else {}
        self.flow = FlowRow(
            (
                shown(a.at),
                "" if day is None else f"{day:+d}",
                _temp(a),
                values.get("vasopressors", ""),
                values.get("oxygen", ""),
                values.get("CRS grade", ""),
                values.get("ICE/CAPD", ""),
                values.get("ICANS grade", ""),
                "; ".join(doses),
                a.by,
            ),
            a.comment,
        )
        self.point = chart_point(a, g)

    def made_from(
        self, a: Assessment, g: Graded | None, day0: datetime | None, doses: tuple[str, ...]
    ) -> bool:
        return (
            self.assessment is a
            and self.graded == (g is not None)
            and (g is None or (self.crs is g.crs and self.icans is g.icans))
            and self.day0 == day0
            and self.doses == doses
        )


class EpisodeController(QObject):
    #: The episode as the core computed it (None: nothing recorded, or the case refused).
    computed = Signal(object)
    #: The recorded episode changed (an edit of the case: autosave, unsaved prompt).
    edited = Signal()

    def __init__(
        self,
        view: EpisodeView,
        bar: RecordBar,
        day0_field: ValidatedField,
        state: CaseState,
        rs: Ruleset,
        profile: calculator.Profile,
        make_case: MakeCase,
        take_wizard: Callable[[], dict[str, Any] | None],
        fill_wizard: Callable[[Assessment | None], None],
        audit: Audit,
        due_label: QLabel,
    ) -> None:
        super().__init__(view)
        self.view = view
        self.bar = bar
        self.day0_field = day0_field
        self.state = state
        self.rs = rs
        self.profile = profile
        self._make_case = make_case
        self._take_wizard = take_wizard
        self._fill_wizard = fill_wizard
        self._audit = audit
        self.due_label = due_label
        self.assessments: list[Assessment] = []
        self.day0: datetime | None = None
        self.removed: list[tuple[int, Assessment]] = []
        #: The row being corrected in the wizard (kept in the episode until saved).
        self.editing: int | None = None
        self.result: EpisodeResult | None = None
        self.last_recompute_ms = 0.0
        #: The flowsheet row and chart point of each assessment as last shown, with what
        #: they were made from: a row is made again only when its inputs changed.
        self._rows_memo: list[_Row] = []
        self._instants: dict[tuple[datetime, int, str | None], datetime] = {}
        bar.record.clicked.connect(self.record)
        bar.start_from_last.clicked.connect(self.start_from_last)
        bar.cancel_correction.clicked.connect(self.cancel_correction)
        view.open_row.clicked.connect(self.open_selected)
        view.table.doubleClicked.connect(lambda *_: self.open_selected())
        view.remove_row.clicked.connect(self.remove_selected)
        view.undo_row.clicked.connect(self.undo_remove)
        day0_field.edit.editingFinished.connect(self._day0_typed)
        # EPI-REASSESS against the live clock: overdue is marked as the minutes pass.
        self.due_timer = QTimer(self)
        self.due_timer.setObjectName("episodeDueTimer")
        self.due_timer.setInterval(30_000)
        self.due_timer.timeout.connect(self.show_due)
        self.due_text = ""
        self.due_overdue = False

    # --- inputs from outside ---------------------------------------------------------

    def initials(self) -> str:
        return self.bar.initials.text().strip()

    def set_profile(self, profile: calculator.Profile) -> None:
        self.profile = profile
        self.recompute()

    def load(self, assessments: Sequence[Assessment], day0: datetime | None) -> None:
        """The episode of an opened or recovered case (or of New: empty)."""
        self.assessments = list(assessments)
        self.day0 = day0
        self.removed.clear()
        self.view.undo_row.setEnabled(False)
        self._end_correction()
        self.day0_field.edit.setText("" if day0 is None else day0.strftime("%Y-%m-%d"))
        self.day0_field.set_error(None)
        self._say("")
        self.recompute()

    # --- day 0 -------------------------------------------------------------------------

    def _day0_typed(self) -> None:
        text = self.day0_field.edit.text().strip()
        field = self.day0_field
        if not text:
            day0 = None
        else:
            try:
                day0 = datetime.strptime(text, "%Y-%m-%d")
            except ValueError:
                field.set_error("Day 0: type the infusion date as YYYY-MM-DD")
                return
            if self.assessments and self.assessments[0].at < day0:
                field.set_error(
                    f"Day 0 is after the first assessment ({self._when(self.assessments[0].at)})"
                )
                return
        field.set_error(None)
        if day0 != self.day0:
            self.day0 = day0
            self.recompute()
            self.edited.emit()

    # --- record, start from last -------------------------------------------------------

    def record(self) -> bool:
        """Record assessment (Ctrl+Enter): the wizard at "Assessed at" into the episode;
        while a row is being corrected, the corrected row replaces it."""
        if not self.bar.record.isEnabled():
            return False  # e.g. a teaching window: its episode is the scenario's
        wizard = self._take_wizard()
        if wizard is None:
            self._refuse(
                "Nothing is entered in the wizard: enter the findings (or answer Improving?) "
                "first, or Start from last assessment."
            )
            return False
        if self.editing is not None:
            return self._save_correction(wizard)
        if self.assessments and not self._later(wizard["at"], self.assessments[-1].at):
            self._refuse(
                f"Assessed at {self._when(wizard['at'])} is not later than the last recorded "
                f"assessment ({self._when(self.assessments[-1].at)}): set a later time or Now."
            )
            return False
        made = self._make_case([*self.assessments, wizard])
        if isinstance(made, str):
            self._refuse(made)
            return False
        new = made.assessments[-1]
        self.assessments.append(new)
        self.removed.clear()
        self.view.undo_row.setEnabled(False)
        self._log("recorded", {"row": len(self.assessments), "new": _dump(new)})
        self._fill_wizard(None)
        self.state.follow_live()
        self._say(f"Assessment {len(self.assessments)} ({self._when(new.at)}) recorded.")
        self.recompute(made)
        self.edited.emit()
        return True

    def start_from_last(self) -> None:
        """Copy the last recorded assessment into the wizard (on request only); the time
        stays the wizard's own (the live clock unless set)."""
        if not self.assessments:
            return
        self._fill_wizard(self.assessments[-1])
        self._say(
            f"The wizard holds a copy of assessment {len(self.assessments)} "
            f"({self._when(self.assessments[-1].at)}): change what is different, then Record."
        )

    # --- open / correct, remove / undo ------------------------------------------------

    def open_selected(self) -> None:
        row = self.view.selected_row()
        if not 0 <= row < len(self.assessments):
            return
        self.editing = row
        a = self.assessments[row]
        self._fill_wizard(a)
        self.state.set_at(a.at)
        self.bar.initials.setText(a.by)
        self.bar.record.setText("Save co&rrection (Ctrl+Enter)")
        self.bar.cancel_correction.show()
        self.bar.start_from_last.setEnabled(False)
        self._say(
            f"Assessment {row + 1} ({self._when(a.at)}) is open in the Grading wizard: correct "
            "it, then Save correction (the audit log keeps the old and new values)."
        )

    def _save_correction(self, wizard: dict[str, Any]) -> bool:
        row = self.editing
        assert row is not None
        old = self.assessments[row]
        candidate: list[Assessment | dict[str, Any]] = list(self.assessments)
        candidate[row] = wizard
        made = self._make_case(candidate)
        if isinstance(made, str):
            self._refuse(made)
            return False
        new = made.assessments[row]
        self.assessments[row] = new
        self._log("corrected", {"row": row + 1, "old": _dump(old), "new": _dump(new)})
        self._end_correction()
        self._fill_wizard(None)
        self.state.follow_live()
        self._say(f"Assessment {row + 1} ({self._when(new.at)}) corrected.")
        self.recompute(made)
        self.edited.emit()
        return True

    def cancel_correction(self) -> None:
        if self.editing is None:
            return
        self._end_correction()
        self._fill_wizard(None)
        self.state.follow_live()
        self._say("Correction cancelled: the row is as it was.")

    def _end_correction(self) -> None:
        self.editing = None
        self.bar.record.setText("&Record assessment (Ctrl+Enter)")
        self.bar.cancel_correction.hide()
        self.bar.error.set_error(None)

    def remove_selected(self) -> None:
        row = self.view.selected_row()
        if not 0 <= row < len(self.assessments) or self.editing is not None:
            return
        removed = self.assessments.pop(row)
        self.removed.append((row, removed))
        self.view.undo_row.setEnabled(True)
        self._log("removed", {"row": row + 1, "old": _dump(removed)})
        self._say(
            f"Assessment {row + 1} ({self._when(removed.at)}) removed. Undo remove puts it back."
        )
        self.recompute()
        self.edited.emit()

    def undo_remove(self) -> None:
        if not self.removed:
            return
        row, a = self.removed.pop()
        self.assessments.insert(min(row, len(self.assessments)), a)
        self.assessments.sort(key=lambda x: self._instant(x.at))
        self.view.undo_row.setEnabled(bool(self.removed))
        self._log("put back", {"row": row + 1, "new": _dump(a)})
        self._say(f"Assessment {row + 1} ({self._when(a.at)}) put back.")
        self.recompute()
        self.edited.emit()

    # --- the core's episode -------------------------------------------------------------

    def now(self) -> datetime:
        """The live clock for EPI-REASSESS (never before the last assessment)."""
        now = self.state.wall_now()
        if self.assessments and not self._later(now, self.assessments[-1].at):
            return self.assessments[-1].at
        return now

    def recompute(self, made_case: object = None) -> None:
        """The core's episode again (``made_case``: the case just validated by Record,
        not built twice)."""
        start = time.perf_counter()
        self.bar.start_from_last.setEnabled(bool(self.assessments) and self.editing is None)
        result: EpisodeResult | None = None
        case: CaseDocumentV2 | None = None
        if self.assessments:
            made = (
                made_case
                if isinstance(made_case, CaseDocumentV2)
                else self._make_case(self.assessments)
            )
            if isinstance(made, CaseDocumentV2):
                case = made
                try:
                    result = make_episode(case, self.profile, self.rs, self.now())
                except calculator.InputError as exc:
                    self._say(exc.message)
            else:
                self._say(f"The episode cannot be computed: {made}")
        self.result = result
        self._show(case, result)
        self.last_recompute_ms = (time.perf_counter() - start) * 1000
        self.computed.emit(result)

    def _show(self, case: CaseDocumentV2 | None, result: EpisodeResult | None) -> None:
        v = self.view
        given = sorted(
            ((self._instant(g.at), g) for g in (case.given if case is not None else ())),
            key=lambda pair: pair[0],
        )
        memo = self._rows_memo
        made: list[_Row] = []
        prev: datetime | None = None
        k = 0
        for i, a in enumerate(self.assessments):
            g = result.assessments[i] if result is not None else None
            doses: list[str] = []
            at = self._instant(a.at)
            # The doses given after the row before and at or before this one.
            while k < len(given) and given[k][0] <= at:
                if prev is None or given[k][0] > prev:
                    doses.append(dose_words(given[k][1]))
                k += 1
            prev = at
            said = tuple(doses)
            old = memo[i] if i < len(memo) else None
            if old is not None and old.made_from(a, g, self.day0, said):
                made.append(old)
            else:
                made.append(_Row(a, g, self.day0, said, self._when))
        self._rows_memo = made
        v.model.set_rows([r.flow for r in made])
        chart = (
            chart_from_points(tuple(r.point for r in made), case, self.rs.crs.fever.fever_min_c)
            if case is not None
            else ChartData(description="The chart is empty: the episode cannot be computed.")
        )
        v.chart.set_data(chart)
        description = chart.description
        v.description.setText(description)
        if result is None:
            v.summary.setText(
                "No assessment recorded yet: Record assessment (Ctrl+Enter) in the Grading "
                "wizard adds one."
                if not self.assessments
                else ""
            )
        else:
            s = result.summary
            v.summary.setText(
                f"{len(self.assessments)} assessments. CRS: {_syndrome(s.crs, self._when)}. "
                f"ICANS: {_syndrome(s.icans, self._when)}. "
                f"Tocilizumab: {s.tocilizumab.total} dose(s)."
            )
        self.show_due()

    def show_due(self) -> None:
        """EPI-REASSESS against the live clock (re-checked every 30 s)."""
        r = self.result
        label = self.due_label
        if r is None:
            self.due_text, self.due_overdue = "", False
            label.hide()
            self.due_timer.stop()  # nothing recorded: nothing falls due
            return
        if not self.due_timer.isActive():
            self.due_timer.start()
        zone = self.state.zone
        due = next_due(r.assessments, r.summary.crs, r.summary.icans, self.now(), self.rs, zone)
        overdue = any(d is not None and d.overdue for d in (due.vital_signs, due.ice_capd))
        self.due_text = due.text if due.active else ""
        self.due_overdue = overdue
        label.setText(("⚠ " if overdue else "") + "Next assessment: " + self.due_text)
        role = "warning" if overdue else ""
        if label.property("role") != role:
            label.setProperty("role", role)
            repolish(label)  # the overdue style shows only once the style is applied again
        label.setVisible(bool(self.due_text))

    # --- helpers ---------------------------------------------------------------------

    def _when(self, at: datetime) -> str:
        return self.state.when(at)  # with its offset in the hour the clocks go back

    def _later(self, a: datetime, b: datetime) -> bool:
        return self._instant(a) > self._instant(b)

    def _instant(self, at: datetime) -> datetime:
        """``at`` (a wall time with its fold) as a real instant in the case's zone, kept:
        the flowsheet orders 500 rows and their doses on every Record."""
        key = (at, at.fold, self.state.zone_name)  # datetime equality ignores the fold
        hit = self._instants.get(key)
        if hit is None:
            if len(self._instants) > 20_000:
                self._instants.clear()
            hit = self._instants[key] = instant(self.state.core(at))
        return hit

    def _refuse(self, message: str) -> None:
        # The core names assessments[i]; the flowsheet shows row i + 1.
        said = _ROW.sub(lambda m: f"row {int(m[1]) + 1}", message)
        self.bar.error.set_error(said)

    def _say(self, text: str) -> None:
        self.bar.error.set_error(None)
        self.bar.notice.setText(text)
        self.view.notice.setText(text)
        self.bar.notice.setVisible(bool(text))
        self.view.notice.setVisible(bool(text))

    def _log(self, what: str, details: dict[str, Any]) -> None:
        problem = self._audit(what, details)
        if problem is not None:
            self.view.notice.setText(problem)
            self.view.notice.show()


def _dump(a: Assessment) -> dict[str, Any]:
    return a.model_dump(mode="json", exclude_defaults=True)


def _temp(a: Assessment) -> str:
    if a.crs is None or a.crs.temperature_c is None:
        return ""
    return f"{a.crs.temperature_c:g}"


def _syndrome(s: Any, shown: Callable[[datetime], str]) -> str:
    if s.current_grade is None:
        return "not assessed"
    top = f", maximum {s.max_grade.grade} at {shown(s.max_grade.at)}" if s.max_grade else ""
    return f"grade {s.current_grade.grade} now{top}"
