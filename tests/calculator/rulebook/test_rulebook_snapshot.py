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

from calculator import DoseInput, TocilizumabDose, builtin_profile, dose
from calculator.edge.inputs import validate
from calculator.rulebook import in_force, loader, snapshot
from calculator.rulebook.loader import fingerprint, load_ruleset
from calculator.rulebook.snapshot import (
    FILE_NAME,
    MAGIC,
    MAX_BYTES,
    code_digest,
    dump_snapshot,
    load_snapshot,
    snapshot_key,
    snapshot_path,
)
from tests.calculator.helpers import DEFAULT, replace_in_data

CALLED: list[str] = []


def _record_call(what: str) -> None:
    CALLED.append(what)


class _Hostile:
    """Unpickling this would call _record_call: the snapshot loader must refuse it."""

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return (_record_call, ("hostile code ran",))


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


def test_the_sha256_shown_is_the_datas_never_the_snapshots(
    files: list[tuple[str, bytes]], tmp_path: Path
) -> None:
    # Made from other bytes (a comment changed: the same rules), saved under today's key:
    # the snapshot carries no sha256 of its own, so the one shown is today's files'.
    other = load_ruleset(replace_in_data("grading.toml", "# --- CRS", "# --- CRS."))
    assert other.sha256 != fingerprint(files)
    path = _forge_parts(files, tmp_path / FILE_NAME, full=other)
    loaded = load_snapshot(files, path)
    assert loaded is not None
    assert loaded.sha256 == fingerprint(files)
    assert loaded == load_ruleset(files)


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


# Issue 20: the key is made of public values, so it binds nothing. Whoever can write the
# snapshot can pickle any ruleset under the right key; the content itself must be the data's.
# Issue 26: the core and each section are pickled apart and checked apart, each when first
# read; a forged section is validated in full then, never used.


def _forge(files: list[tuple[str, bytes]], path: Path, payload: object) -> Path:
    path.write_bytes(_header(files) + pickle.dumps(payload, protocol=5))
    return path


def _forge_parts(
    data: list[tuple[str, bytes]],
    path: Path,
    /,
    *,
    full: loader.Ruleset | None = None,
    core: object = None,
    sections: dict[str, object] | None = None,
    **parts: Any,
) -> Path:
    """A snapshot under today's key made of ``full``'s parts (today's ruleset if None),
    with the core, some sections or other parts replaced as a forger could."""
    full = load_ruleset(data) if full is None else full
    made = pickle.loads(dump_snapshot(full, data).split(b"\n", 2)[2])
    if core is not None:
        made["core"] = pickle.dumps(core, protocol=5)
    for name, section in (sections or {}).items():
        made["sections"][name] = pickle.dumps(section, protocol=5)
    made.update(parts)
    return _forge(data, path, made)


def _toci_mg(rs: loader.Ruleset, weight_kg: float = 70) -> float:
    inp = validate(DoseInput, {"drug": "tocilizumab", "weight_kg": weight_kg, "age_years": 50})
    result = dose(inp, builtin_profile(rs, DEFAULT), rs)
    assert isinstance(result, TocilizumabDose)
    return result.dose_mg


def _ruleset_from(path: Path, monkeypatch: pytest.MonkeyPatch) -> loader.Ruleset:
    monkeypatch.setattr(snapshot, "snapshot_path", lambda: path)
    return in_force.ruleset.__wrapped__()  # type: ignore[attr-defined,no-any-return]


