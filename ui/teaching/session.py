"""One learner working through one scenario: the teaching window and its logic.

Isolation by construction: the teaching window is its own ``AppController`` built with the
scenario clock and no storage locations, so it has no autosave, no recovery, no settings
file and no audit log, and its case never reaches the clinical window. The tools are the
app's own (grading, dose, taper), reused, with their results covered until the learner
commits. Each new learner gets a new window: a clean state.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QDockWidget, QVBoxLayout, QWidget

import calculator
from calculator.edge.errors import InputError
from calculator.edge.inputs import validate
from calculator.records.case_v2 import Assessment
from calculator.teaching import (
    ATTEMPT_FORMAT,
    Answer,
    Attempt,
    ItemScore,
    Scenario,
    ScoreResult,
    scenario_key,
    scenario_profile,
    score_attempt,
    score_checkpoint,
)
from ui.case.local_clock import from_core
from ui.controllers.app import AppController
from ui.models import PatientContext
from ui.teaching.views import WATERMARK, Banner, Cover, TeachingPanel
from ui.timeentry import parse_time, shown
from ui.units import NotANumber, read_number
from ui.widgets import RuleLinks, plain_text_everywhere

Timer = Callable[[], float]
MAX_LEARNER = 300
#: The scenario panel's width at 100% text (wider when its content needs it).
PANEL_WIDTH = 420


class ScenarioClock:
    """The clock of a teaching window: the current checkpoint's time, never the wall's."""

    def __init__(self, at: datetime) -> None:
        self.now = at

    def __call__(self) -> datetime:
        return self.now


def _show(value: Any, item: str) -> str:
    if value is None:
        if item == "next_tocilizumab_at":
            return "none (no further dose)"
        return "—"
    if item == "tocilizumab_dose_mg":
        return f"{value:g} mg"
    if item in ("crs_grade", "icans_grade"):
        return f"grade {value}"
    if isinstance(value, datetime):
        return shown(value)
    return str(value).replace("T", " ")


class TeachingSession(QObject):
    committed = Signal(object)  # tuple[ItemScore, ...] of the checkpoint just committed
    finished = Signal(object)  # ScoreResult

    def __init__(
        self,
        scenario: Scenario,
        learner: str = "",
        timer: Timer = time.monotonic,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.scenario = scenario
        self.rs = calculator.ruleset()
        self.profile = scenario_profile(scenario, self.rs)
        self.key = scenario_key(scenario, self.profile, self.rs)
        self.timer = timer
        self.clock = ScenarioClock(scenario.checkpoints[0].at)
        # No locations: nothing of this window is ever written to the clinical folders.
        self.app = AppController(clock=self.clock, locations=None)
        self.app.set_profile(self.profile)
        self.window = self.app.window
        self.window.setObjectName("teachingWindow")
        self.window.setWindowTitle(f"{WATERMARK} — {scenario.title}")
        self.window.setAccessibleName(f"Teaching: {scenario.title}")
        # Over the tools, compact: the panel beside it carries the large one.
        self.banner = Banner("windowBanner", compact=True)
        central = self.window.centralWidget().layout()
        if isinstance(central, QVBoxLayout):
            central.insertWidget(0, self.banner)
        self.panel = TeachingPanel()
        self.panel.title.setText(scenario.title)
        self.panel.learner.setText(learner)
        self.dock = QDockWidget("Scenario", self.window)
        self.dock.setObjectName("teachingDock")
        self.dock.setAccessibleName("Scenario")
        self.dock.setFeatures(QDockWidget.DockWidgetFeature.NoDockWidgetFeatures)
        self.dock.setWidget(self.panel)
        self.window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        plain_text_everywhere(self.panel)  # the scenario's words are shown as written
        self.window.statusBar().showMessage(WATERMARK)
        self._lock_clinical_actions()
        self.covers = self._build_covers()
        self.answers: dict[str, Answer] = {}
        self.index = 0
        self.shown_at = timer()
        self.panel.commit.clicked.connect(lambda: self.commit())
        self.panel.next.clicked.connect(lambda: self.next_checkpoint())
        self.panel.finish.clicked.connect(lambda: self.finish())
        self._load_patient()
        self.show_checkpoint(0)
        # The tools get the room: the scenario panel is as narrow as its content allows
        # (it scrolls down, never sideways), which at a 200% font leaves the tools usable.
        width = max(PANEL_WIDTH, self.panel.minimumSizeHint().width())
        self.dock.setMinimumWidth(width)
        self.window.resizeDocks([self.dock], [width], Qt.Orientation.Horizontal)

    # --- set-up ------------------------------------------------------------------------

    def _lock_clinical_actions(self) -> None:
        """A simulated case is never saved, printed or double-checked as a clinical one,
        its profile is the scenario's, and its time is the scenario clock."""
        w = self.window
        for action in (
            w.action_new,
            w.action_open,
            w.action_save,
            w.action_save_as,
            w.action_print_handoff,
            w.action_export_handoff,
            w.action_double_check,
            w.action_settings,
        ):
            action.setEnabled(False)
            action.setVisible(False)
        for action in w.profile_actions.values():
            action.setEnabled(False)
        w.profile_menu.setEnabled(False)
        w.action_quit.setText("&Close scenario")
        bar = w.patient_bar
        for widget in (bar.assessed, bar.weight, bar.weight_unit, bar.age, bar.product):
            widget.setEnabled(False)
        # "set by you · Now goes back to live" says nothing here (the time is the scenario
        # clock, shown in the panel); its lines go to the tools (a 200% font).
        bar.assessed.mode.hide()
        self.app.dose.view.time_field.now_button.setToolTip("The scenario clock")
        # The episode is the scenario's checkpoints, not recorded by the learner.
        self.app.grading.view.record_bar.record.setEnabled(False)  # Ctrl+Enter too
        self.app.grading.view.record_bar.hide()

    def _build_covers(self) -> list[Cover]:
        grading = self.app.grading.view
        dose = self.app.dose.view
        dose_card = dose.dose_value.parentWidget()
        assert dose_card is not None
        return [
            Cover(grading.crs_result, "coverCrsResult"),
            Cover(grading.icans_result, "coverIcansResult"),
            # The grade badges are pinned above the findings, apart from their results.
            Cover(grading.crs_result.badge, "coverCrsBadge", short=True),
            Cover(grading.icans_result.badge, "coverIcansBadge", short=True),
            Cover(grading.management, "coverManagement"),
            # 'Other scales' shows the ASTCT grades beside the older scales' ones.
            Cover(grading.crosswalk.table, "coverOtherScales"),
            Cover(dose_card, "coverDose"),
            Cover(dose.log_box, "coverDoseClock", below=dose.eligibility),
            Cover(self.app.taper.view, "coverTaper"),
        ]

    def _load_patient(self) -> None:
        p = self.scenario.patient
        cp = self.scenario.checkpoints[0]
        self.app.patient.load(
            PatientContext(
                label=p.label or "SIM",
                weight_kg=p.weight_kg,
                age_years=p.age_years,
                product=p.product or "",
                assessed_at=cp.at,
            )
        )

    def set_covered(self, on: bool) -> None:
        for cover in self.covers:
            cover.set_covering(on)

    def results_hidden(self) -> bool:
        return all(not c.isHidden() for c in self.covers)

    # --- the checkpoints ---------------------------------------------------------------

    @property
    def checkpoint(self) -> Any:
        return self.scenario.checkpoints[self.index]

    def _show_passed(self, index: int) -> None:
        """The checkpoints already passed, as an episode (issue 24): the Episode view shows
        their findings and grades (already scored and shown), never the current one."""
        passed = [
            Assessment(at=from_core(c.at), crs=c.crs, icans=c.icans, improving=c.improving)
            for c in self.scenario.checkpoints[:index]
        ]
        self.app.episode.load(passed, None)

    def show_checkpoint(self, index: int) -> None:
        self.index = index
        cp = self.scenario.checkpoints[index]
        self.clock.now = cp.at
        self.app.state.set_at(cp.at)
        self.app.dose.set_doses(list(cp.tocilizumab_doses))
        self._show_passed(index)
        self.set_covered(True)
        self.panel.show_checkpoint(
            index, len(self.scenario.checkpoints), cp.at, cp.narrative, cp.ask
        )
        self.shown_at = self.timer()

    def read_answer(self) -> Answer:
        """The form as an Answer; InputError names the field of anything not readable."""
        cp = self.checkpoint
        form = self.panel.answers
        data: dict[str, Any] = {"checkpoint": cp.id}
        if "crs_grade" in cp.ask and form.crs_grade.currentData() is not None:
            data["crs_grade"] = form.crs_grade.currentData()
        if "icans_grade" in cp.ask and form.icans_grade.currentData() is not None:
            data["icans_grade"] = form.icans_grade.currentData()
        if "actions" in cp.ask:
            data["actions"] = [
                {"code": code, "strength": combo.currentData()}
                for code, combo in form.actions.items()
                if combo.currentData() is not None
            ]
        text = form.dose.text().strip()
        if "tocilizumab_dose_mg" in cp.ask and text:
            try:
                data["tocilizumab_dose_mg"] = read_number(text, "Tocilizumab dose (mg)")
            except NotANumber as exc:
                raise InputError.for_field("tocilizumab_dose_mg", str(exc)) from None
        text = form.next_at.text().strip()
        if "next_tocilizumab_at" in cp.ask and text:
            if text.lower() in ("none", "no", "-"):
                data["next_tocilizumab_at"] = None
            else:
                at = parse_time(text, cp.at.date())
                if at is None:
                    raise InputError.for_field(
                        "next_tocilizumab_at", f"{text!r} is not a time (type 0730 or 'none')"
                    )
                data["next_tocilizumab_at"] = at
        data["seconds"] = round(max(0.0, self.timer() - self.shown_at), 1)
        return validate(Answer, data)

    def commit(self) -> tuple[ItemScore, ...] | None:
        """Score the checkpoint against the key, uncover the tools, show the feedback."""
        form = self.panel.answers
        form.dose_error.set_error(None)
        form.next_error.set_error(None)
        try:
            answer = self.read_answer()
        except InputError as err:
            for f in err.fields:
                if f.field.endswith("tocilizumab_dose_mg"):
                    form.dose_error.set_error(f.message)
                elif f.field.endswith("next_tocilizumab_at"):
                    form.next_error.set_error(f.message)
            self.panel.error.set_error(err.message)
            return None
        self.panel.error.set_error(None)
        cp = self.checkpoint
        key = self.key.checkpoints[self.index]
        items, critical = score_checkpoint(key, answer, self.rs)
        self.answers[cp.id] = answer
        form.set_locked(True)
        self.panel.commit.setEnabled(False)
        self.set_covered(False)
        cards = [
            (i, _show(i.answer, self._kind(i.item)), _show(i.key, self._kind(i.item)))
            for i in items
        ]
        self.panel.feedback.show_feedback(
            sum(i.points for i in items),
            sum(i.possible for i in items),
            critical,
            cards,
            cp.teaching_points,
        )
        for links in self.panel.feedback.findChildren(RuleLinks):
            links.rule_activated.connect(self.app.show_rule)
        self.panel.feedback.show()
        last = self.index == len(self.scenario.checkpoints) - 1
        self.panel.next.setVisible(not last)
        self.panel.finish.setVisible(True)
        self.panel.finish.setText("&Finish and debrief" if last else "&Stop here and debrief")
        self.committed.emit(items)
        return items

    @staticmethod
    def _kind(item: str) -> str:
        return "action" if item.startswith("actions.") else item

    def next_checkpoint(self) -> None:
        if self.index + 1 < len(self.scenario.checkpoints):
            self.show_checkpoint(self.index + 1)

    # --- the attempt -------------------------------------------------------------------

    def attempt(self) -> Attempt:
        learner = self.panel.learner.text().strip()[:MAX_LEARNER]
        answers = [self.answers[c.id] for c in self.scenario.checkpoints if c.id in self.answers]
        return Attempt(
            format=ATTEMPT_FORMAT, scenario=self.scenario, learner=learner, answers=tuple(answers)
        )

    def score(self) -> ScoreResult:
        return score_attempt(self.attempt(), self.profile, self.rs, key=self.key)

    def finish(self) -> QWidget:
        from ui.teaching.debrief import DebriefDialog

        score = self.score()
        dialog = DebriefDialog(score, self.attempt(), self.window)
        self.app.keep_dialog(dialog)
        self.finished.emit(score)
        return dialog

    def close(self) -> None:
        self.window.close()
        self.window.deleteLater()
