"""The ruleset in memory: its identity and profiles at once, each rule section on first use.

Building the classes of every section's schema cost every command-line call about 35 ms
(issue 26): ``grade-crs`` reads the grading rules and the profiles, not the taper
planner, the teaching rules or the crosswalk. So a :class:`Ruleset` holds the part every
command reads (the version and name, the sources, the profiles and PROFILE-BOUNDS: the
*core*) from the start, and a rule section (``rs.crs``, ``rs.dosing``, ...) is imported,
loaded and content-checked the first time it is read (``SectionSource``: the build's
snapshot, ``calculator/rulebook/snapshot.py``). Which sections were loaded never shows:

- the version and sha256 shown are the data files' (their fingerprint), fixed when the
  ruleset is made;
- a section is loaded at most once, under a lock, and kept: every read gives the same
  object, in any order, from any thread (the episode grading cache keys on the ruleset's
  identity, ``calculator/records/episode_grading.py``);
- a section that cannot be taken from the snapshot is validated in full then, and a
  failure is raised then, loudly (the command line's exit 70, as at start before).

A ruleset validated in full (``load_ruleset``) holds every section from the start.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final, Generic, Protocol, TypeVar, overload

from pydantic import Field, model_validator

from calculator.rulebook.base import FrozenModel, Rule, RuleSection, Source
from calculator.rulebook.profiles import BoundsRules, Profile

if TYPE_CHECKING:
    from calculator.rulebook.crosswalk import CrosswalkRules
    from calculator.rulebook.dosing import DosingRules
    from calculator.rulebook.episode import EpisodeRules
    from calculator.rulebook.grading import CrsRules, IcansRules
    from calculator.rulebook.management import ManagementRules
    from calculator.rulebook.taper import TaperRules
    from calculator.rulebook.teaching import TeachingRules
    from calculator.rulebook.verification import VerificationRules


class RulesetInfo(FrozenModel):
    """What every result carries to say which rules made it."""

    version: str
    sha256: str


class RulesetMeta(FrozenModel):
    version: str = Field(pattern=r"^\d{4}\.\d{1,2}(\.\d+)?$")
    name: str


class RulesetCore(FrozenModel):
    """The tables every command reads (``ruleset.toml``, ``profiles.toml``): validated,
    snapshotted and checked as one piece."""

    meta: RulesetMeta = Field(alias="ruleset")
    sources: dict[str, Source]
    bounds: BoundsRules
    default_profile: str = Field(alias="default")
    profiles: dict[str, Profile]

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


#: The core's tables in the data (top-level TOML keys, aliases as written).
CORE_TABLES: Final = ("ruleset", "sources", "default", "profiles", "bounds")

#: Each lazy rule section: its top-level table in the data (the attribute's name) -> the
#: schema module and class. The only modules a section's loading imports.
SECTIONS: Final[Mapping[str, tuple[str, str]]] = {
    "crs": ("calculator.rulebook.grading", "CrsRules"),
    "icans": ("calculator.rulebook.grading", "IcansRules"),
    "dosing": ("calculator.rulebook.dosing", "DosingRules"),
    "taper": ("calculator.rulebook.taper", "TaperRules"),
    "management": ("calculator.rulebook.management", "ManagementRules"),
    "verification": ("calculator.rulebook.verification", "VerificationRules"),
    "teaching": ("calculator.rulebook.teaching", "TeachingRules"),
    "crosswalk": ("calculator.rulebook.crosswalk", "CrosswalkRules"),
    "episode": ("calculator.rulebook.episode", "EpisodeRules"),
}

#: Every section in the order the ruleset always listed them (``sections()``,
#: ``all_rules()``, the ``rules`` command): PROFILE-BOUNDS, a core table, among them.
SECTION_ORDER: Final = (
    "crs",
    "icans",
    "dosing",
    "taper",
    "management",
    "verification",
    "bounds",
    "teaching",
    "crosswalk",
    "episode",
)


def section_class(name: str) -> type[RuleSection]:
    """The schema class of the lazy section ``name`` (its module imported now)."""
    module, cls = SECTIONS[name]
    found = getattr(importlib.import_module(module), cls)
    if not (isinstance(found, type) and issubclass(found, RuleSection)):  # pragma: no cover
        raise TypeError(f"{module}.{cls} is not a rule section")
    return found


class SectionSource(Protocol):
    """Where a lazy ruleset takes a section it has not loaded yet (the snapshot)."""

    def section(self, name: str) -> RuleSection:
        """The section ``name``, exactly as validating the data gives it; raises (naming
        the rule file and field) where the data does not validate."""
        ...

    def rule_home(self, rule_id: str) -> str | None:
        """The section that holds ``rule_id``, if known: only a hint (the rule is always
        looked up in the loaded section itself)."""
        ...


S = TypeVar("S", bound=RuleSection)


class _Section(Generic[S]):
    """A rule section read on first access, then kept in the instance (a non-data
    descriptor: later reads find the instance's own attribute and cost nothing)."""

    def __set_name__(self, owner: type[Ruleset], name: str) -> None:
        self.name = name

    @overload
    def __get__(self, obj: None, owner: type[Ruleset]) -> _Section[S]: ...

    @overload
    def __get__(self, obj: Ruleset, owner: type[Ruleset]) -> S: ...

    def __get__(self, obj: Ruleset | None, owner: type[Ruleset]) -> _Section[S] | S:
        if obj is None:
            return self
        section: S = obj._section(self.name)  # type: ignore[assignment]
        return section


_FIELDS: Final = ("meta", "sources", "bounds", "default_profile", "profiles", "sha256")


class Ruleset:
    """All the rule data of the product: the core at once, each section on first use.

    Immutable like the models it holds. ``model_copy`` (every section loaded, then
    replaced as asked) and ``==`` (every section compared) work as on the pydantic model
    it replaces."""

    meta: RulesetMeta
    sources: dict[str, Source]
    bounds: BoundsRules
    default_profile: str
    profiles: dict[str, Profile]
    sha256: str
    _core: RulesetCore
    _source: SectionSource | None
    _lock: threading.Lock
    _index: dict[str, Rule]

    crs: _Section[CrsRules] = _Section()
    icans: _Section[IcansRules] = _Section()
    dosing: _Section[DosingRules] = _Section()
    taper: _Section[TaperRules] = _Section()
    management: _Section[ManagementRules] = _Section()
    verification: _Section[VerificationRules] = _Section()
    teaching: _Section[TeachingRules] = _Section()
    crosswalk: _Section[CrosswalkRules] = _Section()
    episode: _Section[EpisodeRules] = _Section()

    def __init__(
        self,
        core: RulesetCore,
        sha256: str,
        *,
        sections: Mapping[str, RuleSection] | None = None,
        source: SectionSource | None = None,
    ) -> None:
        """``sections`` given (all of them): validated in full. Else each is taken from
        ``source`` on first use."""
        given = dict(sections or {})
        if set(given) - set(SECTIONS) or (source is None and set(given) != set(SECTIONS)):
            raise ValueError(f"a ruleset needs every section: {sorted(SECTIONS)}")
        put = object.__setattr__
        put(self, "meta", core.meta)
        put(self, "sources", core.sources)
        put(self, "bounds", core.bounds)
        put(self, "default_profile", core.default_profile)
        put(self, "profiles", core.profiles)
        put(self, "sha256", sha256)
        put(self, "_core", core)
        put(self, "_source", source)
        put(self, "_lock", threading.Lock())
        # Built as sections load, from the loaded (checked) sections only: results look
        # rules up on every call, so this must not scan every section.
        put(self, "_index", {})
        self._add_rules(core.bounds)
        for name in SECTIONS:
            if name in given:
                self._keep(name, given[name])

    # --- loading -----------------------------------------------------------------------

    def _section(self, name: str) -> RuleSection:
        with self._lock:
            loaded = self.__dict__.get(name)
            if loaded is None:
                source = self._source
                if source is None:  # pragma: no cover (every section given at init)
                    raise AttributeError(name)
                loaded = source.section(name)
                if type(loaded) is not section_class(name):
                    raise TypeError(f"rule section {name} is not a {SECTIONS[name][1]}")
                self._keep(name, loaded)
            section: RuleSection = loaded
            return section

    def _keep(self, name: str, section: RuleSection) -> None:
        self._add_rules(section)
        self.__dict__[name] = section

    def _add_rules(self, section: RuleSection) -> None:
        index = self._index
        rules = section.rules()
        for rule in rules:
            if index.get(rule.id, rule) is not rule:
                raise ValueError(f"rule ID {rule.id} appears twice")
        index.update((rule.id, rule) for rule in rules)

    def load_all(self) -> Ruleset:
        """Every section loaded now (what ``sections()`` and ``==`` need)."""
        for name in SECTIONS:
            getattr(self, name)
        return self

    def core(self) -> RulesetCore:
        """The version, sources, profiles and PROFILE-BOUNDS as one model (the snapshot
        saves and checks it as one piece)."""
        return self._core

    def loaded_sections(self) -> tuple[str, ...]:
        """The sections loaded so far (for tests and benches: it never changes an answer)."""
        return tuple(name for name in SECTIONS if name in self.__dict__)

    # --- reading -----------------------------------------------------------------------

    @property
    def info(self) -> RulesetInfo:
        return RulesetInfo(version=self.meta.version, sha256=self.sha256)

    def sections(self) -> tuple[RuleSection, ...]:
        self.load_all()
        loaded = {**self.__dict__, "bounds": self.bounds}
        return tuple(loaded[name] for name in SECTION_ORDER)

    def all_rules(self) -> tuple[Rule, ...]:
        return tuple(rule for section in self.sections() for rule in section.rules())

    def rule(self, rule_id: str) -> Rule:
        """The rule with this ID (KeyError if none), from the index of the loaded
        sections; a rule of a section not loaded yet loads it (the snapshot says which),
        else every section."""
        try:
            return self._index[rule_id]
        except KeyError:
            pass
        home = None if self._source is None else self._source.rule_home(rule_id)
        if home in SECTIONS:
            getattr(self, str(home))
        if rule_id not in self._index:
            self.load_all()
        return self._index[rule_id]

    # --- as the pydantic model it replaces -----------------------------------------------

    def model_copy(self, *, update: Mapping[str, Any] | None = None) -> Ruleset:
        """A copy with ``update`` applied, unvalidated (as pydantic's ``model_copy``): for
        tests that change one number in memory."""
        update = dict(update or {})
        unknown = set(update) - set(_FIELDS) - set(SECTIONS)
        if unknown:
            raise ValueError(f"a ruleset has no field {sorted(unknown)}")
        self.load_all()
        core = self._core.model_copy(
            update={k: v for k, v in update.items() if k in _FIELDS and k != "sha256"}
        )
        sections = {name: update.get(name, self.__dict__[name]) for name in SECTIONS}
        return Ruleset(core, update.get("sha256", self.sha256), sections=sections)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"a ruleset is frozen: {name} cannot be set")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"a ruleset is frozen: {name} cannot be deleted")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Ruleset):
            return NotImplemented
        if self is other:
            return True
        if self.sha256 != other.sha256 or self._core != other._core:
            return False
        self.load_all()
        other.load_all()
        return all(self.__dict__[name] == other.__dict__[name] for name in SECTIONS)

    def __hash__(self) -> int:
        return hash(self.sha256)

    def __repr__(self) -> str:
        return f"Ruleset(version={self.meta.version!r}, sha256={self.sha256!r})"
