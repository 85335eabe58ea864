"""The grading wizard: CRS and ICANS side by side, inputs in bedside order."""

from __future__ import annotations

from typing import get_args

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from calculator.rulebook.grading import Consciousness, Edema, OxygenDevice, Seizure, Vasopressor
from ui.views.crosswalk import CrosswalkPanel
from ui.views.management import ManagementPanel
from ui.views.record_bar import RecordBar
from ui.views.results import ResultCard
from ui.widgets import (
    BlankSpin,
    FieldErrorLabel,
    MessageLabel,
    NoWheelCombo,
    ValidatedField,
    named,
    wrapped_label,
)

OXYGEN_LABELS: dict[str, str] = {
    "room_air": "Room air",
    "blow_by": "Blow-by",
    "nasal_cannula": "Nasal cannula",
    "high_flow_nasal_cannula": "High-flow nasal cannula",
    "facemask": "Facemask",
    "nonrebreather": "Non-rebreather mask",
    "venturi": "Venturi mask",
    "cpap": "CPAP",
    "bipap": "BiPAP",
    "mechanical_ventilation": "Intubated, mechanical ventilation",
}
CONSCIOUSNESS_LABELS: dict[str, str] = {
    "alert": "Alert",
    "awakens_spontaneously": "Awakens spontaneously",
    "awakens_to_voice": "Awakens to voice",
    "awakens_to_tactile": "Awakens only to tactile stimulus",
    "unarousable": "Unarousable / stupor / coma",
}
SEIZURE_LABELS: dict[str, str] = {
    "none": "None",
    "rapidly_resolving": "Seizure that resolved rapidly",
    "prolonged_or_repetitive": "Prolonged (> 5 min) or repetitive",
}
EDEMA_LABELS: dict[str, str] = {
    "none": "None / no imaging",
    "focal": "Focal or local edema",
    "diffuse": "Diffuse edema / posturing / CN VI palsy / papilledema / Cushing's triad",
}


#: The room kept under a finding for its message: about the length of the core's usual
#: one ("is required for a nasal cannula (L/min)"); a longer one still gets its lines.
TYPICAL_ERROR = "✖ is required for a nasal cannula (L/min)"


def _combo(name: str, accessible: str, keys: tuple[str, ...], labels: dict[str, str]) -> QComboBox:
    combo = named(NoWheelCombo(), name, accessible)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(14)
    for key in keys:
        text = labels.get(key, key.replace("_", " "))
        combo.addItem(text, key)
        combo.setItemData(combo.count() - 1, text, Qt.ItemDataRole.ToolTipRole)
    return combo


def _scroll(widget: QWidget, name: str) -> QScrollArea:
    area = QScrollArea()
    area.setObjectName(name)
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    # Always there: a scroll bar that comes and goes changes the width after wrapped labels
    # took their height for the other width, and clips them.
    area.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
    area.setWidget(widget)
    return area


