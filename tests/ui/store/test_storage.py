"""Where files live: per user (platformdirs), portable beside the program, or one folder;
bad files are renamed aside, never deleted."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import platformdirs

from ui.store.storage import PORTABLE_MARKER, locate, set_aside

NOW = datetime(2026, 11, 21, 3, 4, 5)


def test_per_user_folders_by_default(tmp_path: Path) -> None:
    loc = locate({"CRS_CALC_APP_DIR": str(tmp_path)})
    assert not loc.portable
    assert loc.config_dir == platformdirs.user_config_path("crs-calc", appauthor=False)
    assert loc.data_dir == platformdirs.user_data_path("crs-calc", appauthor=False)
    assert loc.autosave_file.is_relative_to(loc.data_dir)
    assert loc.audit_log.is_relative_to(loc.data_dir)
    assert loc.settings_file.is_relative_to(loc.config_dir)


def test_portable_marker_keeps_everything_beside_the_program(tmp_path: Path) -> None:
    (tmp_path / PORTABLE_MARKER).write_text("")
    loc = locate({"CRS_CALC_APP_DIR": str(tmp_path)})
    assert loc.portable
    for path in (loc.settings_file, loc.autosave_file, loc.audit_log):
        assert path.is_relative_to(tmp_path)
    loc.ensure()
    assert loc.autosave_file.parent.is_dir()
    assert "portable" in loc.describe()


def test_a_marker_folder_is_not_a_marker(tmp_path: Path) -> None:
    (tmp_path / PORTABLE_MARKER).mkdir()
    assert not locate({"CRS_CALC_APP_DIR": str(tmp_path)}).portable


def test_home_override(tmp_path: Path) -> None:
    loc = locate({"CRS_CALC_HOME": str(tmp_path / "home")})
    assert loc.settings_file == tmp_path / "home" / "settings.toml"
    assert loc.audit_log == tmp_path / "home" / "audit.jsonl"


def test_set_aside_renames_and_never_overwrites(tmp_path: Path) -> None:
    bad = tmp_path / "settings.toml"
    bad.write_text("one")
    first = set_aside(bad, NOW)
    assert first.name == "settings.toml.corrupt-20261121-030405"
    bad.write_text("two")
    second = set_aside(bad, NOW)
    assert second.name == "settings.toml.corrupt-20261121-030405-1"
    assert (first.read_text(), second.read_text()) == ("one", "two")
    assert not bad.exists()
