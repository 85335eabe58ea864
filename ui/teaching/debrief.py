"""The debrief: score, critical errors, every checkpoint's answers against the key with
the core's explanations, time taken; on screen, printed and as PDF. Every page carries
"SIMULATION - not for clinical use" at its head and foot.

`python -m ui --export-debrief ATTEMPT.json OUT.pdf` writes the PDF with no window.
"""

from __future__ import annotations

import html
import json
import sys
from datetime import datetime
from pathlib import Path

from PySide6.QtGui import QPagedPaintDevice, QTextDocument
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from calculator import __version__, builtin_profile, ruleset
from calculator.crosswalk import CrosswalkResult
from calculator.edge.errors import InputError
from calculator.teaching import Attempt, ScoreResult, scenario_profile, score_attempt
from calculator.teaching.key import checkpoint_crosswalk
from calculator.teaching.score import CheckpointScore
from calculator.words import when
from ui.records.documents import PRODUCT, STYLE, PageSizeName, document
from ui.records.paper import (
    Bands,
    BandStyle,
    PagePainter,
    document_pdf,
    make_printer,
    page_layout,
    paint_banded,
    print_document,
    write_pdf_bytes,
)
from ui.records.save_dialog import save_via_dialog
from ui.teaching.files import read_attempt, save_attempt
from ui.teaching.views import WATERMARK, Banner, item_title
from ui.units import fmt
from ui.widgets import named, plain_text_everywhere

BAND_MM = 8.0


