"""Every older scale at each of its grade boundaries, from one set of findings
(clinical-rules.md section 13). Each row: CRS findings, extra findings, expected grade."""

from __future__ import annotations

from typing import Any

import pytest

from tests.calculator.crosswalk.helpers import crs_xw, grade, icans_xw, xw

NE = {"vasopressors": ["norepinephrine"], "hypotension": True}
NE_VASO = {"vasopressors": ["norepinephrine", "vasopressin"], "hypotension": True}
NE_DOPA = {"vasopressors": ["norepinephrine", "dopamine"], "hypotension": True}
O2 = {"oxygen": "facemask"}
HOURS = {"high_dose_hours_met": True}

# XW-LEE: (crs, findings, grade)
LEE_ROWS: list[tuple[dict[str, Any], dict[str, Any], int]] = [
    ({}, {}, 0),
    ({"temperature_c": 38.0}, {}, 1),  # fever at the CRS-FEVER threshold
    ({"temperature_c": 37.9}, {}, 0),
    ({}, {"symptoms": True}, 1),  # no fever required
    ({"hypotension": True}, {}, 2),
    (NE, {"vasopressor_doses": {"norepinephrine_ug_min": 19.9}, **HOURS}, 2),
    (NE, {"vasopressor_doses": {"norepinephrine_ug_min": 20}, **HOURS}, 3),
    (NE_VASO, {}, 3),  # two agents, vasopressin included
    (O2, {"fio2_pct": 39.9}, 2),
    (O2, {"fio2_pct": 40}, 3),
    ({"oxygen": "bipap"}, {"fio2_pct": 39}, 2),  # XW-DEVICES: by FiO2 unless ventilated
    ({"oxygen": "mechanical_ventilation"}, {}, 4),
    ({}, {"organ_toxicity_grade": 1}, 0),
    ({}, {"organ_toxicity_grade": 2}, 2),
    ({}, {"creatinine_grade": 3}, 3),  # XW-ORGAN: the higher of organ and creatinine
    ({}, {"organ_toxicity_grade": 4}, 4),
    ({}, {"transaminase_grade": 3}, 0),  # transaminases never make grade 2
    ({}, {"transaminase_grade": 4}, 3),  # grade 4 transaminitis -> 3, never 4
    ({"deceased": True}, {}, 5),  # XW-WORST
]


@pytest.mark.parametrize(("crs", "findings", "expected"), LEE_ROWS)
def test_lee_2014_boundaries_xw_lee(
    crs: dict[str, Any], findings: dict[str, Any], expected: int
) -> None:
    """XW-LEE, XW-ORGAN, XW-DEVICES, XW-WORST."""
    assert grade(crs_xw(crs, **findings), "lee2014") == (expected, expected)


@pytest.mark.parametrize(
    ("oxygen", "cited"),
    [("bipap", True), ("cpap", True), ("facemask", False), ("mechanical_ventilation", False)],
)
def test_xw_devices_is_cited_for_positive_pressure_without_intubation(
    oxygen: str, cited: bool
) -> None:
    """XW-DEVICES: CPAP and BiPAP, graded by FiO2 (Lee, MSKCC, CARTOX) or as oxygen (Penn),
    cite the rule; other oxygen and mechanical ventilation (their own row) do not. (CTCAE
    grades every kind of positive pressure as ventilation, and cites it for each.)"""
    result = crs_xw({"oxygen": oxygen}, fio2_pct=39)
    for scale in ("lee2014", "mskcc", "cartox", "penn"):
        rules = {rule for c in result.scales[scale].criteria for rule in c.rules}
        assert ("XW-DEVICES" in rules) is cited, (scale, rules)


