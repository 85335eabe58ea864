"""``make sbom``: the bundle's CycloneDX SBOM, made by CycloneDX's own ``cyclonedx-py``,
and the third-party licence list made from it.

    .venv-sbom/bin/python packaging/cyclonedx_sbom.py --env .venv-package/bin/python

1. ``cyclonedx-py environment`` reads the packaging venv (the bundle's build environment)
   with the project's ``pyproject.toml`` as the root component, reproducibly
   (``--output-reproducible``; the timestamp is ``SOURCE_DATE_EPOCH``).
2. The venv also holds the build tools (PyInstaller, pip, setuptools ...), which are not
   shipped: only the root component's dependency closure is kept, as the tool's own
   ``dependencies`` graph gives it.
3. The tool does not know what PyInstaller adds to the folder: the Python runtime and the
   PyInstaller bootloader are added as components, the bootloader's version taken from the
   ``pyinstaller`` component the tool found.
4. The result is validated against the CycloneDX 1.6 JSON schema that
   ``cyclonedx-python-lib`` ships; an invalid SBOM fails the build.
5. ``THIRD-PARTY-LICENSES.txt`` lists every SBOM component with its licence and the
   licence files of its wheel, the Qt/PySide6 LGPL-3.0 notice, CPython's licence and
   PyInstaller's COPYING.txt.

Runs in ``.venv-sbom`` (``packaging/requirements-sbom.lock``), never in the bundle's build
environment, so the SBOM tool cannot end up in the bundle. No network.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SPEC_VERSION = "1.6"
ROOT_REF = "root-component"
# Wheels without a licence file of their own: the texts ship from packaging/LICENSES.
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

Replace the files in place, keeping their names, then run `crs-calc --self-test` and
`crs-calc --verify-install` (which will then name the replaced files) to check the result.
You may also rebuild the whole bundle from source: `make package` in the crs-calc source
tree builds it with PyInstaller from the pinned requirements. Reverse engineering for
debugging such modifications is permitted.
"""

# Run inside the packaging venv: each runtime distribution's licence files, and where
# CPython's licence and PyInstaller's COPYING.txt are.
_PROBE = r"""
import importlib.metadata as md, json, platform, re, sys
from pathlib import Path
def text(f):
    return Path(str(f.locate())).read_text(encoding="utf-8", errors="replace")
out = {"python": platform.python_version(), "dists": {},
       "python_licence": None, "pyinstaller_copying": None}
for d in md.distributions():
    files = []
    for f in d.files or []:
        p = str(f)
        base = p.rsplit("/", 1)[-1]
        if ".dist-info/" in p and re.search(r"(LICEN[CS]E|COPYING|NOTICE)", base):
            files.append([base, text(f)])
        if d.metadata["Name"].lower() == "pyinstaller" and p.endswith("COPYING.txt"):
            out["pyinstaller_copying"] = text(f)
    out["dists"][re.sub(r"[-_.]+", "-", d.metadata["Name"]).lower()] = files
lib = Path(sys.base_prefix) / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}"
for cand in (lib / "LICENSE.txt", Path(sys.base_prefix) / "LICENSE.txt"):
    if cand.is_file():
        out["python_licence"] = cand.read_text(encoding="utf-8", errors="replace")
        break
print(json.dumps(out))
"""


def _norm(name: str) -> str:
    import re

    return re.sub(r"[-_.]+", "-", name).lower()


def run_cyclonedx_py(env_python: Path, out: Path) -> dict[str, Any]:
    cmd = [
        sys.executable, "-m", "cyclonedx_py", "environment",
        "--pyproject", str(ROOT / "pyproject.toml"),
        "--output-reproducible", "--gather-license-texts",
        "--sv", SPEC_VERSION, "--of", "JSON", "-o", str(out), str(env_python),
    ]  # fmt: skip
    subprocess.run(cmd, check=True)
    loaded: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return loaded


def closure(bom: dict[str, Any], start: str = ROOT_REF) -> set[str]:
    """Every bom-ref reachable from ``start`` in the SBOM's dependency graph."""
    graph = {d["ref"]: d.get("dependsOn", []) for d in bom.get("dependencies", [])}
    seen: set[str] = set()
    todo = list(graph.get(start, []))
    while todo:
        ref = todo.pop()
        if ref not in seen:
            seen.add(ref)
            todo.extend(graph.get(ref, []))
    return seen


