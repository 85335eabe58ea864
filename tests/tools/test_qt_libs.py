"""tools/qt_libs.py, the probe behind tools/ensure-qt-libs.sh: ldd's "not found" lines and
the soname -> Debian package mapping. No root, no apt, no display needed."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = ROOT / "tools" / "qt_libs.py"

# ldd on PySide6's plugins/platforms/libqxcb.so of a fresh Debian 12 (abridged).
LDD_FRESH_DEBIAN = """\
\tlinux-vdso.so.1 (0x00007ffd8a1f2000)
\tlibQt6XcbQpa.so.6 => /venv/PySide6/Qt/lib/libQt6XcbQpa.so.6 (0x00007f4785b74000)
\tlibxkbcommon.so.0 => /lib/x86_64-linux-gnu/libxkbcommon.so.0 (0x00007f4785b23000)
\tlibxkbcommon-x11.so.0 => not found
\tlibxcb-cursor.so.0 => not found
\tlibxcb-icccm.so.4 => not found
\tlibxcb-util.so.1 => /lib/x86_64-linux-gnu/libxcb-util.so.1 (0x00007f4784f71000)
\tlibxcb-keysyms.so.1 => not found
\tlibxcb-icccm.so.4 => not found
\tlibxcb-keysyms.so.1 => not found
\t/lib64/ld-linux-x86-64.so.2 (0x00007f4785bab000)
"""


@pytest.fixture(scope="module")
def probe() -> ModuleType:
    spec = importlib.util.spec_from_file_location("qt_libs_probe", PROBE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["qt_libs_probe"] = module
    spec.loader.exec_module(module)
    return module


def test_not_found_lines_are_read_once_each_in_order(probe: ModuleType) -> None:
    assert probe.missing_sonames(LDD_FRESH_DEBIAN) == [
        "libxkbcommon-x11.so.0",
        "libxcb-cursor.so.0",
        "libxcb-icccm.so.4",
        "libxcb-keysyms.so.1",
    ]
    assert probe.missing_sonames("\tlibc.so.6 => /lib/libc.so.6 (0x1)\n") == []
    assert probe.missing_sonames("") == []


def test_sonames_map_to_the_debian_packages_that_ship_them(probe: ModuleType) -> None:
    packages, unknown = probe.packages_for(probe.missing_sonames(LDD_FRESH_DEBIAN))
    assert packages == [
        "libxkbcommon-x11-0",
        "libxcb-cursor0",
        "libxcb-icccm4",
        "libxcb-keysyms1",
    ]
    assert unknown == []
    # one package for several sonames; an unknown soname is reported, not guessed
    packages, unknown = probe.packages_for(
        ["libglib-2.0.so.0", "libgobject-2.0.so.0", "libwhatever.so.9"]
    )
    assert packages == ["libglib2.0-0"]
    assert unknown == ["libwhatever.so.9"]


def test_the_t64_name_is_used_where_only_it_exists(probe: ModuleType) -> None:
    # Ubuntu 24.04 renamed libglib2.0-0 to libglib2.0-0t64.
    available = {"libglib2.0-0t64", "libxcb-icccm4"}.__contains__
    packages, _ = probe.packages_for(["libglib-2.0.so.0", "libxcb-icccm.so.4"], available)
    assert packages == ["libglib2.0-0t64", "libxcb-icccm4"]


def test_the_window_probe_looks_at_the_xcb_platform(probe: ModuleType) -> None:
    assert "plugins/platforms/libqxcb.so" in probe.TARGETS["window"]
    assert "plugins/platforms/libqxcb.so" not in probe.TARGETS["offscreen"]


def test_the_probe_runs_on_this_machine_without_root() -> None:
    done = subprocess.run(
        [sys.executable, str(PROBE), "offscreen"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    # the test suite itself runs offscreen, so nothing it needs is missing
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    bad = subprocess.run(
        [sys.executable, str(PROBE), "wayland-please"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert bad.returncode == 2
    assert "usage" in bad.stderr
