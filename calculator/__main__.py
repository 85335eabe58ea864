"""``python -m calculator``: the only place in the core that prints."""

from __future__ import annotations

import sys

from calculator.cli import run


def _read_stdin() -> str:
    return sys.stdin.read()


def main() -> int:
    code, text = run(sys.argv[1:], _read_stdin)
    sys.stdout.write(text)
    return code


if __name__ == "__main__":
    sys.exit(main())
