"""Time and peak memory of the command line on the worst inputs (issue 12); prints, never
asserts.

    .venv/bin/python bench/robustness.py [--appends 10000]

Each command-line case is one ``python -m calculator`` process; its wall time and peak
resident memory (``wait4``) are printed against the goals: under 1 s and 200 MB. Inputs
larger than the contract's 1 MiB are refused by size, so each flood is run twice: through
the command line as large as 1 MiB allows, and in process at the full size named in the
issue (time, and peak memory of the Python heap from ``tracemalloc``). Then the time of
10,000 audit appends to one log (locked, fsynced) in a temporary folder.

Issue 20 adds the hostile batch lines (an id that cannot be echoed, a line of exactly
1 MiB plus its newline), standard streams closed before the call, anchors of other digits
or 5,000 of them, and, in process, the hostile files: rule data holding a FIFO or a link
to /dev/zero, an install manifest of 200,000 ``[`` (and of 8 MiB of them), an audit log
that became a FIFO, and start-up's sweep of 10,000 leftover temporary files.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from calculator.edge.errors import InputError  # noqa: E402
from calculator.edge.inputs import validate  # noqa: E402
from calculator.grading.crs import CrsInput  # noqa: E402
from calculator.records.audit import (  # noqa: E402 - after the path is set
    AuditLogError,
    append,
    verify_chain,
)

GOAL_S = 1.0
GOAL_MB = 200.0
MIB = 1024 * 1024


def _short_keys(n: int) -> list[str]:
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    keys: list[str] = []
    width = 1
    while len(keys) < n:
        for i in range(len(alphabet) ** width):
            digits = []
            for _ in range(width):
                i, r = divmod(i, len(alphabet))
                digits.append(alphabet[r])
            keys.append("x" + "".join(digits))  # never a real field name
            if len(keys) == n:
                break
        width += 1
    return keys


def _compact(value: object) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


def _fit(make: Callable[[int], bytes], high: int) -> tuple[int, bytes]:
    """The largest n <= high whose input fits in 1 MiB, and that input."""
    low = 1
    while low < high:
        mid = (low + high + 1) // 2
        if len(make(mid)) <= MIB:
            low = mid
        else:
            high = mid - 1
    return low, make(low)


def cli_cases() -> list[tuple[str, list[str], bytes]]:
    n_vaso, vaso = _fit(lambda n: _compact({"vasopressors": ["other"] * n}), 150_000)
    n_dup, dup = _fit(
        lambda n: _compact({"vasopressors": ["norepinephrine", "other"] * (n // 2)}), 150_000
    )
    keys = _short_keys(200_000)
    n_keys, unknown = _fit(lambda n: _compact(dict.fromkeys(keys[:n], 0)), 200_000)
    string = b'{"oxygen":"' + b"x" * (MIB - 14) + b'"}'
    return [
        (f"{n_vaso:,} vasopressors ('other', graded)", ["grade-crs"], vaso),
        (f"{n_dup:,} vasopressors with duplicates", ["grade-crs"], dup),
        (
            "150,000 vasopressors (over 1 MiB)",
            ["grade-crs"],
            _compact({"vasopressors": ["other"] * 150_000}),
        ),
        (f"{n_keys:,} unknown keys", ["grade-crs"], unknown),
        (
            "200,000 unknown keys (over 1 MiB)",
            ["grade-crs"],
            _compact({f"k{i}": 1 for i in range(200_000)}),
        ),
        (f"a {len(string) / MIB:.2f} MiB string", ["grade-crs"], string),
        ("nesting 1 MiB deep", ["grade-crs"], b"[" * MIB),
        (
            "nesting 500,000 deep, closed",
            ["grade-crs"],
            b"[" * (MIB // 2 - 1) + b"]" * (MIB // 2 - 1),
        ),
        ("2 MiB on standard input", ["grade-crs"], b" " * (2 * MIB)),
        *issue20_cli_cases(),
    ]


def issue20_cli_cases() -> list[tuple[str, list[str], bytes]]:
    ok = b'{"command":"grade-crs","input":{"temperature_c":39},"id":2}\n'
    head = b'{"command":"grade-crs","input":{"temperature_c":39},"id":1}'
    exact = head + b" " * (MIB - len(head)) + b"\n"
    bad_ids = b"".join(
        b'{"command":"profiles","id":' + raw + b"}\n"
        for raw in (b'"\\ud800"', b"NaN", b"1e309") * 1000
    )
    hash64 = "a" * 64
    return [
        ("batch: 3,000 ids that cannot be echoed", ["batch"], bad_ids + ok),
        ("batch: a line of exactly 1 MiB + newline", ["batch"], exact + ok),
        (
            "audit-verify --anchor of 5,000 digits",
            ["audit-verify", "/dev/null", "--anchor", "1" * 5000 + ":" + hash64],
            b"",
        ),
        (
            "audit-verify --anchor '²:HASH'",
            ["audit-verify", "/dev/null", "--anchor", "²:" + hash64],
            b"",
        ),
    ]


# The child reports its own peak (VmHWM of /proc/self/status: this process image only).
# ru_maxrss from wait4 would also count the bench's own memory at fork time, as Linux
# carries the pre-exec peak over into the child's figure.
# The call ends with os._exit (calculator.__main__.exit_now), so the report goes there, not
# to atexit, which never runs.
_PEAK_REPORTER = """
import os, runpy, sys
def _peak(code, _exit=os._exit):
    try:
        with open('/proc/self/status') as status:
            for line in status:
                if line.startswith('VmHWM:'):
                    sys.stderr.write('PEAK_KB ' + line.split()[1] + chr(10))
                    sys.stderr.flush()
    except (OSError, ValueError):
        pass
    _exit(code)
