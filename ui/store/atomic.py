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
import os
import re
import stat
from collections.abc import Iterable
from pathlib import Path

from calculator.edge.safe_io import write_atomic

__all__ = ["remove_leftover_temp_files", "shorten", "write_atomic", "write_failure"]

#: The temporary names write_atomic makes: ``.NAME.PID.THREAD.HEX12.tmp``. Only these are
#: ever removed: a file of any other name in the app's folders is not ours to delete.
_TEMP_NAME = re.compile(r"\.(?P<name>.+)\.(?P<pid>[0-9]{1,10})\.[0-9]{1,20}\.[0-9a-f]{12}\.tmp")

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


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True  # someone else's live process, or not knowable: leave its file alone
    return True


def remove_leftover_temp_files(folders: Iterable[Path], name: str | None = None) -> list[Path]:
    """Remove the temporary files a killed write left in the app's own folders (a SIGKILL
    between write and rename leaves ``.current-case.json.PID....tmp`` holding the patient
    label); returns what was removed.

    Only names write_atomic makes, only regular files (not followed if a link), and only
    when the writing process (the PID in the name) is gone: a running app's write in
    progress is never touched. ``name``: only the leftovers of that file (a folder the
    user chose, where File > Save writes). Nothing here raises."""
    removed: list[Path] = []
    for folder in folders:
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        for entry in names:
            match = _TEMP_NAME.fullmatch(entry)
            if match is None or (name is not None and match["name"] != name):
                continue
            if _running(int(match["pid"])):
                continue
            path = folder / entry
            try:
                if not stat.S_ISREG(os.lstat(path).st_mode):
                    continue
                path.unlink()
            except OSError:
                continue
            removed.append(path)
    return removed
