"""Printed records from the running app: File > Print handoff record… / Export handoff
PDF…, the taper planner's Print checklist… / Save checklist PDF…, and Tools > Pharmacy
double check…. Every record printed or exported is appended to the audit log.

The records themselves are built in ui/records/documents.py; this module only gathers the current
case, asks where to write, and reports in plain words. The records (PDF, print support) and
the double check are imported on first use: they stay off the start-up path (issue 14).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog

import calculator
from calculator.edge.inputs import validate
from calculator.records.case_v2 import dump_episode_case
from calculator.taper import TaperInput, plan_taper
from ui.controllers.case import CaseError, build_case
from ui.controllers.ports import AppPort
from ui.records.audit_trail import AuditTrail
from ui.store.atomic import write_failure
from ui.store.settings import Settings
from ui.widgets import warning_box

if TYPE_CHECKING:
    from calculator.records.audit import Event
    from ui.controllers.verification_controller import VerificationController
    from ui.records.documents import Record
    from ui.views.verification_view import VerificationView

STATUS_MS = 8000


class RecordsController(QObject):
    def __init__(
        self,
        app: AppPort,
        settings: Callable[[], Settings],
        audit_log: Callable[[], Path | None],
        tell: Callable[[list[str]], None],
    ) -> None:
        """``settings``, ``audit_log`` and ``tell`` come from the session (the app wires
        them): the printer settings, where records are logged, plain words to the user."""
        super().__init__(app.window)
        self.app = app
        self._settings = settings
        self._audit_log = audit_log
        self._tell = tell
        self.audit = AuditTrail(audit_log, app.clock)
        self.verification: VerificationController | None = None
        w = app.window
        w.action_print_handoff.triggered.connect(lambda: self.print_handoff())
        w.action_export_handoff.triggered.connect(lambda: self.export_handoff())
        w.action_double_check.triggered.connect(lambda: self.open_double_check())
        taper = app.taper.view
        taper.print_checklist.clicked.connect(lambda: self.print_checklist())
        taper.save_checklist.clicked.connect(lambda: self.export_checklist())

    # --- the records -------------------------------------------------------------------

    def _refuse(self, title: str, message: str) -> None:
        warning_box(self.app.window, title, message)

    def handoff(self) -> Record | None:
        """The handoff record of the current case, or None (said why)."""
        try:
            data = dump_episode_case(build_case(self.app, complete=True))
        except CaseError as exc:
            self._refuse("No handoff record", f"The case is not complete:\n\n{exc}")
            return None
        # The active profile decides (it may be an institution profile, not a built-in one).
        data.pop("profile", None)
        from ui.records.handoff import handoff_from_case

        try:
            handoff = handoff_from_case(
                data, self.app.clock(), self.app.rs, self.app.profile, self._audit_log()
            )
        except calculator.InputError as err:
            self._refuse("No handoff record", err.message)
            return None
        return handoff.record

    def checklist(self) -> Record | None:
        """The taper checklist of the plan as it stands now, or None (said why)."""
        app = self.app
        if not app.taper.has_plan and app.taper.mode == "regimen":
            self._refuse("No taper checklist", "No taper is planned: choose a regimen first.")
            return None
        try:
            plan = plan_taper(validate(TaperInput, app.taper.payload()), app.profile, app.rs)
        except calculator.InputError as err:
            self._refuse(
                "No taper checklist",
                f"The taper plan has a problem; fix the marked field first.\n\n{err.message}",
            )
            return None
        from ui.records.documents import RecordMeta, audit_head
        from ui.records.taper_checklist import taper_checklist

        meta = RecordMeta(
            "taper-checklist",
            "Steroid taper checklist",
            plan.ruleset,
            plan.profile,
            app.clock(),
            app.patient.context().label,
            audit_head=audit_head(self._audit_log()),
            zone=app.state.zone,
        )
        return taper_checklist(plan, meta, *app.taper.origin())

    # --- output ------------------------------------------------------------------------

    def _log(self, record: Record, event: Event, content: bytes | None) -> bool:
        """Log the record (ui.records.audit_trail); a failure is said in plain words and the record
        stays marked "not logged" until a later write logs it, once. True when logged."""
        problem = self.audit.record(record, event, content)
        if problem is not None:
            self._tell([problem])
        return problem is None

    def _export(self, record: Record | None, path: Path | None, suggested: str) -> Path | None:
        if record is None:
            return None
        if path is None:
            chosen, _ = QFileDialog.getSaveFileName(
                self.app.window, f"Save {record.meta.title}", suggested, "PDF (*.pdf)"
            )
            if not chosen:
                return None
            path = Path(chosen)
        from ui.records.paper import write_pdf

        try:
            data = write_pdf(record, path, self._settings().printer.page_size)
        except OSError as exc:
            self._refuse("PDF not saved", write_failure(path, exc, f"The {record.meta.title}"))
            return None
        logged = self._log(record, "export", data)
        self.app.window.statusBar().showMessage(
            f"Saved {record.meta.title} to {path}" + ("" if logged else " (not logged)"),
            STATUS_MS,
        )
        return path

    def _print(self, record: Record | None) -> bool:
        if record is None:
            return False
        p = self._settings().printer
        from ui.records.paper import make_printer, print_with_dialog

        printer = make_printer(p.page_size, p.printer_name, p.copies)
        if not print_with_dialog(record, printer, self.app.window):
            return False
        logged = self._log(record, "print", None)
        self.app.window.statusBar().showMessage(
            f"Sent {record.meta.title} to the printer" + ("" if logged else " (not logged)"),
            STATUS_MS,
        )
        return True

    def export_handoff(self, path: Path | None = None) -> Path | None:
        return self._export(self.handoff(), path, "handoff.pdf")

    def print_handoff(self) -> bool:
        return self._print(self.handoff())

    def export_checklist(self, path: Path | None = None) -> Path | None:
        return self._export(self.checklist(), path, "taper-checklist.pdf")

    def print_checklist(self) -> bool:
        return self._print(self.checklist())

    # --- pharmacy double check ---------------------------------------------------------

    def close_case_dialogs(self) -> None:
        """A new case replaces the patient: a double check still open holds the order of
        the patient before (and would record it under the new label), so it closes."""
        if self.verification is not None:
            self.verification.view.close()
            self.verification = None

    def open_double_check(self) -> VerificationView:
        """Tools > Pharmacy double check…: the order prefilled from the dose panel."""
        app = self.app
        from ui.controllers.verification_controller import (
            VerificationContext,
            VerificationController,
        )
        from ui.views.verification_view import VerificationView

        view = VerificationView(app.window)
        ctx = VerificationContext(
            rs=app.rs,
            profile=lambda: app.profile,
            settings=self._settings,
            audit_log=self._audit_log(),
            clock=app.clock,
            label=lambda: app.patient.context().label,
            doses_given=lambda: tuple(app.dose.dose_times),
            case_at=app.state.at,
            case_weight=lambda: _case_weight(app.patient.context().weight_kg),
            time_zone=lambda: app.state.zone_name,
        )
        controller = VerificationController(view, ctx)
        patient = app.patient.context()
        # The ordered dose is typed from the order itself: prefilling the calculated dose
        # would make the order agree with the calculation by construction.
        controller.prefill_order(
            drug=app.dose.view.drug.currentData() or "",
            weight_kg=patient.weight_kg if isinstance(patient.weight_kg, float) else None,
            age_years=patient.age_years if isinstance(patient.age_years, float) else None,
            regimen=app.dose.view.regimen.currentData() or "",
        )
        self.verification = controller
        app.keep_dialog(view)
        return view


def _case_weight(weight: object) -> float | None:
    """VERIFY-CASE: the case's weight in kg when one is entered and valid, else None."""
    return weight if isinstance(weight, float) else None
