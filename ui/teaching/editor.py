"""The scenario editor: a scenario's patient and its checkpoints as forms, the key the
core computes shown live as the findings change, saved as crs-calc-scenario/1.

Nothing typed here is an answer: the key panel shows what the rules make of the findings,
and a field the core refuses is named there (``checkpoints[1].at``).
"""

from __future__ import annotations

import copy
import html
import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, get_args

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

import calculator
from calculator.edge.errors import InputError
from calculator.rulebook.grading import (
    Consciousness,
    Edema,
    IcansRules,
    OxygenDevice,
    Seizure,
    Vasopressor,
)
from calculator.rulebook.management import Product
from calculator.teaching import (
    ASK_ITEMS,
    SCENARIO_FORMAT,
    Scenario,
    dump_scenario,
    load_scenario,
    scenario_key,
    scenario_profile,
)
from ui.records.save_dialog import save_via_dialog
from ui.teaching.files import ask_scenario, save_scenario
from ui.teaching.views import ITEM_TITLES, WATERMARK, Banner, action_title, combo
from ui.timeentry import parse_time, shown
from ui.units import core_number
from ui.views.grading import CONSCIOUSNESS_LABELS, EDEMA_LABELS, OXYGEN_LABELS, SEIZURE_LABELS
from ui.views.typed_work import TypedWork, guarded_reject
from ui.widgets import heading, named, plain_text_everywhere, wrapped_label

BLANK_CHECKPOINT: dict[str, Any] = {
    "id": "start",
    "at": "2026-01-01T08:00",
    "narrative": "Temperature ... BP ... SpO2 ... ICE ...",
    "crs": {},
    "icans": {},
}
BLANK: dict[str, Any] = {
    "format": SCENARIO_FORMAT,
    "id": "new-scenario",
    "title": "New scenario",
    "patient": {"label": "SIM", "weight_kg": 70, "age_years": 50},
    "checkpoints": [BLANK_CHECKPOINT],
}


def _number(text: str) -> float | str | None:
    """A number, None when empty, or the text itself so that the core names the field."""
    return core_number(text)


def _int(text: str) -> int | str | None:
    value = _number(text)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _lines(edit: QPlainTextEdit) -> list[str]:
    return [line.strip() for line in edit.toPlainText().splitlines() if line.strip()]


