"""Issue 12, command line: dates Python cannot carry, closed or full standard output,
oversized standard input, linear checks, floods of unknown keys, hostile files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from calculator.edge.cli import EXIT_INTERNAL, EXIT_REFUSED, run
from calculator.edge.errors import InputError
from calculator.edge.inputs import EARLIEST, LATEST, MAX_FIELDS, validate
from calculator.grading.crs import CrsInput
from tests.calculator.helpers import cli, cli_json

REPO = Path(__file__).resolve().parents[3]
posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX pipes and devices")


def fields_of(data: dict[str, Any]) -> dict[str, str]:
    return {f["field"]: f["message"] for f in data["error"]["fields"]}


# --- Dates outside what Python can carry: exit 2 naming the field, never exit 70 ------------


@pytest.mark.parametrize(
    ("argv", "payload", "field"),
    [
        # 24 h before year 1 and 8 h after year 9999 overflowed (exit 70) before.
        (
            ["tocilizumab-schedule"],
            {"doses": ["0001-01-01T00:00"], "at": "0001-01-01T05:00"},
            "doses[0]",
        ),
        (
            ["tocilizumab-schedule"],
            {"doses": ["9999-12-31T23:00"], "at": "9999-12-31T23:30"},
            "doses[0]",
        ),
        (["tocilizumab-schedule"], {"doses": [], "at": "9999-12-31T23:59"}, "at"),
        (["taper"], {"start": "9999-12-30T08:00", "regimen": "TAPER-MP1G"}, "start"),
        (["recommend"], {"crs_grade": 2, "icans_grade": 0, "at": "0001-01-01T00:00"}, "at"),
        (
            ["recommend"],
            {"crs_grade": 2, "icans_grade": 0, "tocilizumab_doses": ["9999-12-31T23:00"]},
            "tocilizumab_doses[0]",
        ),
    ],
)
def test_dates_near_year_1_or_9999_are_refused_naming_the_field(
    argv: list[str], payload: dict[str, Any], field: str
) -> None:
    code, data = cli_json(argv, payload)
    assert code == EXIT_REFUSED, data
    assert field in fields_of(data)
    assert "outside the dates accepted" in fields_of(data)[field]


def test_the_date_bounds_leave_room_for_the_longest_taper() -> None:
    # 1,000 administrations of up to 60 days a step: 164 years at most after LATEST.
    assert LATEST.year + 165 < 9999
    assert EARLIEST.year - 1 >= 1
    code, data = cli_json(["taper"], {"start": "2999-12-31T23:59", "regimen": "TAPER-MP1G"})
    assert code == 0, data


def test_a_datetime_object_outside_the_bounds_is_refused_too() -> None:
    from datetime import datetime

    from calculator.dosing import ScheduleInput

    with pytest.raises(InputError) as err:
        validate(ScheduleInput, {"doses": [], "at": datetime(1, 1, 1)})
    assert err.value.fields[0].field == "at"


# --- Standard output closed early or full ---------------------------------------------------


@posix_only
def test_rules_piped_to_head_ends_quietly() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "calculator", "rules"],
        cwd=REPO,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None
    assert proc.stderr is not None
    # Like `| head -c 2`: two bytes, then the pipe closes while the answer (74 kB, more than
    # a pipe holds) is still being written.
    first = os.read(proc.stdout.fileno(), 2)
    proc.stdout.close()
    with proc.stderr:
        err = proc.stderr.read()
    assert proc.wait(timeout=60) == 0
    assert first == b"{\n"
    assert err == b""


@pytest.mark.parametrize(
    ("argv", "stdin", "code"),
    [(["rules"], "", 0), (["recommend"], '{"crs_grade": 9, "icans_grade": 0}', EXIT_REFUSED)],
)
def test_a_call_ends_with_its_own_code_and_every_byte_of_its_answer(
    argv: list[str], stdin: str, code: int
) -> None:
    # __main__ ends with os._exit (exit_now): nothing may be lost on the way out, neither
    # the exit code nor the end of an answer larger than a pipe holds (rules: 74 kB).
    done = subprocess.run(
        [sys.executable, "-m", "calculator", *argv],
        cwd=REPO,
        input=stdin.encode(),
        capture_output=True,
        check=False,
        timeout=60,
    )
    expected_code, expected_text = run(argv, lambda: stdin)
    assert (done.returncode, done.stdout.decode()) == (code, expected_text)
    assert expected_code == code
    assert done.stderr == b""


def test_exit_now_writes_what_is_still_buffered_before_it_ends() -> None:
    script = (
        "import sys\n"
        "from calculator.__main__ import exit_now\n"
        "sys.stdout.write('answer')\n"
        "sys.stderr.write('note')\n"
        "exit_now(5)\n"
    )
    # Buffered as usual (PYTHONUNBUFFERED would hide a missing flush).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        env=env,
        capture_output=True,
        check=False,
        timeout=60,
    )
    assert (done.returncode, done.stdout, done.stderr) == (5, b"answer", b"note")


@posix_only
def test_profiles_to_dev_full_is_one_plain_line_and_exit_70() -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    with open("/dev/full", "wb") as full:
        done = subprocess.run(
            [sys.executable, "-m", "calculator", "profiles"],
            cwd=REPO,
            stdin=subprocess.DEVNULL,
            stdout=full,
            stderr=subprocess.PIPE,
            check=False,
            timeout=60,
        )
    assert done.returncode == EXIT_INTERNAL
    err = done.stderr.decode()
    assert "Traceback" not in err
    assert err.count("\n") == 1
    assert "could not be written (No space left on device)" in err


def test_standard_input_over_1_mib_is_refused_before_parsing() -> None:
    # Not even JSON: refused for its size, so nothing parsed it.
    done = subprocess.run(
        [sys.executable, "-m", "calculator", "grade-crs"],
        cwd=REPO,
        input=b"[" * (2 * 1024 * 1024),
        capture_output=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == EXIT_REFUSED
    assert done.stderr == b""
    assert fields_of(json.loads(done.stdout)) == {"input": "is larger than 1 MiB"}


# --- Linear checks, bounded reports ----------------------------------------------------------


class _NoCount(tuple[str, ...]):
    """A tuple whose count() fails: the duplicate check must not call it per item."""

    def count(self, value: Any) -> int:
        raise AssertionError("tuple.count per item makes the duplicate check quadratic")


def test_duplicate_vasopressor_check_is_linear() -> None:
    check = CrsInput._each_agent_once  # the validator itself, fed a list of 150,000
    agents = _NoCount(["other"] * 149_998 + ["norepinephrine", "dopamine"])
    assert check(agents) == agents
    with pytest.raises(ValueError, match="lists norepinephrine more than once"):
        check(_NoCount(["norepinephrine", *(["other"] * 149_998), "norepinephrine"]))


def test_150000_vasopressors_are_graded_with_one_message() -> None:
    err_payload = {"vasopressors": ["norepinephrine", "dopamine"] * 75_000}
    with pytest.raises(InputError) as err:
        validate(CrsInput, err_payload)
    assert [(f.field, f.message) for f in err.value.fields] == [
        ("vasopressors", "lists dopamine, norepinephrine more than once")
    ]


def test_200000_unknown_keys_name_the_first_ones_and_count_the_rest() -> None:
    payload = {f"k{i}": 1 for i in range(200_000)}
    with pytest.raises(InputError) as err:
        validate(CrsInput, payload)
    assert len(err.value.fields) == MAX_FIELDS
    assert [f.field for f in err.value.fields[:3]] == ["k0", "k1", "k2"]
    assert "200000 keys are not known fields" in err.value.message


def test_unknown_keys_in_a_nested_section_are_counted_too() -> None:
    from calculator.records.case import CaseDocument

    case = {
        "format": "crs-calc-case/1",
        "patient": {"weight_kg": 70, "age_years": 54},
        "at": "2026-11-21T08:00",
        "crs": {f"typo{i}": 1 for i in range(50_000)},
    }
    with pytest.raises(InputError) as err:
        validate(CaseDocument, case)
    assert len(err.value.fields) == MAX_FIELDS
    assert err.value.fields[0].field == "crs.typo0"
    assert "50000 keys" in err.value.message


def test_a_few_unknown_keys_are_each_named_as_before() -> None:
    code, data = cli_json(["grade-crs"], {"temprature_c": 39, "oxgen": "room_air"})
    assert code == EXIT_REFUSED
    assert set(fields_of(data)) == {"temprature_c", "oxgen"}


def test_150000_bad_list_items_report_the_first_ones_and_the_count() -> None:
    with pytest.raises(InputError) as err:
        validate(CrsInput, {"vasopressors": ["bogus"] * 150_000})
    assert len(err.value.fields) == MAX_FIELDS
    assert err.value.fields[0].field == "vasopressors[0]"
    assert "150000 problems in all" in err.value.message


def test_unknown_keys_through_the_command_line_within_1_mib() -> None:
    payload = json.dumps({f"k{i}": 0 for i in range(80_000)}, separators=(",", ":"))
    assert len(payload) < 1024 * 1024
    code, data = cli(["grade-crs"], payload)
    assert code == EXIT_REFUSED
    assert len(data["error"]["fields"]) == MAX_FIELDS


# --- Files the command line reads ------------------------------------------------------------


@posix_only
def test_profile_file_that_is_a_fifo_is_refused_not_waited_for(tmp_path: Path) -> None:
    fifo = tmp_path / "institution.toml"
    os.mkfifo(fifo)
    done = subprocess.run(
        [sys.executable, "-m", "calculator", "grade-crs", "--profile-file", str(fifo)],
        cwd=REPO,
        input=b"{}",
        capture_output=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == EXIT_REFUSED
    assert "pipe (FIFO), not a regular file" in fields_of(json.loads(done.stdout))["profile_file"]


@posix_only
def test_profile_file_linked_to_dev_zero_is_refused(tmp_path: Path) -> None:
    link = tmp_path / "institution.toml"
    link.symlink_to("/dev/zero")
    code, data = cli(["grade-crs", "--profile-file", str(link)], "{}")
    assert code == EXIT_REFUSED
    assert fields_of(data)["profile_file"] == f"{link} is a device, not a regular file"


def test_input_file_over_1_mib_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_bytes(b'{"x": "' + b"y" * (1024 * 1024) + b'"}')
    code, data = cli(["grade-crs", "--input", str(path)], "")
    assert code == EXIT_REFUSED
    assert fields_of(data)["input"] == f"{path} is larger than 1 MiB"


def test_deeply_nested_profile_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "deep.toml"
    path.write_text("x = " + "[" * 20_000 + "]" * 20_000 + "\n", encoding="utf-8")
    code, data = cli(["grade-crs", "--profile-file", str(path)], "{}")
    assert code == EXIT_REFUSED
    assert "nested more than 64 levels deep" in fields_of(data)["profile_file"]


# --- Whatever the input, an answer: exit 0 or 2, never 70 ------------------------------------

_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
    | st.sampled_from(["0001-01-01T00:00", "9999-12-31T23:59", "2026-11-21T08:00", "NaN"]),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=30,
)


def _models() -> dict[str, type[BaseModel]]:
    from calculator import (
        CaseDocument,
        CrsInput,
        DoseInput,
        IcansInput,
        RecommendInput,
        ScheduleInput,
        SteroidConversionInput,
        TaperInput,
    )
    from calculator.verification import VerifyInput

    return {
        "grade-crs": CrsInput,
        "grade-icans": IcansInput,
        "dose": DoseInput,
        "tocilizumab-schedule": ScheduleInput,
        "taper": TaperInput,
        "recommend": RecommendInput,
        "note": CaseDocument,
        "convert-steroid": SteroidConversionInput,
        "verify-dose": VerifyInput,
    }


@st.composite
def _requests(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    """A command and an input of its own keys (some of them) with any JSON values."""
    command, model = draw(st.sampled_from(sorted(_models().items())))
    keys = sorted(model.model_fields)
    payload = draw(st.dictionaries(st.sampled_from(keys), _JSON, max_size=len(keys)))
    return command, payload


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(request=_requests())
def test_no_input_gives_an_internal_error(request: tuple[str, dict[str, Any]]) -> None:
    command, payload = request
    code, data = cli_json([command], payload)
    assert code in (0, EXIT_REFUSED), data
    if code == EXIT_REFUSED:
        assert data["error"]["message"]


# --- Issue 20: standard streams closed before the call -------------------------------------


def _closed(command: str, redirect: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        ["sh", "-c", f'exec "$0" -m calculator {command} {redirect}', sys.executable],
        cwd=REPO,
        input=stdin,
        capture_output=True,
        check=False,
        timeout=60,
    )


@posix_only
@pytest.mark.parametrize("command", ["batch", "grade-crs"])
def test_standard_input_closed_is_a_refusal_with_a_message(command: str) -> None:
    done = _closed(command, "<&-")
    assert done.stderr == b""
    assert done.returncode == EXIT_REFUSED
    assert "standard input is closed" in fields_of(json.loads(done.stdout))["input"]


@posix_only
@pytest.mark.parametrize(
    ("command", "stdin", "code"),
    [("profiles", b"", 0), ("grade-crs", b"{}", 0), ("grade-crs", b"{", 2), ("batch", b"{}\n", 0)],
)
def test_standard_output_closed_ends_quietly_with_the_commands_code(
    command: str, stdin: bytes, code: int
) -> None:
    done = _closed(command, ">&-", stdin)
    assert done.stderr == b""
    assert done.returncode == code


@posix_only
def test_a_command_without_input_runs_with_standard_input_closed() -> None:
    done = _closed("profiles", "<&-")
    assert done.returncode == 0
    assert "profiles" in json.loads(done.stdout)


# --- Issue 20: a digit string that is not ASCII digits, or too long, is a refusal --------------

_HASH = "a" * 64


@pytest.mark.parametrize("seq", ["²", "١", "1²", "1" * 5000, "1" * 19, "+1"])
def test_an_anchor_seq_of_other_digits_or_too_many_is_refused(tmp_path: Path, seq: str) -> None:
    log = tmp_path / "audit.jsonl"
    log.write_bytes(b"")
    code, text = run(["audit-verify", str(log), "--anchor", f"{seq}:{_HASH}"], lambda: "")
    assert code == EXIT_REFUSED, text
    assert "SEQ at most 18 digits 0-9" in fields_of(json.loads(text))["anchor"]


@pytest.mark.parametrize(
    ("command", "fmt", "what"),
    [
        ("note", "crs-calc-case/١", "case document format"),
        ("note", "crs-calc-case/¹", "case document format"),
        ("note", "crs-calc-case/" + "1" * 5000, "case document format"),
        ("note", "crs-calc-case/1\n", "case document format"),
        ("scenario-key", "crs-calc-scenario/" + "9" * 5000, "is not a scenario document"),
        ("scenario-key", "crs-calc-scenario/²", "is not a scenario document"),
        ("score", "crs-calc-attempt/" + "1" * 4400, "is not a"),
    ],
)
def test_a_format_version_of_other_digits_or_too_many_is_refused(
    command: str, fmt: str, what: str
) -> None:
    payload: dict[str, Any] = {
        "format": fmt,
        "patient": {"weight_kg": 70, "age_years": 54},
        "at": "2026-11-21T08:00",
    }
    if command != "note":
        payload = {"format": fmt}
    code, text = run([command], lambda: json.dumps(payload))
    assert code == EXIT_REFUSED, text
    assert what in json.loads(text)["error"]["message"]