def shipped_bom(bom: dict[str, Any], python_version: str) -> dict[str, Any]:
    """The environment SBOM cut to what the bundle ships, plus what PyInstaller adds."""
    keep = closure(bom)
    by_name = {_norm(c["name"]): c for c in bom["components"]}
    if "pyside6" in by_name or "pyside6-addons" in by_name:
        raise SystemExit("sbom: the full PySide6 wheel is in the build venv: use Essentials only")
    pyinstaller = by_name.get("pyinstaller")
    if pyinstaller is None:
        raise SystemExit("sbom: PyInstaller is not in the build venv (use .venv-package)")
    components = [c for c in bom["components"] if c["bom-ref"] in keep]
    python_ref = f"pkg:generic/cpython@{python_version}"
    bootloader_ref = f"pkg:pypi/pyinstaller@{pyinstaller['version']}#bootloader"
    components += [
        {
            "type": "framework",
            "bom-ref": python_ref,
            "name": "CPython",
            "version": python_version,
            "purl": python_ref,
            "licenses": [{"license": {"id": "PSF-2.0"}}],
            "description": "Python interpreter and standard library embedded in the bundle",
        },
        {
            "type": "application",
            "bom-ref": bootloader_ref,
            "name": "pyinstaller-bootloader",
            "version": pyinstaller["version"],
            "purl": f"pkg:pypi/pyinstaller@{pyinstaller['version']}",
            "licenses": [{"expression": "GPL-2.0-or-later WITH Bootloader-exception"}],
            "description": "PyInstaller bootloader: the crs-calc executable stub",
        },
    ]
    dependencies = [d for d in bom["dependencies"] if d["ref"] in keep]
    root_deps = next(d for d in bom["dependencies"] if d["ref"] == ROOT_REF)
    dependencies.append(
        {
            "ref": ROOT_REF,
            "dependsOn": sorted([*root_deps["dependsOn"], python_ref, bootloader_ref]),
        }
    )
    dependencies += [{"ref": python_ref}, {"ref": bootloader_ref}]
    out = dict(bom)
    out["components"] = sorted(components, key=lambda c: _norm(c["name"]))
    out["dependencies"] = sorted(dependencies, key=lambda d: d["ref"])
    return out


def validate(text: str) -> None:
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    error = JsonStrictValidator(SchemaVersion.from_version(SPEC_VERSION)).validate_str(text)
    if error is not None:
        detail = getattr(error.data, "message", str(error).splitlines()[0])
        where = "/".join(str(p) for p in getattr(error.data, "absolute_path", ()))
        raise SystemExit(
            f"sbom: not a valid CycloneDX {SPEC_VERSION} document: {detail} (at /{where})"
        )


def licence_of(component: dict[str, Any]) -> str:
    names = []
    for entry in component.get("licenses", []):
        if "expression" in entry:
            names.append(entry["expression"])
        else:
            lic = entry.get("license", {})
            name = lic.get("id") or lic.get("name", "")
            if name and not name.startswith("declared license"):
                names.append(name)
    return " AND ".join(names) or "see the licence files below"


def licence_text(bom: dict[str, Any], probe: dict[str, Any]) -> str:
    versions = {_norm(c["name"]): c["version"] for c in bom["components"]}
    parts = [
        "CRS Bedside Calculator (crs-calc): third-party software in this bundle",
        "=" * 70,
        "",
        QT_NOTICE.format(
            pyside=versions.get("pyside6-essentials", "?"),
            shiboken=versions.get("shiboken6", "?"),
        ),
        f"Components (from crs-calc.cdx.json, CycloneDX {SPEC_VERSION})",
        "=" * 40,
        "",
    ]
    parts += [f"- {c['name']} {c['version']}: {licence_of(c)}" for c in bom["components"]]
    parts += [
        "- On Linux, shared libraries of the build host's distribution that Qt needs are "
        "copied into _internal/ of the portable folder; each keeps its own licence (see "
        "/usr/share/doc/<package>/copyright of the Debian package of the same name). The "
        "Debian package leaves them out and depends on those packages instead.",
        "",
    ]
    for c in bom["components"]:
        key = _norm(c["name"])
        for fname, text in probe["dists"].get(key, []):
            parts += [f"--- {c['name']} {c['version']}: {fname} ---", text.rstrip(), ""]
        for fname in LICENCE_FILES.get(key, []):
            parts += [f"--- {c['name']} {c['version']}: {fname} (full text beside this file) ---"]
    if probe["python_licence"]:
        parts += [
            f"--- CPython {probe['python']}: LICENSE.txt ---",
            probe["python_licence"].rstrip(),
        ]
    if probe["pyinstaller_copying"]:
        parts += [
            "--- PyInstaller bootloader: COPYING.txt ---",
            probe["pyinstaller_copying"].rstrip(),
        ]
    return "\n".join(parts) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--env", type=Path, help="the packaging venv's python")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "sbom")
    parser.add_argument(
        "--validate", type=Path, metavar="SBOM", help="only validate a shipped SBOM file"
    )
    args = parser.parse_args(argv)
    if args.validate is not None:
        validate(args.validate.read_text(encoding="utf-8"))
        print(f"sbom: {args.validate} is valid CycloneDX {SPEC_VERSION} (JSON schema)")
        return 0
    if args.env is None:
        parser.error("--env is required")
    env_python = args.env.absolute()  # a venv's python is a symlink: keep the venv path
    probe = json.loads(
        subprocess.run(
            [str(env_python), "-c", _PROBE], check=True, capture_output=True, text=True
        ).stdout
    )
    with tempfile.TemporaryDirectory() as tmp:
        bom = shipped_bom(run_cyclonedx_py(env_python, Path(tmp) / "env.cdx.json"), probe["python"])
    text = json.dumps(bom, indent=2, sort_keys=True) + "\n"
    validate(text)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    (out / "crs-calc.cdx.json").write_text(text, encoding="utf-8")
    (out / "THIRD-PARTY-LICENSES.txt").write_text(licence_text(bom, probe), encoding="utf-8")
    for name in ("LGPL-3.0.txt", "GPL-3.0.txt"):
        (out / name).write_text((HERE / "LICENSES" / name).read_text(encoding="utf-8"), "utf-8")
    print(f"sbom: {len(bom['components'])} components (cyclonedx-py, validated) -> {out}")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
