"""Write the validated-ruleset snapshot beside the rule data (`make snapshot`, a step of
`make run`, `make test`, `make bench` and `make package`; see calculator/rulebook/snapshot.py).

    python tools/build_snapshot.py [OUT]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from calculator.rulebook.snapshot import write_snapshot


def main(argv: list[str]) -> int:
    out = write_snapshot(Path(argv[0]) if argv else None)
    print(f"ruleset snapshot: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
