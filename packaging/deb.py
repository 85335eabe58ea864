"""``make deb``: the Debian package of the onedir bundle, built with Debian's own tools.

    python3 packaging/deb.py dist/crs-calc            # -> dist/crs-calc_VERSION_ARCH.deb

Layout:
  /opt/crs-calc/                 the bundle, with its install manifest (--verify-install)
  /usr/bin/crs-calc              -> /opt/crs-calc/crs-calc
  /usr/share/applications/crs-calc.desktop
  /usr/share/icons/hicolor/{256x256,scalable}/apps/crs-calc.{png,svg}
  /usr/share/doc/crs-calc/       copyright, changelog.gz, the SBOM and the licences
  /usr/share/lintian/overrides/crs-calc   the lintian exceptions, each with its reason

System libraries: PyInstaller copies into the portable folder the build host's shared
libraries that Qt and Python need (libdbus, fontconfig, libxcb-*, libxkbcommon ...). A
Debian package must take those from Debian instead, so every library of the folder that
a Debian package of the build host owns (``dpkg -S``) is left out, and ``Depends:`` is
derived by ``dpkg-shlibdeps`` from what the remaining ELF files (Qt, its plugins, Python's
extension modules) actually link against: nothing in it is typed by hand. The build host
must have those libraries installed (``tools/ensure-qt-libs.sh`` installs what a real
window needs); a library it cannot resolve stops the build with its name.

Reproducible: file modes normalised, owner root:root (``--root-owner-group``), mtimes
clamped to ``SOURCE_DATE_EPOCH`` by dpkg-deb, gzip without names or times.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
from ui.store.install_manifest import MANIFEST_NAME, write_manifest  # noqa: E402

PACKAGE = "crs-calc"
PREFIX = Path("opt") / PACKAGE
MAINTAINER = "CRS Bedside Calculator maintainers <crs-calc@example.org>"
SUMMARY = "offline CRS/ICANS grading, tocilizumab dosing and steroid tapers"
DESCRIPTION = """\
 CRS Bedside Calculator grades cytokine release syndrome (CRS) and ICANS after
 CAR T-cell and bispecific T-cell engager therapy (ASTCT 2019, ICE and CAPD),
 computes tocilizumab and the other agents down to vials, volume and bag with
 the repeat-dose clock, and plans dexamethasone and methylprednisolone tapers.
 Every grade and dose traces to a rule ID with its source. Offline: no
 network access, no telemetry.
 .
 This package ships the PyInstaller bundle in /opt/crs-calc with an install
 manifest; run "crs-calc --verify-install" to check an installed copy."""
DESKTOP = """\
[Desktop Entry]
Type=Application
Name=CRS Bedside Calculator
GenericName=CRS and ICANS calculator
Comment=Offline CRS/ICANS grading, tocilizumab dosing and steroid tapers
Exec=crs-calc
Icon=crs-calc
Terminal=false
Categories=Education;Science;MedicalSoftware;
Keywords=CRS;ICANS;CAR-T;tocilizumab;
"""
# Each exception with its reason (lintian's override file format).
LINTIAN_OVERRIDES = """\
# The PyInstaller bundle lives in /opt by design (one self-contained, verifiable folder).
crs-calc: dir-or-file-in-opt [*]
# Qt, libpython and the Python extension modules are shipped inside the bundle: they are
# the exact versions the app was built and tested with (Debian's system libraries are not).
crs-calc: embedded-library *
crs-calc: shared-library-lacks-prerequisites [*]
crs-calc: shared-library-lacks-version [*]
crs-calc: unstripped-binary-or-object [*]
crs-calc: executable-not-elf-or-script [*]
crs-calc: shlib-without-versioned-soname *
crs-calc: hardening-no-fortify-functions [*]
crs-calc: hardening-no-bindnow [*]
crs-calc: spelling-error-in-binary *
crs-calc: library-not-linked-against-libc [*]
crs-calc: binary-or-shlib-defines-rpath [*]
crs-calc: package-contains-no-arch-dependent-files
crs-calc: extra-license-file [*]
crs-calc: package-installs-python-pycache-dir [*]
crs-calc: repeated-path-segment *
crs-calc: unusual-interpreter *
crs-calc: script-not-executable [*]
crs-calc: executable-is-not-world-readable [*]
# A desktop tool: the manual is the README and `crs-calc --help`.
crs-calc: no-manual-page [*]
# The PyInstaller bootloader is linked as it ships (not position independent).
crs-calc: hardening-no-pie [*]
"""


def run(cmd: list[str], cwd: Path | None = None) -> str:
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"deb: {' '.join(cmd[:2])} failed:\n{done.stderr.strip()}")
    return done.stdout


def app_version() -> str:
    text = (ROOT / "calculator" / "edge" / "version.py").read_text(encoding="utf-8")
    m = re.search(r'^__version__ = "([^"]+)"', text, re.M)
    if not m:
        raise SystemExit("deb: no __version__ in calculator/edge/version.py")
    return m.group(1)


def is_elf(path: Path) -> bool:
    if path.is_symlink() or not path.is_file():
        return False
    with path.open("rb") as f:
        return f.read(4) == b"\x7fELF"


def system_library_paths() -> dict[str, str]:
    """soname -> path, from the dynamic linker's cache (native architecture only)."""
    out: dict[str, str] = {}
    for line in run(["ldconfig", "-p"]).splitlines()[1:]:
        m = re.match(r"\s*(\S+) \(([^)]*)\) => (\S+)", line)
        if m and ("x86-64" in m.group(2) or "64bit" in m.group(2) or "," not in m.group(2)):
            out.setdefault(m.group(1), m.group(3))
    return out


