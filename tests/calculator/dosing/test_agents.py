"""The other agents (SILT-DOSE, SILT-PREP, ANAK-ADULT, ANAK-PED, ANAK-FORM, DEX-CRS, MP-KG,
MP-1G, LEV-PROPH), PED-STEROID, and the regimen list."""

from __future__ import annotations

import pytest

from calculator import regimens, ruleset
from tests.calculator.dosing.helpers import agent
from tests.calculator.helpers import cli


def test_siltuximab_mg_per_kg_with_vials_and_preparation() -> None:
    r = agent("siltuximab", 70)
    assert (r.dose_mg, r.mg_per_kg, r.every_h, r.route, r.infusion_minutes) == (
        770.0,
        11.0,
        None,
        "IV",
        60,
    )
    assert r.volume_ml == 38.5
    assert {v.strength_mg: v.count for v in r.vials or ()} == {400: 2}
    assert r.waste_mg == 30.0
    assert {"SILT-DOSE", "SILT-PREP"} <= set(r.rules)
    prep = " ".join(r.preparation)
    assert "2 x 400 mg, each with 20 mL sterile water" in prep
    assert "250 mL bag of 5% dextrose" in prep
    assert "0.2 micron in-line filter" in prep
    assert "within 2 h of reconstitution" in prep
    assert "within 4 h of dilution" in prep


def test_siltuximab_small_child_uses_100_mg_vials() -> None:
    r = agent("siltuximab", 25, age_years=8)
    assert r.dose_mg == 275.0
    assert {v.strength_mg: v.count for v in r.vials or ()} == {100: 3}
    assert "each with 5.2 mL sterile water" in r.preparation[0]


def test_anakinra_adult_fixed_dose() -> None:
    r = agent("anakinra", 70)
    assert r.regimen == "anakinra-adult-100mg-q6h"
    assert "ANAK-ADULT" in r.rules
    assert (r.dose_mg, r.every_h, r.daily_mg) == (100.0, 6.0, 400.0)
    assert r.volume_ml == 0.67
    assert "ANAK-FORM" in r.rules
    assert "anakinra-adult-100mg-sc-q12h" in r.other_regimens
    # ANAK-ADULT is P/V (V for high dose): the fixed regimens are P, so no verify line.
    assert not any("verify against local protocol" in w for w in r.warnings)
    assert any("8-12 mg/kg/day" in n.text for n in r.notes)


def test_anakinra_sc_alternative() -> None:
    r = agent("anakinra", 70, regimen="anakinra-adult-100mg-sc-q12h")
    assert (r.dose_mg, r.every_h, r.route) == (100.0, 12.0, "SC")
    assert not any("off-label" in w for w in r.warnings)


@pytest.mark.parametrize(
    ("weight", "dose", "capped"), [(20, 40.0, False), (50, 100.0, False), (60, 100.0, True)]
)
def test_anakinra_children_mg_per_kg_with_caps(weight: float, dose: float, capped: bool) -> None:
    r = agent("anakinra", weight, age_years=12)
    assert r.regimen == "anakinra-child-2mg-kg-q6h"
    assert "ANAK-PED" in r.rules
    assert (r.dose_mg, r.capped) == (dose, capped)
    assert r.daily_mg is not None
    assert r.daily_mg <= 400
    assert (r.max_dose_mg, r.max_daily_mg) == (100.0, 400.0)
    # IV is off-label (ANAK-FORM).
    assert any(w.startswith("ANAK-FORM:") and "off-label" in w for w in r.warnings)


def test_dexamethasone_regimens_and_the_v_status_of_20_mg() -> None:
    ten = agent("dexamethasone")
    assert (ten.regimen, ten.dose_mg, ten.every_h, ten.daily_mg) == (
        "dexamethasone-10mg-q6h",
        10.0,
        6.0,
        40.0,
    )
    assert "DEX-CRS" in ten.rules
    assert not any("verify against local protocol" in w for w in ten.warnings)
    twenty = agent("dexamethasone", regimen="dexamethasone-20mg-q6h")
    assert twenty.dose_mg == 20.0
    assert any(w.startswith("DEX-CRS: verify against local protocol") for w in twenty.warnings)


def test_methylprednisolone_mg_per_kg_and_daily_with_the_noteq_numbers() -> None:
    r = agent("methylprednisolone", 70)
    assert (r.regimen, r.dose_mg, r.every_h, r.daily_mg) == (
        "methylprednisolone-1mg-kg-q12h",
        70.0,
        12.0,
        140.0,
    )
    assert "MP-KG" in r.rules
    # STER-NOTEQ: 140 mg/day methylprednisolone is 26.25 mg/day dexamethasone, not 40.
    assert r.dexamethasone_equivalent_daily_mg == 26.25
    assert {"STER-EQ", "STER-NOTEQ"} <= set(r.rules)
    dex = agent("dexamethasone")
    assert dex.dexamethasone_equivalent_daily_mg == 40.0


