"""The JSON command line (cli-contract.md), as a pure function: argv and text in,
exit code and text out. ``__main__`` does the reading and printing."""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, NamedTuple, NoReturn, TypeAlias

from pydantic import BaseModel

from calculator.edge.errors import InputError
from calculator.edge.inputs import parse_json_object, validate
from calculator.edge.profile_files import builtin_profile, read_profile_file
from calculator.edge.safe_io import read_bounded
from calculator.edge.version import __version__
from calculator.rulebook import Ruleset, ruleset
from calculator.rulebook.profiles import Profile

if TYPE_CHECKING:
    # argparse (and gettext, which it imports) is imported only when the parser is built:
    # the usual call never builds it (simple_args, issue 26).
    import argparse

    #: How a command was asked: argparse's answer, or simple_args' for the usual call.
    Options: TypeAlias = argparse.Namespace | SimpleNamespace

EXIT_OK = 0
EXIT_REFUSED = 2
EXIT_FINDING = 1  # the command ran and found a fault (audit-verify: a broken chain)
EXIT_INTERNAL = 70  # a bug of ours: still JSON, never a traceback


class Context(NamedTuple):
    """What a command runs against: the rules, the active profile, and how it was asked."""

    rs: Ruleset
    profile: Profile
    profile_explicit: bool
    options: Options


Handler = Callable[[dict[str, Any], Context], BaseModel | dict[str, Any] | str]


class Command(NamedTuple):
    """A command of the contract. ``target`` is "module:function", imported only when the
    command runs, so one call pays for its own domain and not for all of them."""

    target: str
    help: str
    reads_input: bool = True

    @property
    def handler(self) -> Handler:
        module, _, name = self.target.partition(":")
        handler: Handler = getattr(importlib.import_module(module), name)
        return handler


def _grade_crs(payload: dict[str, Any], ctx: Context) -> BaseModel:
    from calculator.grading.crs import CrsInput, grade_crs

    return grade_crs(validate(CrsInput, payload), ctx.profile, ctx.rs)


def _grade_icans(payload: dict[str, Any], ctx: Context) -> BaseModel:
    from calculator.grading.icans import IcansInput, grade_icans

    return grade_icans(validate(IcansInput, payload), ctx.profile, ctx.rs)


def _profiles(_: dict[str, Any], ctx: Context) -> dict[str, Any]:
    return {
        "default": ctx.rs.default_profile,
        "profiles": [p.model_dump(mode="json") for p in ctx.rs.profiles.values()],
        "ruleset": ctx.rs.info.model_dump(),
    }


def _rules(_: dict[str, Any], ctx: Context) -> dict[str, Any]:
    return {
        "rules": [
            {**r.model_dump(mode="json"), "needs_verification": r.needs_verification}
            for r in ctx.rs.all_rules()
        ],
        "sources": {k: s.citation for k, s in ctx.rs.sources.items()},
        "ruleset": ctx.rs.info.model_dump(),
    }


class Finding(Exception):
    """A result that is also a failure for scripts: written as JSON, exit EXIT_FINDING."""

    def __init__(self, result: BaseModel) -> None:
        super().__init__("finding")
        self.result = result


def _audit_verify(_: dict[str, Any], ctx: Context) -> BaseModel:
    from calculator.records.audit import audit_verify

    report = audit_verify(ctx.options.path, ctx.options.anchor)
    if not report.ok:
        raise Finding(report)
    return report


