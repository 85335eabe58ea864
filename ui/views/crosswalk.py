"""'Other scales': the crosswalk panel under the grading wizard's findings (issue 25).

Collapsed by default and placed below the CRS and ICANS findings, so it never stands
between the nurse and the ASTCT grade: the extra findings the older scales need, and a
table of scale, grade and deciding criterion, with the published agreement figures.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from ui.widgets import (
    Collapsible,
    FieldErrorLabel,
    NoWheelCombo,
    ValidatedField,
    named,
    repolish,
    wrapped_label,
)

#: Number fields: key of the crosswalk input (or of its vasopressor_doses), label, unit.
NUMBER_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("fio2_pct", "FiO2", "%"),
    ("norepinephrine_ug_min", "Norepinephrine", "µg/min"),
    ("epinephrine_ug_min", "Epinephrine", "µg/min"),
    ("phenylephrine_ug_min", "Phenylephrine", "µg/min"),
    ("dopamine_ug_kg_min", "Dopamine", "µg/kg/min"),
    ("vasopressin_u_min", "Vasopressin", "U/min"),
    ("vasopressor_hours", "Vasopressors needed for", "h"),
    ("csf_opening_pressure_mmhg", "CSF opening pressure", "mmHg"),
)
DOSE_FIELDS = frozenset(
    {
        "norepinephrine_ug_min",
        "epinephrine_ug_min",
        "phenylephrine_ug_min",
        "dopamine_ug_kg_min",
        "vasopressin_u_min",
    }
)
#: Yes / no findings (each starts "not entered": XW-UNKNOWN).
CHOICE_FIELDS: tuple[tuple[str, str], ...] = (
    # The hours are XW-HIGHDOSE's, from the rule data (the panel is given them).
    ("high_dose_hours_met", "High doses running for >= {hours} h"),
    ("symptoms", "Symptoms needing symptomatic treatment"),
    ("hospitalised_for_crs", "Hospitalised for CRS symptoms"),
    ("iv_therapy", "IV therapy (not fluid resuscitation)"),
    ("multiple_fluid_boluses", "Hypotension treated with multiple fluid boluses"),
    ("coagulopathy_products", "Coagulopathy needing FFP, cryoprecipitate or fibrinogen"),
    ("life_threatening", "Life-threatening consequences, urgent intervention"),
    ("seizure_generalised", "The seizure was generalised"),
    ("csf_pressure_raised", "CSF opening pressure judged raised"),
    ("head_of_government_named", "Names the head of government (CARTOX-10)"),
)
#: CTCAE grades and the papilloedema stage: (key, label, highest).
GRADE_FIELDS: tuple[tuple[str, str, int], ...] = (
    ("organ_toxicity_grade", "Organ toxicity, CTCAE grade (not liver, kidney)", 4),
    ("transaminase_grade", "Transaminases, CTCAE grade", 4),
    ("creatinine_grade", "Creatinine, CTCAE grade", 4),
    ("papilloedema_stage", "Papilloedema, Frisen stage", 5),
)
NOT_ENTERED = "not entered"
#: How the table names a finding that would decide a range (the core names the field).
FINDING_WORDS: dict[str, str] = {
    **{key: label for key, label, _ in NUMBER_FIELDS},
    **dict(CHOICE_FIELDS),
    **{key: label for key, label, _ in GRADE_FIELDS},
    "crs.temperature_c": "Temperature",
    "icans.ice_items": "ICE items",
}


def finding_words(field: str, words: dict[str, str]) -> str:
    """A finding's label for the table: "Creatinine, CTCAE grade" for creatinine_grade."""
    key = field.removeprefix("vasopressor_doses.")
    return words.get(key, field)


def _camel(key: str) -> str:
    head, *rest = key.split("_")
    return "xw" + head.capitalize() + "".join(p.capitalize() for p in rest)


class ChoiceField(QWidget):
    """A drop-down that starts "not entered", with the core's message under it when it
    refuses the choice (the choice itself stays as made)."""

    def __init__(self, key: str, label: str, options: list[tuple[str, object]]) -> None:
        super().__init__()
        name = _camel(key)
        self.setObjectName(f"{name}Field")
        self.combo = named(NoWheelCombo(), name, label)
        self.combo.addItem(NOT_ENTERED, None)
        for text, value in options:
            self.combo.addItem(text, value)
        self.error = FieldErrorLabel(f"{name}Error", f"{label} error")
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addWidget(self.combo)
        box.addWidget(self.error)

    def value(self) -> object:
        return self.combo.currentData()

    def set_error(self, message: str | None) -> None:
        self.error.set_error(message)
        bad = bool(message)
        if bool(self.combo.property("invalid")) != bad:
            self.combo.setProperty("invalid", bad)
            repolish(self.combo)

    def error_text(self) -> str:
        return self.error.error_text()


class ScaleRow:
    """One line of the table: scale name, grade (or range), deciding criterion, and what
    would decide a range."""

    def __init__(self, key: str, name: str) -> None:
        prefix = f"xwRow_{key}"
        self.name = wrapped_label(name, f"{prefix}Name", f"{name}: scale")
        self.grade = named(QLabel(), f"{prefix}Grade", f"{name}: grade")
        self.grade.setProperty("role", "total")
        self.deciding = wrapped_label("", f"{prefix}Deciding", f"{name}: deciding criterion")
        self.needs = wrapped_label("", f"{prefix}Needs", f"{name}: would decide the range")
        self.needs.setProperty("role", "hint")

    def widgets(self) -> tuple[QLabel, QLabel, QLabel, QLabel]:
        return (self.name, self.grade, self.deciding, self.needs)


