"""Pharmacy double check: a dialog in three pages. Widgets only; the controller decides.

1. The prescriber's order (first entry): drug, weight, age, regimen, ordered dose,
   interval, route, bag, vials, the order's time and who entered it.
2. The independent entry: the verifier types weight, drug, dose, interval, route, bag and
   vials without seeing the order's values or any calculated value: page 1 is hidden by
   then, the dialog is modal, and the main window's contents are hidden until step 2 is
   left (a plain notice, BlindNotice, says why in their place). Back asks first and
   discards the verifier's entries (VERIFY-BLIND); Esc and Close ask before discarding.
3. The result: the decision large, in words and colour, with its reasons; every
   comparison; print / save-as-PDF of the record.

Each page scrolls inside the dialog while its buttons, and on page 3 the decision, stay
outside the scroll area: at 200% text the dialog still fits a 1366x700 screen with the
decision and the buttons in view.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import get_args

from PySide6.QtCore import QEvent, QObject, QRect, QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication, QHideEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from calculator.rulebook.dosing import Drug
from ui.widgets import (
    FieldErrorLabel,
    ValidatedField,
    named,
    plain_text_everywhere,
    question_box,
    repolish,
    scaled_font,
    wrapped_label,
)

DRUGS: tuple[str, ...] = get_args(Drug)
#: Routes as the dose engine's regimens name them; compared exactly (VERIFY-FIELDS), so
#: they are chosen from a list, never typed.
ROUTES: tuple[str, ...] = ("IV", "SC", "PO")
VIALS_HINT = "e.g. 1x400 + 3x80 (count x mg); leave empty if not chosen"
EVERY_HINT = "empty if not repeated"
BAG_HINT = "tocilizumab: the bag's volume"
#: Background of a comparison row by the decision it leads to (the decision frame's colours
#: in resources/style.qss).
ROW_COLOURS = {"review": "#fff5c4", "do_not_release": "#fbe3e0"}
#: The smallest screen every window must be usable on (the developers' guide): the dialog
#: never asks for more than this, nor more than its screen has.
SMALLEST_SCREEN = QSize(1366, 700)

DISCARD_ON_CLOSE = "Close the double check and discard the entries typed so far?"
DISCARD_ON_BACK = (
    "Going back to the prescriber's order discards the verifier's entries: the blind step "
    "starts again, and the record will say it was restarted (VERIFY-BLIND). Go back?"
)


BLIND_NOTICE = (
    "Hidden during the pharmacy double check: the verifier enters the order without "
    "seeing the calculation."
)


class BlindNotice(QLabel):
    """Stands where the main window's contents were while step 2 hides them, so the
    window says why it is empty. A child of the window placed over the area between its
    menu bar and status bar, refitted on every resize (a hidden central widget is no
    longer laid out, so its geometry cannot be borrowed)."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(BLIND_NOTICE, window)
        named(self, "blindNotice", "Main window hidden during the double check")
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMargin(24)
        self._window = window
        window.installEventFilter(self)
        self._fit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._window and event.type() == QEvent.Type.Resize:
            self._fit()
        return False

    def _fit(self) -> None:
        window = self._window
        menu = window.menuWidget()
        top = menu.geometry().bottom() + 1 if menu is not None and menu.isVisible() else 0
        status = window.statusBar()
        bottom = status.geometry().top() if status.isVisible() else window.height()
        self.setGeometry(QRect(0, top, window.width(), max(bottom - top, 0)))

    def remove(self) -> None:
        self._window.removeEventFilter(self)
        self.hide()
        self.deleteLater()


def _scrolling(content: QWidget, name: str, accessible: str) -> QScrollArea:
    """A page's fields in a scroll area that takes the width it is given (no sideways
    scrolling); the buttons stay outside it."""
    area = named(QScrollArea(), name, accessible)
    area.setWidget(content)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    return area


def _page(
    scroll: QScrollArea, *bottom: QWidget | QHBoxLayout, top: QWidget | None = None
) -> QWidget:
    page = QWidget()
    box = QVBoxLayout(page)
    box.setContentsMargins(0, 0, 0, 0)
    if top is not None:
        box.addWidget(top)
    box.addWidget(scroll, 1)
    for part in bottom:
        if isinstance(part, QHBoxLayout):
            box.addLayout(part)
        else:
            box.addWidget(part)
    return page


def _drug_combo(name: str, accessible: str) -> QComboBox:
    combo = named(QComboBox(), name, accessible)
    combo.addItem("(choose)", "")
    for drug in DRUGS:
        combo.addItem(drug, drug)
    return combo


