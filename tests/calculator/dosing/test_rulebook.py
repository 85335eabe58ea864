"""The dosing rule data: exact spec wording, and validation that refuses bad numbers."""

from __future__ import annotations

import pydantic
import pytest

from calculator import ruleset
from calculator.rulebook import load_ruleset
from tests.calculator.helpers import replace_in_data

DOSING_RULES = [
    "TOCI-DOSE", "TOCI-CAP", "TOCI-STEP", "TOCI-STEP-NEAR", "TOCI-AGE", "TOCI-ROUTE",
    "TOCI-VIALS", "TOCI-BAG", "TOCI-STAB", "TOCI-INTERVAL", "TOCI-MAX", "TOCI-ROUND",
    "DOSE-PLAUSIBLE", "SILT-DOSE", "SILT-PREP", "ANAK-ADULT", "ANAK-PED", "ANAK-FORM",
    "DEX-CRS", "MP-KG", "MP-1G", "LEV-PROPH", "PED-STEROID", "STER-EQ", "STER-NOTEQ",
]  # fmt: skip


def test_every_dosing_rule_is_loaded_with_a_status() -> None:
    rs = ruleset()
    for rule_id in DOSING_RULES:
        rule = rs.rule(rule_id)
        assert rule.text
        assert rule.status


def test_rules_without_a_source_number_are_v() -> None:
    rs = ruleset()
    assert rs.rule("DOSE-PLAUSIBLE").needs_verification
    assert rs.rule("TOCI-STEP-NEAR").needs_verification
    # Split statuses: LEV-PROPH is S for the adult dose; its V part (the children's dose)
    # carries the mark, not every mention of the rule.
    lev = rs.rule("LEV-PROPH")
    assert not lev.needs_verification
    assert lev.verify_part == "the children's dose"
    assert [r.status for r in rs.dosing.lev_proph.regimens] == ["S", "S", "V"]


def test_spec_wording_is_kept() -> None:
    rs = ruleset()
    assert rs.rule("TOCI-DOSE").text == (
        "< 30 kg: 12 mg/kg. >= 30 kg: 8 mg/kg. Actual body weight. IV over 60 minutes."
    )
    assert rs.rule("TOCI-STEP").text.startswith("The 30 kg step is real: 29.9 kg -> 358.8 mg")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("{ strength_mg = 80, volume_ml = 4.0 }", "{ strength_mg = 80, volume_ml = 5.0 }", "mg/mL"),
        ("step_kg = 30.0\nbelow_step_bag_ml", "step_kg = 31.0\nbelow_step_bag_ml", "weight step"),
        (
            "{ from_years = 1, below_years = 2,",
            "{ from_years = 1.5, below_years = 2,",
            "contiguous",
        ),
        ('id = "dexamethasone-20mg-q6h"', 'id = "dexamethasone-10mg-q6h"', "unique"),
        ("mg_per_kg = 1.0, every_h = 12.0 }", "every_h = 12.0 }", "exactly one of"),
    ],
)
def test_bad_dosing_data_is_refused(old: str, new: str, message: str) -> None:
    with pytest.raises(pydantic.ValidationError, match=message):
        load_ruleset(replace_in_data("dosing.toml", old, new))
