"""Which system libraries Qt needs that this machine lacks (run by tools/ensure-qt-libs.sh).

    python tools/qt_libs.py offscreen   # what `make test` needs (no display)
    python tools/qt_libs.py window      # what `make run` needs: the xcb platform of a real window

It asks the libraries themselves: ``ldd`` on PySide6's Qt platform plugin (and the Qt
libraries it loads) lists every shared library it cannot find as ``NAME => not found``.
Qt's own start-up message names only the first one it trips on (xcb-cursor0), so a fresh
machine fixed by that message alone still cannot open a window.

Prints the Debian/Ubuntu packages that provide the missing libraries on stdout (one line,
space-separated) and says what is missing, and why, on stderr. Exit 0: nothing missing (or
not a Linux with ldd); 1: something is missing; 2: a missing library has no known package.
Standard library only: it runs before anything is installed.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

#: soname -> the Debian/Ubuntu package that ships it (Debian 12, Ubuntu 22.04/24.04).
PACKAGES: dict[str, str] = {
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb-glx.so.0": "libxcb-glx0",
    "libxcb-xinput.so.0": "libxcb-xinput0",
    "libxcb.so.1": "libxcb1",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libSM.so.6": "libsm6",
    "libICE.so.6": "libice6",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libGLX.so.0": "libglx0",
    "libOpenGL.so.0": "libopengl0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libgobject-2.0.so.0": "libglib2.0-0",
    "libz.so.1": "zlib1g",
}

#: What each mode loads, relative to PySide6's Qt folder.
TARGETS: dict[str, tuple[str, ...]] = {
    "offscreen": (
        "plugins/platforms/libqoffscreen.so",
        "lib/libQt6Widgets.so.6",
        "lib/libQt6PrintSupport.so.6",
    ),
    "window": (
        "plugins/platforms/libqoffscreen.so",
        "lib/libQt6Widgets.so.6",
        "lib/libQt6PrintSupport.so.6",
        "plugins/platforms/libqxcb.so",
        "lib/libQt6XcbQpa.so.6",
    ),
}

_NOT_FOUND = re.compile(r"^\s*(\S+)\s+=>\s+not found\s*$")


def missing_sonames(ldd_output: str) -> list[str]:
    """The libraries ``ldd`` could not find (``libxcb-icccm.so.4 => not found``), once
    each, in the order ldd names them."""
    found: list[str] = []
    for line in ldd_output.splitlines():
        match = _NOT_FOUND.match(line)
        if match and match.group(1) not in found:
            found.append(match.group(1))
    return found


def packages_for(
    sonames: Iterable[str], available: Callable[[str], bool] = lambda _: True
) -> tuple[list[str], list[str]]:
    """(packages to install, sonames with no known package). Ubuntu 24.04 renamed some
    packages with a ``t64`` suffix: when the plain name is not available, that one is."""
    packages: list[str] = []
    unknown: list[str] = []
    for soname in sonames:
        package = PACKAGES.get(soname)
        if package is None:
            unknown.append(soname)
            continue
        if not available(package) and available(package + "t64"):
            package += "t64"
        if package not in packages:
            packages.append(package)
    return packages, unknown


def qt_folder() -> Path | None:
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "Qt"


def ldd(path: Path) -> str:
    done = subprocess.run(
        ["ldd", str(path)], capture_output=True, text=True, check=False, timeout=60
    )
    return done.stdout


def apt_has(package: str) -> bool:
    if shutil.which("apt-cache") is None:
        return True
    done = subprocess.run(
        ["apt-cache", "show", "--no-all-versions", package],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    return done.returncode == 0 and bool(done.stdout.strip())


def main(argv: Sequence[str]) -> int:
    mode = argv[0] if argv else "offscreen"
    if mode not in TARGETS:
        sys.stderr.write(f"usage: qt_libs.py {'|'.join(TARGETS)}\n")
        return 2
    if not sys.platform.startswith("linux") or shutil.which("ldd") is None:
        return 0  # Qt brings its own platform libraries elsewhere
    qt = qt_folder()
    if qt is None:
        sys.stderr.write("PySide6 is not installed in this Python.\n")
        return 2
    sonames: list[str] = []
    for relative in TARGETS[mode]:
        target = qt / relative
        if target.exists():
            sonames += [s for s in missing_sonames(ldd(target)) if s not in sonames]
    if not sonames:
        return 0
    packages, unknown = packages_for(sonames, apt_has)
    what = "a window (the xcb platform)" if mode == "window" else "Qt (offscreen)"
    sys.stderr.write(f"{what} needs system libraries this machine lacks: {', '.join(sonames)}.\n")
    if unknown:
        sys.stderr.write(
            f"No known package provides {', '.join(unknown)}: install it with your "
            "system's package manager.\n"
        )
    sys.stdout.write(" ".join(packages) + "\n")
    return 2 if unknown else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
