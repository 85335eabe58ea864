"""Issue 20: the program's own files (rule data, rulebook sources, built-in scenarios) are
read bounded like every other file: a FIFO or a link to /dev/zero among the rule data is
a RuleDataError naming the file, never a hang or a read without end.

Each case runs in a child process with a time limit and an address-space cap, so the
unbounded read these tests guard against fails the test instead of hanging it or eating
the machine's memory."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from importlib import resources
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
posix_only = pytest.mark.skipif(os.name != "posix", reason="FIFOs and /dev/zero are POSIX")

CHILD = textwrap.dedent(
    """
    import resource, sys
    from pathlib import Path
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
    from calculator.rulebook import loader
    here = Path(sys.argv[1])
    loader.package_folder = lambda: here  # the package's data folder is the copy in tmp_path
    if len(sys.argv) > 2:
        exec(sys.argv[2])
        sys.exit(0)
    try:
        loader.load_ruleset()
    except ValueError as err:  # RuleDataError
        print("refused:", err)
    """
)


def _data_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(Path(str(resources.files("calculator.rulebook").joinpath("data"))), folder)
    (folder / "ruleset.snapshot").unlink(missing_ok=True)
    return folder


def _load_in_child(folder: Path, then: str = "") -> str:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(folder.parent), *([then] if then else [])],
        cwd=REPO,
        capture_output=True,
        check=False,
        timeout=30,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr.decode()[-400:]
    return done.stdout.decode()


def test_the_shipped_data_reads_as_before(tmp_path: Path) -> None:
    from calculator.rulebook.loader import read_data_files

    assert read_data_files(_data_copy(tmp_path)) == read_data_files()


@posix_only
def test_a_fifo_among_the_rule_data_is_refused_not_waited_for(tmp_path: Path) -> None:
    folder = _data_copy(tmp_path)
    os.mkfifo(folder / "zz-extra.toml")
    out = _load_in_child(folder)
    assert "refused:" in out
    assert "zz-extra.toml" in out
    assert "pipe (FIFO)" in out


@posix_only
def test_a_link_to_dev_zero_among_the_rule_data_is_refused_without_reading(
    tmp_path: Path,
) -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero here")
    folder = _data_copy(tmp_path)
    (folder / "grading.toml").unlink()
    (folder / "grading.toml").symlink_to("/dev/zero")
    out = _load_in_child(folder)
    assert "refused:" in out
    assert "grading.toml" in out
    assert "a device" in out


def test_an_oversized_or_too_deep_data_file_is_refused_by_name(tmp_path: Path) -> None:
    from calculator.rulebook.loader import DATA_LIMIT, RuleDataError, merge_tables

    folder = _data_copy(tmp_path)
    (folder / "zz-big.toml").write_bytes(b"# " + b"x" * DATA_LIMIT + b"\n")
    out = _load_in_child(folder)
    assert "zz-big.toml" in out
    assert "is larger than 1 MiB" in out
    with pytest.raises(RuleDataError, match=r"deep\.toml.*nested more than 64"):
        merge_tables([("deep.toml", b"a = " + b"[" * 200 + b"]" * 200 + b"\n")])


@posix_only
def test_the_command_line_answers_damaged_rule_data_as_an_internal_error(
    tmp_path: Path,
) -> None:
    """The install is damaged, not the request: exit 70 with JSON, never a traceback."""
    folder = _data_copy(tmp_path)
    os.mkfifo(folder / "zz-extra.toml")
    out = _load_in_child(
        folder, "from calculator.edge.cli import run; print(*run(['profiles'], str))"
    )
    assert out.startswith("70 {")
    assert "zz-extra.toml" in out
    assert "Traceback" not in out
