"""Schemas of the steroid regimens and tapers (clinical-rules.md section 5).

A regimen (TAPER-*) is a list of steps; a step's length may be fixed, left to the user
within a range, or open-ended (the plan says so). Regimens that say only "then taper"
carry a ``then_taper`` block that the taper generator (TAPER-GEN) fills from the user's
choices, rounding each dose to the strengths of TAPER-STRENGTHS.
"""

from typing import Literal, Self

from pydantic import Field, model_validator

from calculator.rulebook.base import EvidenceStatus, FrozenModel, Rule, RuleSection

SteroidDrug = Literal["dexamethasone", "methylprednisolone", "prednisone", "hydrocortisone"]
Route = Literal["IV", "PO"]
ProductForm = Literal["tablet", "solution", "vial"]


class RegimenStep(FrozenModel):
    """One step of a regimen: ``dose_mg`` every ``every_h`` hours for ``days`` days.

    ``days`` absent means the source leaves the length to the user: within
    ``days_min``..``days_max`` and, where the source gives one, ``default_days``.
    ``open_ended`` marks a step whose source length is "until ..." (``until`` says what).
    """

    drug: SteroidDrug
    dose_mg: float = Field(gt=0)
    every_h: float = Field(gt=0, le=168)
    route: Route
    days: float | None = Field(default=None, gt=0)
    days_min: float | None = Field(default=None, gt=0)
    days_max: float | None = Field(default=None, gt=0)
    default_days: float | None = Field(default=None, gt=0)
    open_ended: bool = False
    until: str = ""

    @model_validator(mode="after")
    def _length_defined(self) -> Self:
        if self.days is None and self.default_days is None and self.days_max is None:
            raise ValueError("a step without days needs default_days or a days_min/days_max range")
        if self.open_ended and not self.until:
            raise ValueError("an open-ended step must say until what (until = ...)")
        return self


class ThenTaper(FrozenModel):
    """A source's "then taper": the generator makes the steps (TAPER-GEN)."""

    taper_days_min: float | None = Field(default=None, gt=0)
    taper_days_max: float | None = Field(default=None, gt=0)
    default_taper_days: float | None = Field(default=None, gt=0)


class TaperRegimenRule(Rule):
    steps: tuple[RegimenStep, ...] = Field(min_length=1)
    then_taper: ThenTaper | None = None


class StrengthProduct(FrozenModel):
    """Products that exist for one drug and route, used to round generated doses.

    Tablets: a dose is made of whole tablets. Solutions and vials: a dose is measured
    to ``dose_increment_mg``.
    """

    drug: SteroidDrug
    route: Route
    form: ProductForm
    strengths_mg: tuple[float, ...] = ()
    concentrations_mg_per_ml: tuple[float, ...] = ()
    dose_increment_mg: float | None = Field(default=None, gt=0)
    status: EvidenceStatus
    note: str = ""

    @model_validator(mode="after")
    def _how_to_round(self) -> Self:
        if self.form == "tablet" and not self.strengths_mg:
            raise ValueError("tablets need strengths_mg")
        if self.form != "tablet" and self.dose_increment_mg is None:
            raise ValueError("solutions and vials need dose_increment_mg")
        if any(s <= 0 for s in (*self.strengths_mg, *self.concentrations_mg_per_ml)):
            raise ValueError("strengths must be positive")
        return self


class StrengthsRule(Rule):
    products: tuple[StrengthProduct, ...] = Field(min_length=1)

    def for_route(self, drug: str, route: str) -> StrengthProduct | None:
        return next((p for p in self.products if p.drug == drug and p.route == route), None)

    @model_validator(mode="after")
    def _one_per_route(self) -> Self:
        keys = [(p.drug, p.route) for p in self.products]
        if len(keys) != len(set(keys)):
            raise ValueError("each drug and route may be listed once")
        return self


class TaperRules(RuleSection):
    mp1g: TaperRegimenRule = Field(alias="TAPER-MP1G")
    mp500: TaperRegimenRule = Field(alias="TAPER-MP500")
    dex10: TaperRegimenRule = Field(alias="TAPER-DEX10")
    dex20: TaperRegimenRule = Field(alias="TAPER-DEX20")
    blina: TaperRegimenRule = Field(alias="TAPER-BLINA")
    gen: Rule = Field(alias="TAPER-GEN")
    strengths: StrengthsRule = Field(alias="TAPER-STRENGTHS")
    flare: Rule = Field(alias="TAPER-FLARE")
    antifungal: Rule = Field(alias="TAPER-ANTIFUNGAL")

    def regimens(self) -> tuple[TaperRegimenRule, ...]:
        return (self.mp1g, self.mp500, self.dex10, self.dex20, self.blina)

    def regimen(self, rule_id: str) -> TaperRegimenRule | None:
        return next((r for r in self.regimens() if r.id == rule_id), None)
