"""`python -m calculator batch` (issue 14, cli-contract.md "batch"): one JSON line per
request, in order, each exactly what the single command answers."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from calculator.edge.batch import run_batch
from calculator.edge.cli import run
from calculator.edge.safe_io import MIB, bounded_lines

REPO = Path(__file__).resolve().parents[3]

CASE = {
    "format": "crs-calc-case/1",
    "patient": {"label": "bed 12", "weight_kg": 70, "age_years": 54, "product": "axi-cel"},
    "at": "2026-11-21T08:00",
    "crs": {"temperature_c": 39.5, "vasopressors": ["norepinephrine"]},
    "icans": {"ice_score": 6},
    "tocilizumab_doses": ["2026-11-21T02:00"],
}

#: (command, input, profile): a sample of every command a batch may run, results and
#: refusals alike.
SAMPLE: list[tuple[str, dict[str, Any], str | None]] = [
    ("grade-crs", {"temperature_c": 39.2, "vasopressors": ["norepinephrine"]}, None),
    ("grade-crs", {"temperature_c": 39.2, "oxygen": "nasal_cannula"}, None),  # refused
    ("grade-crs", {"temperature_c": 38.4}, "asco-2021"),
    ("grade-icans", {"age_years": 40, "ice_score": 5}, None),
    ("grade-icans", {"age_years": 40, "ice_score": 11}, None),  # refused
    ("dose", {"drug": "tocilizumab", "weight_kg": 70, "age_years": 50}, None),
    ("dose", {"drug": "dexamethasone", "weight_kg": 70, "age_years": 50}, None),
    ("dose", {"drug": "tocilizumab", "weight_kg": 0, "age_years": 50}, None),  # refused
    (
        "tocilizumab-schedule",
        {"doses": ["2026-11-21T02:00"], "at": "2026-11-21T08:00"},
        None,
    ),
    ("tocilizumab-schedule", {"doses": [], "at": "0001-01-01T00:00"}, None),  # refused
    ("taper", {"start": "2026-03-01T08:00", "regimen": "TAPER-MP1G"}, None),
    ("recommend", {"crs_grade": 2, "icans_grade": 0}, None),
    ("recommend", {"crs_grade": 3, "icans_grade": 2, "weight_kg": 70, "age_years": 54}, None),
    ("note", CASE, None),
    ("convert-steroid", {"drug": "dexamethasone", "dose_mg": 10, "to": "methylprednisolone"}, None),
    (
        "verify-dose",
        {
            "order": {"drug": "tocilizumab", "weight_kg": 80, "age_years": 54, "dose_mg": 640},
            "independent": {"drug": "tocilizumab", "weight_kg": 80, "dose_mg": 640},
        },
        None,
    ),
    ("profiles", {}, None),
    ("regimens", {}, None),
    ("grade-crs", {}, "no-such-profile"),  # refused: the profile
]


def single(command: str, payload: dict[str, Any], profile: str | None) -> tuple[int, Any]:
    argv = [command] + (["--profile", profile] if profile else [])
    code, text = run(argv, lambda: json.dumps(payload))
    return code, json.loads(text)


def batch(lines: list[bytes]) -> list[dict[str, Any]]:
    out = io.StringIO()
    assert run_batch([], bounded_lines(io.BytesIO(b"".join(lines)), MIB), out.write) == 0
    return [json.loads(line) for line in out.getvalue().splitlines()]


def request(command: str, payload: dict[str, Any], profile: str | None, rid: Any) -> bytes:
    req: dict[str, Any] = {"command": command, "input": payload, "id": rid}
    if profile is not None:
        req["profile"] = profile
    return json.dumps(req).encode() + b"\n"


def test_each_batch_answer_is_exactly_the_single_command_answer() -> None:
    answers = batch([request(c, p, prof, i) for i, (c, p, prof) in enumerate(SAMPLE)])
    assert len(answers) == len(SAMPLE)
    seen_exits = set()
    for i, ((command, payload, profile), got) in enumerate(zip(SAMPLE, answers, strict=True)):
        code, expected = single(command, payload, profile)
        seen_exits.add(code)
        assert got["id"] == i
        assert got["exit"] == code, (command, got)
        key = "result" if code == 0 else "error"
        assert set(got) == {"id", "exit", key}
        assert got[key] == (expected if code == 0 else expected["error"]), command
    assert seen_exits == {0, 2}


def test_a_malformed_line_never_stops_the_batch() -> None:
    good = request("grade-crs", {"temperature_c": 39.0}, None, "after")
    answers = batch(
        [
            b"{not json\n",
            b"[1, 2]\n",
            b'{"command": "grade-crs", "input": {}, "colour": 1}\n',
            b'{"command": "audit-verify", "input": {}}\n',
            b'{"command": "batch", "input": {}}\n',
            b'{"command": "dose", "id": 7}\n',
            b'{"id": "deep", "command": "grade-crs", "input": ' + b"[" * 10_000 + b"\n",
            b"\n",  # blank: not a request, no answer
            good,
        ]
    )
    assert [a["exit"] for a in answers] == [2, 2, 2, 2, 2, 2, 2, 0]
    assert [a["id"] for a in answers] == [None, None, None, None, None, 7, None, "after"]
    assert answers[0]["error"]["fields"][0]["field"] == "line"
    assert answers[2]["error"]["fields"][0]["field"] == "colour"
    assert answers[3]["error"]["fields"][0]["field"] == "command"
    assert answers[5]["error"]["fields"][0]["field"] == "input"
    assert "nested more than 64" in answers[6]["error"]["message"]
    assert answers[7]["result"]["grade"] == 1


def test_a_line_over_1_mib_is_refused_and_skipped() -> None:
    huge = b'{"command": "grade-crs", "input": {"x": "' + b"y" * (MIB + 10) + b'"}}\n'
    after = request("grade-crs", {}, None, 2)
    answers = batch([huge, after])
    assert [a["exit"] for a in answers] == [2, 0]
    assert answers[0]["error"]["fields"][0]["field"] == "line"
    assert answers[1]["id"] == 2


def test_any_json_id_is_echoed() -> None:
    ids: list[Any] = [0, "a", None, [1, {"b": 2}], 1.5]
    answers = batch([request("grade-crs", {}, None, rid) for rid in ids])
    assert [a["id"] for a in answers] == ids


def test_batch_takes_no_arguments() -> None:
    out = io.StringIO()
    assert run_batch(["--profile", "x"], iter([]), out.write) == 2
    assert json.loads(out.getvalue())["error"]["fields"][0]["field"] == "arguments"


def test_batch_through_run_says_how_to_call_it() -> None:
    code, text = run(["batch"], lambda: "")
    assert code == 2
    assert "JSON Lines" in json.loads(text)["error"]["message"]


@pytest.mark.parametrize("n", [3])
def test_python_dash_m_batch(n: int) -> None:
    lines = b"".join(request("grade-crs", {"temperature_c": 39.0}, None, i) for i in range(n))
    done = subprocess.run(
        [sys.executable, "-m", "calculator", "batch"],
        cwd=REPO,
        input=lines + b"oops\n",
        capture_output=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0
    assert done.stderr == b""
    answers = [json.loads(line) for line in done.stdout.splitlines()]
    assert [a["exit"] for a in answers] == [0] * n + [2]
    assert [a["id"] for a in answers] == [*range(n), None]


# --- Issue 20: every line answered whatever its id; strict JSON; the limit is the content ---


@pytest.mark.parametrize(
    "raw_id", [b'"\\ud800"', b'"bed \\udfff"', b"NaN", b"Infinity", b"-Infinity", b"1e309"]
)
def test_an_id_that_cannot_be_echoed_is_refused_on_its_line_and_the_batch_goes_on(
    raw_id: bytes,
) -> None:
    bad = b'{"command": "grade-crs", "input": {}, "id": ' + raw_id + b"}\n"
    out = io.StringIO()
    lines = [bad, request("grade-crs", {"temperature_c": 39.0}, None, 2)]
    assert run_batch([], bounded_lines(io.BytesIO(b"".join(lines)), MIB), out.write) == 0
    text = out.getvalue()
    text.encode("utf-8")  # what a stream in UTF-8 can take: no lone surrogate
    answers = [json.loads(line, parse_constant=pytest.fail) for line in text.splitlines()]
    assert answers[0] == {
        "id": None,
        "exit": 2,
        "error": answers[0]["error"],
    }
    assert answers[0]["error"]["fields"][0]["field"] == "id"
    assert answers[1]["id"] == 2
    assert answers[1]["result"]["grade"] == 1


def test_python_dash_m_batch_with_a_lone_surrogate_id_answers_every_line() -> None:
    lines = (
        b'{"command": "profiles", "id": "\\ud800"}\n'
        + b'{"command": "profiles", "id": NaN}\n'
        + request("grade-crs", {"temperature_c": 39.0}, None, 3)
    )
    done = subprocess.run(
        [sys.executable, "-m", "calculator", "batch"],
        cwd=REPO,
        input=lines,
        capture_output=True,
        check=False,
        timeout=60,
    )
    assert done.stderr == b""
    assert done.returncode == 0
    answers = [json.loads(line, parse_constant=pytest.fail) for line in done.stdout.splitlines()]
    assert [(a["id"], a["exit"]) for a in answers] == [(None, 2), (None, 2), (3, 0)]


def test_a_line_of_exactly_1_mib_plus_its_newline_is_accepted_like_the_single_command() -> None:
    head = b'{"command": "grade-crs", "input": {"temperature_c": 39.0}, "id": 1}'
    content = head + b" " * (MIB - len(head))
    assert len(content) == MIB
    # The single command takes 1 MiB on standard input.
    single_input = b'{"temperature_c": 39.0}'
    assert run(["grade-crs"], lambda: single_input + b" " * (MIB - len(single_input)))[0] == 0
    for ending in (b"\n", b"\r\n"):
        answers = batch([content + ending, request("grade-crs", {}, None, 2)])
        assert [(a["id"], a["exit"]) for a in answers] == [(1, 0), (2, 0)]
    # One byte more of content is refused, and the next line still answered.
    answers = batch([content + b" \n", request("grade-crs", {}, None, 2)])
    assert [(a["id"], a["exit"]) for a in answers] == [(None, 2), (2, 0)]
    assert answers[0]["error"]["fields"][0]["field"] == "line"


def test_a_result_holding_nan_is_an_internal_error_not_bare_nan(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import calculator.edge.cli as cli

    monkeypatch.setattr(cli, "answer", lambda *a: {"x": float("nan")})
    answers = batch([request("grade-crs", {}, None, 9), request("grade-crs", {}, None, 10)])
    assert [(a["id"], a["exit"]) for a in answers] == [(9, 70), (10, 70)]
    monkeypatch.setattr(cli, "_run", lambda *a: cli.render({"x": float("inf")}))
    code, text = cli.run(["profiles"], lambda: "")
    assert code == 70
    assert "Internal error" in json.loads(text, parse_constant=pytest.fail)["error"]["message"]
