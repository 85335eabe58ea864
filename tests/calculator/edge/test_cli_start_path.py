"""One command-line call imports its own domain and not the others (issue 26): counts
modules, never times (speed lives in bench/cli.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[3]

# Runs `python -m calculator ARGV` as the command line does and, at its exit (os._exit: the
# call skips Python's own exit, so atexit would never run), writes the value of {report} as
# JSON to standard error (its last line).
HARNESS = """
import gc, json, os, runpy, sys
def _report_then_exit(code, _exit=os._exit):
    print(json.dumps({report}), file=sys.stderr, flush=True)
    _exit(code)
os._exit = _report_then_exit
sys.argv = ["calculator", *sys.argv[1:]]
runpy.run_module("calculator", run_name="__main__", alter_sys=True)
"""
#: What the harness reports: the modules the call had imported; whether the cyclic garbage
#: collector was on and how many objects start-up left frozen (out of its passes).
MODULES = "sorted(sys.modules)"
COLLECTOR = "[gc.isenabled(), gc.get_freeze_count()]"


def _run(report: str, argv: list[str], stdin: str) -> tuple[int, str, Any]:
    """Exit code, standard output and the harness's report of one call."""
    done = subprocess.run(
        [sys.executable, "-c", HARNESS.format(report=report), *argv],
        cwd=REPO,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return done.returncode, done.stdout, json.loads(done.stderr.strip().splitlines()[-1])


#: What no single grading, dose or recommend call needs: the records (case, note, episode,
#: audit), the teaching models, the pharmacy double check, the taper planner, the crosswalk,
#: the batch, and nothing of the app or Qt.
HEAVY = (
    "calculator.records",
    "calculator.teaching",
    "calculator.verification",
    "calculator.taper",
    "calculator.crosswalk",
    "calculator.edge.batch",
    "ui",
    "PySide6",
)

CALLS = {
    "grade-crs": ({"temperature_c": 39.5, "oxygen": "facemask"}, "calculator.grading.crs"),
    "grade-icans": ({"age_years": 54, "ice_score": 6}, "calculator.grading.icans"),
    "dose": (
        {"drug": "tocilizumab", "weight_kg": 72.5, "age_years": 61},
        "calculator.dosing.commands",
    ),
    "recommend": ({"crs_grade": 2, "icans_grade": 1}, "calculator.management.command"),
}

#: Besides HEAVY: a grading call needs no dosing or management, a dose call no grading or
#: management.
ALSO_OFF = {
    "grade-crs": ("calculator.dosing", "calculator.management", "calculator.grading.icans"),
    "grade-icans": ("calculator.dosing", "calculator.management", "calculator.grading.crs"),
    "dose": ("calculator.grading", "calculator.management"),
    "recommend": (),
}


#: Issue 26: the rule sections' schemas a call does not read are not imported either (the
#: ruleset loads a section on first read), nor full validation (the snapshot is used).
SECTION_SCHEMAS = {
    "grading": "calculator.rulebook.grading",
    "dosing": "calculator.rulebook.dosing",
    "taper": "calculator.rulebook.taper",
    "management": "calculator.rulebook.management",
    "verification": "calculator.rulebook.verification",
    "teaching": "calculator.rulebook.teaching",
    "crosswalk": "calculator.rulebook.crosswalk",
    "episode": "calculator.rulebook.episode",
}
READS = {
    "grade-crs": {"grading"},
    "grade-icans": {"grading"},
    "dose": {"dosing"},
    # MGT-* doses come from the dose panel; EPI-24H/EPI-72H (the episode rules) only when
    # a history fact or an MGT-CRS1 dexamethasone line is there to decide: CRS 2 without
    # facts reads neither.
    "recommend": {"management", "dosing"},
}


def _imported(argv: list[str], payload: object) -> tuple[int, dict[str, object], set[str]]:
    code, out, modules = _run(MODULES, argv, json.dumps(payload))
    return code, json.loads(out), set(modules)


def _under(modules: set[str], packages: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == p or m.startswith(p + ".") for p in packages))


@pytest.mark.parametrize("command", sorted(CALLS))
def test_one_call_imports_only_its_own_domain(command: str) -> None:
    payload, own = CALLS[command]
    code, answer, modules = _imported([command], payload)
    assert code == 0, answer
    assert "ruleset" in answer  # it answered, through the core
    assert own in modules  # the walk sees what the call did import
    assert _under(modules, HEAVY + ALSO_OFF[command]) == []


@pytest.mark.parametrize("command", sorted(CALLS))
def test_one_call_imports_only_the_rule_sections_it_reads(command: str) -> None:
    payload, _ = CALLS[command]
    code, answer, modules = _imported([command], payload)
    assert code == 0, answer
    read = {SECTION_SCHEMAS[name] for name in READS[command]}
    assert read <= modules  # the walk sees the sections the call did read
    unread = set(SECTION_SCHEMAS.values()) - read
    assert sorted(modules & (unread | {"calculator.rulebook.full"})) == []


@pytest.mark.parametrize("command", sorted(CALLS))
def test_the_usual_call_builds_no_argument_parser(command: str) -> None:
    # argparse and gettext's look-ups only where argparse must read the arguments.
    payload, _ = CALLS[command]
    code, answer, modules = _imported([command, "--profile", "asco-2021"], payload)
    assert code == 0, answer
    assert answer["profile"] == "asco-2021"
    assert sorted(modules & {"argparse", "gettext", "pickle"}) == []
    code, answer, modules = _imported([command, "--profile=asco-2021"], payload)
    assert code == 0, answer
    assert answer["profile"] == "asco-2021"
    assert "argparse" in modules  # the same walk sees argparse when it is used


def test_the_version_reads_no_rule_section() -> None:
    code, answer, modules = _imported(["--version"], {})
    assert code == 0, answer
    assert set(answer["ruleset"]) == {"version", "sha256"}
    assert sorted(modules & {*SECTION_SCHEMAS.values(), "calculator.rulebook.full"}) == []


def test_a_batch_imports_the_batch() -> None:
    # The same walk sees a module that is imported: the batch, for a batch.
    line = '{"command": "grade-crs", "input": {"temperature_c": 39.5}}\n'
    code, _, modules = _run(MODULES, ["batch"], line)
    assert code == 0
    assert "calculator.edge.batch" in modules


def _collector(argv: list[str], stdin: str) -> list[Any]:
    code, _, state = _run(COLLECTOR, argv, stdin)
    assert code == 0
    return list(state)


def test_a_single_call_runs_without_the_cyclic_collector() -> None:
    # Start-up makes no garbage worth walking (issue 26); one call ends soon after.
    assert _collector(["grade-crs"], json.dumps(CALLS["grade-crs"][0])) == [False, 0]


def test_a_batch_collects_again_leaving_start_up_out() -> None:
    line = json.dumps({"command": "grade-crs", "input": {"temperature_c": 39.5}})
    enabled, frozen = _collector(["batch"], line + "\n")
    assert enabled is True  # 10,000 requests' garbage is collected as it comes
    assert frozen > 10_000  # the modules and models start-up made are left out of it


def test_importing_the_entry_module_leaves_the_collector_alone() -> None:
    done = subprocess.run(
        [sys.executable, "-c", "import gc, calculator.__main__; print(gc.isenabled())"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert done.stdout.strip() == "True"
