"""Typed settings in TOML: round trip, upgrade with backup, faults never stop the app."""

from __future__ import annotations

import tomllib
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

import ui.store.settings as settings_mod
from ui.store.settings import (
    SETTINGS_VERSION,
    PrinterDefaults,
    Settings,
    Units,
    load_settings,
    save_settings,
    to_toml,
)

NOW = datetime(2026, 11, 21, 3, 0, 0)


def test_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    original = Settings(
        default_profile="asco-2021",
        institution_profile_file='C:\\Pharmacy\\"our" profile.toml',
        double_check_tolerance_pct=5.0,
        autosave_delay_ms=800,
        units=Units(weight="lb", temperature="F"),
        printer=PrinterDefaults(page_size="Letter", printer_name="Ward 4 — Färg", copies=2),
    )
    save_settings(path, original)
    loaded = load_settings(path, NOW)
    assert loaded.messages == []
    assert loaded.settings == original
    assert tomllib.loads(path.read_text(encoding="utf-8"))["version"] == SETTINGS_VERSION


def test_defaults_round_trip_and_leave_unset_values_out(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    save_settings(path, Settings())
    assert "double_check_tolerance_pct" not in path.read_text()
    assert load_settings(path, NOW).settings == Settings()


def test_missing_file_gives_defaults_silently(tmp_path: Path) -> None:
    loaded = load_settings(tmp_path / "none.toml", NOW)
    assert loaded.settings == Settings()
    assert loaded.messages == []


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"units = [broken", "damaged"),
        (b"\xff\xfe\x00garbage", "damaged"),
        (b'version = 1\n[units]\nweight = "stone"\n', "units.weight"),
        (b"version = 1\nautosave_delay_ms = 5\n", "autosave_delay_ms"),
        (b"version = 1\ncolour = 3\n", "colour"),
        (b'version = "one"\n', "version"),
        (b"", None),
    ],
)
def test_bad_file_gives_defaults_a_message_and_is_kept_aside(
    tmp_path: Path, content: bytes, words: str | None
) -> None:
    path = tmp_path / "settings.toml"
    path.write_bytes(content)
    loaded = load_settings(path, NOW)
    assert loaded.settings == Settings()
    if words is None:  # an empty file is simply all defaults
        assert loaded.messages == []
        return
    assert len(loaded.messages) == 1
    assert words in loaded.messages[0]
    assert "started with default settings" in loaded.messages[0]
    assert loaded.set_aside == tmp_path / "settings.toml.corrupt-20261121-030000"
    assert loaded.set_aside.read_bytes() == content  # kept, byte for byte
    assert not path.exists()


def test_truncated_file_is_kept_aside(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    save_settings(path, Settings(default_profile="asco-2021"))
    data = path.read_bytes()
    path.write_bytes(data[: data.index(b"asco") + 2])
    loaded = load_settings(path, NOW)
    assert loaded.settings == Settings()
    assert loaded.set_aside is not None
    assert loaded.set_aside.exists()


def test_newer_version_is_kept_for_the_newer_app(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text(f"version = {SETTINGS_VERSION + 1}\nnew_thing = true\n")
    loaded = load_settings(path, NOW)
    assert loaded.settings == Settings()
    assert "newer version of the app" in loaded.messages[0]
    assert loaded.set_aside is not None
    assert "new_thing" in loaded.set_aside.read_text()


def test_upgrade_runs_hooks_and_keeps_a_backup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
        # e.g. version 1 kept the weight unit at the top level
        unit = data.pop("weight_unit", "kg")
        data["units"] = {**data.get("units", {}), "weight": unit}
        return data

    monkeypatch.setattr(settings_mod, "SETTINGS_VERSION", 2)
    monkeypatch.setattr(settings_mod, "UPGRADES", {1: v1_to_v2})
    path = tmp_path / "settings.toml"
    old = b'version = 1\nweight_unit = "lb"\n'
    path.write_bytes(old)
    loaded = load_settings(path, NOW)
    assert loaded.settings.units.weight == "lb"
    assert loaded.settings.version == 2
    assert "upgraded from version 1 to 2" in loaded.messages[0]
    assert loaded.backup is not None
    assert loaded.backup.read_bytes() == old
    rewritten = tomllib.loads(path.read_text())
    assert rewritten["version"] == 2
    assert rewritten["units"]["weight"] == "lb"


def test_upgrade_without_a_hook_sets_the_file_aside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings_mod, "SETTINGS_VERSION", 3)
    monkeypatch.setattr(settings_mod, "UPGRADES", {})
    path = tmp_path / "settings.toml"
    path.write_text("version = 1\n")
    loaded = load_settings(path, NOW)
    assert "could not be upgraded" in loaded.messages[0]
    assert loaded.backup is not None
    assert loaded.backup.exists()
    assert loaded.set_aside is not None
    assert loaded.set_aside.exists()


def test_a_long_upgrade_failure_is_quoted_cut_to_160_characters(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(data: dict[str, Any]) -> dict[str, Any]:
        raise ValueError("x" * 500)

    monkeypatch.setattr(settings_mod, "SETTINGS_VERSION", 2)
    monkeypatch.setattr(settings_mod, "UPGRADES", {1: broken})
    path = tmp_path / "settings.toml"
    path.write_text("version = 1\n")
    loaded = load_settings(path, NOW)
    assert f"could not be upgraded ({'x' * 157}...)" in loaded.messages[0]
    assert "x" * 158 not in loaded.messages[0]


def test_toml_writer_escapes_strings() -> None:
    text = to_toml({"a": 'quote " back \\ tab\t nl\n del\x7f', "t": {"x": 1.5, "y": None}})
    assert tomllib.loads(text) == {"a": 'quote " back \\ tab\t nl\n del\x7f', "t": {"x": 1.5}}


@pytest.mark.parametrize("version", ["0x" + "f" * 5000, "0o" + "7" * 6000, "1" * 5000, "1" * 4000])
def test_a_huge_settings_version_is_damage_not_a_crash(tmp_path: Path, version: str) -> None:
    """Issue 20: TOML reads 0xFFF... of any length; str() of it fails past 4,300 digits, so
    a version that large once stopped the start-up."""
    path = tmp_path / "settings.toml"
    path.write_text(f"version = {version}\n")
    loaded = load_settings(path, NOW)
    assert loaded.settings == Settings()
    assert "damaged or not a settings file" in loaded.messages[0]
    assert loaded.set_aside is not None
    assert loaded.set_aside.read_text() == f"version = {version}\n"
