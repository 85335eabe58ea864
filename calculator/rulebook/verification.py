"""Schema of the pharmacy double-check rule (VERIFY-TOL).

clinical-rules.md gives no tolerance for an independent double check; the closest
sourced figure is the 10% of TOCI-ROUND (HOPA, dose rounding of biologics). The rule
is therefore status V: the app says "verify against local protocol" wherever it is used.
"""

from __future__ import annotations

from pydantic import Field

from calculator.rulebook.base import Rule, RuleSection


class ToleranceRule(Rule):
    """A relative difference beyond ``tolerance_pct`` (either sign) is flagged."""

    tolerance_pct: float = Field(gt=0, le=100)


class VerificationRules(RuleSection):
    tolerance: ToleranceRule = Field(alias="VERIFY-TOL")
