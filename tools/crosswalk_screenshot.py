"""Render the grading wizard's 'Other scales' panel (issue 25) to docs/crosswalk.png and,
with ``--font-scale 2``, docs/crosswalk-font200.png.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/crosswalk_screenshot.py [--font-scale 2]

A patient on BiPAP (FiO2 45%) with norepinephrine 8 µg/min for 30 h: ASTCT 4, Penn 3
(XW-DEVICES), MSKCC 3, Lee 3; CTCAE 3-4 until "life-threatening" is answered.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from PySide6.QtWidgets import QApplication  # noqa: E402

from ui.controllers.app import AppController  # noqa: E402
from ui.shell.app import application  # noqa: E402
from ui.shell.screenshot import SAMPLE_TIME, SIZE  # noqa: E402


def _type(edit, text: str) -> None:  # type: ignore[no-untyped-def]
    edit.setText(text)
    edit.textEdited.emit(text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--font-scale", type=float, default=1.0)
    parser.add_argument("--out", type=Path, default=REPO / "docs")
    args = parser.parse_args()
    application(args.font_scale)
    controller = AppController(clock=lambda: SAMPLE_TIME)
    window = controller.window
    window.resize(*SIZE)
    window.show()
    bar = window.patient_bar
    _type(bar.weight.edit, "70")
    _type(bar.age.edit, "58")
    view = window.tool_pages["grading"]  # type: ignore[attr-defined]
    crs = view.crs_inputs
    _type(crs.temperature.edit, "39.4")
    crs.vasopressors["norepinephrine"].setChecked(True)
    crs.oxygen.setCurrentIndex(crs.oxygen.findData("bipap"))
    ic = view.icans_inputs
    ic.ice.setChecked(True)
    for key, value in zip(ic.ice.spins, (3, 3, 1, 1, 0), strict=True):
        ic.ice.spins[key].setValue(value)
    panel = view.crosswalk
    panel.toggle.setChecked(True)
    for key, text in (
        ("fio2_pct", "45"),
        ("norepinephrine_ug_min", "8"),
        ("vasopressor_hours", "30"),
    ):
        _type(panel.numbers[key].edit, text)
    for key, index in (
        ("high_dose_hours_met", 1),
        ("organ_toxicity_grade", 1),
        ("transaminase_grade", 2),
        ("creatinine_grade", 1),
        ("symptoms", 1),
        ("hospitalised_for_crs", 1),
        ("coagulopathy_products", 2),
    ):
        panel.choices[key].combo.setCurrentIndex(index)
    QApplication.processEvents()
    suffix = "" if args.font_scale == 1.0 else f"-font{round(args.font_scale * 100)}"
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"crosswalk{suffix}.png"
    if not suffix:  # the panel alone; at 200% the window, to show it in its place
        panel.grab().save(str(path))
    view.findings_scroll.ensureWidgetVisible(panel.rows["cres"].grade)
    QApplication.processEvents()
    if suffix:
        window.grab().save(str(args.out / f"crosswalk{suffix}.png"))
    print(path)
    window.close()
    if not suffix:
        print(debrief(args.out))
    return 0


def debrief(folder: Path) -> Path:
    """The debrief of the built-in scenario other-scales-bipap (no answers given), scrolled
    to its first checkpoint's scales table."""
    from calculator.teaching import Attempt, builtin_scenario
    from ui.teaching.debrief import DebriefDialog, score_of

    attempt = Attempt(format="crs-calc-attempt/1", scenario=builtin_scenario("other-scales-bipap"))
    dialog = DebriefDialog(score_of(attempt), attempt, None)
    dialog.resize(1100, 700)
    dialog.show()
    QApplication.processEvents()
    dialog.text.find("The same findings under each scale")
    dialog.text.ensureCursorVisible()
    cursor = dialog.text.textCursor()
    cursor.clearSelection()
    dialog.text.setTextCursor(cursor)
    bar = dialog.text.verticalScrollBar()
    bar.setValue(bar.value() + 260)
    QApplication.processEvents()
    path = folder / "crosswalk-debrief.png"
    dialog.grab().save(str(path))
    dialog.close()
    return path


if __name__ == "__main__":
    sys.exit(main())
