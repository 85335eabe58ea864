"""The JSON command line (cli-contract.md: common rules, grade-crs, grade-icans)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from calculator import __version__, ruleset
from calculator.edge.cli import EXIT_OK, EXIT_REFUSED, build_parser, simple_args
from tests.calculator.helpers import PROFILES, cli, cli_json

REPO = Path(__file__).resolve().parents[3]
COMMON_KEYS = {"ruleset", "profile", "warnings", "rules"}


def error_fields(data: dict[str, Any]) -> dict[str, str]:
    assert set(data) == {"error"}
    assert data["error"]["message"]
    return {f["field"]: f["message"] for f in data["error"]["fields"]}


# --- The process: stdout holds the JSON, the exit code says what happened --------------------


def _python_m(args: list[str], stdin: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "calculator", *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=REPO,
        timeout=60,
        check=False,
    )


def test_subprocess_grade_crs_result_and_refusal() -> None:
    ok = _python_m(["grade-crs"], '{"temperature_c": 39.5, "vasopressors": ["norepinephrine"]}')
    assert ok.returncode == 0
    assert ok.stderr == ""
    data = json.loads(ok.stdout)
    assert data["grade"] == 3
    assert data["ruleset"] == {"version": ruleset().meta.version, "sha256": ruleset().sha256}
    assert data["profile"] == ruleset().default_profile

    bad = _python_m(["grade-crs", "--profile", "eu-epcoritamab"], '{"temperature_c": NaN}')
    assert bad.returncode == 2
    assert bad.stderr == ""
    assert "Traceback" not in bad.stdout
    assert error_fields(json.loads(bad.stdout)) == {
        "temperature_c": "must be a finite number (not NaN or infinity)"
    }


# --- Results carry the common keys -----------------------------------------------------------


@pytest.mark.parametrize("profile", PROFILES)
def test_grade_crs_common_keys(profile: str) -> None:
    code, data = cli_json(["grade-crs", "--profile", profile], {"temperature_c": 38.4})
    assert code == EXIT_OK
    assert COMMON_KEYS | {"grade", "explanation"} <= set(data)
    assert data["profile"] == profile
    assert data["ruleset"]["sha256"] == ruleset().sha256
    assert data["ruleset"]["version"] == ruleset().meta.version
    assert data["warnings"] == []
    assert data["rules"] == ["CRS-FEVER", "CRS-G1"]
    assert data["grade"] == 1


@pytest.mark.parametrize("profile", PROFILES)
def test_grade_icans_common_keys(profile: str) -> None:
    code, data = cli_json(["grade-icans", "--profile", profile], {"age_years": 50, "ice_score": 6})
    assert code == EXIT_OK
    assert COMMON_KEYS | {"grade", "instrument", "explanation"} <= set(data)
    assert data["profile"] == profile
    assert data["ruleset"]["sha256"] == ruleset().sha256
    assert (data["grade"], data["instrument"], data["rules"]) == (2, "ICE", ["ICANS-ICE"])


def test_c7_by_profile_on_the_command_line() -> None:
    payload = {"temperature_c": 38.5, "oxygen": "nasal_cannula", "oxygen_flow_l_min": 6}
    assert cli_json(["grade-crs"], payload)[1]["grade"] == 2
    assert cli_json(["grade-crs", "--profile", "eu-epcoritamab"], payload)[1]["grade"] == 3


def test_i10_asco_on_the_command_line() -> None:
    code, data = cli_json(
        ["grade-icans", "--profile", "asco-2021"], {"age_years": 12, "capd_score": 10}
    )
    assert code == EXIT_OK
    assert data["grade"] == 3
    assert data["instrument"] == "CAPD"
    assert any("ICE is expected" in w for w in data["warnings"])
    assert "ICANS-CAPDAGE" in data["rules"]


def test_input_file(tmp_path: Path) -> None:
    path = tmp_path / "case.json"
    path.write_text('{"age_years": 8, "capd_items": [4, 4, 0, 0, 4, 0, 0, 0]}', encoding="utf-8")
    code, data = cli(["grade-icans", "--input", str(path)], stdin="not read")
    assert code == EXIT_OK
    assert (data["grade"], data["score"]) == (3, 12)


# --- Refusals: exit 2, one JSON error naming the fields --------------------------------------


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ('{"temperature_c": NaN}', "temperature_c"),
        ('{"temperature_c": Infinity}', "temperature_c"),
        ('{"temperature_c": -Infinity}', "temperature_c"),
        (
            '{"temperature_c": 39, "oxygen": "nasal_cannula", "oxygen_flow_l_min": NaN}',
            "oxygen_flow_l_min",
        ),
    ],
)
def test_nan_and_infinity_are_refused_by_field(text: str, field: str) -> None:
    code, data = cli(["grade-crs"], text)
    assert code == EXIT_REFUSED
    assert "finite" in error_fields(data)[field]


def test_nan_age_is_refused_by_field() -> None:
    code, data = cli(["grade-icans"], '{"age_years": NaN}')
    assert code == EXIT_REFUSED
    assert "finite" in error_fields(data)["age_years"]


def test_duplicate_keys_are_refused() -> None:
    code, data = cli(["grade-crs"], '{"temperature_c": 37.0, "temperature_c": 39.0}')
    assert code == EXIT_REFUSED
    assert "'temperature_c' appears twice" in data["error"]["message"]


def test_duplicate_keys_in_a_nested_object_are_refused() -> None:
    items = (
        '{"orientation": 4, "orientation": 0, "naming": 3, "commands": 1, "writing": 1, '
        '"attention": 1}'
    )
    code, data = cli(["grade-icans"], f'{{"age_years": 40, "ice_items": {items}}}')
    assert code == EXIT_REFUSED
    assert "appears twice" in data["error"]["message"]


@pytest.mark.parametrize("text", ["[]", "[{}]", "3", '"grade"', "null", "true"])
def test_non_object_json_is_refused(text: str) -> None:
    code, data = cli(["grade-crs"], text)
    assert code == EXIT_REFUSED
    assert "one JSON object" in data["error"]["message"]


@pytest.mark.parametrize("text", ["", "{", "{'temperature_c': 39}", '{"a": 1,}', "[" * 100_000])
def test_malformed_json_is_refused(text: str) -> None:
    code, data = cli(["grade-crs"], text)
    assert code == EXIT_REFUSED
    assert "not valid JSON" in data["error"]["message"]


def test_invalid_utf8_input_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(b'{"temperature_c": 39.0, "note": "\xff\xfe"}')
    code, data = cli(["grade-crs", "--input", str(path)])
    assert code == EXIT_REFUSED
    assert "not UTF-8" in error_fields(data)["input"]


def test_missing_input_file_is_refused(tmp_path: Path) -> None:
    code, data = cli(["grade-crs", "--input", str(tmp_path / "absent.json")])
    assert code == EXIT_REFUSED
    assert "No such file" in error_fields(data)["input"]


def test_unknown_keys_are_named() -> None:
    code, data = cli_json(["grade-crs"], {"temperature_c": 39, "temprature": 39, "o2": "room_air"})
    assert code == EXIT_REFUSED
    fields = error_fields(data)
    assert set(fields) == {"temprature", "o2"}
    assert all("not a known field" in m for m in fields.values())


def test_every_bad_field_is_named_at_once() -> None:
    payload = {"age_years": 200, "ice_score": "7", "seizure": "maybe", "deceased": "no"}
    code, data = cli_json(["grade-icans"], payload)
    assert code == EXIT_REFUSED
    assert set(error_fields(data)) == {"age_years", "ice_score", "seizure", "deceased"}


def test_contradiction_names_the_field() -> None:
    code, data = cli_json(
        ["grade-icans"], {"age_years": 40, "ice_score": 6, "unable_to_assess": True}
    )
    assert code == EXIT_REFUSED
    assert set(error_fields(data)) == {"unable_to_assess"}


@pytest.mark.parametrize(
    ("argv", "field"),
    [
        (["grade-cytokines"], "arguments"),
        (["grade-crs", "--no-such-option"], "arguments"),
        ([], "command"),
        (["grade-crs", "--profile", "nope"], "profile"),
        (["grade-crs", "--profile", "asco-2021", "--profile-file", "x.toml"], "profile"),
    ],
)
def test_bad_arguments_are_refused(argv: list[str], field: str) -> None:
    code, data = cli(argv, "{}")
    assert code == EXIT_REFUSED
    assert field in error_fields(data)


def test_unknown_profile_lists_the_known_ones() -> None:
    _, data = cli(["grade-crs", "--profile", "nope"], "{}")
    message = error_fields(data)["profile"]
    assert "'nope'" in message
    assert all(p in message for p in PROFILES)


# --- version, profiles, rules, help ----------------------------------------------------------


def test_version() -> None:
    code, data = cli(["--version"])
    assert code == EXIT_OK
    assert data == {
        "app": __version__,
        "ruleset": {"version": ruleset().meta.version, "sha256": ruleset().sha256},
    }


def test_profiles_lists_the_built_ins() -> None:
    code, data = cli(["profiles"])
    assert code == EXIT_OK
    assert data["default"] == "astct-nccn-2026"
    assert [p["id"] for p in data["profiles"]] == list(PROFILES)
    eu = next(p for p in data["profiles"] if p["id"] == "eu-epcoritamab")
    assert eu["flow_at_boundary"] == "high_flow"
    assert data["ruleset"]["sha256"] == ruleset().sha256


def test_rules_lists_every_grading_rule_with_sources() -> None:
    code, data = cli(["rules"])
    assert code == EXIT_OK
    listed = {r["id"]: r for r in data["rules"]}
    assert {r.id for r in ruleset().all_rules()} == set(listed)
    assert listed["CRS-O2FLOW"]["sources"] == ["ASTCT", "EU-EPCOR"]
    assert listed["ICANS-CAPDAGE"]["status"] == "S"
    assert listed["CRS-FEVER"]["needs_verification"] is False
    for rule in data["rules"]:
        assert all(key in data["sources"] for key in rule["sources"])


def test_help_is_json() -> None:
    code, data = cli(["--help"])
    assert code == EXIT_OK
    assert "grade-crs" in data["commands"]
    assert "grade-icans" in data["commands"]
    assert "--profile" in data["usage"]


# --- the usual call read without argparse (issue 26) ---------------------------------------

_TOKENS = st.sampled_from(
    [
        "grade-crs",
        "dose",
        "taper",
        "audit-verify",
        "batch",
        "--input",
        "--profile",
        "--profile-file",
        "--ics",
        "--version",
        "-h",
        "--inp",
        "--input=case.json",
        "--",
        "-",
        "-1",
        "",
        "case.json",
        "asco-2021",
        "a b",
    ]
)


@st.composite
def _usual_calls(draw: st.DrawFn) -> list[str]:
    """A command and its usual options, in any order and number (most runs of _TOKENS are
    not a usual call, and simple_args rightly leaves them to argparse)."""
    argv = [draw(st.sampled_from(["grade-crs", "grade-icans", "dose", "recommend", "taper"]))]
    for option in draw(st.lists(st.sampled_from(["--input", "--profile", "--profile-file"]))):
        argv += [option, draw(st.sampled_from(["case.json", "asco-2021", "", "a b"]))]
    if argv[0] == "taper" and draw(st.booleans()):
        argv.append("--ics")
    return argv


@given(st.one_of(st.lists(_TOKENS, max_size=7), _usual_calls()))
def test_the_usual_call_is_read_as_argparse_reads_it(argv: list[str]) -> None:
    simple = simple_args(argv)
    if simple is None:
        event("left to argparse")
        return  # argparse reads it
    event("read without the parser")
    assert vars(simple) == vars(build_parser().parse_args(argv))


@pytest.mark.parametrize(
    "argv",
    [
        ["grade-crs"],
        ["dose", "--input", "case.json"],
        ["taper", "--ics", "--profile", "asco-2021", "--input", ""],
        ["recommend", "--profile-file", "site.toml"],
    ],
)
def test_the_usual_calls_skip_the_parser(argv: list[str]) -> None:
    simple = simple_args(argv)
    assert simple is not None
    assert vars(simple) == vars(build_parser().parse_args(argv))


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--version"],
        ["-h"],
        ["audit-verify", "log.jsonl"],
        ["dose", "--input=case.json"],
        ["dose", "--inp", "case.json"],
        ["dose", "--input", "a", "--input", "b"],
        ["dose", "--input", "-"],
        ["dose", "extra"],
        ["--input", "case.json", "dose"],
        ["nonsense"],
    ],
)
def test_anything_else_is_left_to_argparse(argv: list[str]) -> None:
    assert simple_args(argv) is None
