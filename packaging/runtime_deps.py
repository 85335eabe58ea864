"""Print the runtime dependencies of pyproject.toml, one per line, for the packaging venv.

Only [project].dependencies: the dev extra never enters the bundle's build environment.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def runtime_dependencies() -> list[str]:
    with (ROOT / "pyproject.toml").open("rb") as f:
        project = tomllib.load(f)["project"]
    deps = [str(d) for d in project["dependencies"]]
    for dep in deps:
        if dep.replace("-", "_").lower().startswith("pyside6") and not dep.lower().startswith(
            ("pyside6-essentials", "pyside6_essentials")
        ):
            sys.exit(f"refusing {dep!r}: the bundle is built from PySide6-Essentials only")
    return deps


if __name__ == "__main__":
    print("\n".join(runtime_dependencies()))