#: Every command of the contract. A new command adds one line here and one handler.
COMMANDS: dict[str, Command] = {
    "grade-crs": Command("calculator.edge.cli:_grade_crs", "ASTCT CRS grade from bedside findings"),
    "grade-icans": Command(
        "calculator.edge.cli:_grade_icans", "ASTCT ICANS grade from ICE or CAPD and neurology"
    ),
    "profiles": Command(
        "calculator.edge.cli:_profiles", "list the protocol profiles", reads_input=False
    ),
    "rules": Command(
        "calculator.edge.cli:_rules",
        "list every rule with its ID, source and status",
        reads_input=False,
    ),
    "audit-verify": Command(
        "calculator.edge.cli:_audit_verify", "check an audit log's hash chain", reads_input=False
    ),
    "taper": Command(
        "calculator.taper.command:taper_command",
        "steroid taper plan (JSON, or iCalendar with --ics)",
    ),
    "recommend": Command(
        "calculator.management.command:recommend_command",
        "suggested management for CRS and ICANS grades",
    ),
    "note": Command(
        "calculator.records.note:note_command",
        "handoff note (Markdown and results) from a case document",
    ),
    "episode": Command(
        "calculator.records.episode_command:episode_command",
        "the case as an episode: assessments over time, summary, trend and plan",
    ),
    "dose": Command(
        "calculator.dosing.commands:dose_command",
        "dose of tocilizumab or another agent for a weight and age",
    ),
    "tocilizumab-schedule": Command(
        "calculator.dosing.commands:schedule_command", "tocilizumab repeat-dose clock"
    ),
    "regimens": Command(
        "calculator.dosing.commands:regimens_command",
        "list the dose and taper regimens",
        reads_input=False,
    ),
    "convert-steroid": Command(
        "calculator.dosing.commands:convert_steroid_command", "corticosteroid equivalent dose"
    ),
    "batch": Command(
        "calculator.edge.cli:_batch",
        "many requests, one JSON line each, answered in one process",
        reads_input=False,
    ),
    "verify-dose": Command(
        "calculator.verification:verify_dose_command", "pharmacy double check of a dose order"
    ),
    "crosswalk": Command(
        "calculator.crosswalk.command:crosswalk_command",
        "one set of findings graded under ASTCT and the older scales (Lee, CTCAE, Penn, ...)",
    ),
    "scenario-key": Command(
        "calculator.teaching.command:scenario_key_command",
        "teaching: the answer key of a scenario, computed by the core",
    ),
    "score": Command(
        "calculator.teaching.command:score_command", "teaching: score a learner's attempt"
    ),
    "scenarios": Command(
        "calculator.teaching.command:scenarios_command",
        "teaching: the built-in scenarios",
        reads_input=False,
    ),
}


@cache
def _parser_class() -> type[argparse.ArgumentParser]:
    import argparse

    class _Parser(argparse.ArgumentParser):
        """argparse that refuses with our JSON error instead of printing usage and exiting."""

        def error(self, message: str) -> NoReturn:
            raise InputError.for_field("arguments", message)

        def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
            # argparse never prints or exits from the core: help is answered as JSON by _run.
            raise InputError.for_field("arguments", message or "cannot be read")

    return _Parser


def build_parser() -> argparse.ArgumentParser:
    parser = _parser_class()(
        prog="python -m calculator",
        description="CRS Bedside Calculator rules core: JSON in, JSON out.",
        add_help=False,  # argparse's help prints and exits; ours is a JSON answer
    )
    parser.add_argument("-h", "--help", action="store_true", help="describe the commands")
    parser.add_argument("--version", action="store_true", help="print app and ruleset versions")
    parser.add_argument("command", nargs="?", choices=sorted(COMMANDS), metavar="COMMAND")
    parser.add_argument("path", nargs="?", type=Path, help="audit-verify: the log file")
    parser.add_argument(
        "--anchor", help="audit-verify: SEQ:HASH printed on a record; the log must still hold it"
    )
    parser.add_argument("--input", type=Path, help="read the JSON object from FILE, not stdin")
    parser.add_argument("--profile", help="a built-in profile ID (see `profiles`)")
    parser.add_argument("--profile-file", type=Path, help="an institution profile (TOML/JSON)")
    parser.add_argument("--ics", action="store_true", help="taper: write iCalendar instead of JSON")
    return parser


#: The options of the usual call, each taking one value: the option -> its attribute.
_VALUE_OPTIONS: dict[str, str] = {
    "--input": "input",
    "--profile": "profile",
    "--profile-file": "profile_file",
}


def simple_args(argv: Sequence[str]) -> SimpleNamespace | None:
    """The usual call, ``COMMAND [--input FILE] [--profile ID] [--profile-file FILE]
    [--ics]`` (each option at most once, no value starting with "-"), read as argparse
    reads it but without building the parser: its gettext look-ups cost every call about
    1.5 ms (issue 26). Anything else (help, --version, audit-verify's path, "--opt=value",
    abbreviations, repeats, a refusal) is None: argparse reads it."""
    if not argv or argv[0] not in COMMANDS or argv[0] == "audit-verify":
        return None
    values: dict[str, Any] = {
        "help": False,
        "version": False,
        "command": argv[0],
        "path": None,
        "anchor": None,
        "input": None,
        "profile": None,
        "profile_file": None,
        "ics": False,
    }
    seen: set[str] = set()
    i = 1
    while i < len(argv):
        option = argv[i]
        if option in seen:
            return None
        seen.add(option)
        if option == "--ics":
            values["ics"] = True
            i += 1
        elif option in _VALUE_OPTIONS and i + 1 < len(argv) and not argv[i + 1].startswith("-"):
            value = argv[i + 1]
            values[_VALUE_OPTIONS[option]] = value if option == "--profile" else Path(value)
            i += 2
        else:
            return None
    return SimpleNamespace(**values)


