"""Crosswalk test helpers: grade a plain payload as the command line does."""

from __future__ import annotations

from typing import Any

from calculator import builtin_profile, ruleset
from calculator.crosswalk import CrosswalkInput, CrosswalkResult, crosswalk
from calculator.edge.errors import InputError
from calculator.edge.inputs import validate

#: Every CRS-side finding entered as "nothing": each CRS scale is then decided.
QUIET_CRS: dict[str, Any] = {
    "symptoms": False,
    "organ_toxicity_grade": 0,
    "creatinine_grade": 0,
    "transaminase_grade": 0,
    "hospitalised_for_crs": False,
    "iv_therapy": False,
    "coagulopathy_products": False,
    "life_threatening": False,
}
QUIET_ICANS: dict[str, Any] = {"csf_pressure_raised": False, "head_of_government_named": True}


def xw(payload: dict[str, Any]) -> CrosswalkResult:
    rs = ruleset()
    return crosswalk(validate(CrosswalkInput, payload), builtin_profile(rs, None), rs)


def crs_xw(crs: dict[str, Any], **findings: Any) -> CrosswalkResult:
    """Every other CRS finding entered as nothing, then ``findings`` on top."""
    return xw({"crs": {"temperature_c": 37.0, **crs}, **QUIET_CRS, **findings})


def icans_xw(icans: dict[str, Any], **findings: Any) -> CrosswalkResult:
    return xw({"icans": {"age_years": 50, **icans}, **QUIET_ICANS, **findings})


def grade(result: CrosswalkResult, scale: str) -> tuple[int | None, int | None]:
    s = result.scales[scale]
    return s.grade_min, s.grade_max


def refusal(payload: dict[str, Any]) -> InputError:
    try:
        validate(CrosswalkInput, payload)
    except InputError as err:
        return err
    raise AssertionError(f"accepted: {payload}")
