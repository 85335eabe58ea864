"""``make sbom``: a CycloneDX 1.5 SBOM and the third-party licence list of the bundle.

Reads only the installed metadata (importlib.metadata) of the environment it runs in, the
packaging venv, so it lists exactly what PyInstaller bundles: the runtime dependency closure
of crs-calc (never the dev extra, never the build tools), the Python runtime and the
PyInstaller bootloader. No network. Writes, into --out:

- ``crs-calc.cdx.json``: CycloneDX 1.5 JSON (components with purl, licence, dependencies)
- ``THIRD-PARTY-LICENSES.txt``: each component, its licence, its licence text, and the
  LGPL-3.0 notice for Qt and PySide6 with how to replace the Qt libraries in the bundle
- ``LGPL-3.0.txt``, ``GPL-3.0.txt``: the licence texts the notice refers to

The spec ships the folder inside the bundle as ``licenses/``.
"""

from __future__ import annotations

import argparse
import importlib.metadata as md
import json
import platform
import re
import sys
import time
import tomllib
import uuid
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# Components whose wheels carry no licence file: the text is shipped from packaging/LICENSES.
LICENCE_FILES = {
    "pyside6-essentials": ["LGPL-3.0.txt", "GPL-3.0.txt"],
    "shiboken6": ["LGPL-3.0.txt", "GPL-3.0.txt"],
}
QT_NOTICE = """\
Qt and Qt for Python (PySide6, shiboken6): LGPL-3.0 notice
===========================================================

This program uses the Qt libraries (Qt 6, The Qt Company Ltd. and other contributors) and
Qt for Python (PySide6-Essentials {pyside} and shiboken6 {shiboken}), used under the GNU Lesser
General Public License version 3 (LGPL-3.0-only; see LGPL-3.0.txt, which incorporates
GPL-3.0.txt, both in this folder). Qt and PySide6 were not modified. Their source code is
available from https://download.qt.io/official_releases/QtForPython/ and
https://code.qt.io/ (tags v{pyside}); on request we provide the exact source of the versions
shipped here.

The Qt libraries are separate shared libraries in this bundle and you may replace them
with your own, modified or not, compatible build of the same Qt version:

  Linux:   crs-calc/_internal/PySide6/Qt/lib/libQt6*.so.6 (plugins in .../Qt/plugins/)
           and the PySide6/shiboken6 modules in crs-calc/_internal/PySide6/, shiboken6/
  Windows: crs-calc\\_internal\\PySide6\\Qt6*.dll (plugins in ...\\PySide6\\plugins\\)
  macOS:   CRS Bedside Calculator.app/Contents/Frameworks/PySide6/Qt/lib/Qt*.framework

Replace the files in place, keeping their names, then run `crs-calc --self-test` to check
the result. You may also rebuild the whole bundle from source: `make package` in the
crs-calc source tree builds it with PyInstaller from the pinned requirements. Reverse
engineering for debugging such modifications is permitted.
"""


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_name(req: str) -> str | None:
    """The distribution a runtime Requires-Dist line names, or None for extras/markers that
    do not hold here (e.g. ``; extra == "dev"`` or another platform)."""
    name, _, marker = req.partition(";")
    if marker:
        marker = marker.strip()
        if "extra" in marker:
            return None
        try:
            from packaging.markers import Marker  # in the packaging venv (PyInstaller dep)

            if not Marker(marker).evaluate():
                return None
        except ImportError:
            pass
    m = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", name)
    return _norm(m.group(1)) if m else None


def runtime_closure() -> list[md.Distribution]:
    """The installed distributions reachable from pyproject's [project].dependencies."""
    with (ROOT / "pyproject.toml").open("rb") as f:
        roots = tomllib.load(f)["project"]["dependencies"]
    installed = {_norm(d.metadata["Name"]): d for d in md.distributions()}
    seen: dict[str, md.Distribution] = {}
    todo = [n for r in roots if (n := _requirement_name(r))]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        if name not in installed:
            sys.exit(f"sbom: {name} is a runtime dependency but is not installed here")
        dist = seen[name] = installed[name]
        todo.extend(n for r in dist.requires or [] if (n := _requirement_name(r)))
    return sorted(seen.values(), key=lambda d: _norm(d.metadata["Name"]))