os._exit = _peak
sys.argv = ['calculator', *sys.argv[1:]]
runpy.run_module('calculator', run_name='__main__', alter_sys=True)
"""


def run_cli(
    argv: list[str], data: bytes, close_fd: int | None = None
) -> tuple[float, float, int, float]:
    """Wall seconds, peak resident MB, exit code and CPU seconds (user + system) of one
    ``python -m calculator`` call (``close_fd``: 0 or 1 closed before it starts)."""
    with (
        tempfile.TemporaryFile() as stdin,
        tempfile.TemporaryFile() as stdout,
        tempfile.TemporaryFile() as stderr,
    ):
        stdin.write(data)
        stdin.seek(0)
        start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-c", _PEAK_REPORTER, *argv],
            stdin=stdin,
            stdout=stdout,
            stderr=stderr,
            cwd=REPO,
            preexec_fn=None if close_fd is None else (lambda: os.close(close_fd)),
        )
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        stderr.seek(0)
        reported = [
            line.split()[1] for line in stderr.read().splitlines() if line.startswith(b"PEAK_KB")
        ]
    peak_mb = int(reported[-1]) / 1024 if reported else usage.ru_maxrss / 1024
    cpu = usage.ru_utime + usage.ru_stime
    return elapsed, peak_mb, os.waitstatus_to_exitcode(status), cpu


def in_process(label: str, call: Callable[[], object]) -> None:
    """Time one call, then its peak Python heap in a second call (tracemalloc slows
    allocation, so it never runs during the timed call)."""
    start = time.perf_counter()
    try:
        call()
        outcome = "accepted"
    except (InputError, ValueError, OSError, AuditLogError) as err:
        outcome = f"refused: {getattr(err, 'message', str(err))[:60]}..."
    elapsed = time.perf_counter() - start
    tracemalloc.start()
    with contextlib.suppress(InputError, ValueError, OSError, AuditLogError):
        call()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"  {label:<44} {elapsed:7.3f} s {peak / MIB:8.1f} MiB heap  {_verdict(elapsed)}  {outcome}"
    )


def _verdict(seconds: float, mb: float = 0.0) -> str:
    return "ok " if seconds < GOAL_S and mb < GOAL_MB else "SLOW"


def issue20_closed_streams() -> None:
    print("Standard streams closed before the call (issue 20):")
    for label, argv, data, fd in (
        ("batch <&-", ["batch"], b"", 0),
        ("grade-crs <&-", ["grade-crs"], b"", 0),
        ("profiles >&-", ["profiles"], b"", 1),
        ("batch >&- (1 line)", ["batch"], b'{"command":"profiles"}\n', 1),
    ):
        seconds, mb, code, cpu = run_cli(argv, data, close_fd=fd)
        print(
            f"  {label:<44} {seconds:7.3f} s {cpu:7.3f} s {mb:8.1f} MB  "
            f"{_verdict(seconds, mb)}  exit {code}"
        )


def issue20_files() -> None:
    """The hostile files of issue 20, in process (time and Python heap; never asserted)."""
    from importlib import resources

    from calculator.rulebook.loader import read_data_files
    from ui.store.atomic import remove_leftover_temp_files
    from ui.store.install_manifest import MANIFEST_NAME, verify

    print("Hostile files (issue 20), in process:")
    data = Path(str(resources.files("calculator.rulebook").joinpath("data")))
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for name, make in (
            ("a FIFO", lambda p: os.mkfifo(p)),
            ("a link to /dev/zero", lambda p: p.symlink_to("/dev/zero")),
        ):
            folder = root / name.replace(" ", "_").replace("/", "_")
            folder.mkdir()
            for f in data.glob("*.toml"):
                (folder / f.name).write_bytes(f.read_bytes())
            make(folder / "zz-extra.toml")
            in_process(f"rule data holding {name}", lambda f=folder: read_data_files(f))
        bundle = root / "bundle"
        bundle.mkdir()
        (bundle / "crs-calc").write_bytes(b"x")
        for label, content in (
            ("manifest of 200,000 '['", b"[" * 200_000),
            ("manifest of 8 MiB of '['", b"[" * (8 * MIB)),
            (
                'manifest with "ruleset": 5',
                b'{"format":"crs-calc-manifest/1","files":{},"ruleset":5}',
            ),
        ):
            (bundle / MANIFEST_NAME).write_bytes(content)
            in_process(label, lambda: _finding(verify(bundle, None).problems))
        log = root / "audit.jsonl"
        os.mkfifo(log)
        in_process(
            "audit append to a log that became a FIFO",
            lambda: append(log, at=datetime(2026, 11, 21), event="print", record="x"),
        )
        sweep = root / "sweep"
        sweep.mkdir()
        gone = _a_gone_pid()
        for i in range(10_000):
            (sweep / f".current-case.json.{gone}.1.{i:012x}.tmp").write_bytes(b"x")
        in_process(
            "start-up sweep of 10,000 leftover .tmp files",
            lambda: remove_leftover_temp_files([sweep]),
        )


def _finding(problems: tuple[str, ...]) -> None:
    if problems:  # shown as the outcome, like a refusal
        raise ValueError(f"finding: {problems[0]}")


def _a_gone_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def audit_appends(n: int, folder: str | None) -> None:
    where = folder or tempfile.gettempdir()
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        log = Path(tmp) / "audit.jsonl"
        at = datetime(2026, 11, 21, 8, 0)
        start, cpu0 = time.perf_counter(), time.process_time()
        for i in range(n):
            append(log, at=at, event="print", record="handoff", label=f"bed {i % 30}")
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu0
        # Per-append cost must not grow with the log: time the last 1,000 on their own.
        start = time.perf_counter()
        for i in range(1000):
            append(log, at=at, event="print", record="handoff", label=f"bed {i % 30}")
        last = time.perf_counter() - start
        verify_start = time.perf_counter()
        ok = verify_chain(log).ok
        verify = time.perf_counter() - verify_start
    print(
        f"  in {where}: {n:,} appends {elapsed:.2f} s wall, {cpu:.2f} s CPU "
        f"({elapsed / n * 1e3:.2f} ms each, locked, fsynced) {_verdict(elapsed)}; "
        f"1,000 more on a log of {n:,}: {last:.2f} s; audit-verify of {n + 1000:,}: "
        f"{verify:.2f} s, chain ok: {ok}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description="worst-case inputs: time and peak memory")
    parser.add_argument("--appends", type=int, default=10_000)
    args = parser.parse_args()
    print(f"Command line, one process each (goal: under {GOAL_S:g} s and {GOAL_MB:g} MB).")
    print("  CPU is user + system time of the process: on a machine shared with other work")
    print("  it says more than wall time; the reference row is a call with no input at all.")
    base_s, base_mb, _, base_cpu = run_cli(["profiles"], b"")
    print(f"  {'':<44} {'wall':>9} {'CPU':>9} {'peak RSS':>11}")
    ref = "(reference: profiles, no input)"
    print(f"  {ref:<44} {base_s:7.3f} s {base_cpu:7.3f} s {base_mb:8.1f} MB")
    for label, argv, data in cli_cases():
        seconds, mb, code, cpu = run_cli(argv, data)
        print(
            f"  {label:<44} {seconds:7.3f} s {cpu:7.3f} s {mb:8.1f} MB  "
            f"{_verdict(seconds, mb)}  exit {code}"
        )
    print("In process, at the full sizes of the issue (inputs built beforehand; heap is")
    print("Python's own, from tracemalloc: pydantic's Rust side is not counted):")
    cases: list[tuple[str, dict[str, object]]] = [
        (
            "150,000 vasopressors with duplicates",
            {"vasopressors": ["norepinephrine", "other"] * 75_000},
        ),
        ("150,000 vasopressors ('other')", {"vasopressors": ["other"] * 150_000}),
        ("150,000 unknown vasopressor names", {"vasopressors": ["bogus"] * 150_000}),
        ("200,000 unknown keys", {f"k{i}": 1 for i in range(200_000)}),
    ]
    for label, payload in cases:
        in_process(label, lambda payload=payload: validate(CrsInput, payload))
    issue20_closed_streams()
    issue20_files()
    print("Audit log (the disk's fsync dominates; /dev/shm shows the cost without it):")
    audit_appends(args.appends, None)
    if Path("/dev/shm").is_dir():
        audit_appends(args.appends, "/dev/shm")
    return 0


if __name__ == "__main__":
    sys.exit(main())
