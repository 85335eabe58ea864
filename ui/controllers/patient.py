"""The patient bar: weight (kg/lb), age, product, label, entered once, and "Assessed at",
the case's one clock (live until set; "Now" goes back to live). Both live in CaseState."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import get_args

from PySide6.QtCore import QObject, SignalInstance

from calculator.local_time import add_hours
from calculator.rulebook.management import Product
from ui.case.local_clock import from_core
from ui.case.state import CaseState
from ui.controllers.time_entry import TimeEntry
from ui.controllers.unit_field import UnitField
from ui.models import FieldMessage, PatientContext
from ui.units import WeightUnit, as_typed, explain, from_kg, parse_number, to_kg
from ui.views.patient import PatientBar

#: The core's field names that belong to the patient bar, and the field showing them.
PATIENT_FIELDS = {"weight_kg": "weight", "age_years": "age"}


def _convert_weight(value: float, old: str, new: str) -> float:
    kg = to_kg(value, old)  # type: ignore[arg-type]
    return from_kg(kg, new)  # type: ignore[arg-type]


def _core_value(text: str, unit: str, to_canonical: Callable[[float], float]) -> float | str | None:
    """A number for the core, None when empty, or the text itself so the core names the fault."""
    if not text.strip():
        return None
    value = parse_number(text)
    return text.strip() if value is None else to_canonical(value)


LIVE_TEXT = "● now (live): follows the clock"
SET_TEXT = "set by you · Now goes back to live"


class PatientController(QObject):
    def __init__(self, view: PatientBar, state: CaseState) -> None:
        super().__init__(view)
        self.view = view
        self.state = state
        self._errors: dict[str, dict[str, str]] = {}
        view.set_products(get_args(Product))
        self.weight = UnitField(
            view.weight.edit,
            view.weight_unit,
            view.weight_conversion,
            _convert_weight,
            what="Weight",
        )
        self.weight.changed.connect(self._emit)
        view.age.edit.textEdited.connect(self._emit)
        view.product.currentIndexChanged.connect(self._emit)
        view.label.textEdited.connect(self._emit)
        self.time = TimeEntry(view.assessed, state.wall_clock, lambda: state.zone)
        self.time.entered.connect(self.set_time)
        view.now_button.clicked.connect(self.set_now)
        view.minus_hour.clicked.connect(self.hour_earlier)
        state.clock_changed.connect(self._show_clock)
        self._blocked = False
        # Live and set take the same room: switching (every Record assessment goes back to
        # live) never moves the window under the pointer, nor makes it lay out again.
        view.assessed.mode.reserve(max(LIVE_TEXT, SET_TEXT, key=len))
        self._show_clock()
        self.state.set_patient(self._fields(), emit=False)

    @property
    def changed(self) -> SignalInstance:
        """The patient context changed (a field, or the case time set / back to live)."""
        return self.state.changed

    def set_now(self) -> None:
        """ "Now": the assessment time follows the wall clock again (live)."""
        self.state.follow_live()
        self._show_clock()

    def hour_earlier(self) -> None:
        # One real hour earlier, also on the night the clocks change (issue 20).
        earlier = add_hours(self.state.core(self.state.at()), -1, self.state.zone)
        self.state.set_at(from_core(earlier))

    def set_time(self, at: datetime) -> None:
        """The user set "Assessed at" (also used by the dose log's late-dose question)."""
        if not self.state.set_at(at):
            self._show_clock()  # the same time typed again: show it in full

    def _show_clock(self, *_: object) -> None:
        live = self.state.live
        self.time.show(self.state.at())
        mode = self.view.assessed.mode
        mode.setText(LIVE_TEXT if live else SET_TEXT)
        mode.setProperty("live", live)
        self.view.assessed_at.setAccessibleDescription(
            "live: follows the clock" if live else "set by you"
        )

    def context(self) -> PatientContext:
        return self.state.patient()

    def _fields(self) -> PatientContext:
        text, unit = self.weight.typed()
        wunit: WeightUnit = "lb" if unit == "lb" else "kg"
        return PatientContext(
            label=self.view.label.text().strip(),
            weight_kg=_core_value(text, unit, lambda v: to_kg(v, wunit)),
            weight_unit="lb" if self.weight.unit == "lb" else "kg",
            age_years=_core_value(self.view.age.text(), "years", lambda v: v),
            product=self.view.product.currentData() or "",
            assessed_at=self.state.at(),
        )

    def load(self, ctx: PatientContext, live: bool = False) -> None:
        """Fill the bar from a saved context (File > Open: its time is set), or a blank
        one (File > New: ``live``, the time follows the clock)."""
        self._blocked = True
        try:
            self.view.label.setText(ctx.label)
            weight = ctx.weight_kg
            if isinstance(weight, float | int):
                shown = as_typed(float(weight), ctx.weight_unit, to_kg, from_kg)
                self.weight.set_value(shown, ctx.weight_unit)
            else:
                self.weight.set_value(weight or "", ctx.weight_unit)
            age = ctx.age_years
            self.view.age.edit.setText(_plain(age) if isinstance(age, float | int) else age or "")
            self.view.product.setCurrentIndex(max(0, self.view.product.findData(ctx.product)))
            self.state.set_patient(self._fields(), emit=False)
            if live:
                self.state.follow_live()
            else:
                self.state.set_at(ctx.assessed_at)
        finally:
            self._blocked = False
        self._show_clock()
        self._emit()

    def set_errors(self, source: str, messages: Iterable[FieldMessage]) -> list[FieldMessage]:
        """Show the patient-field refusals of one tool; return the ones not for this bar."""
        mine: dict[str, str] = {}
        rest: list[FieldMessage] = []
        ctx = self.context()
        for m in messages:
            if m.field in PATIENT_FIELDS:
                # An empty field is not an error at the field: the tool asks for it in words.
                if getattr(ctx, m.field) is not None:
                    typed = {"weight_kg": self.weight.typed()[0], "age_years": self.view.age.text()}
                    what = {"weight_kg": "Weight", "age_years": "Age"}[m.field]
                    message = explain(typed[m.field], m.message, what)
                    mine.setdefault(PATIENT_FIELDS[m.field], message)
            else:
                rest.append(m)
        self._errors[source] = mine
        for name in set(PATIENT_FIELDS.values()):
            message = next((e[name] for e in self._errors.values() if name in e), None)
            getattr(self.view, name).set_error(message)
        return rest

    def _emit(self, *_: object) -> None:
        self.state.set_patient(self._fields(), emit=not self._blocked)


def _plain(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".")