# The Python runtime stays bundled: the stdlib in base_library.zip is built for exactly
# this libpython (the SBOM names it as the CPython component).
KEEP_BUNDLED = re.compile(r"^libpython3")


def _dpkg_names(path: str) -> list[str]:
    """The names dpkg may have registered a library under (usrmerge: /lib vs /usr/lib)."""
    names = []
    for p in (path, os.path.realpath(path)):
        names.append(p)
        if p.startswith("/usr/lib/"):
            names.append(p[len("/usr") :])
        elif p.startswith("/lib"):
            names.append("/usr" + p)
    return list(dict.fromkeys(names))


def owning_packages(paths: list[str]) -> dict[str, str]:
    """path -> Debian package that owns it, in one ``dpkg -S`` call (it is slow per call)."""
    candidates = {name: path for path in paths for name in _dpkg_names(path)}
    done = subprocess.run(["dpkg", "-S", *candidates], capture_output=True, text=True)
    owners: dict[str, str] = {}
    for line in done.stdout.splitlines():
        package, _, name = line.partition(": ")
        if name in candidates and "," not in package:
            owners.setdefault(candidates[name], package.split(":", 1)[0])
    return owners


def unbundle_system_libraries(internal: Path) -> list[tuple[str, str]]:
    """Remove the copies of Debian-owned libraries; returns (file, package) removed."""
    system = system_library_paths()
    found = {
        lib: system[lib.name]
        for lib in sorted(internal.iterdir())
        if is_elf(lib)
        and ".so" in lib.name
        and lib.name in system
        and not KEEP_BUNDLED.match(lib.name)
    }
    owners = owning_packages(sorted(set(found.values())))
    removed = []
    for lib, path in found.items():
        package = owners.get(path)
        if package is None:
            continue  # not Debian's (e.g. a library from /usr/local): it stays bundled
        lib.unlink()
        removed.append((lib.name, package))
    return removed