def licence_of(dist: md.Distribution) -> str:
    meta = dist.metadata
    if meta.get("License-Expression"):
        return str(meta["License-Expression"])
    text = (meta.get("License") or "").strip()
    if text and "\n" not in text and len(text) < 80:
        return text
    classifiers = [
        c.split(" :: ")[-1] for c in meta.get_all("Classifier") or [] if c.startswith("License")
    ]
    if classifiers:
        return " AND ".join(classifiers)
    return text.splitlines()[0] if text else "unknown"


def licence_texts(dist: md.Distribution) -> list[tuple[str, str]]:
    out = []
    for f in dist.files or []:
        p = str(f)
        if ".dist-info/" in p and re.search(r"(LICEN[CS]E|COPYING|NOTICE)", p.rsplit("/", 1)[-1]):
            text = Path(str(f.locate())).read_text(encoding="utf-8", errors="replace")
            if text:
                out.append((p.rsplit("/", 1)[-1], text))
    for name in LICENCE_FILES.get(_norm(dist.metadata["Name"]), []):
        out.append((name, "(full text in " + name + " beside this file)\n"))
    return out


def _purl(name: str, version: str) -> str:
    return f"pkg:pypi/{_norm(name)}@{version}"


def _licence_json(expr: str) -> list[dict[str, Any]]:
    spdx_like = re.fullmatch(r"[A-Za-z0-9.+-]+( (AND|OR|WITH) [A-Za-z0-9.+-]+)*", expr)
    if spdx_like and "License" not in expr:
        return [{"expression": expr}]
    return [{"license": {"name": expr}}]


def build(out: Path) -> None:
    with (ROOT / "pyproject.toml").open("rb") as f:
        project = tomllib.load(f)["project"]
    version = re.search(
        r'^__version__ = "([^"]+)"', (ROOT / "calculator" / "__init__.py").read_text(), re.M
    )
    app_version = version.group(1) if version else project["version"]
    dists = runtime_closure()
    names = {_norm(d.metadata["Name"]) for d in dists}
    if "pyside6" in names or "pyside6-addons" in names:
        sys.exit("sbom: the full PySide6 wheel is installed; the bundle uses PySide6-Essentials")
    app_ref = _purl("crs-calc", app_version)
    py_version = platform.python_version()
    try:
        pyinstaller = md.distribution("pyinstaller")
    except md.PackageNotFoundError:
        sys.exit("sbom: run it with the packaging venv (make sbom): PyInstaller is missing")

    components: list[dict[str, Any]] = []
    for d in dists:
        name, ver = d.metadata["Name"], d.version
        comp: dict[str, Any] = {
            "type": "library",
            "bom-ref": _purl(name, ver),
            "name": name,
            "version": ver,
            "purl": _purl(name, ver),
            "licenses": _licence_json(licence_of(d)),
        }
        if d.metadata.get("Summary"):
            comp["description"] = d.metadata["Summary"]
        components.append(comp)
    components.append(
        {
            "type": "framework",
            "bom-ref": f"pkg:generic/cpython@{py_version}",
            "name": "CPython",
            "version": py_version,
            "purl": f"pkg:generic/cpython@{py_version}",
            "licenses": [{"expression": "PSF-2.0"}],
            "description": "Python interpreter and standard library embedded in the bundle",
        }
    )
    components.append(
        {
            "type": "application",
            "bom-ref": _purl("pyinstaller", pyinstaller.version) + "#bootloader",
            "name": "pyinstaller-bootloader",
            "version": pyinstaller.version,
            "purl": _purl("pyinstaller", pyinstaller.version),
            "licenses": [{"license": {"name": "GPL-2.0-or-later WITH Bootloader-exception"}}],
            "description": "PyInstaller bootloader (the crs-calc executable stub)",
        }
    )
    deps = [
        {
            "ref": app_ref,
            "dependsOn": sorted(
                {
                    _purl(d.metadata["Name"], d.version)
                    for d in dists
                    if _norm(d.metadata["Name"])
                    in {n for r in project["dependencies"] if (n := _requirement_name(r))}
                }
            ),
        }
    ]
    for d in dists:
        wanted = {n for r in d.requires or [] if (n := _requirement_name(r))}
        deps.append(
            {
                "ref": _purl(d.metadata["Name"], d.version),
                "dependsOn": sorted(
                    _purl(x.metadata["Name"], x.version)
                    for x in dists
                    if _norm(x.metadata["Name"]) in wanted
                ),
            }
        )
    epoch = int(__import__("os").environ.get("SOURCE_DATE_EPOCH", time.time()))
    bom = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        "serialNumber": "urn:uuid:"
        + str(uuid.uuid5(uuid.NAMESPACE_URL, json.dumps([app_ref, components], sort_keys=True))),
        "version": 1,
        "metadata": {
            "timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch)),
            "tools": {
                "components": [
                    {"type": "application", "name": "crs-calc packaging/sbom.py"},
                    {"type": "application", "name": "pyinstaller", "version": pyinstaller.version},
                ]
            },
            "component": {
                "type": "application",
                "bom-ref": app_ref,
                "name": "crs-calc",
                "version": app_version,
                "description": project.get("description", ""),
            },
            "properties": [
                {"name": "crs-calc:build:platform", "value": platform.platform()},
                {"name": "crs-calc:build:python", "value": sys.version.split()[0]},
            ],
        },
        "components": components,
        "dependencies": deps,
    }
    out.mkdir(parents=True, exist_ok=True)
    (out / "crs-calc.cdx.json").write_text(json.dumps(bom, indent=2) + "\n", encoding="utf-8")
    _write_licences(out, dists, py_version, pyinstaller)
    print(f"sbom: {len(components)} components -> {out / 'crs-calc.cdx.json'}")
    print(f"sbom: licence list -> {out / 'THIRD-PARTY-LICENSES.txt'}")


