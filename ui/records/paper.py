"""Records on paper: page layout, the head and foot bands of every page, PDF (QPdfWriter)
and printing (QtPrintSupport)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QBuffer, QIODevice, QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextDocument,
)
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QWidget

from ui.records.documents import (
    MARGIN_MM,
    PDF_RESOLUTION_DPI,
    PRODUCT,
    PageSizeName,
    Record,
    RecordMeta,
)
from ui.store.storage import write_atomic


def page_layout(page_size: PageSizeName = "A4") -> QPageLayout:
    size = QPageSize(
        QPageSize.PageSizeId.Letter if page_size == "Letter" else QPageSize.PageSizeId.A4
    )
    margins = QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM)
    return QPageLayout(size, QPageLayout.Orientation.Portrait, margins, QPageLayout.Unit.Millimeter)


#: Paints a document on a paged device: :func:`paint_pages` for the records; the debrief
#: passes its own, which adds the SIMULATION watermark to every page.
PagePainter = Callable[[QTextDocument, QPagedPaintDevice], object]


def paint_pages(doc: QTextDocument, device: QPagedPaintDevice) -> None:
    """Lay the document out on the device itself (its resolution and printable page), so
    point sizes print as point sizes, then paint it page by page."""
    doc.documentLayout().setPaintDevice(device)
    rect = device.pageLayout().paintRectPixels(device.logicalDpiX())
    doc.setPageSize(QSizeF(rect.width(), rect.height()))
    doc.print_(device)


#: What a page says above and below its body: ``bands(page, count)`` -> (head, foot), page
#: counted from 1. A paper page parted from the others still says whose it is and which.
Bands = Callable[[int, int], tuple[str, str]]


@dataclass(frozen=True)
class BandStyle:
    height_mm: float = 5.0
    point_size: float = 7.0
    bold: bool = False
    colour: str = "#333333"
    #: In the page margin (the body keeps the whole printable height: a typical handoff
    #: stays on one page), else inside the printable area above and below the body.
    in_margin: bool = False


#: A record's head and foot sit in its 12 mm margins, in the foot's small grey type.
RECORD_BANDS = BandStyle(height_mm=MARGIN_MM * 0.6, point_size=7.0, in_margin=True)


def draw_band(painter: QPainter, rect: QRectF, text: str) -> None:
    """One head or foot line (a function of its own so a test can see what each page says);
    a line too long for the page is cut at its end, so it leads with what matters most."""
    shown = painter.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, int(rect.width()))
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, shown)


def paint_banded(
    doc: QTextDocument, device: QPagedPaintDevice, bands: Bands, style: BandStyle = BandStyle()
) -> int:
    """Paint ``doc`` page by page with a head and a foot line on every page (from
    ``bands``), the body laid out between them. Returns the number of pages."""
    doc.documentLayout().setPaintDevice(device)
    dpi = device.logicalDpiY()
    rect = device.pageLayout().paintRectPixels(device.logicalDpiX())
    band = style.height_mm / 25.4 * dpi
    body_h = rect.height() if style.in_margin else rect.height() - 2 * band
    top = -band if style.in_margin else 0.0
    doc.setPageSize(QSizeF(rect.width(), body_h))
    count = max(1, doc.pageCount())
    painter = QPainter(device)
    try:
        font = QFont("DejaVu Sans")
        font.setPointSizeF(style.point_size)
        font.setBold(style.bold)
        for page in range(count):
            if page:
                device.newPage()
            head, foot = bands(page + 1, count)
            painter.setFont(font)
            painter.setPen(QColor(style.colour))
            draw_band(painter, QRectF(0, top, rect.width(), band), head)
            draw_band(painter, QRectF(0, top + band + body_h, rect.width(), band), foot)
            painter.save()
            painter.translate(0, top + band - page * body_h)
            body = QRectF(0, page * body_h, rect.width(), body_h)
            # Clipped: a line that straddles the page edge must not print over the head.
            painter.setClipRect(body)
            doc.drawContents(painter, body)
            painter.restore()
    finally:
        painter.end()
    return count


def banded(bands: Bands, style: BandStyle = BandStyle()) -> PagePainter:
    """A :data:`PagePainter` with these head and foot lines."""
    return lambda doc, device: paint_banded(doc, device, bands, style)


def record_painter(meta: RecordMeta) -> PagePainter:
    """Every record's pages: the record and patient at the head, "page N of M" at the foot."""
    return banded(meta.bands, RECORD_BANDS)


def render(record: Record, device: QPagedPaintDevice) -> None:
    record_painter(record.meta)(record.document, device)


def pages(record: Record, page_size: PageSizeName = "A4") -> int:
    """How many pages the record takes on this paper (as ``write_pdf`` lays it out)."""
    return pdf_page_count(pdf_bytes(record, page_size))


def document_pdf(
    doc: QTextDocument,
    title: str,
    app_version: str,
    page_size: PageSizeName = "A4",
    paint: PagePainter = paint_pages,
) -> bytes:
    """``doc`` as PDF bytes, painted by ``paint`` on ``page_size`` paper."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(PDF_RESOLUTION_DPI)
    writer.setTitle(title)
    writer.setCreator(f"{PRODUCT} {app_version}")
    writer.setPageLayout(page_layout(page_size))
    paint(doc, writer)
    del writer  # finishes the PDF
    buffer.close()
    return bytes(buffer.data().data())


def pdf_bytes(record: Record, page_size: PageSizeName = "A4") -> bytes:
    return document_pdf(
        record.document,
        record.meta.title,
        record.meta.app_version,
        page_size,
        record_painter(record.meta),
    )


def write_pdf_bytes(path: Path, data: bytes) -> None:
    """Write a PDF made here to ``path`` (its folder made if missing), atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, data)


def write_pdf(record: Record, path: Path, page_size: PageSizeName = "A4") -> bytes:
    """Write the record to ``path`` as PDF; returns the bytes written (for the audit log)."""
    data = pdf_bytes(record, page_size)
    write_pdf_bytes(path, data)
    return data


def pdf_page_count(data: bytes) -> int:
    """Pages of a PDF Qt wrote: the /Count of its page tree."""
    counts = [int(n) for n in re.findall(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)", data)]
    if not counts:
        counts = [int(n) for n in re.findall(rb"/Count\s+(\d+)", data)]
    return max(counts) if counts else 0


def make_printer(
    page_size: PageSizeName = "A4", printer_name: str = "", copies: int = 1
) -> QPrinter:
    """A high-resolution printer set up from the settings' printer defaults."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    if printer_name:
        printer.setPrinterName(printer_name)
    printer.setPageLayout(page_layout(page_size))
    printer.setCopyCount(copies)
    return printer


def print_document(
    doc: QTextDocument,
    title: str,
    printer: QPrinter,
    parent: QWidget | None = None,
    paint: PagePainter = paint_pages,
    ask: bool = True,
) -> bool:
    """Ask with the system print dialog (unless ``ask`` is False), then print ``doc``
    with ``paint``. Returns whether it was printed."""
    if ask:
        dialog = QPrintDialog(printer, parent)
        dialog.setWindowTitle(f"Print {title}")
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
    paint(doc, printer)
    return True


def print_with_dialog(record: Record, printer: QPrinter, parent: QWidget | None = None) -> bool:
    """Ask with the system print dialog, then print. Returns whether it was printed."""
    return print_document(
        record.document, record.meta.title, printer, parent, record_painter(record.meta)
    )
