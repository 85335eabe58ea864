"""tools/trace.py: exact rule-ID matching and attribution through decorators and constants.

Made-up IDs (XYZ-...) are used on purpose, so these tests do not count as naming real rules.
"""

from __future__ import annotations

import importlib.util
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import pytest

TRACE_PATH = Path(__file__).resolve().parents[2] / "tools" / "trace.py"


@pytest.fixture(scope="module")
def trace() -> ModuleType:
    spec = importlib.util.spec_from_file_location("trace_tool", TRACE_PATH)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["trace_tool"] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("text", "hit"),
    [
        ('"XYZ-G1"', True),
        ("XYZ-G1: a warning", True),
        ("(XYZ-G1)", True),
        ("rule XYZ-G1.", True),
        ('"XYZ-G10"', False),
        ('"XYZ-G1-NEAR"', False),
        ('"PRE-XYZ-G1"', False),
        ("XYZ-G1_x", False),
        ("xyz-g1", False),
    ],
)
def test_id_matching_is_exact(trace: ModuleType, text: str, hit: bool) -> None:
    assert bool(trace.id_pattern("XYZ-G1").search(text)) is hit


SAMPLE = """
    import pytest

    CASES = [("a", "XYZ-A")]
    MORE = [*CASES, ("b", "XYZ-B")]
    UNUSED = "XYZ-C"

    def helper():
        return "XYZ-D"

    @pytest.mark.parametrize("case", MORE)
    def test_through_constants(case):
        assert case

    @pytest.mark.parametrize("rule", ["XYZ-E"])
    def test_in_decorator(rule):
        assert helper()

    class TestGroup:
        def test_method(self):
            assert "XYZ-F"

    def not_a_test():
        return "XYZ-G"
"""


def test_attribution(trace: ModuleType, tmp_path: Path) -> None:
    folder = tmp_path / "tests"
    folder.mkdir()
    (folder / "test_sample.py").write_text(textwrap.dedent(SAMPLE), encoding="utf-8")
    tests, errors = trace.collect_tests(folder)
    assert errors == []
    names = sorted(t.name.split("::", 1)[1] for t in tests)
    assert names == ["TestGroup::test_method", "test_in_decorator", "test_through_constants"]
    rules = [(f"XYZ-{c}", "P") for c in "ABCDEFG"]
    found = {k: [n.split("::", 1)[1] for n in v] for k, v in trace.trace(rules, tests).items()}
    assert found == {
        "XYZ-A": ["test_through_constants"],  # MORE refers to CASES
        "XYZ-B": ["test_through_constants"],
        "XYZ-C": [],  # a constant no test refers to
        "XYZ-D": [],  # helper functions are not followed
        "XYZ-E": ["test_in_decorator"],
        "XYZ-F": ["TestGroup::test_method"],
        "XYZ-G": [],  # not a test
    }
    lines = trace.report(rules, trace.trace(rules, tests), full=False)
    assert lines[0].split()[:4] == ["XYZ-A", "P", "ok", "1"]
    assert lines[2].split()[:4] == ["XYZ-C", "P", "MISSING", "0"]


def test_unparsable_file_is_reported(trace: ModuleType, tmp_path: Path) -> None:
    (tmp_path / "test_broken.py").write_text("def test_x(:\n", encoding="utf-8")
    tests, errors = trace.collect_tests(tmp_path)
    assert tests == []
    assert len(errors) == 1
    assert "cannot be read" in errors[0]