def drop_build_host_rpaths(bundle: Path) -> list[str]:
    """Remove RUNPATH/RPATH entries that point at the build host (e.g. a pyenv prefix):
    on a workstation such a folder must never be searched for libraries."""
    fixed = []
    for elf in sorted(p for p in bundle.rglob("*") if is_elf(p)):
        rpath = run(["patchelf", "--print-rpath", str(elf)]).strip()
        if rpath and any(e.startswith("/") for e in rpath.split(":")):
            run(["patchelf", "--remove-rpath", str(elf)])
            fixed.append(elf.relative_to(bundle).as_posix())
    return fixed


def derive_depends(bundle: Path) -> str:
    """``dpkg-shlibdeps`` over every ELF file left in the bundle."""
    elves = sorted(p for p in bundle.rglob("*") if is_elf(p))
    private_dirs = sorted({str(p.parent) for p in elves if ".so" in p.name})
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp)
        (src / "debian").mkdir()
        (src / "debian" / "control").write_text(
            f"Source: {PACKAGE}\n\nPackage: {PACKAGE}\nArchitecture: any\n", encoding="utf-8"
        )
        cmd = [
            "dpkg-shlibdeps", "-O", "--ignore-missing-info", "--warnings=0",
            *(f"-l{d}" for d in private_dirs), *(str(p) for p in elves),
        ]  # fmt: skip
        done = subprocess.run(cmd, cwd=src, capture_output=True, text=True)
    if done.returncode != 0:
        missing = re.findall(r"cannot find library (\S+)", done.stderr)
        hint = (
            f" (not installed on the build host: {', '.join(sorted(set(missing)))}; "
            "`sh tools/ensure-qt-libs.sh` installs them)"
            if missing
            else ""
        )
        raise SystemExit(f"deb: dpkg-shlibdeps failed{hint}:\n{done.stderr.strip()[-2000:]}")
    m = re.search(r"^shlibs:Depends=(.*)$", done.stdout, re.M)
    if not m:
        raise SystemExit(f"deb: dpkg-shlibdeps printed no Depends:\n{done.stdout}")
    return m.group(1).strip()


def gzip_bytes(data: bytes) -> bytes:
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", compresslevel=9, mtime=0, filename="") as f:
        f.write(data)
    return buf.getvalue()


def normalise_modes(stage: Path) -> None:
    stage.chmod(0o755)
    for path in stage.rglob("*"):
        if path.is_symlink():
            continue
        if path.is_dir():
            path.chmod(0o755)
        elif is_elf(path) and not path.name.endswith((".so",)) and ".so." not in path.name:
            path.chmod(0o755)  # the executable
        else:
            path.chmod(0o644)


def copyright_text(sbom_dir: Path) -> str:
    licences = "see THIRD-PARTY-LICENSES.txt.gz and crs-calc.cdx.json in this folder"
    return (
        "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"
        f"Upstream-Name: {PACKAGE}\n\n"
        "Files: *\n"
        "Copyright: CRS Bedside Calculator authors\n"
        "License: proprietary\n"
        " Internal clinical software. The third-party components bundled in\n"
        f" /opt/{PACKAGE} keep their own licences: {licences}.\n"
        " Qt and PySide6 are used under the LGPL-3.0 (/usr/share/doc/crs-calc/LGPL-3.0.txt.gz).\n"
    )


