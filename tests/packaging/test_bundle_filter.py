"""packaging/bundle_filter.py: which Qt pieces leave the bundle, and which must stay."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

_PATH = Path(__file__).resolve().parents[2] / "packaging" / "bundle_filter.py"
_spec = importlib.util.spec_from_file_location("bundle_filter", _PATH)
assert _spec is not None
assert _spec.loader is not None
bf = importlib.util.module_from_spec(_spec)
sys.modules["bundle_filter"] = bf
_spec.loader.exec_module(bf)

Q = "PySide6/Qt/plugins"


@pytest.mark.parametrize(
    "dest",
    [
        "PySide6/Qt/translations/qtbase_de.qm",
        "PySide6/translations/qt_fr.qm",  # Windows wheel layout
        f"{Q}/platforms/libqwayland.so",
        f"{Q}/platforms/libqeglfs.so",
        f"{Q}/platforms/libqvnc.so",
        f"{Q}/platformthemes/libqgtk3.so",
        f"{Q}/imageformats/libqjpeg.so",
        f"{Q}/imageformats/qtiff.dll",
        f"{Q}/wayland-shell-integration/libxdg-shell.so",
        f"{Q}/tls/libqopensslbackend.so",
        f"{Q}/egldeviceintegrations/libqeglfs-kms-integration.so",
        "PySide6\\plugins\\networkinformation\\qnetworklistmanager.dll",
    ],
)
def test_unused_qt_pieces_are_dropped(dest: str) -> None:
    assert bf.drop_by_name(dest)


@pytest.mark.parametrize(
    "dest",
    [
        f"{Q}/platforms/libqxcb.so",
        f"{Q}/platforms/libqoffscreen.so",  # the self-test runs offscreen
        "PySide6\\plugins\\platforms\\qwindows.dll",
        f"{Q}/platforms/libqcocoa.dylib",
        f"{Q}/imageformats/libqsvg.so",
        f"{Q}/imageformats/libqico.so",
        f"{Q}/iconengines/libqsvgicon.so",
        f"{Q}/xcbglintegrations/libqxcb-glx-integration.so",
        "PySide6/Qt/lib/libQt6Core.so.6",
        "resources/translations/app_de.qm",  # the app's own catalogues are never Qt's
        "calculator/rulebook/data/grading.toml",
    ],
)
def test_what_the_app_needs_is_kept(dest: str) -> None:
    assert not bf.drop_by_name(dest)


def test_orphans_are_pruned_and_dependencies_of_kept_binaries_stay() -> None:
    needed = {
        "ext": ["libQt6Widgets.so.6"],
        "widgets": ["libQt6Gui.so.6"],
        "gui": ["libfreetype.so.6"],
        "xcb": ["libQt6XcbQpa.so.6"],
        "xcbqpa": ["libxcb-cursor.so.0"],
        "wayland": ["libwayland-client.so.0"],
        "cursor": [],
        "ft": [],
        "wl": [],
        "py": [],
    }
    binaries = [
        ("PySide6/QtWidgets.abi3.so", "ext", "EXTENSION"),
        ("PySide6/Qt/lib/libQt6Widgets.so.6", "widgets", "BINARY"),
        ("PySide6/Qt/lib/libQt6Gui.so.6", "gui", "BINARY"),
        ("libfreetype.so.6", "ft", "BINARY"),
        (f"{Q}/platforms/libqxcb.so", "xcb", "BINARY"),
        ("PySide6/Qt/lib/libQt6XcbQpa.so.6", "xcbqpa", "BINARY"),
        ("libxcb-cursor.so.0", "cursor", "BINARY"),
        ("PySide6/Qt/lib/libQt6WaylandClient.so.6", "wayland", "BINARY"),
        ("libwayland-client.so.0", "wl", "BINARY"),
        ("libpython3.11.so.1.0", "py", "BINARY"),
    ]
    kept = {dest.rsplit("/", 1)[-1] for dest, _, _ in bf.prune_orphans(binaries, needed.get)}
    assert kept == {
        "QtWidgets.abi3.so",
        "libQt6Widgets.so.6",
        "libQt6Gui.so.6",
        "libfreetype.so.6",
        "libqxcb.so",
        "libQt6XcbQpa.so.6",
        "libxcb-cursor.so.0",
        "libpython3.11.so.1.0",
    }


def test_pruning_does_nothing_without_elf_files() -> None:
    binaries = [("PySide6/Qt6Network.dll", "x.dll", "BINARY")]
    assert bf.prune_orphans(binaries, lambda _src: None) == binaries


def test_elf_needed_reads_a_real_library() -> None:
    lib = Path(sys.executable).resolve()
    needed = bf.elf_needed(str(lib))
    if sys.platform.startswith("linux"):
        assert needed is not None
        assert all(isinstance(n, str) and n for n in needed)
    assert bf.elf_needed(__file__) is None
