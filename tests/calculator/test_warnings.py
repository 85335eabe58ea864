"""cli-contract.md: each warning string begins with the rule ID it comes from and a colon
("TOCI-AGE: ..."), in every result of every command, so a script can sort warnings
without parsing prose."""

from __future__ import annotations

import re
from typing import Any

from calculator import ruleset
from tests.calculator.helpers import PROFILES, cli_json

PREFIX = re.compile(r"^([A-Z][A-Z0-9]*(?:-[A-Za-z0-9]+)+): \S")
RULE_IDS = {r.id for r in ruleset().all_rules()}
AT = "2026-11-21T10:00"

CRS_INPUTS: list[dict[str, Any]] = [
    {},
    {"temperature_c": 39.5},
    {"temperature_c": 37.0, "fever_masked": True, "hypotension": True},
    {"temperature_c": 39.0, "vasopressors": ["vasopressin"]},
    {"temperature_c": 39.0, "oxygen": "nasal_cannula", "oxygen_flow_l_min": 6},
    {"temperature_c": 39.0, "vasopressors": ["norepinephrine", "epinephrine"]},
    {"deceased": True},
]
ICANS_INPUTS: list[dict[str, Any]] = [
    {"age_years": 54, "ice_score": 8},
    {"age_years": 12, "capd_score": 10},
    {"age_years": 5, "capd_items": [4, 4, 4, 4, 0, 0, 0, 0]},
    {"age_years": 40, "ice_score": 0, "global_aphasia": True},
    {"age_years": 40, "unable_to_assess": True, "consciousness": "unarousable"},
    {"age_years": 40, "deceased": True},
]
DOSES: list[dict[str, Any]] = [
    {"drug": d, "weight_kg": w, "age_years": a}
    for d in (
        "tocilizumab",
        "siltuximab",
        "anakinra",
        "dexamethasone",
        "methylprednisolone",
        "levetiracetam",
    )
    for w, a in ((29.9, 9), (1.5, 1), (110, 54), (70, 17), (300, 40))
]
TAPERS: list[dict[str, Any]] = [
    {"start": AT, "regimen": "TAPER-MP1G", "weight_kg": 70, "age_years": 10},
    {"start": AT, "regimen": "TAPER-MP500"},
    {"start": AT, "regimen": "TAPER-DEX10", "days": 2},
    {"start": AT, "regimen": "TAPER-DEX10", "days": 2, "taper_days": 3, "reduction": "halving"},
    {"start": AT, "regimen": "TAPER-DEX20", "taper_days": 5, "reduction": "linear"},
    {"start": AT, "regimen": "TAPER-BLINA", "days": 3},
]


def assert_prefixed(warnings: list[str], where: str) -> None:
    for w in warnings:
        match = PREFIX.match(w)
        assert match, f"{where}: {w!r} does not begin with a rule ID and a colon"
        assert match.group(1) in RULE_IDS, f"{where}: {match.group(1)} is not a rule ID"


def run_all() -> list[tuple[str, dict[str, Any]]]:
    out: list[tuple[str, dict[str, Any]]] = []

    def call(cmd: str, payload: dict[str, Any], profile: str | None = None) -> None:
        args = [cmd] + (["--profile", profile] if profile else [])
        code, data = cli_json(args, payload)
        assert code == 0, (cmd, payload, data)
        out.append((f"{cmd} {payload}", data))

    for profile in PROFILES:
        for p in CRS_INPUTS:
            call("grade-crs", p, profile)
        for p in ICANS_INPUTS:
            call("grade-icans", p, profile)
    for p in DOSES:
        call("dose", p)
    call("tocilizumab-schedule", {"doses": ["2026-11-21T08:00", "2026-11-21T09:00"], "at": AT})
    for p in TAPERS:
        call("taper", p)
    for profile in PROFILES:
        for crs in range(6):
            for icans in range(6):
                for extra in (
                    {},
                    {"weight_kg": 20, "age_years": 6, "seizure": True},
                    {
                        "weight_kg": 70,
                        "age_years": 54,
                        "at": AT,
                        "improving": False,
                        "tocilizumab_doses": ["2026-11-21T06:00", "2026-11-20T20:00"],
                    },
                    {"tocilizumab_doses": ["2026-11-21T06:00"], "haplo_ptcy": True},
                ):
                    call("recommend", {"crs_grade": crs, "icans_grade": icans, **extra}, profile)
    order = {"drug": "tocilizumab", "weight_kg": 110, "age_years": 1, "dose_mg": 880}
    call(
        "verify-dose",
        {"order": order, "independent": {"drug": "tocilizumab", "weight_kg": 64, "dose_mg": 500}},
    )
    return out


def test_every_warning_of_every_result_begins_with_its_rule_id() -> None:
    results = run_all()
    assert len(results) > 500
    seen = 0
    for where, data in results:
        assert_prefixed(data["warnings"], where)
        seen += len(data["warnings"])
    assert seen > 1000  # the sweep produces warnings to check, not an empty pass


def test_note_warnings_are_prefixed_too() -> None:
    case = {
        "format": "crs-calc-case/1",
        "patient": {"weight_kg": 29.9, "age_years": 1.5, "product": "axi-cel"},
        "at": AT,
        "crs": {"temperature_c": 39.0, "vasopressors": ["vasopressin"]},
        "icans": {"ice_score": 2, "seizure": "rapidly_resolving"},
        "tocilizumab_doses": ["2026-11-21T06:00"],
        "taper": {
            "start": AT,
            "regimen": "TAPER-DEX10",
            "days": 2,
            "taper_days": 3,
            "reduction": "halving",
        },
    }
    code, data = cli_json(["note"], case)
    assert code == 0, data
    assert_prefixed(data["warnings"], "note")
    for key in ("crs", "icans", "tocilizumab", "taper", "recommendation"):
        part = data.get(key)
        if isinstance(part, dict) and "warnings" in part:
            assert_prefixed(part["warnings"], f"note.{key}")