def version_info(rs: Ruleset) -> dict[str, Any]:
    return {"app": __version__, "ruleset": rs.info.model_dump()}


def render(result: BaseModel | dict[str, Any] | str) -> str:
    if isinstance(result, str):
        return result
    data = result.model_dump(mode="json") if isinstance(result, BaseModel) else result
    # Strict JSON: NaN or Infinity in a result is a bug of ours (ValueError, exit 70).
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def _error_text(err: InputError) -> str:
    text = json.dumps(err.to_json(), indent=2, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a message quoting a lone surrogate: escaped, ASCII only
        text = json.dumps(err.to_json(), indent=2)
    return text + "\n"


def run(argv: Sequence[str], read_stdin: Callable[[], str | bytes]) -> tuple[int, str]:
    """Run one command. Never raises: every outcome is an exit code and JSON text, text
    that can be written as UTF-8 (an answer that would echo a lone surrogate of the
    request, ``"\\ud800"``, is a refusal)."""
    try:
        text = _run(argv, read_stdin)
        text.encode("utf-8")
        return EXIT_OK, text
    except UnicodeEncodeError:
        err = InputError.for_field(
            "input", "holds text that is not valid Unicode (a lone surrogate such as \\ud800)"
        )
        return EXIT_REFUSED, _error_text(err)
    except InputError as err:
        return EXIT_REFUSED, _error_text(err)
    except Finding as finding:
        return EXIT_FINDING, render(finding.result)
    except Exception as exc:
        internal = InputError(f"Internal error ({type(exc).__name__}): {exc}. Please report this.")
        return EXIT_INTERNAL, _error_text(internal)


def _run(argv: Sequence[str], read_stdin: Callable[[], str | bytes]) -> str:
    opts: Options | None = simple_args(argv)
    if opts is None:
        opts = build_parser().parse_args(list(argv))
    if opts.help:
        return render(
            {
                "usage": build_parser().format_help(),
                "commands": {name: c.help for name, c in sorted(COMMANDS.items())},
            }
        )
    rs = ruleset()
    if opts.version:
        return render(version_info(rs))
    if opts.command is None:
        raise InputError.for_field("command", f"name a command: {', '.join(sorted(COMMANDS))}")
    if opts.profile and opts.profile_file:
        raise InputError.for_field("profile", "give --profile or --profile-file, not both")
    if opts.profile_file:
        profile = read_profile_file(rs, opts.profile_file)
    else:
        profile = builtin_profile(rs, opts.profile)
    command = COMMANDS[opts.command]
    if opts.path is not None and opts.command != "audit-verify":
        raise InputError.for_field("arguments", f"unexpected argument {str(opts.path)!r}")
    if opts.anchor is not None and opts.command != "audit-verify":
        raise InputError.for_field("anchor", "applies to audit-verify only")
    payload: dict[str, Any] = {}
    if command.reads_input:
        payload = parse_json_object(_read_input(opts.input, read_stdin))
    ctx = Context(rs, profile, bool(opts.profile or opts.profile_file), opts)
    return render(command.handler(payload, ctx))


def answer(
    command: str, payload: dict[str, Any], profile_id: str | None, options: Options
) -> BaseModel | dict[str, Any] | str:
    """One request of a batch, through the same handler as the single command."""
    rs = ruleset()
    profile = builtin_profile(rs, profile_id)
    ctx = Context(rs, profile, profile_id is not None, options)
    return COMMANDS[command].handler(payload, ctx)


def _batch(_: dict[str, Any], ctx: Context) -> str:
    # `python -m calculator batch` streams in __main__ (calculator.edge.batch); run() is one call.
    raise InputError.for_field("command", "batch reads JSON Lines: run python -m calculator batch")


def _read_input(path: Path | None, read_stdin: Callable[[], str | bytes]) -> str | bytes:
    """The request: a regular file of at most 1 MiB (``safe_io``), or standard input
    (``parse_json_object`` refuses more than 1 MiB of it)."""
    if path is None:
        return read_stdin()
    return read_bounded(path, "input")
