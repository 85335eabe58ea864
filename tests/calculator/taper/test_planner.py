"""Taper planner: P1, P2, every TAPER regimen, lengths, mg/kg steps and PED-STEROID."""

from __future__ import annotations

from datetime import datetime

import pytest

from calculator import ruleset
from tests.calculator.helpers import cli, cli_json
from tests.calculator.taper.helpers import plan, plan_refused


def test_p1_taper_mp1g_from_nccn() -> None:
    """P1: TAPER-MP1G from 2026-03-01T08:00."""
    r = plan({"start": "2026-03-01T08:00", "regimen": "TAPER-MP1G"})
    ats = [a.at for a in r.administrations]
    doses = [a.dose_mg for a in r.administrations]
    assert len(ats) == 15
    assert ats[:3] == [datetime(2026, 3, d, 8, 0) for d in (1, 2, 3)]
    assert doses[:3] == [1000, 1000, 1000]
    assert ats[3:7] == [
        datetime(2026, 3, 4, 8),
        datetime(2026, 3, 4, 20),
        datetime(2026, 3, 5, 8),
        datetime(2026, 3, 5, 20),
    ]
    assert doses[3:] == [250] * 4 + [125] * 4 + [60] * 4
    assert r.ends_at == datetime(2026, 3, 9, 20, 0)
    assert r.totals_mg == {"methylprednisolone": 4740}
    assert r.dexamethasone_equivalent_mg == 888.75
    assert "TAPER-MP1G" in r.rules
    assert "STER-EQ" in r.rules
    assert not r.open_ended


def test_p2_custom_dexamethasone_steps() -> None:
    r = plan(
        {
            "start": "2026-03-01T22:00",
            "steps": [{"drug": "dexamethasone", "dose_mg": 10, "every_h": 6, "days": 1}],
        }
    )
    assert [a.at.strftime("%H:%M") for a in r.administrations] == [
        "22:00",
        "04:00",
        "10:00",
        "16:00",
    ]
    assert r.totals_mg == {"dexamethasone": 40}
    assert r.dexamethasone_equivalent_mg == 40
    assert r.administrations[0].route == "IV"


def test_p1_through_the_command_line_uses_contract_datetimes() -> None:
    code, out = cli_json(["taper"], {"start": "2026-03-01T08:00", "regimen": "TAPER-MP1G"})
    assert code == 0
    assert out["ends_at"] == "2026-03-09T20:00"
    assert out["administrations"][0] == {
        "at": "2026-03-01T08:00",
        "drug": "methylprednisolone",
        "dose_mg": 1000.0,
        "route": "IV",
        "step": 0,
        "dexamethasone_equivalent_mg": 187.5,
    }
    assert out["totals_mg"] == {"methylprednisolone": 4740.0}
    assert out["dexamethasone_equivalent_mg"] == 888.75
    assert out["ruleset"]["sha256"] == ruleset().sha256


def test_every_plan_warns_flare_and_antifungal() -> None:
    r = plan({"start": "2026-03-01T08:00", "regimen": "TAPER-MP1G"})
    assert any(w.startswith("TAPER-FLARE:") and "ICANS" in w for w in r.warnings)
    assert any(w.startswith("TAPER-ANTIFUNGAL:") and "antifungal" in w for w in r.warnings)


def test_mp500_last_step_is_open_ended_with_default_two_days() -> None:
    r = plan({"start": "2026-03-01T08:00", "regimen": "TAPER-MP500"})
    assert r.open_ended
    last = r.steps[-1]
    assert last.open_ended
    assert last.days == 2
    assert last.doses == 4
    assert "CRS <= grade 1" in last.until
    assert any("open-ended" in w and "TAPER-MP500" in w for w in r.warnings)
    # 500 x 6 + 250 x 4 + 125 x 4 + 60 x 4
    assert r.totals_mg == {"methylprednisolone": 4740}


def test_mp500_final_step_days_sets_the_open_step() -> None:
    r = plan({"start": "2026-03-01T08:00", "regimen": "TAPER-MP500", "final_step_days": 4})
    assert r.steps[-1].days == 4
    assert r.steps[-1].doses == 8
    assert r.totals_mg["methylprednisolone"] == 4740 + 4 * 60


def test_final_step_days_refused_without_open_step() -> None:
    err = plan_refused({"start": "2026-03-01T08:00", "regimen": "TAPER-MP1G", "final_step_days": 3})
    assert {f.field for f in err.fields} == {"final_step_days"}


