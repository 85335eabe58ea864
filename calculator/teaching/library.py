"""The built-in scenario library: ``scenarios/*.json`` shipped as package data, each
validated like any scenario document when read."""

from __future__ import annotations

from functools import cache
from importlib import resources

from calculator.edge.inputs import parse_json_object
from calculator.edge.safe_io import read_package_files
from calculator.teaching.models import Scenario, load_scenario

SCENARIO_PACKAGE = "calculator.teaching"
SCENARIO_DIR = "scenarios"


@cache
def builtin_scenarios() -> tuple[Scenario, ...]:
    """Every built-in scenario, sorted by file name (the teaching order)."""
    folder = resources.files(SCENARIO_PACKAGE).joinpath(SCENARIO_DIR)
    # Read bounded (regular files, 1 MiB) and parsed bounded (64 levels), as every input.
    files = read_package_files(folder, ".json")
    return tuple(load_scenario(parse_json_object(raw, name)) for name, raw in files)


def builtin_scenario(scenario_id: str) -> Scenario:
    for scenario in builtin_scenarios():
        if scenario.id == scenario_id:
            return scenario
    raise KeyError(scenario_id)
