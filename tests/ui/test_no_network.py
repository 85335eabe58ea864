"""The app never opens a socket: a full GUI flow and every core example run with socket
creation patched to fail (the frozen bundle is also run without network by package-test)."""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from ui.controllers.app import AppController
from ui.shell import selftest


@pytest.fixture
def sockets_refused(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every way Python opens a socket raises, and is recorded."""
    attempts: list[str] = []

    def refuse(name: str) -> Callable[..., Any]:
        def _refused(*args: Any, **kwargs: Any) -> Any:
            attempts.append(name)
            raise OSError(f"network is off in this test ({name})")

        return _refused

    for name in ("socket", "create_connection", "create_server", "socketpair", "getaddrinfo"):
        monkeypatch.setattr(socket, name, refuse(name))
    return attempts


def test_the_guard_refuses_sockets(sockets_refused: list[str]) -> None:
    with pytest.raises(OSError, match="network is off"):
        socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    with pytest.raises(OSError, match="network is off"):
        socket.getaddrinfo("localhost", 80)
    assert sockets_refused == ["socket", "getaddrinfo"]


def test_a_full_gui_flow_opens_no_socket(
    sockets_refused: list[str],
    app_controller: AppController,
    qtbot,  # type: ignore[no-untyped-def]
) -> None:
    from ui.shell.screenshot import fill_sample

    window = app_controller.window
    fill_sample(app_controller)  # patient bar, the NCCN CRS example, ICE items, other tools
    badge = window.findChild(QLabel, "crsGradeBadge")
    assert badge is not None
    qtbot.waitUntil(lambda: badge.text() == "CRS grade 3")
    tabs = window.tabs
    assert tabs.count() == len(window.tool_pages) >= 3
    for index in range(tabs.count()):
        tabs.setCurrentIndex(index)
        QApplication.processEvents()
        page: QWidget = tabs.currentWidget()
        assert page.isVisible()
        assert not window.grab().toImage().isNull()
    tabs.setCurrentIndex(0)
    QApplication.processEvents()
    assert sockets_refused == []


def test_every_core_example_opens_no_socket(sockets_refused: list[str]) -> None:
    from calculator.edge.cli import COMMANDS

    ran = [ex for ex in selftest.EXAMPLES if ex.command in COMMANDS]
    assert len(ran) >= 21  # at least the CRS and ICANS examples
    problems = {ex.id: p for ex in ran if (p := selftest.run_example(ex))}
    assert problems == {}
    assert sockets_refused == []
