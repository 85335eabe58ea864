"""The ruleset in force: read and validated once per process.

Its own module so that the loader (validation) and the snapshot (which needs the loader)
never import each other: ``in_force -> snapshot -> loader`` and ``in_force -> loader``.
The ruleset it gives holds each rule section once read (``lazy.Ruleset``): the same
object for the whole process, whatever was read first.
"""

from __future__ import annotations

from functools import cache

from calculator.rulebook.loader import Ruleset, load_ruleset, read_data_files


@cache
def ruleset() -> Ruleset:
    """The product's ruleset, read and validated once per process: from the build's
    snapshot when its key matches the data and code as they are now (each rule section
    loaded and checked on first use), else in full."""
    # Imported here: the snapshot reads errors and safe_io, which import the rulebook's base
    # (and so this package) while the package is still being initialised.
    from calculator.rulebook.snapshot import open_snapshot

    files = read_data_files()
    return open_snapshot(files) or load_ruleset(files)
