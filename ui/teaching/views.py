"""Teaching-mode widgets: the SIMULATION banner, the covers that hide results until the
learner commits, the scenario panel (narrative, scenario clock, answer form, feedback).

Views only: ui/teaching/session.py holds the logic, the core (calculator.teaching) the key
and the score. No clinical rule here.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime
from typing import get_args

from annotated_types import Ge, Le
from PySide6.QtCore import QEvent, QObject, QRect, QSize, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from calculator.rulebook.management import ActionCode
from calculator.teaching import Answer, CriticalError, ItemScore
from ui.timeentry import HINT, shown
from ui.widgets import FieldErrorLabel, RuleLinks, heading, named, scaled_font, wrapped_label

WATERMARK = "SIMULATION - not for clinical use"
HIDDEN_TEXT = "Hidden until you commit this checkpoint's answers"
STRENGTHS = ("give", "consider", "avoid", "wait")
ACTION_CODES: tuple[str, ...] = get_args(ActionCode)
ITEM_TITLES = {
    "crs_grade": "CRS grade",
    "icans_grade": "ICANS grade",
    "actions": "Actions",
    "tocilizumab_dose_mg": "Tocilizumab dose",
    "next_tocilizumab_at": "Next tocilizumab dose from",
}
MARKS = {
    "right": "✔ right",
    "wrong": "✘ wrong",
    "not answered": "– not answered",
    "not indicated": "• not indicated",
    "not scored": "• consider (not scored)",
}
COLOURS = {
    "right": "#1b5e20",
    "wrong": "#a01010",
    "not answered": "#6d4c00",
    "not indicated": "#37474f",
    "not scored": "#37474f",
}


def action_title(code: str) -> str:
    return code.replace("_", " ")


def item_title(item: str) -> str:
    if item.startswith("actions."):
        return f"Action: {action_title(item.split('.', 1)[1])}"
    return ITEM_TITLES.get(item, item)


class Banner(QLabel):
    """The watermark every teaching screen carries."""

    def __init__(self, object_name: str = "simulationBanner", *, compact: bool = False) -> None:
        super().__init__(WATERMARK)
        named(self, object_name, WATERMARK)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setFont(scaled_font(self.font(), 1.0 if compact else 1.2, bold=True))
        # Wraps rather than set a narrow side panel's width (a 200% font).
        self.setWordWrap(True)
        pad = 1 if compact else 4
        self.setStyleSheet(
            f"background: #8e1b2b; color: #ffffff; padding: {pad}px; border-radius: 3px;"
        )


class Cover(QLabel):
    """An opaque card laid over a result area until the learner commits. It follows its
    target's size (and, with ``below``, starts under that widget), so whatever the tool
    shows or hides underneath stays covered."""

    def __init__(
        self, target: QWidget, name: str, below: QWidget | None = None, *, short: bool = False
    ) -> None:
        super().__init__("Grade hidden until you commit" if short else HIDDEN_TEXT, target)
        named(self, name, HIDDEN_TEXT)
        self.target = target
        self.below = below
        self.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.setWordWrap(True)
        self.setAutoFillBackground(True)
        self.setStyleSheet(
            "background: #eceff1; color: #37474f; border: 2px dashed #90a4ae; "
            f"border-radius: 6px; padding: {4 if short else 16}px; font-weight: bold;"
        )
        if short:
            self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._watcher = _ResizeWatcher(self)
        target.installEventFilter(self._watcher)
        if below is not None:
            below.installEventFilter(self._watcher)

    def covered_rect(self) -> QRect:
        rect = self.target.rect()
        if self.below is not None:
            top = self.below.mapTo(self.target, self.below.rect().topLeft()).y()
            rect.setTop(max(0, top))
        return rect

    def follow(self) -> None:
        self.setGeometry(self.covered_rect())
        self.raise_()

    def set_covering(self, on: bool) -> None:
        """Cover (and lock, so the keyboard cannot reach what is hidden) or uncover."""
        if self.below is None:
            self.target.setEnabled(not on)
        self.setVisible(on)
        if on:
            self.follow()


class _ResizeWatcher(QObject):
    def __init__(self, cover: Cover) -> None:
        super().__init__(cover)
        self.cover = cover

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.Resize, QEvent.Type.Move, QEvent.Type.LayoutRequest):
            if not self.cover.isHidden():
                self.cover.follow()
        return False


def combo(name: str, accessible: str, entries: Sequence[tuple[str, object]]) -> QComboBox:
    """A named combo box holding ``(text, data)`` entries (the answer form, the editor)."""
    box = named(QComboBox(), name, accessible)
    for text, data in entries:
        box.addItem(text, data)
    return box


def answer_grades(field: str) -> range:
    """The grades a learner may answer: the bounds the core's :class:`Answer` validates
    ``field`` against, so the form offers exactly what an attempt file may hold."""
    metadata = Answer.model_fields[field].metadata
    low = next(m.ge for m in metadata if isinstance(m, Ge))
    high = next(m.le for m in metadata if isinstance(m, Le))
    return range(int(low), int(high) + 1)


def _grades(field: str) -> list[tuple[str, object]]:
    return [("— not answered", None)] + [(f"Grade {g}", g) for g in answer_grades(field)]


class AnswerForm(QGroupBox):
    """What the learner commits at a checkpoint: only the items the scenario asks."""

    def __init__(self) -> None:
        super().__init__("Your answers")
        self.setObjectName("answerForm")
        self.crs_grade = combo("answerCrsGrade", "Your CRS grade", _grades("crs_grade"))
        self.icans_grade = combo("answerIcansGrade", "Your ICANS grade", _grades("icans_grade"))
        self.actions: dict[str, QComboBox] = {}
        # A form that puts each choice under its action when the panel is narrow (a 200%
        # font): the side panel scrolls down, never sideways, and leaves the tools the room.
        actions = QFormLayout()
        actions.setContentsMargins(0, 0, 0, 0)
        actions.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        for code in ACTION_CODES:
            choice = combo(
                f"answerAction_{code}",
                f"Your decision: {action_title(code)}",
                [("—", None)] + [(s, s) for s in STRENGTHS],
            )
            self.actions[code] = choice
            label = QLabel(action_title(code))
            label.setBuddy(choice)
            actions.addRow(label, choice)
        self.actions_box = QWidget()
        self.actions_box.setObjectName("answerActions")
        self.actions_box.setLayout(actions)
        self.dose = named(QLineEdit(), "answerDose", "Your tocilizumab dose in mg")
        self.dose.setPlaceholderText("mg")
        self.dose_error = FieldErrorLabel("answerDoseError", "Tocilizumab dose error")
        self.next_at = named(QLineEdit(), "answerNextAt", "Your next tocilizumab time")
        self.next_at.setPlaceholderText(f"{HINT}; 'none' at the maximum")
        self.next_error = FieldErrorLabel("answerNextError", "Next tocilizumab time error")
        self.form = QFormLayout(self)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.rows: dict[str, list[QWidget]] = {
            "crs_grade": [self.crs_grade],
            "icans_grade": [self.icans_grade],
            "actions": [self.actions_box],
            "tocilizumab_dose_mg": [self.dose, self.dose_error],
            "next_tocilizumab_at": [self.next_at, self.next_error],
        }
        self.labels: dict[str, QLabel] = {}
        for key, widgets in self.rows.items():
            label = QLabel(ITEM_TITLES[key] + (" (mg)" if key == "tocilizumab_dose_mg" else ""))
            label.setBuddy(widgets[0])
            self.labels[key] = label
            if key == "actions":
                self.form.addRow(label)
                self.form.addRow(widgets[0])
            else:
                self.form.addRow(label, widgets[0])
                for extra in widgets[1:]:
                    self.form.addRow(extra)

    def show_items(self, ask: Sequence[str]) -> None:
        for key, widgets in self.rows.items():
            on = key in ask
            self.labels[key].setVisible(on)
            for w in widgets:
                w.setVisible(on and not isinstance(w, FieldErrorLabel))

    def clear(self) -> None:
        self.crs_grade.setCurrentIndex(0)
        self.icans_grade.setCurrentIndex(0)
        for combo in self.actions.values():
            combo.setCurrentIndex(0)
        self.dose.clear()
        self.next_at.clear()
        self.dose_error.set_error(None)
        self.next_error.set_error(None)

    def set_locked(self, locked: bool) -> None:
        for widgets in self.rows.values():
            for w in widgets:
                w.setEnabled(not locked)


class ItemCard(QFrame):
    """One scored item: right or wrong, the answer against the key, why, and the rules."""

    def __init__(self, index: int, item: ItemScore, answer: str, key: str) -> None:
        super().__init__()
        self.setObjectName(f"feedbackItem{index}")
        self.setProperty("status", item.status)
        colour = COLOURS[item.status]
        self.setStyleSheet(
            f"QFrame#feedbackItem{index} {{ border: 1px solid {colour}; border-radius: 4px; "
            "background: #ffffff; }"
        )
        title = f"{MARKS[item.status]} — {item_title(item.item)}"
        self.title = named(QLabel(title), f"feedbackItem{index}Title", title)
        self.title.setStyleSheet(f"color: {colour}; font-weight: bold; border: none;")
        self.title.setWordWrap(True)
        text = f"Your answer: {answer}  ·  Key: {key}"
        self.answer = wrapped_label(text, f"feedbackItem{index}Answer", text)
        self.answer.setStyleSheet("border: none;")
        why = "".join(f"<li>{html.escape(line)}</li>" for line in item.explanation)
        self.why = wrapped_label(
            f"<ul style='margin:0'>{why}</ul>" if why else "",
            f"feedbackItem{index}Why",
            " ".join(item.explanation),
        )
        self.why.setTextFormat(Qt.TextFormat.RichText)
        self.why.setStyleSheet("border: none;")
        self.why.setVisible(bool(why))
        self.rules = RuleLinks(f"feedbackItem{index}Rules", f"Rules behind {item_title(item.item)}")
        self.rules.setStyleSheet("border: none;")
        self.rules.set_rules(item.rules)
        box = QVBoxLayout(self)
        box.setContentsMargins(6, 4, 6, 4)
        for w in (self.title, self.answer, self.why, self.rules):
            box.addWidget(w)


class CriticalBox(QFrame):
    """Critical errors stand apart: red, first, each with its rules."""

    def __init__(self, errors: Sequence[CriticalError]) -> None:
        super().__init__()
        self.setObjectName("criticalErrors")
        self.setAccessibleName("Critical errors")
        self.setStyleSheet(
            "QFrame#criticalErrors { background: #fde7e4; border: 2px solid #a01010; "
            "border-radius: 6px; }"
        )
        box = QVBoxLayout(self)
        n = len(errors)
        title = heading(f"⚠ {n} critical error{'s' if n != 1 else ''}", "criticalTitle", 1.15)
        title.setStyleSheet("color: #a01010; border: none;")
        box.addWidget(title)
        self.lines: list[QLabel] = []
        self.rule_links: list[RuleLinks] = []
        for i, e in enumerate(errors):
            line = wrapped_label(f"{item_title(e.item)}: {e.text}", f"critical{i}", e.text)
            line.setStyleSheet("color: #5c0c06; border: none;")
            links = RuleLinks(f"critical{i}Rules", f"Rules behind critical error {i + 1}")
            links.setStyleSheet("border: none;")
            links.set_rules(e.rules)
            box.addWidget(line)
            box.addWidget(links)
            self.lines.append(line)
            self.rule_links.append(links)


class FeedbackView(QWidget):
    """After commit: the checkpoint's score, critical errors first, every item, and the
    scenario's teaching points."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("feedbackView")
        self.box = QVBoxLayout(self)
        self.box.setContentsMargins(0, 0, 0, 0)
        self.items: list[ItemCard] = []
        self.critical: CriticalBox | None = None

    def clear(self) -> None:
        while self.box.count():
            child = self.box.takeAt(0).widget()
            if child is not None:
                child.setParent(None)
                child.deleteLater()
        self.items = []
        self.critical = None

    def show_feedback(
        self,
        points: int,
        possible: int,
        critical: Sequence[CriticalError],
        cards: Sequence[tuple[ItemScore, str, str]],
        teaching_points: Sequence[str],
    ) -> None:
        self.clear()
        summary = heading(
            f"Feedback: {points} of {possible} point{'s' if possible != 1 else ''}",
            "feedbackSummary",
            1.15,
        )
        self.box.addWidget(summary)
        if critical:
            self.critical = CriticalBox(critical)
            self.box.addWidget(self.critical)
        for i, (item, answer, key) in enumerate(cards):
            card = ItemCard(i, item, answer, key)
            self.items.append(card)
            self.box.addWidget(card)
        if teaching_points:
            lines = "".join(f"<li>{html.escape(t)}</li>" for t in teaching_points)
            points_label = wrapped_label(
                f"<b>Teaching points</b><ul style='margin:0'>{lines}</ul>",
                "teachingPoints",
                " ".join(teaching_points),
            )
            points_label.setTextFormat(Qt.TextFormat.RichText)
            self.box.addWidget(points_label)

    def rule_links(self) -> list[RuleLinks]:
        return self.findChildren(RuleLinks)


