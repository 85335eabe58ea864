"""A small bar chart of the daily dexamethasone-equivalent dose, drawn with QPainter."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from ui.units import fmt


class DailyChart(QWidget):
    """Bars of one value per day, labelled with the value and the date."""

    def __init__(self, object_name: str, accessible_name: str, unit: str) -> None:
        super().__init__()
        self.setObjectName(object_name)
        self.setAccessibleName(accessible_name)
        self.unit = unit
        self.points: list[tuple[str, float]] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def set_points(self, points: list[tuple[str, float]]) -> None:
        self.points = points
        described = "; ".join(f"{d}: {fmt(v)} {self.unit}" for d, v in points)
        self.setAccessibleDescription(described)
        self.setToolTip(described.replace("; ", "\n"))
        self.update()

    def sizeHint(self) -> QSize:
        line = QFontMetrics(self.font()).height()
        return QSize(line * 24, line * 11)

    def minimumSizeHint(self) -> QSize:
        line = QFontMetrics(self.font()).height()
        return QSize(line * 12, line * 8)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("#ffffff"))
        metrics = QFontMetrics(self.font())
        line = metrics.height()
        text_pen = QPen(QColor("#263238"))
        painter.setPen(text_pen)
        painter.drawText(
            QRectF(0, 0, self.width(), line * 1.2),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            f"  Daily dose, {self.unit}",
        )
        if not self.points:
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No plan yet")
            painter.end()
            return
        top = line * 2.4
        bottom = self.height() - line * 1.6
        left = line * 0.8
        right = self.width() - line * 0.8
        height = max(bottom - top, 1.0)
        peak = max(v for _, v in self.points) or 1.0
        n = len(self.points)
        slot = (right - left) / n
        bar = slot * 0.7
        painter.setPen(QPen(QColor("#90a4ae"), 1))
        painter.drawLine(int(left), int(bottom), int(right), int(bottom))
        show_every = max(1, int((metrics.horizontalAdvance("00-00") + line) // max(slot, 1)) + 1)
        for i, (label, value) in enumerate(self.points):
            x = left + i * slot + (slot - bar) / 2
            h = height * value / peak
            painter.fillRect(QRectF(x, bottom - h, bar, h), QColor("#4f7cac"))
            painter.setPen(text_pen)
            if i % show_every == 0 or i == n - 1:
                painter.drawText(
                    QRectF(x - slot, bottom - h - line * 1.1, bar + 2 * slot, line),
                    Qt.AlignmentFlag.AlignCenter,
                    fmt(value),
                )
                painter.drawText(
                    QRectF(x - slot, bottom + line * 0.2, bar + 2 * slot, line),
                    Qt.AlignmentFlag.AlignCenter,
                    label,
                )
        painter.end()
