"""Fixtures of the rulebook tests: the data files as they are, and a snapshot saved apart."""

from __future__ import annotations

from pathlib import Path

import pytest

from calculator.rulebook.snapshot import FILE_NAME, write_snapshot
from tests.calculator.helpers import data_files


@pytest.fixture
def files() -> list[tuple[str, bytes]]:
    return data_files()


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    """A snapshot of the data as it is, written to a folder of the test's own."""
    return write_snapshot(tmp_path / FILE_NAME)
