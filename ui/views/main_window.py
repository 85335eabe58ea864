"""The main window: patient bar, the three tools as tabs, menus and the status line.

A view only: ui/controllers/app.py wires it to the core.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QMenu,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

import resources
from ui.views.notice import NoticeBar
from ui.views.patient import PatientBar
from ui.widgets import ElidedLabel, named

TOOLS = (
    ("grading", "&1 Grading"),
    ("dose", "&2 Dose"),
    ("taper", "&3 Taper"),
    ("episode", "&4 Episode"),
)
DOUBLE_CHECK_SHORTCUT = "Ctrl+D"
# The size the window asks for: a 1366x768 screen, the smallest ward laptop's.
PREFERRED_SIZE = (1366, 768)
# Title bar room assumed while the window manager has not said yet (before show()).
TITLE_BAR_GUESS = 32


def carry_style_sheet(window: QWidget) -> None:
    """Give a built window the app's style sheet, unless the application has it already.

    The running app (ui.shell.app.main) sets no application-wide sheet: under one, Qt re-polishes
    every widget as it is created and again as it is parented, about half the time it takes
    to build the main window (issue 14). On the finished window it is applied once, at
    show; dialogs parented to the window inherit it.
    """
    app = QApplication.instance()
    # A window given its sheet already (painted first, its tools built later) keeps it:
    # setting it again would re-polish every widget.
    if isinstance(app, QApplication) and not app.styleSheet() and not window.styleSheet():
        window.setStyleSheet(resources.read_text("style.qss"))


TITLES = {
    "grading": "Grading (Ctrl+1)",
    "dose": "Dose (Ctrl+2)",
    "taper": "Taper (Ctrl+3)",
    "episode": "Episode (Ctrl+4)",
}
#: Said where the tools will be, and in the status line, while the rules load (issue 26).
LOADING = "Loading rules…"


def _loading_page(key: str) -> QWidget:
    """What a tab holds until its tool is built: the words "Loading rules…", no field and
    no result (nothing on it can be read as an answer)."""
    page = named(QLabel(LOADING), f"loading_{key}", f"{TITLES[key]}: loading rules")
    page.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return page


class MainWindow(QMainWindow):
    def __init__(self, tools: dict[str, QWidget] | None = None) -> None:
        """``tools``: the pages, by key of TOOLS. None: the window as it is painted first at
        start-up (issue 26): the patient bar, the menus and a "Loading rules…" page per tool,
        the status line saying so; ``set_tools`` puts the built tools in their place."""
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle("CRS Bedside Calculator")
        self.setAccessibleName("CRS Bedside Calculator")
        self.patient_bar = PatientBar()
        self.tabs = named(QTabWidget(), "tools", "Tools")
        self.tabs.setDocumentMode(True)
        self.loading = tools is None
        if tools is None:
            tools = {key: _loading_page(key) for key, _ in TOOLS}
        self.tool_pages = tools
        for key, page in tools.items():
            self.tabs.addTab(page, TITLES[key])
            self.tabs.setTabToolTip(self.tabs.count() - 1, TITLES[key])
        # Where four tabs do not fit (200% text beside the teaching panel) their titles are
        # shortened ("Episode (Ct…"), every tab still in sight: no scroll arrows to hunt for.
        self.tabs.setElideMode(Qt.TextElideMode.ElideRight)
        self.tabs.setUsesScrollButtons(False)
        central = QWidget()
        central.setObjectName("central")
        box = QVBoxLayout(central)
        box.setContentsMargins(6, 6, 6, 0)
        box.addWidget(self.patient_bar)
        self.notice = NoticeBar()
        box.addWidget(self.notice)
        box.addWidget(self.tabs, 1)
        self.setCentralWidget(central)

        self.status_profile = named(ElidedLabel(), "statusProfile", "Active profile and ruleset")
        self.statusBar().setObjectName("statusBar")
        # EPI-REASSESS (issue 24): the next assessment due, overdue marked.
        self.status_due = named(QLabel(), "statusDue", "Next assessment due")
        self.status_due.hide()
        self.statusBar().addPermanentWidget(self.status_due)
        self.statusBar().addPermanentWidget(self.status_profile, 1)
        if self.loading:
            self.status_profile.setText(LOADING)

        bar = self.menuBar()
        bar.setObjectName("menuBar")
        self.file_menu = self._menu(bar.addMenu("&File"), "fileMenu")
        self.action_new = self._action(self.file_menu, "&New case", "actionNew", QKeySequence.New)
        self.action_open = self._action(
            self.file_menu, "&Open case…", "actionOpen", QKeySequence.Open
        )
        self.action_save = self._action(
            self.file_menu, "&Save case", "actionSave", QKeySequence.Save
        )
        self.action_save_as = self._action(
            self.file_menu, "Save case &as…", "actionSaveAs", QKeySequence.SaveAs
        )
        self.file_menu.addSeparator()
        self.action_print_handoff = self._action(
            self.file_menu, "&Print handoff record…", "actionPrintHandoff", QKeySequence.Print
        )
        self.action_export_handoff = self._action(
            self.file_menu, "&Export handoff PDF…", "actionExportHandoff"
        )
        self.file_menu.addSeparator()
        self.action_quit = self._action(self.file_menu, "&Quit", "actionQuit", QKeySequence.Quit)

        self.edit_menu = self._menu(bar.addMenu("&Edit"), "editMenu")
        self.action_settings = self._action(
            self.edit_menu, "&Settings…", "actionSettings", QKeySequence.Preferences
        )

        self.tools_menu = self._menu(bar.addMenu("&Tools"), "toolsMenu")
        self.tool_actions: dict[str, QAction] = {}
        for i, (key, text) in enumerate(TOOLS):
            if key in tools:
                self.tool_actions[key] = self._action(
                    self.tools_menu, text, f"action_{key}", QKeySequence(f"Ctrl+{i + 1}")
                )
        self.tools_menu.addSeparator()
        self.action_double_check = self._action(
            self.tools_menu,
            "&Pharmacy double check…",
            "actionDoubleCheck",
            QKeySequence(DOUBLE_CHECK_SHORTCUT),
        )

        self.profile_menu = self._menu(bar.addMenu("&Profile"), "profileMenu")
        self.profile_group = QActionGroup(self)
        self.profile_group.setExclusive(True)
        self.profile_actions: dict[str, QAction] = {}

        self.help_menu = self._menu(bar.addMenu("&Help"), "helpMenu")
        self.action_sources = self._action(
            self.help_menu, "&Sources and rules…", "actionSources", QKeySequence.HelpContents
        )
        self.action_about = self._action(self.help_menu, "&About", "actionAbout")

    def set_tools(self, tools: dict[str, QWidget]) -> None:
        """Put the built tools in place of the "Loading rules…" pages, each in its tab (the
        tab shown stays shown). Only for a window made without tools."""
        if set(tools) != set(self.tool_pages):
            raise ValueError(f"tools {sorted(tools)} do not match {sorted(self.tool_pages)}")
        current = self.tabs.currentIndex()
        for key, page in tools.items():
            old = self.tool_pages[key]
            index = self.tabs.indexOf(old)
            self.tabs.removeTab(index)
            self.tabs.insertTab(index, page, TITLES[key])
            self.tabs.setTabToolTip(index, TITLES[key])
            old.deleteLater()
        self.tool_pages = dict(tools)
        self.tabs.setCurrentIndex(current)
        self.loading = False

    def fit_to_screen(self) -> None:
        """Size the window to the screen's free area (less taskbar and title bar), so the
        status line with the profile and ruleset is on screen, not below its edge."""
        screen = self.screen()
        width, height = PREFERRED_SIZE
        if screen is not None:
            free = screen.availableGeometry()
            frame = self.frameGeometry().height() - self.geometry().height()
            title = frame if frame > 0 else TITLE_BAR_GUESS
            width = min(width, free.width())
            height = min(height, free.height() - title)
        self.resize(width, height)

    def add_profile(self, profile_id: str, title: str) -> QAction:
        action = QAction(title, self)
        action.setObjectName(f"profile_{profile_id}")
        action.setCheckable(True)
        action.setData(profile_id)
        self.profile_group.addAction(action)
        self.profile_menu.addAction(action)
        self.profile_actions[profile_id] = action
        return action

    @staticmethod
    def _menu(menu: QMenu, name: str) -> QMenu:
        menu.setObjectName(name)
        menu.setAccessibleName(menu.title().replace("&", ""))
        return menu

    def _action(
        self,
        menu: QMenu,
        text: str,
        name: str,
        shortcut: QKeySequence | QKeySequence.StandardKey | None = None,
    ) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        if shortcut is not None:
            action.setShortcut(shortcut)
        menu.addAction(action)
        return action
