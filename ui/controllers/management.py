"""The management panel's logic: current grades + patient + dose log -> core recommend()."""

from __future__ import annotations

import re
import time
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, Signal

import calculator
from calculator.edge.inputs import validate
from calculator.management import RecommendInput, RecommendResult, recommend
from calculator.management.models import Action
from calculator.words import clock
from ui.case.state import CaseState
from ui.models import Grades, PatientContext
from ui.trace import VERIFY
from ui.units import fmt
from ui.views.management import ManagementPanel
from ui.widgets import plain_tip

#: Actions whose drug the dose panel computes.
DOSE_PANEL_DRUGS = {"tocilizumab", "dexamethasone", "methylprednisolone", "anakinra", "siltuximab"}


def when_text(moment: datetime, at: datetime) -> str:
    """16:00 on the day of the assessment, else with its date (Sun 22 Nov 04:00); a time of
    the core in the hour the clocks go back with its offset, 02:30 (+01:00), as every time
    a person reads (calculator.words.when): the two 02:30s are an hour apart."""
    return clock(moment, "%H:%M" if moment.date() == at.date() else "%a %d %b %H:%M")


_DATE_TIME = re.compile(r"\b(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})\b")


def friendly_times(text: str, at: datetime) -> str:
    """The core's date-times (2026-11-21 20:00 or 2026-11-21T20:00) as a nurse reads them:
    20:00 on the day of the assessment, else with the day."""

    def said(m: re.Match[str]) -> str:
        return when_text(datetime.fromisoformat(f"{m.group(1)}T{m.group(2)}"), at)

    return _DATE_TIME.sub(said, text)


