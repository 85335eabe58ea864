"""The episode chart (issue 24), drawn with QPainter like the taper's daily chart.

Highest temperature per assessment with the 38 °C line, CRS and ICANS grades as steps,
tocilizumab and corticosteroid doses as markers, day +N (or the date) on the time axis.
The wheel zooms the time axis around the pointer, a drag or the arrow keys scroll it,
Home shows the whole episode. The same content is given in words as the accessible
description (``describe``), so a screen reader gets what the eye gets.

Why QPainter and not a plotting library: see ARCHITECTURE.md ("The episode chart").
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFontMetrics,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPolygonF,
    QWheelEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from calculator.records.case_v2 import Assessment, CaseDocumentV2, Given
from calculator.records.episode import STEROIDS, Graded
from calculator.records.episode_command import EpisodeResult
from calculator.words import when

#: The fever line drawn on the chart: CRS-FEVER's threshold, passed in by the controller
#: from the rule data (the chart never holds a clinical number of its own).
DEFAULT_SPAN_H = 24.0
#: Above this many visible assessments the chart is drawn without smoothing or dots.
DENSE_POINTS = 120
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
    #: The fever line (CRS-FEVER's threshold from the rule data); None: no line drawn.
    fever_c: float | None = None
    description: str = ""
    #: Day labels (midnight, "day +N" or the date), computed once per episode.
    days: tuple[tuple[datetime, str], ...] = field(default=())
    #: Each point's hours from the chart's origin, computed once per episode (a paint
    #: finds the visible points by bisection instead of measuring all 500).
    point_hours: tuple[float, ...] = field(default=())


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
        self._t0, self._total_h = chart_window(data)
        self.data = with_days(data, self._t0)
        if follow_end or self.view_span_h > self._total_h:
            self.view_span_h = min(max(self.view_span_h, 2.0), self._total_h)
            self.view_start_h = self._total_h - self.view_span_h
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

    # --- size ------------------------------------------------------------------------

    def sizeHint(self) -> QSize:
        line = QFontMetrics(self.font()).height()
        return QSize(line * 40, line * 12)

    def minimumSizeHint(self) -> QSize:
        # Four lines of the font at the least: with the flowsheet under it, the Episode view
        # still fits a 700 px high screen at 200% text (the splitter gives it more room).
        line = QFontMetrics(self.font()).height()
        return QSize(line * 16, line * 4)

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
        paint_episode(painter, area, self.data, self._t0, self.view_start_h, self.view_span_h)


def _hours(t0: datetime, at: datetime) -> float:
    return (at - t0).total_seconds() / 3600.0


def chart_window(data: ChartData) -> tuple[datetime, float]:
    """(origin, hours) of the whole episode on the time axis."""
    times = [p.at for p in data.points] + [d.at for d in data.doses]
    if not times:
        return datetime(2000, 1, 1), DEFAULT_SPAN_H
    t0 = min(times) - timedelta(hours=1)
    return t0, max(_hours(t0, max(times)) + 1.0, 2.0)


def chart_image(data: ChartData, width: int, height: int, scale: int = 2) -> QImage:
    """The whole episode drawn at ``scale`` x (a 2x image for the printed record)."""
    image = QImage(width * scale, height * scale, QImage.Format.Format_RGB32)
    image.setDevicePixelRatio(scale)
    image.fill(QColor("white"))
    t0, total = chart_window(data)
    data = with_days(data, t0)
    painter = QPainter(image)
    try:
        paint_episode(painter, QRectF(0, 0, width, height), data, t0, 0.0, total)
    finally:
        painter.end()
    return image


def with_days(data: ChartData, t0: datetime) -> ChartData:
    times = [p.at for p in data.points] + [d.at for d in data.doses]
    if not times:
        return data
    return ChartData(
        data.points,
        data.doses,
        data.day0,
        data.fever_c,
        data.description,
        day_marks(t0, max(times), data.day0),
        tuple(_hours(t0, p.at) for p in data.points),
    )


def paint_episode(
    painter: QPainter,
    area: QRectF,
    data: ChartData,
    t0: datetime,
    view_start_h: float,
    view_span_h: float,
) -> None:
    """Draw the chart into ``area``: the widget, or an image for the printed record (no
    widget needed: the headless PDF export has only a QGuiApplication)."""
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
    t0_h, span = view_start_h, max(view_span_h, 1e-6)

    def x_of(at: datetime) -> float:
        return left + (_hours(t0, at) - t0_h) / span * (right - left)

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
            label = f"{text} ({at:%d %b})"
            if x + 3 + fm.horizontalAdvance(label) <= area.right():
                painter.drawText(QPointF(x + 3, bottom + line * 1.1), label)
    # Temperature axis and the fever line.
    # Labels no closer than a line apart (200% text on a short chart).
    per_c = (temp_bottom - top) / (hi_c - lo_c)
    step_c = max(1, math.ceil(line / max(per_c, 1e-6)))
    for c in range(int(lo_c) + 1, int(hi_c) + 1, step_c):
        y = y_temp(c)
        painter.setPen(QPen(QColor("#333333")))
        painter.drawText(QPointF(area.left() + 2, y + fm.ascent() / 2), f"{c}.0")
    if data.fever_c is not None:
        painter.setPen(QPen(TEMP_COLOUR, 1, Qt.PenStyle.DashLine))
        y38 = y_temp(data.fever_c)
        painter.drawLine(QPointF(left, y38), QPointF(right, y38))
        painter.drawText(QPointF(right + 3, y38 + fm.ascent() / 2), f"{data.fever_c:g} °C")
    # Grade axis.
    painter.setPen(QPen(QColor("#333333")))
    step_g = max(1, math.ceil(line / max((bottom - grade_top) / 4.0, 1e-6)))
    for g in range(0, 5, step_g):
        painter.drawText(QPointF(area.left() + 2, y_grade(g) + fm.ascent() / 2), f"G{g}")
    painter.setClipRect(QRectF(left, top - 2, right - left, bottom - top + 4))
    hours = data.point_hours  # each point's hours, worked out once (with_days)
    assert len(hours) == len(data.points), "paint what with_days made"
    # The points in and around the window (times are in order: bisection, not a scan).
    first = bisect.bisect_left(hours, t0_h - span)
    end = bisect.bisect_right(hours, t0_h + 2 * span)
    scale = (right - left) / span

    def x_at(h: float) -> float:
        return left + (h - t0_h) * scale

    visible = [(x_at(hours[i]), data.points[i]) for i in range(first, end)]
    # Temperature points and line.
    poly = QPolygonF(
        [QPointF(x, y_temp(p.temperature_c)) for x, p in visible if p.temperature_c is not None]
    )
    # Many points at once (a long episode zoomed out): no smoothing and no dots, so a
    # scroll or zoom step stays within a frame; zoomed in, each point is marked.
    dense = len(visible) > DENSE_POINTS
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, not dense)
    painter.setPen(QPen(TEMP_COLOUR, 2))
    painter.drawPolyline(poly)
    painter.setBrush(TEMP_COLOUR)
    if not dense:
        for i in range(poly.size()):
            painter.drawEllipse(poly.at(i), 3, 3)
    # Grades as steps: each grade holds until the next assessment that has it.
    for which, colour, offset in (("crs", CRS_COLOUR, 0.0), ("icans", ICANS_COLOUR, 0.08)):
        steps: list[QPointF] = []
        prev: float | None = None
        for x, p in visible:
            grade = p.crs if which == "crs" else p.icans
            if grade is None:
                continue
            y = y_grade(grade + offset)
            if prev is not None:
                steps.append(QPointF(x, prev))
            steps.append(QPointF(x, y))
            prev = y
        if steps and prev is not None:
            steps.append(QPointF(min(right, x_of(data.points[-1].at) + 2), prev))
        painter.setPen(QPen(colour, 2))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        # Steps are level and upright lines: no smoothing needed, and it costs a frame.
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.drawPolyline(QPolygonF(steps))
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, not dense)
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


def dose_words(g: Given) -> str:
    amount = f" {g.dose_mg:g} mg" if g.dose_mg is not None else ""
    mark = " (prophylactic)" if g.prophylactic else ""
    return f"{g.drug}{amount} {g.at:%H:%M}{mark}"


def chart_point(a: Assessment, graded: Graded | None) -> ChartPoint:
    """One assessment on the chart (``graded``: the core's grades, None: not graded)."""
    return ChartPoint(
        a.at,
        a.crs.temperature_c if a.crs is not None else None,
        graded.crs.grade if graded is not None and graded.crs is not None else None,
        graded.icans.grade if graded is not None and graded.icans is not None else None,
    )


def chart_from_episode(
    case: CaseDocumentV2, result: EpisodeResult | None, fever_c: float
) -> ChartData:
    """The chart's content from the case and the core's grades (None: not graded)."""
    points = tuple(
        chart_point(a, result.assessments[i] if result is not None else None)
        for i, a in enumerate(case.assessments)
    )
    return chart_from_points(points, case, fever_c)


def chart_from_points(
    points: tuple[ChartPoint, ...], case: CaseDocumentV2, fever_c: float
) -> ChartData:
    """The chart's content from points made already (the app keeps them per row, so a
    Record assessment makes one point, not 500) and the case's doses."""
    doses = tuple(
        ChartDose(g.at, g.drug, dose_words(g))
        for g in sorted(case.given, key=lambda g: g.at)
        if g.drug == "tocilizumab" or g.drug in STEROIDS
    )
    return ChartData(points, doses, case.day0, fever_c, describe(points, doses, case.day0))


def describe(
    points: Sequence[ChartPoint], doses: Sequence[ChartDose], day0: datetime | None
) -> str:
    """The chart in words, for a screen reader and the tooltip (the same content)."""
    if not points:
        return "The chart is empty: no assessment recorded."
    temps = [(p.temperature_c, p.at) for p in points if p.temperature_c is not None]
    parts = [f"{len(points)} assessments from {when(points[0].at)} to {when(points[-1].at)}"]
    if day0 is not None:
        parts.append(f"day +{(points[-1].at.date() - day0.date()).days} at the last")
    if temps:
        top, top_at = max(temps, key=lambda t: t[0])
        parts.append(f"highest temperature {top:g} °C at {when(top_at)}")
    for name, values in (
        ("CRS", [(p.crs, p.at) for p in points if p.crs is not None]),
        ("ICANS", [(p.icans, p.at) for p in points if p.icans is not None]),
    ):
        if values:
            steps = [values[0]] + [b for a, b in itertools.pairwise(values) if b[0] != a[0]]
            said = ", ".join(f"{g} at {when(at)}" for g, at in steps[-6:])
            parts.append(f"{name} grade {said}")
    if doses:
        parts.append("doses: " + "; ".join(f"{d.text} ({d.at:%Y-%m-%d})" for d in doses[-8:]))
    return ". ".join(parts) + "."
