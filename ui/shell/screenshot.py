"""`--screenshot DIR`: render each tool, filled with a sample case, to DIR/<tool>.png."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtWidgets import QApplication

from ui.controllers.app import AppController

SAMPLE_TIME = datetime(2026, 11, 21, 14, 0)
# A 1366x768 screen less a title bar (~30 px) and a taskbar (~38 px): the room a
# maximised window really has on the smallest ward laptops.
SIZE = (1366, 700)


def fill_sample(controller: AppController) -> None:
    """The NCCN worked example (39.5 °C, norepinephrine, nasal cannula 2 L/min) in a
    70 kg, 45-year-old adult with ICE 7/10."""
    bar = controller.window.patient_bar
    bar.product.setCurrentIndex(bar.product.findData("axi-cel"))
    for edit, text in ((bar.weight.edit, "70"), (bar.age.edit, "45")):
        edit.setText(text)
        edit.textEdited.emit(text)
    bar.label.setText("Bed 12")
    bar.label.textEdited.emit("Bed 12")
    crs = controller.window.tool_pages["grading"].crs_inputs  # type: ignore[attr-defined]
    crs.temperature.edit.setText("39.5")
    crs.temperature.edit.textEdited.emit("39.5")
    crs.vasopressors["norepinephrine"].setChecked(True)
    crs.oxygen.setCurrentIndex(crs.oxygen.findData("nasal_cannula"))
    crs.flow.edit.setText("2")
    crs.flow.edit.textEdited.emit("2")
    ic = controller.window.tool_pages["grading"].icans_inputs  # type: ignore[attr-defined]
    ic.ice.setChecked(True)
    for key, value in zip(ic.ice.spins, (2, 2, 1, 1, 1), strict=True):
        ic.ice.spins[key].setValue(value)
    controller.dose.set_doses([datetime(2026, 11, 21, 8, 0)])
    controller.taper.select_regimen("TAPER-DEX10")
    controller.taper.view.first_days.edit.setText("2")
    controller.taper.view.first_days.edit.textEdited.emit("2")
    controller.taper.view.taper_days.setValue(3)


def render_all(folder: Path, font_scale: float = 1.0) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    controller = AppController(clock=lambda: SAMPLE_TIME)
    window = controller.window
    fill_sample(controller)
    window.resize(*SIZE)
    window.show()
    suffix = "" if font_scale == 1.0 else f"-font{round(font_scale * 100)}"
    out: list[Path] = []
    try:
        for index, key in enumerate(window.tool_pages):
            window.tabs.setCurrentIndex(index)
            QApplication.processEvents()
            path = folder / f"{key}{suffix}.png"
            window.grab().save(str(path))
            out.append(path)
    finally:
        window.close()
        window.deleteLater()
        QApplication.processEvents()
    return out