def build(bundle_src: Path, out_dir: Path, sbom_dir: Path) -> Path:
    version = app_version()
    arch = run(["dpkg", "--print-architecture"]).strip()
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "0"))
    stage_root = ROOT / "build" / "deb"
    shutil.rmtree(stage_root, ignore_errors=True)
    stage = stage_root / f"{PACKAGE}_{version}_{arch}"
    bundle = stage / PREFIX
    shutil.copytree(bundle_src, bundle, symlinks=True)
    old_manifest = json.loads((bundle / MANIFEST_NAME).read_text(encoding="utf-8"))

    removed = unbundle_system_libraries(bundle / "_internal")
    rpaths = drop_build_host_rpaths(bundle)
    depends = derive_depends(bundle)
    write_manifest(bundle, old_manifest["app_version"], old_manifest["ruleset"])

    (stage / "usr" / "bin").mkdir(parents=True)
    (stage / "usr" / "bin" / PACKAGE).symlink_to(f"/{PREFIX}/{PACKAGE}")
    apps = stage / "usr" / "share" / "applications"
    apps.mkdir(parents=True)
    (apps / f"{PACKAGE}.desktop").write_text(DESKTOP, encoding="utf-8")
    icons = stage / "usr" / "share" / "icons" / "hicolor"
    (icons / "256x256" / "apps").mkdir(parents=True)
    shutil.copyfile(HERE / "icons" / "crs-calc.png", icons / "256x256" / "apps" / "crs-calc.png")
    (icons / "scalable" / "apps").mkdir(parents=True)
    shutil.copyfile(
        ROOT / "resources" / "icons" / "app.svg", icons / "scalable" / "apps" / "crs-calc.svg"
    )
    doc = stage / "usr" / "share" / "doc" / PACKAGE
    doc.mkdir(parents=True)
    (doc / "copyright").write_text(copyright_text(sbom_dir), encoding="utf-8")
    date = run(["date", "-R", "-u", "-d", f"@{epoch}"]).strip()
    changelog = (
        f"{PACKAGE} ({version}) unstable; urgency=medium\n\n"
        f"  * Offline bundle {version} (see the project's README).\n\n"
        f" -- {MAINTAINER}  {date}\n"
    )
    (doc / "changelog.gz").write_bytes(gzip_bytes(changelog.encode()))
    for f in sorted(sbom_dir.iterdir()):
        if f.suffix == ".txt":
            (doc / (f.name + ".gz")).write_bytes(gzip_bytes(f.read_bytes()))
        else:
            shutil.copyfile(f, doc / f.name)
    overrides = stage / "usr" / "share" / "lintian" / "overrides"
    overrides.mkdir(parents=True)
    (overrides / PACKAGE).write_text(LINTIAN_OVERRIDES, encoding="utf-8")

    normalise_modes(stage)
    size_kib = sum(p.stat().st_size for p in stage.rglob("*") if p.is_file() and not p.is_symlink())
    (stage / "DEBIAN").mkdir()
    control = (
        f"Package: {PACKAGE}\n"
        f"Version: {version}\n"
        f"Architecture: {arch}\n"
        f"Maintainer: {MAINTAINER}\n"
        f"Installed-Size: {size_kib // 1024 + 1}\n"
        f"Depends: {depends}\n"
        "Section: science\n"
        "Priority: optional\n"
        f"Description: {SUMMARY}\n{DESCRIPTION}\n"
    )
    (stage / "DEBIAN" / "control").write_text(control, encoding="utf-8")
    (stage / "DEBIAN").chmod(0o755)
    (stage / "DEBIAN" / "control").chmod(0o644)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{PACKAGE}_{version}_{arch}.deb"
    # gzip: several times faster than xz on a build machine, about 20% larger.
    run(["dpkg-deb", "--root-owner-group", "-Zgzip", "-z9", "--build", str(stage), str(target)])
    print(f"deb: {target}")
    print(
        f"deb: {len(removed)} Debian-owned libraries left out of /opt/{PACKAGE}: "
        + ", ".join(sorted({p for _, p in removed}))
    )
    print(f"deb: build-host RUNPATH removed from {len(rpaths)} files")
    print(f"deb: Depends: {depends}")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bundle", type=Path, help="the onedir bundle (dist/crs-calc)")
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    parser.add_argument("--sbom", type=Path, default=ROOT / "build" / "sbom")
    args = parser.parse_args(argv)
    if not (args.bundle / MANIFEST_NAME).is_file():
        raise SystemExit(f"deb: {args.bundle} has no {MANIFEST_NAME}: run `make package` first")
    build(args.bundle, args.out, args.sbom)
    return 0


if __name__ == "__main__":
    sys.exit(main())
