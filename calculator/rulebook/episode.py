"""Schemas of the episode rules (clinical-rules.md section 12: EPI-DAY, EPI-MAX, EPI-ONSET,
EPI-RECUR, EPI-MASK, EPI-LAST, EPI-72H, EPI-24H, EPI-G1DAYS, EPI-TREND, EPI-REASSESS,
EPI-LEDGER, EPI-STEROID in ``data/episode.toml``; spec episode.md)."""

from typing import Literal

from pydantic import Field

from calculator.rulebook.base import Rule, RuleSection

#: What the episode's ``given`` may hold: the dose panel's drugs and STER-EQ's steroids.
GivenDrug = Literal[
    "tocilizumab",
    "siltuximab",
    "anakinra",
    "dexamethasone",
    "methylprednisolone",
    "levetiracetam",
    "prednisone",
    "hydrocortisone",
]


class OnsetRule(Rule):
    from_grade: int = Field(ge=1, le=5)


class RecurRule(Rule):
    crs_warning: str = Field(min_length=1)


class MaskRule(Rule):
    masking_drugs: tuple[GivenDrug, ...] = Field(min_length=1)


class Onset72Rule(Rule):
    onset_within_h: float = Field(gt=0, le=240)


class After24Rule(Rule):
    after_h: float = Field(gt=0, le=240)
    at_crs_grade: int = Field(ge=1, le=4)
    managed_as_crs_grade: int = Field(ge=1, le=4)


class TrendRule(Rule):
    trend_drugs: tuple[GivenDrug, ...] = Field(min_length=1)


class ReassessRule(Rule):
    """Default intervals; a profile may set others within 1-12 h (EPI-REASSESS)."""

    vitals_every_h: float = Field(ge=1, le=12)
    neuro_every_h: float = Field(ge=1, le=12)
    from_grade: int = Field(ge=1, le=5)


class EpisodeRules(RuleSection):
    day: Rule = Field(alias="EPI-DAY")
    max: Rule = Field(alias="EPI-MAX")
    onset: OnsetRule = Field(alias="EPI-ONSET")
    recur: RecurRule = Field(alias="EPI-RECUR")
    mask: MaskRule = Field(alias="EPI-MASK")
    last: Rule = Field(alias="EPI-LAST")
    h72: Onset72Rule = Field(alias="EPI-72H")
    h24: After24Rule = Field(alias="EPI-24H")
    g1days: Rule = Field(alias="EPI-G1DAYS")
    trend: TrendRule = Field(alias="EPI-TREND")
    reassess: ReassessRule = Field(alias="EPI-REASSESS")
    ledger: Rule = Field(alias="EPI-LEDGER")
    steroid: Rule = Field(alias="EPI-STEROID")
