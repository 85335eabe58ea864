"""Pharmacy double check: reads the two entries, asks the core (verify_dose), shows the
comparison, logs the check, and prints or exports the verification record.

VERIFY-CASE: the open case's weight goes to the core with the order, which compares it
with the order's weight; the record says which weight the case held. VERIFY-BLIND: Back
from step 2 asks, discards the verifier's entries and counts the restart for the record.
Esc and Close ask before entries typed and not yet compared are dropped."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QComboBox, QFileDialog, QWidget

from calculator.edge.errors import FieldError, InputError
from calculator.edge.inputs import validate
from calculator.local_time import is_later
from calculator.records.audit import AuditLogError, Event
from calculator.rulebook import Ruleset
from calculator.rulebook.profiles import Profile
from calculator.verification import Comparison, VerifyInput, VerifyResult, verify_dose
from calculator.words import when
from ui.case.local_clock import to_core, zone_of
from ui.records.documents import Record, RecordMeta, audit_head, log_record
from ui.records.paper import make_printer, print_with_dialog, write_pdf
from ui.records.verification_record import (
    VerificationPeople,
    comparison_word,
    decision_word,
    verification_record,
)
from ui.store.settings import Settings
from ui.units import explain, parse_number
from ui.views.verification_view import DISCARD_ON_BACK, VerificationView
from ui.widgets import FieldErrorLabel, ValidatedField

_VIAL = re.compile(r"^\s*(\d+)\s*[x×*]\s*(\d+(?:\.\d+)?)\s*(?:mg)?\s*$", re.I)


class VialText(ValueError):
    pass


def parse_vials(text: str) -> list[dict[str, Any]] | None:
    """ "1x400 + 3x80" -> [{"strength_mg": 400, "count": 1}, {"strength_mg": 80, "count": 3}]."""
    if not text.strip():
        return None
    out: list[dict[str, Any]] = []
    for part in re.split(r"[+,;]", text):
        match = _VIAL.match(part)
        if not match:
            raise VialText(f"write vials as count x mg, like 1x400 + 3x80 (not {part.strip()!r})")
        strength = float(match.group(2))
        out.append(
            {
                "strength_mg": int(strength) if strength.is_integer() else strength,
                "count": int(match.group(1)),
            }
        )
    return out


#: The entries typed as numbers (read by ``_number``).
_NUMBER_FIELDS = frozenset({"weight_kg", "age_years", "dose_mg", "every_h", "bag_ml"})


def _number(text: str) -> float | str:
    """A typed number as a number (ui.units.parse_number: a decimal comma is one, an
    ambiguous "1,000" is not); anything else passed on so the core names the field."""
    value = parse_number(text)
    return text if value is None else value


def _optional(
    entry: dict[str, Any],
    every: ValidatedField,
    route: QComboBox,
    bag: ValidatedField,
    vials: list[dict[str, Any]] | None,
) -> None:
    """The fields left empty stay out (not entered); typed ones go in as typed."""
    if every.text().strip():
        entry["every_h"] = _number(every.text())
    if route.currentData():
        entry["route"] = route.currentData()
    if bag.text().strip():
        # Whole millilitres (the core refuses a fraction, naming the field).
        volume = _number(bag.text())
        entry["bag_ml"] = (
            int(volume) if isinstance(volume, float) and volume.is_integer() else volume
        )
    if vials is not None:
        entry["vials"] = vials


@dataclass
class VerificationContext:
    rs: Ruleset
    profile: Callable[[], Profile]
    settings: Callable[[], Settings]
    audit_log: Path | None
    clock: Callable[[], datetime]
    label: Callable[[], str] = lambda: ""
    #: Tocilizumab doses already given this episode (the app's dose log), for VERIFY-CLOCK.
    doses_given: Callable[[], tuple[datetime, ...]] = lambda: ()
    #: The case's time (the order time offered first); None: the clock above.
    case_at: Callable[[], datetime] | None = None
    #: The open case's weight in kg (VERIFY-CASE); None when the case holds none.
    case_weight: Callable[[], float | None] = lambda: None
    #: The case's zone (issue 20): the repeat-dose clock counts real hours in it.
    time_zone: Callable[[], str | None] = lambda: None


class VerificationController(QObject):
    verified = Signal(object)  # VerifyResult

    def __init__(self, view: VerificationView, ctx: VerificationContext) -> None:
        super().__init__(view)
        self.view = view
        self.ctx = ctx
        self.result: VerifyResult | None = None
        self.record: Record | None = None
        #: VERIFY-BLIND: how many times the verifier's step was left and started again.
        self.blind_restarts = 0
        v = view
        self._fields: dict[str, ValidatedField | FieldErrorLabel] = {
            "order.drug": v.order_drug_error,
            "order.weight_kg": v.order_weight,
            "order.age_years": v.order_age,
            "order.dose_mg": v.order_dose,
            "order.every_h": v.order_every,
            "order.route": v.order_route_error,
            "order.bag_ml": v.order_bag,
            "order.vials": v.order_vials,
            "order.regimen": v.order_drug_error,
            "at": v.order_at_error,
            "doses_given": v.order_at_error,
            "independent.drug": v.ind_drug_error,
            "independent.weight_kg": v.ind_weight,
            "independent.dose_mg": v.ind_dose,
            "independent.every_h": v.ind_every,
            "independent.route": v.ind_route_error,
            "independent.bag_ml": v.ind_bag,
            "independent.vials": v.ind_vials,
        }
        v.order_at.setDateTime((ctx.case_at or ctx.clock)())
        self._show_doses_given()
        v.order_at.dateTimeChanged.connect(self._show_doses_given)
        v.next_button.clicked.connect(lambda: v.show_page(v.INDEPENDENT))
        v.back_button.clicked.connect(lambda: self.back_to_order())
        v.compare_button.clicked.connect(self.compare)
        v.again_button.clicked.connect(self.new_check)
        # Lambdas, not the methods: clicked(bool) would arrive as their first argument
        # (a PDF path of False was the "Save record as PDF" traceback).
        v.print_button.clicked.connect(lambda: self.print_record())
        v.pdf_button.clicked.connect(lambda: self.export_pdf())
        v.show_page(v.ORDER)
        self._pristine = self._entries()
        self._compared: tuple[object, ...] | None = None
        v.has_unsaved_entries = self.has_unsaved_entries

    # --- filling in ------------------------------------------------------------------------

    def prefill_order(
        self,
        drug: str = "",
        weight_kg: float | None = None,
        age_years: float | None = None,
        dose_mg: float | None = None,
        regimen: str = "",
    ) -> None:
        """The first entry from the dose panel, when there is one (editable)."""
        v = self.view
        index = v.order_drug.findData(drug)
        v.order_drug.setCurrentIndex(max(index, 0))
        v.order_weight.edit.setText("" if weight_kg is None else f"{weight_kg:g}")
        v.order_age.edit.setText("" if age_years is None else f"{age_years:g}")
        v.order_dose.edit.setText("" if dose_mg is None else f"{dose_mg:g}")
        v.order_regimen.setText(regimen)
        self._show_doses_given()
        self._pristine = self._entries()

    def _entries(self) -> tuple[object, ...]:
        """Everything typed or chosen in both steps, to tell whether closing loses any."""
        v = self.view
        fields = (
            v.order_weight,
            v.order_age,
            v.order_dose,
            v.order_every,
            v.order_bag,
            v.order_vials,
            v.ind_weight,
            v.ind_dose,
            v.ind_every,
            v.ind_bag,
            v.ind_vials,
        )
        combos = (v.order_drug, v.order_route, v.ind_drug, v.ind_route)
        lines = (v.order_regimen, v.order_initials, v.initials)
        return (
            *(f.text() for f in fields),
            *(c.currentIndex() for c in combos),
            *(line.text() for line in lines),
        )

    def has_unsaved_entries(self) -> bool:
        """Entries typed since the dialog opened (the dose panel's prefill aside) and not
        already compared and logged."""
        now = self._entries()
        return now != self._pristine and now != self._compared

    def _independent_filled(self) -> bool:
        v = self.view
        typed = (v.ind_weight, v.ind_dose, v.ind_every, v.ind_bag, v.ind_vials)
        return (
            any(f.text().strip() for f in typed)
            or v.ind_drug.currentIndex() > 0
            or v.ind_route.currentIndex() > 0
            or bool(v.initials.text().strip())
        )

    def back_to_order(self) -> bool:
        """VERIFY-BLIND: leaving step 2 discards the verifier's entries, after asking when
        there are any; the restart is counted for the record. False: the verifier stayed."""
        v = self.view
        if self._independent_filled() and not v.ask(DISCARD_ON_BACK):
            return False
        self._clear_independent()
        self.blind_restarts += 1
        v.show_restarts(self.blind_restarts)
        v.show_page(v.ORDER)
        return True

    def _clear_independent(self) -> None:
        v = self.view
        for field in (v.ind_weight, v.ind_dose, v.ind_every, v.ind_bag, v.ind_vials):
            field.edit.clear()
        v.ind_drug.setCurrentIndex(0)
        v.ind_route.setCurrentIndex(0)
        v.initials.clear()

    def payload(self) -> dict[str, Any]:
        """The two entries as the core's input; a vial text it cannot read raises InputError."""
        v = self.view
        errors = []
        vials: dict[str, list[dict[str, Any]] | None] = {}
        for key, field in (("order.vials", v.order_vials), ("independent.vials", v.ind_vials)):
            try:
                vials[key] = parse_vials(field.text())
            except VialText as exc:
                errors.append((key, str(exc)))
        if errors:
            summary = "; ".join(f"{k}: {m}" for k, m in errors)
            raise InputError(summary, [FieldError(field=k, message=m) for k, m in errors])
        order: dict[str, Any] = {
            "drug": v.order_drug.currentData() or "",
            "weight_kg": _number(v.order_weight.text()),
            "age_years": _number(v.order_age.text()),
            "dose_mg": _number(v.order_dose.text()),
        }
        if v.order_regimen.text().strip():
            order["regimen"] = v.order_regimen.text().strip()
        _optional(order, v.order_every, v.order_route, v.order_bag, vials["order.vials"])
        independent: dict[str, Any] = {
            "weight_kg": _number(v.ind_weight.text()),
            "drug": v.ind_drug.currentData() or "",
            "dose_mg": _number(v.ind_dose.text()),
        }
        _optional(independent, v.ind_every, v.ind_route, v.ind_bag, vials["independent.vials"])
        zone_name = self.ctx.time_zone()
        zone = zone_of(zone_name)
        payload: dict[str, Any] = {
            "order": order,
            "independent": independent,
            "at": to_core(self.order_time(), zone),
        }
        if zone_name is not None:
            payload = {"time_zone": zone_name, **payload}
        # VERIFY-CLOCK reads the episode's tocilizumab doses up to the order's time; the
        # dose-log line says which ones that leaves out, and why.
        doses = self._doses_up_to_order()
        if doses and order["drug"] == "tocilizumab":
            payload["doses_given"] = [to_core(d, zone) for d in doses]
        tolerance = self.ctx.settings().double_check_tolerance_pct
        if tolerance is not None:
            payload["tolerance_pct"] = tolerance
        case_weight = self.ctx.case_weight()
        if case_weight is not None:
            payload["case_weight_kg"] = case_weight
        return payload

    # --- actions ---------------------------------------------------------------------------

    def _clear_errors(self) -> None:
        for widget in set(self._fields.values()):
            widget.set_error(None)
        self.view.general_error.set_error(None)

    def _show_errors(self, err: InputError) -> None:
        shown = False
        order_side = False
        for f in err.fields:
            widget = self._fields.get(f.field)
            if widget is None:
                continue
            message = f.message
            if f.field.rsplit(".", 1)[-1] in _NUMBER_FIELDS:
                # The core saw text where no number was typed: the app says why.
                message = explain(widget.text(), message, widget.edit.accessibleName())
            widget.set_error(message)
            shown = True
            order_side = order_side or f.field.startswith("order.")
        if not shown:
            self.view.general_error.set_error(err.message)
        elif order_side:
            self.view.general_error.set_error("The order (step 1) has a problem: go back.")

    def order_time(self) -> datetime:
        """The order's time, to the minute (the dialog's clock field)."""
        return self.view.order_at.dateTime().toPython().replace(second=0, microsecond=0)

    def _when(self, at: datetime) -> str:
        """A time as the records write it, with its offset in the hour the clocks go back."""
        return when(to_core(at, zone_of(self.ctx.time_zone())))

    def _doses_up_to_order(self) -> list[datetime]:
        zone = zone_of(self.ctx.time_zone())
        order = to_core(self.order_time(), zone)
        return [d for d in self.ctx.doses_given() if not is_later(to_core(d, zone), order)]

    def _show_doses_given(self, *_: object) -> None:
        doses = sorted(self.ctx.doses_given())
        counted = self._doses_up_to_order()
        text = ", ".join(self._when(d) for d in doses) if doses else "none recorded"
        later = len(doses) - len(counted)
        if later:
            # Never left out in silence: the clock is read at the order's time.
            text += (
                f" ({later} after the order time {self._when(self.order_time())}, "
                "not counted by the repeat-dose check)"
            )
        self.view.doses_given.setText(f"Tocilizumab this episode (dose log): {text}")

    def compare(self) -> VerifyResult | None:
        self._clear_errors()
        try:
            inp = validate(VerifyInput, self.payload())
            result = verify_dose(inp, self.ctx.profile(), self.ctx.rs)
        except InputError as err:
            self._show_errors(err)
            return None
        now = self.ctx.clock()
        meta = RecordMeta(
            "verification",
            "Pharmacy double check",
            result.ruleset,
            result.profile,
            now,
            self.ctx.label(),
            # The chain head before this record's own entry, as on the handoff note and
            # the taper checklist: a paper copy can be matched to the log later.
            audit_head=audit_head(self.ctx.audit_log),
            zone=zone_of(self.ctx.time_zone()),
        )
        self.result = result
        self.record = verification_record(
            result,
            meta,
            VerificationPeople(
                verifier=self.view.initials.text(),
                order_entered_by=self.view.order_initials.text(),
            ),
            self.order_time(),
            blind_restarts=self.blind_restarts,
        )
        self._compared = self._entries()
        self._show_result(result)
        self._log("verify", None)
        self.verified.emit(result)
        return result

    def _show_result(self, result: VerifyResult) -> None:
        v = self.view
        v.set_decision(result.decision, decision_word(self.ctx.rs, result), list(result.reasons))

        # Three ways per item make many rows: those that set or weigh on the decision
        # first, then pairs not compared, then the matches (each group in the core's order).
        def weight(c: Comparison) -> int:
            if c.decision != "release":
                return 0 if c.decision == "do_not_release" else 1
            return 3 if c.matches else 2

        rows = sorted(result.comparisons, key=weight)
        v.set_rows([(c.text, comparison_word(c, self.ctx.rs), c.decision) for c in rows])
        label = self.ctx.label().strip() or "(no label entered)"
        entered_by = v.order_initials.text().strip() or "(not entered)"
        verifier = v.initials.text().strip() or "(not entered)"
        v.set_summary(
            f"Patient {label} · order {self._when(self.order_time())} · "
            f"prescriber's order entered by {entered_by}, verified by {verifier}"
        )
        notes = [f"Tolerance {result.tolerance_pct:g}% (from {result.tolerance_from})."]
        notes += list(result.warnings)
        v.notes.setText("\n".join(notes))
        v.status.setText("")
        v.show_page(v.RESULT)

    def new_check(self) -> None:
        v = self.view
        self._clear_independent()
        self.blind_restarts = 0
        v.show_restarts(0)
        self.result = None
        self.record = None
        self._clear_errors()
        v.show_page(v.ORDER)

    def _log(self, event: Event, content: bytes | None) -> None:
        if self.ctx.audit_log is None or self.record is None:
            return
        try:
            log_record(self.ctx.audit_log, self.record, event, self.ctx.clock(), content)
        except (AuditLogError, OSError, ValueError) as exc:
            self.view.status.setText(f"Not logged in the audit log: {exc}")

    def export_pdf(self, path: Path | None = None) -> Path | None:
        if self.record is None:
            return None
        if path is None:
            chosen, _ = QFileDialog.getSaveFileName(
                self.view, "Save verification record", "verification.pdf", "PDF (*.pdf)"
            )
            if not chosen:
                return None
            path = Path(chosen)
        try:
            data = write_pdf(self.record, path, self.ctx.settings().printer.page_size)
        except OSError as exc:
            self.view.status.setText(
                f"The record could not be saved to {path}: {exc.strerror or exc}"
            )
            return None
        self._log("export", data)
        self.view.status.setText(f"Saved {path}.")
        return path

    def print_record(self, parent: QWidget | None = None) -> bool:
        if self.record is None:
            return False
        p = self.ctx.settings().printer
        printer = make_printer(p.page_size, p.printer_name, p.copies)
        if not print_with_dialog(self.record, printer, parent or self.view):
            return False
        self._log("print", None)
        self.view.status.setText("Sent to the printer.")
        return True
