"""Icons and the style sheet of the desktop app, read with importlib.resources.

importlib.resources works the same from a source checkout, an installed wheel and a
frozen bundle, so no code here (or in ui/) looks at sys._MEIPASS.
"""

from __future__ import annotations

from importlib import resources


def read_bytes(name: str) -> bytes:
    """The bytes of one resource file, by its path under this package ("icons/app.svg")."""
    node = resources.files(__name__)
    for part in name.split("/"):
        node = node.joinpath(part)
    return node.read_bytes()


def read_text(name: str) -> str:
    return read_bytes(name).decode("utf-8")