class DownOnlyScroll(QScrollArea):
    """Scrolls down, never sideways: at least as wide as its content's narrowest layout
    (the answer form, the clock at a 200% font), so nothing is cut at its right edge."""

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        content = self.widget()
        if content is None:
            return hint
        extra = self.verticalScrollBar().sizeHint().width() + 2 * self.frameWidth()
        return QSize(max(hint.width(), content.minimumSizeHint().width() + extra), hint.height())


class TeachingPanel(QWidget):
    """The learner's side panel: banner, scenario, checkpoint, clock, narrative, answers,
    commit, feedback, next."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("teachingPanel")
        self.banner = Banner("teachingBanner")
        self.title = heading("", "scenarioTitle", 1.2)
        self.learner = named(QLineEdit(), "learnerName", "Learner name (optional)")
        self.learner.setPlaceholderText("Learner name (optional)")
        self.step = named(QLabel(), "checkpointStep", "Checkpoint")
        self.clock = named(QLabel(), "scenarioClock", "Scenario clock")
        self.clock.setFont(scaled_font(self.clock.font(), 1.6, bold=True))
        self.clock.setStyleSheet("color: #0d2b45;")
        self.clock.setWordWrap(True)
        self.narrative = wrapped_label("", "narrative", "What you find at the bedside")
        self.narrative.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.narrative.setStyleSheet(
            "background: #fffdf5; border: 1px solid #e0d7b8; border-radius: 4px; padding: 6px;"
        )
        self.hint = wrapped_label(
            "Enter what you find in the Grading, Dose and Taper tools as at the bedside; "
            "their results stay hidden until you commit your answers.",
            "teachingHint",
            "How this works",
        )
        self.hint.setProperty("role", "hint")
        self.answers = AnswerForm()
        self.commit = named(
            QPushButton("&Commit answers"), "commitAnswers", "Commit this checkpoint's answers"
        )
        self.feedback = FeedbackView()
        self.next = named(QPushButton("&Next checkpoint"), "nextCheckpoint", "Next checkpoint")
        self.finish = named(QPushButton("&Finish and debrief"), "finishScenario", "Debrief")
        self.error = FieldErrorLabel("teachingError", "Teaching message")

        content = QWidget()
        content.setObjectName("teachingContent")
        box = QVBoxLayout(content)
        box.addWidget(self.title)
        box.addWidget(self.learner)
        # The step over the clock: side by side they were wider than the panel at 200%.
        box.addWidget(self.step)
        box.addWidget(self.clock)
        box.addWidget(self.narrative)
        box.addWidget(self.hint)
        box.addWidget(self.answers)
        box.addWidget(self.error)
        box.addWidget(self.commit)
        box.addWidget(self.feedback)
        buttons = QHBoxLayout()
        buttons.addWidget(self.next)
        buttons.addWidget(self.finish)
        box.addLayout(buttons)
        box.addStretch(1)
        self.scroll = named(DownOnlyScroll(), "teachingScroll", "Scenario")
        self.scroll.setWidgetResizable(True)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setWidget(content)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.banner)
        outer.addWidget(self.scroll, 1)

    def show_checkpoint(
        self, index: int, total: int, at: datetime, narrative: str, ask: Sequence[str]
    ) -> None:
        self.step.setText(f"Checkpoint {index + 1} of {total}")
        self.clock.setText(f"Scenario time {shown(at)}")
        self.clock.setAccessibleDescription(shown(at))
        self.narrative.setText(narrative)
        self.answers.clear()
        self.answers.show_items(ask)
        self.answers.set_locked(False)
        self.error.set_error(None)
        self.feedback.clear()
        self.feedback.hide()
        self.commit.show()
        self.commit.setEnabled(True)
        self.next.hide()
        self.finish.hide()
        # what is asked sets how narrow the panel may be (DownOnlyScroll): the content's
        # layout is brought up to date now, then the panel's
        content = self.scroll.widget().layout()
        if content is not None:
            content.activate()
        self.scroll.updateGeometry()
