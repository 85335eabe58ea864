"""The grading wizard's logic: view state -> CrsInput / IcansInput -> core -> view."""

from __future__ import annotations

import html
import time
from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QObject, Signal

import calculator
from calculator.inputs import validate
from ui.controllers.unit_field import UnitField
from ui.models import FieldMessage, Grades, PatientContext
from ui.units import parse_number, to_celsius
from ui.views.grading import GradingView
from ui.views.results import ResultCard


def _convert_temperature(value: float, old: str, new: str) -> float:
    from ui.units import from_celsius

    return from_celsius(to_celsius(value, old), new)  # type: ignore[arg-type]


def _number_or_text(text: str, unit: str) -> float | str | None:
    if not text.strip():
        return None
    value = parse_number(text)
    if value is None:
        return text.strip()
    return to_celsius(value, unit)  # type: ignore[arg-type]


def _messages(exc: calculator.InputError) -> list[FieldMessage]:
    if not exc.fields:
        return [FieldMessage(field="input", message=exc.message)]
    return [FieldMessage(field=f.field, message=f.message) for f in exc.fields]


class GradingController(QObject):
    crs_graded = Signal(object)  # calculator.CrsResult
    icans_graded = Signal(object)  # calculator.IcansResult
    grades_changed = Signal(object)  # ui.models.Grades
    patient_errors = Signal(object)  # list[FieldMessage] for the patient bar (age)

    def __init__(
        self, view: GradingView, profile: calculator.Profile, patient: PatientContext
    ) -> None:
        super().__init__(view)
        self.view = view
        self.profile = profile
        self.patient = patient
        self.crs_result: calculator.CrsResult | None = None
        self.icans_result: calculator.IcansResult | None = None
        self.crs_refused: list[FieldMessage] = []
        self.icans_refused: list[FieldMessage] = []
        self.last_recompute_ms = 0.0
        crs = view.crs_inputs
        self.temperature = UnitField(
            crs.temperature.edit,
            crs.temperature_unit,
            crs.temperature_conversion,
            _convert_temperature,
            decimals=1,
        )
        self.temperature.changed.connect(self.recompute)
        for box in (crs.fever_masked, crs.hypotension, *crs.vasopressors.values()):
            box.toggled.connect(self.recompute)
        crs.oxygen.currentIndexChanged.connect(self.recompute)
        crs.flow.edit.textEdited.connect(self.recompute)
        ic = view.icans_inputs
        for items in (ic.ice, ic.capd):
            items.toggled.connect(self.recompute)
            items.unable.toggled.connect(self.recompute)
            for spin in items.spins.values():
                spin.valueChanged.connect(self.recompute)
        ic.ice0_aphasia.toggled.connect(self.recompute)
        ic.ice0_unarousable.toggled.connect(self.recompute)
        for combo in (ic.consciousness, ic.seizure, ic.edema):
            combo.currentIndexChanged.connect(self.recompute)
        ic.motor.toggled.connect(self.recompute)
        self._fill_definitions()
        self.recompute()

    # --- inputs from outside ---------------------------------------------------------

    def set_profile(self, profile: calculator.Profile) -> None:
        self.profile = profile
        self.recompute()

    def set_patient(self, patient: PatientContext) -> None:
        self.patient = patient
        self.recompute()

    # --- recompute ---------------------------------------------------------------------

    def recompute(self, *_: object) -> None:
        start = time.perf_counter()
        self._grade_crs()
        self._grade_icans()
        self.grades_changed.emit(self.grades())
        self.last_recompute_ms = (time.perf_counter() - start) * 1000

    def grades(self) -> Grades:
        return Grades(
            crs=self.crs_result.grade if self.crs_result and not self.crs_refused else None,
            icans=self.icans_result.grade if self.icans_result and not self.icans_refused else None,
        )

    def crs_payload(self) -> dict[str, Any]:
        crs = self.view.crs_inputs
        text, unit = self.temperature.typed()
        oxygen = crs.oxygen.currentData()
        crs.flow.edit.setEnabled(oxygen != "room_air")
        payload: dict[str, Any] = {
            "temperature_c": _number_or_text(text, unit),
            "fever_masked": crs.fever_masked.isChecked(),
            "hypotension": crs.hypotension.isChecked(),
            "vasopressors": [k for k, b in crs.vasopressors.items() if b.isChecked()],
            "oxygen": oxygen,
        }
        if oxygen != "room_air" and crs.flow.text().strip():
            value = parse_number(crs.flow.text())
            payload["oxygen_flow_l_min"] = crs.flow.text().strip() if value is None else value
        return payload

    def _grade_crs(self) -> None:
        view = self.view.crs_inputs
        try:
            inp = validate(calculator.CrsInput, self.crs_payload())
        except calculator.InputError as exc:
            self.crs_refused = _messages(exc)
        else:
            self.crs_refused = []
            self.crs_result = calculator.grade_crs(inp, self.profile)
            self.crs_graded.emit(self.crs_result)
        routes = {
            "temperature_c": view.temperature,
            "oxygen_flow_l_min": view.flow,
            "vasopressors": view.vasopressor_error,
        }
        self._route(self.crs_refused, routes, view.general_error)
        self._show(self.view.crs_result, self.crs_result, bool(self.crs_refused))

    def instrument(self) -> str:
        age = self.patient.age_years
        if isinstance(age, float | int) and 0 <= age <= 120:
            return "CAPD" if self.profile.capd_applies(float(age)) else "ICE"
        return "ICE"

    def icans_payload(self) -> dict[str, Any]:
        ic = self.view.icans_inputs
        instrument = self.instrument()
        age = self.patient.age_years
        ic.show_instrument(instrument)
        limit = self.profile.describe_capd_limit()
        if isinstance(age, float | int):
            ic.instrument.setText(
                f"{instrument} for age {age:g} years (CAPD at {limit} in profile "
                f"{self.profile.id})."
            )
        else:
            ic.instrument.setText(
                f"Enter the age in the patient bar: it decides ICE or CAPD (CAPD at {limit})."
            )
        payload: dict[str, Any] = {
            "age_years": age,
            "consciousness": ic.consciousness.currentData(),
            "seizure": ic.seizure.currentData(),
            "motor_weakness": ic.motor.isChecked(),
            "cerebral_edema": ic.edema.currentData(),
        }
        ic.ice0.hide()
        if instrument == "ICE" and ic.ice.isChecked():
            unable = ic.ice.unable.isChecked()
            for spin in ic.ice.spins.values():
                spin.setEnabled(not unable)
            if unable:
                payload["unable_to_assess"] = True
            else:
                items = {k: s.value() for k, s in ic.ice.spins.items()}
                payload["ice_items"] = items
                total = sum(items.values())
                top = sum(s.maximum() for s in ic.ice.spins.values())
                ic.ice.total.setText(f"ICE total: {total} / {top}")
                if total == 0:
                    ic.ice0.show()
                    if ic.ice0_aphasia.isChecked():
                        payload["global_aphasia"] = True
                    elif ic.ice0_unarousable.isChecked():
                        payload["unable_to_assess"] = True
        elif instrument == "ICE":
            ic.ice.total.setText("ICE not scored: check the box to enter it item by item.")
        if instrument == "CAPD" and ic.capd.isChecked():
            unable = ic.capd.unable.isChecked()
            for spin in ic.capd.spins.values():
                spin.setEnabled(not unable)
            if unable:
                payload["unable_to_assess"] = True
            else:
                scores = tuple(s.value() for s in ic.capd.spins.values())
                payload["capd_items"] = scores
                top = sum(s.maximum() for s in ic.capd.spins.values())
                ic.capd.total.setText(f"CAPD total: {sum(scores)} / {top}")
        elif instrument == "CAPD":
            ic.capd.total.setText("CAPD not scored: check the box to enter it item by item.")
        return payload

    def _grade_icans(self) -> None:
        ic = self.view.icans_inputs
        try:
            inp = validate(calculator.IcansInput, self.icans_payload())
        except calculator.InputError as exc:
            self.icans_refused = _messages(exc)
        else:
            self.icans_refused = []
            self.icans_result = calculator.grade_icans(inp, self.profile)
            self.icans_graded.emit(self.icans_result)
        patient = [m for m in self.icans_refused if m.field == "age_years"]
        self.patient_errors.emit(patient)
        rest = [m for m in self.icans_refused if m.field != "age_years"]
        routes: dict[str, Any] = {
            **{f"ice_items.{k}": err for k, err in ic.ice.errors.items()},
            "ice_items": ic.ice.error,
            "ice_score": ic.ice.error,
            "global_aphasia": ic.ice.error,
            "capd_items": ic.capd.error,
            "capd_score": ic.capd.error,
            "unable_to_assess": ic.capd.error if self.instrument() == "CAPD" else ic.ice.error,
            "consciousness": ic.consciousness_error,
        }
        self._route(rest, routes, ic.general_error)
        if patient and not rest:
            ic.general_error.set_error("Enter a valid age in the patient bar to grade ICANS.")
        self._show(self.view.icans_result, self.icans_result, bool(self.icans_refused))

    # --- view updates --------------------------------------------------------------------

    @staticmethod
    def _route(messages: Iterable[FieldMessage], routes: dict[str, Any], general: Any) -> None:
        shown: dict[int, list[str]] = {}
        targets = {id(t): t for t in [*routes.values(), general]}
        for m in messages:
            key = m.field if m.field in routes else m.field.split("[")[0]
            target = routes.get(key, general)
            text = m.message if target is not general else f"{m.field}: {m.message}"
            shown.setdefault(id(target), []).append(text)
        for tid, target in targets.items():
            texts = shown.get(tid)
            target.set_error("; ".join(texts) if texts else None)

    @staticmethod
    def _show(
        card: ResultCard,
        result: calculator.CrsResult | calculator.IcansResult | None,
        refused: bool,
    ) -> None:
        if result is None:
            card.badge.set_grade(None, stale=refused)
            for lst in (card.explanation, card.warnings, card.notes):
                lst.set_items([], "")
            card.rules.set_rules([])
            return
        card.badge.set_grade(result.grade, stale=refused)
        card.explanation.set_items(result.explanation, "Why")
        card.rules.set_rules(result.rules)
        card.warnings.set_items(result.warnings, "⚠ Warnings")
        card.notes.set_items([f"{n.rule}: {n.text}" for n in result.notes], "Notes")

    def _fill_definitions(self) -> None:
        rs = calculator.ruleset()
        crs_rules = [rs.crs.fever, rs.crs.mask, *rs.crs.grade_rows(), rs.crs.o2flow, rs.crs.vaso]
        ic = rs.icans
        icans_rules = [
            ic.ice,
            ic.loc,
            ic.seizure,
            ic.motor,
            ic.icp,
            ic.aphasia,
            ic.capd,
            ic.capd_age,
        ]
        for card, rules in (
            (self.view.crs_result, crs_rules),
            (self.view.icans_result, icans_rules),
        ):
            card.definitions_text.setText(
                "<br>".join(
                    f"<b>{html.escape(r.id)}</b> ({html.escape(r.status)}): {html.escape(r.text)}"
                    for r in rules
                )
            )
