"""The QApplication as the app makes it: name, icon, scaled font, and (optionally) the style sheet.

Its own module so that the entry point and the self-test both use it without importing
each other.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QByteArray
from PySide6.QtGui import QFont, QIcon, QPixmap
from PySide6.QtWidgets import QApplication

import resources


def application(font_scale: float = 1.0, argv: Sequence[str] = ()) -> QApplication:
    """The QApplication with the app's style sheet, icon and (scaled) font."""
    app = unstyled_application(font_scale, argv)
    app.setStyleSheet(resources.read_text("style.qss"))
    return app


def unstyled_application(
    font_scale: float = 1.0, argv: Sequence[str] = (), *, icon: bool = True
) -> QApplication:
    """The QApplication with the app's icon and (scaled) font but no application-wide style
    sheet: the running app's windows carry the sheet themselves (ui.views.main_window.style).
    ``icon=False``: no icon yet (``set_icon`` later: the SVG reader is not loaded before
    the running app's first paint, issue 26)."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(["crs-calc", *argv])
    app.setApplicationName("CRS Bedside Calculator")
    app.setOrganizationName("crs-calc")
    if icon:
        set_icon(app)
    if font_scale != 1.0:
        font = QFont(app.font())
        font.setPointSizeF(max(font.pointSizeF(), 9.0) * font_scale)
        app.setFont(font)
    return app


def set_icon(app: QApplication) -> None:
    """The app's icon, on every window (those shown already too)."""
    pixmap = QPixmap()
    pixmap.loadFromData(QByteArray(resources.read_bytes("icons/app.svg")), "SVG")
    app.setWindowIcon(QIcon(pixmap))
