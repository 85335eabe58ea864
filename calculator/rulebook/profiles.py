"""Protocol profiles (clinical-rules.md section 7): named choices over the rules.

A profile never carries a clinical number of its own without naming the rule it
sets; each field says which rule it parameterises.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from calculator.rulebook.base import FrozenModel

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
    verify_tolerance_pct: float | None = Field(default=None, gt=0, le=100)

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
