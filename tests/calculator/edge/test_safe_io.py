"""Bounded reading (issue 12): regular files only, size and nesting limits, never a
RecursionError, every refusal naming the field and the reason."""

from __future__ import annotations

import io
import json
import os
import sys
import threading
from pathlib import Path

import pytest

from calculator.edge.errors import InputError
from calculator.edge.safe_io import (
    MAX_DEPTH,
    MIB,
    TOO_LONG,
    bounded_lines,
    check_depth,
    parse_json,
    parse_toml,
    read_bounded,
    read_json_file,
    read_stream,
    read_toml_file,
)

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="FIFOs and /dev/zero are POSIX")


def refusal(err: pytest.ExceptionInfo[InputError]) -> tuple[str, str]:
    assert len(err.value.fields) == 1
    return err.value.fields[0].field, err.value.fields[0].message


@posix_only
def test_fifo_as_a_file_is_refused_without_hanging(tmp_path: Path) -> None:
    fifo = tmp_path / "profile.toml"
    os.mkfifo(fifo)
    outcome: list[object] = []

    def read() -> None:
        try:
            read_toml_file(fifo, "profile_file")
        except InputError as exc:
            outcome.append(exc)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout=10)
    assert not reader.is_alive(), "reading a FIFO hung"
    assert isinstance(outcome[0], InputError)
    assert outcome[0].fields[0].field == "profile_file"
    assert "pipe (FIFO)" in outcome[0].fields[0].message


@posix_only
def test_symlink_to_dev_zero_is_refused(tmp_path: Path) -> None:
    link = tmp_path / "institution.toml"
    link.symlink_to("/dev/zero")
    with pytest.raises(InputError) as err:
        read_toml_file(link, "profile_file")
    assert refusal(err) == ("profile_file", f"{link} is a device, not a regular file")


def test_symlink_to_a_regular_file_is_followed(tmp_path: Path) -> None:
    target = tmp_path / "real.json"
    target.write_text('{"a": 1}', encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    assert read_json_file(link, "case") == {"a": 1}


def test_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        read_bounded(tmp_path, "input")
    assert refusal(err) == ("input", f"{tmp_path} is a folder, not a regular file")


def test_missing_file_names_field_and_reason(tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        read_bounded(tmp_path / "absent.json", "case")
    field, message = refusal(err)
    assert field == "case"
    assert "cannot be read: No such file or directory" in message


def test_file_larger_than_the_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_bytes(b" " * (MIB + 1))
    with pytest.raises(InputError) as err:
        read_json_file(path, "autosave")
    assert refusal(err) == ("autosave", f"{path} is larger than 1 MiB")
    path.write_bytes(b" " * (MIB - 2) + b"{}")
    assert read_json_file(path, "autosave") == {}


def test_read_stream_reads_at_most_limit_plus_one_bytes() -> None:
    stream = io.BytesIO(b"x" * (3 * MIB))
    with pytest.raises(InputError) as err:
        read_stream(stream, "input", MIB)
    assert refusal(err) == ("input", "is larger than 1 MiB")
    assert stream.tell() == MIB + 1
    assert read_stream(io.BytesIO(b"{}"), "input") == b"{}"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("[" * 100_000 + "]" * 100_000, "JSON"),
        ('{"a":' * 100_000 + "1" + "}" * 100_000, "JSON"),
        ("[" * 100_000, "JSON"),
        ("x = " + "[" * 100_000 + "]" * 100_000, "TOML"),
        ("x = " + "{a = " * 100_000 + "1" + "}" * 100_000, "TOML"),
    ],
)
def test_deep_nesting_is_refused_before_parsing_without_recursion_error(
    text: str, kind: str
) -> None:
    parse = parse_json if kind == "JSON" else parse_toml
    with pytest.raises(InputError) as err:
        parse(text, "input")
    assert f"nested more than {MAX_DEPTH} levels deep" in refusal(err)[1]


def test_deep_toml_dotted_keys_are_refused() -> None:
    # Dotted keys nest tables without any bracket: checked on the parsed value.
    text = "a" + ".a" * 200 + " = 1\n"
    with pytest.raises(InputError) as err:
        parse_toml(text, "settings")
    assert refusal(err) == ("settings", f"is nested more than {MAX_DEPTH} levels deep")


