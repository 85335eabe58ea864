"""The patient context: weight (kg/lb), age, product, assessment time, entered once."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from PySide6.QtCore import QDateTime, QObject, Signal

from ui.controllers.unit_field import UnitField
from ui.models import FieldMessage, PatientContext
from ui.units import WeightUnit, from_kg, parse_number, to_kg
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


class PatientController(QObject):
    changed = Signal(object)  # PatientContext

    def __init__(self, view: PatientBar, clock: Callable[[], datetime]) -> None:
        super().__init__(view)
        self.view = view
        self._clock = clock
        self._errors: dict[str, dict[str, str]] = {}
        self.weight = UnitField(
            view.weight.edit, view.weight_unit, view.weight_conversion, _convert_weight
        )
        self.weight.changed.connect(self._emit)
        view.age.edit.textEdited.connect(self._emit)
        view.product.currentIndexChanged.connect(self._emit)
        view.label.textEdited.connect(self._emit)
        view.assessed_at.dateTimeChanged.connect(self._emit)
        view.now_button.clicked.connect(self.set_now)
        self._blocked = False
        self.set_now()

    def set_now(self) -> None:
        self.view.assessed_at.setDateTime(QDateTime(self._clock().replace(second=0, microsecond=0)))

    def context(self) -> PatientContext:
        text, unit = self.weight.typed()
        wunit: WeightUnit = "lb" if unit == "lb" else "kg"
        return PatientContext(
            label=self.view.label.text().strip(),
            weight_kg=_core_value(text, unit, lambda v: to_kg(v, wunit)),
            weight_unit="lb" if self.weight.unit == "lb" else "kg",
            age_years=_core_value(self.view.age.text(), "years", lambda v: v),
            product=self.view.product.currentData() or "",
            assessed_at=self.view.assessed_at.dateTime().toPython(),  # type: ignore[arg-type]
        )

    def load(self, ctx: PatientContext) -> None:
        """Fill the bar from a saved context (File > Open)."""
        self._blocked = True
        try:
            self.view.label.setText(ctx.label)
            weight = ctx.weight_kg
            if isinstance(weight, float | int):
                shown = from_kg(float(weight), ctx.weight_unit)
                self.weight.set_value(_plain(shown), ctx.weight_unit)
            else:
                self.weight.set_value(weight or "", ctx.weight_unit)
            age = ctx.age_years
            self.view.age.edit.setText(_plain(age) if isinstance(age, float | int) else age or "")
            self.view.product.setCurrentIndex(max(0, self.view.product.findData(ctx.product)))
            self.view.assessed_at.setDateTime(QDateTime(ctx.assessed_at))
        finally:
            self._blocked = False
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
                    mine.setdefault(PATIENT_FIELDS[m.field], m.message)
            else:
                rest.append(m)
        self._errors[source] = mine
        for name in set(PATIENT_FIELDS.values()):
            message = next((e[name] for e in self._errors.values() if name in e), None)
            getattr(self.view, name).set_error(message)
        return rest

    def _emit(self, *_: object) -> None:
        if not self._blocked:
            self.changed.emit(self.context())


def _plain(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".")