def _route_combo(name: str, accessible: str) -> QComboBox:
    combo = named(QComboBox(), name, accessible)
    combo.addItem("(not entered)", "")
    for route in ROUTES:
        combo.addItem(route, route)
    return combo


class VerificationView(QDialog):
    ORDER, INDEPENDENT, RESULT = range(3)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("verificationDialog")
        self.setWindowTitle("Pharmacy double check")
        self.setAccessibleName("Pharmacy double check")
        # Modal: while the check is open nobody works in the main window, and step 2
        # hides the main window's results altogether (set_blind).
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self._hidden_behind: QWidget | None = None
        self._blind_notice: BlindNotice | None = None
        #: Set by the controller: whether entries would be lost by closing now.
        self.has_unsaved_entries: Callable[[], bool] = lambda: False
        #: Asks a yes/no question (tests answer it); True means go ahead.
        self.ask: Callable[[str], bool] = self._ask
        self.pages = named(QStackedWidget(), "verificationPages", "Double check steps")

        # --- 1. the order ---------------------------------------------------------------
        order = QWidget()
        form = QFormLayout(order)
        self.order_drug = _drug_combo("orderDrug", "Ordered drug")
        self.order_drug_error = FieldErrorLabel("orderDrugError", "Ordered drug error")
        self.order_weight = ValidatedField("orderWeight", "Weight on the order", "kg")
        self.order_age = ValidatedField("orderAge", "Age on the order", "years")
        self.order_regimen = named(QLineEdit(), "orderRegimen", "Regimen (optional)")
        self.order_dose = ValidatedField("orderDose", "Ordered dose", "mg")
        self.order_every = ValidatedField("orderEvery", "Ordered interval", "h")
        self.order_every.edit.setPlaceholderText(EVERY_HINT)
        self.order_route = _route_combo("orderRoute", "Ordered route")
        self.order_route_error = FieldErrorLabel("orderRouteError", "Ordered route error")
        self.order_bag = ValidatedField("orderBag", "Bag on the order", "mL")
        self.order_bag.edit.setPlaceholderText(BAG_HINT)
        self.order_vials = ValidatedField("orderVials", "Vials on the order")
        self.order_vials.edit.setPlaceholderText(VIALS_HINT)
        self.order_at = named(QDateTimeEdit(), "orderAt", "Time of the order")
        self.order_at.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.order_at.setCalendarPopup(True)
        self.order_at_error = FieldErrorLabel("orderAtError", "Time of the order error")
        self.doses_given = wrapped_label("", "dosesGiven", "Tocilizumab doses this episode")
        self.doses_given.setProperty("role", "hint")
        self.order_initials = named(
            QLineEdit(), "orderInitials", "Initials of who entered the prescriber's order"
        )
        form.addRow(
            wrapped_label(
                "Step 1 of 2 — the prescriber's order as written (first entry).",
                "orderIntro",
                "Step 1",
            )
        )
        form.addRow("Drug", self.order_drug)
        form.addRow("", self.order_drug_error)
        form.addRow("Weight", self.order_weight)
        form.addRow("Age", self.order_age)
        form.addRow("Regimen", self.order_regimen)
        form.addRow("Ordered dose", self.order_dose)
        form.addRow("Every", self.order_every)
        form.addRow("Route", self.order_route)
        form.addRow("", self.order_route_error)
        form.addRow("Bag", self.order_bag)
        form.addRow("Vials", self.order_vials)
        form.addRow("Order time", self.order_at)
        form.addRow("", self.order_at_error)
        form.addRow("Doses given", self.doses_given)
        form.addRow("Prescriber's order entered by (initials)", self.order_initials)
        self.next_button = named(QPushButton("&Next: independent entry"), "nextButton", "Next")
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.next_button)
        self.pages.addWidget(_page(_scrolling(order, "orderScroll", "The prescriber's order"), row))

        # --- 2. the independent entry ------------------------------------------------------
        blind = QWidget()
        form = QFormLayout(blind)
        form.addRow(
            wrapped_label(
                "Step 2 of 2 — the verifier's independent entry. Type what you find on the "
                "chart and the order; no calculated value is shown until you compare.",
                "independentIntro",
                "Step 2",
            )
        )
        self.ind_weight = ValidatedField("indWeight", "Verifier's weight", "kg")
        self.ind_drug = _drug_combo("indDrug", "Verifier's drug")
        self.ind_drug_error = FieldErrorLabel("indDrugError", "Verifier's drug error")
        self.ind_dose = ValidatedField("indDose", "Verifier's dose", "mg")
        self.ind_every = ValidatedField("indEvery", "Verifier's interval", "h")
        self.ind_every.edit.setPlaceholderText(EVERY_HINT)
        self.ind_route = _route_combo("indRoute", "Verifier's route")
        self.ind_route_error = FieldErrorLabel("indRouteError", "Verifier's route error")
        self.ind_bag = ValidatedField("indBag", "Verifier's bag", "mL")
        self.ind_bag.edit.setPlaceholderText(BAG_HINT)
        self.ind_vials = ValidatedField("indVials", "Verifier's vials")
        self.ind_vials.edit.setPlaceholderText(VIALS_HINT)
        self.initials = named(QLineEdit(), "initials", "Verifier's initials")
        form.addRow("Weight", self.ind_weight)
        form.addRow("Drug", self.ind_drug)
        form.addRow("", self.ind_drug_error)
        form.addRow("Dose", self.ind_dose)
        form.addRow("Every", self.ind_every)
        form.addRow("Route", self.ind_route)
        form.addRow("", self.ind_route_error)
        form.addRow("Bag", self.ind_bag)
        form.addRow("Vials", self.ind_vials)
        form.addRow("Verifier (initials)", self.initials)
        self.general_error = FieldErrorLabel("verificationError", "Double check error")
        form.addRow(self.general_error)
        self.restarted = wrapped_label("", "blindRestarts", "Blind step restarts")
        self.restarted.setProperty("role", "hint")
        self.restarted.hide()
        form.addRow(self.restarted)
        row = QHBoxLayout()
        self.back_button = named(QPushButton("&Back"), "backButton", "Back to the order")
        self.compare_button = named(QPushButton("&Compare"), "compareButton", "Compare")
        self.compare_button.setDefault(True)
        row.addWidget(self.back_button)
        row.addStretch(1)
        row.addWidget(self.compare_button)
        self.pages.addWidget(
            _page(_scrolling(blind, "independentScroll", "The verifier's entry"), row)
        )

        # --- 3. the result -----------------------------------------------------------------
        details = QWidget()
        box = QVBoxLayout(details)
        self.decision_box = QFrame()
        self.decision_box.setObjectName("decisionBox")
        self.decision_box.setProperty("role", "decision")
        self.decision = named(QLabel(), "decision", "Decision")
        self.decision.setProperty("role", "decisionWord")
        self.decision.setFont(scaled_font(self.decision.font(), 1.8, bold=True))
        self.decision.setWordWrap(True)
        self.reasons = named(QLabel(), "reasons", "Reasons for the decision")
        self.reasons.setFont(scaled_font(self.reasons.font(), 1.15))
        self.reasons.setWordWrap(True)
        self.reasons.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary = named(QLabel(), "checkSummary", "Patient, order time and initials")
        self.summary.setWordWrap(True)
        inner = QVBoxLayout(self.decision_box)
        inner.addWidget(self.decision)
        self.table = named(QTableWidget(0, 2), "comparisons", "Comparisons")
        self.table.setHorizontalHeaderLabels(["Check", "Result"])
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        # Inside the page's scroll area the table shows every row (the area scrolls).
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header.sectionResized.connect(lambda *_: self._fit_rows())
        self.notes = named(QLabel(), "verificationNotes", "Tolerance and warnings")
        self.notes.setWordWrap(True)
        self.status = named(QLabel(), "verificationStatus", "Record status")
        self.status.setWordWrap(True)
        row = QHBoxLayout()
        self.print_button = named(QPushButton("&Print record…"), "printButton", "Print record")
        self.pdf_button = named(QPushButton("Save record as P&DF…"), "pdfButton", "Save PDF")
        self.again_button = named(QPushButton("New chec&k"), "againButton", "New check")
        self.close_button = named(QPushButton("Close"), "closeButton", "Close")
        for button in (self.print_button, self.pdf_button, self.again_button):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(self.close_button)
        box.addWidget(self.summary)
        box.addWidget(self.reasons)
        box.addWidget(self.table)
        box.addWidget(self.notes)
        box.addStretch(1)
        # The decision and the buttons outside the scroll area: always in view.
        result = _page(
            _scrolling(details, "resultScroll", "Reasons and comparisons"),
            self.status,
            row,
            top=self.decision_box,
        )
        self.pages.addWidget(result)

        outer = QVBoxLayout(self)
        outer.addWidget(self.pages)
        self.close_button.clicked.connect(self.reject)
        plain_text_everywhere(self)  # last: the labels QFormLayout made too

    def sizeHint(self) -> QSize:
        """What the contents ask for, but never more than the smallest screen the product
        supports (1366x700) or the screen the dialog is on: the pages scroll instead."""
        # Room for the decision in a few lines and a dozen comparisons: in characters and
        # lines of the dialog's own font, so 200% text asks for twice the room.
        metrics = self.fontMetrics()
        wanted = (
            super()
            .sizeHint()
            .expandedTo(QSize(metrics.averageCharWidth() * 100, metrics.height() * 34))
        )
        limit = SMALLEST_SCREEN
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is not None:
            limit = limit.boundedTo(screen.availableGeometry().size())
        # A frame and a title bar around it: leave them room.
        room = QSize(16, 48)
        return wanted.boundedTo(limit - room)

    def _ask(self, question: str) -> bool:
        answer = question_box(
            self,
            "Pharmacy double check",
            question,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def reject(self) -> None:
        """Esc, Close and the window's close box: entries typed and not yet compared are
        never dropped without asking."""
        if self.has_unsaved_entries() and not self.ask(DISCARD_ON_CLOSE):
            return
        super().reject()

    def show_restarts(self, count: int) -> None:
        """VERIFY-BLIND: step 2 says it was started again (the record says it too)."""
        self.restarted.setText(
            f"The blind step was restarted {count} time{'s' if count != 1 else ''}: "
            "the verifier's earlier entries were discarded (VERIFY-BLIND)."
        )
        self.restarted.setVisible(count > 0)

    def show_page(self, index: int) -> None:
        self.pages.setCurrentIndex(index)
        self.set_blind(index == self.INDEPENDENT)

    def set_blind(self, blind: bool) -> None:
        """Step 2 is blind: the main window's contents (dose panel, grades, plan: every
        calculated value) are hidden while the verifier types, and shown again after; a
        plain notice (BLIND_NOTICE) stands in their place meanwhile."""
        if blind and self._hidden_behind is None:
            window = self.parentWidget()
            central = window.centralWidget() if isinstance(window, QMainWindow) else None
            if isinstance(window, QMainWindow) and central is not None and central.isVisible():
                central.hide()
                self._hidden_behind = central
                self._blind_notice = BlindNotice(window)
                self._blind_notice.show()
        elif not blind and self._hidden_behind is not None:
            if self._blind_notice is not None:
                self._blind_notice.remove()
                self._blind_notice = None
            self._hidden_behind.show()
            self._hidden_behind = None

    def is_blind(self) -> bool:
        return self._hidden_behind is not None

    def hideEvent(self, event: QHideEvent) -> None:
        self.set_blind(False)
        super().hideEvent(event)

    def set_decision(self, decision: str, word: str, reasons: list[str]) -> None:
        """The decision large, in words and colour: its first reason as the core says it
        ("DO NOT RELEASE: ordered 880 mg is above ... (TOCI-CAP)"), any others below."""
        head = reasons[0] if reasons else word
        if not head.startswith(word):
            head = f"{word}: {head}"
        self.decision.setText(head)
        self.decision.setAccessibleDescription(" ".join(reasons) or word)
        rest = reasons[1:]
        self.reasons.setText("\n".join(f"• {r}" for r in rest))
        self.reasons.setVisible(bool(rest))
        self.decision_box.setProperty("decision", decision)
        repolish(self.decision_box)
        repolish(self.decision)

    def set_rows(self, rows: list[tuple[str, str, str]]) -> None:
        """(check, outcome in words, decision): a row that decides "review" or "do not
        release" is bold on the decision's colour, so it is found at a glance."""
        self.table.setRowCount(len(rows))
        for i, (check, outcome, decision) in enumerate(rows):
            cells = (QTableWidgetItem(check), QTableWidgetItem(outcome))
            for column, item in enumerate(cells):
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                if decision in ROW_COLOURS:
                    item.setBackground(QColor(ROW_COLOURS[decision]))
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(i, column, item)
        self._fit_rows()
        self.table.setCurrentCell(-1, -1)  # no cell looks picked out but the flagged rows

    def _fit_rows(self) -> None:
        """Rows as tall as their wrapped text at the column's current width (again after
        every resize: a row measured narrower would elide its sentence), and every row in
        the page's scroll area, not in a second scroll inside it."""
        self.table.resizeRowsToContents()
        rows_height = sum(self.table.rowHeight(i) for i in range(self.table.rowCount()))
        frame = 2 * self.table.frameWidth()
        self.table.setMinimumHeight(
            self.table.horizontalHeader().sizeHint().height() + rows_height + frame
        )

    def set_summary(self, text: str) -> None:
        self.summary.setText(text)
