"""`python -m calculator dose`: the contract keys and refusals of bad input (exit 2 naming
the field)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calculator.edge.cli import run
from tests.calculator.helpers import cli_json

CONTRACT_KEYS = {
    "dose_mg",
    "mg_per_kg",
    "capped",
    "volume_ml",
    "vials",
    "waste_mg",
    "bag_ml",
    "infusion_minutes",
    "ruleset",
    "profile",
    "warnings",
    "rules",
}


def test_tocilizumab_contract_keys() -> None:
    code, out = cli_json(["dose"], {"drug": "tocilizumab", "weight_kg": 70, "age_years": 54})
    assert code == 0
    assert set(out) >= CONTRACT_KEYS
    assert out["vials"] == [{"strength_mg": 400, "count": 1}, {"strength_mg": 80, "count": 2}]
    assert (out["dose_mg"], out["bag_ml"], out["volume_ml"]) == (560, 100, 28)


def test_other_drug_has_dose_and_every_h() -> None:
    code, out = cli_json(["dose"], {"drug": "dexamethasone", "weight_kg": 70, "age_years": 54})
    assert code == 0
    assert (out["dose_mg"], out["every_h"]) == (10, 6)


def test_rounding_profile_file(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "pharmacy.toml"
    path.write_text('id = "my-pharmacy"\ntoci_rounding = "nearest_vial_within_tolerance"\n')
    code, out = cli_json(
        ["dose", "--profile-file", str(path)],
        {"drug": "tocilizumab", "weight_kg": 61.5, "age_years": 40},
    )
    assert code == 0
    assert (out["dose_mg"], out["rounded"]) == (480, True)


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ('{"drug": "tocilizumab", "weight_kg": 0, "age_years": 50}', "weight_kg"),
        ('{"drug": "tocilizumab", "weight_kg": -3, "age_years": 50}', "weight_kg"),
        ('{"drug": "tocilizumab", "weight_kg": 350.1, "age_years": 50}', "weight_kg"),
        ('{"drug": "tocilizumab", "weight_kg": "70", "age_years": 50}', "weight_kg"),
        ('{"drug": "tocilizumab", "weight_kg": NaN, "age_years": 50}', "weight_kg"),
        ('{"drug": "tocilizumab", "weight_kg": Infinity, "age_years": 50}', "weight_kg"),
        ('{"drug": "tocilizumab", "weight_kg": true, "age_years": 50}', "weight_kg"),
        ('{"drug": "tocilizumab", "weight_kg": 0.004, "age_years": 1}', "weight_kg"),
        ('{"drug": "siltuximab", "weight_kg": 0.004, "age_years": 1}', "weight_kg"),
        ('{"drug": "tocilizumab", "weight_kg": 70, "age_years": 121}', "age_years"),
        ('{"drug": "tocilizumab", "weight_kg": 70}', "age_years"),
        ('{"drug": "aspirin", "weight_kg": 70, "age_years": 50}', "drug"),
        ('{"drug": "anakinra", "weight_kg": 70, "age_years": 50, "regimen": "x"}', "regimen"),
        (
            '{"drug":"anakinra","weight_kg":70,"age_years":50,"regimen":"dexamethasone-10mg-q6h"}',
            "regimen",
        ),
        ('{"drug": "tocilizumab", "weight_kg": 70, "age_years": 50, "wieght": 1}', "wieght"),
    ],
)
def test_bad_dose_input_exits_2_naming_the_field(text: str, field: str) -> None:
    code, out_text = run(["dose"], lambda: text)
    out = json.loads(out_text)
    assert code == 2
    assert field in [f["field"] for f in out["error"]["fields"]]


def test_350_kg_is_accepted() -> None:
    code, out = cli_json(["dose"], {"drug": "tocilizumab", "weight_kg": 350, "age_years": 50})
    assert (code, out["dose_mg"], out["capped"]) == (0, 800, True)


DRUGS = [
    "tocilizumab",
    "siltuximab",
    "anakinra",
    "dexamethasone",
    "methylprednisolone",
    "levetiracetam",
]


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(DRUGS),
    st.one_of(
        st.floats(min_value=0, max_value=400),
        st.floats(),
        st.sampled_from([0.001, 0.004, 0.0042, 1e-300, 350.0]),
    ),
    st.floats(min_value=-1, max_value=130),
)
def test_any_number_gives_a_dose_or_a_refusal_naming_the_field(
    drug: str, weight: float, age: float
) -> None:
    payload = {"drug": drug, "weight_kg": weight, "age_years": age}
    code, text = run(["dose"], lambda: json.dumps(payload))
    out = json.loads(text)
    assert code in (0, 2), out
    if code == 2:
        assert {f["field"] for f in out["error"]["fields"]} <= {"weight_kg", "age_years"}
    else:
        assert out["dose_mg"] is None or out["dose_mg"] > 0
        if drug == "tocilizumab":
            assert out["dose_mg"] <= 800
