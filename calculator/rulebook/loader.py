"""Read the rulebook data once, validate it, and fingerprint it.

The data files are read like any other file (``calculator.edge.safe_io``): regular files only,
each at most :data:`DATA_LIMIT`, TOML nested at most 64 levels. A FIFO or a link to
``/dev/zero`` among them (a damaged or tampered install) is a :class:`RuleDataError`
naming the file, never a hang or a read without end.
"""

from __future__ import annotations

import hashlib
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from pydantic import Field, PrivateAttr, model_validator

from calculator.rulebook.base import FrozenModel, Rule, RuleSection, Source
from calculator.rulebook.crosswalk import CrosswalkRules
from calculator.rulebook.dosing import DosingRules
from calculator.rulebook.episode import EpisodeRules
from calculator.rulebook.grading import CrsRules, IcansRules
from calculator.rulebook.management import ManagementRules
from calculator.rulebook.profiles import BoundsRules, Profile
from calculator.rulebook.taper import TaperRules
from calculator.rulebook.teaching import TeachingRules
from calculator.rulebook.verification import VerificationRules

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

DATA_PACKAGE = "calculator.rulebook"
DATA_DIR = "data"
#: The largest data file is about 20 kB; 1 MiB is the app's limit for any TOML file.
DATA_LIMIT: Final = 1024 * 1024


class RuleDataError(ValueError):
    """The rule data cannot be read (not a regular file, too large, too deep, not TOML):
    the install is damaged. The command line answers it as an internal error (exit 70)."""


def package_folder() -> Path | Traversable:
    """The rulebook package's folder (its code and, under ``data/``, the rule data).

    A plain folder on disk (a checkout, a wheel, the frozen bundle: its spec ships the data
    and the rulebook's sources beside the modules) is read as a path: listing and reading it
    through ``importlib.resources`` cost every command-line call about 2 ms (issue 26).
    Anywhere else (a zip import) it is asked, as before."""
    here = Path(__file__).resolve().parent
    if (here / DATA_DIR).is_dir():
        return here

    return resources.files(DATA_PACKAGE)


class RulesetInfo(FrozenModel):
    """What every result carries to say which rules made it."""

    version: str
    sha256: str


class RulesetMeta(FrozenModel):
    version: str = Field(pattern=r"^\d{4}\.\d{1,2}(\.\d+)?$")
    name: str


class Ruleset(FrozenModel):
    """All the rule data of the product, validated as one piece."""

    meta: RulesetMeta = Field(alias="ruleset")
    sources: dict[str, Source]
    crs: CrsRules
    icans: IcansRules
    dosing: DosingRules
    taper: TaperRules
    management: ManagementRules
    verification: VerificationRules
    bounds: BoundsRules
    teaching: TeachingRules
    crosswalk: CrosswalkRules
    episode: EpisodeRules
    default_profile: str = Field(alias="default")
    profiles: dict[str, Profile]
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    _index: dict[str, Rule] = PrivateAttr(default_factory=dict)

    def model_post_init(self, context: Any, /) -> None:
        # Built eagerly, so that two equal rulesets also carry equal indexes.
        self._index = {rule.id: rule for rule in self.all_rules()}

    @model_validator(mode="before")
    @classmethod
    def _keys_into_records(cls, data: Any) -> Any:
        if isinstance(data, dict):
            data = dict(data)
            for table, key_name in (("sources", "key"), ("profiles", "id")):
                if isinstance(data.get(table), dict):
                    data[table] = {
                        k: {**v, key_name: k} if isinstance(v, dict) else v
                        for k, v in data[table].items()
                    }
        return data

    @model_validator(mode="after")
    def _cross_references(self) -> Ruleset:
        seen: dict[str, Rule] = {}
        for rule in self.all_rules():
            if rule.id in seen:
                raise ValueError(f"rule ID {rule.id} appears twice")
            seen[rule.id] = rule
            for key in rule.sources:
                if key not in self.sources:
                    raise ValueError(f"rule {rule.id} cites unknown source {key!r}")
        for figure in self.crosswalk.concordance:
            if figure.source not in self.sources:
                raise ValueError(f"crosswalk concordance cites unknown source {figure.source!r}")
        if self.default_profile not in self.profiles:
            raise ValueError(f"default profile {self.default_profile!r} is not defined")
        for profile in self.profiles.values():
            for key in profile.sources:
                if key not in self.sources:
                    raise ValueError(f"profile {profile.id} cites unknown source {key!r}")
            for name, message in self.bounds.bounds.violations(profile):
                raise ValueError(f"profile {profile.id}: {name} {message}")
        for entry in self.verification.maximum.maxima:
            if entry.rule not in seen:
                raise ValueError(f"VERIFY-MAX names unknown rule {entry.rule}")
            if entry.regimen is not None and entry.regimen not in {
                reg.id for reg in getattr(seen[entry.rule], "regimens", ())
            }:
                raise ValueError(f"VERIFY-MAX: {entry.rule} has no regimen {entry.regimen}")
        return self

    @property
    def info(self) -> RulesetInfo:
        return RulesetInfo(version=self.meta.version, sha256=self.sha256)

    def sections(self) -> tuple[RuleSection, ...]:
        return tuple(
            value
            for name in type(self).model_fields
            if isinstance(value := getattr(self, name), RuleSection)
        )

    def all_rules(self) -> tuple[Rule, ...]:
        return tuple(rule for section in self.sections() for rule in section.rules())

    def rule(self, rule_id: str) -> Rule:
        """The rule with this ID (KeyError if none), from the index built at load: results
        look rules up on every call, so this must not scan every section. Read from the
        private store directly: ``self._index`` goes through pydantic's ``__getattr__``: about a
        tenth of the time of an ``episode`` line in a batch (issue 26)."""
        index: dict[str, Rule] = self.__pydantic_private__["_index"]  # type: ignore[index]
        return index[rule_id]


def read_data_files(folder: Traversable | None = None) -> list[tuple[str, bytes]]:
    """The data files, sorted by name, as raw bytes (what the sha256 covers), each read
    bounded; RuleDataError naming the file that cannot be."""
    # Imported here: calculator.edge.errors imports this package (a cycle at import time).
    from calculator.edge.errors import InputError
    from calculator.edge.safe_io import read_package_files

    if folder is None:
        folder = package_folder().joinpath(DATA_DIR)
    try:
        return read_package_files(folder, ".toml", DATA_LIMIT)
    except InputError as err:
        raise RuleDataError(f"the rule data cannot be read: {err.message}") from None


def fingerprint(files: list[tuple[str, bytes]]) -> str:
    digest = hashlib.sha256()
    for name, data in files:
        digest.update(name.encode() + b"\0" + data + b"\0")
    return digest.hexdigest()


def merge_tables(files: list[tuple[str, bytes]]) -> dict[str, Any]:
    from calculator.edge.errors import InputError
    from calculator.edge.safe_io import parse_toml

    merged: dict[str, Any] = {}
    for name, data in files:
        try:
            table = parse_toml(data, name, DATA_LIMIT)
        except InputError as err:
            raise RuleDataError(f"the rule data cannot be read: {err.message}") from None
        for key, value in table.items():
            if key in merged:
                raise ValueError(f"{name}: top-level table {key!r} is defined in two files")
            merged[key] = value
    return merged


def load_ruleset(files: list[tuple[str, bytes]] | None = None) -> Ruleset:
    """Validate rule data; raises pydantic.ValidationError naming the bad entry."""
    files = read_data_files() if files is None else files
    merged = merge_tables(files)
    merged["sha256"] = fingerprint(files)
    return Ruleset.model_validate(merged)
