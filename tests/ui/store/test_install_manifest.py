"""The install manifest and ``crs-calc --verify-install`` (issue 15), on a small fake bundle.

The frozen bundle itself is checked by ``make package-test`` (a tampered copy) and
``make deb-test`` (the installed package)."""

from __future__ import annotations

import contextlib
import json
import os
import threading
from pathlib import Path

import pytest

from calculator import ruleset
from ui.store.install_manifest import (
    MANIFEST_NAME,
    Verification,
    installation_summary,
    main,
    verify,
    write_manifest,
)

RULE = "_internal/calculator/rulebook/data/dosing.toml"


def _info() -> dict[str, str]:
    info = ruleset().info
    return {"version": info.version, "sha256": info.sha256}


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    root = tmp_path / "crs-calc"
    (root / "_internal" / "calculator" / "rulebook" / "data").mkdir(parents=True)
    (root / "crs-calc").write_bytes(b"\x7fELF fake executable")
    (root / RULE).write_text("[TOCI-CAP]\nmax_mg = 800\n")
    (root / "_internal" / "libQt6Core.so.6").write_bytes(b"qt")
    os.symlink("libQt6Core.so.6", root / "_internal" / "libQt6Core.so")
    write_manifest(root, "0.1.0", _info())
    return root


def test_an_unchanged_bundle_verifies(bundle: Path) -> None:
    result = verify(bundle, _info())
    assert result.ok
    assert result.lines()[-1].startswith(f"install verified: {bundle}")
    assert _info()["sha256"] in result.lines()[-1]


def test_the_manifest_lists_every_file_with_its_hash_and_links_with_their_target(
    bundle: Path,
) -> None:
    manifest = json.loads((bundle / MANIFEST_NAME).read_text())
    assert manifest["format"] == "crs-calc-manifest/1"
    assert manifest["ruleset"] == _info()
    assert set(manifest["files"]) == {
        "crs-calc",
        RULE,
        "_internal/libQt6Core.so.6",
        "_internal/libQt6Core.so",
    }
    assert manifest["files"]["_internal/libQt6Core.so"] == "link:libQt6Core.so.6"
    assert manifest["files"][RULE].startswith("sha256:")


def test_a_changed_rule_file_a_missing_and_an_added_file_are_each_named(bundle: Path) -> None:
    (bundle / RULE).write_text("[TOCI-CAP]\nmax_mg = 900\n")
    (bundle / "_internal" / "libQt6Core.so.6").unlink()
    (bundle / "_internal" / "extra.py").write_text("print('hi')")
    result = verify(bundle, _info())
    assert not result.ok
    assert result.changed == (RULE,)
    assert result.missing == ("_internal/libQt6Core.so.6",)
    assert result.added == ("_internal/extra.py",)
    assert f"changed: {RULE}" in result.lines()
    assert result.lines()[-1].startswith("install NOT verified: 3 finding(s)")


def test_a_retargeted_link_is_a_change(bundle: Path) -> None:
    link = bundle / "_internal" / "libQt6Core.so"
    link.unlink()
    os.symlink("/tmp/evil.so", link)
    assert verify(bundle, _info()).changed == ("_internal/libQt6Core.so",)


def test_portable_mode_files_beside_the_program_are_the_users_not_findings(
    bundle: Path,
) -> None:
    (bundle / "crs-calc.portable").write_text("")
    (bundle / "crs-calc-data").mkdir()
    (bundle / "crs-calc-data" / "settings.toml").write_text("version = 1\n")
    assert verify(bundle, _info()).ok


def test_a_missing_or_damaged_manifest_is_a_finding_not_a_crash(bundle: Path) -> None:
    (bundle / MANIFEST_NAME).write_text("{not json")
    result = verify(bundle, _info())
    assert not result.ok
    assert result.problems
    (bundle / MANIFEST_NAME).unlink()
    assert verify(bundle, _info()).problems == (f"{MANIFEST_NAME} is missing",)


def test_a_ruleset_other_than_the_manifests_is_a_finding(bundle: Path) -> None:
    other = {"version": "2099.1.1", "sha256": "0" * 64}
    result = verify(bundle, other)
    assert not result.ok
    assert "the program loaded ruleset 2099.1.1" in result.problems[0]