CTCAE_ROWS: list[tuple[dict[str, Any], dict[str, Any], tuple[int, int]]] = [
    ({}, {}, (0, 0)),
    ({"temperature_c": 38.0}, {}, (1, 1)),
    ({}, {"symptoms": True}, (0, 0)),  # CTCAE grade 1 needs fever
    ({"hypotension": True}, {}, (2, 2)),
    (O2, {"fio2_pct": 39.9}, (2, 2)),
    (O2, {"fio2_pct": 40}, (3, 3)),
    (O2, {"fio2_pct": None}, (2, 3)),  # XW-RANGE
    (NE, {}, (3, 3)),
    (NE, {"life_threatening": True}, (3, 3)),  # one vasopressor: life-threatening not counted
    (NE_DOPA, {}, (3, 3)),
    (NE_DOPA, {"life_threatening": True}, (4, 4)),
    (NE_DOPA, {"life_threatening": None}, (3, 4)),
    ({"oxygen": "cpap"}, {"life_threatening": None}, (3, 4)),
    ({"oxygen": "mechanical_ventilation"}, {"life_threatening": True}, (4, 4)),
]


@pytest.mark.parametrize(("crs", "findings", "expected"), CTCAE_ROWS)
def test_ctcae_v5_boundaries_xw_ctcae(
    crs: dict[str, Any], findings: dict[str, Any], expected: tuple[int, int]
) -> None:
    """XW-CTCAE: grade 4 only through life_threatening; unknown gives 3-4."""
    assert grade(crs_xw(crs, **findings), "ctcae5") == expected


PENN_ROWS: list[tuple[dict[str, Any], dict[str, Any], tuple[int, int]]] = [
    ({}, {}, (0, 0)),
    ({"temperature_c": 38.5}, {}, (1, 1)),
    ({}, {"creatinine_grade": 1}, (0, 0)),
    ({}, {"creatinine_grade": 2}, (2, 2)),
    ({}, {"creatinine_grade": 3}, (3, 3)),
    ({}, {"transaminase_grade": 2}, (0, 0)),
    ({}, {"transaminase_grade": 3}, (2, 2)),
    ({}, {"transaminase_grade": 4}, (3, 3)),
    ({}, {"hospitalised_for_crs": True}, (2, 2)),
    ({}, {"iv_therapy": True}, (2, 2)),
    ({"hypotension": True}, {"multiple_fluid_boluses": False}, (0, 0)),
    ({"hypotension": True}, {"multiple_fluid_boluses": True}, (3, 3)),
    ({"hypotension": True}, {}, (0, 3)),  # boluses not entered
    ({}, {"coagulopathy_products": True}, (3, 3)),
    ({"oxygen": "blow_by"}, {}, (3, 3)),  # any supplemental oxygen
    ({"oxygen": "bipap"}, {}, (3, 3)),  # XW-DEVICES: BiPAP is 3 in Penn, 4 in ASTCT
    ({"oxygen": "mechanical_ventilation"}, {}, (4, 4)),
    (NE, {"vasopressor_doses": {"norepinephrine_ug_min": 5}, **HOURS}, (3, 3)),
    (NE, {"vasopressor_doses": {"norepinephrine_ug_min": 20}, **HOURS}, (4, 4)),
    (NE, {}, (3, 4)),  # XW-HIGHDOSE not decided
]


@pytest.mark.parametrize(("crs", "findings", "expected"), PENN_ROWS)
def test_penn_boundaries_xw_penn(
    crs: dict[str, Any], findings: dict[str, Any], expected: tuple[int, int]
) -> None:
    """XW-PENN with XW-ORGAN (creatinine 2/3, transaminases 3/4) and XW-DEVICES."""
    assert grade(crs_xw(crs, **findings), "penn") == expected


MSKCC_ROWS: list[tuple[dict[str, Any], dict[str, Any], tuple[int, int]]] = [
    ({}, {}, (0, 0)),
    ({}, {"symptoms": True}, (1, 1)),
    ({"hypotension": True}, {}, (0, 0)),  # hypotension without vasopressors: no criterion
    (NE, {"vasopressor_hours": 23.9}, (2, 2)),
    (NE, {"vasopressor_hours": 24}, (3, 3)),
    (NE, {}, (2, 3)),
    (O2, {"fio2_pct": 39.9}, (2, 2)),
    (O2, {"fio2_pct": 40}, (3, 3)),
    ({"oxygen": "bipap"}, {"fio2_pct": 30}, (2, 2)),
    ({"oxygen": "mechanical_ventilation"}, {}, (4, 4)),
    (
        NE,
        {"vasopressor_hours": 30, "vasopressor_doses": {"norepinephrine_ug_min": 25}, **HOURS},
        (3, 3),
    ),
    (
        NE,
        {
            "vasopressor_hours": 30,
            "vasopressor_doses": {"norepinephrine_ug_min": 25},
            **HOURS,
            "life_threatening": True,
        },
        (4, 4),
    ),
    (NE, {"vasopressor_hours": 30, "life_threatening": True}, (3, 4)),
]


