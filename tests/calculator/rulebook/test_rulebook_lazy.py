"""Issue 26: each rule section is loaded (imported, unpickled, checked against the data) the
first time it is read. Which sections were loaded never shows: the same objects on every
read, in any order and from any thread; the same version and sha256; a section that does
not validate fails loudly when first read, naming the rule file's field."""

from __future__ import annotations

import json
import pickle
import random
import threading
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from calculator.edge import cli
from calculator.rulebook import snapshot
from calculator.rulebook.lazy import SECTION_ORDER, SECTIONS, Ruleset
from calculator.rulebook.loader import fingerprint, load_ruleset, read_data_files
from calculator.rulebook.snapshot import (
    FILE_NAME,
    MAGIC,
    code_digest,
    dump_snapshot,
    open_snapshot,
    snapshot_key,
)
from tests.calculator.helpers import replace_in_data

CRS = {"temperature_c": 39.5, "oxygen": "facemask"}
DOSE = {"drug": "tocilizumab", "weight_kg": 70, "age_years": 50}


@pytest.fixture
def full(files: list[tuple[str, bytes]]) -> Ruleset:
    return load_ruleset(files)


def _opened(files: list[tuple[str, bytes]], path: Path) -> Ruleset:
    rs = open_snapshot(files, path)
    assert rs is not None
    return rs


def test_nothing_is_loaded_before_it_is_read(
    files: list[tuple[str, bytes]], saved: Path, full: Ruleset
) -> None:
    rs = _opened(files, saved)
    assert rs.loaded_sections() == ()
    assert rs.info == full.info  # version and sha256 need no section
    assert rs.profiles == full.profiles
    assert rs.bounds == full.bounds
    assert rs.crs.fever.fever_min_c == full.crs.fever.fever_min_c
    assert rs.loaded_sections() == ("crs",)
    assert rs.info == full.info
    # A rule of a section not loaded yet loads that section only.
    assert rs.rule("TOCI-CAP") == full.rule("TOCI-CAP")
    assert rs.loaded_sections() == ("crs", "dosing")
    # A ruleset validated in full holds every section from the start.
    assert full.loaded_sections() == tuple(SECTIONS)


def test_a_section_is_loaded_once_and_is_the_same_object_on_every_read(
    files: list[tuple[str, bytes]], saved: Path
) -> None:
    rs = _opened(files, saved)
    first = rs.dosing
    assert rs.dosing is first
    assert rs.rule("TOCI-CAP") is first.toci_cap
    assert rs.sections()[SECTION_ORDER.index("dosing")] is first