def test_dex10_needs_days_within_its_range() -> None:
    err = plan_refused({"start": "2026-03-01T08:00", "regimen": "TAPER-DEX10"})
    assert {f.field for f in err.fields} == {"days"}
    assert "1-3" in err.message
    err = plan_refused({"start": "2026-03-01T08:00", "regimen": "TAPER-DEX10", "days": 4})
    assert {f.field for f in err.fields} == {"days"}
    r = plan({"start": "2026-03-01T08:00", "regimen": "TAPER-DEX10", "days": 2})
    assert r.totals_mg == {"dexamethasone": 80}
    assert any("then taper" in w and "TAPER-DEX10" in w for w in r.warnings)
    assert "TAPER-DEX10" in r.rules


def test_dex10_with_taper_generates_steps_after_the_fixed_step() -> None:
    r = plan(
        {
            "start": "2026-03-01T08:00",
            "regimen": "TAPER-DEX10",
            "days": 1,
            "taper_days": 3,
            "reduction": "halving",
        }
    )
    assert [s.origin for s in r.steps] == ["regimen", "generated", "generated", "generated"]
    assert [s.dose_mg for s in r.steps] == [10, 5, 2, 1]  # 2.5 -> 2 (tie goes down), 1.25 -> 1
    assert r.steps[1].starts_at == datetime(2026, 3, 2, 8, 0)
    assert {"TAPER-GEN", "TAPER-STRENGTHS"} <= set(r.rules)
    assert any("TAPER-STRENGTHS" in w and "verify against local protocol" in w for w in r.warnings)


def test_dex20_is_v_and_its_taper_range_is_checked() -> None:
    r = plan({"start": "2026-03-01T08:00", "regimen": "TAPER-DEX20"})
    assert r.totals_mg == {"dexamethasone": 240}
    assert any("TAPER-DEX20" in w and "verify against local protocol" in w for w in r.warnings)
    assert any("3-7 days" in w for w in r.warnings)
    r = plan(
        {
            "start": "2026-03-01T08:00",
            "regimen": "TAPER-DEX20",
            "taper_days": 8,
            "reduction": "linear",
        }
    )
    assert any("outside the source" in w for w in r.warnings)


def test_blina_taper_defaults_to_four_days_once_reduction_is_chosen() -> None:
    base = {"start": "2026-03-01T08:00", "regimen": "TAPER-BLINA", "days": 3}
    r = plan(base)
    assert r.totals_mg == {"dexamethasone": 72}
    assert any("reduction" in w for w in r.warnings)
    r = plan({**base, "reduction": "linear", "route": "PO"})
    generated = [s for s in r.steps if s.origin == "generated"]
    assert len(generated) == 4
    assert [s.dose_mg for s in generated] == [6.5, 4.75, 3.25, 1.5]
    assert all(s.route == "PO" and s.every_h == 8 for s in generated)
    assert generated[0].made_from == "1 x 6 mg + 1 x 0.5 mg tablets"
    assert "TAPER-BLINA" in r.rules


def test_taper_keys_refused_for_regimen_with_its_own_taper() -> None:
    for key, value in (("taper_days", 3), ("reduction", "linear")):
        err = plan_refused({"start": "2026-03-01T08:00", "regimen": "TAPER-MP1G", key: value})
        assert {f.field for f in err.fields} == {key}


def test_editable_steps_replan_to_the_same_plan() -> None:
    r = plan(
        {
            "start": "2026-03-01T08:00",
            "regimen": "TAPER-DEX20",
            "taper_days": 4,
            "reduction": "halving",
        }
    )
    steps = [s.model_dump(exclude_none=True) for s in r.editable_steps]
    again = plan({"start": "2026-03-01T08:00", "steps": steps})
    assert again.administrations == r.administrations
    assert again.totals_mg == r.totals_mg


def test_mg_per_kg_step_for_an_adult() -> None:
    r = plan(
        {
            "start": "2026-03-01T08:00",
            "steps": [
                {"drug": "methylprednisolone", "dose_mg_per_kg": 1, "every_h": 12, "days": 2}
            ],
            "weight_kg": 70,
            "age_years": 54,
        }
    )
    assert r.totals_mg == {"methylprednisolone": 280}
    assert r.steps[0].dose_mg_per_kg == 1


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"age_years": 40}, "weight_kg"),
        ({"weight_kg": 30}, "age_years"),
        ({"weight_kg": 30, "age_years": 9}, "steps[0].dose_mg_per_kg"),
    ],
)
def test_mg_per_kg_needs_weight_and_an_adult_ped_steroid(
    extra: dict[str, float], field: str
) -> None:
    """PED-STEROID: no mg/kg steroid dose is computed under 18 years; age must be known."""
    err = plan_refused(
        {
            "start": "2026-03-01T08:00",
            "steps": [
                {"drug": "methylprednisolone", "dose_mg_per_kg": 1, "every_h": 12, "days": 1}
            ],
            **extra,
        }
    )
    assert {f.field for f in err.fields} == {field}
    if field.startswith("steps"):
        assert "PED-STEROID" in err.message
        assert "follow local protocol" in err.message


