"""``make package-test``: run the frozen bundle's self-test the way a ward workstation would.

    python3 packaging/smoke_test.py dist/crs-calc/crs-calc

- ``crs-calc --self-test`` offscreen, without network access where the OS lets us take it
  away (Linux: a new network namespace via ``unshare --net``; elsewhere the self-test's own
  in-process socket guard still applies), with a throw-away settings folder;
- then ``crs-calc --exit-after-startup`` (the benchmark mode must start and quit cleanly);
- any stderr line not listed in ALLOWED_STDERR fails the run (qutebrowser style);
- the licence list and the SBOM must be inside the bundle.

Stdlib only: it runs with any Python 3.11+, not with the bundle's.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

#: stderr lines that are harmless headless. Keep this list short and commented.
ALLOWED_STDERR: tuple[re.Pattern[str], ...] = (
    # Qt on a CI runner without a login session.
    re.compile(r"^QStandardPaths: XDG_RUNTIME_DIR not set"),
    # The offscreen platform cannot propagate size hints (also in pyproject's qt_log_ignore).
    re.compile(r"^This plugin does not support propagateSizeHints\(\)$"),
)
TIMEOUT_S = 300


def _isolation_prefix() -> tuple[list[str], str]:
    if not sys.platform.startswith("linux") or shutil.which("unshare") is None:
        return [], "not isolated on this OS (the self-test still refuses sockets in-process)"
    for prefix in (["unshare", "--net"], ["unshare", "--net", "--map-root-user"]):
        try:
            probe = subprocess.run([*prefix, "true"], capture_output=True, timeout=30)
        except (OSError, subprocess.SubprocessError):
            continue
        if probe.returncode == 0:
            return prefix, f"isolated: {' '.join(prefix)} (no interface but loopback)"
    return [], "unshare refused here (the self-test still refuses sockets in-process)"


def _run(cmd: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cmd,
        env=env,
        capture_output=True,
        encoding="utf-8",
        errors="replace",
        timeout=TIMEOUT_S,
        stdin=subprocess.DEVNULL,
    )


def _unexpected(stderr: str) -> list[str]:
    return [
        line
        for line in stderr.splitlines()
        if line.strip() and not any(p.search(line) for p in ALLOWED_STDERR)
    ]


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__)
        return 2
    exe = Path(argv[0]).resolve()
    if not exe.is_file():
        print(f"package-test: {exe} does not exist: run `make package` first")
        return 1
    passed = failed = 0

    def check(ok: bool, what: str, detail: str = "") -> None:
        nonlocal passed, failed
        passed, failed = (passed + 1, failed) if ok else (passed, failed + 1)
        print(f"{'ok   ' if ok else 'FAIL '} {what}{': ' + detail if detail else ''}")

    prefix, isolation = _isolation_prefix()
    print(f"package-test: network {isolation}")
    with tempfile.TemporaryDirectory(prefix="crs-calc-smoke-", ignore_cleanup_errors=True) as home:
        env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
        env.update(QT_QPA_PLATFORM="offscreen", CRS_CALC_HOME=home)

        proc = _run([*prefix, str(exe), "--self-test"], env)
        sys.stdout.write(proc.stdout)
        summary = re.search(r"^self-test: (\d+) passed, (\d+) failed", proc.stdout, re.M)
        check(proc.returncode == 0, "crs-calc --self-test exits 0", f"exit {proc.returncode}")
        check(
            bool(summary and summary.group(2) == "0" and int(summary.group(1)) > 0),
            "self-test summary",
            summary.group(0) if summary else "missing",
        )
        bad = _unexpected(proc.stderr)
        check(not bad, "self-test stderr is clean", " | ".join(bad[:10]))

        proc = _run([*prefix, str(exe), "--exit-after-startup"], env)
        check(
            proc.returncode == 0, "crs-calc --exit-after-startup exits 0", f"exit {proc.returncode}"
        )
        bad = _unexpected(proc.stderr)
        check(not bad, "start-up stderr is clean", " | ".join(bad[:10]))

    bundle = exe.parent
    for name in ("THIRD-PARTY-LICENSES.txt", "crs-calc.cdx.json", "LGPL-3.0.txt"):
        found = list(bundle.rglob(f"licenses/{name}"))
        check(bool(found), f"bundle ships licenses/{name}")
    sbom = next(iter(bundle.rglob("licenses/crs-calc.cdx.json")), None)
    if sbom is not None:
        bom = json.loads(sbom.read_text(encoding="utf-8"))
        names = {c.get("name", "").lower().replace("_", "-") for c in bom.get("components", [])}
        check(
            bom.get("bomFormat") == "CycloneDX" and bom.get("specVersion") == "1.6",
            "SBOM is CycloneDX 1.6",
        )
        check("pyside6-essentials" in names and "pyside6" not in names, "SBOM: Essentials only")
    _verify_install_checks(exe, check)
    notices = next(iter(bundle.rglob("licenses/THIRD-PARTY-LICENSES.txt")), None)
    if notices is not None:
        text = notices.read_text(encoding="utf-8")
        check("LGPL-3.0" in text and "replace" in text, "licence list: Qt LGPL notice")
    print(f"package-test: {passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


def _verify_install_checks(exe: Path, check: Callable[..., None]) -> None:
    """``--verify-install`` on the built folder (exit 0), then on a tampered copy: a changed
    rule data file, a deleted and an added file must each be named, exit 1."""
    proc = _run([str(exe), "--verify-install"], dict(os.environ))
    check(proc.returncode == 0, "crs-calc --verify-install exits 0", proc.stdout[-500:])
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "crs-calc"
        shutil.copytree(exe.parent, copy, symlinks=True)
        rule = next(copy.rglob("calculator/rulebook/data/dosing.toml"))
        rule.write_bytes(rule.read_bytes() + b"# edited\n")
        (copy / "_internal" / "added.txt").write_text("x")
        victim = next(copy.rglob("calculator/rulebook/data/grading.toml"))
        victim.unlink()
        proc = _run([str(copy / exe.name), "--verify-install"], dict(os.environ))
        rel = lambda p: p.relative_to(copy).as_posix()  # noqa: E731
        named = (
            f"changed: {rel(rule)}" in proc.stdout
            and f"missing: {rel(victim)}" in proc.stdout
            and "added: _internal/added.txt" in proc.stdout
        )
        check(
            proc.returncode == 1 and named,
            "--verify-install on a tampered copy: exit 1, each file named",
            proc.stdout[-800:],
        )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