def _write_licences(
    out: Path, dists: list[md.Distribution], py_version: str, pyinstaller: md.Distribution
) -> None:
    versions = {_norm(d.metadata["Name"]): d.version for d in dists}
    parts = [
        "CRS Bedside Calculator (crs-calc): third-party software in this bundle",
        "=" * 70,
        "",
        QT_NOTICE.format(
            pyside=versions.get("pyside6-essentials", "?"),
            shiboken=versions.get("shiboken6", "?"),
        ),
        "Components",
        "==========",
        "",
    ]
    for d in dists:
        parts.append(f"- {d.metadata['Name']} {d.version}: {licence_of(d)}")
    parts += [
        f"- CPython {py_version}: PSF-2.0 (Python Software Foundation License)",
        f"- PyInstaller bootloader {pyinstaller.version}: GPL-2.0-or-later with the PyInstaller "
        "bootloader exception (the executable stub may be distributed under any licence)",
        "- On Linux, shared libraries of the build host's distribution that Qt needs (glib, "
        "fontconfig, freetype, libxcb*, libxkbcommon, libstdc++ ...) are copied into "
        "_internal/; each keeps its own licence (see /usr/share/doc/<package>/copyright of the "
        "Debian/Ubuntu package of the same name).",
        "",
    ]
    for d in dists:
        for fname, text in licence_texts(d):
            parts += [f"--- {d.metadata['Name']} {d.version}: {fname} ---", text.rstrip(), ""]
    python_licence = (
        Path(sys.base_prefix)
        / "lib"
        / f"python{sys.version_info[0]}.{sys.version_info[1]}"
        / "LICENSE.txt"
    )
    if not python_licence.is_file():
        python_licence = Path(sys.base_prefix) / "LICENSE.txt"  # Windows layout
    if python_licence.is_file():
        parts += [
            f"--- CPython {py_version}: LICENSE.txt ---",
            python_licence.read_text(encoding="utf-8", errors="replace").rstrip(),
            "",
        ]
    for f in pyinstaller.files or []:
        if str(f).endswith("COPYING.txt"):
            parts += [
                f"--- PyInstaller {pyinstaller.version}: COPYING.txt ---",
                Path(str(f.locate())).read_text(encoding="utf-8", errors="replace").rstrip(),
                "",
            ]
    (out / "THIRD-PARTY-LICENSES.txt").write_text("\n".join(parts) + "\n", encoding="utf-8")
    for name in ("LGPL-3.0.txt", "GPL-3.0.txt"):
        (out / name).write_text(
            (HERE / "LICENSES" / name).read_text(encoding="utf-8"), encoding="utf-8"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "sbom")
    args = parser.parse_args(argv)
    build(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
