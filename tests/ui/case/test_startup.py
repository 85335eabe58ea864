"""A corrupt or truncated autosave, settings file, profile file or audit log never stops
the app from starting: defaults, a plain message, and the bad file kept aside."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from calculator.records.audit import append, head_path, verify_chain
from calculator.rulebook import ruleset
from tests.ui.helpers import run_ui
from ui.case.autosave import Snapshot, save_case
from ui.case.startup import record_event, start_up
from ui.store.settings import Settings, save_settings
from ui.store.storage import Locations

NOW = datetime(2026, 11, 21, 3, 0, 0)
ROOT = Path(__file__).resolve().parents[3]
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


# --- hostile files (issue 12): start-up never crashes, owned files set aside ---------------

DEEP = 100_000


def test_deeply_nested_autosave_is_set_aside_and_start_up_continues(loc: Locations) -> None:
    loc.ensure()
    content = b'{"format": "crs-calc-autosave/2", "case": ' + b"[" * DEEP + b"]" * DEEP + b"}"
    loc.autosave_file.write_bytes(content)
    state = start_up(loc, ruleset(), NOW)
    assert not state.recovery.found
    assert "autosaved case from the last session" in "\n".join(state.messages)
    kept = aside_files(loc.autosave_file.parent, "current-case.json")
    assert [k.read_bytes() for k in kept] == [content]


def test_deeply_nested_settings_file_is_set_aside_and_start_up_continues(
    loc: Locations,
) -> None:
    loc.ensure()
    content = b"units = " + b"[" * DEEP + b"]" * DEEP + b"\n"
    loc.settings_file.write_bytes(content)
    state = start_up(loc, ruleset(), NOW)
    assert state.settings == Settings()
    assert "settings file could not be used" in state.messages[0]
    kept = aside_files(loc.config_dir, "settings.toml")
    assert [k.read_bytes() for k in kept] == [content]


def test_deeply_nested_audit_log_line_is_set_aside_and_start_up_continues(
    loc: Locations,
) -> None:
    loc.ensure()
    content = b"[" * DEEP + b"]" * DEEP + b"\n"
    loc.audit_log.write_bytes(content)
    state = start_up(loc, ruleset(), NOW)
    assert "audit log failed its check" in "\n".join(state.messages)
    kept = aside_files(loc.data_dir, "audit.jsonl")
    assert [k.read_bytes() for k in kept] == [content]
    assert verify_chain(loc.audit_log).ok


@pytest.mark.parametrize("digits", [300, 5000])
def test_settings_version_999_is_set_aside_under_a_short_name(loc: Locations, digits: int) -> None:
    loc.ensure()
    content = f"version = {'9' * digits}\n".encode()
    loc.settings_file.write_bytes(content)
    state = start_up(loc, ruleset(), NOW)
    assert state.settings == Settings()
    assert len(state.messages[0]) < 400
    kept = [p for p in loc.config_dir.iterdir() if p.name.startswith("settings.toml.")]
    assert [k.read_bytes() for k in kept] == [content]
    assert len(kept[0].name) < 80


def test_an_unreadable_autosave_is_set_aside_not_overwritten(loc: Locations) -> None:
    loc.ensure()
    os.mkfifo(loc.autosave_file)  # opened, it would block; it is never opened to read
    state = start_up(loc, ruleset(), NOW)
    assert not state.recovery.found
    assert "damaged or unreadable" in "\n".join(state.messages)
    kept = aside_files(loc.autosave_file.parent, "current-case.json")
    assert len(kept) == 1
    assert stat.S_ISFIFO(kept[0].lstat().st_mode)
    assert not loc.autosave_file.exists()  # the next autosave writes a new file, not over it


def test_a_profile_that_is_a_fifo_is_refused_and_left_where_it_is(
    loc: Locations, tmp_path: Path
) -> None:
    fifo = tmp_path / "pharmacy.toml"
    os.mkfifo(fifo)
    messages = _start_up_in_a_child(loc, fifo)
    assert "institution_profile_file" in messages
    assert "not a regular file" in messages
    # worded as every refusal of the profile file (the bad-content one above too)
    assert "The institution profile file pharmacy.toml was refused" in messages
    assert stat.S_ISFIFO(fifo.lstat().st_mode)  # the pharmacy's file: never renamed
    assert aside_files(tmp_path, "pharmacy.toml") == []


def test_a_profile_linked_to_dev_zero_is_refused_and_left_where_it_is(
    loc: Locations, tmp_path: Path
) -> None:
    link = tmp_path / "pharmacy.toml"
    link.symlink_to("/dev/zero")
    messages = _start_up_in_a_child(loc, link)
    assert "institution_profile_file" in messages
    assert "not a regular file" in messages
    assert link.is_symlink()
    assert aside_files(tmp_path, "pharmacy.toml") == []


def test_a_deeply_nested_profile_is_refused_and_left_where_it_is(
    loc: Locations, tmp_path: Path
) -> None:
    profile = tmp_path / "pharmacy.json"
    content = b'{"id": "ward", "x": ' + b"[" * DEEP + b"]" * DEEP + b"}"
    profile.write_bytes(content)
    save_settings(loc.settings_file, Settings(institution_profile_file=str(profile)))
    state = start_up(loc, ruleset(), NOW)
    assert state.institution_profile is None
    assert "refused" in state.messages[0]
    assert profile.read_bytes() == content


def test_bad_files_in_a_read_only_data_folder_never_stop_start_up(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    if not _mount_tmpfs(folder):
        pytest.skip("a read-only tmpfs cannot be mounted here (needs root)")
    try:
        loc = Locations(config_dir=folder, data_dir=folder)
        loc.ensure()
        loc.settings_file.write_bytes(b"[units\nweight = ")
        loc.autosave_file.write_bytes(b"[" * DEEP)
        loc.audit_log.write_bytes(b"{half a line")
        done = subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=False)
        assert done.returncode == 0
        state = start_up(loc, ruleset(), NOW)
        text = "\n".join(state.messages)
        assert state.settings == Settings()
        assert "could not be moved aside" in text
        assert "nothing will be autosaved" in text
        assert state.ownership is None
        assert loc.settings_file.read_bytes() == b"[units\nweight = "  # left as it is
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True, check=False)


def _mount_tmpfs(folder: Path) -> bool:
    try:
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(folder)],
            capture_output=True,
            timeout=20,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


CHILD = """
import resource
import sys
# A regression reading /dev/zero would grow without bound: fail, not eat the machine.
resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))
from datetime import datetime
from pathlib import Path
from calculator.rulebook import ruleset
from ui.case.startup import start_up
from ui.store.storage import Locations
loc = Locations(config_dir=Path(sys.argv[1]), data_dir=Path(sys.argv[2]))
state = start_up(loc, ruleset(), datetime(2026, 11, 21, 3, 0))
print("\\n".join(state.messages))
"""


def _start_up_in_a_child(loc: Locations, profile: Path) -> str:
    """Start-up in its own process, with a timeout (a FIFO would hang it) and a memory
    limit (/dev/zero would grow without bound); returns its messages."""
    save_settings(loc.settings_file, Settings(institution_profile_file=str(profile)))
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(loc.config_dir), str(loc.data_dir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return done.stdout


def test_the_app_starts_with_every_hostile_file_at_once_no_traceback_no_exit_1(
    tmp_path: Path,
) -> None:
    """The real app process (``python -m ui --exit-after-startup``) on a data folder holding
    every hostile file of issue 12: it starts, exits 0, and prints no traceback."""
    home = tmp_path / "home"
    loc = Locations(config_dir=home, data_dir=home)
    loc.ensure()
    fifo = tmp_path / "pharmacy.toml"
    os.mkfifo(fifo)
    # Settings valid, so that the FIFO profile they name is tried (and refused).
    save_settings(loc.settings_file, Settings(institution_profile_file=str(fifo)))
    loc.autosave_file.write_bytes(b"[" * DEEP)
    loc.audit_log.write_bytes(b"{" * DEEP + b"\n")
    done = run_ui(["--exit-after-startup"], home)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert len(aside_files(home, "audit.jsonl")) == 1
    assert len(aside_files(loc.autosave_file.parent, "current-case.json")) == 1
    assert stat.S_ISFIFO(fifo.lstat().st_mode)  # not the app's: left where it is