def test_nesting_up_to_the_limit_is_accepted() -> None:
    text = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    value = parse_json(text, "input")
    for _ in range(MAX_DEPTH - 1):
        value = value[0]
    assert value == []
    with pytest.raises(InputError):
        check_depth("[" + text + "]", "input")


@pytest.mark.parametrize(
    "text",
    [
        '{"a": "' + "[" * 500 + '"}',  # brackets inside a string do not count
        '{"a": "\\"' + "[" * 500 + '"}',  # nor after an escaped quote
        '{"a": "\\\\", "b": [[1]]}',  # an escaped backslash ends before the quote
    ],
)
def test_brackets_inside_json_strings_do_not_count(text: str) -> None:
    assert isinstance(parse_json(text, "input"), dict)


@pytest.mark.parametrize(
    "text",
    [
        'a = "' + "[" * 500 + '"\n',
        "a = '" + "[" * 500 + "'\n",
        'a = """\n' + "[" * 500 + '\n"""\n',
        "a = '''\n" + "[" * 500 + "\n'''\n",
        "# " + "[" * 500 + "\na = 1\n",
        'a = """x""""\nb = [[1]]\n',  # a multi-line string may end in up to 2 extra quotes
    ],
)
def test_brackets_inside_toml_strings_and_comments_do_not_count(text: str) -> None:
    assert isinstance(parse_toml(text, "settings"), dict)


def test_toml_string_trick_cannot_hide_nesting() -> None:
    # tomllib sees a string of one quote and then an array nested 100 deep.
    text = 'x = ["""a"""", ' + "[" * 100 + "]" * 100 + "]\n"
    with pytest.raises(InputError):
        parse_toml(text, "settings")


def test_duplicate_keys_and_nan_in_json() -> None:
    with pytest.raises(InputError) as err:
        parse_json('{"a": 1, "a": 2}', "case")
    assert "appears twice" in refusal(err)[1]
    assert parse_json('{"a": NaN}', "case")["a"] != parse_json('{"a": NaN}', "case")["a"]


def test_invalid_utf8_is_refused_by_name() -> None:
    with pytest.raises(InputError) as err:
        parse_json(b'{"a": "\xff"}', "input")
    assert refusal(err) == ("input", "is not valid JSON (not UTF-8: byte 7 cannot be read)")


def test_bounded_lines_skips_an_overlong_line_and_goes_on() -> None:
    data = b'{"a": 1}\n' + b"x" * 5000 + b"\n" + b'{"b": 2}\n' + b"tail"
    lines = list(bounded_lines(io.BytesIO(data), 1000))
    assert lines == [b'{"a": 1}\n', TOO_LONG, b'{"b": 2}\n', b"tail"]


def test_json_of_exactly_the_limit_is_accepted() -> None:
    payload = json.dumps({"s": "x" * (MIB - 20)})
    payload += " " * (MIB - len(payload))
    assert len(payload) == MIB
    assert parse_json(payload, "input")["s"].startswith("x")
    with pytest.raises(InputError):
        parse_json(payload + " ", "input")


@pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="needs Linux /proc")
def test_a_file_larger_than_its_stated_size_is_read_whole_and_bounded() -> None:
    # /proc files say 0 bytes and hold more: the read sized by the file's stated size
    # (issue 26) reads on, and still stops at the limit.
    proc = Path("/proc/self/status")
    assert proc.stat().st_size == 0
    text = read_bounded(proc, "status", MIB)
    assert text.startswith(b"Name:")
    assert text.endswith(b"\n")
    with pytest.raises(InputError, match="larger than"):
        read_bounded(proc, "status", 10)


def test_a_file_at_the_limit_is_read_and_one_byte_more_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "f.json"
    path.write_bytes(b"x" * 100)
    assert read_bounded(path, "f", 100) == b"x" * 100
    path.write_bytes(b"x" * 101)
    with pytest.raises(InputError, match="larger than"):
        read_bounded(path, "f", 100)
