"""One window's session: start-up checks, settings, autosave and recovery, audit log.

Built by the AppController once the window and the tools exist. With ``locations`` None
(screenshots, self-test, benchmarks) nothing is read from or written to disk: default
settings, no autosave, no audit log.

- Start-up (ui.case.startup.start_up): settings, institution profile, a recovery case, and
  plain-words messages about any file that could not be used; the messages go to the
  status bar and to the notice above the tools (never a modal box).
- Settings are applied: units for new entries, the institution profile (in force when it
  loads) else the default profile. Edit > Settings… saves them through ui.store.settings.
- Autosave, data folder ownership and recovery: ui.controllers.case_keeper (what is typed, valid or
  not; one owner per data folder; recovery only of a case whose owner is gone).
  :meth:`Session.offer_recovery` asks (the prompt is injectable; the app calls it only
  when it runs with a window, never for the headless modes).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

import calculator
from calculator.edge.inputs import validate
from calculator.rulebook.profiles import Profile
from ui.case.autosave import Autosaver, Recovery
from ui.case.startup import load_institution_profile, start_up
from ui.controllers.case_keeper import CaseKeeper
from ui.controllers.ports import AppPort
from ui.store.atomic import write_failure
from ui.store.instance_lock import Ownership
from ui.store.settings import Settings, save_settings
from ui.store.storage import Locations, shown
from ui.units import TEMPERATURE_TEXT
from ui.widgets import question_box

if TYPE_CHECKING:
    from ui.views.settings_dialog import SettingsDialog

#: (parent, question) -> restore? The default asks with a QMessageBox.
RestorePrompt = Callable[[QWidget, str], bool]

STATUS_MS = 15000


def ask_restore(parent: QWidget, question: str) -> bool:
    answer = question_box(
        parent,
        "Restore the last case?",
        question,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.Yes,
    )
    return answer == QMessageBox.StandardButton.Yes


class Session(QObject):
    settings_changed = Signal(object)  # ui.store.settings.Settings
    messages = Signal(object)  # list[str]: plain words shown to the user

    def __init__(self, app: AppPort, locations: Locations | None) -> None:
        super().__init__(app)
        self.app = app
        self.locations = locations
        self.settings = Settings()
        self.keeper: CaseKeeper | None = None
        self.startup_messages: list[str] = []
        self._folders_ok = False
        self._dialog: SettingsDialog | None = None
        self.institution: Profile | None = None
        startup = None
        if locations is not None:
            startup = start_up(locations, app.rs, app.clock())
            self.settings = startup.settings
            self.startup_messages = startup.messages
            self._folders_ok = locations.data_dir.is_dir()
            if startup.institution_profile is not None:
                self.institution = startup.institution_profile
                app.add_institution_profile(self.institution)
        self._apply_profile(self.settings, initial=True)
        self._apply_units(self.settings)
        ownership = startup.ownership if startup is not None else None
        if startup is not None and ownership is None and startup.recovery.read_only:
            # A crashed case in a folder that cannot be written to: offered read-only,
            # owned by nobody (nothing is autosaved, renamed or removed there).
            assert startup.recovery.path is not None
            ownership = Ownership(False, startup.recovery.path)
        if startup is not None and ownership is not None:
            self.keeper = CaseKeeper(
                app,
                ownership,
                startup.recovery,
                startup.recovery_lock,
                self.settings.autosave_delay_ms,
                self.tell,
            )
            app.case_edited.connect(self.changed)
            app.window.installEventFilter(self)
        app.window.action_settings.triggered.connect(self.open_settings)
        self.tell(self.startup_messages)

    # --- where things go ---------------------------------------------------------------

    @property
    def audit_log(self) -> Path | None:
        if self.locations is None or not self._folders_ok:
            return None
        return self.locations.audit_log

    @property
    def autosaver(self) -> Autosaver | None:
        return self.keeper.autosaver if self.keeper is not None else None

    @property
    def recovery(self) -> Recovery:
        return self.keeper.recovery if self.keeper is not None else Recovery()

    @property
    def recovery_pending(self) -> bool:
        return self.keeper is not None and self.keeper.recovery_pending

    def temperature_unit(self) -> str:
        return TEMPERATURE_TEXT[self.settings.units.temperature]

    def tell(self, messages: list[str]) -> None:
        """Plain words for the user: the status bar and the notice above the tools."""
        if not messages:
            return
        messages = [shown(m) for m in messages]  # a non-UTF-8 path stays readable
        self.app.window.notice.add(messages)
        self.app.window.statusBar().showMessage(messages[-1], STATUS_MS)
        self.messages.emit(list(messages))

    # --- settings ----------------------------------------------------------------------

    def _apply_profile(self, settings: Settings, initial: bool = False) -> None:
        app = self.app
        if settings.institution_profile_file and self.institution is not None:
            app.set_profile(self.institution)
        elif settings.default_profile:
            app.set_profile_id(settings.default_profile)
        elif not initial:
            app.set_profile_id(app.rs.default_profile)

    def _apply_units(self, settings: Settings) -> None:
        bar = self.app.window.patient_bar
        if bar.weight_unit.currentText() != settings.units.weight:
            bar.weight_unit.setCurrentText(settings.units.weight)
        temperature = self.app.grading.view.crs_inputs.temperature_unit
        wanted = TEMPERATURE_TEXT[settings.units.temperature]
        if temperature.currentText() != wanted:
            temperature.setCurrentText(wanted)

    def open_settings(self) -> SettingsDialog:
        """Edit > Settings…: a dialog; Save validates, writes and applies. Imported on
        first use: the dialog is not on the start-up path (issue 14)."""
        from ui.views.settings_dialog import SettingsDialog

        rs = self.app.rs
        profiles = [("", f"The ruleset's default ({rs.default_profile})")]
        profiles += [(pid, p.name) for pid, p in rs.profiles.items()]
        dialog = SettingsDialog(profiles, self.app.window)
        dialog.set_settings(self.settings)
        dialog.save_button.clicked.connect(lambda: self.save_from(dialog))
        dialog.work.save = lambda: self.save_from(dialog)
        dialog.browse.clicked.connect(lambda: self._browse(dialog))
        self._dialog = dialog
        dialog.setModal(True)
        dialog.show()
        return dialog

    def _browse(self, dialog: SettingsDialog) -> None:
        path, _ = QFileDialog.getOpenFileName(
            dialog, "Institution profile file", "", "Profiles (*.toml *.json)"
        )
        if path:
            dialog.institution_file.setText(path)

    def save_from(self, dialog: SettingsDialog) -> bool:
        data: dict[str, Any] = self.settings.model_dump(mode="json") | dialog.values()
        if data.get("double_check_tolerance_pct") is None:
            data.pop("double_check_tolerance_pct", None)
        try:
            settings = validate(Settings, data)
        except calculator.InputError as err:
            dialog.error.set_error(
                "; ".join(f"{f.field}: {f.message}" for f in err.fields) or err.message
            )
            return False
        if self.locations is not None:
            try:
                save_settings(self.locations.settings_file, settings)
            except OSError as exc:
                dialog.error.set_error(
                    write_failure(self.locations.settings_file, exc, "The settings")
                )
                return False
        self.apply(settings)
        dialog.accept()
        return True

    def apply(self, settings: Settings) -> None:
        """Use new settings now (after Edit > Settings…)."""
        old = self.settings
        self.settings = settings
        messages: list[str] = []
        if settings.institution_profile_file != old.institution_profile_file:
            profile, messages = load_institution_profile(settings, self.app.rs, self.app.clock())
            self.institution = profile
            if profile is not None:
                self.app.add_institution_profile(profile)
        if (
            settings.institution_profile_file != old.institution_profile_file
            or settings.default_profile != old.default_profile
        ):
            self._apply_profile(settings)
        self._apply_units(settings)
        messages.append(f"Settings saved. Profile {self.app.profile.id} is in force.")
        self.tell(messages)
        self.settings_changed.emit(settings)

    # --- autosave ----------------------------------------------------------------------

    def changed(self, *_: object) -> None:
        if self.keeper is not None:
            self.keeper.changed()

    def _case_replaced(self) -> None:
        """File > New (once the user agreed): the old case is no longer the one to recover."""
        if self.keeper is not None:
            self.keeper.case_replaced()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.app.window and event.type() == QEvent.Type.Close:
            self.close_cleanly()
        return False

    def close_cleanly(self) -> None:
        """A clean exit removes the autosave (unless a recovery case was never answered)
        and gives the data folder back."""
        if self.keeper is not None:
            self.keeper.close_cleanly()

    # --- recovery ----------------------------------------------------------------------

    def offer_recovery(self, ask: RestorePrompt = ask_restore) -> bool:
        """If a session whose owner is gone left a case, offer it; returns restored?"""
        return self.keeper is not None and self.keeper.offer(ask)