def test_child_with_fixed_doses_gets_the_reference_only_warning() -> None:
    r = plan({"start": "2026-03-01T08:00", "regimen": "TAPER-MP1G", "age_years": 10})
    assert "PED-STEROID" in r.rules
    assert any("paediatric dose: follow local protocol" in w for w in r.warnings)
    adult = plan({"start": "2026-03-01T08:00", "regimen": "TAPER-MP1G", "age_years": 18})
    assert "PED-STEROID" not in adult.rules


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ({"start": "2026-03-01T08:00"}, {"regimen", "steps"}),
        ({"start": "2026-03-01T08:00", "regimen": "TAPER-XYZ"}, {"regimen"}),
        ({"start": "2026-03-01", "regimen": "TAPER-MP1G"}, {"start"}),
        (
            {
                "start": "2026-03-01T08:00",
                "steps": [{"drug": "dexamethasone", "dose_mg": 10, "every_h": 7, "days": 1}],
            },
            {"steps[0].days"},
        ),
        (
            {
                "start": "2026-03-01T08:00",
                "steps": [
                    {"drug": "dexamethasone", "dose_mg": 10, "every_h": 6, "days": 1, "dose": 3}
                ],
            },
            {"steps[0].dose"},
        ),
        (
            {
                "start": "2026-03-01T08:00",
                "steps": [{"drug": "dexamethasone", "every_h": 6, "days": 1}],
            },
            {"steps[0].dose_mg"},
        ),
        (
            {
                "start": "2026-03-01T08:00",
                "steps": [{"drug": "dexamethasone", "dose_mg": 10, "every_h": 6, "days": 1}],
                "days": 2,
            },
            {"days"},
        ),
        (
            {
                "start": "2026-03-01T08:00",
                "steps": [{"drug": "dexamethasone", "dose_mg": 10, "every_h": 6, "days": 1}],
                "reduction": "linear",
            },
            {"reduction"},
        ),
    ],
)
def test_bad_input_is_refused_by_field(payload: dict[str, object], fields: set[str]) -> None:
    code, out = cli_json(["taper"], payload)  # type: ignore[arg-type]
    assert code == 2
    assert {f["field"] for f in out["error"]["fields"]} == fields


def test_taper_refuses_nan_through_the_command_line() -> None:
    text = (
        '{"start": "2026-03-01T08:00", "steps": [{"drug": "dexamethasone", '
        '"dose_mg": NaN, "every_h": 6, "days": 1}]}'
    )
    code, out = cli(["taper"], text)
    assert code == 2
    assert out["error"]["fields"][0]["field"] == "steps[0].dose_mg"


# --- cli-contract.md "taper: requirements" ---------------------------------------------------

MG_KG_STEP = {"drug": "methylprednisolone", "dose_mg_per_kg": 1, "every_h": 12, "days": 1}


def test_requirements_mg_per_kg_refused_under_18_accepted_at_18() -> None:
    """PED-STEROID: a dose_mg_per_kg step needs weight_kg and age_years and is refused
    under 18 years; at 18 it is computed."""
    young = plan_refused(
        {"start": "2026-03-01T08:00", "steps": [MG_KG_STEP], "weight_kg": 60, "age_years": 17.9}
    )
    assert [f.field for f in young.fields] == ["steps[0].dose_mg_per_kg"]
    adult = plan(
        {"start": "2026-03-01T08:00", "steps": [MG_KG_STEP], "weight_kg": 60, "age_years": 18}
    )
    assert adult.steps[0].dose_mg == 60


@pytest.mark.parametrize("regimen", ["TAPER-DEX10", "TAPER-BLINA"])
def test_requirements_dex10_and_blina_need_days(regimen: str) -> None:
    err = plan_refused({"start": "2026-03-01T08:00", "regimen": regimen})
    assert [f.field for f in err.fields] == ["days"]
    assert regimen in err.message
    assert plan({"start": "2026-03-01T08:00", "regimen": regimen, "days": 2}).steps


def test_taper_gen_is_status_v_and_marked() -> None:
    """TAPER-GEN: generated steps are product choices: status V, "verify against local
    protocol" on every plan that has them, and only there."""
    rs = ruleset()
    assert rs.rule("TAPER-GEN").status == "V"
    generated = plan(
        {
            "start": "2026-03-01T08:00",
            "regimen": "TAPER-DEX10",
            "days": 2,
            "taper_days": 3,
            "reduction": "halving",
        }
    )
    assert any(w.startswith("TAPER-GEN: verify against local protocol") for w in generated.warnings)
    fixed = plan({"start": "2026-03-01T08:00", "regimen": "TAPER-MP1G"})
    assert not any(w.startswith("TAPER-GEN") for w in fixed.warnings)