class CrosswalkPanel(Collapsible):
    """The 'Other scales' section: findings, the scales table, the agreement figures."""

    def __init__(self, scales: list[tuple[str, str]], high_dose_hours: float) -> None:
        super().__init__("Other scales (Lee 2014, CTCAE, Penn, MSKCC, CARTOX)", "otherScales")
        self.setAccessibleName("Other scales")
        self.intro = wrapped_label(
            "The same findings graded by the scales that preceded ASTCT 2019, for papers, "
            "trials and teaching. The ASTCT grade above drives the plan; nothing here changes "
            "it. A finding not entered gives a range and is named.",
            "xwIntro",
            "About the other scales",
        )
        self.intro.setProperty("role", "hint")
        self.numbers: dict[str, ValidatedField] = {}
        self.choices: dict[str, ChoiceField] = {}
        findings = QGroupBox("Findings the older scales need")
        findings.setObjectName("xwFindings")
        # Grids, not form layouts: a wrapped label gets the height its text needs (a form
        # layout clipped two-line labels to one line).
        left, right = QGridLayout(), QGridLayout()
        for key, label, unit in NUMBER_FIELDS:
            name = "Dose of " + label.lower() if key in DOSE_FIELDS else label
            field = ValidatedField(_camel(key), name, unit=unit)
            self.numbers[key] = field
            _add_row(left, _buddy(label, field), field)
        for key, label, top in GRADE_FIELDS:
            choice = ChoiceField(key, label, [(str(g), g) for g in range(top + 1)])
            self.choices[key] = choice
            _add_row(left, _buddy(label, choice), choice)
        hours = f"{high_dose_hours:g}"
        #: How the table names each finding (FINDING_WORDS with the rule data's hours).
        self.words = {k: v.format(hours=hours) for k, v in FINDING_WORDS.items()}
        for key, template in CHOICE_FIELDS:
            label = template.format(hours=hours)
            choice = ChoiceField(key, label, [("yes", True), ("no", False)])
            self.choices[key] = choice
            _add_row(right, _buddy(label, choice), choice)
        for grid in (left, right):
            grid.setColumnStretch(0, 3)
            grid.setColumnStretch(1, 2)
            grid.setRowStretch(grid.rowCount(), 1)
        columns = QHBoxLayout(findings)
        columns.addLayout(left, 1)
        columns.addSpacing(12)
        columns.addLayout(right, 1)
        self.error = FieldErrorLabel("xwError", "Other scales input error")

        table = QGroupBox("Grade on each scale")
        table.setObjectName("xwTable")
        self.table = table  # the teaching mode covers it (it shows the ASTCT grade)
        self.grid = QGridLayout(table)
        for col, title in enumerate(("Scale", "Grade", "Deciding criterion", "Would decide")):
            head = wrapped_label(title, f"xwHead{col}", title)
            head.setProperty("role", "heading")
            self.grid.addWidget(head, 0, col)
        self.grid.setColumnStretch(2, 3)
        self.grid.setColumnStretch(3, 2)
        self.rows: dict[str, ScaleRow] = {}
        for i, (key, name) in enumerate(
            [("astct_crs", "ASTCT 2019 CRS"), ("astct_icans", "ASTCT 2019 ICANS"), *scales],
            start=1,
        ):
            row = ScaleRow(key, name)
            self.rows[key] = row
            for col, widget in enumerate(row.widgets()):
                self.grid.addWidget(widget, i, col)
        self.status = wrapped_label("", "xwStatus", "Other scales status")
        self.warnings = wrapped_label("", "xwWarnings", "Other scales warnings")
        self.warnings.setProperty("role", "warning")
        self.concordance = wrapped_label("", "xwConcordance", "How often the scales agree")
        self.concordance.setProperty("role", "hint")
        parts: list[QWidget] = [
            self.intro,
            findings,
            self.error,
            self.status,
            table,
            self.warnings,
            self.concordance,
        ]
        for part in parts:
            self.body_layout.addWidget(part)

    def entered(self) -> bool:
        """Anything typed or chosen in the panel's own findings."""
        return any(f.text().strip() for f in self.numbers.values()) or any(
            c.value() is not None for c in self.choices.values()
        )

    def bedside_order(self) -> list[QWidget]:
        return [
            self.toggle,
            *(f.edit for f in self.numbers.values()),
            *(c.combo for c in self.choices.values()),
        ]


def _add_row(grid: QGridLayout, label: QLabel, field: QWidget) -> None:
    row = grid.rowCount()
    grid.addWidget(label, row, 0, Qt.AlignmentFlag.AlignTop)
    grid.addWidget(field, row, 1, Qt.AlignmentFlag.AlignTop)


def _buddy(text: str, field: QWidget) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    target = field.edit if isinstance(field, ValidatedField) else field
    if isinstance(field, ChoiceField):
        target = field.combo
    label.setBuddy(target)
    return label
