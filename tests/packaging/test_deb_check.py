"""packaging/deb_check.py: the file-list check names every path outside /opt/crs-calc and /usr."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

_PATH = Path(__file__).resolve().parents[2] / "packaging" / "deb_check.py"
_spec = importlib.util.spec_from_file_location("deb_check", _PATH)
assert _spec is not None
assert _spec.loader is not None
dc = importlib.util.module_from_spec(_spec)
sys.modules["deb_check"] = dc
_spec.loader.exec_module(dc)


@pytest.mark.parametrize(
    "path",
    [
        "./",
        "./opt/",
        "./opt/crs-calc/",
        "./opt/crs-calc/crs-calc",
        "./opt/crs-calc/_internal/calculator/rulebook/data/dosing.toml",
        "./usr/",
        "./usr/bin/crs-calc",
        "./usr/share/doc/crs-calc/copyright",
    ],
)
def test_paths_of_the_package_are_allowed(path: str) -> None:
    assert dc.outside_allowed({path}) == []


@pytest.mark.parametrize(
    "path",
    [
        "./etc/x",
        "./etc/",
        "./var/lib/crs-calc/state",
        "./opt/other/tool",
        "./opt/crs-calc-evil/x",
        "./usrlocal/x",
        "./home/user/.config",
    ],
)
def test_paths_elsewhere_are_named(path: str) -> None:
    assert dc.outside_allowed({"./", "./opt/crs-calc/crs-calc", path}) == [path]
