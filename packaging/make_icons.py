"""Draw the app icon (a white cross and thermometer bar on a deep red rounded square) and
write packaging/icons/crs-calc.{png,ico,icns}. Run once with the dev venv; the files are
committed so a build never needs this script:  .venv/bin/python packaging/make_icons.py
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter, QPainterPath

OUT = Path(__file__).resolve().parent / "icons"


def draw(size: int) -> QImage:
    img = QImage(size, size, QImage.Format.Format_ARGB32)
    img.fill(Qt.GlobalColor.transparent)
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = size / 256
    path = QPainterPath()
    path.addRoundedRect(QRectF(8 * s, 8 * s, 240 * s, 240 * s), 48 * s, 48 * s)
    p.fillPath(path, QColor("#9b1c1c"))
    white = QColor("#ffffff")
    p.fillRect(QRectF(100 * s, 48 * s, 56 * s, 160 * s), white)
    p.fillRect(QRectF(48 * s, 100 * s, 160 * s, 56 * s), white)
    p.fillRect(QRectF(118 * s, 116 * s, 20 * s, 76 * s), QColor("#9b1c1c"))
    p.end()
    return img


def main() -> int:
    QGuiApplication(sys.argv)
    OUT.mkdir(exist_ok=True)
    ok = draw(256).save(str(OUT / "crs-calc.png"))
    ok &= draw(256).save(str(OUT / "crs-calc.ico"), "ICO")
    ok &= draw(512).save(str(OUT / "crs-calc.icns"), "ICNS")
    print("icons written" if ok else "an icon could not be written")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
