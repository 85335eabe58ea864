"""The README and Help > About say where the data folder, the autosave and the audit log
are (issue 22), as ui/store/storage.py puts them, and how to check the log."""

from __future__ import annotations

from pathlib import Path

from platformdirs.macos import MacOS
from platformdirs.unix import Unix

from ui.store.storage import APP_NAME, PORTABLE_FOLDER, PORTABLE_MARKER, Locations, locate

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def _home_relative(path: str) -> str:
    return "~/" + str(Path(path).relative_to(Path.home())) + "/"


def test_the_readme_names_each_file_as_storage_places_it() -> None:
    where = Locations(config_dir=Path("C"), data_dir=Path("D"))
    for path, folder in (
        (where.settings_file, where.config_dir),
        (where.autosave_file, where.data_dir),
        (where.audit_log, where.data_dir),
    ):
        assert f"`{path.relative_to(folder).as_posix()}`" in README, path
    assert f"`{PORTABLE_MARKER}`" in README
    assert f"`{PORTABLE_FOLDER}/`" in README


def test_the_readme_gives_the_platform_folders_platformdirs_gives() -> None:
    unix = Unix(APP_NAME, appauthor=False)
    mac = MacOS(APP_NAME, appauthor=False)
    for folder in (unix.user_config_dir, unix.user_data_dir, mac.user_data_dir):
        assert f"`{_home_relative(folder)}`" in README, folder
    assert "%LOCALAPPDATA%\\crs-calc\\" in README


def test_the_readme_says_how_to_verify_the_audit_log() -> None:
    assert "python -m calculator audit-verify" in README
    assert "--anchor" in README
    assert "audit.jsonl --anchor" in README


def test_about_lists_the_files_of_this_machine(app_controller) -> None:  # type: ignore[no-untyped-def]
    text = app_controller.about_text()
    where = locate()
    for path in (where.settings_file, where.autosave_file, where.audit_log):
        assert str(path) in text
    assert f"audit-verify {where.audit_log} --anchor SEQ:HASH" in text
