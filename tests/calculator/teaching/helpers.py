"""A small scenario the teaching tests build on: grade 3 CRS at 08:00 (tocilizumab due),
then at 14:00 with the first dose at 08:00 and no improvement (the next dose waits)."""

from __future__ import annotations

import copy
from typing import Any

BASE: dict[str, Any] = {
    "format": "crs-calc-scenario/1",
    "id": "test-escalation",
    "title": "Test: grade 3 CRS and the repeat-dose clock",
    "patient": {"label": "SIM", "weight_kg": 70, "age_years": 60, "product": "axi-cel"},
    "checkpoints": [
        {
            "id": "first",
            "at": "2026-03-01T08:00",
            "narrative": "Temperature 39.5 °C, norepinephrine, nasal cannula 2 L/min.",
            "crs": {
                "temperature_c": 39.5,
                "vasopressors": ["norepinephrine"],
                "oxygen": "nasal_cannula",
                "oxygen_flow_l_min": 2,
            },
            "icans": {"ice_score": 10},
            "tocilizumab_doses": [],
            "improving": None,
        },
        {
            "id": "second",
            "at": "2026-03-01T14:00",
            "narrative": "Still on norepinephrine; not better.",
            "crs": {
                "temperature_c": 38.5,
                "fever_masked": True,
                "vasopressors": ["norepinephrine"],
                "oxygen": "nasal_cannula",
                "oxygen_flow_l_min": 2,
            },
            "icans": {"ice_score": 10},
            "tocilizumab_doses": ["2026-03-01T08:00"],
            "improving": False,
        },
    ],
}


def scenario_doc() -> dict[str, Any]:
    """A fresh copy of BASE to change."""
    return copy.deepcopy(BASE)


def attempt_doc(scenario: dict[str, Any], *answers: dict[str, Any]) -> dict[str, Any]:
    return {
        "format": "crs-calc-attempt/1",
        "scenario": scenario,
        "learner": "test learner",
        "answers": list(answers),
    }
