"""Keyboard: every Alt+letter is unique where it can fire (the main window with each
tool page, each menu, each dialog), and every tool and the double check have a shortcut."""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QGroupBox, QLabel, QMenu, QWidget

from ui.controllers.app import AppController
from ui.views.main_window import DOUBLE_CHECK_SHORTCUT


def _mnemonic(text: str) -> str | None:
    """The letter after a single '&' ("&&" is a literal ampersand)."""
    i = 0
    while i < len(text) - 1:
        if text[i] == "&":
            if text[i + 1] != "&":
                return text[i + 1].lower()
            i += 2
            continue
        i += 1
    return None


def _widget_mnemonics(root: QWidget, skip: tuple[QWidget, ...] = ()) -> list[tuple[str, str]]:
    """(letter, who) for every label with a buddy, button and group box under ``root``."""
    found: list[tuple[str, str]] = []
    for w in [root, *root.findChildren(QWidget)]:
        if any(s is w or s.isAncestorOf(w) for s in skip):
            continue
        if (isinstance(w, QLabel) and w.buddy() is not None) or isinstance(w, QAbstractButton):
            text = w.text()
        elif isinstance(w, QGroupBox):
            text = w.title()
        else:
            continue
        letter = _mnemonic(text)
        if letter:
            found.append((letter, f"{type(w).__name__} {text!r}"))
    return found


def _clashes(found: list[tuple[str, str]]) -> dict[str, list[str]]:
    counts = Counter(letter for letter, _ in found)
    return {k: [who for letter, who in found if letter == k] for k, n in counts.items() if n > 1}


def test_mnemonics_are_unique_in_the_window_for_every_tool_page(app_controller) -> None:
    w = app_controller.window
    menus = [(_mnemonic(a.text()) or "", f"menu {a.text()!r}") for a in w.menuBar().actions()]
    assert all(letter for letter, _ in menus), menus
    pages = list(w.tool_pages.values())
    shared = _widget_mnemonics(w, skip=tuple(pages))
    checked = 0
    for key, page in w.tool_pages.items():
        found = menus + shared + _widget_mnemonics(page)
        assert _clashes(found) == {}, f"page {key}: {_clashes(found)}"
        checked += len(found)
    assert checked > 3 * len(menus)  # the walk did reach the pages' labels


def test_mnemonics_are_unique_in_every_menu(app_controller) -> None:
    menus = app_controller.window.menuBar().findChildren(QMenu)
    assert len(menus) >= 5
    for menu in menus:
        found = [(_mnemonic(a.text()), a.text()) for a in menu.actions() if not a.isSeparator()]
        letters = [(k, who) for k, who in found if k]
        assert _clashes(letters) == {}, f"{menu.title()}: {_clashes(letters)}"


def test_mnemonics_are_unique_in_every_dialog(app_controller, qtbot) -> None:
    c: AppController = app_controller
    w = c.window
    for action in (w.action_sources, w.action_about, w.action_settings, w.action_double_check):
        before = {id(t) for t in QApplication.topLevelWidgets() if t.isVisible()}
        action.trigger()
        opened = [
            t for t in QApplication.topLevelWidgets() if t.isVisible() and id(t) not in before
        ]
        assert opened, action.objectName()
        for dialog in opened:
            found = _widget_mnemonics(dialog)
            assert _clashes(found) == {}, f"{dialog.objectName()}: {_clashes(found)}"
            dialog.close()


def test_alt_t_reaches_the_tools_menu_not_a_field(app_controller) -> None:
    w = app_controller.window
    grading = _widget_mnemonics(w.tool_pages["grading"])
    assert "t" not in {letter for letter, _ in grading}
    assert _mnemonic(w.tools_menu.title()) == "t"


def test_every_tool_and_the_double_check_have_a_shortcut(app_controller, qtbot) -> None:
    w = app_controller.window
    shortcuts = {k: a.shortcut().toString() for k, a in w.tool_actions.items()}
    assert shortcuts == {
        "grading": "Ctrl+1",
        "dose": "Ctrl+2",
        "taper": "Ctrl+3",
        "episode": "Ctrl+4",
    }
    assert w.action_double_check.shortcut().toString() == DOUBLE_CHECK_SHORTCUT
    triggered: list[bool] = []
    w.action_double_check.triggered.disconnect()
    w.action_double_check.triggered.connect(lambda *_: triggered.append(True))
    qtbot.keyClick(w, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert triggered == [True]
