"""Icons and the style sheet of the desktop app, read with importlib.resources.

importlib.resources works the same from a source checkout, an installed wheel and a
frozen bundle, so no code here (or in ui/) looks at sys._MEIPASS.
"""

from __future__ import annotations

from importlib import resources

from calculator.edge.errors import InputError
from calculator.edge.safe_io import MIB, read_package_entry

#: The style sheet and the icon are a few kB each.
LIMIT = MIB


def read_bytes(name: str) -> bytes:
    """The bytes of one resource file, by its path under this package ("icons/app.svg"),
    read bounded like every file (regular file, 1 MiB): a FIFO or a link to /dev/zero put
    in a damaged install gives nothing (an unstyled window, no icon), never a hang."""
    node = resources.files(__name__)
    for part in name.split("/"):
        node = node.joinpath(part)
    try:
        return read_package_entry(node, LIMIT)
    except InputError:
        return b""


def read_text(name: str) -> str:
    return read_bytes(name).decode("utf-8")
