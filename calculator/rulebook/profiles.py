"""Protocol profiles (clinical-rules.md section 7): named choices over the rules.

A profile never carries a clinical number of its own without naming the rule it
sets; each field says which rule it parameterises.
"""

from typing import Annotated, Literal

from pydantic import Field

from calculator.rulebook.base import FrozenModel, Rule, RuleSection

ProfileId = str


class Profile(FrozenModel):
    id: ProfileId = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,63}$")
    name: str = Field(min_length=1)
    description: str = ""
    sources: tuple[str, ...] = ()

    # CRS-O2FLOW: the nasal-cannula flow that separates low from high flow, and how a
    # flow exactly at it counts.
    low_flow_max_l_min: float = Field(gt=0, le=60)
    flow_at_boundary: Literal["low_flow", "high_flow"]

    # ICANS-CAPDAGE: the CAPD age limit in completed years, and whether it is included.
    capd_age_limit_years: int = Field(ge=1, le=18)
    capd_age_boundary: Literal["inclusive", "exclusive"]

    # TOCI-INTERVAL and TOCI-MAX: the repeat-dose clock.
    toci_min_interval_h: float = Field(gt=0, le=72)
    # "none" is written out in the data: a missing limit must never be silently unlimited.
    toci_max_per_24h: Annotated[int, Field(ge=1, le=10)] | Literal["none"]
    toci_max_total: Annotated[int, Field(ge=1, le=10)] | Literal["none"]

    # TOCI-ROUND: rounding to whole vials is a local pharmacy policy, off by default.
    toci_rounding: Literal["off", "nearest_vial_within_tolerance"] = "off"

    # VERIFY-TOL: the pharmacy double-check tolerance in percent. Unset means the rule's
    # own value from the rulebook data; no number is written here.
    verify_tolerance_pct: float | None = Field(default=None, ge=0, le=100)

    # MGT-CRS1 (ASCO): grade 1 CRS lasting more than this many days is managed as grade 2.
    crs1_as_grade2_after_days: Annotated[int, Field(ge=1, le=14)] | Literal["none"] = "none"

    # MGT-CRS4: the high-dose steroid regimen for grade 4 CRS.
    crs4_steroid_regimen: Literal["TAPER-MP1G", "TAPER-MP500"] = "TAPER-MP1G"

    # nccn-shortage: corticosteroids are brought forward when tocilizumab is scarce.
    steroid_timing: Literal["standard", "earlier"] = "standard"

    @property
    def max_per_24h(self) -> int | None:
        return None if self.toci_max_per_24h == "none" else self.toci_max_per_24h

    @property
    def max_total(self) -> int | None:
        return None if self.toci_max_total == "none" else self.toci_max_total

    @property
    def grade1_escalation_days(self) -> int | None:
        d = self.crs1_as_grade2_after_days
        return None if d == "none" else d

    def flow_is_low(self, flow_l_min: float) -> bool:
        """CRS-O2FLOW: whether a nasal-cannula flow counts as low flow in this profile."""
        if flow_l_min == self.low_flow_max_l_min:
            return self.flow_at_boundary == "low_flow"
        return flow_l_min < self.low_flow_max_l_min

    def capd_applies(self, age_years: float) -> bool:
        """ICANS-CAPDAGE: whether a patient of this age is assessed with CAPD.

        Ages count in completed years, as a form's "age 12" does: 12.9 years is 12.
        """
        completed = int(age_years)
        if self.capd_age_boundary == "inclusive":
            return completed <= self.capd_age_limit_years
        return completed < self.capd_age_limit_years

    def describe_low_flow(self) -> str:
        op = "<=" if self.flow_at_boundary == "low_flow" else "<"
        return f"{op} {self.low_flow_max_l_min:g} L/min"

    def describe_capd_limit(self) -> str:
        op = "<=" if self.capd_age_boundary == "inclusive" else "<"
        return f"{op} {self.capd_age_limit_years} years"


class ProfileBook(FrozenModel):
    default: ProfileId
    profiles: dict[ProfileId, Profile]


class FlowReading(FrozenModel):
    low_flow_max_l_min: float = Field(gt=0)
    flow_at_boundary: Literal["low_flow", "high_flow"]


class CapdReading(FrozenModel):
    capd_age_limit_years: int = Field(ge=1)
    capd_age_boundary: Literal["inclusive", "exclusive"]