class CrsInputs(QGroupBox):
    def __init__(self) -> None:
        super().__init__("CRS findings")
        self.setObjectName("crsInputs")
        self.temperature = ValidatedField("temperature", "Temperature")
        self.temperature_unit = named(NoWheelCombo(), "temperatureUnit", "Temperature unit")
        self.temperature_unit.addItems(["°C", "°F"])
        self.temperature_conversion = named(
            QLabel(), "temperatureConversion", "Temperature in the other unit"
        )
        self.temperature_conversion.setProperty("role", "hint")
        # "102.4 °C is not possible: did you mean °F?" -> one click re-labels the number.
        self.temperature_suggest = named(
            QPushButton(), "temperatureSuggest", "Enter the temperature in the other unit"
        )
        self.temperature_suggest.hide()
        self.fever_masked = named(
            QCheckBox("Antipyretic or anti-cytokine therapy\ngiven this episode"),
            "feverMasked",
            "Antipyretic or anti-cytokine therapy given this episode",
        )
        self.hypotension = named(
            QCheckBox("Hypotension\n(against age and baseline)"), "hypotension", "Hypotension"
        )
        self.vasopressors: dict[str, QCheckBox] = {}
        vaso_box = QWidget()
        vaso_box.setObjectName("vasopressorBox")
        vaso_grid = QGridLayout(vaso_box)
        vaso_grid.setContentsMargins(0, 0, 0, 0)
        for i, key in enumerate(get_args(Vasopressor)):
            box = named(QCheckBox(key.capitalize()), f"vaso_{key}", f"Vasopressor {key}")
            self.vasopressors[key] = box
            vaso_grid.addWidget(box, i // 2, i % 2)
        self.vasopressor_error = FieldErrorLabel("vasopressorsError", "Vasopressors error")
        self.oxygen = _combo("oxygen", "Oxygen device", get_args(OxygenDevice), OXYGEN_LABELS)
        self.flow = ValidatedField("oxygenFlow", "Oxygen flow", unit="L/min")
        # Room kept for the messages that come and go while findings are typed (a device
        # that needs a flow, a half-typed temperature): the fields below never move.
        for field in (self.temperature, self.flow):
            field.error.reserve(TYPICAL_ERROR)

        temp_row = QHBoxLayout()
        temp_row.addWidget(self.temperature, 1)
        temp_row.addWidget(self.temperature_unit, 0, Qt.AlignmentFlag.AlignTop)
        temp_row.addWidget(self.temperature_conversion, 0, Qt.AlignmentFlag.AlignTop)
        temp_box = QVBoxLayout()
        temp_box.addLayout(temp_row)
        temp_box.addWidget(self.temperature_suggest, 0, Qt.AlignmentFlag.AlignLeft)
        form = QFormLayout(self)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow(_buddy("Te&mperature", self.temperature.edit), temp_box)
        form.addRow(self.fever_masked)
        form.addRow(self.hypotension)
        form.addRow(QLabel("Vasopressors running"), vaso_box)
        form.addRow(self.vasopressor_error)
        form.addRow(_buddy("O&xygen", self.oxygen), self.oxygen)
        form.addRow(_buddy("Fl&ow", self.flow.edit), self.flow)
        self.general_error = FieldErrorLabel("crsError", "CRS input error")
        form.addRow(self.general_error)

    def touched(self) -> bool:
        """Any CRS finding entered (room air, the default, is not one by itself)."""
        return (
            bool(self.temperature.text().strip())
            or any(b.isChecked() for b in (self.fever_masked, self.hypotension))
            or any(b.isChecked() for b in self.vasopressors.values())
            or self.oxygen.currentIndex() != 0
            or bool(self.flow.text().strip())
        )

    def bedside_order(self) -> list[QWidget]:
        return [
            self.temperature.edit,
            self.temperature_unit,
            self.temperature_suggest,
            self.fever_masked,
            self.hypotension,
            *self.vasopressors.values(),
            self.oxygen,
            self.flow.edit,
        ]


def _buddy(text: str, widget: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(widget)
    return label


class ScoreItems(QGroupBox):
    """ICE or CAPD entered item by item (every item starts blank: "not asked"), or, when
    the items were not recorded, the total alone."""

    def __init__(self, title: str, prefix: str, items: list[tuple[str, str, int]]) -> None:
        super().__init__(title)
        self.setObjectName(f"{prefix}Items")
        self.setCheckable(True)
        super().setChecked(False)
        self.setAccessibleName(f"{title}: check to score")
        self.spins: dict[str, BlankSpin] = {}
        self.labels: dict[str, str] = {}
        self.errors: dict[str, FieldErrorLabel] = {}
        # A grid, not a form layout: wrapped item labels get the height their wrapped text
        # needs (a form layout clipped CAPD items 5 and 6 to half a line).
        grid = QGridLayout(self)
        grid.setColumnStretch(0, 1)
        row = 0

        def add(label: QLabel | None, field: QWidget) -> None:
            nonlocal row
            if label is None:
                grid.addWidget(field, row, 0, 1, 2)
            else:
                grid.addWidget(label, row, 0)
                grid.addWidget(field, row, 1, Qt.AlignmentFlag.AlignTop)
            row += 1

        for key, label, top in items:
            spin = named(BlankSpin(top), f"{prefix}_{key}", f"{label}, 0 to {top}")
            self.spins[key] = spin
            self.labels[key] = label
            err = FieldErrorLabel(f"{prefix}_{key}Error", f"{label} error")
            self.errors[key] = err
            lab = wrapped_label(label, f"{prefix}_{key}Label", label)
            lab.setBuddy(spin)
            add(lab, spin)
            add(None, err)
        top_total = sum(top for _, _, top in items)
        self.total = named(MessageLabel(), f"{prefix}Total", f"{title} total")
        self.total.setProperty("role", "total")
        add(None, self.total)
        self.score = named(
            BlankSpin(top_total, "not typed"),
            f"{prefix}Score",
            f"{title} total typed, when the items were not recorded",
        )
        score_label = wrapped_label(
            "Total only (items not recorded)", f"{prefix}ScoreLabel", f"{title} total only"
        )
        score_label.setBuddy(self.score)
        add(score_label, self.score)
        self.unable = named(
            QCheckBox("Unable to perform (unarousable)"), f"{prefix}Unable", "Unable to perform"
        )
        add(None, self.unable)
        self.error = FieldErrorLabel(f"{prefix}Error", f"{title} error")
        add(None, self.error)
        # The count and the list of items not answered yet change with every answer: their
        # room is kept at its largest (every item missing but one), so that answering an
        # item never moves the next one, nor the fields below, under the pointer.
        self.total.reserve(f"{title} not assessed yet: answer each item, or type the total.")
        names = ", ".join(label for _, label, _ in items)
        self.error.reserve(
            f"✖ answer every {title} item or type the total (not answered yet: {names})"
        )
        # A number typed with a comma or a point is refused by the spin box itself (a
        # score is whole): said here, apart from the core's messages above.
        self.typing_error = FieldErrorLabel(f"{prefix}TypingError", f"{title} typing error")
        add(None, self.typing_error)
        for spin in (*self.spins.values(), self.score):
            spin.refused.connect(lambda message: self.typing_error.set_error(message or None))

    def clear(self) -> None:
        """Every item blank again, no typed total, not marked unable."""
        for spin in (*self.spins.values(), self.score):
            spin.clear_score()
        self.unable.setChecked(False)

    def setChecked(self, checked: bool) -> None:
        # Unticked by the program (new case, a case being opened): the next patient's
        # items start blank. A user's click does not come through here, so unticking by
        # mistake loses nothing typed.
        if not checked:
            self.clear()
        super().setChecked(checked)

    def entered(self) -> dict[str, int]:
        """The items answered so far, by key."""
        return {k: v for k, s in self.spins.items() if (v := s.score()) is not None}

    def missing(self) -> list[str]:
        """The labels of the items not answered yet."""
        return [self.labels[k] for k, s in self.spins.items() if s.score() is None]

    def top(self) -> int:
        return sum(s.maximum() for s in self.spins.values())

    def touched(self) -> bool:
        """Anything entered: an item, the total or "unable"."""
        return bool(self.entered()) or self.score.score() is not None or self.unable.isChecked()


class IcansInputs(QGroupBox):
    def __init__(
        self, ice_items: list[tuple[str, str, int]], capd_items: list[tuple[str, int]]
    ) -> None:
        super().__init__("ICANS findings")
        self.setObjectName("icansInputs")
        self.instrument = wrapped_label("", "instrument", "Assessment instrument chosen by age")
        self.instrument.setProperty("role", "hint")
        self.ice = ScoreItems(
            "ICE score",
            "ice",
            ice_items,
        )
        self.ice0 = QGroupBox("ICE 0: is the patient…")
        self.ice0.setObjectName("ice0Question")
        self.ice0_aphasia = named(
            QRadioButton("Awake with global aphasia"), "ice0Aphasia", "ICE 0: awake, global aphasia"
        )
        self.ice0_unarousable = named(
            QRadioButton("Unarousable"), "ice0Unarousable", "ICE 0: unarousable"
        )
        self.ice0_group = QButtonGroup(self)
        self.ice0_group.addButton(self.ice0_aphasia)
        self.ice0_group.addButton(self.ice0_unarousable)
        q = QVBoxLayout(self.ice0)
        q.addWidget(self.ice0_aphasia)
        q.addWidget(self.ice0_unarousable)
        self.ice0.hide()
        self.capd = ScoreItems(
            "CAPD (Cornell Assessment of Pediatric Delirium)",
            "capd",
            [(str(i), f"{i + 1}. {label}", top) for i, (label, top) in enumerate(capd_items)],
        )
        self.ice_page = QWidget()
        self.ice_page.setObjectName("icePage")
        ice_box = QVBoxLayout(self.ice_page)
        ice_box.setContentsMargins(0, 0, 0, 0)
        ice_box.addWidget(self.ice)
        ice_box.addWidget(self.ice0)
        self.capd.hide()
        self.consciousness = _combo(
            "consciousness", "Level of consciousness", get_args(Consciousness), CONSCIOUSNESS_LABELS
        )
        self.consciousness_error = FieldErrorLabel("consciousnessError", "Consciousness error")
        self.seizure = _combo("seizure", "Seizure", get_args(Seizure), SEIZURE_LABELS)
        self.motor = named(
            QCheckBox("Deep focal motor weakness"),
            "motorWeakness",
            "Deep focal motor weakness",
            "Hemiparesis or paraparesis",
        )
        self.edema = _combo("edema", "Cerebral edema on imaging", get_args(Edema), EDEMA_LABELS)
        self.general_error = FieldErrorLabel("icansError", "ICANS input error")
        box = QVBoxLayout(self)
        box.addWidget(self.instrument)
        box.addWidget(self.ice_page)
        box.addWidget(self.capd)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow(_buddy("&Consciousness", self.consciousness), self.consciousness)
        form.addRow(self.consciousness_error)
        form.addRow(_buddy("&Seizure", self.seizure), self.seizure)
        form.addRow(self.motor)
        form.addRow(_buddy("&Imaging", self.edema), self.edema)
        box.addLayout(form)
        box.addWidget(self.general_error)

    def clear_ice0(self) -> None:
        """Unanswer the ICE 0 question (it is asked again when ICE is 0 again)."""
        self.ice0_group.setExclusive(False)
        for button in (self.ice0_aphasia, self.ice0_unarousable):
            button.setChecked(False)
        self.ice0_group.setExclusive(True)

    def touched(self) -> bool:
        """Any ICANS finding entered (a default left alone is not a finding)."""
        return (
            self.ice.touched()
            or self.capd.touched()
            or any(c.currentIndex() != 0 for c in (self.consciousness, self.seizure, self.edema))
            or self.motor.isChecked()
        )

    def show_instrument(self, instrument: str) -> None:
        """Show the ICE or the CAPD items; the other takes no room."""
        self.ice_page.setHidden(instrument != "ICE")
        self.capd.setHidden(instrument != "CAPD")

    def current_instrument(self) -> str:
        return "CAPD" if not self.capd.isHidden() else "ICE"

    def bedside_order(self) -> list[QWidget]:
        return [
            self.ice,
            *self.ice.spins.values(),
            self.ice.score,
            self.ice.unable,
            self.ice0_aphasia,
            self.ice0_unarousable,
            self.capd,
            *self.capd.spins.values(),
            self.capd.score,
            self.capd.unable,
            self.consciousness,
            self.seizure,
            self.motor,
            self.edema,
        ]


class GradingView(QWidget):
    """The grades pinned on top (never scrolled away while findings are entered); below
    them CRS and ICANS findings, each followed by why and the rules; management beside.

    Wide: CRS | ICANS | management. Narrow (large fonts): CRS over ICANS | management.
    """

    def __init__(
        self,
        ice_items: list[tuple[str, str, int]],
        capd_items: list[tuple[str, int]],
        scales: list[tuple[str, str]],
        high_dose_hours: float,
    ) -> None:
        """The wording comes from the rule data, given by the controller: the ICE and CAPD
        items, the older scales (ID, name) and XW-HIGHDOSE's hours."""
        super().__init__()
        self.setObjectName("gradingView")
        # 'Other scales' (issue 25): collapsed, under both findings columns, so it never
        # stands between the findings and the ASTCT grade.
        self.crosswalk = CrosswalkPanel(scales, high_dose_hours)
        self.crs_inputs = CrsInputs()
        self.icans_inputs = IcansInputs(ice_items, capd_items)
        self.crs_result = ResultCard("CRS", "crs")
        self.icans_result = ResultCard("ICANS", "icans")
        self.management = ManagementPanel()
        self.record_bar = RecordBar()  # issue 24: Record assessment, Start from last

        self.header = QWidget()
        self.header.setObjectName("gradesHeader")
        head = QHBoxLayout(self.header)
        head.setContentsMargins(0, 0, 0, 4)
        head.addWidget(self.crs_result.badge, 1)
        head.addWidget(self.icans_result.badge, 1)

        self.crs_column = _column("crsColumn", self.crs_inputs, self.crs_result)
        self.icans_column = _column("icansColumn", self.icans_inputs, self.icans_result)
        self.findings = QWidget()
        self.findings.setObjectName("findings")
        self.findings_grid = QGridLayout(self.findings)
        self.findings_grid.setContentsMargins(0, 0, 0, 0)
        self.findings_scroll = _scroll(self.findings, "findingsScroll")
        self.management_scroll = _scroll(self.management, "managementScroll")
        left = QWidget()
        left.setObjectName("gradingLeft")
        lbox = QVBoxLayout(left)
        lbox.setContentsMargins(0, 0, 0, 0)
        self.left_box = lbox
        lbox.addWidget(self.header)
        lbox.addWidget(self.findings_scroll, 1)
        lbox.addWidget(self.record_bar)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        # Narrow: the grades span the whole width (over management too), so each badge
        # has room to stay short and the findings keep their height (a 200% font).
        self.top_box = QVBoxLayout()
        outer.addLayout(self.top_box)
        self.body = QHBoxLayout()
        self.body.setContentsMargins(0, 0, 0, 0)
        self.body.addWidget(left, 2)
        self.body.addWidget(self.management_scroll, 1)
        outer.addLayout(self.body, 1)
        self.wide = True
        self._place(wide=True)

    def _place(self, wide: bool) -> None:
        """CRS and ICANS side by side, or (large fonts, narrow screens) one over the other."""
        for column in (self.crs_column, self.icans_column, self.crosswalk):
            self.findings_grid.removeWidget(column)
        self.findings_grid.addWidget(self.crs_column, 0, 0)
        if wide:
            self.findings_grid.addWidget(self.icans_column, 0, 1)
            self.findings_grid.addWidget(self.crosswalk, 1, 0, 1, 2)
        else:
            self.findings_grid.addWidget(self.icans_column, 1, 0)
            self.findings_grid.addWidget(self.crosswalk, 2, 0)
        self.findings_grid.setColumnStretch(0, 1)
        self.findings_grid.setColumnStretch(1, 1 if wide else 0)
        for row in range(4):
            self.findings_grid.setRowStretch(row, 0)
        self.findings_grid.setRowStretch(2 if wide else 3, 1)
        self.left_box.removeWidget(self.header)
        self.top_box.removeWidget(self.header)
        if wide:
            self.left_box.insertWidget(0, self.header)
        else:
            self.top_box.addWidget(self.header)
        # Narrow: one findings column, so management may take a larger share.
        self.body.setStretch(0, 2 if wide else 3)
        self.body.setStretch(1, 1 if wide else 2)
        self.wide = wide

    def needed_width(self) -> int:
        """The width CRS and ICANS side by side, and management, need without clipping."""
        columns = (self.crs_column, self.icans_column, self.management)
        return sum(c.minimumSizeHint().width() + 24 for c in columns)

    def resizeEvent(self, event: QResizeEvent) -> None:
        wide = self.width() >= self.needed_width()
        if wide != self.wide:
            self._place(wide)
        super().resizeEvent(event)

    def bedside_order(self) -> list[QWidget]:
        return [
            *self.crs_inputs.bedside_order(),
            *self.icans_inputs.bedside_order(),
            *self.crosswalk.bedside_order(),
            *self.management.bedside_order(),
            self.record_bar.initials,
            self.record_bar.record,
            self.record_bar.start_from_last,
        ]


def _column(name: str, inputs: QWidget, result: QWidget) -> QWidget:
    column = QWidget()
    column.setObjectName(name)
    box = QVBoxLayout(column)
    box.setContentsMargins(0, 0, 0, 0)
    box.addWidget(inputs)
    box.addWidget(result)
    box.addStretch(1)
    return column