class ManagementController(QObject):
    recommended = Signal(object)  # calculator.management.RecommendResult
    open_dose = Signal(str, object)  # drug, regimen id or None
    open_taper = Signal(str)  # taper regimen rule ID
    rule_activated = Signal(str)  # a rule link of an action was followed

    def __init__(
        self,
        view: ManagementPanel,
        profile: calculator.Profile,
        state: CaseState,
    ) -> None:
        super().__init__(view)
        self.view = view
        self.profile = profile
        self.state = state
        self.patient = state.patient()
        self.grades = Grades()
        self.doses: tuple[datetime, ...] = ()
        self.history: dict[str, Any] = {}
        self.result: RecommendResult | None = None
        self.last_recompute_ms = 0.0
        self._last_key: tuple[object, ...] | None = None
        view.improving.changed.connect(self.recompute)
        view.rule_activated.connect(self.rule_activated)
        view.dose_requested.connect(self.open_dose)
        view.taper_requested.connect(self.open_taper)
        # The suggestions are for the case's time, the one the dose log counts down on.
        state.clock_changed.connect(self.recompute)

    def set_profile(self, profile: calculator.Profile) -> None:
        self.profile = profile
        self.recompute()

    def set_patient(self, patient: PatientContext) -> None:
        self.patient = patient
        self.recompute()

    def set_grades(self, grades: Grades) -> None:
        self.grades = grades
        self.recompute()

    def set_history(self, facts: dict[str, Any]) -> None:
        """The episode's history facts (EPI-24H, EPI-72H, EPI-G1DAYS; issue 24): the plan
        says which of them decided."""
        if facts != self.history:
            self.history = facts
            self.recompute()

    def set_doses(self, doses: list[datetime]) -> None:
        self.doses = tuple(doses)
        self.recompute()

    def payload(self) -> dict[str, Any]:
        p = self.patient
        data: dict[str, Any] = {
            "crs_grade": self.grades.crs,
            "icans_grade": self.grades.icans,
            "tocilizumab_doses": tuple(self.state.core(d) for d in self.doses),
            "at": self.state.core(self.state.at()),
            # MGT-IMPROVING: None until someone answers; never assumed.
            "improving": self.view.improving.value(),
            "seizure": self.grades.seizure,
            **self.history,
        }
        # A refused weight or age is marked in the patient bar by the tool that uses it;
        # here it is left out, so the suggestions stay and say what they lack.
        for name in ("weight_kg", "age_years"):
            value = getattr(p, name)
            if isinstance(value, float):
                data[name] = value
        if p.product:
            data["product"] = p.product
        if self.state.zone_name is not None:
            data["time_zone"] = self.state.zone_name  # real hours (issue 20)
        return data

    def recompute(self, *_: object) -> None:
        start = time.perf_counter()
        v = self.view
        if self.grades.crs is None or self.grades.icans is None:
            v.summary.setText(
                "Suggestions follow once CRS and ICANS are both graded (see the grades)."
            )
            self._clear()
            return
        payload = self.payload()
        key = (self.profile, tuple(sorted((k, repr(v)) for k, v in payload.items())))
        if key == self._last_key:
            return  # same question, same answer: nothing to redraw
        self._last_key = key
        try:
            result = recommend(validate(RecommendInput, payload), self.profile)
        except calculator.InputError as exc:
            # A refused question has no answer: the suggestions made for the one before
            # (another time, other doses) go, and the message says what to fix.
            self._clear()
            self._last_key = key
            v.summary.setText("No suggestions until the problem below is fixed.")
            v.error.set_error(
                "; ".join(f"{f.field}: {f.message}" for f in exc.fields) or exc.message
            )
            return
        v.error.set_error(None)
        self.result = result
        managed = (
            f" (managed as CRS grade {result.managed_as_crs_grade})"
            if result.managed_as_crs_grade != result.crs_grade
            else ""
        )
        v.summary.setText(
            f"For CRS grade {result.crs_grade}{managed} and ICANS grade {result.icans_grade}, "
            f"profile {result.profile}:"
        )
        # Refilled even when the actions are equal: their times are said relative to the
        # assessment day ("20:00" on it, "Sat 21 Nov 20:00" on any other), which can move
        # while the plan stays the same. A refill keeps the cards (about 1 ms).
        self._show_actions(result)
        v.improving.set_effects(self._effects(result))
        no_treatment = self._no_treatment(result)
        v.set_no_treatment(no_treatment)
        # MGT-G5: nothing is suggested, so there is no answer to ask for; the reason is
        # said once, in the panel's own box.
        v.improving.setVisible(not no_treatment)
        at = self.state.at()
        warnings = [friendly_times(w, at) for w in result.warnings if w != no_treatment]
        v.warnings.set_items(warnings, "⚠ Warnings")
        v.rules.set_rules(result.rules)
        self.recommended.emit(result)
        self.last_recompute_ms = (time.perf_counter() - start) * 1000

    def _effects(self, result: RecommendResult) -> list[str]:
        """MGT-IMPROVING: what each answer would change, as the core says it."""
        at = self.state.at()
        lines = []
        for word, changes in (("yes", result.if_improving), ("no", result.if_not_improving)):
            if changes:
                lines.append(f"If {word}: {friendly_times('; '.join(changes), at)}.")
        return lines

    @staticmethod
    def _no_treatment(result: RecommendResult) -> str:
        """MGT-G5: the core suggests nothing at grade 5 and says why in a warning."""
        if result.actions:
            return ""
        said = [w for w in result.warnings if w.startswith("MGT-G5")]
        return said[0] if said else ""

    def _clear(self) -> None:
        self.view.improving.setVisible(True)
        self.view.improving.set_effects([])
        self.view.set_no_treatment("")
        self.view.clear_items()
        self.view.warnings.set_items([], "")
        self.view.rules.set_rules([])
        self.result = None
        self._last_key = None

    @staticmethod
    def _when(a: Action, at: datetime) -> str:
        """MGT-WAIT: when the next dose is allowed, as a clock time."""
        if a.not_before is None:
            return ""
        return f"Next {a.code} dose allowed from {when_text(a.not_before, at)}"

    def _text(self, a: Action, at: datetime) -> str:
        """The core's text, its times said as clock times, without repeating the line
        that says when the next dose is allowed (shown on its own)."""
        text = friendly_times(a.text, at)
        when = self._when(a, at)
        if when and text.startswith(f"{when}."):
            text = text[len(when) + 1 :].strip()
        return text

    def _show_actions(self, result: RecommendResult) -> None:
        v = self.view
        at = self.state.at()
        items = v.set_item_count(len(result.actions))
        for a, item in zip(result.actions, items, strict=True):
            detail = ""
            if a.dose_mg is not None:
                every = f" every {fmt(a.every_h)} h" if a.every_h else ""
                days = f" for {a.days} days" if a.days else ""
                detail = f"{fmt(a.dose_mg)} mg {a.route or ''}{every}{days}".replace("  ", " ")
            item.set_action(a.strength, self._text(a, at), detail)
            item.set_when(self._when(a, at))
            missing = [r for r in a.replaces if r not in a.text]
            item.set_replaces(f"Replaces {'; '.join(missing)} (not in addition)" if missing else "")
            item.caveats.set_items(a.caveats, "Caveat")
            item.set_verify(f"⚠ {VERIFY}" if a.verify else "")
            item.rules.set_rules(a.rules)
            item.detail.setToolTip(plain_tip("\n".join(a.dose_working)))
            dose = (
                (a.code, a.regimen)
                if a.code in DOSE_PANEL_DRUGS and a.strength != "avoid"
                else None
            )
            item.set_buttons(dose, a.taper or None)
