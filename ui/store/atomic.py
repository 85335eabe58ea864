"""Every file the app writes goes through :func:`write_atomic` (the core's
``calculator.edge.safe_io.write_atomic``, which the audit log uses too): whole or not at all.

Temporary file in the same folder (a unique name per process, thread and call, so two
writers never share one), write, flush, fsync, ``os.replace`` over the target, fsync of
the folder. A rename is all or nothing: after a crash, a kill or a full disk the target
holds either its old complete content or the new complete content, never a part and
never zero bytes. A failed write removes its temporary file and raises ``OSError``;
:func:`write_failure` turns that into one sentence for the user.
"""

from __future__ import annotations

import errno
from pathlib import Path

from calculator.edge.safe_io import write_atomic

__all__ = ["shorten", "write_atomic", "write_failure"]

#: How long a reason quoted in a message may be before it is cut.
REASON_CHARS = 120


def write_failure(path: Path, exc: OSError, what: str = "The file") -> str:
    """One plain sentence: what could not be written, why, and that the old file is whole."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        why = "the disk is full"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        why = "the folder cannot be written to"
    elif exc.errno == errno.ENAMETOOLONG:
        why = "the file name is too long"
    elif exc.errno == errno.ENOENT:
        why = "the folder does not exist"
    else:
        why = exc.strerror or str(exc)
    return (
        f"{what} could not be written to {path} ({why}); "
        "any earlier version of it was left as it was."
    )


def shorten(reason: object, limit: int = REASON_CHARS) -> str:
    """``str(reason)`` cut to at most ``limit`` characters, ending in "..." when cut: an
    error quoted in a message (a parser's, a validator's) keeps the message readable."""
    text = str(reason)
    return text if len(text) <= limit else text[: limit - 3] + "..."
