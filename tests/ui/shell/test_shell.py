"""The shell: shortcuts, status line, profile menu, Help dialogs, accessibility, layout at
1366x768 and 200% font, and the headless entry points."""

from __future__ import annotations

import itertools

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QTableWidget,
)

import calculator
from tests.ui.helpers import run_ui
from ui.controllers.app import AppController
from ui.shell.app import build_parser, main

CONTROLS = (QAbstractButton, QAbstractSpinBox, QComboBox, QLineEdit, QTableWidget)


def test_ctrl_1_2_3_switch_tools(app_controller, qtbot) -> None:
    w = app_controller.window
    for key, name in ((Qt.Key.Key_2, "dose"), (Qt.Key.Key_3, "taper"), (Qt.Key.Key_1, "grading")):
        qtbot.keyClick(w, key, Qt.KeyboardModifier.ControlModifier)
        assert w.tabs.currentWidget() is w.tool_pages[name]


def test_status_line_shows_profile_and_ruleset(app_controller) -> None:
    c = app_controller
    rs = calculator.ruleset()
    text = c.window.status_profile.text()
    assert f"Profile {rs.default_profile}" in text
    assert rs.meta.version in text
    c.window.profile_actions["eu-epcoritamab"].trigger()
    assert c.profile.id == "eu-epcoritamab"
    assert "Profile eu-epcoritamab" in c.window.status_profile.text()
    assert c.window.profile_actions["eu-epcoritamab"].isChecked()


def test_profile_menu_lists_every_builtin_profile(app_controller) -> None:
    assert set(app_controller.window.profile_actions) == set(calculator.ruleset().profiles)


def test_sources_lists_every_rule_with_its_status(app_controller) -> None:
    dialog = app_controller.show_sources()
    rs = calculator.ruleset()
    table = dialog.table
    ids = [table.item(r, 0).text() for r in range(table.rowCount())]
    assert ids == [r.id for r in rs.all_rules()]
    row = ids.index("TAPER-DEX20")
    assert "verify against local protocol" in table.item(row, 3).text()
    dialog.filter.setText("CRS-O2FLOW")
    visible = [r for r in range(table.rowCount()) if not table.isRowHidden(r)]
    assert [ids[r] for r in visible] == ["CRS-O2FLOW"]
    assert "[ASTCT]" in dialog.citations.text()
    dialog.close()


def test_about_shows_versions_and_ruleset_sha256(app_controller) -> None:
    dialog = app_controller.show_about()
    assert calculator.ruleset().sha256 in dialog.text.text()
    assert calculator.__version__ in dialog.text.text()
    assert "Running from source: there is no install manifest to check." in dialog.text.text()
    dialog.close()


def test_a_rule_link_opens_its_trace(app_controller) -> None:
    dialog = app_controller.show_rule("TAPER-DEX20")
    assert "verify against local protocol" in dialog.text.text()
    assert "TAPER-DEX20" in dialog.text.text()
    dialog.close()


def test_controls_have_names_everywhere(app_controller) -> None:
    from PySide6.QtWidgets import QWidget

    missing = []
    for w in app_controller.window.findChildren(QWidget):
        if not isinstance(w, CONTROLS) or w.objectName().startswith("qt_"):
            continue
        parent = w.parentWidget()
        if parent is not None and (
            isinstance(parent, QAbstractSpinBox | QComboBox) or parent.inherits("QTabBar")
        ):
            continue  # the line edit inside a spin box or combo: named by its owner
        if not w.objectName() or not w.accessibleName():
            missing.append(f"{type(w).__name__}({w.objectName()!r})")
    assert missing == []


def _next_tab_stop(widget):  # type: ignore[no-untyped-def]
    """Where Tab goes from ``widget``: the next focusable widget in the focus chain."""
    nxt = widget.nextInFocusChain()
    while (
        not (nxt.focusPolicy() & Qt.FocusPolicy.TabFocus)
        or not nxt.isEnabled()
        or not nxt.isVisible()  # Tab skips hidden widgets (a "did you mean" button)
        or nxt.objectName().startswith("qt_")  # the line edit inside a spin box
    ):
        nxt = nxt.nextInFocusChain()
    return nxt


def test_tab_order_follows_the_bedside_order(app_controller) -> None:
    bar = app_controller.window.patient_bar
    crs = app_controller.grading.view.crs_inputs
    chain = [
        bar.weight.edit,
        bar.weight_unit,
        bar.age.edit,
        bar.product,
        bar.assessed_at,
        bar.minus_hour,
        bar.now_button,
        bar.label,
        crs.temperature.edit,
        crs.temperature_unit,
        crs.fever_masked,
        crs.hypotension,
        *crs.vasopressors.values(),
        crs.oxygen,
    ]
    for a, b in itertools.pairwise(chain):
        assert _next_tab_stop(a) is b, f"{a.objectName()} -> {b.objectName()}"


def test_grades_are_text_as_well_as_colour(app_controller) -> None:
    badge = app_controller.grading.view.crs_result.badge
    assert badge.text() == "CRS: not assessed"
    assert badge.accessibleName() == "CRS: not assessed"
    temperature = app_controller.grading.view.crs_inputs.temperature.edit
    temperature.setText("37")
    temperature.textEdited.emit("37")
    assert badge.text() == "CRS grade 0"
    assert badge.accessibleName() == "CRS grade 0"


def test_window_fits_1366x768_at_200_percent_font(qapp, qtbot, clock) -> None:
    original = QFont(qapp.font())
    big = QFont(original)
    big.setPointSizeF(original.pointSizeF() * 2)
    qapp.setFont(big)
    try:
        c = AppController(clock=lambda: clock[0])
        qtbot.addWidget(c.window)
        hint = c.window.minimumSizeHint()
        assert hint.width() <= 1366
        assert hint.height() <= 768
        c.window.resize(1366, 768)
        c.window.show()
        qtbot.waitExposed(c.window)
        assert c.window.width() <= 1366
        assert c.window.height() <= 768
    finally:
        qapp.setFont(original)


def test_window_fits_1366x768(app_controller) -> None:
    hint = app_controller.window.minimumSizeHint()
    assert hint.width() <= 1366
    assert hint.height() <= 768


def test_arguments_leave_room_for_more_modes() -> None:
    args = build_parser().parse_args(["--screenshot", "out", "--exit-after-startup"])
    assert str(args.screenshot) == "out"
    assert args.exit_after_startup


def test_screenshot_writes_one_png_per_tool(qapp, tmp_path, capsys) -> None:
    assert main(["--screenshot", str(tmp_path)]) == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["dose.png", "episode.png", "grading.png", "taper.png"]
    assert all((tmp_path / n).stat().st_size > 10_000 for n in names)
    assert "grading.png" in capsys.readouterr().out


def test_exit_after_startup_exits_after_first_paint() -> None:
    done = run_ui(["--exit-after-startup"], None)
    assert done.returncode == 0, done.stderr
