"""``python -m calculator batch``: many requests answered in one process (cli-contract.md).

JSON Lines in, one request a line: ``{"command", "input", "profile"?, "id"?}``. One JSON
line out per request, in order: ``{"id", "exit": 0, "result"}`` or
``{"id", "exit": 2, "error"}``, where ``result`` and ``error`` are exactly what the
single command would have written (the same handler, the same parsing of the input).
A refused or malformed line never stops the batch; each line holds at most 1 MiB, the
single command's limit, its line ending not counted (a longer one is refused and skipped,
memory stays bounded). Blank lines are not requests and get no answer. The batch exits 0
once every line was answered.

Every answer is strict JSON (no NaN or Infinity) in UTF-8. An ``id`` that cannot be
echoed so (NaN, ``1e309``, text holding a lone surrogate such as ``"\\ud800"``) is
refused on its line, answered with ``"id": null``, and the batch goes on; so is a request
whose answer would have to echo such text.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from pydantic import BaseModel

from calculator.edge.errors import InputError
from calculator.edge.safe_io import MIB, TOO_LONG, line_content, parse_json

#: Commands a batch line may name: all but these two (``audit-verify`` reads a log file,
#: not an input object, and a batch inside a batch has no meaning).
NOT_IN_BATCH = frozenset({"batch", "audit-verify"})
REQUEST_KEYS = frozenset({"command", "input", "profile", "id"})


def run_batch(
    argv: Sequence[str], lines: Iterable[bytes | object] | None, write: Callable[[str], Any]
) -> int:
    """Answer every line of ``lines`` through ``write`` (one JSON line each); returns the
    exit code of the batch: 0, or 2 when the batch itself was called wrongly (arguments,
    or ``lines`` None: standard input closed)."""
    from calculator.edge.cli import EXIT_OK, EXIT_REFUSED, build_parser

    if argv:
        err = InputError.for_field(
            "arguments",
            f"batch takes no arguments (got {' '.join(argv)!r}); name the profile on each line",
        )
        write(json.dumps(err.to_json(), indent=2, ensure_ascii=False) + "\n")
        return EXIT_REFUSED
    if lines is None:
        err = InputError.for_field(
            "input", "standard input is closed: batch reads its requests there, one a line"
        )
        write(json.dumps(err.to_json(), indent=2, ensure_ascii=False) + "\n")
        return EXIT_REFUSED
    options = build_parser().parse_args([])
    for line in lines:
        if line is TOO_LONG:
            answer = _refused(None, InputError.for_field("line", f"is larger than {MIB} bytes"))
        elif not isinstance(line, bytes) or not line.strip():
            continue
        else:
            answer = _answer_line(line_content(line), options)
        write(_answer_text(answer))
    return EXIT_OK


def _line(answer: dict[str, Any]) -> str:
    """One answer line: strict JSON (ValueError for NaN/Infinity), encodable as UTF-8
    (UnicodeEncodeError, a ValueError too, for a lone surrogate)."""
    text = json.dumps(answer, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    text.encode("utf-8")
    return text + "\n"


def _answer_text(answer: dict[str, Any]) -> str:
    from calculator.edge.cli import EXIT_INTERNAL

    try:
        return _line(answer)
    except UnicodeEncodeError:
        # The request's own text came back in the answer (a label, a value quoted in a
        # message): refused, as any input that cannot be answered is.
        err = InputError.for_field(
            "input", "holds text that is not valid Unicode (a lone surrogate such as \\ud800)"
        )
        return _line(_refused(answer.get("id"), err))
    except ValueError as exc:  # NaN or Infinity in a result: a bug of ours, still answered
        internal = InputError(f"Internal error (ValueError): {exc}. Please report this.")
        return _line(_refused(answer.get("id"), internal, EXIT_INTERNAL))


def echoable(value: Any) -> bool:
    """Whether ``value`` can be written back as strict JSON in UTF-8."""
    try:
        _line({"id": value})
    except ValueError:  # NaN, Infinity, or a lone surrogate (UnicodeEncodeError)
        return False
    return True


def _refused(request_id: Any, err: InputError, code: int = 2) -> dict[str, Any]:
    return {"id": request_id, "exit": code, "error": err.to_json()["error"]}


def _answer_line(line: bytes, options: argparse.Namespace) -> dict[str, Any]:
    from calculator.edge.cli import EXIT_INTERNAL, EXIT_OK, EXIT_REFUSED, answer

    request_id: Any = None
    try:
        request = parse_json(line, "line")
        if not isinstance(request, dict):
            raise InputError.for_field("line", "must be one JSON object ({...})")
        request_id = request.get("id")
        if not echoable(request_id):
            request_id = None
            raise InputError.for_field(
                "id",
                "cannot be echoed as JSON (NaN, Infinity, a number too large, or text that "
                "is not valid Unicode): use text, a number or null",
            )
        command, payload, profile = _request(request)
        result = answer(command, payload, profile, options)
    except InputError as err:
        return _refused(request_id, err, EXIT_REFUSED)
    except Exception as exc:  # a bug of ours: answered like the single command does
        internal = InputError(f"Internal error ({type(exc).__name__}): {exc}. Please report this.")
        return _refused(request_id, internal, EXIT_INTERNAL)
    return {"id": request_id, "exit": EXIT_OK, "result": _as_json(result)}


def _request(request: dict[str, Any]) -> tuple[str, dict[str, Any], str | None]:
    from calculator.edge.cli import COMMANDS

    unknown = sorted(set(request) - REQUEST_KEYS)
    if unknown:
        raise InputError.for_field(
            unknown[0], "is not a key of a batch request (command, input, profile, id)"
        )
    command = request.get("command")
    if not isinstance(command, str) or command not in COMMANDS or command in NOT_IN_BATCH:
        known = ", ".join(sorted(set(COMMANDS) - NOT_IN_BATCH))
        raise InputError.for_field("command", f"must be one of {known}")
    payload = request.get("input", {} if not COMMANDS[command].reads_input else None)
    if not isinstance(payload, dict):
        raise InputError.for_field("input", "must be one JSON object ({...})")
    profile = request.get("profile")
    if profile is not None and not isinstance(profile, str):
        raise InputError.for_field("profile", "must be a built-in profile ID (text)")
    return command, payload, profile


def _as_json(result: BaseModel | dict[str, Any] | str) -> Any:
    if isinstance(result, BaseModel):
        return result.model_dump(mode="json")
    return result
