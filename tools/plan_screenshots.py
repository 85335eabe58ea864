"""Screenshots of issue 10 for the README: the management panel (CRS 3 + ICANS 4, a
tocilizumab dose 2 h earlier, so the next one waits) and the pharmacy double check
deciding DO NOT RELEASE (880 mg ordered for 110 kg).

    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/plan_screenshots.py docs/
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

from PySide6.QtWidgets import QApplication

from ui.controllers.app import AppController
from ui.shell.app import application

AT = datetime(2026, 11, 21, 14, 0)


def _type(edit: object, text: str) -> None:
    edit.setText(text)  # type: ignore[attr-defined]
    edit.textEdited.emit(text)  # type: ignore[attr-defined]


def management(folder: Path) -> Path:
    c = AppController(clock=lambda: AT)
    w = c.window
    bar = w.patient_bar
    bar.product.setCurrentIndex(bar.product.findData("axi-cel"))
    _type(bar.weight.edit, "70")
    _type(bar.age.edit, "45")
    _type(bar.label, "Bed 12")
    crs = w.tool_pages["grading"].crs_inputs  # type: ignore[attr-defined]
    _type(crs.temperature.edit, "39.5")
    crs.vasopressors["norepinephrine"].setChecked(True)
    ic = w.tool_pages["grading"].icans_inputs  # type: ignore[attr-defined]
    ic.ice.setChecked(True)
    for spin in ic.ice.spins.values():
        spin.setValue(0)
    ic.ice0_unarousable.setChecked(True)
    c.dose.set_doses([datetime(2026, 11, 21, 12, 0)])
    panel = w.tool_pages["grading"].management  # type: ignore[attr-defined]
    panel.improving.set_value(False)  # not improving: the repeat dose waits for the clock
    w.resize(1366, 900)
    w.show()
    QApplication.processEvents()
    panel.resize(560, panel.sizeHint().height())
    QApplication.processEvents()
    path = folder / "management.png"
    panel.grab().save(str(path))
    w.close()
    return path


def double_check(folder: Path) -> Path:
    c = AppController(clock=lambda: AT)
    w = c.window
    _type(w.patient_bar.label, "Bed 12")
    w.show()
    view = c.records.open_double_check()
    ctl = c.records.verification
    assert ctl is not None
    ctl.prefill_order("tocilizumab", 110, 54, 880)
    view.order_route.setCurrentIndex(view.order_route.findData("IV"))
    view.order_bag.edit.setText("100")
    view.order_initials.setText("AB")
    view.next_button.click()
    view.ind_weight.edit.setText("110")
    view.ind_drug.setCurrentIndex(view.ind_drug.findData("tocilizumab"))
    view.ind_dose.edit.setText("880")
    view.ind_route.setCurrentIndex(view.ind_route.findData("IV"))
    view.ind_bag.edit.setText("100")
    view.initials.setText("JS")
    view.compare_button.click()
    QApplication.processEvents()
    path = folder / "double-check.png"
    view.grab().save(str(path))
    view.close()
    w.close()
    return path


def main(argv: list[str]) -> int:
    folder = Path(argv[0] if argv else "docs")
    folder.mkdir(parents=True, exist_ok=True)
    application()
    for path in (management(folder), double_check(folder)):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
