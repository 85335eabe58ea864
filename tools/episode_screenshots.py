"""Images of issue 24 for the README: the Episode view (1366x700, 100% and 200% text) and
the handoff PDF's first pages of a 3-day episode with two tocilizumab doses, a
dexamethasone course and a taper.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/episode_screenshots.py docs/

The PDF pages are rendered with ``pdftoppm`` (poppler-utils) when it is installed.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from calculator.records.case_v2 import dump_episode_case, load_episode_case
from ui.controllers.app import AppController
from ui.controllers.case import apply_case, build_case
from ui.records.handoff import handoff_from_case
from ui.records.paper import write_pdf
from ui.shell.app import application

DAY0 = datetime(2026, 11, 19)
NOW = datetime(2026, 11, 22, 18, 0)


def three_day_case() -> dict[str, Any]:
    """Day +1 to day +3: fever, CRS 1 -> 2 -> 3 (norepinephrine), tocilizumab twice,
    dexamethasone, ICANS 2 on day +2 that settles; improving by day +3."""
    start = datetime(2026, 11, 20, 6, 0)
    temps = [38.1, 38.6, 39.2, 39.6, 39.9, 39.4, 38.8, 38.3, 37.9, 37.6, 37.4, 37.2]
    assessments: list[dict[str, Any]] = []
    for i, t in enumerate(temps):
        at = start + timedelta(hours=6 * i)
        crs: dict[str, Any] = {"temperature_c": t}
        if 3 <= i <= 5:
            crs |= {"hypotension": True, "vasopressors": ["norepinephrine"]}
        elif i == 2:
            crs |= {"hypotension": True}
        if 2 <= i <= 6:
            crs |= {"oxygen": "nasal_cannula", "oxygen_flow_l_min": 2.0}
        a: dict[str, Any] = {"at": at.isoformat(timespec="minutes"), "by": "AB" if i % 2 else "CD"}
        a["crs"] = crs
        ice = 10 if i < 4 or i > 8 else (6 if i in (5, 6) else 8)
        a["icans"] = {"ice_score": ice}
        if i >= 7:
            a["improving"] = True
        assessments.append(a)
    return {
        "format": "crs-calc-case/2",
        "patient": {"label": "Bed 12", "weight_kg": 70, "age_years": 45, "product": "axi-cel"},
        "day0": DAY0.isoformat(timespec="minutes"),
        "time_zone": "Europe/Berlin",
        "assessments": assessments,
        "given": [
            {"drug": "tocilizumab", "at": "2026-11-20T19:00", "dose_mg": 560, "by": "AB"},
            {"drug": "tocilizumab", "at": "2026-11-21T04:00", "dose_mg": 560, "by": "CD"},
            {"drug": "dexamethasone", "at": "2026-11-21T04:30", "dose_mg": 10, "by": "CD"},
            {"drug": "dexamethasone", "at": "2026-11-21T10:30", "dose_mg": 10, "by": "AB"},
            {"drug": "dexamethasone", "at": "2026-11-21T16:30", "dose_mg": 10, "by": "AB"},
            {"drug": "dexamethasone", "at": "2026-11-22T04:30", "dose_mg": 10, "by": "CD"},
        ],
        "taper": {"regimen": "TAPER-MP1G", "start": "2026-11-22T16:00"},
    }


def episode_view(folder: Path, scale: float) -> Path:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    font = QFont(app.font())
    base = font.pointSizeF()
    font.setPointSizeF(base * scale)
    app.setFont(font)
    try:
        c = AppController(clock=lambda: NOW, zone="Europe/Berlin")
        apply_case(c, load_episode_case(three_day_case()))
        w = c.window
        w.resize(1366, 700)
        w.tabs.setCurrentWidget(w.tool_pages["episode"])
        w.show()
        QApplication.processEvents()
        c.episode.view.chart.show_all()
        QApplication.processEvents()
        path = folder / f"episode-3days{'' if scale == 1 else '-200'}.png"
        w.grab().save(str(path))
        w.close()
        return path
    finally:
        font.setPointSizeF(base)
        app.setFont(font)


def handoff_pdf(folder: Path) -> list[Path]:
    c = AppController(clock=lambda: NOW, zone="Europe/Berlin")
    apply_case(c, load_episode_case(three_day_case()))
    data = dump_episode_case(build_case(c))
    data.pop("profile", None)
    handoff = handoff_from_case(data, NOW, c.rs, c.profile)
    pdf = folder / "episode-handoff.pdf"
    write_pdf(handoff.record, pdf)
    c.window.close()
    out: list[Path] = [pdf]
    if shutil.which("pdftoppm"):
        prefix = folder / "episode-handoff"
        # The first page: the Episode section with its chart.
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "70",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                str(pdf),
                str(prefix),
            ],
            check=True,
        )
        out.append(prefix.with_suffix(".png"))
    return out


def main(argv: list[str]) -> int:
    folder = Path(argv[0] if argv else "docs")
    application()
    for path in (episode_view(folder, 1.0), episode_view(folder, 2.0), *handoff_pdf(folder)):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
