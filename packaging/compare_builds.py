"""``make package-check``: are two builds of the same commit byte-identical?

    python3 packaging/compare_builds.py FIRST_BUNDLE SECOND_BUNDLE

Compares the two folders file by file (contents and symbolic-link targets) and the two
install manifests; prints every difference and exits 1 if there is one. Stdlib only.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from ui.store.install_manifest import MANIFEST_NAME, fingerprint


def tree(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): fingerprint(p)
        for p in sorted(root.rglob("*"))
        if p.is_symlink() or p.is_file()
    }


def differences(a: dict[str, str], b: dict[str, str]) -> list[str]:
    out = [f"only in the first build: {rel}" for rel in sorted(a.keys() - b.keys())]
    out += [f"only in the second build: {rel}" for rel in sorted(b.keys() - a.keys())]
    out += [f"differs: {rel}" for rel in sorted(a.keys() & b.keys()) if a[rel] != b[rel]]
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    first, second = (tree(Path(p)) for p in argv)
    diffs = differences(first, second)
    # The manifests are files of the trees, so no difference means identical manifests;
    # builds without one are not what this check is for.
    if MANIFEST_NAME not in first.keys() | second.keys():
        diffs.append(f"no {MANIFEST_NAME} in either build")
    for line in diffs:
        print(line)
    if diffs:
        print(f"package-check: {len(diffs)} difference(s) between two builds of one commit")
        return 1
    print(
        f"package-check: the two builds are byte-identical ({len(first)} files; "
        "manifests identical)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