@pytest.mark.parametrize(("crs", "findings", "expected"), MSKCC_ROWS)
def test_mskcc_boundaries_xw_mskcc(
    crs: dict[str, Any], findings: dict[str, Any], expected: tuple[int, int]
) -> None:
    """XW-MSKCC: 24 h of vasopressors; refractory to high dose (XW-HIGHDOSE) is 4."""
    assert grade(crs_xw(crs, **findings), "mskcc") == expected


CARTOX_ROWS: list[tuple[dict[str, Any], dict[str, Any], tuple[int, int]]] = [
    ({}, {}, (0, 0)),
    ({"temperature_c": 38.0}, {}, (1, 1)),
    ({}, {"symptoms": True}, (0, 0)),
    ({}, {"organ_toxicity_grade": 1}, (1, 1)),
    ({}, {"creatinine_grade": 2}, (2, 2)),
    ({}, {"organ_toxicity_grade": 3}, (3, 3)),
    ({}, {"transaminase_grade": 4}, (3, 3)),
    ({}, {"organ_toxicity_grade": 4}, (4, 4)),
    ({"hypotension": True}, {}, (2, 2)),
    (NE, {"vasopressor_doses": {"norepinephrine_ug_min": 10}, **HOURS}, (2, 2)),
    (NE, {"vasopressor_doses": {"norepinephrine_ug_min": 20}, **HOURS}, (3, 3)),
    (NE_DOPA, {}, (3, 3)),
    (
        NE,
        {"vasopressor_doses": {"norepinephrine_ug_min": 20}, **HOURS, "life_threatening": True},
        (4, 4),
    ),
    (O2, {"fio2_pct": 39.9}, (2, 2)),
    (O2, {"fio2_pct": 40}, (3, 3)),
    ({"oxygen": "cpap"}, {}, (2, 3)),
    ({"oxygen": "mechanical_ventilation"}, {}, (4, 4)),
]


@pytest.mark.parametrize(("crs", "findings", "expected"), CARTOX_ROWS)
def test_cartox_crs_boundaries_xw_cartox(
    crs: dict[str, Any], findings: dict[str, Any], expected: tuple[int, int]
) -> None:
    """XW-CARTOX with XW-ORGAN and XW-DEVICES."""
    assert grade(crs_xw(crs, **findings), "cartox") == expected


# XW-HIGHDOSE arithmetic, read through Lee (one agent: 2 low dose, 3 high dose).
HIGHDOSE_ROWS: list[tuple[list[str], dict[str, float], bool | None, tuple[int, int]]] = [
    (["norepinephrine"], {"norepinephrine_ug_min": 19.99}, True, (2, 2)),
    (["norepinephrine"], {"norepinephrine_ug_min": 20}, True, (3, 3)),
    (["norepinephrine"], {"norepinephrine_ug_min": 20}, False, (2, 2)),  # < 3 h
    (["norepinephrine"], {"norepinephrine_ug_min": 20}, None, (2, 3)),
    (["norepinephrine"], {}, True, (2, 3)),
    (["dopamine"], {"dopamine_ug_kg_min": 9.9}, True, (2, 2)),
    (["dopamine"], {"dopamine_ug_kg_min": 10}, True, (3, 3)),
    (["phenylephrine"], {"phenylephrine_ug_min": 199}, True, (2, 2)),
    (["phenylephrine"], {"phenylephrine_ug_min": 200}, True, (3, 3)),
    (["epinephrine"], {"epinephrine_ug_min": 9.9}, True, (2, 2)),
    (["epinephrine"], {"epinephrine_ug_min": 10}, True, (3, 3)),
    (["vasopressin"], {"vasopressin_u_min": 0.04}, True, (2, 2)),  # NE-equivalent 0
]


