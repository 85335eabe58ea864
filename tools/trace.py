"""Traceability: which tests name each rule ID of the ruleset.

Run from the repository root with the project's Python (``make trace``; ``make test`` runs it
last). It loads the ruleset the product ships (``calculator.ruleset()``), reads every
``tests/**/*.py`` with ``ast`` (the tests are never imported), and attributes a rule ID to a
test function when the ID appears in the function's source, its decorators (parametrize
tables included), or a module-level constant the function refers to (followed through
constants that refer to other constants).

IDs match exactly: ``-`` counts as part of an ID, so ``CRS-G1`` is not found inside
``CRS-G10`` or ``CRS-G1-X``.

Prints one line per rule: ``RULE-ID  status  N tests: file::test, ...`` and exits 1, listing
them, when a rule has no test (or a test file cannot be parsed); 0 otherwise.

    python tools/trace.py [--full] [--tests DIR]
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ID_CHARS = r"A-Za-z0-9_\-"
SHOWN = 4  # tests listed per rule unless --full


@dataclass(frozen=True)
class TestText:
    """One test function and all the text that counts as naming rule IDs for it."""

    name: str  # tests/calculator/edge/test_cli.py::TestX::test_y
    text: str


def rule_ids() -> list[tuple[str, str]]:
    """(rule ID, evidence status) for every rule of the shipped ruleset, in ruleset order."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    from calculator import ruleset  # imported here, once the path is set

    return [(rule.id, rule.status) for rule in ruleset().all_rules()]


def id_pattern(rule_id: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![{ID_CHARS}]){re.escape(rule_id)}(?![{ID_CHARS}])")


def _names(nodes: Iterable[ast.AST]) -> set[str]:
    return {n.id for node in nodes for n in ast.walk(node) if isinstance(n, ast.Name)}


def _constants(tree: ast.Module, source: str) -> dict[str, tuple[str, set[str]]]:
    """Module-level assignments: name -> (source text, names that text refers to)."""
    out: dict[str, tuple[str, set[str]]] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign):
            targets = [t for t in node.targets if isinstance(t, ast.Name)]
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            targets = [node.target]
        else:
            continue
        text = ast.get_source_segment(source, node) or ""
        refs = _names([node.value]) if node.value is not None else set()
        for target in targets:
            out[target.id] = (text, refs)
    return out


def _test_functions(
    tree: ast.Module,
) -> Iterator[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith(
            "test"
        ):
            yield node.name, node
        elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                    if item.name.startswith("test"):
                        yield f"{node.name}::{item.name}", item


def tests_in_file(path: Path, label: str) -> list[TestText]:
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source, filename=str(path))
    constants = _constants(tree, source)
    found: list[TestText] = []
    for name, func in _test_functions(tree):
        parts = [ast.get_source_segment(source, d) or "" for d in func.decorator_list]
        parts.append(ast.get_source_segment(source, func) or "")
        # Follow the module-level constants the test refers to, and theirs in turn.
        pending = _names([*func.decorator_list, func])
        seen: set[str] = set()
        while pending:
            ref = pending.pop()
            if ref in seen or ref not in constants:
                continue
            seen.add(ref)
            text, refs = constants[ref]
            parts.append(text)
            pending |= refs - seen
        found.append(TestText(f"{label}::{name}", "\n".join(parts)))
    return found


def collect_tests(tests_dir: Path) -> tuple[list[TestText], list[str]]:
    tests: list[TestText] = []
    errors: list[str] = []
    for path in sorted(tests_dir.rglob("*.py")):
        try:
            label = path.relative_to(REPO).as_posix()
        except ValueError:
            label = path.as_posix()
        try:
            tests += tests_in_file(path, label)
        except (SyntaxError, UnicodeDecodeError, OSError) as exc:
            errors.append(f"{label}: cannot be read ({exc})")
    return tests, errors


def trace(rules: list[tuple[str, str]], tests: list[TestText]) -> dict[str, list[str]]:
    return {
        rule_id: [t.name for t in tests if pattern.search(t.text)]
        for rule_id, _ in rules
        for pattern in [id_pattern(rule_id)]
    }


def report(rules: list[tuple[str, str]], found: dict[str, list[str]], full: bool) -> list[str]:
    width = max((len(r) for r, _ in rules), default=0)
    lines = []
    for rule_id, status in rules:
        names = found[rule_id]
        shown = names if full else names[:SHOWN]
        more = f", ... (+{len(names) - len(shown)} more)" if len(names) > len(shown) else ""
        state = "ok" if names else "MISSING"
        count = f"{len(names)} test" + ("" if len(names) == 1 else "s")
        listing = f": {', '.join(shown)}{more}" if names else ""
        lines.append(f"{rule_id:<{width}}  {status:<7}  {state:<7}  {count}{listing}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="list every test, not the first few")
    parser.add_argument("--tests", type=Path, default=REPO / "tests", help="the tests folder")
    args = parser.parse_args(argv)
    try:
        rules = rule_ids()
    except Exception as exc:  # the ruleset itself does not load: say so, fail
        print(f"trace: the ruleset does not load: {type(exc).__name__}: {exc}")
        return 1
    tests, errors = collect_tests(args.tests)
    found = trace(rules, tests)
    print(f"Rule traceability: {len(rules)} rules, {len(tests)} test functions")
    print("\n".join(report(rules, found, args.full)))
    missing = [rule_id for rule_id, _ in rules if not found[rule_id]]
    for error in errors:
        print(f"trace: {error}")
    if missing:
        print(f"trace: {len(missing)} rule(s) named by no test: {', '.join(missing)}")
    if missing or errors:
        return 1
    print(f"trace: every rule is named by at least one test ({len(rules)} rules)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