def test_methylprednisolone_1g_daily_for_3_days() -> None:
    r = agent("methylprednisolone", 70, regimen="methylprednisolone-1g-daily")
    assert (r.dose_mg, r.every_h, r.days, r.daily_mg) == (1000.0, 24.0, 3, 1000.0)
    assert "MP-1G" in r.rules
    assert r.dexamethasone_equivalent_daily_mg == 187.5


@pytest.mark.parametrize("weight", [35, 100, 350])
def test_methylprednisolone_mg_per_kg_never_reaches_1_g(weight: float) -> None:
    r = agent("methylprednisolone", weight)
    assert r.dose_mg == float(weight)
    assert r.dose_mg < 1000


def test_levetiracetam_adult_range_as_two_regimens_v_mark_only_for_children() -> None:
    """Split statuses: LEV-PROPH is S for the adult dose; the V mark goes with the
    children's dose only."""
    low = agent("levetiracetam")
    high = agent("levetiracetam", regimen="levetiracetam-adult-750mg-q12h")
    child = agent("levetiracetam", 30, 10)
    assert (low.dose_mg, high.dose_mg, low.every_h) == (500.0, 750.0, 12.0)
    for r in (low, high):
        assert "LEV-PROPH" in r.rules
        assert not any("verify against local protocol" in w for w in r.warnings)
    assert any(w.startswith("LEV-PROPH: verify against local protocol") for w in child.warnings)


@pytest.mark.parametrize(
    ("weight", "dose", "capped"), [(20, 200.0, False), (50, 500.0, False), (65, 500.0, True)]
)
def test_levetiracetam_children(weight: float, dose: float, capped: bool) -> None:
    r = agent("levetiracetam", weight, age_years=14)
    assert r.regimen == "levetiracetam-child-10mg-kg-q12h"
    assert (r.dose_mg, r.capped) == (dose, capped)


@pytest.mark.parametrize("drug", ["dexamethasone", "methylprednisolone"])
@pytest.mark.parametrize("age", [0.5, 8, 17.9])
def test_no_steroid_dose_under_18(drug: str, age: float) -> None:
    r = agent(drug, 30, age_years=age)
    assert r.dose_mg is None
    assert r.daily_mg is None
    assert "PED-STEROID" in r.rules
    assert r.adult_reference is not None
    assert "reference only" in r.adult_reference
    assert "PED-STEROID: paediatric dose: follow local protocol." in r.warnings


def test_steroid_dose_from_18() -> None:
    assert agent("methylprednisolone", 60, age_years=18).dose_mg == 60.0


def test_adult_regimen_for_a_child_is_computed_with_a_warning() -> None:
    r = agent("levetiracetam", 30, age_years=10, regimen="levetiracetam-adult-750mg-q12h")
    assert r.dose_mg == 750.0
    assert any("is an adult regimen" in w for w in r.warnings)
    r = agent("anakinra", 70, age_years=40, regimen="anakinra-child-2mg-kg-q6h")
    assert any("children's regimen" in w for w in r.warnings)


def test_agents_warn_on_implausible_weight() -> None:
    r = agent("levetiracetam", 88, age_years=4)
    assert "DOSE-PLAUSIBLE" in r.rules


def test_regimen_list_names_drug_rule_and_status() -> None:
    listed = {r.id: r for r in regimens().regimens}
    assert listed["tocilizumab-iv"].rule == "TOCI-DOSE"
    assert listed["dexamethasone-20mg-q6h"].status == "V"
    assert listed["dexamethasone-20mg-q6h"].needs_verification
    assert listed["dexamethasone-10mg-q6h"].status == "P"
    assert listed["levetiracetam-child-10mg-kg-q12h"].needs_verification
    assert listed["methylprednisolone-1g-daily"].rule == "MP-1G"
    rs = ruleset()
    for info in listed.values():
        assert rs.rule(info.rule)  # every regimen's rule exists
    drugs = {r.drug for r in listed.values()}
    assert drugs == {
        "tocilizumab",
        "siltuximab",
        "anakinra",
        "dexamethasone",
        "methylprednisolone",
        "levetiracetam",
    }


def test_regimens_command_lists_dose_and_taper_regimens() -> None:
    code, out = cli(["regimens"])
    assert code == 0
    ids = [r["id"] for r in out["regimens"]]
    assert "anakinra-child-2mg-kg-q6h" in ids
    assert "TAPER-MP1G" in [r["id"] for r in out["taper_regimens"]]
