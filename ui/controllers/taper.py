"""The taper planner's logic: regimen (or the user's edited steps) -> TaperInput -> core
plan_taper() -> steps table, day table, totals and chart."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import Any, get_args

from PySide6.QtCore import QDateTime, QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QComboBox, QTableWidgetItem

import calculator
from calculator.edge.inputs import validate
from calculator.rulebook.taper import Route, SteroidDrug
from calculator.taper import TaperInput, TaperResult, plan_taper
from calculator.taper.models import TaperStepInput
from ui.case.state import CaseState
from ui.models import FieldMessage, PatientContext
from ui.units import core_number, explain, fmt
from ui.views.taper import STEP_COLUMNS, TaperView
from ui.widgets import escape, plain_tip

#: Steps table columns and the TaperStepInput field each edits.
STEP_FIELDS = ("drug", "dose_mg", "dose_mg_per_kg", "every_h", "days", "route", None)
OWN_STEPS = "__own__"
NO_PLAN = "__none__"
BAD = QBrush(QColor("#ffd6d6"))


def _messages(exc: calculator.InputError) -> list[FieldMessage]:
    if not exc.fields:
        return [FieldMessage(field="input", message=exc.message)]
    return [FieldMessage(field=f.field, message=f.message) for f in exc.fields]


def _number(text: str) -> float | str | None:
    return core_number(text)


def next_full_hour(at: datetime) -> datetime:
    """``at`` when it is on the hour, else the next full hour (17:29 -> 18:00)."""
    hour = at.replace(minute=0, second=0, microsecond=0)
    return hour if hour == at else hour + timedelta(hours=1)


class TaperController(QObject):
    planned = Signal(object)  # calculator.taper.TaperResult
    patient_errors = Signal(object)  # list[FieldMessage]

    def __init__(
        self,
        view: TaperView,
        profile: calculator.Profile,
        state: CaseState,
    ) -> None:
        super().__init__(view)
        self.view = view
        self.profile = profile
        self.state = state
        self.patient = state.patient()
        self.result: TaperResult | None = None
        #: The core's refusal of the plan as it stands (empty when it computes).
        self.refused: list[FieldMessage] = []
        self.mode = "regimen"
        self.last_recompute_ms = 0.0
        self._filling = False
        self._last_key: tuple[object, ...] | None = None
        self._shown_steps: tuple[object, ...] | None = None
        #: The steps the chosen regimen gave before any edit (for "step 2 edited" on paper).
        self.regimen_steps: tuple[TaperStepInput, ...] | None = None
        self.rs = calculator.ruleset()
        # No plan until someone chooses one: a case never carries a taper nobody planned.
        view.regimen.addItem("No taper planned: choose a regimen…", NO_PLAN)
        for reg in self.rs.taper.regimens():
            mark = " ⚠" if reg.needs_verification else ""
            view.regimen.addItem(f"{reg.id}: {reg.title} [{reg.status}]{mark}", reg.id)
        view.regimen.addItem("Own steps (build step by step)", OWN_STEPS)
        # The start follows the case's time until the user sets a start of their own.
        self.start_set = False
        self._defaulting = False
        self.default_start()
        state.clock_changed.connect(self._clock_moved)
        view.start.dateTimeChanged.connect(self._start_edited)
        view.regimen.currentIndexChanged.connect(self._regimen_changed)
        view.start.dateTimeChanged.connect(self.recompute)
        view.first_days.edit.textEdited.connect(self.recompute)
        view.final_days.edit.textEdited.connect(self.recompute)
        view.generate.toggled.connect(self.recompute)
        view.taper_days.valueChanged.connect(self.recompute)
        view.reduction.currentIndexChanged.connect(self.recompute)
        view.steps.itemChanged.connect(self._step_edited)
        view.add_step.clicked.connect(self.add_step)
        view.remove_step.clicked.connect(self.remove_step)
        view.reset_steps.clicked.connect(self.reset_to_regimen)
        self._regimen_changed()

    def default_start(self) -> None:
        """The taper starts by default at the case's time ("Assessed at"), rounded up to
        the next full hour: never before the assessment (a first dose already past)."""
        start = next_full_hour(self.state.at())
        self.start_set = False
        self._defaulting = True
        try:
            self.view.start.setDateTime(QDateTime(start))
        finally:
            self._defaulting = False

    def _start_edited(self, *_: object) -> None:
        if not self._defaulting:
            self.start_set = True

    def _clock_moved(self, *_: object) -> None:
        if not self.start_set:
            self.default_start()

    # --- inputs from outside ---------------------------------------------------------

    def set_profile(self, profile: calculator.Profile) -> None:
        self.profile = profile
        self.recompute()

    def set_patient(self, patient: PatientContext) -> None:
        self.patient = patient
        self.recompute()

    def select_regimen(self, rule_id: str) -> None:
        index = self.view.regimen.findData(rule_id)
        if index >= 0:
            self.view.regimen.setCurrentIndex(index)
            self.reset_to_regimen()

    # --- regimen mode -------------------------------------------------------------------

    @property
    def chosen(self) -> bool:
        """Whether someone chose a regimen or built steps (computing or not)."""
        return self.mode == "steps" or self.view.regimen.currentData() != NO_PLAN

    @property
    def has_plan(self) -> bool:
        """Whether someone planned a taper (chose a regimen or built steps) and it computes."""
        return self.result is not None and (
            self.mode == "steps" or self.view.regimen.currentData() != NO_PLAN
        )

    def _regimen_changed(self, *_: object) -> None:
        v = self.view
        rid = v.regimen.currentData()
        v.first_days.edit.clear()
        v.final_days.edit.clear()
        if rid == NO_PLAN:
            v.regimen_text.setText(
                "No taper is planned for this case. Choose a regimen, or build your own "
                "steps: until then no taper is saved, printed or handed over."
            )
            for field in (v.first_days, v.final_days, v.generate):
                field.setEnabled(False)
            v.generate.setChecked(False)
            self.mode = "regimen"
            self.recompute()
            return
        rule = self.rs.taper.regimen(rid) if rid != OWN_STEPS else None
        if rule is None:
            v.regimen_text.setText("Build the plan step by step: add a step and edit its cells.")
            v.first_days.setEnabled(False)
            v.final_days.setEnabled(False)
            v.generate.setChecked(False)
            v.generate.setEnabled(False)
            self.mode = "steps"
            if v.steps.rowCount() == 0:
                self.add_step()
                return
            self.recompute()
            return
        v.regimen_text.setText(f"{rule.text} ({rule.status}; {', '.join(rule.sources)})")
        first = rule.steps[0]
        user_days = first.days is None and not first.open_ended
        v.first_days.setEnabled(user_days)
        v.first_days.edit.setPlaceholderText(_range(first) if user_days else "set by the regimen")
        open_step = next((s for s in rule.steps if s.open_ended), None)
        v.final_days.setEnabled(open_step is not None)
        v.final_days.edit.setPlaceholderText(
            _range(open_step) + f" ({open_step.until})" if open_step else "no open-ended step"
        )
        then = rule.then_taper
        v.generate.setEnabled(then is not None)
        v.generate.setChecked(then is not None)
        if then is not None:
            low = int(then.taper_days_min or 1)
            high = int(then.taper_days_max or 60)
            v.taper_days.blockSignals(True)
            v.taper_days.setRange(low, high)
            v.taper_days.setValue(int(then.default_taper_days or low))
            v.taper_days.blockSignals(False)
        self.mode = "regimen"
        self.recompute()

    def reset_to_regimen(self) -> None:
        if self.view.regimen.currentData() == OWN_STEPS:
            return
        self.mode = "regimen"
        self.recompute()

    # --- steps mode ---------------------------------------------------------------------

    def _step_edited(self, *_: object) -> None:
        if self._filling:
            return
        self._shown_steps = None
        self.mode = "steps"
        self.recompute()

    def add_step(self) -> None:
        last = self.step_rows()[-1] if self.view.steps.rowCount() else None
        row = last or {"drug": "dexamethasone", "dose_mg": 10.0, "every_h": 24.0, "days": 1.0}
        self._filling = True
        self._append_row(row, "custom")
        self._filling = False
        self._shown_steps = None
        self.mode = "steps"
        self.recompute()

    def remove_step(self) -> None:
        row = self.view.steps.currentRow()
        if row < 0:
            row = self.view.steps.rowCount() - 1
        if row >= 0 and self.view.steps.rowCount() > 1:
            self.view.steps.removeRow(row)
            self._shown_steps = None
            self.mode = "steps"
            self.recompute()

    def _append_row(self, step: dict[str, Any], origin: str) -> None:
        t = self.view.steps
        r = t.rowCount()
        t.insertRow(r)
        drug = QComboBox()
        drug.setObjectName(f"taperStepDrug{r}")
        drug.setAccessibleName(f"Step {r + 1} drug")
        for d in get_args(SteroidDrug):
            drug.addItem(d, d)
        drug.currentIndexChanged.connect(self._step_edited)
        t.setCellWidget(r, 0, drug)
        route = QComboBox()
        route.setObjectName(f"taperStepRoute{r}")
        route.setAccessibleName(f"Step {r + 1} route")
        for d in get_args(Route):
            route.addItem(d, d)
        route.currentIndexChanged.connect(self._step_edited)
        t.setCellWidget(r, 5, route)
        self._set_row(r, step, origin)

    def _set_row(self, r: int, step: dict[str, Any], origin: str) -> None:
        """Every cell of row ``r`` from ``step``: a refill leaves nothing of the old row."""
        t = self.view.steps
        for c, name, default in ((0, "drug", "dexamethasone"), (5, "route", "IV")):
            combo = t.cellWidget(r, c)
            if isinstance(combo, QComboBox):
                combo.setCurrentIndex(combo.findData(step.get(name, default)))
        for c, name in enumerate(STEP_FIELDS):
            if name in (None, "drug", "route"):
                continue
            value = step.get(name)
            text = fmt(value, 4) if isinstance(value, float | int) else (value or "")
            item = t.item(r, c)
            if item is None:
                t.setItem(r, c, QTableWidgetItem(text))
            elif item.text() != text:
                item.setText(text)
        origin_item = t.item(r, 6)
        if origin_item is None:
            origin_item = QTableWidgetItem(origin)
            origin_item.setFlags(origin_item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            t.setItem(r, 6, origin_item)
        elif origin_item.text() != origin:
            origin_item.setText(origin)

    def load_steps(self, steps: list[dict[str, Any]]) -> None:
        """Use these steps as the plan (a reopened case with its own steps)."""
        v = self.view
        v.regimen.blockSignals(True)
        v.regimen.setCurrentIndex(v.regimen.findData(OWN_STEPS))
        v.regimen.blockSignals(False)
        self._filling = True
        self._shown_steps = None
        v.steps.setRowCount(0)
        for step in steps:
            self._append_row(step, "custom")
        self._filling = False
        self.mode = "steps"
        self.recompute()

    def step_rows(self) -> list[dict[str, Any]]:
        """The steps as the table holds them, for the core (typed text kept as text)."""
        t = self.view.steps
        rows = []
        for r in range(t.rowCount()):
            row: dict[str, Any] = {}
            for c, name in enumerate(STEP_FIELDS):
                if name is None:
                    continue
                widget = t.cellWidget(r, c)
                if isinstance(widget, QComboBox):
                    row[name] = widget.currentData()
                    continue
                item = t.item(r, c)
                value = _number(item.text() if item else "")
                if value is not None:
                    row[name] = value
            rows.append(row)
        return rows

    def _fill_steps(self, result: TaperResult) -> None:
        t = self.view.steps
        self._filling = True
        # Rows are refilled in place, not rebuilt: each row holds two combo boxes, and
        # building them was most of a taper recompute (issue 14).
        steps = result.editable_steps
        while t.rowCount() > len(steps):
            t.removeRow(t.rowCount() - 1)
        for i, step in enumerate(steps):
            origin = result.steps[i].origin if i < len(result.steps) else "custom"
            data = step.model_dump(exclude_none=True)
            if i < t.rowCount():
                self._set_row(i, data, origin)
            else:
                self._append_row(data, origin)
        self._filling = False
        self._shown_steps = result.editable_steps
        self.regimen_steps = result.editable_steps

    def origin(self) -> tuple[str | None, tuple[TaperStepInput, ...] | None]:
        """The regimen the plan came from and, once its steps were edited, the steps it
        gave; (None, None) for own steps (ui.records.taper_checklist names the edit)."""
        rid = self.view.regimen.currentData()
        if rid == OWN_STEPS:
            return None, None
        return rid, (self.regimen_steps if self.mode == "steps" else None)

    # --- plan ----------------------------------------------------------------------------

    def payload(self) -> dict[str, Any]:
        v = self.view
        data: dict[str, Any] = {"start": self.state.core(v.start.dateTime().toPython())}
        if self.state.zone_name is not None:
            # Real hours between doses across a daylight-saving change (issue 20).
            data = {"time_zone": self.state.zone_name, **data}
        for name in ("weight_kg", "age_years"):
            value = getattr(self.patient, name)
            if value is not None:
                data[name] = value
        if self.mode == "steps":
            data["steps"] = tuple(self.step_rows())
            return data
        data["regimen"] = v.regimen.currentData()
        for field, name in ((v.first_days, "days"), (v.final_days, "final_step_days")):
            value = _number(field.text()) if field.isEnabled() else None
            if value is not None:
                data[name] = value
        if v.generate.isChecked() and v.generate.isEnabled():
            data["taper_days"] = v.taper_days.value()
            data["reduction"] = v.reduction.currentData()
        return data

    def recompute(self, *_: object) -> None:
        start = time.perf_counter()
        v = self.view
        refused: list[FieldMessage] = []
        payload = self.payload()
        key = (self.mode, self.profile, repr(sorted(payload.items())))
        if key == self._last_key:
            return  # the same plan: nothing to redraw
        self._last_key = key
        self.refused = []
        if self.mode == "regimen" and v.regimen.currentData() == NO_PLAN:
            self._show_nothing()
            return
        try:
            result = plan_taper(validate(TaperInput, payload), self.profile)
        except calculator.InputError as exc:
            refused = _messages(exc)
            self.refused = refused
        else:
            self.result = result
            if self.mode == "regimen" and self._shown_steps != result.editable_steps:
                self._fill_steps(result)
            self._show(result)
            self.planned.emit(result)
        self.patient_errors.emit([m for m in refused if m.field in ("weight_kg", "age_years")])
        self._show_errors([m for m in refused if m.field not in ("weight_kg", "age_years")])
        edited = self.mode == "steps" and v.regimen.currentData() != OWN_STEPS
        v.reset_steps.setEnabled(edited)
        v.steps_state.setText(
            "Edited: the plan uses your steps (the regimen's steps are no longer applied)."
            if edited
            else (
                "Your own steps."
                if self.mode == "steps"
                else "The regimen's steps (and any generated taper): edit any cell to change it."
            )
        )
        if refused:
            v.total.setText("Plan not updated: fix the marked field")
        self.last_recompute_ms = (time.perf_counter() - start) * 1000

    def _show_errors(self, messages: list[FieldMessage]) -> None:
        v = self.view
        t = v.steps
        self._filling = True
        for r in range(t.rowCount()):
            for c in range(t.columnCount()):
                item = t.item(r, c)
                if item is not None:
                    item.setBackground(QBrush())
                    item.setToolTip("")
        step_lines: list[str] = []
        other: dict[str, str] = {}
        for m in messages:
            if m.field.startswith("steps["):
                index_text, _, name = m.field[6:].partition("].")
                row = int(index_text) if index_text.isdigit() else -1
                col = STEP_FIELDS.index(name) if name in STEP_FIELDS else -1
                label = STEP_COLUMNS[col] if col >= 0 else name or "step"
                item = t.item(row, col) if row >= 0 and col >= 0 else None
                message = explain(item.text(), m.message) if item is not None else m.message
                step_lines.append(f"Step {row + 1}, {label}: {message}")
                if item is not None:
                    item.setBackground(BAD)
                    item.setToolTip(plain_tip(message))
            else:
                other[m.field] = m.message
        self._filling = False
        v.steps_error.set_error("; ".join(step_lines) or None)
        for field, name, what in (
            (v.first_days, "days", "Length of the first step"),
            (v.final_days, "final_step_days", "Length of an open-ended last step"),
        ):
            message = other.pop(name, None)
            field.set_error(None if message is None else explain(field.text(), message, what))
        v.input_error.set_error("; ".join(f"{k}: {m}" for k, m in other.items()) or None)

    def _show_nothing(self) -> None:
        """No plan chosen: nothing computed, nothing shown as if planned."""
        v = self.view
        had_plan = self.result is not None
        self.result = None
        self._shown_steps = None
        self.regimen_steps = None
        self._filling = True
        v.steps.setRowCount(0)
        self._filling = False
        v.days.setRowCount(0)
        v.chart.set_points([])
        v.total.setText("No taper planned")
        v.summary.setText("")
        v.warnings.set_items([], "⚠ Warnings")
        v.rules.set_rules([])
        self.patient_errors.emit([])
        self._show_errors([])
        v.reset_steps.setEnabled(False)
        v.steps_state.setText("")
        if had_plan:
            self.planned.emit(None)  # the case no longer holds a taper

    def _show(self, r: TaperResult) -> None:
        v = self.view
        totals = " + ".join(f"{fmt(mg)} mg {drug}" for drug, mg in r.totals_mg.items())
        dex = fmt(r.dexamethasone_equivalent_mg)
        v.total.setText(f"Total {escape(totals)}<br>= {dex} mg dexamethasone-equivalent")
        open_note = (
            " The last step is open-ended: its length is your choice." if r.open_ended else ""
        )
        v.summary.setText(
            f"{len(r.administrations)} administrations from {self.state.when(r.start)} to "
            f"{self.state.when(r.ends_at)}.{open_note}"
        )
        v.chart.set_points([(d.date[5:], d.daily_dexamethasone_equivalent_mg) for d in r.days])
        t = v.days
        t.setRowCount(len(r.days))
        # One drug in the plan: it is named once, in the header, not on every line.
        single = next(iter(r.totals_mg)) if len(r.totals_mg) == 1 else None
        t.setHorizontalHeaderItem(1, QTableWidgetItem(f"Doses ({single})" if single else "Doses"))

        def amounts(by_drug: dict[str, float]) -> str:
            return ", ".join(
                f"{fmt(mg)} mg" + ("" if single else f" {drug}") for drug, mg in by_drug.items()
            )

        for i, day in enumerate(r.days):
            doses = "\n".join(
                f"{d.time}  {fmt(d.dose_mg)} mg {d.route}" + ("" if single else f" {d.drug}")
                for d in day.doses
            )
            cells = (
                day.date,
                doses,
                amounts(day.daily_mg),
                amounts(day.cumulative_mg),
                f"{fmt(day.daily_dexamethasone_equivalent_mg)} mg",
                f"{fmt(day.cumulative_dexamethasone_equivalent_mg)} mg",
            )
            for c, text in enumerate(cells):
                t.setItem(i, c, QTableWidgetItem(text))
        t.resizeRowsToContents()
        v.warnings.set_items(r.warnings, "⚠ Warnings")
        v.rules.set_rules(r.rules)


def _range(step: Any) -> str:
    low, high, default = step.days_min, step.days_max, step.default_days
    parts = []
    if low is not None and high is not None:
        parts.append(f"{fmt(low)}-{fmt(high)} days")
    if default is not None:
        parts.append(f"default {fmt(default)}")
    return ", ".join(parts) or "days"