def test_a_rekeyed_snapshot_with_another_dose_changes_no_dose(
    files: list[tuple[str, bytes]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    changed = load_ruleset(
        replace_in_data("dosing.toml", "from_step_mg_per_kg = 8.0", "from_step_mg_per_kg = 80.0")
    )
    # The forgery carries today's sha256: the status line and records would print it.
    forged = changed.model_copy(update={"sha256": fingerprint(files)})
    assert _toci_mg(forged) != 560  # the forgery would matter if it were used
    path = _forge_parts(files, tmp_path / FILE_NAME, full=forged)
    assert load_snapshot(files, path) is None
    in_force = _ruleset_from(path, monkeypatch)
    assert in_force.loaded_sections() == ()  # the core was the data's: the snapshot is used
    assert _toci_mg(in_force) == 560  # 70 kg x 8 mg/kg, the data's number
    assert in_force.sha256 == fingerprint(files)
    assert in_force.dosing == load_ruleset(files).dosing


def _with_state(model: Any, **state: Any) -> Any:
    """A copy of ``model`` whose pickled state is changed as a forger could."""
    copy = model.model_copy()
    for name, value in state.items():
        object.__setattr__(copy, name, value)
    return copy


def _cap(full: loader.Ruleset, cap: Any) -> dict[str, object]:
    return {"dosing": full.dosing.model_copy(update={"toci_cap": cap})}


def _forgeries(full: loader.Ruleset) -> dict[str, dict[str, Any]]:
    """Each forgery: the parts it replaces (``core`` or ``sections``)."""
    cap = full.dosing.toci_cap
    dosing = full.dosing
    core = full.core()
    return {
        "a number in a nested rule": {
            "sections": _cap(
                full,
                cap.model_copy(update={"max_mg_per_infusion": cap.max_mg_per_infusion * 10}),
            )
        },
        "an int where the data has a float": {
            "sections": _cap(
                full, cap.model_copy(update={"max_mg_per_infusion": int(cap.max_mg_per_infusion)})
            )
        },
        "a list where validation gives a tuple": {
            "sections": _cap(full, cap.model_copy(update={"sources": list(cap.sources)}))
        },
        "an extra attribute": {
            "sections": {"dosing": _with_state(dosing, __dict__={**vars(dosing), "rules": ()})}
        },
        "a field missing": {
            "sections": {
                "dosing": _with_state(
                    dosing, __dict__={k: v for k, v in vars(dosing).items() if k != "toci_cap"}
                )
            }
        },
        "a profile added": {
            "core": core.model_copy(
                update={"profiles": {**core.profiles, "forged": core.profiles[DEFAULT]}}
            )
        },
        "the default profile changed": {
            "core": core.model_copy(
                update={"default_profile": next(p for p in core.profiles if p != DEFAULT)}
            )
        },
        "fields set that the data does not set": {
            "sections": {"dosing": _with_state(dosing, __pydantic_fields_set__=set())}
        },
        "a nested model of another class": {"sections": _cap(full, full.crs.fever)},
        "a section in another's place": {"sections": {"dosing": full.taper}},
    }


FORGERIES = [
    "a number in a nested rule",
    "an int where the data has a float",
    "a list where validation gives a tuple",
    "an extra attribute",
    "a field missing",
    "a profile added",
    "the default profile changed",
    "fields set that the data does not set",
    "a nested model of another class",
    "a section in another's place",
]


@pytest.mark.parametrize("name", FORGERIES)
def test_a_rekeyed_snapshot_unlike_the_data_is_refused(
    name: str, files: list[tuple[str, bytes]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    full = load_ruleset(files)
    path = _forge_parts(files, tmp_path / FILE_NAME, **_forgeries(full)[name])
    assert load_snapshot(files, path) is None
    # At start-up: a forged core means full validation at once; a forged section, full
    # validation when it is first read. Either way the numbers are the data's.
    in_force = _ruleset_from(path, monkeypatch)
    assert in_force == full
    assert _toci_mg(in_force) == 560


def test_the_rules_map_is_only_a_hint(files: list[tuple[str, bytes]], tmp_path: Path) -> None:
    full = load_ruleset(files)
    made = pickle.loads(dump_snapshot(full, files).split(b"\n", 2)[2])
    # TOCI-CAP said to be a grading rule, TOCI-DOSE's rule said to be nowhere.
    rules = {**made["rules"], "TOCI-CAP": "crs"}
    del rules["TOCI-DOSE"]
    loaded = snapshot.open_snapshot(files, _forge_parts(files, tmp_path / FILE_NAME, rules=rules))
    assert loaded is not None
    assert loaded.rule("TOCI-CAP") == full.rule("TOCI-CAP")
    assert loaded.rule("TOCI-DOSE") == full.rule("TOCI-DOSE")
    with pytest.raises(KeyError):
        loaded.rule("NOT-A-RULE")


@pytest.mark.parametrize(
    "state",
    [
        pytest.param({"__dict__": {}}, id="no fields at all"),
        pytest.param({"__pydantic_fields_set__": None}, id="fields set not a set"),
        pytest.param({"__pydantic_private__": {"_index": {}}}, id="private state"),
    ],
)
def test_a_snapshot_with_the_right_key_and_broken_state_falls_back(
    state: dict[str, Any],
    files: list[tuple[str, bytes]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    full = load_ruleset(files)
    for forged in (
        {"core": _with_state(full.core(), **state)},
        {"sections": {"episode": _with_state(full.episode, **state)}},
    ):
        path = _forge_parts(files, tmp_path / FILE_NAME, **forged)
        assert load_snapshot(files, path) is None
        assert _ruleset_from(path, monkeypatch) == full


@pytest.mark.parametrize(
    "listed",
    [
        pytest.param(lambda t: {**t, "grading.toml": ["crs"]}, id="a table unlisted"),
        pytest.param(lambda t: {**t, "taper.toml": ["taper", "crs"]}, id="a table in two files"),
        pytest.param(lambda t: dict(list(t.items())[1:]), id="a file unlisted"),
        pytest.param(lambda t: {**t, "extra.toml": []}, id="a file that is not there"),
        pytest.param(lambda t: {**t, "grading.toml": ["crs", "icans", "x"]}, id="an unknown table"),
    ],
)
def test_a_snapshot_that_places_tables_elsewhere_is_refused(
    listed: Any, files: list[tuple[str, bytes]], tmp_path: Path
) -> None:
    made = pickle.loads(dump_snapshot(load_ruleset(files), files).split(b"\n", 2)[2])
    path = _forge_parts(files, tmp_path / FILE_NAME, files=listed(made["files"]))
    assert snapshot.open_snapshot(files, path) is None


def test_a_file_holding_other_tables_than_listed_falls_back(
    files: list[tuple[str, bytes]], tmp_path: Path
) -> None:
    # The snapshot says crs and icans are in episode.toml and episode in grading.toml: the
    # files themselves say otherwise when parsed, so each of those sections is validated
    # in full (and is the data's).
    made = pickle.loads(dump_snapshot(load_ruleset(files), files).split(b"\n", 2)[2])
    listed = {**made["files"], "grading.toml": ["episode"], "episode.toml": ["crs", "icans"]}
    loaded = snapshot.open_snapshot(files, _forge_parts(files, tmp_path / FILE_NAME, files=listed))
    assert loaded is not None
    assert loaded.crs == load_ruleset(files).crs
    assert loaded.episode == load_ruleset(files).episode
    refused = snapshot.open_snapshot(
        files, _forge_parts(files, tmp_path / FILE_NAME, files=listed), fallback=False
    )
    assert refused is not None
    with pytest.raises(Exception, match="not the data's"):
        refused.crs  # noqa: B018