class CheckpointForm(QWidget):
    """One checkpoint's fields."""

    changed = Signal()

    def __init__(self, icans: IcansRules) -> None:
        """``icans``: the ruleset's ICANS rules, whose ICE and CAPD maxima the fields name
        (ICANS-ICE, ICANS-CAPD)."""
        super().__init__()
        self.setObjectName("checkpointForm")
        self.id = named(QLineEdit(), "cpId", "Checkpoint id (a-z, 0-9, hyphens)")
        self.at = named(QLineEdit(), "cpAt", "Scenario time of the checkpoint")
        self.narrative = named(
            QPlainTextEdit(), "cpNarrative", "Narrative (what the learner reads)"
        )
        self.narrative.setMinimumHeight(90)
        self.temperature = named(QLineEdit(), "cpTemperature", "Temperature °C")
        self.masked = named(
            QCheckBox("Fever masked\n(tocilizumab or steroids given)"), "cpMasked", "Fever masked"
        )
        self.hypotension = named(QCheckBox("Hypotension"), "cpHypotension", "Hypotension")
        self.vasopressors = {
            v: named(QCheckBox(v), f"cpVaso_{v}", f"Vasopressor {v}") for v in get_args(Vasopressor)
        }
        self.oxygen = combo(
            "cpOxygen",
            "Oxygen device",
            [(OXYGEN_LABELS.get(o, o), o) for o in get_args(OxygenDevice)],
        )
        self.flow = named(QLineEdit(), "cpFlow", "Oxygen flow L/min")
        self.ice = named(
            QLineEdit(), "cpIce", f"ICE score 0-{icans.ice.max_score} (blank: not assessed)"
        )
        self.capd = named(
            QLineEdit(), "cpCapd", f"CAPD total 0-{icans.capd.max_score} (blank: not assessed)"
        )
        self.consciousness = combo(
            "cpConsciousness",
            "Level of consciousness",
            [(CONSCIOUSNESS_LABELS.get(c, c), c) for c in get_args(Consciousness)],
        )
        self.seizure = combo(
            "cpSeizure", "Seizure", [(SEIZURE_LABELS.get(s, s), s) for s in get_args(Seizure)]
        )
        self.motor = named(QCheckBox("Deep focal motor weakness"), "cpMotor", "Motor weakness")
        self.edema = combo(
            "cpEdema", "Cerebral edema", [(EDEMA_LABELS.get(e, e), e) for e in get_args(Edema)]
        )
        self.doses = named(
            QPlainTextEdit(), "cpDoses", "Tocilizumab doses given so far, one time per line"
        )
        self.doses.setMaximumHeight(70)
        self.improving = combo(
            "cpImproving",
            "Improving since the last tocilizumab dose",
            [("not asked", None), ("yes", True), ("no", False)],
        )
        self.ask = {
            item: named(QCheckBox(ITEM_TITLES[item]), f"cpAsk_{item}", f"Ask {item}")
            for item in ASK_ITEMS
        }
        self.points = named(
            QPlainTextEdit(), "cpPoints", "Teaching points, one per line, each naming its rule IDs"
        )
        self.points.setMaximumHeight(90)

        # Narrow enough for a 200% font beside the scenario and the key: long choices elide
        # in the closed box, rows wrap their field under the label, grids are two wide.
        for box in (self.oxygen, self.consciousness, self.seizure, self.edema, self.improving):
            box.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            box.setMinimumContentsLength(12)
        form = QFormLayout(self)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow("Id", self.id)
        form.addRow("Time", self.at)
        form.addRow("Narrative", self.narrative)
        crs = QGroupBox("CRS findings")
        cf = QFormLayout(crs)
        cf.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        cf.addRow(wrapped_label("The truth the key is computed from.", "cpTruth", "What this is"))
        cf.addRow("Temperature °C", self.temperature)
        cf.addRow(self.masked)
        cf.addRow(self.hypotension)
        vaso = QGridLayout()
        for i, box in enumerate(self.vasopressors.values()):
            vaso.addWidget(box, i // 2, i % 2)
        cf.addRow("Vasopressors", vaso)
        cf.addRow("Oxygen", self.oxygen)
        cf.addRow("Flow L/min", self.flow)
        form.addRow(crs)
        icans = QGroupBox("ICANS findings")
        icf = QFormLayout(icans)
        icf.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        icf.addRow("ICE score", self.ice)
        icf.addRow("CAPD total", self.capd)
        icf.addRow("Consciousness", self.consciousness)
        icf.addRow("Seizure", self.seizure)
        icf.addRow(self.motor)
        icf.addRow("Edema", self.edema)
        form.addRow(icans)
        form.addRow("Doses given", self.doses)
        form.addRow("Improving", self.improving)
        ask = QGridLayout()
        for i, box in enumerate(self.ask.values()):
            ask.addWidget(box, i, 0)
        form.addRow("Ask", ask)
        form.addRow("Teaching points", self.points)
        for edit in (self.id, self.at, self.temperature, self.flow, self.ice, self.capd):
            edit.textEdited.connect(lambda *_: self.changed.emit())
        for plain in (self.narrative, self.doses, self.points):
            plain.textChanged.connect(self.changed.emit)
        for check in (
            self.masked,
            self.hypotension,
            self.motor,
            *self.vasopressors.values(),
            *self.ask.values(),
        ):
            check.toggled.connect(lambda *_: self.changed.emit())
        for box in (self.oxygen, self.consciousness, self.seizure, self.edema, self.improving):
            box.currentIndexChanged.connect(lambda *_: self.changed.emit())
        self._loading = False

    def load(self, cp: dict[str, Any]) -> None:
        """Fill the form from a checkpoint's JSON (signals held back)."""
        self.blockSignals(True)
        widgets = self.findChildren(QWidget)
        for w in widgets:
            w.blockSignals(True)
        try:
            crs, icans = cp.get("crs", {}), cp.get("icans", {})
            self.id.setText(str(cp.get("id", "")))
            self.at.setText(str(cp.get("at", "")).replace("T", " "))
            self.narrative.setPlainText(str(cp.get("narrative", "")))
            t = crs.get("temperature_c")
            self.temperature.setText("" if t is None else f"{t:g}")
            self.masked.setChecked(bool(crs.get("fever_masked")))
            self.hypotension.setChecked(bool(crs.get("hypotension")))
            for v, box in self.vasopressors.items():
                box.setChecked(v in crs.get("vasopressors", []))
            self.oxygen.setCurrentIndex(max(0, self.oxygen.findData(crs.get("oxygen", "room_air"))))
            f = crs.get("oxygen_flow_l_min")
            self.flow.setText("" if f is None else f"{f:g}")
            ice, capd = icans.get("ice_score"), icans.get("capd_score")
            if capd is None and isinstance(icans.get("capd_items"), list):
                capd = sum(icans["capd_items"])
            self.ice.setText("" if ice is None else str(ice))
            self.capd.setText("" if capd is None else str(capd))
            for box, key, default in (
                (self.consciousness, "consciousness", "alert"),
                (self.seizure, "seizure", "none"),
                (self.edema, "cerebral_edema", "none"),
            ):
                box.setCurrentIndex(max(0, box.findData(icans.get(key, default))))
            self.motor.setChecked(bool(icans.get("motor_weakness")))
            self.doses.setPlainText(
                "\n".join(str(d).replace("T", " ") for d in cp.get("tocilizumab_doses", []))
            )
            self.improving.setCurrentIndex({None: 0, True: 1, False: 2}.get(cp.get("improving"), 0))
            asked = cp.get("ask", list(ASK_ITEMS))
            for item, box in self.ask.items():
                box.setChecked(item in asked)
            self.points.setPlainText("\n".join(cp.get("teaching_points", [])))
        finally:
            for w in widgets:
                w.blockSignals(False)
            self.blockSignals(False)

    def checkpoint(self, base: dict[str, Any], day: datetime) -> dict[str, Any]:
        """The checkpoint's JSON from the form, keeping what the form does not show (such
        as CAPD items) when the form did not change it."""
        cp = copy.deepcopy(base)
        cp["id"] = self.id.text().strip()
        at = parse_time(self.at.text(), day.date())
        cp["at"] = at.strftime("%Y-%m-%dT%H:%M") if at else self.at.text().strip()
        cp["narrative"] = self.narrative.toPlainText().strip()
        crs: dict[str, Any] = {}
        if (t := _number(self.temperature.text())) is not None:
            crs["temperature_c"] = t
        if self.masked.isChecked():
            crs["fever_masked"] = True
        if self.hypotension.isChecked():
            crs["hypotension"] = True
        vaso = [v for v, box in self.vasopressors.items() if box.isChecked()]
        if vaso:
            crs["vasopressors"] = vaso
        if self.oxygen.currentData() != "room_air":
            crs["oxygen"] = self.oxygen.currentData()
        if (f := _number(self.flow.text())) is not None:
            crs["oxygen_flow_l_min"] = f
        cp["crs"] = crs
        icans: dict[str, Any] = {}
        old = base.get("icans", {})
        ice, capd = _int(self.ice.text()), _int(self.capd.text())
        if ice is not None:
            icans["ice_score"] = ice
        if capd is not None:
            items = old.get("capd_items")
            if isinstance(items, list) and sum(items) == capd:
                icans["capd_items"] = items
            else:
                icans["capd_score"] = capd
        for box, key, default in (
            (self.consciousness, "consciousness", "alert"),
            (self.seizure, "seizure", "none"),
            (self.edema, "cerebral_edema", "none"),
        ):
            if box.currentData() != default:
                icans[key] = box.currentData()
        if self.motor.isChecked():
            icans["motor_weakness"] = True
        cp["icans"] = icans
        doses = []
        for line in _lines(self.doses):
            when = parse_time(line, day.date())
            doses.append(when.strftime("%Y-%m-%dT%H:%M") if when else line)
        cp["tocilizumab_doses"] = doses
        cp["improving"] = self.improving.currentData()
        cp["ask"] = [item for item, box in self.ask.items() if box.isChecked()]
        cp["teaching_points"] = _lines(self.points)
        return cp


class ScenarioEditor(QDialog):
    try_out = Signal(object)  # Scenario: run it as a learner would

    def __init__(self, scenario: Scenario | None, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setObjectName("scenarioEditor")
        self.setAccessibleName("Scenario editor")
        self.setWindowTitle(f"Scenario editor — {WATERMARK}")
        self.rs = calculator.ruleset()
        self.doc: dict[str, Any] = (
            dump_scenario(scenario) if scenario is not None else copy.deepcopy(BLANK)
        )
        self.index = 0
        self.scenario: Scenario | None = None
        self.path: Path | None = None
        self.banner = Banner("editorBanner")
        # --- the scenario --------------------------------------------------------------
        self.sid = named(QLineEdit(), "scenarioId", "Scenario id")
        self.title = named(QLineEdit(), "scenarioTitleEdit", "Scenario title")
        self.audience = named(QLineEdit(), "scenarioAudience", "Audience")
        self.objectives = named(
            QPlainTextEdit(),
            "scenarioObjectives",
            "Objectives, one per line, each naming its rule IDs",
        )
        self.objectives.setMaximumHeight(80)
        self.profile = combo(
            "scenarioProfile",
            "Profile",
            [("default profile", None)] + [(p, p) for p in self.rs.profiles],
        )
        self.label = named(QLineEdit(), "patientLabelEdit", "Patient label")
        self.weight = named(QLineEdit(), "patientWeight", "Weight kg")
        self.age = named(QLineEdit(), "patientAge", "Age years")
        self.product = combo(
            "patientProduct", "Product", [("none", None)] + [(p, p) for p in get_args(Product)]
        )
        self.haplo = named(QCheckBox("Haploidentical HCT with PTCy"), "patientHaplo", "Haplo")
        meta = QGroupBox("Scenario and patient")
        mf = QFormLayout(meta)
        for text, w in (
            ("Id", self.sid),
            ("Title", self.title),
            ("Audience", self.audience),
            ("Objectives", self.objectives),
            ("Profile", self.profile),
            ("Label", self.label),
            ("Weight kg", self.weight),
            ("Age years", self.age),
            ("Product", self.product),
        ):
            mf.addRow(text, w)
        mf.addRow(self.haplo)
        # --- the checkpoints -----------------------------------------------------------
        self.list = named(QListWidget(), "checkpointList", "Checkpoints")
        self.add_button = named(QPushButton("&Add checkpoint"), "addCheckpoint", "Add")
        self.remove_button = named(QPushButton("&Remove"), "removeCheckpoint", "Remove")
        self.form = CheckpointForm(self.rs.icans)
        form_scroll = QScrollArea()
        form_scroll.setWidgetResizable(True)
        form_scroll.setWidget(self.form)
        form_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        form_scroll.setMinimumWidth(
            self.form.minimumSizeHint().width()
            + form_scroll.verticalScrollBar().sizeHint().width()
            + 2 * form_scroll.frameWidth()
        )
        # --- the key -------------------------------------------------------------------
        self.key_view = named(QTextBrowser(), "liveKey", "The key the core computes")
        self.status = wrapped_label("", "editorStatus", "Whether the scenario is valid")
        self.new_button = named(QPushButton("&New"), "editorNew", "New scenario")
        self.open_button = named(QPushButton("&Open…"), "editorOpen", "Open a scenario")
        self.save_button = named(QPushButton("&Save…"), "editorSave", "Save the scenario")
        self.try_button = named(QPushButton("&Try as a learner"), "editorTry", "Try it")
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.addWidget(meta)
        lv.addWidget(self.list, 1)
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        lv.addLayout(row)
        right = QWidget()
        rv = QVBoxLayout(right)
        rv.addWidget(heading("Key, computed by the rules core", "keyTitle", 1.0))
        rv.addWidget(self.status)
        rv.addWidget(self.key_view, 1)
        # The scenario and its checkpoint list scroll like the checkpoint form: at a 200%
        # font they are taller than a 700 px high screen.
        left_scroll = QScrollArea()
        left_scroll.setObjectName("scenarioScroll")
        left_scroll.setWidgetResizable(True)
        left_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        left_scroll.setWidget(left)
        left_scroll.setMinimumWidth(
            left.minimumSizeHint().width()
            + left_scroll.verticalScrollBar().sizeHint().width()
            + 2 * left_scroll.frameWidth()
        )
        split = QSplitter()
        split.addWidget(left_scroll)
        split.addWidget(form_scroll)
        split.addWidget(right)
        split.setSizes([300, 460, 380])
        buttons = QHBoxLayout()
        for b in (self.new_button, self.open_button, self.save_button, self.try_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        box = QVBoxLayout(self)
        box.addWidget(self.banner)
        box.addWidget(split, 1)
        box.addLayout(buttons)

        for edit in (self.sid, self.title, self.audience, self.label, self.weight, self.age):
            edit.textEdited.connect(lambda *_: self.update_key())
        self.objectives.textChanged.connect(self.update_key)
        self.profile.currentIndexChanged.connect(lambda *_: self.update_key())
        self.product.currentIndexChanged.connect(lambda *_: self.update_key())
        self.haplo.toggled.connect(lambda *_: self.update_key())
        self.form.changed.connect(self.update_key)
        self.list.currentRowChanged.connect(self.select)
        self.add_button.clicked.connect(lambda: self.add_checkpoint())
        self.remove_button.clicked.connect(lambda: self.remove_checkpoint())
        self.new_button.clicked.connect(lambda: self.new_scenario())
        self.open_button.clicked.connect(lambda: self.open_file())
        self.save_button.clicked.connect(lambda: self.save_file())
        self.try_button.clicked.connect(self._try)
        self.resize(1280, 760)
        # Typed work: Esc, Close, New and Open ask first while it is not saved.
        self.work = TypedWork(self, "the scenario", self._snapshot, lambda: self.save_file())
        self.set_doc(self.doc)
        plain_text_everywhere(self)  # last: the labels QFormLayout made too

    def _snapshot(self) -> str:
        self._read_form()
        return json.dumps(self.doc, sort_keys=True, default=str)

    def reject(self) -> None:
        guarded_reject(self, self.work, super().reject)

    def new_scenario(self) -> bool:
        if not self.work.may_discard("starting a new scenario"):
            return False
        self.path = None
        self.set_doc(copy.deepcopy(BLANK))
        return True

    # --- document <-> form -------------------------------------------------------------

    def set_doc(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        self.index = 0
        fields = (
            self.sid,
            self.title,
            self.audience,
            self.objectives,
            self.profile,
            self.label,
            self.weight,
            self.age,
            self.product,
            self.haplo,
            self.list,
        )
        for w in fields:
            w.blockSignals(True)
        try:
            p = doc.get("patient", {})
            self.sid.setText(str(doc.get("id", "")))
            self.title.setText(str(doc.get("title", "")))
            self.audience.setText(str(doc.get("audience", "")))
            self.objectives.setPlainText("\n".join(doc.get("objectives", [])))
            self.profile.setCurrentIndex(max(0, self.profile.findData(doc.get("profile"))))
            self.label.setText(str(p.get("label", "")))
            self.weight.setText(f"{p['weight_kg']:g}" if "weight_kg" in p else "")
            self.age.setText(f"{p['age_years']:g}" if "age_years" in p else "")
            self.product.setCurrentIndex(max(0, self.product.findData(p.get("product"))))
            self.haplo.setChecked(bool(p.get("haplo_ptcy")))
            self._fill_list()
        finally:
            for w in fields:
                w.blockSignals(False)
        self.form.load(self.doc["checkpoints"][0])
        self.list.setCurrentRow(0)
        self.update_key()
        self.work.mark_clean()

    def _fill_list(self) -> None:
        self.list.clear()
        for cp in self.doc["checkpoints"]:
            self.list.addItem(f"{str(cp.get('at', '')).replace('T', ' ')}  {cp.get('id', '')}")

    def _read_form(self) -> None:
        d = self.doc
        d["id"] = self.sid.text().strip()
        d["title"] = self.title.text().strip()
        d["audience"] = self.audience.text().strip()
        d["objectives"] = _lines(self.objectives)
        if self.profile.currentData() is None:
            d.pop("profile", None)
        else:
            d["profile"] = self.profile.currentData()
        patient: dict[str, Any] = {"label": self.label.text().strip()}
        for key, edit in (("weight_kg", self.weight), ("age_years", self.age)):
            value = _number(edit.text())
            if value is not None:
                patient[key] = value
        if self.product.currentData() is not None:
            patient["product"] = self.product.currentData()
        if self.haplo.isChecked():
            patient["haplo_ptcy"] = True
        d["patient"] = patient
        cps = d["checkpoints"]
        if 0 <= self.index < len(cps):
            previous = cps[self.index - 1] if self.index else None
            day = self._day(previous or cps[self.index])
            cps[self.index] = self.form.checkpoint(cps[self.index], day)
            item = self.list.item(self.index)
            if item is not None:
                cp = cps[self.index]
                item.setText(f"{str(cp.get('at', '')).replace('T', ' ')}  {cp.get('id', '')}")

    @staticmethod
    def _day(cp: dict[str, Any]) -> datetime:
        try:
            return datetime.fromisoformat(str(cp.get("at", "")))
        except ValueError:
            return datetime(2026, 1, 1)

    def select(self, row: int) -> None:
        if row < 0 or row >= len(self.doc["checkpoints"]):
            return
        self._read_form()
        self.index = row
        self.form.load(self.doc["checkpoints"][row])
        self.update_key()

    def add_checkpoint(self) -> None:
        self._read_form()
        last = copy.deepcopy(self.doc["checkpoints"][-1])
        last["id"] = f"{last.get('id', 'checkpoint')}-next"
        try:
            at = datetime.fromisoformat(str(last.get("at")))
            last["at"] = (at + timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M")
        except ValueError:
            pass
        last["teaching_points"] = []
        self.doc["checkpoints"].append(last)
        self._fill_list()
        self.list.setCurrentRow(len(self.doc["checkpoints"]) - 1)

    def remove_checkpoint(self) -> None:
        if len(self.doc["checkpoints"]) <= 1:
            return
        del self.doc["checkpoints"][self.index]
        self.index = min(self.index, len(self.doc["checkpoints"]) - 1)
        self._fill_list()
        self.form.load(self.doc["checkpoints"][self.index])
        self.list.blockSignals(True)
        self.list.setCurrentRow(self.index)
        self.list.blockSignals(False)
        self.update_key()

    # --- the live key ------------------------------------------------------------------

    def update_key(self) -> Scenario | None:
        """Validate the whole scenario and key the current checkpoint; a refusal names
        its fields and nothing is keyed on a guess."""
        self._read_form()
        try:
            scenario = load_scenario(self.doc)
            profile = scenario_profile(scenario, self.rs)
            key = scenario_key(scenario, profile, self.rs)
        except InputError as err:
            self.scenario = None
            lines = [f"{f.field}: {f.message}" for f in err.fields] or [err.message]
            self.status.setText("Not valid yet:\n" + "\n".join(lines))
            self.status.setStyleSheet("color: #a01010; font-weight: bold;")
            self.try_button.setEnabled(False)
            self.save_button.setEnabled(False)
            return None
        self.scenario = scenario
        self.status.setText(
            f"Valid: {len(scenario.checkpoints)} checkpoints, profile {key.profile}"
        )
        self.status.setStyleSheet("color: #1b5e20;")
        self.try_button.setEnabled(True)
        self.save_button.setEnabled(True)
        k = key.checkpoints[self.index]
        e = html.escape
        acts = "".join(
            f"<li><b>{e(a.strength)}</b> {e(action_title(a.code))}: {e(a.text)}</li>"
            for a in k.actions
        )
        nxt = (
            "none (maximum reached)"
            if k.next_tocilizumab_at is None
            else shown(k.next_tocilizumab_at)
        )
        self.key_view.setHtml(
            f"<h3>{e(k.id)} · {shown(k.at)}</h3>"
            f"<p><b>CRS grade {k.crs_grade}</b>: {e(' '.join(k.crs_explanation))}</p>"
            f"<p><b>ICANS grade {k.icans_grade}</b> ({e(k.icans_instrument)}): "
            f"{e(' '.join(k.icans_explanation))}</p>"
            f"<p><b>Tocilizumab</b> {k.tocilizumab_dose_mg:g} mg · next from {e(nxt)}</p>"
            f"<p><b>Actions</b></p><ul>{acts}</ul>"
            f"<p style='color:#455a64'>Rules: {e(', '.join(k.rules))}</p>"
        )
        return scenario

    # --- files -------------------------------------------------------------------------

    def open_file(self, path: Path | None = None) -> bool:
        if not self.work.may_discard("opening another scenario"):
            return False
        chosen = ask_scenario(self, path)
        if chosen is None:
            return False
        path, scenario = chosen
        self.path = path
        self.set_doc(dump_scenario(scenario))
        return True

    def save_file(self, path: Path | None = None) -> bool:
        scenario = self.update_key()
        if scenario is None:
            return False
        saved = save_via_dialog(
            self,
            "Save scenario",
            self.path or f"{scenario.id}.json",
            "Scenarios (*.json)",
            lambda p: save_scenario(scenario, p),
            path,
            "The scenario",
        )
        if saved is None:
            return False
        self.path = saved
        self.work.mark_clean()
        return True

    def _try(self) -> None:
        scenario = self.update_key()
        if scenario is not None:
            self.try_out.emit(scenario)
