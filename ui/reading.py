"""Bounded reading of the app's files: a regular file, up to a size limit, or OSError.

A FIFO would block the start-up forever and ``/dev/zero`` would grow without bound; a
symbolic link is followed, and what it points to must be a regular file. The file is
opened without blocking and checked again once open (``fstat``), so a file swapped
between the check and the open is refused too.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

#: The contract's limit for JSON and TOML files.
MAX_BYTES = 1024 * 1024


class NotRegularFile(OSError):
    pass


class TooLarge(OSError):
    pass


def read_owned(path: Path, limit: int = MAX_BYTES) -> bytes:
    """The bytes of ``path``: OSError (FileNotFoundError when missing) if it is not a
    regular file or is bigger than ``limit``; the messages are plain words."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFile(errno.EINVAL, "it is not a regular file", str(path))
        if info.st_size > limit:
            raise TooLarge(errno.EFBIG, f"it is larger than {limit // 1024} KiB", str(path))
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, min(65536, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:  # grew while being read
                raise TooLarge(errno.EFBIG, f"it is larger than {limit // 1024} KiB", str(path))
        return b"".join(chunks)
    finally:
        os.close(fd)