@pytest.mark.parametrize(("agents", "doses", "hours", "expected"), HIGHDOSE_ROWS)
def test_high_dose_monotherapy_xw_highdose(
    agents: list[str], doses: dict[str, float], hours: bool | None, expected: tuple[int, int]
) -> None:
    """XW-HIGHDOSE monotherapy thresholds, each for >= 3 h."""
    crs = {"vasopressors": agents, "hypotension": True}
    result = crs_xw(crs, vasopressor_doses=doses, high_dose_hours_met=hours)
    assert grade(result, "lee2014") == expected


# Combinations, read through Penn (any vasopressor 3, high dose 4).
COMBO_ROWS: list[tuple[list[str], dict[str, float], tuple[int, int]]] = [
    # with vasopressin: NE-equivalent >= 10
    (["norepinephrine", "vasopressin"], {"norepinephrine_ug_min": 9.9}, (3, 3)),
    (["norepinephrine", "vasopressin"], {"norepinephrine_ug_min": 10}, (4, 4)),
    (["dopamine", "vasopressin"], {"dopamine_ug_kg_min": 19.9}, (3, 3)),  # 9.95
    (["dopamine", "vasopressin"], {"dopamine_ug_kg_min": 20}, (4, 4)),  # 20 / 2 = 10
    (["phenylephrine", "vasopressin"], {"phenylephrine_ug_min": 100}, (4, 4)),  # 100 / 10
    # other combinations: NE-equivalent >= 20
    (
        ["norepinephrine", "dopamine"],
        {"norepinephrine_ug_min": 15, "dopamine_ug_kg_min": 9.9},
        (3, 3),
    ),
    (
        ["norepinephrine", "dopamine"],
        {"norepinephrine_ug_min": 15, "dopamine_ug_kg_min": 10},
        (4, 4),
    ),
    (
        ["epinephrine", "phenylephrine"],
        {"epinephrine_ug_min": 10, "phenylephrine_ug_min": 99},
        (3, 3),
    ),
    (
        ["epinephrine", "phenylephrine"],
        {"epinephrine_ug_min": 10, "phenylephrine_ug_min": 100},
        (4, 4),
    ),
    # the known part already reaches the threshold: the missing dose cannot lower it
    (["norepinephrine", "dopamine"], {"norepinephrine_ug_min": 20}, (4, 4)),
    (["norepinephrine", "dopamine"], {"norepinephrine_ug_min": 5}, (3, 4)),
    (["norepinephrine", "other"], {"norepinephrine_ug_min": 5}, (3, 4)),
]


@pytest.mark.parametrize(("agents", "doses", "expected"), COMBO_ROWS)
def test_high_dose_combinations_with_and_without_vasopressin_xw_highdose(
    agents: list[str], doses: dict[str, float], expected: tuple[int, int]
) -> None:
    """XW-HIGHDOSE norepinephrine-equivalent = NE + dopamine/2 + epinephrine + phenylephrine/10;
    >= 10 µg/min with vasopressin, >= 20 otherwise; Penn uses it (V: the warning says so)."""
    crs = {"vasopressors": agents, "hypotension": True}
    result = crs_xw(crs, vasopressor_doses=doses, high_dose_hours_met=True)
    assert grade(result, "penn") == expected
    assert any(w.startswith("XW-HIGHDOSE: verify against local protocol") for w in result.warnings)


