"""ui.store.atomic's message helpers: write_failure's sentence and shorten's cut."""

from __future__ import annotations

import errno
from pathlib import Path

from ui.store.atomic import REASON_CHARS, shorten, write_failure


def test_shorten_keeps_a_short_reason_and_cuts_a_long_one_to_the_limit() -> None:
    assert REASON_CHARS == 120
    assert shorten("x" * 120) == "x" * 120
    cut = shorten("x" * 121)
    assert cut == "x" * 117 + "..."
    assert len(cut) == 120
    assert shorten("y" * 161, 160) == "y" * 157 + "..."
    assert shorten(ValueError("bad value")) == "bad value"  # an exception: its text
    assert shorten("") == ""


def test_write_failure_names_what_where_and_why() -> None:
    path = Path("/nowhere/case.json")
    text = write_failure(path, OSError(errno.ENOSPC, "No space left on device"), "The case")
    assert text == (
        "The case could not be written to /nowhere/case.json (the disk is full); "
        "any earlier version of it was left as it was."
    )
