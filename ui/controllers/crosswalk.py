"""The 'Other scales' panel's logic: the grading wizard's findings plus the panel's own,
through ``calculator.crosswalk`` (XW rules, section 13), into the scales table.

It grades only while the panel is open. A value the core refuses is marked at its field
with the core's words; what was typed stays, and the table keeps its last answer, marked
as not current."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

import calculator
from calculator.crosswalk import CrosswalkInput, CrosswalkResult, crosswalk
from calculator.edge.inputs import validate
from ui.units import parse_number
from ui.views.crosswalk import DOSE_FIELDS, CrosswalkPanel, finding_words

Payload = Callable[[], dict[str, Any] | None]


class CrosswalkController(QObject):
    crosswalk_graded = Signal(object)  # calculator.crosswalk.CrosswalkResult
    refused = Signal(object)  # list[tuple[str, str]]: (field, message)

    def __init__(
        self,
        panel: CrosswalkPanel,
        profile: calculator.Profile,
        crs_payload: Payload,
        icans_payload: Payload,
    ) -> None:
        super().__init__(panel)
        self.panel = panel
        self.profile = profile
        self.crs_payload = crs_payload
        self.icans_payload = icans_payload
        self.result: CrosswalkResult | None = None
        self.problems: list[tuple[str, str]] = []
        for field in panel.numbers.values():
            field.edit.textEdited.connect(self.recompute)
        for choice in panel.choices.values():
            choice.combo.currentIndexChanged.connect(self.recompute)
        panel.toggle.toggled.connect(self.recompute)

    def reset(self) -> None:
        """A new case: every finding of the panel blank again, the panel closed."""
        for field in self.panel.numbers.values():
            field.edit.clear()
        for choice in self.panel.choices.values():
            choice.combo.setCurrentIndex(0)
        self.panel.toggle.setChecked(False)
        self.problems = []
        self._mark([])
        self.result = None
        self._clear_table("")

    def load(self, findings: dict[str, Any] | None) -> None:
        """A case's findings back into the panel (opened when there are any)."""
        self.reset()
        if not findings:
            return
        flat = {**findings, **findings.get("vasopressor_doses", {})}
        for key, field in self.panel.numbers.items():
            if key in flat:
                value = flat[key]
                field.edit.setText(f"{value:g}" if isinstance(value, float | int) else str(value))
        for key, choice in self.panel.choices.items():
            if key in flat:
                choice.combo.setCurrentIndex(max(0, choice.combo.findData(flat[key])))
        self.panel.toggle.setChecked(True)

    def set_profile(self, profile: calculator.Profile) -> None:
        self.profile = profile
        self.recompute()

    @property
    def opened(self) -> bool:
        return self.panel.toggle.isChecked()

    def findings(self) -> dict[str, Any]:
        """The panel's own findings as typed: a number, or the text when it is not one (the
        core then names the field); blank and "not entered" are left out (XW-UNKNOWN)."""
        out: dict[str, Any] = {}
        doses: dict[str, Any] = {}
        for key, field in self.panel.numbers.items():
            text = field.text().strip()
            if not text:
                continue
            number = parse_number(text)
            value: Any = text if number is None else number
            if key in DOSE_FIELDS:
                doses[key] = value
            else:
                out[key] = value
        if doses:
            out["vasopressor_doses"] = doses
        for key, choice in self.panel.choices.items():
            if choice.value() is not None:
                out[key] = choice.value()
        return out

    def payload(self) -> dict[str, Any]:
        payload = self.findings()
        crs, icans = self.crs_payload(), self.icans_payload()
        if crs is not None:
            payload["crs"] = crs
        if icans is not None:
            payload["icans"] = icans
        return payload

    def for_case(self) -> dict[str, Any] | None:
        """The panel's findings for the case and the handoff note: only when someone opened
        the panel and entered findings, and the core accepts them."""
        if not self.opened or not self.panel.entered() or self.problems:
            return None
        return self.findings()

    def recompute(self, *_: object) -> None:
        if not self.opened:
            return
        payload = self.payload()
        if "crs" not in payload and "icans" not in payload:
            self.problems = []
            self._mark([])
            self.result = None
            self._clear_table("Enter CRS or ICANS findings above to see the other scales.")
            return
        try:
            inp = validate(CrosswalkInput, payload)
        except calculator.InputError as exc:
            self.problems = [(f.field, f.message) for f in exc.fields] or [("input", exc.message)]
            self._mark(self.problems)
            self.panel.status.setText(
                "Not current: a finding below is refused; the table shows the last answer."
                if self.result is not None
                else "A finding below is refused."
            )
            self.refused.emit(self.problems)
            return
        self.problems = []
        self._mark([])
        self.result = crosswalk(inp, self.profile)
        self._fill(self.result)
        self.crosswalk_graded.emit(self.result)

    # --- showing ---------------------------------------------------------------------

    def _mark(self, problems: list[tuple[str, str]]) -> None:
        """Each message at its field; messages about the CRS or ICANS findings (or with no
        field of the panel) in the panel's own error line."""
        by_field: dict[str, list[str]] = {}
        general: list[str] = []
        for field, message in problems:
            key = field.removeprefix("vasopressor_doses.")
            if key in self.panel.numbers or key in self.panel.choices:
                by_field.setdefault(key, []).append(message)
            else:
                general.append(f"{field}: {message}")
        for key, number in self.panel.numbers.items():
            number.set_error("; ".join(by_field[key]) if key in by_field else None)
        for key, choice in self.panel.choices.items():
            choice.set_error("; ".join(by_field[key]) if key in by_field else None)
        self.panel.error.set_error("; ".join(general) if general else None)

    def _clear_table(self, status: str) -> None:
        self.panel.status.setText(status)
        for row in self.panel.rows.values():
            for label in row.widgets()[1:]:
                label.clear()
        self.panel.warnings.clear()
        self.panel.concordance.clear()

    def _fill(self, result: CrosswalkResult) -> None:
        self.panel.status.setText("")
        rows = self.panel.rows
        astct = {"astct_crs": result.astct.crs, "astct_icans": result.astct.icans}
        for key, res in astct.items():
            row = rows[key]
            if res is None:
                row.grade.setText("not entered")
                row.deciding.clear()
            else:
                row.grade.setText(str(res.grade))
                top = [d.finding for d in res.drivers if d.grade == res.grade]
                row.deciding.setText(
                    "; ".join(top) or (res.explanation[-1] if res.explanation else "")
                )
            row.needs.clear()
        for key, scale in result.scales.items():
            row = rows[key]
            row.grade.setText(scale.grade_text)
            if scale.status != "graded":
                row.deciding.setText(scale.reason)
                row.needs.clear()
                continue
            deciding = scale.deciding
            row.deciding.setText(
                "; ".join(f"{c.text} ({', '.join(c.rules)})" for c in deciding)
                if deciding
                else f"no criterion met ({scale.rule})"
            )
            row.needs.setText("; ".join(finding_words(n, self.panel.words) for n in scale.needs))
            row.needs.setToolTip(", ".join(scale.needs))
        self.panel.warnings.setText("\n".join(result.warnings))
        self.panel.concordance.setText(
            "\n".join(f"{c.text} [{c.source}] {c.citation}" for c in result.concordance)
        )
