"""The episode chart (issue 24), drawn with QPainter like the taper's daily chart.

Highest temperature per assessment with the 38 °C line, CRS and ICANS grades as steps,
tocilizumab and corticosteroid doses as markers, day +N (or the date) on the time axis.
The wheel zooms the time axis around the pointer, a drag or the arrow keys scroll it,
Home shows the whole episode. The same content is given in words as the accessible
description (``describe``), so a screen reader gets what the eye gets.

Why QPainter and not a plotting library: see ARCHITECTURE.md ("The episode chart").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFontMetrics,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPolygonF,
    QWheelEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

#: The fever line drawn on the chart: CRS-FEVER's threshold, passed in by the controller
#: from the rule data (the chart never holds a clinical number of its own).
DEFAULT_SPAN_H = 24.0
TEMP_COLOUR = QColor("#c0392b")
CRS_COLOUR = QColor("#1f5fa8")
ICANS_COLOUR = QColor("#7b3fa0")
TOCI_COLOUR = QColor("#0a7d4f")
STEROID_COLOUR = QColor("#b8860b")


@dataclass(frozen=True)
class ChartPoint:
    at: datetime
    temperature_c: float | None
    crs: int | None
    icans: int | None


@dataclass(frozen=True)
class ChartDose:
    at: datetime
    drug: str  # "tocilizumab" or a corticosteroid
    text: str


@dataclass(frozen=True)
class ChartData:
    points: tuple[ChartPoint, ...] = ()
    doses: tuple[ChartDose, ...] = ()
    day0: datetime | None = None
    fever_c: float = 38.0
    description: str = ""
    #: Day labels (midnight, "day +N" or the date), computed once per episode.
    days: tuple[tuple[datetime, str], ...] = field(default=())


def day_label(at: datetime, day0: datetime | None) -> str:
    if day0 is None:
        return at.strftime("%d %b")
    n = (at.date() - day0.date()).days
    return f"day {n:+d}"


def day_marks(
    start: datetime, end: datetime, day0: datetime | None
) -> tuple[tuple[datetime, str], ...]:
    first = datetime.combine(start.date(), datetime.min.time())
    marks = []
    at = first
    while at <= end + timedelta(days=1) and len(marks) < 400:
        marks.append((at, day_label(at, day0)))
        at += timedelta(days=1)
    return tuple(marks)


class EpisodeChart(QWidget):
    """The chart; ``set_data`` takes the episode once, painting only maps and draws."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("episodeChart")
        self.setAccessibleName("Episode chart: temperature, CRS and ICANS grades, doses")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.data = ChartData()
        self._t0 = datetime(2000, 1, 1)
        self._total_h = DEFAULT_SPAN_H
        #: The visible window of the time axis, hours since _t0.
        self.view_start_h = 0.0
        self.view_span_h = DEFAULT_SPAN_H
        self._drag: float | None = None
        self.paints = 0

    # --- data ------------------------------------------------------------------------

    def set_data(self, data: ChartData, follow_end: bool = True) -> None:
        self.data = data
        times = [p.at for p in data.points] + [d.at for d in data.doses]
        if times:
            start, end = min(times), max(times)
            self._t0 = start - timedelta(hours=1)
            self._total_h = max(self._hours(end) + 1.0, 2.0)
            if follow_end or self.view_span_h > self._total_h:
                self.view_span_h = min(max(self.view_span_h, 2.0), self._total_h)
                self.view_start_h = self._total_h - self.view_span_h
            self.data = ChartData(
                data.points,
                data.doses,
                data.day0,
                data.fever_c,
                data.description,
                day_marks(self._t0, end, data.day0),
            )
        self.setAccessibleDescription(data.description)
        self.setToolTip(data.description[:2000])
        self.update()

    def show_all(self) -> None:
        self.view_start_h, self.view_span_h = 0.0, self._total_h
        self.update()

    def zoom(self, factor: float, centre_h: float | None = None) -> None:
        """Zoom the time axis by ``factor`` (< 1 in), around ``centre_h`` (hours)."""
        centre = self.view_start_h + self.view_span_h / 2 if centre_h is None else centre_h
        span = min(max(self.view_span_h * factor, 1.0), max(self._total_h, 1.0))
        start = centre - (centre - self.view_start_h) * span / self.view_span_h
        self.view_span_h = span
        self._scroll_to(start)

    def scroll_by(self, hours: float) -> None:
        self._scroll_to(self.view_start_h + hours)

    def _scroll_to(self, start: float) -> None:
        self.view_start_h = min(max(start, 0.0), max(self._total_h - self.view_span_h, 0.0))
        self.update()

    def _hours(self, at: datetime) -> float:
        return (at - self._t0).total_seconds() / 3600.0

    # --- size ------------------------------------------------------------------------

    def sizeHint(self) -> QSize:
        line = QFontMetrics(self.font()).height()
        return QSize(line * 40, line * 12)

    def minimumSizeHint(self) -> QSize:
        line = QFontMetrics(self.font()).height()
        return QSize(line * 16, line * 8)

    # --- input -----------------------------------------------------------------------

    def wheelEvent(self, event: QWheelEvent) -> None:
        plot = self._plot_rect()
        x = event.position().x()
        centre = self.view_start_h + (x - plot.left()) / max(plot.width(), 1.0) * self.view_span_h
        steps = event.angleDelta().y() / 120.0
        if steps:
            self.zoom(0.8**steps, centre)
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._drag = event.position().x()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._drag is None:
            return
        dx = event.position().x() - self._drag
        self._drag = event.position().x()
        self.scroll_by(-dx / max(self._plot_rect().width(), 1.0) * self.view_span_h)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._drag = None

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key == Qt.Key.Key_Left:
            self.scroll_by(-self.view_span_h / 4)
        elif key == Qt.Key.Key_Right:
            self.scroll_by(self.view_span_h / 4)
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom(0.8)
        elif key == Qt.Key.Key_Minus:
            self.zoom(1.25)
        elif key == Qt.Key.Key_Home:
            self.show_all()
        else:
            super().keyPressEvent(event)

    # --- painting --------------------------------------------------------------------

    def _plot_rect(self) -> QRectF:
        fm = QFontMetrics(self.font())
        left = fm.horizontalAdvance("40.0 °C") + 8
        right = fm.horizontalAdvance("ICANS 4") + 8
        return QRectF(
            left, fm.height() * 1.6, self.width() - left - right, self.height() - fm.height() * 4.2
        )

    def paintEvent(self, event: QPaintEvent) -> None:
        self.paints += 1
        painter = QPainter(self)
        try:
            self.paint(painter, QRectF(self.rect()))
        finally:
            painter.end()

    def paint(self, painter: QPainter, area: QRectF) -> None:
        """Draw into ``area`` (the widget, or a printed page's rectangle: vector in a PDF)."""
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = QFontMetrics(painter.font())
        line = fm.height()
        painter.fillRect(area, QColor("white"))
        left = area.left() + fm.horizontalAdvance("40.0 °C") + 8
        right = area.right() - fm.horizontalAdvance("ICANS 4") - 8
        top = area.top() + line * 1.6
        bottom = area.bottom() - line * 2.6
        if right - left < 20 or bottom - top < 20:
            return
        temp_bottom = top + (bottom - top) * 0.55
        grade_top = temp_bottom + line * 0.6
        data = self.data
        t0_h, span = self.view_start_h, max(self.view_span_h, 1e-6)

        def x_of(at: datetime) -> float:
            return left + (self._hours(at) - t0_h) / span * (right - left)

        lo_c, hi_c = 35.0, 41.0
        temps = [p.temperature_c for p in data.points if p.temperature_c is not None]
        if temps:
            lo_c, hi_c = min(lo_c, min(temps) - 0.5), max(hi_c, max(temps) + 0.5)

        def y_temp(c: float) -> float:
            return temp_bottom - (c - lo_c) / (hi_c - lo_c) * (temp_bottom - top)

        def y_grade(g: float) -> float:
            return bottom - g / 4.0 * (bottom - grade_top)

        grid = QPen(QColor("#d0d0d0"))
        painter.setPen(grid)
        painter.drawRect(QRectF(left, top, right - left, bottom - top))
        painter.setPen(QPen(QColor("#333333")))
        painter.drawText(
            QPointF(area.left() + 2, area.top() + line), "Temperature °C (highest per assessment)"
        )
        # Day marks on the time axis.
        for at, text in data.days:
            x = x_of(at)
            if left <= x <= right:
                painter.setPen(grid)
                painter.drawLine(QPointF(x, top), QPointF(x, bottom))
                painter.setPen(QPen(QColor("#333333")))
                painter.drawText(QPointF(x + 3, bottom + line * 1.1), f"{text} ({at:%d %b})")
        # Temperature axis and the fever line.
        for c in range(int(lo_c) + 1, int(hi_c) + 1):
            y = y_temp(c)
            painter.setPen(QPen(QColor("#333333")))
            painter.drawText(QPointF(area.left() + 2, y + fm.ascent() / 2), f"{c}.0")
        fever = QPen(TEMP_COLOUR, 1, Qt.PenStyle.DashLine)
        painter.setPen(fever)
        y38 = y_temp(data.fever_c)
        painter.drawLine(QPointF(left, y38), QPointF(right, y38))
        painter.drawText(QPointF(right + 3, y38 + fm.ascent() / 2), f"{data.fever_c:g} °C")
        # Grade axis.
        painter.setPen(QPen(QColor("#333333")))
        for g in range(5):
            painter.drawText(QPointF(area.left() + 2, y_grade(g) + fm.ascent() / 2), f"G{g}")
        painter.setClipRect(QRectF(left, top - 2, right - left, bottom - top + 4))
        visible = [p for p in data.points if -span <= self._hours(p.at) - t0_h <= 2 * span]
        # Temperature points and line.
        poly = QPolygonF(
            [
                QPointF(x_of(p.at), y_temp(p.temperature_c))
                for p in visible
                if p.temperature_c is not None
            ]
        )
        painter.setPen(QPen(TEMP_COLOUR, 2))
        painter.drawPolyline(poly)
        painter.setBrush(TEMP_COLOUR)
        for i in range(poly.size()):
            painter.drawEllipse(poly.at(i), 3, 3)
        # Grades as steps: each grade holds until the next assessment that has it.
        for which, colour, offset in (("crs", CRS_COLOUR, 0.0), ("icans", ICANS_COLOUR, 0.08)):
            steps: list[QPointF] = []
            prev: float | None = None
            for p in visible:
                grade = p.crs if which == "crs" else p.icans
                if grade is None:
                    continue
                x, y = x_of(p.at), y_grade(grade + offset)
                if prev is not None:
                    steps.append(QPointF(x, prev))
                steps.append(QPointF(x, y))
                prev = y
            if steps and prev is not None:
                steps.append(QPointF(min(right, x_of(data.points[-1].at) + 2), prev))
            painter.setPen(QPen(colour, 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPolyline(QPolygonF(steps))
        # Dose markers: a triangle on the time axis, tocilizumab green, steroids amber.
        for d in data.doses:
            x = x_of(d.at)
            if not left - 10 <= x <= right + 10:
                continue
            colour = TOCI_COLOUR if d.drug == "tocilizumab" else STEROID_COLOUR
            painter.setPen(QPen(colour, 1, Qt.PenStyle.DotLine))
            painter.drawLine(QPointF(x, top), QPointF(x, bottom))
            painter.setPen(QPen(colour))
            painter.setBrush(colour)
            tri = QPolygonF([QPointF(x, top + 8), QPointF(x - 5, top), QPointF(x + 5, top)])
            painter.drawPolygon(tri)
        painter.setClipping(False)
        # Legend.
        x = left
        y = bottom + line * 2.3
        for colour, text in (
            (TEMP_COLOUR, "Temperature"),
            (CRS_COLOUR, "CRS grade"),
            (ICANS_COLOUR, "ICANS grade"),
            (TOCI_COLOUR, "▼ Tocilizumab"),
            (STEROID_COLOUR, "▼ Corticosteroid"),
        ):
            painter.setPen(QPen(colour, 3))
            painter.drawLine(QPointF(x, y - fm.ascent() / 3), QPointF(x + 14, y - fm.ascent() / 3))
            painter.setPen(QPen(QColor("#333333")))
            painter.drawText(QPointF(x + 18, y), text)
            x += 18 + fm.horizontalAdvance(text) + 16
