"""The grading wizard's logic: view state -> CrsInput / IcansInput -> core -> view."""

from __future__ import annotations

import html
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import QObject, Signal

import calculator
from calculator.edge.inputs import validate
from calculator.grading.crs import TEMPERATURE_RANGE_C
from ui.controllers.unit_field import UnitField
from ui.models import FieldMessage, Grades, PatientContext
from ui.units import explain, parse_number, to_celsius
from ui.views.grading import GradingView, ScoreItems
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
        # Local refusals of the ICE/CAPD entry (items half answered), before the core.
        self.icans_problems: list[FieldMessage] = []
        self.crs_assessed = False
        self.icans_assessed = False
        self.last_recompute_ms = 0.0
        self._held = 0
        self._pending = False
        crs = view.crs_inputs
        self.temperature = UnitField(
            crs.temperature.edit,
            crs.temperature_unit,
            crs.temperature_conversion,
            _convert_temperature,
            decimals=1,
            limits=(*TEMPERATURE_RANGE_C, "°C"),
            suggest=crs.temperature_suggest,
            what="Temperature",
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
            for spin in (*items.spins.values(), items.score):
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

    @contextmanager
    def held(self) -> Iterator[None]:
        """Grade once when the block ends, not at every field it sets: the wizard filled
        or blanked at once (Record assessment, Start from last, Open / correct)."""
        self._held += 1
        try:
            yield
        finally:
            self._held -= 1
            if not self._held and self._pending:
                self._pending = False
                self.recompute()

    def recompute(self, *_: object) -> None:
        if self._held:
            self._pending = True
            return
        start = time.perf_counter()
        self._grade_crs()
        self._grade_icans()
        self.grades_changed.emit(self.grades())
        self.last_recompute_ms = (time.perf_counter() - start) * 1000

    def grades(self) -> Grades:
        return Grades(
            crs=self.crs_result.grade if self.crs_result and not self.crs_refused else None,
            icans=self.icans_result.grade if self.icans_result and not self.icans_refused else None,
            seizure=not self.icans_refused
            and self.view.icans_inputs.seizure.currentData() not in (None, "none"),
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
        payload = self.crs_payload()
        self.crs_assessed = view.touched()
        if not self.crs_assessed:
            self.crs_refused = []
            self.crs_result = None
        else:
            try:
                inp = validate(calculator.CrsInput, payload)
            except calculator.InputError as exc:
                self.crs_refused = _messages(exc)
            else:
                self.crs_refused = []
                self.crs_result = calculator.grade_crs(inp, self.profile)
                self.crs_graded.emit(self.crs_result)
        in_unit = self.temperature.range_problem()
        if in_unit is not None:
            # The core's limit is in °C; the user reads the unit they selected.
            self.crs_refused = [
                FieldMessage(field=m.field, message=in_unit) if m.field == "temperature_c" else m
                for m in self.crs_refused
            ]
        # The core sees only text where a number was not typed; the app says why.
        flow = view.flow.text()
        self.crs_refused = [
            FieldMessage(field=m.field, message=explain(flow, m.message, "Oxygen flow"))
            if m.field == "oxygen_flow_l_min"
            else m
            for m in self.crs_refused
        ]
        routes = {
            "temperature_c": view.temperature,
            "oxygen_flow_l_min": view.flow,
            "vasopressors": view.vasopressor_error,
        }
        self._route(self.crs_refused, routes, view.general_error)
        self._show(self.view.crs_result, self.crs_result, bool(self.crs_refused))

    def crs_for_case(self) -> dict[str, Any] | None:
        """The CRS findings for the case document, or None when none were entered or the
        core refuses them: the record says only what was entered."""
        if not self.crs_assessed or self.crs_refused:
            return None
        return self.crs_payload()

    def icans_for_case(self) -> dict[str, Any] | None:
        """The ICANS findings for the case document (see crs_for_case)."""
        if not self.icans_assessed or self.icans_refused:
            return None
        return self.icans_payload()

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
        self.icans_problems = []
        ic.ice0.hide()
        items = ic.capd if instrument == "CAPD" else ic.ice
        for other in (ic.ice, ic.capd):
            if other is not items:
                other.total.clear()
        if items.isChecked():
            score = self._score_payload(items, instrument, payload)
            if instrument == "ICE" and score == 0:
                ic.ice0.show()
                if ic.ice0_aphasia.isChecked():
                    payload["global_aphasia"] = True
                elif ic.ice0_unarousable.isChecked():
                    payload["unable_to_assess"] = True
        else:
            items.total.setText(f"{instrument} not scored: tick the box to enter it.")
        if ic.ice0.isHidden():
            ic.clear_ice0()
        return payload

    def _score_payload(
        self, items: ScoreItems, instrument: str, payload: dict[str, Any]
    ) -> int | None:
        """ICE or CAPD into the payload: the items once every one is answered, else the
        typed total; None (not assessed) when neither. Returns the score used."""
        key = instrument.lower()
        unable = items.unable.isChecked()
        for spin in (*items.spins.values(), items.score):
            spin.setEnabled(not unable)
        if unable:
            payload["unable_to_assess"] = True
            items.total.setText(f"{instrument}: unable to perform.")
            return None
        entered = items.entered()
        missing = items.missing()
        typed = items.score.score()
        top = items.top()
        if entered and not missing:
            total = sum(entered.values())
            payload[f"{key}_items"] = entered if key == "ice" else tuple(entered.values())
            if typed is not None:
                payload[f"{key}_score"] = typed
            items.total.setText(f"{instrument} total: {total} / {top}")
            return total if typed is None else typed
        if typed is not None:
            low = sum(entered.values())
            high = low + sum(items.spins[k].maximum() for k in items.spins if k not in entered)
            if not low <= typed <= high:
                self.icans_problems.append(
                    FieldMessage(
                        field=f"{key}_score",
                        message=f"the typed total {typed} does not fit the items entered "
                        f"(they allow {low} to {high}): correct the total or the items",
                    )
                )
                return None
            payload[f"{key}_score"] = typed
            items.total.setText(f"{instrument} total (typed): {typed} / {top}")
            return typed
        if entered:
            self.icans_problems.append(
                FieldMessage(
                    field=f"{key}_items",
                    message=f"answer every {instrument} item or type the total "
                    f"(not answered yet: {', '.join(missing)})",
                )
            )
            items.total.setText(
                f"{instrument}: {len(entered)} of {len(items.spins)} items answered."
            )
            return None
        items.total.setText(f"{instrument} not assessed yet: answer each item, or type the total.")
        return None

    def _grade_icans(self) -> None:
        ic = self.view.icans_inputs
        payload = self.icans_payload()
        self.icans_assessed = ic.touched()
        if not self.icans_assessed:
            # Nothing entered: nothing to claim, and nothing to fix (the age alone is not
            # an ICANS finding).
            self.icans_refused = []
            self.icans_result = None
        elif self.icans_problems:
            self.icans_refused = list(self.icans_problems)
        else:
            try:
                inp = validate(calculator.IcansInput, payload)
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
        reason = ""
        if patient and not rest:
            age_text = self.patient.age_years
            reason = (
                "enter the age in the patient bar"
                if age_text is None
                else "fix the age in the patient bar"
            )
        # One message per label per recompute: clearing it and setting it again toggled the
        # label's visibility on every keystroke (~0.3 ms each, issue 14).
        self._route(
            rest, routes, ic.general_error, f"To grade ICANS, {reason}." if reason else None
        )
        self._show(self.view.icans_result, self.icans_result, bool(self.icans_refused), reason)

    # --- view updates --------------------------------------------------------------------

    @staticmethod
    def _route(
        messages: Iterable[FieldMessage],
        routes: dict[str, Any],
        general: Any,
        general_text: str | None = None,
    ) -> None:
        """Each message under its field's label, the rest (and ``general_text``, when no
        other message goes there) under ``general``; every label set exactly once."""
        shown: dict[int, list[str]] = {}
        targets = {id(t): t for t in [*routes.values(), general]}
        for m in messages:
            key = m.field if m.field in routes else m.field.split("[")[0]
            target = routes.get(key, general)
            text = m.message if target is not general else f"{m.field}: {m.message}"
            shown.setdefault(id(target), []).append(text)
        if general_text and id(general) not in shown:
            shown[id(general)] = [general_text]
        for tid, target in targets.items():
            texts = shown.get(tid)
            target.set_error("; ".join(texts) if texts else None)

    @staticmethod
    def _show(
        card: ResultCard,
        result: calculator.CrsResult | calculator.IcansResult | None,
        refused: bool,
        reason: str = "",
    ) -> None:
        if result is None:
            card.badge.set_grade(None, stale=refused, reason=reason)
            for lst in (card.explanation, card.warnings, card.notes):
                lst.set_items([], "")
            card.rules.set_rules([])
            return
        card.badge.set_grade(result.grade, stale=refused, reason=reason)
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
