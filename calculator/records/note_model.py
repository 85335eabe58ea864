"""The handoff note as a typed structure: what it says, not how it looks.

The core builds one :class:`NoteDocument` per case (calculator/records/note.py); the wording lives
there. Each output renders the same structure in one place: Markdown for the command line
(:func:`calculator.records.note.render_markdown`) and HTML for the app's printed page
(``ui/records/documents.py``). Nothing parses a rendered note back.
"""

from typing import Literal

from calculator.rulebook import FrozenModel

SectionKey = Literal[
    "entered",
    "grades",
    "other_scales",
    "tocilizumab",
    "actions",
    "taper",
    "warnings",
    "rules",
    "sources",
    "episode",
]


class Row(FrozenModel):
    """A labelled value ("Temperature": "39.5 °C"), with the rules it comes from."""

    label: str
    value: str
    rules: tuple[str, ...] = ()
    flag: bool = False  # must not be missed: printed bold


class Item(FrozenModel):
    """One line of a list; ``lead`` is a bold word or two before it (GIVE, CRS-FEVER)."""

    text: str
    lead: str = ""
    rules: tuple[str, ...] = ()
    flag: bool = False


class Group(FrozenModel):
    """A titled part of a section: what was entered for CRS, a grade and what drove it."""

    title: str
    detail: str = ""
    rows: tuple[Row, ...] = ()
    items: tuple[Item, ...] = ()
    rules: tuple[str, ...] = ()


class Table(FrozenModel):
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


class Section(FrozenModel):
    """One section; any of its parts may be empty. They are shown in this order: the
    italic ``remark``, ``groups``, ``rows``, ``items``, then ``table``."""

    key: SectionKey
    title: str
    remark: str = ""
    rows: tuple[Row, ...] = ()
    groups: tuple[Group, ...] = ()
    items: tuple[Item, ...] = ()
    table: Table | None = None


class NoteDocument(FrozenModel):
    """The whole note: a title, the header rows (patient, time, profile, ruleset, when
    made) and the sections, in print order."""

    title: str
    header: tuple[Row, ...]
    sections: tuple[Section, ...]

    def section(self, key: SectionKey) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)
