"""Full validation of the rule data: every section's schema and the checks across them.

What the build runs before it saves the snapshot, and what start-up runs when there is no
usable snapshot (``load_ruleset``). It imports every section's schema, so nothing on a
command's way imports it unless the data must be validated in full.
"""

from typing import Self

from pydantic import ConfigDict, Field, model_validator

from calculator.rulebook.base import Rule, RuleSection
from calculator.rulebook.crosswalk import CrosswalkRules
from calculator.rulebook.dosing import DosingRules
from calculator.rulebook.episode import EpisodeRules
from calculator.rulebook.grading import CrsRules, IcansRules
from calculator.rulebook.lazy import SECTION_ORDER, SECTIONS, Ruleset, RulesetCore
from calculator.rulebook.management import ManagementRules
from calculator.rulebook.taper import TaperRules
from calculator.rulebook.teaching import TeachingRules
from calculator.rulebook.verification import VerificationRules


class RulesetModel(RulesetCore):
    """All the rule data of the product, validated as one piece (the pydantic schema of
    the whole; :class:`~calculator.rulebook.lazy.Ruleset` is what the program holds)."""

    # Errors read "validation error for Ruleset" as they always did.
    model_config = ConfigDict(title="Ruleset")

    crs: CrsRules
    icans: IcansRules
    dosing: DosingRules
    taper: TaperRules
    management: ManagementRules
    verification: VerificationRules
    teaching: TeachingRules
    crosswalk: CrosswalkRules
    episode: EpisodeRules
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")

    @model_validator(mode="after")
    def _cross_references(self) -> Self:
        seen: dict[str, Rule] = {}
        for name in SECTION_ORDER:
            section: RuleSection = getattr(self, name)
            for rule in section.rules():
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
            for field, message in self.bounds.bounds.violations(profile):
                raise ValueError(f"profile {profile.id}: {field} {message}")
        for entry in self.verification.maximum.maxima:
            if entry.rule not in seen:
                raise ValueError(f"VERIFY-MAX names unknown rule {entry.rule}")
            if entry.regimen is not None and entry.regimen not in {
                reg.id for reg in getattr(seen[entry.rule], "regimens", ())
            }:
                raise ValueError(f"VERIFY-MAX: {entry.rule} has no regimen {entry.regimen}")
        return self

    def core(self) -> RulesetCore:
        """The core as validating its tables alone gives it (the same models, not copies)."""
        return RulesetCore.model_validate(
            {
                (field.alias or name): getattr(self, name)
                for name, field in RulesetCore.model_fields.items()
            }
        )

    def ruleset(self) -> Ruleset:
        """The ruleset the program holds, every section in it (a duplicate rule ID is a
        ValueError here)."""
        sections = {name: getattr(self, name) for name in SECTIONS}
        return Ruleset(self.core(), self.sha256, sections=sections)