def _minutes(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    m, s = divmod(round(seconds), 60)
    return f"{m} min {s:02d} s"


def _value(value: object, item: str = "") -> str:
    """An answer or a key as a person reads it: times in the core's words (no "T"), the
    dose as the dose panel shows it (``ui.units.fmt``, with its unit)."""
    if value is None:
        return "—"
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        return when(value)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        unit = " mg" if item == "tocilizumab_dose_mg" else ""
        return f"{fmt(value)}{unit}"
    return str(value)


def scales_by_checkpoint(score: ScoreResult, attempt: Attempt) -> dict[str, CrosswalkResult]:
    """Each checkpoint's findings under every older scale (``calculator.crosswalk``, the
    same the key holds), under the profile the attempt was scored with."""
    rs = ruleset()
    try:
        profile = builtin_profile(rs, score.profile)
    except InputError:
        profile = scenario_profile(attempt.scenario, rs)
    return {
        cp.id: checkpoint_crosswalk(cp, profile, rs, f"checkpoints[{i}]")
        for i, cp in enumerate(attempt.scenario.checkpoints)
    }


def scales_html(result: CrosswalkResult) -> str:
    """One checkpoint under ASTCT and each older scale: grade (a range names what would
    decide it) and the deciding criterion (XW rules)."""
    e = html.escape
    cells: list[tuple[str, str, str]] = []
    for name, res in (("ASTCT CRS", result.astct.crs), ("ASTCT ICANS", result.astct.icans)):
        if res is not None:
            top = [d.finding for d in res.drivers if d.grade == res.grade]
            cells.append((name, str(res.grade), "; ".join(top)))
    for scale in result.scales.values():
        if scale.status != "graded":
            cells.append((scale.name, scale.grade_text, scale.reason))
            continue
        why = "; ".join(c.text for c in scale.deciding)
        if scale.needs:
            why += f" (would decide: {', '.join(scale.needs)})"
        cells.append((scale.name, scale.grade_text, why))
    head = "".join(f"<th>{e(n)}</th>" for n, _, _ in cells)
    grades = "".join(f"<td align='center'><b>{e(g)}</b></td>" for _, g, _ in cells)
    # The criteria as a list, not table cells: a list breaks between lines at a page end,
    # where a tall table row would be cut through the page's watermark band.
    whys = "".join(f"<li><b>{e(n)} {e(g)}</b>: {e(w)}</li>" for n, g, w in cells if w)
    return (
        "<p><b>The same findings under each scale</b> <span class='compact'>(not scored: "
        "the ASTCT grade drives the plan; XW-WORST, XW-RANGE)</span></p>"
        "<table class='small' border='1' cellpadding='2' width='100%'>"
        f"<tr>{head}</tr><tr>{grades}</tr></table>"
        f"<ul class='compact'>{whys}</ul>"
    )


def reached_text(score: ScoreResult) -> str:
    """Over which checkpoints the score is, and the ones the learner never reached."""
    total = len(score.checkpoints)
    reached = total - len(score.not_reached)
    text = f"Scored over the {reached} of {total} checkpoints reached"
    if score.not_reached:
        return f"{text}; not reached (not scored): {', '.join(score.not_reached)}."
    return f"{text}."


def _answered(cp: CheckpointScore) -> str:
    if not cp.reached:
        return "not reached (not scored)"
    return f"answered in {_minutes(cp.seconds)}" if cp.answered else "not answered"


def debrief_html(score: ScoreResult, attempt: Attempt) -> str:
    """The debrief as HTML (the same on screen and on paper)."""
    e = html.escape
    s = score.score
    scales = scales_by_checkpoint(score, attempt)
    parts = [
        f"<p class='flag'>{e(WATERMARK)}</p>",
        f"<h1>Debrief: {e(score.scenario.title)}</h1>",
        f"<p>Learner: <b>{e(learner_of(score))}</b> · scenario {e(score.scenario.id)} "
        f"· profile {e(score.profile)} · time taken {_minutes(score.seconds_total)}</p>",
        f"<h2>Score: {s.points} of {s.possible} ({s.percent:.1f}%)</h2>",
        f"<p>{e(reached_text(score))}</p>",
    ]
    if score.critical_errors:
        rows = "".join(
            f"<li><b>{e(c.checkpoint)} · {e(item_title(c.item))}</b>: {e(c.text)} "
            f"<span class='compact'>({e(', '.join(c.rules))})</span></li>"
            for c in score.critical_errors
        )
        parts.append(
            f"<h2 style='color:#a01010'>Critical errors: {len(score.critical_errors)}</h2>"
            f"<ul>{rows}</ul>"
        )
    else:
        parts.append("<h2>Critical errors: none</h2>")
    for cp, scenario_cp in zip(score.checkpoints, attempt.scenario.checkpoints, strict=True):
        parts.append(
            f"<h2>{e(cp.id)} · {when(cp.at)} · {cp.points} of {cp.possible} · {_answered(cp)}</h2>"
        )
        parts.append(f"<p class='compact'><i>{e(scenario_cp.narrative)}</i></p>")
        rows = []
        for item in cp.items:
            why = "<br>".join(e(x) for x in item.explanation)
            answer, key = _value(item.answer, item.item), _value(item.key, item.item)
            rows.append(
                f"<tr><td>{e(item_title(item.item))}</td><td>{e(item.status)}</td>"
                f"<td>{e(answer)}</td><td>{e(key)}</td>"
                f"<td>{why}<br><span class='compact'>{e(', '.join(item.rules))}</span></td></tr>"
            )
        parts.append(
            "<table class='small' border='1' cellpadding='2' width='100%'>"
            "<tr><th>Item</th><th>Result</th><th>Answer</th><th>Key</th><th>Why</th></tr>"
            + "".join(rows)
            + "</table>"
        )
        parts.append(scales_html(scales[scenario_cp.id]))
        if scenario_cp.teaching_points:
            points = "".join(f"<li>{e(t)}</li>" for t in scenario_cp.teaching_points)
            parts.append(f"<p><b>Teaching points</b></p><ul>{points}</ul>")
    info = score.ruleset
    parts.append(
        f"<p class='foot'>{PRODUCT} {e(__version__)} · ruleset {e(info.version)} "
        f"(sha256 <tt>{info.sha256}</tt>) · scenario sha256 <tt>{score.scenario.sha256}</tt>. "
        f"{e(WATERMARK)}: the key is computed by the rules core from the scenario's findings."
        "</p>"
    )
    return "".join(parts)


def debrief_document(score: ScoreResult, attempt: Attempt) -> QTextDocument:
    return document(debrief_html(score, attempt), "Debrief")


#: The watermark's lines: bold, in the banner's colour, a little larger than a record's.
WATERMARK_BANDS = BandStyle(height_mm=BAND_MM, point_size=9.0, bold=True, colour="#8e1b2b")


def learner_of(score: ScoreResult) -> str:
    return score.learner or "not named"


def debrief_bands(score: ScoreResult) -> Bands:
    """Every page: the watermark and the learner at the head, the page number at the foot
    (a page parted from the others still says whose debrief it is)."""

    def bands(page: int, count: int) -> tuple[str, str]:
        head = f"{WATERMARK} · Learner: {learner_of(score)} · {score.scenario.title}"
        return head, f"{WATERMARK} · page {page} of {count}"

    return bands


def render_pages(
    doc: QTextDocument, device: QPagedPaintDevice, score: ScoreResult | None = None
) -> int:
    """Paint ``doc`` page by page with the watermark (and the learner, given ``score``) at
    the head and foot of every page. Returns the number of pages."""
    bands = (
        debrief_bands(score)
        if score is not None
        else lambda page, count: (WATERMARK, f"{WATERMARK} · page {page} of {count}")
    )
    return paint_banded(doc, device, bands, WATERMARK_BANDS)


def painter_of(score: ScoreResult) -> PagePainter:
    return lambda doc, device: render_pages(doc, device, score)


def _title(score: ScoreResult) -> str:
    return f"Debrief: {score.scenario.title} ({WATERMARK})"


def debrief_pdf(score: ScoreResult, attempt: Attempt, page_size: PageSizeName = "A4") -> bytes:
    doc = debrief_document(score, attempt)
    return document_pdf(doc, _title(score), __version__, page_size, painter_of(score))


def write_debrief_pdf(score: ScoreResult, attempt: Attempt, path: Path) -> None:
    write_pdf_bytes(path, debrief_pdf(score, attempt))


def score_of(attempt: Attempt) -> ScoreResult:
    rs = ruleset()
    try:
        profile = scenario_profile(attempt.scenario, rs)
    except InputError:
        raise InputError.for_field(
            "scenario.profile", f"unknown profile {attempt.scenario.profile!r}"
        ) from None
    return score_attempt(attempt, profile, rs)


def export_debrief_cli(attempt_path: Path, out_path: Path) -> int:
    """`--export-debrief ATTEMPT OUT`: 0 written, 2 refused (the message names the field).

    The shell makes the QApplication before it calls this (nothing below the shell imports it).
    """
    try:
        attempt = read_attempt(attempt_path)
        score = score_of(attempt)
        write_debrief_pdf(score, attempt, out_path)
    except InputError as err:
        print(json.dumps(err.to_json(), indent=2), file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"cannot write {out_path}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    print(out_path)
    return 0


class DebriefDialog(QDialog):
    """The debrief on screen, with Print…, Save PDF… and Save attempt…."""

    def __init__(self, score: ScoreResult, attempt: Attempt, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setObjectName("debriefDialog")
        self.setAccessibleName("Debrief")
        self.setWindowTitle(f"Debrief — {WATERMARK}")
        self.score = score
        self.attempt = attempt
        self.banner = Banner("debriefBanner")
        self.text = named(QTextBrowser(), "debriefText", "Debrief")
        self.text.document().setDefaultStyleSheet(STYLE)
        self.text.setHtml(debrief_html(score, attempt))
        self.print_button = named(QPushButton("&Print…"), "debriefPrint", "Print the debrief")
        self.pdf_button = named(QPushButton("Save &PDF…"), "debriefPdf", "Save as PDF")
        self.save_button = named(
            QPushButton("Save &attempt…"), "debriefSaveAttempt", "Save the attempt file"
        )
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.setObjectName("debriefButtons")
        for b in (self.print_button, self.pdf_button, self.save_button):
            buttons.addButton(b, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        box = QVBoxLayout(self)
        box.addWidget(self.banner)
        box.addWidget(self.text, 1)
        box.addWidget(buttons)
        self.print_button.clicked.connect(lambda: self.print_debrief())
        self.pdf_button.clicked.connect(lambda: self.save_pdf())
        self.save_button.clicked.connect(lambda: self.save_attempt())
        self.resize(900, 700)
        plain_text_everywhere(self)  # last: the labels QFormLayout made too

    def save_pdf(self, path: Path | None = None) -> bool:
        return (
            save_via_dialog(
                self,
                "Save debrief PDF",
                "debrief.pdf",
                "PDF (*.pdf)",
                lambda p: write_debrief_pdf(self.score, self.attempt, p),
                path,
                "The debrief PDF",
            )
            is not None
        )

    def save_attempt(self, path: Path | None = None) -> bool:
        return (
            save_via_dialog(
                self,
                "Save attempt",
                "attempt.json",
                "Attempts (*.json)",
                lambda p: save_attempt(self.attempt, p),
                path,
                "The attempt",
            )
            is not None
        )

    def print_debrief(self, printer: QPrinter | None = None, ask: bool = True) -> bool:
        if printer is None:
            printer = make_printer()
        else:
            printer.setPageLayout(page_layout())
        doc = debrief_document(self.score, self.attempt)
        return print_document(doc, _title(self.score), printer, self, painter_of(self.score), ask)


__all__ = [
    "DebriefDialog",
    "debrief_html",
    "debrief_pdf",
    "export_debrief_cli",
    "render_pages",
    "score_of",
    "write_debrief_pdf",
]
