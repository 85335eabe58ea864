"""What every core result carries, so each number traces back to its rules."""

from collections.abc import Iterable

from calculator.rulebook import FrozenModel, Ruleset, RulesetInfo
from calculator.rulebook.base import VERIFY_WARNING


class Note(FrozenModel):
    """Context worth showing beside a result that did not decide it (e.g. CRS-ORGAN)."""

    rule: str
    text: str


class CoreResult(FrozenModel):
    ruleset: RulesetInfo
    profile: str
    warnings: tuple[str, ...]
    rules: tuple[str, ...]


def unique(items: Iterable[str]) -> tuple[str, ...]:
    """Keep the first of each, in order: rule lists read in the order they decided."""
    return tuple(dict.fromkeys(items))


def verification_warnings(rs: Ruleset, rule_ids: Iterable[str]) -> list[str]:
    """Rules with status V carry "verify against local protocol" wherever they appear; a
    rule of split status (``verify_part``) only where its V part is used, which the code
    using that part says itself (Split statuses)."""
    return [
        f"{rule_id}: {VERIFY_WARNING} ({rs.rule(rule_id).title})"
        for rule_id in unique(rule_ids)
        if rs.rule(rule_id).needs_verification
    ]