def test_main_exit_codes(bundle: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(bundle) == 0
    (bundle / RULE).write_text("edited")
    assert main(bundle) == 1
    assert f"changed: {RULE}" in capsys.readouterr().out


def test_a_source_run_has_nothing_to_verify(capsys: pytest.CaptureFixture[str]) -> None:
    assert main() == 2
    assert "source run" in capsys.readouterr().out


def test_help_about_summarises_the_same_check(bundle: Path) -> None:
    assert installation_summary(bundle, _info())[0].startswith("install verified")
    (bundle / RULE).write_text("edited")
    lines = installation_summary(bundle, _info())
    assert lines[0].startswith("install NOT verified: 1 finding(s)")
    assert f"changed: {RULE}" in lines
    assert installation_summary(None, _info()) == [
        "Running from source: there is no install manifest to check."
    ]


# --- Issue 20: a hostile manifest or bundle is a finding, never a traceback or a hang ----------


def _manifest(**changes: object) -> bytes:
    doc: dict[str, object] = {
        "format": "crs-calc-manifest/1",
        "app_version": "0.1.0",
        "ruleset": {"version": "2026.12", "sha256": "0" * 64},
        "files": {},
    }
    doc.update(changes)
    return json.dumps(doc).encode()


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"[" * 200_000, "nested more than 64 levels deep"),
        (b'{"a": ' * 100 + b"1" + b"}" * 100, "nested more than 64 levels deep"),
        (_manifest(ruleset=5), "'ruleset' is not an object"),
        (_manifest(ruleset={"version": 5}), "'ruleset' is not an object"),
        (_manifest(files={"crs-calc": 7}), "fingerprint that is not text"),
        (_manifest(files=[]), "'files' is not an object"),
        (_manifest(app_version=["x"]), "'app_version' is not text"),
        (b"\xff\xfe{}", "is not valid JSON"),
        (b'{"format": "crs-calc-manifest/1", "files": {}, "n": ' + b"9" * 5000 + b"}", "JSON"),
    ],
)
def test_a_hostile_manifest_is_a_finding_naming_the_problem(
    bundle: Path, capsys: pytest.CaptureFixture[str], content: bytes, problem: str
) -> None:
    (bundle / MANIFEST_NAME).write_bytes(content)
    result = verify(bundle, _info())
    assert not result.ok
    assert len(result.problems) == 1
    assert problem in result.problems[0]
    assert main(bundle) == 1
    assert f"problem: {result.problems[0]}" in capsys.readouterr().out


def _verify_within(bundle: Path, fifo: Path, seconds: float = 20) -> Verification:
    """verify() in a thread: if it waits on the FIFO, a writer opened and closed ends the
    wait (end of file) and the test fails instead of hanging."""
    done: list[Verification] = []
    worker = threading.Thread(target=lambda: done.append(verify(bundle, _info())), daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        with contextlib.suppress(OSError):
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        worker.join(5)
        pytest.fail(f"verify() waited on the FIFO {fifo.name}")
    return done[0]


@pytest.mark.skipif(os.name != "posix", reason="FIFOs are POSIX")
def test_a_fifo_as_manifest_or_in_the_bundle_is_never_waited_for(bundle: Path) -> None:
    extra = bundle / "_internal" / "extra.fifo"
    os.mkfifo(extra)
    assert _verify_within(bundle, extra).added == ("_internal/extra.fifo",)
    (bundle / RULE).unlink()
    os.mkfifo(bundle / RULE)
    assert _verify_within(bundle, bundle / RULE).changed == (RULE,)
    (bundle / MANIFEST_NAME).unlink()
    os.mkfifo(bundle / MANIFEST_NAME)
    assert _verify_within(bundle, bundle / MANIFEST_NAME).problems == (
        f"{MANIFEST_NAME} is a pipe (FIFO), not a regular file",
    )


@pytest.mark.skipif(os.name != "posix", reason="file names as bytes are POSIX")
def test_a_file_name_that_is_not_utf8_is_printed_not_a_crash(
    bundle: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (bundle / os.fsdecode(b"caf\xe9.txt")).write_bytes(b"x")
    assert main(bundle) == 1
    assert "added: caf\\udce9.txt" in capsys.readouterr().out