class ProfileBoundsRule(Rule):
    """PROFILE-BOUNDS: what an institution profile may choose (ranges inclusive)."""

    toci_min_interval_h: tuple[float, float]
    toci_max_per_24h: tuple[int, int]
    #: "none" per 24 h is allowed only with at least this interval.
    per_24h_none_needs_interval_h: float = Field(gt=0)
    toci_max_total: tuple[int, int]
    flow_readings: tuple[FlowReading, ...] = Field(min_length=1)
    capd_readings: tuple[CapdReading, ...] = Field(min_length=1)
    verify_tolerance_pct: tuple[float, float]

    def allowed(self, field: str) -> str | None:
        """The whole allowed range of a bounded field, as every refusal of it says it
        (low or high, of the wrong type, or outside the schema): None for other fields."""
        tag = f"({self.id})"
        lo, hi = self.toci_min_interval_h
        lo_d, hi_d = self.toci_max_per_24h
        lo_t, hi_t = self.toci_max_total
        lo_v, hi_v = self.verify_tolerance_pct
        flows = " or ".join(
            f"{r.low_flow_max_l_min:g} L/min counted as {r.flow_at_boundary}"
            for r in self.flow_readings
        )
        capd = " or ".join(
            f"{'<=' if r.capd_age_boundary == 'inclusive' else '<'} {r.capd_age_limit_years} years"
            for r in self.capd_readings
        )
        texts = {
            "toci_min_interval_h": f"must be {lo:g}-{hi:g} h {tag}",
            "toci_max_per_24h": f'must be {lo_d}-{hi_d} doses, or "none" with an interval of '
            f"at least {self.per_24h_none_needs_interval_h:g} h {tag}",
            "toci_max_total": f'must be {lo_t}-{hi_t} doses per episode, never "none" {tag}',
            "low_flow_max_l_min": f"must be one of the two readings: {flows} {tag}",
            "flow_at_boundary": f"must be one of the two readings: {flows} {tag}",
            "capd_age_limit_years": f"must be one of the two readings: {capd} {tag}",
            "capd_age_boundary": f"must be one of the two readings: {capd} {tag}",
            "verify_tolerance_pct": f"must be {lo_v:g}-{hi_v:g}% {tag}",
        }
        return texts.get(field)

    def violations(self, p: Profile) -> list[tuple[str, str]]:
        """(field, message) for every choice of ``p`` outside the bounds, each message the
        field's whole allowed range (``allowed``) and the value that falls outside it."""
        out: list[tuple[str, str]] = []

        def outside(field: str, value: object) -> None:
            shown = f"{value:g}" if isinstance(value, float) else json_text(value)
            out.append((field, f"{self.allowed(field)}; {shown} is outside"))

        lo, hi = self.toci_min_interval_h
        if not lo <= p.toci_min_interval_h <= hi:
            outside("toci_min_interval_h", p.toci_min_interval_h)
        lo_d, hi_d = self.toci_max_per_24h
        if p.toci_max_per_24h == "none":
            if p.toci_min_interval_h < self.per_24h_none_needs_interval_h:
                out.append(
                    (
                        "toci_max_per_24h",
                        f'may be "none" only with toci_min_interval_h of at least '
                        f"{self.per_24h_none_needs_interval_h:g} h ({self.id}); otherwise "
                        f"{lo_d}-{hi_d}",
                    )
                )
        elif not lo_d <= p.toci_max_per_24h <= hi_d:
            outside("toci_max_per_24h", p.toci_max_per_24h)
        lo_t, hi_t = self.toci_max_total
        if p.toci_max_total == "none" or not lo_t <= p.toci_max_total <= hi_t:
            outside("toci_max_total", p.toci_max_total)
        flow = (p.low_flow_max_l_min, p.flow_at_boundary)
        if flow not in [(r.low_flow_max_l_min, r.flow_at_boundary) for r in self.flow_readings]:
            outside("low_flow_max_l_min", p.low_flow_max_l_min)
        capd = (p.capd_age_limit_years, p.capd_age_boundary)
        if capd not in [(r.capd_age_limit_years, r.capd_age_boundary) for r in self.capd_readings]:
            outside("capd_age_limit_years", p.capd_age_limit_years)
        tol = p.verify_tolerance_pct
        lo_v, hi_v = self.verify_tolerance_pct
        if tol is not None and not lo_v <= tol <= hi_v:
            outside("verify_tolerance_pct", tol)
        return out


def json_text(value: object) -> str:
    """A profile value as the file wrote it: "none" in quotes, numbers as numbers."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return f'"{value}"' if isinstance(value, str) else str(value)


class BoundsRules(RuleSection):
    bounds: ProfileBoundsRule = Field(alias="PROFILE-BOUNDS")
