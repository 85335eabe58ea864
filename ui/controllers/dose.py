"""The dose panel's logic: patient context + drug -> DoseInput -> core dose(); the
tocilizumab dose log -> ScheduleInput -> core tocilizumab_schedule(), counted down.

The dose log counts down on the case's clock (CaseState.at: "Assessed at", live until
set), the same time the management panel, the autosave and the printed record use.
Nothing typed is lost here: a dose later than a set assessment time is never dropped
(the user is asked to move the assessment time), a removed dose can be put back, a
second dose at the same time asks first, and a double click adds one dose.

Real time (issue 20): the core gets the system zone and counts real hours across a
daylight-saving change. The countdown is anchored on the last answer and runs on a
monotonic clock, so a wall clock set back neither freezes it nor is blamed on the user:
the log says the computer's clock went back and keeps every dose.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal, get_args
from zoneinfo import ZoneInfo

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

import calculator
from calculator.dosing import (
    AgentDose,
    DoseInput,
    ScheduleInput,
    ScheduleResult,
    TocilizumabDose,
    dose,
    regimens,
    tocilizumab_schedule,
)
from calculator.edge.inputs import validate
from calculator.local_time import add_hours, elapsed, instant, is_later
from calculator.records.case_v2 import MAX_GIVEN_MG, Given
from calculator.rulebook.dosing import Drug
from calculator.rulebook.episode import GivenDrug
from ui.case.local_clock import from_core
from ui.case.state import CaseState
from ui.controllers.time_entry import TimeEntry
from ui.models import FieldMessage, PatientContext
from ui.units import NotANumber, fmt, kg_to_lb, read_number
from ui.views.dose import DoseView
from ui.widgets import plain_tip, question_box

LateChoice = Literal["now", "dose"]


def ask_late_dose(parent: QWidget, dose_at: str, case_at: str, can_now: bool) -> LateChoice | None:
    """The dose is later than the (set) assessment time: move the time, or do not add.
    ``dose_at`` and ``case_at`` as the case says times (``CaseState.when``)."""
    box = QMessageBox(parent)
    box.setObjectName("lateDoseQuestion")
    box.setIcon(QMessageBox.Icon.Question)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setWindowTitle("Dose later than the assessment time")
    box.setText(
        f'The dose at {dose_at} is later than "Assessed at" {case_at}.\n\n'
        "The dose clock counts at the assessment time, so a later dose is not counted yet "
        "(the case would keep it). Move the assessment time "
        "so the dose is counted?"
    )
    now = box.addButton("Assessed at: now (live)", QMessageBox.ButtonRole.AcceptRole)
    now.setEnabled(can_now)
    at_dose = box.addButton(f"Assessed at: {dose_at}", QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton("Do not add", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(now if can_now else at_dose)
    box.setEscapeButton(cancel)
    box.exec()
    clicked = box.clickedButton()
    box.deleteLater()
    if clicked is now:
        return "now"
    if clicked is at_dose:
        return "dose"
    return None


def ask_duplicate(parent: QWidget, at: str) -> bool:
    """``at`` as the case says times (``CaseState.when``)."""
    answer = question_box(
        parent,
        "Same dose time twice?",
        f"A dose at {at} is already in the log. Add a second dose at the same time?",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


def _messages(exc: calculator.InputError) -> list[FieldMessage]:
    if not exc.fields:
        return [FieldMessage(field="input", message=exc.message)]
    return [FieldMessage(field=f.field, message=f.message) for f in exc.fields]


def countdown_text(now: datetime, result: ScheduleResult, zone: ZoneInfo | None = None) -> str:
    """Plain words for the clock: "Next dose allowed in 3 h 05 min"; real hours in
    ``zone`` (the app's naive times, their fold kept), wall-clock hours without."""
    if result.next_eligible_at is None:
        return "No further dose this episode (maximum reached)."
    left = elapsed(now, result.next_eligible_at, zone).total_seconds()
    if result.eligible or left <= 0:
        return "A dose may be given now (within the profile's limits)."
    return left_text(left)


def left_text(seconds: float) -> str:
    if seconds <= 0:
        return "A dose may be given now (within the profile's limits)."
    minutes = int((timedelta(seconds=seconds) + timedelta(seconds=59)).total_seconds() // 60)
    hours, mins = divmod(minutes, 60)
    return f"Next dose allowed in {hours} h {mins:02d} min"


@dataclass(frozen=True)
class DoseDetail:
    """What the ledger keeps of a dose beside its time (issue 24)."""

    dose_mg: float | None = None
    by: str = ""
    prophylactic: bool = False

    def entry(self, drug: str, at: datetime) -> dict[str, Any]:
        """The dose as an entry of the case document's ``given`` (only what was typed)."""
        out: dict[str, Any] = {"drug": drug, "at": at}
        if self.dose_mg is not None:
            out["dose_mg"] = self.dose_mg
        if self.by:
            out["by"] = self.by
        if self.prophylactic:
            out["prophylactic"] = True
        return out

    def words(self) -> str:
        """`` (560 mg, by CD, prophylactic)``, or nothing when nothing was typed."""
        parts = [f"{fmt(self.dose_mg)} mg" if self.dose_mg is not None else ""]
        parts += [f"by {self.by}" if self.by else "", "prophylactic" if self.prophylactic else ""]
        said = ", ".join(p for p in parts if p)
        return f" ({said})" if said else ""


class DoseController(QObject):
    dose_computed = Signal(object)  # TocilizumabDose | AgentDose
    schedule_computed = Signal(object)  # ScheduleResult
    doses_changed = Signal(object)  # list[datetime]: the dose log
    patient_errors = Signal(object)  # list[FieldMessage] for the patient bar

    def __init__(self, view: DoseView, profile: calculator.Profile, state: CaseState) -> None:
        super().__init__(view)
        self.view = view
        self.profile = profile
        self.state = state
        self.patient = state.patient()
        self.result: TocilizumabDose | AgentDose | None = None
        self.schedule: ScheduleResult | None = None
        self.dose_times: list[datetime] = []
        #: The ledger (issue 24): each logged dose's amount, initials, prophylactic mark
        #: by its time; doses of other drugs from an opened case are kept as they were.
        self.details: dict[datetime, DoseDetail] = {}
        self.other_given: tuple[Given, ...] = ()
        self.last_recompute_ms = 0.0
        self._last_key: tuple[object, ...] | None = None
        self._regimens = regimens().regimens
        for drug in get_args(Drug):
            view.drug.addItem(drug.capitalize(), drug)
        # The ledger takes every drug the case's ``given`` may hold (EPI-LEDGER, EPI-STEROID);
        # tocilizumab first: the repeat-dose clock counts it alone.
        for given_drug in get_args(GivenDrug):
            view.dose_drug.addItem(given_drug.capitalize(), given_drug)
        view.drug.currentIndexChanged.connect(self._drug_changed)
        view.regimen.currentIndexChanged.connect(self.recompute)
        view.add_dose.clicked.connect(self.add_dose_from_view)
        view.remove_dose.clicked.connect(self.remove_selected)
        view.undo_remove.clicked.connect(self.undo_remove)
        view.undo_shortcut.activated.connect(self.undo_remove)
        #: What Remove took out, last first: a tocilizumab dose (time, detail) or another
        #: drug's dose (its Given), for Undo.
        self.removed: list[tuple[datetime, DoseDetail | None] | Given] = []
        self.time = TimeEntry(view.time_field, state.wall_clock, lambda: state.zone)
        #: (monotonic seconds, real seconds left) of the last answer: the countdown runs on
        #: from it on the monotonic clock, whatever the wall clock does.
        self._anchor: tuple[float, float] | None = None
        #: The wall clock went back since the last answer with this dose log: the
        #: countdown stays on the monotonic clock (the wall clock no longer measures the
        #: time since the doses) until the wall clock agrees again or the log changes.
        self._hold = False
        state.clock_jumped.connect(self._clock_jumped)
        view.dose_time.returnPressed.connect(self.add_dose_from_view)
        view.time_field.now_button.clicked.connect(lambda: self.time.show(state.wall_now()))
        view.time_field.minus_hour.clicked.connect(self._hour_earlier)
        # A double click on "Add dose" is two clicks: the second, within the double-click
        # interval and for the same time, is not a second dose.
        self._guard = QTimer(self)
        self._guard.setSingleShot(True)
        self._last_added: datetime | None = None
        state.clock_changed.connect(self._clock_moved)
        self.time.show(state.at())
        self._fill_regimens()
        self.recompute()
        self.recompute_schedule()

    # --- inputs from outside ---------------------------------------------------------

    def set_profile(self, profile: calculator.Profile) -> None:
        self.profile = profile
        self.recompute()
        self.recompute_schedule()

    def set_patient(self, patient: PatientContext) -> None:
        self.patient = patient
        self.recompute()

    def select(self, drug: str, regimen: str | None = None) -> None:
        """Open the panel on a drug (and regimen): used by the management panel's actions."""
        self.view.drug.setCurrentIndex(self.view.drug.findData(drug))
        if regimen is not None:
            index = self.view.regimen.findData(regimen)
            if index >= 0:
                self.view.regimen.setCurrentIndex(index)

    # --- dose ------------------------------------------------------------------------

    def _drug_changed(self, *_: object) -> None:
        self._fill_regimens()
        self.recompute()

    def _fill_regimens(self) -> None:
        combo = self.view.regimen
        drug = self.view.drug.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem("Standard for this weight and age", None)
        for reg in self._regimens:
            if reg.drug == drug:
                mark = " ⚠ verify against local protocol" if reg.needs_verification else ""
                combo.addItem(f"{reg.label} [{reg.status}]{mark}", reg.id)
        combo.setEnabled(combo.count() > 2)
        combo.blockSignals(False)

    def payload(self) -> dict[str, Any]:
        return {
            "drug": self.view.drug.currentData(),
            "weight_kg": self.patient.weight_kg,
            "age_years": self.patient.age_years,
            "regimen": self.view.regimen.currentData(),
        }

    def recompute(self, *_: object) -> None:
        start = time.perf_counter()
        v = self.view
        key = (self.profile, repr(sorted(self.payload().items())))
        if key == self._last_key:
            return
        self._last_key = key
        self._summary()
        refused: list[FieldMessage] = []
        try:
            inp = validate(DoseInput, self.payload())
            result = dose(inp, self.profile)
        except calculator.InputError as exc:
            refused = _messages(exc)
        else:
            self.result = result
            self._show(result)
            self.dose_computed.emit(result)
        self.patient_errors.emit([m for m in refused if m.field in ("weight_kg", "age_years")])
        rest = [m for m in refused if m.field not in ("weight_kg", "age_years")]
        v.regimen_error.set_error("; ".join(f"{m.field}: {m.message}" for m in rest) or None)
        if refused:
            self._show_refused()
        self.last_recompute_ms = (time.perf_counter() - start) * 1000

    def _summary(self) -> None:
        p = self.patient
        parts = []
        if isinstance(p.weight_kg, float):
            parts.append(f"Weight {fmt(p.weight_kg)} kg (= {fmt(kg_to_lb(p.weight_kg))} lb)")
        else:
            parts.append("Weight not entered")
        if isinstance(p.age_years, float):
            parts.append(f"age {fmt(p.age_years)} years")
        else:
            parts.append("age not entered")
        self.view.patient_summary.setText(" · ".join(parts) + " (from the patient bar)")

    def _show_refused(self) -> None:
        v = self.view
        v.dose_value.setText("—")
        missing = [
            name
            for name, value in (("weight", self.patient.weight_kg), ("age", self.patient.age_years))
            if not isinstance(value, float)
        ]
        v.dose_caption.setText(
            f"Enter a valid {' and '.join(missing)} in the patient bar to compute the dose."
            if missing
            else "Fix the marked field to compute the dose."
        )
        for key in v.facts:
            self._fact(key, None)
        for lst in (v.working, v.stability, v.warnings, v.notes):
            lst.set_items([], "")
        v.rules.set_rules([])
        self.result = None

    def _fact(self, key: str, text: str | None) -> None:
        self.view.facts[key].setText(text or "")
        self.view.facts[key].setVisible(bool(text))
        self.view.fact_captions[key].setVisible(bool(text))

    def _show(self, r: TocilizumabDose | AgentDose) -> None:
        v = self.view
        v.warnings.set_items(r.warnings, "⚠ Warnings")
        v.working.set_items(r.working, "Working")
        v.notes.set_items([f"{n.rule}: {n.text}" for n in r.notes], "Notes")
        v.rules.set_rules(r.rules)
        v.dose_value.setToolTip(plain_tip("\n".join(r.working)))
        if isinstance(r, TocilizumabDose):
            v.dose_value.setText(f"{fmt(r.dose_mg)} mg")
            cap = " — capped at the maximum per infusion" if r.capped else ""
            v.dose_caption.setText(
                f"Tocilizumab {fmt(r.dose_mg)} mg {r.route} over {r.infusion_minutes} min{cap}"
            )
            self._fact("per_kg", f"{fmt(r.mg_per_kg)} mg/kg × {fmt(r.weight_kg)} kg")
            self._fact("volume", f"{fmt(r.volume_ml)} mL at {fmt(r.concentration_mg_per_ml)} mg/mL")
            self._fact(
                "vials",
                " + ".join(f"{c.count} × {c.strength_mg} mg" for c in r.vials)
                + f" = {fmt(r.vial_total_mg)} mg",
            )
            self._fact("waste", f"{fmt(r.waste_mg)} mg")
            self._fact(
                "bag",
                f"{r.bag_ml} mL {' or '.join(r.diluents)}: first withdraw "
                f"{fmt(r.withdraw_from_bag_ml)} mL",
            )
            self._fact("infusion", f"{r.infusion_minutes} min")
            for key in ("every", "daily", "dex_eq"):
                self._fact(key, None)
            v.stability.set_items([s.text for s in r.stability], "Stability")
            return
        name = r.drug.capitalize()
        if r.dose_mg is None:
            v.dose_value.setText("No dose computed")
            v.dose_caption.setText(r.adult_reference or r.regimen_label)
        else:
            v.dose_value.setText(f"{fmt(r.dose_mg)} mg")
            every = f" every {fmt(r.every_h)} h" if r.every_h else ""
            v.dose_caption.setText(f"{name} {fmt(r.dose_mg)} mg {r.route or ''}{every}".strip())
        per_kg = (
            f"{fmt(r.mg_per_kg)} mg/kg × {fmt(r.weight_kg)} kg" if r.mg_per_kg is not None else None
        )
        self._fact("per_kg", per_kg)
        self._fact("volume", f"{fmt(r.volume_ml)} mL" if r.volume_ml is not None else None)
        self._fact(
            "vials",
            " + ".join(f"{c.count} × {c.strength_mg} mg" for c in r.vials) if r.vials else None,
        )
        self._fact("waste", f"{fmt(r.waste_mg)} mg" if r.waste_mg is not None else None)
        self._fact("bag", None)
        self._fact(
            "infusion", f"{r.infusion_minutes} min" if r.infusion_minutes is not None else None
        )
        self._fact("every", f"every {fmt(r.every_h)} h" if r.every_h else None)
        self._fact("daily", f"{fmt(r.daily_mg)} mg/day" if r.daily_mg is not None else None)
        dex = r.dexamethasone_equivalent_daily_mg
        self._fact("dex_eq", f"{fmt(dex)} mg/day" if dex is not None else None)
        v.stability.set_items(r.preparation, "Preparation")

    # --- dose log ----------------------------------------------------------------------

    def _key(self, at: datetime) -> datetime:
        return instant(self.state.core(at))

    def _later(self, a: datetime, b: datetime) -> bool:
        return is_later(self.state.core(a), self.state.core(b))

    def _clock_jumped(self, *_: object) -> None:
        self._hold = self._anchor is not None

    def add_dose(self, at: datetime, detail: DoseDetail | None = None) -> None:
        self._hold = False
        at = at.replace(second=0, microsecond=0)
        self.dose_times.append(at)
        if detail is not None:
            self.details[at] = detail
        self.dose_times.sort(key=self._key)
        self._fill_log()
        self.recompute_schedule()

    def add_dose_from_view(self) -> bool:
        """ "Add dose" or Enter in the time field: the typed time, asked about when it is a
        duplicate or later than the set assessment time; returns whether it was added."""
        at = self.time.value()
        if at is None:
            return False
        if self._guard.isActive() and at == self._last_added:
            return False
        detail = self._typed_detail()
        if detail is None:
            return False
        drug = self.view.dose_drug.currentData()
        if drug != "tocilizumab":
            return self._add_other(str(drug), at, detail)
        if at in self.dose_times and not ask_duplicate(self.view, self.state.when(at)):
            return False
        if self._in_future(at):
            return False
        if self._later(at, self.state.at()):
            # The dose is not later than the wall clock (checked above), so "now" keeps it.
            choice = ask_late_dose(
                self.view, self.state.when(at), self.state.when(self.state.at()), can_now=True
            )
            if choice is None:
                return False
            if choice == "now":
                self.state.follow_live()
            else:
                self.state.set_at(at)
        self.add_dose(at, detail)
        self._entry_done(at)
        self._say(f"Dose {self.dose_times.index(at) + 1} ({self.state.when(at)}) added.")
        return True

    def _hour_earlier(self) -> None:
        at = self.time.value() or self.state.at()
        # One real hour earlier (on the night the clocks change, not a skipped time).
        self.time.show(from_core(add_hours(self.state.core(at), -1, self.state.zone)))

    def _clock_moved(self, *_: object) -> None:
        self.time.show(self.state.at())
        self.recompute_schedule()

    def remove_selected(self) -> None:
        row = self.view.doses.currentRow()
        other = row - len(self.dose_times)
        if 0 <= other < len(self.other_given):
            g = self.other_given[other]
            self.other_given = tuple(x for i, x in enumerate(self.other_given) if i != other)
            self.removed.append(g)
            self.view.undo_remove.setEnabled(True)
            self._fill_log()
            self._say(f"{self._given_words(g)} removed. Undo: Ctrl+Z or Undo remove.")
            return
        if 0 <= row < len(self.dose_times):
            self._hold = False
            removed = self.dose_times.pop(row)
            self.removed.append((removed, self.details.pop(removed, None)))
            self.view.undo_remove.setEnabled(True)
            self._fill_log()
            self.recompute_schedule()
            self._say(
                f"Dose {row + 1} ({self.state.when(removed)}) removed. Undo: Ctrl+Z or Undo remove."
            )

    def undo_remove(self) -> None:
        """Put the last removed dose back (Ctrl+Z or "Undo remove")."""
        if not self.removed:
            return
        last = self.removed.pop()
        self.view.undo_remove.setEnabled(bool(self.removed))
        if isinstance(last, Given):
            self._keep_other(last)
            self._say(f"{self._given_words(last)} put back.")
            return
        at, detail = last
        self.add_dose(at, detail)
        self._say(f"Dose {self.dose_times.index(at) + 1} ({self.state.when(at)}) put back.")

    def set_doses(self, doses: list[datetime]) -> None:
        self._hold = False
        self.dose_times = sorted(doses, key=self._key)
        self.details = {at: d for at, d in self.details.items() if at in self.dose_times}
        self.removed.clear()
        self.view.undo_remove.setEnabled(False)
        self._say("")
        self._fill_log()
        self.recompute_schedule()

    def _say(self, text: str) -> None:
        self.view.log_notice.setText(text)
        self.view.log_notice.setVisible(bool(text))

    def _fill_log(self) -> None:
        self.doses_changed.emit(list(self.dose_times))
        self.view.doses.clear()
        for i, d in enumerate(self.dose_times):
            self.view.doses.addItem(
                f"Tocilizumab dose {i + 1}: {self.state.when(d)}{self._words(d)}"
            )
        # The other drugs' doses (corticosteroids and others), under the tocilizumab ones
        # the repeat-dose clock counts, in time order (Remove maps rows to them).
        for g in self.other_given:
            self.view.doses.addItem(self._given_words(g))

    def _given_words(self, g: Given) -> str:
        detail = DoseDetail(dose_mg=g.dose_mg, by=g.by, prophylactic=g.prophylactic)
        return f"{g.drug.capitalize()}: {self.state.when(g.at)}{detail.words()}"

    def _add_other(self, drug: str, at: datetime, detail: DoseDetail) -> bool:
        """A dose of another drug into the ledger (EPI-STEROID counts corticosteroids): the
        same checks of the time; no repeat-dose clock, so no question about the assessment
        time."""
        if self._in_future(at):
            return False
        try:
            g = validate(Given, detail.entry(drug, at))
        except calculator.InputError as exc:
            self.view.ledger_error.set_error(exc.message)
            return False
        self._keep_other(g)
        self._entry_done(at)
        self._say(f"{self._given_words(g)} added.")
        return True

    def _in_future(self, at: datetime) -> bool:
        """A dose later than the wall clock is refused at the time field: only doses given."""
        wall = self.state.wall_now()
        if not self._later(at, wall):
            return False
        self.view.time_field.field.set_error(
            f"is later than now ({self.state.when(wall)}): record only doses given"
        )
        return True

    def _entry_done(self, at: datetime) -> None:
        """Ready for the next entry: amount and mark cleared, and the drug back to
        tocilizumab, so that another drug is always chosen on purpose (a tocilizumab dose
        left under the last drug would be missed by the repeat-dose clock). A second click
        on Add within a double click's time does not add the same dose again."""
        self._last_added = at
        self._guard.start(QApplication.doubleClickInterval())
        self.time.show(at, force=True)
        self.view.dose_amount.clear()
        self.view.dose_prophylactic.setChecked(False)
        self.view.dose_drug.setCurrentIndex(self.view.dose_drug.findData("tocilizumab"))

    def _keep_other(self, g: Given) -> None:
        kept = [*self.other_given, g]
        kept.sort(key=lambda x: self._key(x.at))  # stable: same-time doses keep their order
        self.other_given = tuple(kept)
        self._fill_log()

    def _words(self, at: datetime) -> str:
        return self.details.get(at, DoseDetail()).words()

    # --- the ledger (issue 24, EPI-LEDGER) --------------------------------------------

    def _typed_detail(self) -> DoseDetail | None:
        """The amount, initials and mark typed for the next dose; None (marked at the
        amount) when the amount is not a number of mg the case can hold."""
        v = self.view
        text = v.dose_amount.text().strip()
        # The app's one reading of typed numbers (ui.units.read_number): "1,000" is asked
        # about, never read as 1.0 mg; "4_00" and "8e2" are not numbers.
        try:
            amount = read_number(text, "Amount")
        except NotANumber as exc:
            said = str(exc).rstrip(".")
            v.ledger_error.set_error(f"{said} (not an amount in mg; leave it blank if not known).")
            return None
        if amount is not None and not 0 < amount <= MAX_GIVEN_MG:
            v.ledger_error.set_error(
                f"Amount: {text[:20]!r} is not an amount in mg (more than 0, at most "
                f"{fmt(MAX_GIVEN_MG)}); leave it blank if not known"
            )
            return None
        v.ledger_error.set_error(None)
        return DoseDetail(
            dose_mg=amount,
            by=v.dose_by.text().strip(),
            prophylactic=v.dose_prophylactic.isChecked(),
        )

    def given(self) -> list[dict[str, Any]]:
        """The ledger as the case document's ``given``: the logged tocilizumab doses with
        what was typed for them, then the other drugs' doses the case came with."""
        out = [
            self.details.get(at, DoseDetail()).entry("tocilizumab", at) for at in self.dose_times
        ]
        return out + [g.model_dump(exclude_defaults=True) for g in self.other_given]

    def set_given(self, given: tuple[Given, ...]) -> None:
        """Fill the ledger from a case's ``given`` (tocilizumab into the log, the rest kept)."""
        toci = [g for g in given if g.drug == "tocilizumab"]
        others = [g for g in given if g.drug != "tocilizumab"]
        others.sort(key=lambda g: self._key(g.at))
        self.other_given = tuple(others)
        self.details = {
            g.at: DoseDetail(dose_mg=g.dose_mg, by=g.by, prophylactic=g.prophylactic) for g in toci
        }
        self.set_doses([g.at for g in toci])

    def tick(self) -> None:
        self.recompute_schedule()

    def schedule_payload(self, now: datetime) -> dict[str, Any]:
        core = self.state.core
        payload: dict[str, Any] = {
            "doses": tuple(core(d) for d in self.dose_times),
            "at": core(now),
        }
        if self.state.zone_name is not None:
            payload = {"time_zone": self.state.zone_name, **payload}
        return payload

    def running_countdown(self) -> str | None:
        """The countdown from the last answer, counted on the monotonic clock."""
        if self._anchor is None:
            return None
        since, left = self._anchor
        return left_text(left - (self.state.monotonic() - since))

    def recompute_schedule(self) -> None:
        v = self.view
        now = self.state.at()
        try:
            inp = validate(ScheduleInput, self.schedule_payload(now))
        except calculator.InputError as exc:
            messages = _messages(exc)
            jumped = self.state.last_jump is not None
            if self.state.live and jumped and _only_later_than_at(messages):
                # The live clock reads earlier than doses already logged because the
                # computer's clock went back (heard against the monotonic clock). Said as
                # that, every dose kept, the countdown running on real time.
                v.log_error.set_error(self._clock_went_back(now))
                running = self.running_countdown()
                if running is not None:
                    v.countdown.setText(running)
                return
            said = (_log_message(m, self.dose_times, self.state.when) for m in messages)
            v.log_error.set_error("; ".join(said))
            return
        v.log_error.set_error(None)
        # The app keeps local times naive (fold kept): the core's aware ones come back so.
        result = _app_times(tocilizumab_schedule(inp, self.profile))
        self.schedule = result
        lim = result.limits
        per_day = "no limit" if lim.max_per_24h is None else f"{lim.max_per_24h}"
        total = "no limit" if lim.max_total is None else f"{lim.max_total}"
        if result.next_eligible_at is None:
            v.eligibility.setText("No further tocilizumab this episode")
        elif result.eligible:
            v.eligibility.setText("Eligible now")
        else:
            v.eligibility.setText(f"Next: {self.state.when(result.next_eligible_at)}")
        zone = self.state.zone
        left = None
        if result.next_eligible_at is not None and not result.eligible:
            left = elapsed(now, result.next_eligible_at, zone).total_seconds()
        if not self._holding(left):
            v.countdown.setText(countdown_text(now, result, zone))
            self._anchor = None if left is None else (self.state.monotonic(), left)
        v.counts.setText(
            f"Doses in the last 24 h: <b>{result.doses_last_24h}</b> (limit {per_day})<br>"
            f"Doses this episode: <b>{result.doses_total}</b> (limit {total})"
        )
        v.limits.setText(
            f"Profile {self.profile.id}: at least {fmt(lim.min_interval_h)} h between doses. "
            f"Counted at the assessment time {self.state.when(now)}"
            f"{' (live)' if self.state.live else ' (set)'}."
        )
        v.reasons.set_items(result.reasons, "Why")
        v.log_warnings.set_items(result.warnings, "⚠ Warnings")
        v.log_rules.set_rules(result.rules)
        self.schedule_computed.emit(result)

    def _holding(self, wall_left: float | None) -> bool:
        """After the wall clock went back (live, same dose log), the countdown stays on
        the monotonic clock until the wall clock agrees with it again (within a minute)."""
        if not (self._hold and self.state.live and self._anchor is not None):
            self._hold = False
            return False
        since, left = self._anchor
        running = left - (self.state.monotonic() - since)
        agrees = running <= 0 if wall_left is None else abs(wall_left - running) <= 60
        if agrees:
            self._hold = False  # the wall clock is right again
            return False
        self.view.log_error.set_error(self._clock_went_back_since())
        self.view.countdown.setText(left_text(running))
        return True

    def _clock_went_back_since(self) -> str:
        return (
            "The computer's clock went back since the doses were logged: the countdown "
            "counts the real time since then. Check the computer's clock."
        )

    def _clock_went_back(self, now: datetime) -> str:
        first = next(i for i, d in enumerate(self.dose_times) if self._later(d, now))
        return (
            f"The computer's clock went back: it reads {self.state.when(now)}, earlier than "
            f"dose {first + 1} ({self.state.when(self.dose_times[first])}) in the log. Every "
            "dose is kept and the countdown counts real time. Check the computer's clock."
        )


def _app_times(result: ScheduleResult) -> ScheduleResult:
    nxt = result.next_eligible_at
    return result.model_copy(
        update={
            "at": from_core(result.at),
            "doses": tuple(from_core(d) for d in result.doses),
            "next_eligible_at": None if nxt is None else from_core(nxt),
        }
    )


def _only_later_than_at(messages: list[FieldMessage]) -> bool:
    return bool(messages) and all(
        m.field.startswith("doses[") and m.message.startswith("is later than at") for m in messages
    )


def _log_message(m: FieldMessage, doses: list[datetime], shown: Callable[[datetime], str]) -> str:
    if m.field.startswith("doses[") and m.field.endswith("]"):
        index = int(m.field[6:-1])
        if 0 <= index < len(doses):
            return f"Dose {index + 1} ({shown(doses[index])}) {m.message}"
    return f"{m.field}: {m.message}"
