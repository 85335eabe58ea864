"""The validated-ruleset snapshot (issue 14): used only on an exact key match, and then
equal to full validation; anything else falls back to validating in full, and a tampered
snapshot cannot run code."""

from __future__ import annotations

import os
import pickle
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from calculator.rulebook import in_force, snapshot
from calculator.rulebook.loader import fingerprint, load_ruleset, read_data_files
from calculator.rulebook.snapshot import (
    FILE_NAME,
    MAGIC,
    MAX_BYTES,
    code_digest,
    dump_snapshot,
    load_snapshot,
    snapshot_key,
    snapshot_path,
    write_snapshot,
)
from tests.calculator.helpers import replace_in_data

CALLED: list[str] = []


def _record_call(what: str) -> None:
    CALLED.append(what)


class _Hostile:
    """Unpickling this would call _record_call: the snapshot loader must refuse it."""

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return (_record_call, ("hostile code ran",))


@pytest.fixture
def files() -> list[tuple[str, bytes]]:
    return read_data_files()


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    return write_snapshot(tmp_path / FILE_NAME)


def _header(files: list[tuple[str, bytes]]) -> bytes:
    code = code_digest()
    assert code is not None
    return MAGIC + snapshot_key(fingerprint(files), code) + b"\n"


def test_a_matching_snapshot_equals_full_validation(
    files: list[tuple[str, bytes]], saved: Path
) -> None:
    full = load_ruleset(files)
    loaded = load_snapshot(files, saved)
    assert loaded is not None
    assert loaded == full
    assert loaded.info == full.info  # same version, same sha256
    assert loaded.rule("TOCI-CAP") == full.rule("TOCI-CAP")
    assert [r.id for r in loaded.all_rules()] == [r.id for r in full.all_rules()]
    # Still frozen: a snapshot is not a way around immutability.
    with pytest.raises(ValidationError, match="frozen"):
        loaded.meta.version = "1999.1"  # type: ignore[misc]
    assert loaded.meta.version == full.meta.version


def test_changed_rule_data_is_validated_in_full(saved: Path) -> None:
    changed = replace_in_data("grading.toml", "fever_min_c = 38.0", "fever_min_c = 39.0")
    assert load_snapshot(changed, saved) is None
    # A comment counts too: the key is the sha256 of the bytes, as the fingerprint is.
    commented = replace_in_data("grading.toml", "# --- CRS", "# --- CRS.")
    assert load_snapshot(commented, saved) is None


def test_changed_rulebook_code_is_validated_in_full(
    files: list[tuple[str, bytes]], saved: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(snapshot, "code_digest", lambda: "0" * 64)
    assert load_snapshot(files, saved) is None


def test_unreadable_code_means_no_snapshot(
    files: list[tuple[str, bytes]], saved: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(snapshot, "code_digest", lambda: None)
    assert load_snapshot(files, saved) is None
    with pytest.raises(RuntimeError, match="source files"):
        dump_snapshot(load_ruleset(files))


@pytest.mark.parametrize("part", ["pydantic", "pydantic_core"])
def test_another_pydantic_gives_another_key(
    part: str, files: list[tuple[str, bytes]], saved: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if part == "pydantic":
        monkeypatch.setattr(snapshot.pydantic, "VERSION", "0.0.1")
    else:
        monkeypatch.setattr(snapshot.pydantic_core, "__version__", "0.0.1")
    assert load_snapshot(files, saved) is None


def test_the_key_covers_data_and_code() -> None:
    base = snapshot_key("a" * 64, "b" * 64)
    assert base == snapshot_key("a" * 64, "b" * 64)
    assert base != snapshot_key("c" * 64, "b" * 64)
    assert base != snapshot_key("a" * 64, "c" * 64)


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda raw: raw[: len(raw) // 2], id="cut-short"),
        pytest.param(lambda raw: raw[:-1] + b"\x00", id="last-byte-changed"),
        pytest.param(lambda raw: b"", id="empty"),
        pytest.param(lambda raw: b"x" + raw, id="bad-magic"),
        pytest.param(lambda raw: raw.replace(MAGIC, b"crs-calc-ruleset-snapshot/0\n"), id="old"),
    ],
)
def test_a_damaged_snapshot_is_ignored(
    damage: Any, files: list[tuple[str, bytes]], saved: Path
) -> None:
    saved.write_bytes(damage(saved.read_bytes()))
    assert load_snapshot(files, saved) is None


def test_a_missing_snapshot_is_ignored(files: list[tuple[str, bytes]], tmp_path: Path) -> None:
    assert load_snapshot(files, tmp_path / "none.snapshot") is None


def test_an_oversized_snapshot_is_not_read(files: list[tuple[str, bytes]], tmp_path: Path) -> None:
    big = tmp_path / FILE_NAME
    big.write_bytes(_header(files) + b"\0" * MAX_BYTES)
    assert load_snapshot(files, big) is None


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_is_not_waited_on(files: list[tuple[str, bytes]], tmp_path: Path) -> None:
    fifo = tmp_path / FILE_NAME
    os.mkfifo(fifo)
    assert load_snapshot(files, fifo) is None


def test_a_hostile_snapshot_cannot_run_code(files: list[tuple[str, bytes]], tmp_path: Path) -> None:
    CALLED.clear()
    hostile = tmp_path / FILE_NAME
    hostile.write_bytes(_header(files) + pickle.dumps(_Hostile(), protocol=5))
    assert load_snapshot(files, hostile) is None
    assert CALLED == []
    # The same payload unpickled without the allow-list does run: the test can fail.
    pickle.loads(pickle.dumps(_Hostile()))
    assert CALLED == ["hostile code ran"]


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param(load_ruleset, id="a rulebook function"),
        pytest.param(os.system, id="os.system"),
        pytest.param({"not": "a ruleset"}, id="plain data"),
    ],
)
def test_only_a_ruleset_of_rulebook_models_is_accepted(
    payload: Any, files: list[tuple[str, bytes]], tmp_path: Path
) -> None:
    path = tmp_path / FILE_NAME
    path.write_bytes(_header(files) + pickle.dumps(payload, protocol=5))
    assert load_snapshot(files, path) is None


def test_a_ruleset_with_another_fingerprint_is_refused(
    files: list[tuple[str, bytes]], tmp_path: Path
) -> None:
    other = load_ruleset(replace_in_data("grading.toml", "# --- CRS", "# --- CRS."))
    path = tmp_path / FILE_NAME
    # The right key for today's files, but the pickled ruleset was made from other bytes.
    path.write_bytes(_header(files) + pickle.dumps(other, protocol=5))
    assert load_snapshot(files, path) is None


def test_ruleset_falls_back_to_full_validation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / FILE_NAME
    bad.write_bytes(b"not a snapshot")
    monkeypatch.setattr(snapshot, "snapshot_path", lambda: bad)
    uncached = in_force.ruleset.__wrapped__  # type: ignore[attr-defined]
    assert uncached() == load_ruleset()


def test_the_checkouts_snapshot_is_current(files: list[tuple[str, bytes]]) -> None:
    # `make test` (re)builds it from the data and code as they are; a stale one would make
    # every start-up validate in full again. After editing rules: `make snapshot`.
    assert snapshot_path().is_file(), "no ruleset snapshot: run `make snapshot`"
    assert load_snapshot(files) == load_ruleset(files), "stale snapshot: run `make snapshot`"