def test_sections_read_in_any_order_from_many_threads_are_the_same_objects(
    files: list[tuple[str, bytes]], saved: Path, full: Ruleset
) -> None:
    rs = _opened(files, saved)
    seen: list[dict[str, int]] = []
    start = threading.Barrier(8)

    def read(seed: int) -> None:
        order = list(SECTIONS)
        random.Random(seed).shuffle(order)
        start.wait()
        seen.append({name: id(getattr(rs, name)) for name in order})

    threads = [threading.Thread(target=read, args=(seed,)) for seed in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(seen) == 8
    assert all(ids == seen[0] for ids in seen)
    assert rs == full
    assert [r.id for r in rs.all_rules()] == [r.id for r in full.all_rules()]


@pytest.mark.parametrize("seed", range(3))
def test_identity_and_sha256_do_not_depend_on_what_was_loaded(
    seed: int, files: list[tuple[str, bytes]], saved: Path, full: Ruleset
) -> None:
    rs = _opened(files, saved)
    order = list(SECTIONS)
    random.Random(seed).shuffle(order)
    for name in order[: seed * 3]:
        getattr(rs, name)
    assert rs.info == full.info
    assert rs.sha256 == fingerprint(files)
    assert cli.version_info(rs) == cli.version_info(full)


def test_a_ruleset_is_frozen_and_copies_as_the_model_did(full: Ruleset) -> None:
    with pytest.raises(AttributeError, match="frozen"):
        full.sha256 = "0" * 64  # type: ignore[misc]
    fever = full.crs.fever.model_copy(update={"fever_min_c": 39.5})
    other = full.model_copy(update={"crs": full.crs.model_copy(update={"fever": fever})})
    assert other.crs.fever.fever_min_c == 39.5
    assert other.dosing is full.dosing
    assert other.sha256 == full.sha256
    assert other != full
    with pytest.raises(ValueError, match="no field"):
        full.model_copy(update={"nonsense": 1})


# --- a section that does not validate ---------------------------------------------------


def _keyed_to(files: list[tuple[str, bytes]], path: Path, full: Ruleset) -> Path:
    """Today's good snapshot parts saved under the key of ``files`` (as a forger could)."""
    code = code_digest()
    assert code is not None
    body = dump_snapshot(full, read_data_files()).split(b"\n", 2)[2]
    path.write_bytes(MAGIC + snapshot_key(fingerprint(files), code) + b"\n" + body)
    return path


@pytest.fixture
def broken_dosing() -> list[tuple[str, bytes]]:
    return replace_in_data("dosing.toml", "from_step_mg_per_kg = 8.0", "from_step_mg_per_kg = -8.0")


def test_a_section_that_does_not_validate_fails_when_first_read(
    broken_dosing: list[tuple[str, bytes]], full: Ruleset, tmp_path: Path
) -> None:
    with pytest.raises(ValidationError, match=r"dosing\.TOCI-DOSE\.from_step_mg_per_kg"):
        load_ruleset(broken_dosing)  # what full validation says
    rs = _opened(broken_dosing, _keyed_to(broken_dosing, tmp_path / FILE_NAME, full))
    assert rs.crs == full.crs  # the grading rules are the data's: usable
    assert rs.sha256 == fingerprint(broken_dosing)  # the data's sha256, as shown
    for _ in range(2):  # and again: never a section that was not validated
        with pytest.raises(ValidationError, match=r"dosing\.TOCI-DOSE\.from_step_mg_per_kg"):
            rs.dosing  # noqa: B018
    assert "dosing" not in rs.loaded_sections()


def test_the_command_line_tells_it_as_before(
    broken_dosing: list[tuple[str, bytes]],
    full: Ruleset,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rs = _opened(broken_dosing, _keyed_to(broken_dosing, tmp_path / FILE_NAME, full))
    monkeypatch.setattr(cli, "ruleset", lambda: rs)
    code, text = cli.run(["dose"], lambda: json.dumps(DOSE))
    assert code == cli.EXIT_INTERNAL
    message = json.loads(text)["error"]["message"]
    assert "validation error for Ruleset" in message
    assert "dosing.TOCI-DOSE.from_step_mg_per_kg" in message
    code, text = cli.run(["grade-crs"], lambda: json.dumps(CRS))
    assert code == cli.EXIT_OK
    assert json.loads(text)["ruleset"]["sha256"] == fingerprint(broken_dosing)


def _key(files: list[tuple[str, bytes]]) -> bytes:
    code = code_digest()
    assert code is not None
    return snapshot_key(fingerprint(files), code) + b"\n"


def test_duplicate_rule_ids_are_refused_by_the_ruleset_itself(full: Ruleset) -> None:
    h24 = full.episode.h24.model_copy(update={"id": "TOCI-CAP"})
    sections: dict[str, Any] = {name: getattr(full, name) for name in SECTIONS}
    sections["episode"] = full.episode.model_copy(update={"h24": h24})
    with pytest.raises(ValueError, match="TOCI-CAP appears twice"):
        Ruleset(full.core(), full.sha256, sections=sections)


def test_the_fallback_validates_each_forged_section_once(
    files: list[tuple[str, bytes]], full: Ruleset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = pickle.loads(dump_snapshot(full, files).split(b"\n", 2)[2])
    for name in ("crs", "dosing"):
        made["sections"][name] = pickle.dumps({"not": "a section"}, protocol=5)
    path = tmp_path / FILE_NAME
    path.write_bytes(MAGIC + _key(files) + pickle.dumps(made, protocol=5))
    calls: list[int] = []
    real = snapshot.load_ruleset

    def counted(data: list[tuple[str, bytes]]) -> Ruleset:
        calls.append(1)
        return real(data)

    monkeypatch.setattr(snapshot, "load_ruleset", counted)
    rs = _opened(files, path)
    assert rs.crs == full.crs
    assert rs.dosing == full.dosing
    assert rs.taper == full.taper
    assert calls == [1]  # one full validation served both forged sections


def test_the_four_lists_of_the_sections_agree() -> None:
    # A section added to the full schema but not to SECTIONS would make every snapshot
    # fail its table check: start-up would validate in full each time, silently slower.
    from calculator.rulebook.full import RulesetModel
    from calculator.rulebook.lazy import SECTION_ORDER, SECTIONS, Ruleset, RulesetCore, _Section

    described = [name for name, value in vars(Ruleset).items() if isinstance(value, _Section)]
    full = set(RulesetModel.model_fields) - set(RulesetCore.model_fields) - {"sha256"}
    assert described == list(SECTIONS)
    assert full == set(SECTIONS)
    assert [name for name in SECTION_ORDER if name != "bounds"] == list(SECTIONS)
    assert "bounds" in SECTION_ORDER
