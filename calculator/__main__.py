"""``python -m calculator``: the only place in the core that reads standard input and
prints.

Standard input is read bounded: at most 1 MiB (one more byte tells a longer input,
which is refused with exit 2 before anything parses it); ``batch`` reads it line by
line, 1 MiB a line. Standard output closed early (``| head``) ends the call quietly
with exit 0, as the contract says. Standard output that cannot take the answer (a full
disk, ``>/dev/full``) ends with one plain line on standard error and exit 70: the
answer was not delivered, and the contract has no other code for that.
"""

from __future__ import annotations

import os
import sys

from calculator.edge.cli import EXIT_INTERNAL, EXIT_OK, run
from calculator.edge.safe_io import MIB, bounded_lines, read_stream


def _read_stdin() -> bytes:
    return read_stream(sys.stdin.buffer, "input", MIB)


def _write_line(text: str) -> None:
    # Each answer leaves as soon as it is made, so a script can write a request and read
    # its answer before sending the next.
    sys.stdout.write(text)
    sys.stdout.flush()


def _quiet_stdout() -> None:
    # Python flushes stdout again at exit; pointing it at devnull keeps that flush from
    # raising (and printing) a second time.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def main() -> int:
    argv = sys.argv[1:]
    try:
        if argv[:1] == ["batch"]:
            # Imported for a batch only: a single call never pays for it (issue 26).
            from calculator.edge.batch import run_batch

            code = run_batch(argv[1:], bounded_lines(sys.stdin.buffer, MIB), _write_line)
        else:
            code, text = run(argv, _read_stdin)
            sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader has all it wanted (`| head`): not a failure of ours.
        _quiet_stdout()
        return EXIT_OK
    except OSError as exc:
        _quiet_stdout()
        reason = exc.strerror or str(exc)
        sys.stderr.write(f"python -m calculator: the answer could not be written ({reason}).\n")
        return EXIT_INTERNAL
    return code


if __name__ == "__main__":
    sys.exit(main())
