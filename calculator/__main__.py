"""``python -m calculator``: the only place in the core that reads standard input and
prints.

Standard input is read bounded: at most 1 MiB (one more byte tells a longer input,
which is refused with exit 2 before anything parses it); ``batch`` reads it line by
line, 1 MiB a line. Standard output closed early (``| head``) ends the call quietly
with exit 0, as the contract says. Standard output that cannot take the answer (a full
disk, ``>/dev/full``) ends with one plain line on standard error and exit 70: the
answer was not delivered, and the contract has no other code for that.

Standard streams closed before the call (``<&-``, ``>&-``): Python then has no
``sys.stdin`` / ``sys.stdout``. A command that needs its input is refused (exit 2, the
JSON answer says standard input is closed); with standard output closed the command
runs, nothing is written, and the exit code is the command's own. A closed descriptor
0, 1 or 2 is filled with the null device first, so no file opened later takes its
number.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from typing import BinaryIO, NoReturn

if __name__ == "__main__":
    # Start-up builds many objects and no garbage (the model classes, the ruleset): the
    # cyclic collector only walks them, over and over, about 10 ms of a call (issue 26).
    # Off while the program loads; a single call then ends before it could matter (its
    # input is at most 1 MiB), and a batch, which runs on, turns it back on (main()).
    gc.disable()

from calculator.edge.cli import EXIT_INTERNAL, EXIT_OK, run
from calculator.edge.errors import InputError
from calculator.edge.safe_io import MIB, bounded_lines, read_stream

STDIN_CLOSED = (
    "standard input is closed: give the JSON object on standard input or with --input FILE"
)


def _stdin() -> BinaryIO | None:
    stream = sys.stdin
    return None if stream is None else stream.buffer


def _read_stdin() -> bytes:
    stdin = _stdin()
    if stdin is None:
        raise InputError.for_field("input", STDIN_CLOSED)
    return read_stream(stdin, "input", MIB)


def _write_line(text: str) -> None:
    # Each answer leaves as soon as it is made, so a script can write a request and read
    # its answer before sending the next.
    if sys.stdout is None:
        return
    sys.stdout.write(text)
    sys.stdout.flush()


def _fill_closed_descriptors() -> None:
    """Point a closed descriptor 0, 1 or 2 at the null device (sys.* stay None)."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            try:
                null = os.open(os.devnull, os.O_RDWR)
            except OSError:
                return
            if null != fd:
                os.dup2(null, fd)
                os.close(null)


def _quiet_stdout() -> None:
    # Python flushes stdout again at exit; pointing it at devnull keeps that flush from
    # raising (and printing) a second time.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def _tell(text: str) -> None:
    if sys.stderr is not None:
        try:
            sys.stderr.write(text)
            sys.stderr.flush()
        except (OSError, ValueError):
            pass


def _collect_from_here() -> None:
    """Collect garbage again from now on, as usual, leaving out what start-up made (kept
    for the whole run: the collector need not walk it again on every pass)."""
    gc.freeze()
    gc.enable()


def main() -> int:
    argv = sys.argv[1:]
    _fill_closed_descriptors()
    try:
        if argv[:1] == ["batch"]:
            # Imported for a batch only: a single call never pays for it (issue 26).
            from calculator.edge.batch import run_batch

            _collect_from_here()
            stdin = _stdin()
            lines = None if stdin is None else bounded_lines(stdin, MIB)
            code = run_batch(argv[1:], lines, _write_line)
        else:
            code, text = run(argv, _read_stdin)
            _write_line(text)
        if sys.stdout is not None:
            sys.stdout.flush()
    except BrokenPipeError:
        # The reader has all it wanted (`| head`): not a failure of ours.
        _quiet_stdout()
        return EXIT_OK
    except OSError as exc:
        _quiet_stdout()
        reason = exc.strerror or str(exc)
        _tell(f"python -m calculator: the answer could not be written ({reason}).\n")
        return EXIT_INTERNAL
    return code


def exit_now(code: int) -> NoReturn:
    """End the process with ``code`` once the answer is out, without Python's own exit: that
    frees, one by one, every object start-up made (the model classes, the rules), about
    20 ms of a call (issue 26), and a call has nothing else to close: every command only
    reads, and its answer has been written and flushed (main()). mypy ends the same way."""
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            with contextlib.suppress(OSError, ValueError):  # main() has reported it
                stream.flush()
    os._exit(code)


def entry() -> NoReturn:
    """The installed ``crs-calc-core`` command: ends as ``python -m calculator`` does. (It
    loads with the garbage collector on: the installed script imports this module before it
    calls this, so the ``__main__`` guard above does not run.)"""
    exit_now(main())


if __name__ == "__main__":
    exit_now(main())