CRES_ROWS: list[tuple[dict[str, Any], dict[str, Any], tuple[int | None, int | None]]] = [
    ({"ice_score": 10}, {}, (0, 0)),  # 10 - 1 + 1
    ({"ice_score": 9}, {}, (0, 1)),  # commands not known: 9 or 10
    (
        {"ice_items": {"orientation": 4, "naming": 3, "commands": 1, "writing": 1, "attention": 0}},
        {},
        (1, 1),
    ),
    (
        {"ice_items": {"orientation": 3, "naming": 3, "commands": 1, "writing": 1, "attention": 1}},
        {"head_of_government_named": None},
        (1, 1),
    ),  # 8 or 9
    (
        {"ice_items": {"orientation": 2, "naming": 2, "commands": 1, "writing": 1, "attention": 1}},
        {},
        (1, 1),
    ),  # 7
    (
        {"ice_items": {"orientation": 2, "naming": 1, "commands": 1, "writing": 1, "attention": 1}},
        {},
        (2, 2),
    ),  # 6
    (
        {"ice_items": {"orientation": 2, "naming": 0, "commands": 1, "writing": 0, "attention": 0}},
        {},
        (2, 2),
    ),  # 3
    (
        {"ice_items": {"orientation": 1, "naming": 0, "commands": 1, "writing": 0, "attention": 0}},
        {},
        (3, 3),
    ),  # 2
    (
        {"ice_items": {"orientation": 1, "naming": 0, "commands": 1, "writing": 0, "attention": 0}},
        {"head_of_government_named": False},
        (3, 3),
    ),
    (
        {"ice_items": {"orientation": 2, "naming": 0, "commands": 0, "writing": 0, "attention": 0}},
        {"head_of_government_named": None},
        (2, 3),
    ),  # 2 or 3
    ({"unable_to_assess": True}, {}, (4, 4)),
    ({"ice_score": 10, "seizure": "rapidly_resolving"}, {"seizure_generalised": False}, (3, 3)),
    ({"ice_score": 10, "seizure": "rapidly_resolving"}, {"seizure_generalised": True}, (4, 4)),
    ({"ice_score": 10, "seizure": "rapidly_resolving"}, {}, (3, 4)),
    ({"ice_score": 10, "seizure": "prolonged_or_repetitive"}, {}, (4, 4)),
    ({"ice_score": 10, "motor_weakness": True}, {}, (4, 4)),
    ({"ice_score": 10, "cerebral_edema": "focal"}, {}, (4, 4)),
    ({"ice_score": 10, "cerebral_edema": "diffuse"}, {"papilloedema_stage": 2}, (4, 4)),
    ({"ice_score": 10}, {"csf_pressure_raised": True, "csf_opening_pressure_mmhg": 19.9}, (3, 3)),
    ({"ice_score": 10}, {"csf_pressure_raised": True, "csf_opening_pressure_mmhg": 20}, (4, 4)),
    ({"ice_score": 10}, {"csf_pressure_raised": None, "csf_opening_pressure_mmhg": 20}, (4, 4)),
    ({"ice_score": 10}, {"csf_pressure_raised": None}, (0, 4)),
    ({"ice_score": 10}, {"csf_pressure_raised": True}, (3, 4)),
    ({"ice_score": 10}, {"csf_pressure_raised": None, "csf_opening_pressure_mmhg": 12}, (0, 3)),
    ({}, {}, (0, 3)),  # no ICE entered
    ({"deceased": True}, {}, (5, 5)),
    ({"age_years": 8, "capd_score": 4}, {}, (None, None)),  # not defined with the CAPD
]


@pytest.mark.parametrize(("icans", "findings", "expected"), CRES_ROWS)
def test_cres_boundaries_xw_cres_xw_cartox10(
    icans: dict[str, Any], findings: dict[str, Any], expected: tuple[int | None, int | None]
) -> None:
    """XW-CRES and XW-CARTOX10: CARTOX-10 = ICE - commands + head of government, a one-point
    range while the fifth orientation item is not entered."""
    assert grade(icans_xw(icans, **findings), "cres") == expected


def test_cres_capd_child_is_not_applicable_xw_cres() -> None:
    result = icans_xw({"age_years": 8, "capd_score": 4})
    assert result.scales["cres"].status == "not_applicable"
    assert "CAPD" in result.scales["cres"].reason


def test_cartox10_range_names_the_fifth_item_xw_cartox10() -> None:
    items = {"orientation": 2, "naming": 0, "commands": 0, "writing": 0, "attention": 0}
    result = icans_xw({"ice_items": items}, head_of_government_named=None)
    cres = result.scales["cres"]
    assert cres.needs == ("head_of_government_named",)
    assert "XW-RANGE" in result.rules


def test_devices_bipap_astct_4_penn_3_xw_devices() -> None:
    """XW-DEVICES: BiPAP is ASTCT 4, Penn 3, Lee by FiO2."""
    result = crs_xw({"temperature_c": 39.0, "oxygen": "bipap"}, fio2_pct=35)
    assert result.astct.crs is not None
    assert result.astct.crs.grade == 4
    assert grade(result, "penn") == (3, 3)
    assert grade(result, "lee2014") == (2, 2)
    assert any("XW-DEVICES" in c.rules for c in result.scales["penn"].criteria)


