"""The installed bundle's manifest and ``crs-calc --verify-install``.

The build writes ``crs-calc-manifest.json`` beside the executable: every file of the
bundle with its sha256 (symbolic links with their target), the app version and the
ruleset version and sha256. ``verify()`` compares an installed copy with it, so hospital
IT can tell from a script whether a workstation's copy was altered: exit 0, or exit 1
naming each changed, missing or added file.

Stdlib only (no Qt, and not calculator.edge.safe_io, which brings pydantic): the packaging
spec and deb.py import it at build time on a plain python3, and the check must run even
where Qt or the core cannot start. So it keeps its own small bounded reader
(:func:`read_manifest`, the same rules as ``safe_io``: a regular file only, opened without
blocking and checked on the descriptor, at most 8 MiB, JSON nested at most 64 levels,
checked by a linear scan before the parser), and its own shape checks: a hostile manifest
(200,000 ``[``, ``"ruleset": 5``, a FIFO) is a finding naming the problem, never a
traceback. A bundle file that is not a regular file (a FIFO put in the bundle) is hashed
as what it is, never opened for reading, and so reported as changed.

What the manifest cannot prove: a copy altered together with its manifest; the package
manager's own checksums (``dpkg --verify``) and signed packages cover that.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from itertools import accumulate
from pathlib import Path
from typing import Any

MANIFEST_NAME = "crs-calc-manifest.json"
MANIFEST_FORMAT = "crs-calc-manifest/1"
#: Written beside the program by portable mode (ui.store.storage); they are the user's, not ours.
USER_OWNED = ("crs-calc.portable", "crs-calc-data")
_MAX_MANIFEST_BYTES = 8 * 1024 * 1024
_MAX_DEPTH = 64  # the manifest nests 3 levels; calculator.edge.safe_io's limit


def bundle_root() -> Path | None:
    """The frozen bundle's folder, or None when running from source."""
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve().parent
    return None


def _open_regular(path: Path) -> int | str:
    """A descriptor of a regular file opened for reading without blocking (a FIFO or a
    device is never waited for), or what the path is in words."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    mode = os.fstat(fd).st_mode
    if stat.S_ISREG(mode):
        return fd
    os.close(fd)
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a plain file"


def _sha256(path: Path) -> str:
    opened = _open_regular(path)
    if isinstance(opened, str):
        return "not a regular file: " + opened
    digest = hashlib.sha256()
    with os.fdopen(opened, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


_BRACKET_STEP = [0] * 256
_BRACKET_STEP[ord("[")] = _BRACKET_STEP[ord("{")] = 1
_BRACKET_STEP[ord("]")] = _BRACKET_STEP[ord("}")] = -1
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def _too_deep(raw: bytes, limit: int) -> bool:
    """Whether arrays and objects outside strings nest deeper than ``limit``: one linear
    pass in C (bytes operations, iterators), stopping at the first level too deep; the
    parser recurses once a level, and 200,000 of them overflow it."""
    cleaned = raw.replace(b"\\\\", b"").replace(b'\\"', b"")
    outside = b"".join(cleaned.split(b'"')[::2])
    brackets = outside.translate(None, _NOT_BRACKETS)
    depths = accumulate(map(_BRACKET_STEP.__getitem__, brackets))
    return next(filter(limit.__lt__, depths), None) is not None


def read_manifest(path: Path) -> dict[str, Any]:
    """The manifest as a dict whose shape verify() relies on; ValueError in plain words
    for anything else (OSError when it cannot be opened)."""
    opened = _open_regular(path)
    if isinstance(opened, str):
        raise ValueError(f"{MANIFEST_NAME} is {opened}, not a regular file")
    with os.fdopen(opened, "rb") as fh:
        raw = fh.read(_MAX_MANIFEST_BYTES + 1)
    if len(raw) > _MAX_MANIFEST_BYTES:
        raise ValueError(f"{MANIFEST_NAME} is larger than {_MAX_MANIFEST_BYTES} bytes")
    if raw.count(b"[") + raw.count(b"{") > _MAX_DEPTH and _too_deep(raw, _MAX_DEPTH):
        raise ValueError(f"{MANIFEST_NAME} is nested more than {_MAX_DEPTH} levels deep")
    try:
        manifest = json.loads(raw)
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise ValueError(f"{MANIFEST_NAME} is not valid JSON ({_short(exc)})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
        raise ValueError(f"{MANIFEST_NAME} is not a {MANIFEST_FORMAT} document")
    files = manifest.get("files")
    if not isinstance(files, dict):
        raise ValueError(f"{MANIFEST_NAME}: 'files' is not an object")
    if not all(isinstance(v, str) for v in files.values()):
        raise ValueError(f"{MANIFEST_NAME}: 'files' holds a fingerprint that is not text")
    rs = manifest.get("ruleset", {})
    if not isinstance(rs, dict) or not all(
        isinstance(rs.get(k, ""), str) for k in ("version", "sha256")
    ):
        raise ValueError(
            f"{MANIFEST_NAME}: 'ruleset' is not an object with a text version and sha256"
        )
    if not isinstance(manifest.get("app_version", ""), str):
        raise ValueError(f"{MANIFEST_NAME}: 'app_version' is not text")
    return manifest


def _short(exc: BaseException, limit: int = 120) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) <= limit else text[: limit - 3] + "..."


def shown(text: str) -> str:
    """Text as it can be printed whatever it holds: a file name that is not UTF-8 keeps
    its bytes as escapes (surrogateescape) instead of stopping the print."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


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
        if manifest_path.is_symlink() or not os.path.lexists(manifest_path):
            raise ValueError(f"{MANIFEST_NAME} is missing")
        manifest = read_manifest(manifest_path)
    except OSError as exc:
        return Verification(
            root=root, problems=(f"{MANIFEST_NAME} cannot be read ({exc.strerror or exc})",)
        )
    except ValueError as exc:
        return Verification(root=root, problems=(str(exc),))
    expected = manifest["files"]
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
        print(shown(line))
    return 0 if result.ok else 1
