"""The tree as ARCHITECTURE.md draws it: every module imports on its own, first, in a fresh
interpreter state (a circle through a package's ``__init__`` fails only in that order), and the
top level of each package holds only the small shared pieces the map names."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# What the map keeps at the top of each package; everything else lives in a group.
TOP_LEVEL = {
    "calculator": {"__init__", "__main__", "local_time", "results", "units", "words"},
    "ui": {"__init__", "__main__", "models", "timeentry", "trace", "units"},
}

_IMPORT_EACH = """
import importlib, sys, traceback
failed = []
for name in sys.argv[1:]:
    for loaded in [m for m in sys.modules if m.split(".")[0] in ("calculator", "ui")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception:
        failed.append(name + ": " + traceback.format_exc().strip().splitlines()[-1])
print("\\n".join(failed))
"""


def _modules(package: str) -> list[str]:
    names = []
    for path in sorted((ROOT / package).rglob("*.py")):
        rel = path.relative_to(ROOT).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts.pop()
        if parts[-1] == "__main__":
            continue
        names.append(".".join(parts))
    return names


def test_every_module_imports_first_and_alone(tmp_path: Path) -> None:
    modules = _modules("calculator") + _modules("ui")
    assert "calculator.rulebook.in_force" in modules  # the walk found the tree
    done = subprocess.run(
        [sys.executable, "-c", _IMPORT_EACH, *modules],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "", done.stdout


def test_the_top_level_holds_only_the_shared_pieces() -> None:
    for package, allowed in TOP_LEVEL.items():
        found = {p.stem for p in (ROOT / package).glob("*.py")}
        assert "__init__" in found  # the glob found the package
        assert found <= allowed, f"{package}/: {sorted(found - allowed)} belong to a group"
