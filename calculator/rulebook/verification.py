"""Schemas of the pharmacy double check (clinical-rules.md section 10).

VERIFY-TOL: clinical-rules.md gives no tolerance for an independent double check; the
closest sourced figure is the 10% of TOCI-ROUND (HOPA, dose rounding of biologics). The
rule is therefore status V: the app says "verify against local protocol" wherever it is
used. VERIFY-DECISION, VERIFY-MAX, VERIFY-WEIGHT, VERIFY-FIELDS and VERIFY-CLOCK are
safety rules of this product, and so are VERIFY-THREE, VERIFY-CASE and VERIFY-BLIND
(ruleset 2027.01); VERIFY-MAX names the rules whose maxima it applies, and
carries no number of its own.
"""

from typing import Literal

from pydantic import Field

from calculator.rulebook.base import FrozenModel, Rule, RuleSection
from calculator.rulebook.dosing import Drug


class ToleranceRule(Rule):
    """A relative difference beyond ``tolerance_pct`` (either sign) is flagged."""

    tolerance_pct: float = Field(gt=0, le=100)


class DecisionRule(Rule):
    """VERIFY-DECISION: the words of each decision, as the record prints them."""

    release: str = Field(min_length=1)
    review: str = Field(min_length=1)
    do_not_release: str = Field(min_length=1)
    all_agree: str = Field(min_length=1)


class Maximum(FrozenModel):
    """One maximum VERIFY-MAX applies: the drug, the rule that states the number, what
    it is per, and the population it is stated for (None: everyone)."""

    drug: Drug
    rule: str = Field(pattern=r"^[A-Z][A-Z0-9-]+$")
    per: Literal["infusion", "dose", "day"]
    population: Literal["adult", "child"] | None = None
    #: Only for an order of this regimen, which is then held to this entry alone (its
    #: rule states the regimen's own maximum); None: every other order of the drug.
    regimen: str | None = None


class MaxRule(Rule):
    maxima: tuple[Maximum, ...] = Field(min_length=1)


class WeightRule(Rule):
    resolution_kg: float = Field(gt=0, le=1)


class FieldsRule(Rule):
    compared: tuple[Literal["drug", "route", "every_h", "bag_ml"], ...] = Field(min_length=1)
    bag_for: tuple[Drug, ...] = ()


class ClockRule(Rule):
    drug: Drug


class VerificationRules(RuleSection):
    tolerance: ToleranceRule = Field(alias="VERIFY-TOL")
    decision: DecisionRule = Field(alias="VERIFY-DECISION")
    maximum: MaxRule = Field(alias="VERIFY-MAX")
    weight: WeightRule = Field(alias="VERIFY-WEIGHT")
    fields: FieldsRule = Field(alias="VERIFY-FIELDS")
    clock: ClockRule = Field(alias="VERIFY-CLOCK")
    three: Rule = Field(alias="VERIFY-THREE")
    case: Rule = Field(alias="VERIFY-CASE")
    blind: Rule = Field(alias="VERIFY-BLIND")
