"""STER-EQ conversions and the STER-NOTEQ caveat."""

from __future__ import annotations

import pytest

from calculator import SteroidConversionInput
from tests.calculator.dosing.helpers import convert, refusal
from tests.calculator.helpers import cli_json


@pytest.mark.parametrize(
    ("drug", "dose", "to", "expected"),
    [
        ("dexamethasone", 0.75, "methylprednisolone", 4.0),
        ("dexamethasone", 0.75, "prednisone", 5.0),
        ("dexamethasone", 0.75, "hydrocortisone", 20.0),
        ("methylprednisolone", 4740, "dexamethasone", 888.75),  # examples P1
        ("dexamethasone", 40, "methylprednisolone", 213.33),
        ("prednisone", 60, "prednisone", 60.0),
    ],
)
def test_equivalents(drug: str, dose: float, to: str, expected: float) -> None:
    r = convert(drug, dose, to)
    assert r.equivalent_mg == expected
    assert "STER-EQ" in r.rules


def test_noteq_caveat_for_the_guideline_pair_only() -> None:
    r = convert("dexamethasone", 40, "methylprednisolone")
    assert "STER-NOTEQ" in r.rules
    assert r.caveat is not None
    assert "213 mg/day methylprednisolone" in r.caveat
    assert r.working[-1] == "40 mg dexamethasone x (4 / 0.75) = 213.33 mg methylprednisolone."
    other = convert("prednisone", 50, "hydrocortisone")
    assert other.caveat is None
    assert "STER-NOTEQ" not in other.rules


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"drug": "cortisone", "dose_mg": 10, "to": "prednisone"}, "drug"),
        ({"drug": "prednisone", "dose_mg": 0, "to": "dexamethasone"}, "dose_mg"),
        ({"drug": "prednisone", "dose_mg": "10", "to": "dexamethasone"}, "dose_mg"),
        ({"drug": "prednisone", "dose_mg": float("inf"), "to": "dexamethasone"}, "dose_mg"),
        ({"drug": "prednisone", "dose_mg": 10}, "to"),
    ],
)
def test_bad_conversion_input(payload: dict[str, object], field: str) -> None:
    assert field in [f.field for f in refusal(SteroidConversionInput, payload).fields]


def test_cli_convert() -> None:
    code, out = cli_json(
        ["convert-steroid"], {"drug": "dexamethasone", "dose_mg": 10, "to": "prednisone"}
    )
    assert code == 0
    assert out["equivalent_mg"] == pytest.approx(66.67)
