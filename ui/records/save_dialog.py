"""Ask where to save, write, and say plainly when the write failed: one way for every
"Save…" of the teaching mode (scenario, attempt, debrief PDF, class summary).

Kept apart from :mod:`ui.store.atomic` so that module stays free of Qt (the crash-loop children
write through it without a QApplication)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from ui.store.atomic import write_failure
from ui.widgets import warning_box

NOT_SAVED = "Not saved"


def save_via_dialog(
    parent: QWidget,
    title: str,
    default_path: str | Path,
    file_filter: str,
    write: Callable[[Path], object],
    path: Path | None = None,
    what: str = "The file",
) -> Path | None:
    """Write to ``path``, or to the path the user picks when none is given.

    Returns where it wrote, or None when the user cancelled or the write failed; a failed
    write (``OSError``) is told in one sentence by :func:`ui.store.atomic.write_failure`."""
    if path is None:
        chosen, _ = QFileDialog.getSaveFileName(parent, title, str(default_path), file_filter)
        if not chosen:
            return None
        path = Path(chosen)
    try:
        write(path)
    except OSError as exc:
        warning_box(parent, NOT_SAVED, write_failure(path, exc, what))
        return None
    return path


__all__ = ["NOT_SAVED", "save_via_dialog"]
