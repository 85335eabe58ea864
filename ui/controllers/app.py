"""Wires the main window to the core: profile, patient context, the tools, menus, dialogs.

The one place that knows every controller: the tools share the case and its clock
(ui/case/state.py CaseState); case documents, the session, the records and the unsaved-changes
prompt see the app through ui/controllers/ports.py, never through this module
(import-linter keeps it so).
"""

from __future__ import annotations

import html
import itertools
import platform
from pathlib import Path

import PySide6
from PySide6.QtCore import QObject, Qt, Signal, qVersion
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QFileDialog, QWidget

import calculator
from calculator.local_time import is_later
from calculator.records.audit import AuditLogError, append
from calculator.records.case import CaseDocument
from calculator.records.case_v2 import Assessment, CaseDocumentV2
from ui import trace
from ui.case import field_snapshot
from ui.case.local_clock import SYSTEM_ZONE, Monotonic
from ui.case.state import CaseState, Clock, system_clock
from ui.controllers.case import (
    V1_NOTICE,
    CaseError,
    apply_assessment,
    apply_case,
    episode_or_message,
    read_case,
    save_case,
    wizard_assessment,
)
from ui.controllers.crosswalk import CrosswalkController
from ui.controllers.dose import DoseController
from ui.controllers.episode import EpisodeController
from ui.controllers.grading import GradingController
from ui.controllers.management import ManagementController
from ui.controllers.patient import PatientController
from ui.controllers.records_controller import RecordsController
from ui.controllers.session import Session
from ui.controllers.taper import TaperController
from ui.controllers.unsaved import UnsavedChanges
from ui.models import PatientContext
from ui.store.storage import Locations
from ui.views.dialogs import AboutDialog, RuleDialog, SourcesDialog
from ui.views.dose import DoseView
from ui.views.episode import EpisodeView
from ui.views.grading import GradingView
from ui.views.main_window import MainWindow, carry_style_sheet
from ui.views.taper import TaperView
from ui.widgets import (
    RuleLinks,
    WholeSpin,
    action_text,
    information_box,
    plain_text_everywhere,
    plain_tip,
    warning_box,
)

__all__ = ["AppController", "Clock", "system_clock"]


