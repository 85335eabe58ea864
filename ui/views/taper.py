"""The steroid taper planner: regimen or own steps, the editable steps, the dated plan."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from ui.views.chart import DailyChart
from ui.widgets import (
    FieldErrorLabel,
    MessageList,
    RuleLinks,
    ValidatedField,
    WholeSpin,
    named,
    rich,
    scaled_font,
)

STEP_COLUMNS = ("Drug", "Dose (mg)", "Dose (mg/kg)", "Every (h)", "Days", "Route", "Origin")
DAY_COLUMNS = ("Date", "Doses", "Day total", "Cumulative", "Dex-eq day", "Dex-eq cum.")


def _scroll(widget: QWidget, name: str) -> QScrollArea:
    area = QScrollArea()
    area.setObjectName(name)
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    area.setWidget(widget)
    return area


def _table(name: str, accessible: str, columns: tuple[str, ...]) -> QTableWidget:
    table = named(QTableWidget(0, len(columns)), name, accessible)
    table.setHorizontalHeaderLabels(list(columns))
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    table.setSizeAdjustPolicy(QTableWidget.SizeAdjustPolicy.AdjustToContents)
    return table


class TaperView(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("taperView")
        self.regimen = named(QComboBox(), "taperRegimen", "Steroid regimen")
        self.regimen.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.regimen.setMinimumContentsLength(18)
        self.regimen_text = named(QLabel(), "taperRegimenText", "Regimen as its source gives it")
        self.regimen_text.setWordWrap(True)
        self.regimen_text.setProperty("role", "hint")
        self.start = named(QDateTimeEdit(), "taperStart", "Start date and time")
        self.start.setCalendarPopup(True)
        self.start.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.first_days = ValidatedField("taperDays", "Length of the first step", unit="days")
        self.final_days = ValidatedField(
            "taperFinalDays", "Length of an open-ended last step", unit="days"
        )
        self.generate = named(
            QCheckBox("Generate the taper after the last step"), "taperGenerate", "Generate taper"
        )
        self.taper_days = named(WholeSpin(), "taperLength", "Taper length in days")
        self.taper_days.setRange(1, 60)
        self.taper_days.setValue(4)
        self.taper_days.setSuffix(" days")
        self.reduction = named(QComboBox(), "taperReduction", "How each step reduces")
        self.reduction.addItem("Halving", "halving")
        self.reduction.addItem("Linear", "linear")
        self.input_error = FieldErrorLabel("taperError", "Taper input error")
        self.taper_days_error = FieldErrorLabel("taperLengthError", "Taper length error")
        self.taper_days.refused.connect(lambda m: self.taper_days_error.set_error(m or None))

        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow(_buddy("&Regimen", self.regimen), self.regimen)
        form.addRow(self.regimen_text)
        form.addRow(_buddy("&Start", self.start), self.start)
        form.addRow(_buddy("First step le&ngth", self.first_days.edit), self.first_days)
        form.addRow(_buddy("&Open-ended last step", self.final_days.edit), self.final_days)
        form.addRow(self.generate)
        gen_row = QHBoxLayout()
        gen_row.addWidget(self.taper_days)
        gen_row.addWidget(self.reduction)
        form.addRow(_buddy("Taper o&ver", self.taper_days), gen_row)
        form.addRow(self.taper_days_error)

        self.steps = _table("taperSteps", "Taper steps (editable)", STEP_COLUMNS)
        self.steps.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.steps_state = named(QLabel(), "taperStepsState", "Whose steps the plan uses")
        self.steps_state.setWordWrap(True)
        self.steps_state.setProperty("role", "hint")
        self.steps_error = FieldErrorLabel("taperStepsError", "Taper steps error")
        self.add_step = named(QPushButton("Add step"), "taperAddStep", "Add a step")
        self.remove_step = named(
            QPushButton("Remove step"), "taperRemoveStep", "Remove the selected step"
        )
        self.reset_steps = named(
            QPushButton("Back to the regimen"), "taperReset", "Discard edits, use the regimen"
        )
        buttons = QHBoxLayout()
        for b in (self.add_step, self.remove_step, self.reset_steps):
            buttons.addWidget(b)
        buttons.addStretch(1)
        steps_box = QGroupBox("Steps: double-click a cell to edit")
        steps_box.setObjectName("taperStepsBox")
        sv = QVBoxLayout(steps_box)
        sv.addWidget(self.steps_state)
        sv.addWidget(self.steps)
        sv.addLayout(buttons)
        sv.addWidget(self.steps_error)

        left = QFrame()
        left.setObjectName("taperInputs")
        lv = QVBoxLayout(left)
        lv.addLayout(form)
        lv.addWidget(self.input_error)
        lv.addWidget(steps_box)
        lv.addStretch(1)

        # --- the plan ----------------------------------------------------------------------
        self.total = rich(named(QLabel("—"), "taperTotal", "Plan totals"))
        self.total.setProperty("role", "bigNumber")
        self.total.setFont(scaled_font(self.total.font(), 1.5, bold=True))
        self.total.setWordWrap(True)
        self.summary = named(QLabel(), "taperSummary", "Plan summary")
        self.summary.setWordWrap(True)
        self.chart = DailyChart(
            "taperChart", "Daily dexamethasone-equivalent dose", "mg dexamethasone-equivalent"
        )
        self.days = _table("taperDays_table", "Plan by day", DAY_COLUMNS)
        self.days.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.days.setWordWrap(True)
        self.warnings = MessageList("taperWarnings", "Taper warnings", role="warning")
        self.rules = RuleLinks("taperRules", "Rules behind the plan")
        self.print_checklist = named(
            QPushButton("Print checklist…"), "taperPrintChecklist", "Print the taper checklist"
        )
        self.save_checklist = named(
            QPushButton("Save checklist PDF…"),
            "taperSaveChecklist",
            "Save the taper checklist as PDF",
        )
        record_row = QHBoxLayout()
        record_row.addWidget(self.print_checklist)
        record_row.addWidget(self.save_checklist)
        record_row.addStretch(1)
        right = QFrame()
        right.setObjectName("taperPlan")
        right.setProperty("role", "resultCard")
        rv = QVBoxLayout(right)
        for w in (self.total, self.summary, self.warnings, self.chart, self.days, self.rules):
            rv.addWidget(w)
        rv.addLayout(record_row)
        rv.addStretch(1)

        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(_scroll(left, "taperInputsScroll"), 1)
        row.addWidget(_scroll(right, "taperPlanScroll"), 1)

    def bedside_order(self) -> list[QWidget]:
        return [
            self.regimen,
            self.start,
            self.first_days.edit,
            self.final_days.edit,
            self.generate,
            self.taper_days,
            self.reduction,
            self.steps,
            self.add_step,
            self.remove_step,
            self.reset_steps,
            self.days,
            self.rules,
        ]


def _buddy(text: str, widget: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(widget)
    return label
