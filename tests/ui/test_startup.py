"""A corrupt or truncated autosave, settings file, profile file or audit log never stops
the app from starting: defaults, a plain message, and the bad file kept aside."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from calculator.audit import append, head_path, verify_chain
from calculator.rulebook import ruleset
from ui.autosave import Snapshot, save_case
from ui.settings import Settings, save_settings
from ui.startup import record_event, start_up
from ui.storage import Locations

NOW = datetime(2026, 11, 21, 3, 0, 0)
CASE = {"format": "crs-calc-case/1", "patient": {"weight_kg": 70, "age_years": 54}}


@pytest.fixture
def loc(tmp_path: Path) -> Locations:
    return Locations(config_dir=tmp_path / "config", data_dir=tmp_path / "data")


def aside_files(folder: Path, stem: str) -> list[Path]:
    return sorted(folder.glob(f"{stem}.corrupt-*"))


def test_clean_start(loc: Locations) -> None:
    state = start_up(loc, ruleset(), NOW)
    assert state.messages == []
    assert state.settings == Settings()
    assert state.recovery.case is None
    assert state.institution_profile is None


def test_autosave_is_offered_after_a_crash(loc: Locations) -> None:
    save_case(loc.autosave_file, Snapshot(CASE), NOW)
    state = start_up(loc, ruleset(), NOW)
    assert state.recovery.case == CASE
    assert state.messages == []


def test_every_bad_file_at_once(loc: Locations, tmp_path: Path) -> None:
    loc.ensure()
    loc.settings_file.write_bytes(b"[units\nweight = ")
    profile = tmp_path / "ward.toml"
    profile.write_text('id = "ward-4"\ntoci_max_total = 99\n')
    save_case(loc.autosave_file, Snapshot(CASE), NOW)
    loc.autosave_file.write_bytes(loc.autosave_file.read_bytes()[:15])
    for n in range(3):
        append(loc.audit_log, at=NOW, event="print", record="handoff", label=f"bed {n}")
    loc.audit_log.write_bytes(loc.audit_log.read_bytes().splitlines(keepends=True)[0])

    state = start_up(loc, ruleset(), NOW)
    assert state.settings == Settings()
    assert state.recovery.case is None
    text = "\n".join(state.messages)
    assert "settings file could not be used" in text
    assert "autosaved case from the last session is damaged" in text
    assert "audit log failed its check" in text
    assert "truncated" in text
    # Kept aside, none deleted.
    assert len(aside_files(loc.config_dir, "settings.toml")) == 1
    assert len(aside_files(loc.autosave_file.parent, "current-case.json")) == 1
    kept_logs = aside_files(loc.data_dir, "audit.jsonl")
    assert len(kept_logs) == 1
    assert b"bed 0" in kept_logs[0].read_bytes()
    assert len(aside_files(loc.data_dir, "audit.jsonl.head")) == 1
    # A fresh, valid log says what happened to the old one.
    report = verify_chain(loc.audit_log)
    assert report.ok
    first = json.loads(loc.audit_log.read_text().splitlines()[0])
    assert first["event"] == "log_set_aside"
    assert first["details"]["previous_log"] == kept_logs[0].name


def test_refused_institution_profile_is_left_where_it_is(loc: Locations, tmp_path: Path) -> None:
    profile = tmp_path / "ward.toml"
    profile.write_text('id = "ward-4"\ntoci_max_total = 99\n')
    save_settings(loc.settings_file, Settings(institution_profile_file=str(profile)))
    state = start_up(loc, ruleset(), NOW)
    assert state.institution_profile is None
    assert "institution profile file ward.toml was refused" in state.messages[0]
    assert "toci_max_total" in state.messages[0]
    assert "astct-nccn-2026" in state.messages[0]
    assert "left where it is" in state.messages[0]
    # The pharmacy's file is not the app's: never renamed, so the next start reads it again.
    assert aside_files(tmp_path, "ward.toml") == []
    assert profile.read_text() == 'id = "ward-4"\ntoci_max_total = 99\n'
    again = start_up(loc, ruleset(), NOW)
    assert "was refused" in again.messages[0]


def test_truncated_institution_profile(loc: Locations, tmp_path: Path) -> None:
    profile = tmp_path / "ward.toml"
    profile.write_text('id = "ward-4"\ntoci_max_total = 3\nname = "Ward')
    save_settings(loc.settings_file, Settings(institution_profile_file=str(profile)))
    state = start_up(loc, ruleset(), NOW)
    assert state.institution_profile is None
    assert "not valid TOML" in state.messages[0]


def test_good_institution_profile_is_loaded(loc: Locations, tmp_path: Path) -> None:
    profile = tmp_path / "ward.toml"
    profile.write_text('id = "ward-4"\nname = "Ward 4"\ntoci_max_total = 3\n')
    save_settings(loc.settings_file, Settings(institution_profile_file=str(profile)))
    state = start_up(loc, ruleset(), NOW)
    assert state.messages == []
    assert state.institution_profile is not None
    assert state.institution_profile.max_total == 3


def test_missing_institution_profile_is_said(loc: Locations, tmp_path: Path) -> None:
    save_settings(loc.settings_file, Settings(institution_profile_file=str(tmp_path / "gone.toml")))
    state = start_up(loc, ruleset(), NOW)
    assert "was not found" in state.messages[0]


def test_unknown_default_profile_in_settings(loc: Locations) -> None:
    save_settings(loc.settings_file, Settings(default_profile="no-such-profile"))
    state = start_up(loc, ruleset(), NOW)
    assert state.settings.default_profile == ""
    assert "no-such-profile" in state.messages[0]


def test_edited_audit_log_is_set_aside(loc: Locations) -> None:
    for n in range(3):
        record_event(loc.audit_log, NOW, "print", "handoff", label=f"bed {n}", content=b"pdf")
    data = loc.audit_log.read_bytes().replace(b"bed 1", b"bed 7")
    loc.audit_log.write_bytes(data)
    state = start_up(loc, ruleset(), NOW)
    assert "line 2 was changed" in "\n".join(state.messages)
    assert verify_chain(loc.audit_log).ok


def test_record_event_recovers_from_a_cut_last_line(loc: Locations) -> None:
    loc.ensure()
    record_event(loc.audit_log, NOW, "export", "handoff", content=b"%PDF-1.4")
    loc.audit_log.write_bytes(loc.audit_log.read_bytes()[:-5])
    entry = record_event(loc.audit_log, NOW, "verify", "verification")
    assert entry.event == "verify"
    assert verify_chain(loc.audit_log).ok
    assert len(aside_files(loc.data_dir, "audit.jsonl")) == 1
    assert head_path(loc.audit_log).exists()


def test_record_event_hashes_the_record(loc: Locations) -> None:
    entry = record_event(loc.audit_log, NOW, "export", "handoff", content=b"abc")
    assert entry.record_sha256 == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )
