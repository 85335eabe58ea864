"""Building version 2 case documents for the episode tests."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from calculator import builtin_profile, ruleset
from calculator.records.case_v2 import load_episode_case
from calculator.records.episode_command import EpisodeResult, make_episode

T0 = datetime(2026, 11, 20, 8, 0)
FEVER = {"temperature_c": 39.0}
CRS2 = {"temperature_c": 39.0, "hypotension": True}
NONE: dict[str, Any] = {"temperature_c": 37.0}


def iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M")


def hours(h: float) -> datetime:
    return T0 + timedelta(hours=h)


def assessment(h: float, crs: dict[str, Any] | None = None, **more: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"at": iso(hours(h))}
    if crs is not None:
        out["crs"] = crs
    return out | more


def dose(drug: str, h: float, **more: Any) -> dict[str, Any]:
    return {"drug": drug, "at": iso(hours(h)), **more}


def case(
    assessments: list[dict[str, Any]], given: list[dict[str, Any]] | None = None, **more: Any
) -> dict[str, Any]:
    return {
        "format": "crs-calc-case/2",
        "patient": {"weight_kg": 70, "age_years": 54},
        "assessments": assessments,
        "given": given or [],
        **more,
    }


def episode(
    payload: dict[str, Any], profile: str = "astct-nccn-2026", now: datetime | None = None
) -> EpisodeResult:
    rs = ruleset()
    return make_episode(load_episode_case(payload), builtin_profile(rs, profile), rs, now)