class AppController(QObject):
    profile_changed = Signal(object)  # calculator.Profile
    #: Something a case document holds changed: the autosave and the unsaved-changes
    #: prompt both hear this one signal.
    case_edited = Signal()

    def __init__(
        self,
        clock: Clock = system_clock,
        locations: Locations | None = None,
        zone: str | None = SYSTEM_ZONE,
        monotonic: Monotonic | None = None,
        *,
        window: MainWindow | None = None,
    ) -> None:
        """``locations``: where settings, autosave and the audit log live (``ui.store.storage.
        locate()`` in the running app); None keeps nothing on disk (screenshots, benches).
        ``zone``: the IANA zone of the case's times, the system's unless given (tests;
        None: no zone, wall-clock arithmetic);
        ``monotonic``: the real-time clock the countdown and the jump check run on;
        ``window``: a main window painted before the rules were loaded (``MainWindow()``
        without tools, issue 26): the tools are built into it instead of a new one."""
        super().__init__()
        self.clock = clock
        self.rs = calculator.ruleset()
        self.profile = calculator.builtin_profile(self.rs, None)
        self.institution_profiles: dict[str, calculator.Profile] = {}
        ic, xw = self.rs.icans, self.rs.crosswalk
        # Item wording and scoring direction come from the rule data (ICANS-ICE, ICANS-CAPD),
        # as do the older scales and XW-HIGHDOSE's hours.
        grading_view = GradingView(
            [(k, ic.ice.item_labels[k], top) for k, top in ic.ice.items.items()],
            [
                (f"{item.label} ({ic.capd.scoring_text(i)})", ic.capd.item_max)
                for i, item in enumerate(ic.capd.items)
            ],
            [(r.scale, r.name) for r in xw.scales()],
            xw.high_dose.hours_min,
        )
        tools: dict[str, QWidget] = {
            "grading": grading_view,
            "dose": DoseView(),
            "taper": TaperView(),
            "episode": EpisodeView(),
        }
        if window is None:
            self.window = MainWindow(tools)
            self.window.setParent(None)
        else:
            window.set_tools(tools)  # shown already: re-parenting would hide it
            self.window = window
        # Parented to the window: its live-clock timer ends with the widgets it updates.
        self.state = CaseState(clock, self.window, zone=zone, monotonic=monotonic)
        self.patient = PatientController(self.window.patient_bar, self.state)
        self.grading = GradingController(grading_view, self.profile, self.patient.context())
        self.patient.changed.connect(self.grading.set_patient)
        self.grading.patient_errors.connect(lambda msgs: self.patient.set_errors("grading", msgs))
        self.profile_changed.connect(self.grading.set_profile)
        self.crosswalk = CrosswalkController(
            grading_view.crosswalk,
            self.profile,
            self.grading.crs_for_case,
            self.grading.icans_for_case,
        )
        self.grading.grades_changed.connect(self.crosswalk.recompute)
        self.profile_changed.connect(self.crosswalk.set_profile)
        self.dose = DoseController(tools["dose"], self.profile, self.state)  # type: ignore[arg-type]
        self.patient.changed.connect(self.dose.set_patient)
        self.dose.patient_errors.connect(lambda msgs: self.patient.set_errors("dose", msgs))
        self.profile_changed.connect(self.dose.set_profile)
        self.taper = TaperController(tools["taper"], self.profile, self.state)  # type: ignore[arg-type]
        self.patient.changed.connect(self.taper.set_patient)
        self.taper.patient_errors.connect(lambda msgs: self.patient.set_errors("taper", msgs))
        self.profile_changed.connect(self.taper.set_profile)
        self.management = ManagementController(grading_view.management, self.profile, self.state)
        self.grading.grades_changed.connect(self.management.set_grades)
        self.patient.changed.connect(self.management.set_patient)
        self.profile_changed.connect(self.management.set_profile)
        self.dose.doses_changed.connect(self.management.set_doses)
        self.management.open_dose.connect(self.open_dose)
        self.management.open_taper.connect(self.open_taper)
        self.management.set_grades(self.grading.grades())
        self.management.rule_activated.connect(self.show_rule)
        # The episode (issue 24): Record assessment / Start from last, the Episode view.
        self.episode = EpisodeController(
            tools["episode"],  # type: ignore[arg-type]
            grading_view.record_bar,
            self.window.patient_bar.day0,
            self.state,
            self.rs,
            self.profile,
            make_case=lambda assessments: episode_or_message(self, assessments),
            take_wizard=lambda: wizard_assessment(self),
            fill_wizard=self._fill_wizard,
            audit=self._audit_episode,
            due_label=self.window.status_due,
        )
        self.profile_changed.connect(self.episode.set_profile)
        self.dose.doses_changed.connect(self.episode.recompute)
        # The episode is graded with the patient's age and planned with the weight (not
        # recomputed when only the clock moved: the patient context carries it too).
        self._episode_patient: tuple[object, ...] | None = None
        self.patient.changed.connect(self._patient_for_episode)
        self.episode.computed.connect(self._episode_computed)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self.window)
            shortcut.setObjectName(f"recordShortcut{keys.split('+')[1]}")
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(self.episode.record)
        # A dose after the assessment time is never dropped: the time is marked until moved.
        self.state.clock_changed.connect(self._mark_late_doses)
        self.dose.doses_changed.connect(self._mark_late_doses)
        self.case_path: Path | None = None
        self._dialogs: list[QWidget] = []
        self._wire_menus()
        self._wire_rule_links()
        self._set_tab_order()
        self._show_profile()
        # One list of what a case document holds, for the autosave (session) and the
        # unsaved-changes prompt alike (there were two, and they had drifted apart).
        for signal in (
            self.state.changed,
            self.patient.changed,
            self.grading.crs_graded,
            self.grading.icans_graded,
            self.grading.patient_errors,
            self.crosswalk.crosswalk_graded,
            self.crosswalk.refused,
            self.dose.doses_changed,
            self.taper.planned,
            self.taper.patient_errors,
            self.profile_changed,
            self.management.view.improving.changed,
            self.episode.edited,
        ):
            signal.connect(self._case_edited)
        # What every named input holds in an empty case, taken before the settings are
        # applied: New and Open put it back (see _blank_tools).
        self._blank_fields = self._case_fields()
        self.session = Session(self, locations)
        # A wall clock set back is said once, plainly, never as the user's mistake.
        self.state.clock_jumped.connect(lambda jump: self.session.tell([jump.text()]))
        self.records = RecordsController(
            self,
            settings=lambda: self.session.settings,
            audit_log=lambda: self.session.audit_log,
            tell=self.session.tell,
        )
        # Installed after the session's close filter, so it is asked first; only the
        # running app (with its folders) asks: screenshots and benches type nothing.
        self.unsaved = UnsavedChanges(self.window, self._save_from_prompt)
        self.unsaved.enabled = locations is not None
        self.unsaved.watch(self.case_edited)
        plain_text_everywhere(self.window)  # the labels QFormLayout made too
        carry_style_sheet(self.window)  # last: every widget of the window is built

    def _case_edited(self, *_: object) -> None:
        self.case_edited.emit()

    # --- the episode (issue 24) ------------------------------------------------------

    def _fill_wizard(self, a: Assessment | None) -> None:
        """The wizard from one assessment (Start from last, Open / correct), or blank."""
        _text, unit = self.grading.temperature.typed()
        with self.grading.held():  # graded once, with every field in place
            apply_assessment(self, a, unit)
            self.grading.recompute()

    def _patient_for_episode(self, ctx: PatientContext) -> None:
        key = (ctx.weight_kg, ctx.age_years, ctx.product, ctx.label)
        if key != self._episode_patient:
            self._episode_patient = key
            self.episode.recompute()

    def _episode_computed(self, result: object) -> None:
        trend = self.grading.view.management.trend
        if result is None or not hasattr(result, "trend"):
            trend.hide()
            self.management.set_history({})
            return
        lines = [result.trend.text, *(h.text for h in result.history)]
        trend.setText("\n".join(lines))
        trend.show()
        self.management.set_history(result.facts.model_dump())

    def _audit_episode(self, what: str, details: dict[str, object]) -> str | None:
        """Each change of the recorded episode in the audit log (old and new values)."""
        log = self.session.audit_log if hasattr(self, "session") else None
        if log is None:
            return None
        try:
            append(
                log,
                at=self.clock(),
                event="episode",
                record=f"assessment {what}",
                label=self.window.patient_bar.label.text(),
                details=details,
            )
        except AuditLogError as exc:
            return f"The change ({what}) is NOT LOGGED in the audit log: {exc}"
        return None

    # --- profile ---------------------------------------------------------------------

    def set_profile(self, profile: calculator.Profile) -> None:
        self.profile = profile
        action = self.window.profile_actions.get(profile.id)
        if action is not None and not action.isChecked():
            action.setChecked(True)
        self._show_profile()
        self.profile_changed.emit(profile)

    def set_profile_id(self, profile_id: str) -> None:
        profile = self.institution_profiles.get(profile_id) or calculator.builtin_profile(
            self.rs, profile_id
        )
        self.set_profile(profile)

    def status_text(self) -> str:
        info = self.rs.info
        # The IDs first: at large fonts the end of the line may be cut, never the profile.
        return (
            f"Profile {self.profile.id}  ·  Ruleset {info.version}  ·  "
            f"sha256 {info.sha256[:12]}…  ·  {self.profile.name}"
        )

    def _show_profile(self) -> None:
        self.window.status_profile.setText(self.status_text())
        self.window.status_profile.setToolTip(
            plain_tip(
                f"{self.profile.name}: {self.profile.description}\n"
                f"Ruleset {self.rs.meta.name} {self.rs.info.version}\nsha256 {self.rs.sha256}"
            )
        )

    def _load_profile_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.window, "Institution profile", "", "Profiles (*.toml *.json)"
        )
        if path:
            self.load_profile_file(Path(path))

    def load_profile_file(self, path: Path) -> bool:
        try:
            profile = calculator.read_profile_file(self.rs, path)
        except calculator.InputError as exc:
            warning_box(
                self.window,
                "Profile refused",
                f"The profile file was refused; the current profile stays.\n\n{exc.message}",
            )
            return False
        self.add_institution_profile(profile)
        self.set_profile(profile)
        return True

    def add_institution_profile(self, profile: calculator.Profile) -> None:
        """Offer an institution profile in the Profile menu (it does not become active)."""
        self.institution_profiles[profile.id] = profile
        if profile.id not in self.window.profile_actions:
            action = self.window.add_profile(
                profile.id, action_text(f"{profile.name} (institution)")
            )
            action.triggered.connect(lambda _=False, pid=profile.id: self.set_profile_id(pid))

    # --- case documents ---------------------------------------------------------------

    def request_new(self) -> bool:
        """File > New (Ctrl+N): asks Save / Discard / Cancel first if the case is unsaved."""
        if not self.unsaved.may_replace("starting a new case"):
            return False
        self.new_case()
        return True

    def new_case(self) -> None:
        """A new case: every tool back to empty, the clock live, the profile kept; the old
        case is no longer the one to recover."""
        self.case_path = None
        self._reset_tools()
        self.session._case_replaced()
        self.unsaved.clean()
        self.window.setWindowTitle("CRS Bedside Calculator")

    def _reset_tools(self) -> None:
        with self.unsaved.loading():
            self._blank_tools()

    def case_inputs(self) -> dict[str, QWidget]:
        """Every named input that belongs to the patient's case: the patient bar and the
        tools (not the menus, the notice bar or the settings)."""
        found: dict[str, QWidget] = {}
        for root in (self.window.patient_bar, *self.window.tool_pages.values()):
            found.update(field_snapshot.inputs(root))
        return found

    def _clock_and_settings_inputs(self) -> set[QWidget]:
        """Case inputs whose blank value is not fixed: the settings give the units, the
        case's clock the times. _blank_tools sets them itself."""
        bar = self.window.patient_bar
        return {
            bar.weight_unit,
            bar.assessed_at,
            self.grading.view.crs_inputs.temperature_unit,
            self.dose.view.time_field.edit,
            self.taper.view.start,
        }

    def _case_fields(self) -> field_snapshot.Fields:
        skip = self._clock_and_settings_inputs()
        return {
            key: value
            for key, widget in self.case_inputs().items()
            if widget not in skip and (value := field_snapshot.value_of(widget)) is not None
        }

    def _blank_tools(self) -> None:
        """The one definition of an empty case (New, and before Open fills a case in):
        every named input of the patient bar and the tools back to what a new window
        shows (the snapshot taken when the window was built, so a field added later is
        reset too), the dose log emptied, no taper planned, "Assessed at" live, the units
        from the settings, the taper's start from the clock, no double check left open
        for the patient before."""
        self.records.close_case_dialogs()
        for spin in self.window.findChildren(WholeSpin):
            spin.clear_refusal()
        for _ in range(field_snapshot.PASSES):
            # A choice can refill other fields (a regimen its days): set them again.
            changed = [
                field_snapshot.set_value(widget, self._blank_fields[key])
                for key, widget in self.case_inputs().items()
                if key in self._blank_fields
            ]
            if not any(changed):
                break
        bar = self.window.patient_bar
        self.state.set_zone(self.state.own_zone_name)  # a new case counts in this zone
        self.patient.load(
            PatientContext(
                assessed_at=self.state.wall_now(),
                weight_unit=self.session.settings.units.weight,
            ),
            live=True,
        )
        bar.weight.set_error(None)
        self.dose.set_given(())
        self.episode.load([], None)
        self.grading.temperature.set_value("", self.session.temperature_unit())
        self.crosswalk.reset()
        self.taper.default_start()
        self.grading.recompute()

    def save_case(self, path: Path) -> bool:
        try:
            save_case(self, path)
        except CaseError as exc:
            warning_box(self.window, "Case not saved", str(exc))
            return False
        self.case_path = path
        self.unsaved.clean()
        self.window.setWindowTitle(f"CRS Bedside Calculator — {path.name}")
        self.window.statusBar().showMessage(f"Saved {path}", 5000)
        return True

    def open_case(self, path: Path) -> bool:
        try:
            case, version = read_case(path)
        except CaseError as exc:
            warning_box(self.window, "Case not opened", str(exc))
            return False
        with self.unsaved.loading():
            self._blank_tools()
            notes = apply_case(self, case)
        if version == 1:
            notes.append(V1_NOTICE)  # said once, when it is opened
        self.case_path = path
        self.unsaved.clean()
        self.window.setWindowTitle(f"CRS Bedside Calculator — {path.name}")
        if notes:
            information_box(self.window, "Case opened", "\n".join(notes))
        return True

    def restore_case(self, case: CaseDocument | CaseDocumentV2) -> list[str]:
        """Fill every tool from a recovered autosave (not tied to a file)."""
        with self.unsaved.loading():
            self._blank_tools()
            notes = apply_case(self, case)
        self.case_path = None
        self.unsaved.dirty = True  # recovered, not in any file yet
        self.window.setWindowTitle("CRS Bedside Calculator — recovered case")
        return notes

    def _open_dialog(self) -> None:
        if not self.unsaved.may_replace("opening another case"):
            return
        path, _ = QFileDialog.getOpenFileName(
            self.window, "Open case", "", "Case documents (*.json)"
        )
        if path:
            self.open_case(Path(path))

    def _save_dialog(self, ask: bool = False) -> bool:
        path = self.case_path
        if ask or path is None:
            chosen, _ = QFileDialog.getSaveFileName(
                self.window, "Save case", "case.json", "Case documents (*.json)"
            )
            if not chosen:
                return False
            path = Path(chosen)
        return self.save_case(path)

    def _save_from_prompt(self) -> bool:
        return self._save_dialog(False)

    def _mark_late_doses(self, *_: object) -> None:
        at = self.state.core(self.state.at())
        late = [
            (i, d) for i, d in enumerate(self.dose.dose_times) if is_later(self.state.core(d), at)
        ]
        field = self.window.patient_bar.assessed.field
        if not late:
            if field.error_text().startswith("is earlier than"):
                field.set_error(None)
            return
        i, d = late[0]
        if self.state.live:
            # Live: the computer's clock reads earlier than a logged dose (it went back);
            # "Now" cannot help and nobody typed anything wrong.
            field.set_error(
                f"is earlier than dose {i + 1} ({self.state.when(d)}): the "
                "computer's clock went back; check it, or set the assessment time"
            )
            return
        field.set_error(
            f"is earlier than dose {i + 1} ({self.state.when(d)}): "
            "set a later time or Now, or the dose clock cannot count it"
        )

    # --- management actions ---------------------------------------------------------

    def open_dose(self, drug: str, regimen: str | None) -> None:
        self.dose.select(drug, regimen)
        self.window.tabs.setCurrentWidget(self.window.tool_pages["dose"])

    def open_taper(self, regimen: str) -> None:
        self.taper.select_regimen(regimen)
        self.window.tabs.setCurrentWidget(self.window.tool_pages["taper"])

    # --- menus -----------------------------------------------------------------------

    def _wire_menus(self) -> None:
        w = self.window
        for pid, profile in self.rs.profiles.items():
            action = w.add_profile(pid, action_text(profile.name))
            action.triggered.connect(lambda _=False, p=pid: self.set_profile_id(p))
            if pid == self.profile.id:
                action.setChecked(True)
        w.profile_menu.addSeparator()
        load = w._action(w.profile_menu, "Load institution profile…", "actionLoadProfile")
        load.triggered.connect(self._load_profile_file)
        for i, key in enumerate(w.tool_pages):
            w.tool_actions[key].triggered.connect(
                lambda _=False, idx=i: w.tabs.setCurrentIndex(idx)
            )
        w.action_sources.triggered.connect(self.show_sources)
        w.action_about.triggered.connect(self.show_about)
        w.action_quit.triggered.connect(w.close)
        w.action_new.triggered.connect(self.request_new)
        w.action_open.triggered.connect(self._open_dialog)
        w.action_save.triggered.connect(lambda: self._save_dialog(False))
        w.action_save_as.triggered.connect(lambda: self._save_dialog(True))

    def _wire_rule_links(self) -> None:
        for links in self.window.findChildren(RuleLinks):
            links.rule_activated.connect(self.show_rule)

    def _set_tab_order(self) -> None:
        bar = self.window.patient_bar
        chain: list[QWidget] = [
            bar.weight.edit,
            bar.weight_unit,
            bar.age.edit,
            bar.product,
            bar.assessed_at,
            bar.minus_hour,
            bar.now_button,
            bar.label,
        ]
        for page in self.window.tool_pages.values():
            order = getattr(page, "bedside_order", None)
            if order is not None:
                chain += order()
        for a, b in itertools.pairwise(chain):
            QWidget.setTabOrder(a, b)

    # --- dialogs -----------------------------------------------------------------------

    def keep_dialog(self, dialog: QWidget) -> None:
        """Show a modeless dialog and keep it alive while it is open."""
        self._keep(dialog)

    def _keep(self, dialog: QWidget) -> None:
        self._dialogs = [d for d in self._dialogs if d.isVisible()]
        self._dialogs.append(dialog)
        dialog.show()

    def source_rows(self) -> list[tuple[str, str, str, str, str]]:
        rows = []
        for rule in self.rs.all_rules():
            status = rule.status + (f" ({rule.status_note})" if rule.status_note else "")
            if rule.needs_verification:
                status += f" ⚠ {trace.VERIFY}"
            rows.append((rule.id, rule.title, rule.text, status, ", ".join(rule.sources)))
        return rows

    def show_sources(self) -> SourcesDialog:
        citations = "<br>".join(
            f"<b>[{html.escape(k)}]</b> {html.escape(s.citation)}"
            for k, s in self.rs.sources.items()
        )
        dialog = SourcesDialog(self.source_rows(), citations, self.window)
        dialog.resize(self.window.width() * 9 // 10, self.window.height() * 9 // 10)
        self._keep(dialog)
        return dialog

    def about_text(self) -> str:
        info = self.rs.info
        return (
            "<h3>CRS Bedside Calculator</h3>"
            f"<p>App and core version {html.escape(calculator.__version__)}<br>"
            f"Ruleset: {html.escape(self.rs.meta.name)} {html.escape(info.version)}<br>"
            f"Ruleset sha256: <tt>{info.sha256}</tt><br>"
            f"Active profile: {html.escape(self.profile.name)} "
            f"[{html.escape(self.profile.id)}]<br>"
            f"PySide6 {PySide6.__version__}, Qt {qVersion()}, "
            f"Python {platform.python_version()}</p>"
            "<p>Offline: no network access, no telemetry. Suggestions are never orders: "
            "clinical judgement and the local protocol decide.</p>"
            + self._files_html()
            + "<p><b>Installation</b> (<tt>crs-calc --verify-install</tt>):<br>"
            + "<br>".join(html.escape(line) for line in self._installation())
            + "</p>"
        )

    def _files_html(self) -> str:
        """Where this app's files are, so the audit log can be found for ``audit-verify``."""
        where = self.session.locations
        if where is None:
            return "<p><b>Files</b>: none kept (no settings, autosave or audit log).</p>"
        rows = (
            ("Settings", where.settings_file),
            ("Autosave", where.autosave_file),
            ("Audit log", where.audit_log),
        )
        lines = "<br>".join(f"{name}: <tt>{html.escape(str(path))}</tt>" for name, path in rows)
        mode = "portable, beside the program" if where.portable else "per user"
        return (
            f"<p><b>Files</b> ({mode}):<br>{lines}<br>Check the log: "
            f"<tt>python -m calculator audit-verify {html.escape(str(where.audit_log))} "
            "--anchor SEQ:HASH</tt> (the anchor printed on a record)</p>"
        )

    def _installation(self) -> list[str]:
        from ui.store.install_manifest import bundle_root, installation_summary

        info = self.rs.info
        return installation_summary(bundle_root(), {"version": info.version, "sha256": info.sha256})

    def show_about(self) -> AboutDialog:
        dialog = AboutDialog(self.about_text(), self.window)
        self._keep(dialog)
        return dialog

    def show_rule(self, rule_id: str) -> RuleDialog:
        dialog = RuleDialog(trace.rule_tooltip(rule_id), self.window)
        self._keep(dialog)
        return dialog
