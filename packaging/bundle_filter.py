"""Trim the PyInstaller collection of the Qt pieces crs-calc does not use.

Used by ``crs-calc.spec`` on the Analysis TOCs (lists of ``(dest, src, typecode)``).
Two passes, both printed with before/after sizes:

1. By name (every platform): Qt translations (the app ships English only), platform
   plugins other than the desktop ones and ``offscreen`` (wayland, eglfs, linuxfb, vnc,
   vkkhrdisplay), input-device, network, TLS, QML and SQL plugins, the GTK3 theme
   plugin (it drags in the whole GTK/cairo/pango stack), unused image formats.
2. Orphans (Linux ELF only): a shared library is kept only while something kept still
   lists it in DT_NEEDED, starting from the Python extension modules, the Qt plugins and
   libpython. This removes what the dropped plugins alone pulled in (Wayland and EGLFS
   client libraries, GTK's cairo/pango, QtNetwork's OpenSSL and Kerberos, ...).

Stdlib only: the spec imports it from the packaging venv, the tests from the dev venv.
"""

from __future__ import annotations

import os
import re
import struct
from collections.abc import Callable, Iterable
from pathlib import PurePosixPath

Entry = tuple[str, str, str]  # (dest name in the bundle, source path, typecode)

#: Plugin folders of Qt dropped whole: none of their plugins serve a widgets app offline.
DROP_PLUGIN_DIRS = frozenset(
    {
        "egldeviceintegrations",
        "generic",  # evdev/tuio input for eglfs/linuxfb kiosks
        "networkinformation",
        "tls",
        "qmltooling",
        "sqldrivers",
        "designer",
        "wayland-decoration-client",
        "wayland-graphics-integration-client",
        "wayland-graphics-integration-server",
        "wayland-shell-integration",
        "position",
        "multimedia",
        "canbus",
        "sensors",
        "webview",
    }
)

#: Plugins dropped by (category, name without lib prefix and extension).
DROP_PLUGINS: dict[str, re.Pattern[str]] = {
    # Keep the desktop platform (xcb, windows, cocoa), offscreen (self-test) and minimal.
    "platforms": re.compile(r"^q(eglfs|linuxfb|minimalegl|vkkhrdisplay|vnc|wayland.*|direct2d)$"),
    # GTK3 pulls GTK, cairo, pango and friends into the bundle; Qt's own style is used.
    "platformthemes": re.compile(r"^qgtk3$"),
    # PNG and BMP are built into QtGui; the icons are PNG/SVG/ICO.
    "imageformats": re.compile(r"^q(gif|icns|jpeg|tga|tiff|wbmp|webp|pdf|jp2|mng)$"),
}

_LIB_SUFFIX = re.compile(r"(\.so(\.\d+)*|\.dll|\.dylib)$")


def _plugin_key(dest: str) -> tuple[str, str] | None:
    """(category, plugin name) of a Qt plugin path, e.g. ("platforms", "qxcb"); else None."""
    parts = PurePosixPath(dest.replace("\\", "/")).parts
    if "plugins" not in parts:
        return None
    rest = parts[len(parts) - parts[::-1].index("plugins") :]
    if len(rest) < 2:
        return None
    name = _LIB_SUFFIX.sub("", rest[-1])
    return rest[0], name.removeprefix("lib")


def is_qt_translation(dest: str) -> bool:
    """Qt's own catalogues (the app is English only); never the app's own resources."""
    d = dest.replace("\\", "/")
    return d.endswith(".qm") and bool(re.search(r"(^|/)PySide6/(Qt/)?translations/", d))


def drop_by_name(dest: str) -> bool:
    """True for a TOC entry the app never needs (pass 1)."""
    if is_qt_translation(dest):
        return True
    key = _plugin_key(dest)
    if key is None:
        return False
    category, name = key
    if category in DROP_PLUGIN_DIRS:
        return True
    pattern = DROP_PLUGINS.get(category)
    return bool(pattern and pattern.match(name))


# --- ELF DT_NEEDED (pass 2) -------------------------------------------------------------


def elf_needed(path: str) -> list[str] | None:
    """DT_NEEDED sonames of a 64-bit little-endian ELF file; None if it is not one."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return None
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        return None
    shoff = struct.unpack_from("<Q", data, 0x28)[0]
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = [
        struct.unpack_from("<IIQQQQIIQQ", data, shoff + k * shentsize) for k in range(shnum)
    ]
    needed: list[str] = []
    for sh in sections:
        if sh[1] != 6:  # SHT_DYNAMIC
            continue
        strtab = sections[sh[6]]
        str_off = strtab[4]
        for off in range(sh[4], sh[4] + sh[5], 16):
            tag, val = struct.unpack_from("<qQ", data, off)
            if tag == 0:
                break
            if tag == 1:  # DT_NEEDED
                start = str_off + val
                needed.append(data[start : data.index(b"\0", start)].decode())
    return needed


def _is_root(entry: Entry) -> bool:
    dest, _, typecode = entry
    base = os.path.basename(dest)
    return (
        typecode == "EXTENSION"
        or "/plugins/" in dest.replace("\\", "/")
        or base.startswith("libpython")
        or not _LIB_SUFFIX.search(base)
    )


def prune_orphans(
    binaries: list[Entry], needed: Callable[[str], list[str] | None] = elf_needed
) -> list[Entry]:
    """Keep roots and the shared libraries reachable from them through DT_NEEDED.

    Entries whose file is not ELF (Windows, macOS) are all kept: the pass then does nothing.
    """
    if not any(needed(src) is not None for _, src, _ in binaries[:20]):
        return binaries
    by_name: dict[str, list[Entry]] = {}
    for entry in binaries:
        by_name.setdefault(os.path.basename(entry[0]), []).append(entry)
    keep: set[Entry] = set()
    todo = [e for e in binaries if _is_root(e)]
    while todo:
        entry = todo.pop()
        if entry in keep:
            continue
        keep.add(entry)
        for soname in needed(entry[1]) or []:
            todo.extend(by_name.get(soname, []))
    return [e for e in binaries if e in keep]


def size_mib(entries: Iterable[Entry]) -> float:
    total = 0
    for _, src, _ in entries:
        if os.path.isfile(src):
            total += os.path.getsize(src)
    return total / 2**20


def trim(
    binaries: list[Entry], datas: list[Entry], log: Callable[[str], None] = print
) -> tuple[list[Entry], list[Entry]]:
    """Both passes over the Analysis TOCs; prints what each removed and the sizes."""
    before = size_mib(binaries) + size_mib(datas)
    bins = [e for e in binaries if not drop_by_name(e[0])]
    dats = [e for e in datas if not drop_by_name(e[0])]
    named = (len(binaries) - len(bins)) + (len(datas) - len(dats))
    pruned = prune_orphans(bins)
    gone = sorted(os.path.basename(e[0]) for e in bins if e not in set(pruned))
    after = size_mib(pruned) + size_mib(dats)
    log(f"bundle filter: {named} Qt plugins/translations dropped by name")
    log(f"bundle filter: {len(gone)} orphaned libraries dropped: {', '.join(gone)}")
    log(f"bundle filter: binaries+datas {before:.1f} MiB -> {after:.1f} MiB (before strip)")
    return pruned, dats