def test_worst_criterion_and_death_on_every_scale_xw_worst() -> None:
    """XW-WORST: the most severe criterion; death is 5 on every CRS scale."""
    result = crs_xw(
        {"temperature_c": 39.0, "oxygen": "facemask"}, fio2_pct=50, organ_toxicity_grade=2
    )
    assert grade(result, "lee2014") == (3, 3)
    assert result.scales["lee2014"].deciding[0].text.startswith("FiO2 50%")
    dead = crs_xw({"deceased": True})
    assert {k: v.grade_min for k, v in dead.scales.items() if k != "cres"} == {
        "lee2014": 5, "ctcae5": 5, "penn": 5, "mskcc": 5, "cartox": 5,
    }  # fmt: skip


def test_a_missing_finding_gives_a_range_and_names_it_xw_range() -> None:
    """XW-RANGE: FiO2 not entered is a range, and never estimated from L/min."""
    result = xw(
        {"crs": {"temperature_c": 39.0, "oxygen": "nasal_cannula", "oxygen_flow_l_min": 15}}
    )
    lee = result.scales["lee2014"]
    assert (lee.grade_min, lee.grade_max) == (2, 4)
    assert "fio2_pct" in lee.needs
    assert lee.grade_text == "2-4"


def test_findings_not_entered_matter_only_where_they_can_change_the_grade_xw_unknown() -> None:
    """XW-UNKNOWN: on room air FiO2 is not needed; ventilated, FiO2 is not needed."""
    room_air = crs_xw({"temperature_c": 39.0})
    assert all("fio2_pct" not in s.needs for s in room_air.scales.values())
    vent = crs_xw({"temperature_c": 39.0, "oxygen": "mechanical_ventilation"})
    for scale in ("lee2014", "mskcc", "cartox", "penn"):
        assert "fio2_pct" not in vent.scales[scale].needs
    none = xw({"crs": {"temperature_c": 39.0}})
    assert "XW-UNKNOWN" in none.rules
    assert grade(none, "penn")[1] == 3  # coagulopathy, creatinine not entered


def test_organ_grades_higher_of_organ_and_creatinine_xw_organ() -> None:
    result = crs_xw({}, organ_toxicity_grade=2, creatinine_grade=3)
    assert grade(result, "lee2014") == (3, 3)
    assert grade(result, "cartox") == (3, 3)
    assert grade(result, "penn") == (3, 3)  # creatinine 3 -> 3
    assert "XW-ORGAN" in result.rules


def test_astct_part_is_exactly_grade_crs_and_grade_icans() -> None:
    from tests.calculator.helpers import crs, icans

    crs_in = {"temperature_c": 39.0, "vasopressors": ["norepinephrine"], "oxygen": "bipap"}
    icans_in = {"age_years": 50, "ice_score": 5}
    result = xw({"crs": crs_in, "icans": icans_in})
    assert result.astct.crs == crs(crs_in)
    assert result.astct.icans == icans(icans_in)


def test_concordance_figures_carry_their_sources() -> None:
    result = crs_xw({})
    sources = {c.source for c in result.concordance}
    assert sources == {"PENNISI", "JULIET-REGRADE"}
    assert any("25%" in c.text and "54%" in c.text for c in result.concordance)


@pytest.mark.parametrize(("stage", "expected"), [(1, 3), (2, 3), (3, 4), (5, 4)])
def test_papilloedema_stage_criterion_xw_cres(stage: int, expected: int) -> None:
    """XW-CRES: stage 1-2 papilloedema is a grade-3 criterion, 3-5 grade 4. Papilloedema goes
    with ICANS diffuse edema (XW-UNKNOWN), itself grade 4, so the criterion is listed."""
    result = icans_xw({"ice_score": 10, "cerebral_edema": "diffuse"}, papilloedema_stage=stage)
    found = [c for c in result.scales["cres"].criteria if "papilloedema" in c.text]
    assert [c.grade for c in found] == [expected]
