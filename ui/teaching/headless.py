"""`python -m ui --teach SCENARIO.json --screenshot DIR`: the learner view and the
feedback view of the scenario's first checkpoint as PNGs, with no clinical session.

The tools are filled as a learner would fill them, from the checkpoint's findings (the
app's own case loader), and a sample answer is committed: the grades right, the dose
right, and tocilizumab marked "give" whatever the key says, so that the feedback shows
both right and wrong items."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

from calculator.edge.errors import InputError
from calculator.edge.inputs import format_datetime
from calculator.records.case import CASE_FORMAT, load_case
from calculator.teaching import Scenario
from ui.controllers.case import apply_case
from ui.teaching.files import read_scenario
from ui.teaching.session import TeachingSession

SIZE = (1366, 768)


def fill_findings(session: TeachingSession) -> None:
    """Enter the current checkpoint's findings into the tools (what the learner types)."""
    s, cp = session.scenario, session.checkpoint
    patient = s.patient.model_dump(mode="json", exclude_none=True, exclude={"haplo_ptcy"})
    case = {
        "format": CASE_FORMAT,
        "patient": patient,
        "at": format_datetime(cp.at),
        "profile": session.profile.id,
        "crs": cp.crs.model_dump(mode="json", exclude_defaults=True),
        "icans": cp.icans.model_dump(mode="json", exclude_defaults=True),
        "tocilizumab_doses": [format_datetime(d) for d in cp.tocilizumab_doses],
        "improving": bool(cp.improving) if cp.improving is not None else True,
    }
    apply_case(session.app, load_case(case), wizard=True)
    # A total without its items goes into the tool's "total only" field, as typed.
    ic = session.app.grading.view.icans_inputs
    for box, total in ((ic.ice, cp.icans.ice_score), (ic.capd, cp.icans.capd_score)):
        if total is not None and not box.isChecked():
            box.setChecked(True)
            box.score.setValue(total)
    session.app.grading.recompute()


def sample_answer(session: TeachingSession) -> None:
    key = session.key.checkpoints[session.index]
    form = session.panel.answers
    form.crs_grade.setCurrentIndex(form.crs_grade.findData(key.crs_grade))
    form.icans_grade.setCurrentIndex(form.icans_grade.findData(key.icans_grade))
    form.dose.setText(f"{key.tocilizumab_dose_mg:g}")
    form.next_at.setText(format_datetime(key.at).replace("T", " "))
    for action in key.actions:
        if action.strength == "give":
            combo = form.actions[action.code]
            combo.setCurrentIndex(combo.findData("give"))
    toci = form.actions["tocilizumab"]
    toci.setCurrentIndex(toci.findData("give"))


def render_teaching(scenario: Scenario, folder: Path, checkpoint: int = 0) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    session = TeachingSession(scenario, learner="Sample learner", timer=lambda: 0.0)
    window = session.window
    out: list[Path] = []
    try:
        window.resize(*SIZE)
        window.show()
        for _ in range(checkpoint):
            session.commit()
            session.next_checkpoint()
        fill_findings(session)
        sample_answer(session)
        QApplication.processEvents()
        learner = folder / "teach-learner.png"
        window.grab().save(str(learner))
        out.append(learner)
        session.commit()
        QApplication.processEvents()
        panel = session.panel
        panel.scroll.verticalScrollBar().setValue(panel.feedback.y() - 8)
        QApplication.processEvents()
        feedback = folder / "teach-feedback.png"
        window.grab().save(str(feedback))
        out.append(feedback)
    finally:
        session.close()
        QApplication.processEvents()
    return out


def screenshot_cli(scenario_path: Path, folder: Path) -> int:
    try:
        scenario = read_scenario(scenario_path)
    except InputError as err:
        print(json.dumps(err.to_json(), indent=2), file=sys.stderr)
        return 2
    for path in render_teaching(scenario, folder):
        print(path)
    return 0
