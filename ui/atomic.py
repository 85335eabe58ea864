"""Every file the app writes goes through :func:`write_atomic`: whole or not at all.

Temporary file in the same folder (a unique name per process, thread and call, so two
writers never share one), write, flush, fsync, ``os.replace`` over the target, fsync of
the folder. A rename is all or nothing: after a crash, a kill or a full disk the target
holds either its old complete content or the new complete content, never a part and
never zero bytes. A failed write removes its temporary file and raises ``OSError``;
:func:`write_failure` turns that into one sentence for the user.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import threading
from pathlib import Path

__all__ = ["write_atomic", "write_failure"]


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # some platforms cannot open a folder; the rename is then as good as it gets
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def temp_name(path: Path) -> Path:
    """A temporary name beside ``path`` that no other writer (process or thread) uses."""
    tag = f"{os.getpid()}-{threading.get_ident()}-{secrets.token_hex(4)}"
    return path.with_name(f".{path.name}.{tag}.tmp")


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically; on any failure the old file stays whole."""
    tmp = temp_name(path)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


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
