"""The installed bundle's manifest and ``crs-calc --verify-install``.

The build writes ``crs-calc-manifest.json`` beside the executable: every file of the
bundle with its sha256 (symbolic links with their target), the app version and the
ruleset version and sha256. ``verify()`` compares an installed copy with it, so hospital
IT can tell from a script whether a workstation's copy was altered: exit 0, or exit 1
naming each changed, missing or added file.

Stdlib only (no Qt, and not calculator.edge.safe_io, which brings pydantic): the packaging
spec and deb.py import it at build time on a plain python3, and the check must run even
where Qt or the core cannot start. What the manifest cannot prove: a copy altered together with
its manifest; the package manager's own checksums (``dpkg --verify``) and signed
packages cover that.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

MANIFEST_NAME = "crs-calc-manifest.json"
MANIFEST_FORMAT = "crs-calc-manifest/1"
#: Written beside the program by portable mode (ui.store.storage); they are the user's, not ours.
USER_OWNED = ("crs-calc.portable", "crs-calc-data")
_MAX_MANIFEST_BYTES = 8 * 1024 * 1024


def bundle_root() -> Path | None:
    """The frozen bundle's folder, or None when running from source."""
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve().parent
    return None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _walk(root: Path) -> Iterator[tuple[str, Path]]:
    """Every file and symbolic link under root, as (posix relative path, path), sorted."""
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        rel_folder = here.relative_to(root)
        if rel_folder.parts and rel_folder.parts[0] in USER_OWNED:
            dirs[:] = []
            continue
        # A symlinked folder is recorded as a link, never descended into.
        for name in sorted(dirs):
            if (here / name).is_symlink():
                files.append(name)
        dirs[:] = sorted(d for d in dirs if not (here / d).is_symlink())
        for name in sorted(files):
            rel = (rel_folder / name).as_posix()
            if rel == MANIFEST_NAME or rel in USER_OWNED:
                continue
            yield rel, here / name


def fingerprint(path: Path) -> str:
    """``sha256:HEX`` for a file, ``link:TARGET`` for a symbolic link."""
    if path.is_symlink():
        return "link:" + os.readlink(path)
    return "sha256:" + _sha256(path)


def build_manifest(root: Path, app_version: str, ruleset: Mapping[str, str]) -> dict[str, Any]:
    files = {rel: fingerprint(path) for rel, path in _walk(root)}
    return {
        "format": MANIFEST_FORMAT,
        "app_version": app_version,
        "ruleset": {"version": ruleset["version"], "sha256": ruleset["sha256"]},
        "files": dict(sorted(files.items())),
    }


def write_manifest(root: Path, app_version: str, ruleset: Mapping[str, str]) -> Path:
    manifest = build_manifest(root, app_version, ruleset)
    target = root / MANIFEST_NAME
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, target)
    return target


@dataclass(frozen=True)
class Verification:
    root: Path
    app_version: str = ""
    ruleset_version: str = ""
    ruleset_sha256: str = ""
    changed: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    added: tuple[str, ...] = ()
    problems: tuple[str, ...] = field(default=())  # the manifest itself is unusable

    @property
    def ok(self) -> bool:
        return not (self.changed or self.missing or self.added or self.problems)

    def lines(self) -> list[str]:
        """What a person or a script reads: one line per finding, the verdict last."""
        out = [f"problem: {p}" for p in self.problems]
        out += [f"changed: {rel}" for rel in self.changed]
        out += [f"missing: {rel}" for rel in self.missing]
        out += [f"added: {rel}" for rel in self.added]
        if self.ok:
            out.append(
                f"install verified: {self.root} matches its manifest (crs-calc "
                f"{self.app_version}, ruleset {self.ruleset_version} sha256 "
                f"{self.ruleset_sha256})"
            )
        else:
            n = len(self.changed) + len(self.missing) + len(self.added) + len(self.problems)
            out.append(f"install NOT verified: {n} finding(s) in {self.root}")
        return out


def verify(root: Path, ruleset: Mapping[str, str] | None = None) -> Verification:
    """Compare the files under root with root's manifest.

    ``ruleset``: the version and sha256 the running program loaded; a mismatch with the
    manifest is a finding even if every file hash matched (it cannot, unless the manifest
    was rewritten by hand).
    """
    manifest_path = root / MANIFEST_NAME
    try:
        if not manifest_path.is_file() or manifest_path.is_symlink():
            raise ValueError(f"{MANIFEST_NAME} is missing")
        raw = manifest_path.read_bytes()
        if len(raw) > _MAX_MANIFEST_BYTES:
            raise ValueError(f"{MANIFEST_NAME} is larger than {_MAX_MANIFEST_BYTES} bytes")
        manifest = json.loads(raw)
        if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
            raise ValueError(f"{MANIFEST_NAME} is not a {MANIFEST_FORMAT} document")
        expected = manifest["files"]
        if not isinstance(expected, dict):
            raise ValueError(f"{MANIFEST_NAME}: 'files' is not an object")
    except (OSError, ValueError, KeyError) as exc:
        return Verification(root=root, problems=(str(exc),))
    changed: list[str] = []
    missing: list[str] = []
    seen: set[str] = set()
    actual = dict(_walk(root))
    for rel, want in sorted(expected.items()):
        seen.add(rel)
        path = actual.get(rel)
        if path is None:
            missing.append(rel)
        elif fingerprint(path) != want:
            changed.append(rel)
    added = sorted(rel for rel in actual if rel not in seen)
    problems: list[str] = []
    rs = manifest.get("ruleset", {})
    if ruleset is not None and (
        rs.get("version") != ruleset["version"] or rs.get("sha256") != ruleset["sha256"]
    ):
        problems.append(
            f"the program loaded ruleset {ruleset['version']} sha256 {ruleset['sha256']}, "
            f"the manifest names {rs.get('version')} sha256 {rs.get('sha256')}"
        )
    return Verification(
        root=root,
        app_version=str(manifest.get("app_version", "")),
        ruleset_version=str(rs.get("version", "")),
        ruleset_sha256=str(rs.get("sha256", "")),
        changed=tuple(changed),
        missing=tuple(missing),
        added=tuple(added),
        problems=tuple(problems),
    )


def installation_summary(root: Path | None, ruleset: Mapping[str, str]) -> list[str]:
    """What Help > About says about the installed files (the same check as the command)."""
    if root is None:
        return ["Running from source: there is no install manifest to check."]
    result = verify(root, ruleset)
    findings = result.lines()
    if result.ok:
        return [findings[-1]]
    shown = findings[:-1][:8]
    more = len(findings) - 1 - len(shown)
    return [findings[-1], *shown, *([f"... and {more} more"] if more else [])]


def main(root: Path | None = None) -> int:
    """``crs-calc --verify-install``: 0 verified, 1 altered, 2 nothing to verify."""
    root = root or bundle_root()
    if root is None:
        print("crs-calc --verify-install checks an installed bundle; this is a source run")
        return 2
    from calculator import ruleset

    loaded: dict[str, str] | None = None
    load_problem: tuple[str, ...] = ()
    try:
        info = ruleset().info
        loaded = {"version": info.version, "sha256": info.sha256}
    except Exception as exc:  # a damaged install must still be reported file by file
        load_problem = (f"the rule data does not load ({type(exc).__name__})",)
    result = verify(root, loaded)
    result = replace(result, problems=result.problems + load_problem)
    for line in result.lines():
        print(line)
    return 0 if result.ok else 1
