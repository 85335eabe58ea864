"""What the controllers that serve the whole case (case documents, session, records,
unsaved-changes prompt) may use of the app: typed as Protocols, so they depend on this
interface and on CaseState, never on ui/controllers/app.py or on each other.

AppController (ui/controllers/app.py) is the one implementation; it builds the tools
and the window and wires these controllers to them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from PySide6.QtCore import SignalInstance
from PySide6.QtWidgets import QWidget

import calculator
from calculator.records.case import CaseDocument
from calculator.records.case_v2 import CaseDocumentV2
from calculator.rulebook.loader import Ruleset
from ui.case.state import CaseState, Clock
from ui.controllers.crosswalk import CrosswalkController
from ui.controllers.dose import DoseController
from ui.controllers.episode import EpisodeController
from ui.controllers.grading import GradingController
from ui.controllers.management import ManagementController
from ui.controllers.patient import PatientController
from ui.controllers.taper import TaperController
from ui.views.main_window import MainWindow


class CaseTools(Protocol):
    """The tools a case document is gathered from and filled back into."""

    state: CaseState
    patient: PatientController
    grading: GradingController
    crosswalk: CrosswalkController
    dose: DoseController
    episode: EpisodeController
    taper: TaperController
    management: ManagementController
    profile: calculator.Profile
    clock: Clock

    def set_profile_id(self, profile_id: str) -> None: ...


class AppPort(CaseTools, Protocol):
    """The app as the session and the records controller see it."""

    window: MainWindow
    rs: Ruleset
    case_path: Path | None
    #: Something a case document holds changed (AppController.case_edited).
    case_edited: SignalInstance

    def set_profile(self, profile: calculator.Profile) -> None: ...

    def add_institution_profile(self, profile: calculator.Profile) -> None: ...

    def restore_case(self, case: CaseDocument | CaseDocumentV2) -> list[str]: ...

    def keep_dialog(self, dialog: QWidget) -> None: ...
