"""Modules that define pydantic models evaluate their annotations at once (issue 26).

With ``from __future__ import annotations`` every field's type is a string that pydantic
compiles and evaluates when the class is made: about 8 ms of every command-line call
(the rule schemas and result models of one command hold some 600 fields). So those modules
write real annotations; a name that exists only for the type checker is quoted where it
is used. Counts, never times (speed lives in bench/cli.py)."""

import __future__

import importlib
import pkgutil
import types

import pytest
from pydantic import BaseModel

import calculator

#: The ruleset container: its three models hold nine fields, and its section descriptors
#: name classes imported only for the type checker (sections load on first use).
POSTPONED_ON_PURPOSE = frozenset({"calculator.rulebook.lazy"})


def _modules() -> list[types.ModuleType]:
    found = []
    for info in pkgutil.walk_packages(calculator.__path__, "calculator."):
        if info.name.endswith("__main__"):
            continue
        found.append(importlib.import_module(info.name))
    return found


def _defines_models(module: types.ModuleType) -> bool:
    return any(
        isinstance(value, type)
        and issubclass(value, BaseModel)
        and value.__module__ == module.__name__
        for value in vars(module).values()
    )


MODEL_MODULES = [m for m in _modules() if _defines_models(m)]
EAGER = [m for m in MODEL_MODULES if m.__name__ not in POSTPONED_ON_PURPOSE]


def test_the_scan_finds_the_model_modules() -> None:
    names = {m.__name__ for m in MODEL_MODULES}
    assert {"calculator.rulebook.dosing", "calculator.management.models"} <= names
    assert len(names) > 30


@pytest.mark.parametrize("module", EAGER, ids=lambda m: m.__name__)
def test_model_fields_are_not_postponed_strings(module: types.ModuleType) -> None:
    assert vars(module).get("annotations") is not __future__.annotations, (
        f"{module.__name__} postpones annotations: each model field is then compiled "
        "from a string when the class is made"
    )
    for value in vars(module).values():
        if isinstance(value, type) and issubclass(value, BaseModel):
            if value.__module__ == module.__name__:
                own = vars(value).get("__annotations__", {})
                assert not [a for a in own.values() if isinstance(a, str)], value
