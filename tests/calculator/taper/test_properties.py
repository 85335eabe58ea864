"""Properties of every plan: totals, counts, time order, STER-EQ both ways, day table."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calculator import ruleset
from calculator.taper import TaperResult, dexamethasone_equivalent, from_dexamethasone
from tests.calculator.taper.helpers import plan

DRUGS = ("dexamethasone", "methylprednisolone", "prednisone", "hydrocortisone")
INTERVALS = (4, 6, 8, 12, 24)


@st.composite
def custom_steps(draw: st.DrawFn) -> dict[str, Any]:
    steps = []
    for _ in range(draw(st.integers(1, 5))):
        every_h = draw(st.sampled_from(INTERVALS))
        steps.append(
            {
                "drug": draw(st.sampled_from(DRUGS)),
                "dose_mg": draw(st.integers(1, 2000)) / 4,
                "every_h": every_h,
                "days": draw(st.integers(1, 5)),
                "route": draw(st.sampled_from(("IV", "PO"))),
            }
        )
    start = datetime(2026, 1, 1) + timedelta(minutes=15 * draw(st.integers(0, 40000)))
    return {"start": start.strftime("%Y-%m-%dT%H:%M"), "steps": steps}


def check(r: TaperResult) -> None:
    rs = ruleset()
    ats = [a.at for a in r.administrations]
    assert all(a < b for a, b in itertools.pairwise(ats)), "strictly increasing"
    assert r.ends_at == ats[-1]
    for drug, total in r.totals_mg.items():
        assert total == pytest.approx(sum(a.dose_mg for a in r.administrations if a.drug == drug))
    assert sum(s.doses for s in r.steps) == len(r.administrations)
    for index, step in enumerate(r.steps):
        assert step.doses == round(step.days * 24 / step.every_h)
        assert len([a for a in r.administrations if a.step == index]) == step.doses
    for a, b in itertools.pairwise(r.steps):
        assert b.starts_at == a.starts_at + timedelta(hours=a.days * 24)
    assert r.dexamethasone_equivalent_mg == pytest.approx(
        sum(a.dexamethasone_equivalent_mg for a in r.administrations),
        abs=1e-4 * (1 + len(r.administrations)),
    )
    for drug, mg in r.totals_mg.items():
        eq = dexamethasone_equivalent(drug, mg, rs)
        assert from_dexamethasone(drug, eq, rs) == pytest.approx(mg)
        assert r.dexamethasone_equivalent_by_drug_mg[drug] == pytest.approx(eq, abs=1e-4)
    # the day table adds up to the same totals
    last = r.days[-1]
    for drug, total in r.totals_mg.items():
        assert last.cumulative_mg[drug] == pytest.approx(total)
    assert last.cumulative_dexamethasone_equivalent_mg == pytest.approx(
        r.dexamethasone_equivalent_mg, abs=1e-4 * (1 + len(r.administrations))
    )
    assert sum(len(d.doses) for d in r.days) == len(r.administrations)


@settings(max_examples=150, deadline=None)
@given(custom_steps())
def test_custom_plans_hold_the_properties(payload: dict[str, Any]) -> None:
    check(plan(payload))


@pytest.mark.parametrize(
    "payload",
    [
        {"regimen": "TAPER-MP1G"},
        {"regimen": "TAPER-MP500", "final_step_days": 3},
        {"regimen": "TAPER-DEX10", "days": 3, "taper_days": 5, "reduction": "linear"},
        {"regimen": "TAPER-DEX20", "taper_days": 7, "reduction": "halving", "route": "PO"},
        {"regimen": "TAPER-BLINA", "days": 2, "reduction": "halving"},
    ],
)
def test_every_regimen_holds_the_properties(payload: dict[str, Any]) -> None:
    check(plan({"start": "2026-03-01T08:00", **payload}))


def test_ster_eq_ratios_from_the_rule() -> None:
    """STER-EQ: dexamethasone 0.75 = methylprednisolone 4 = prednisone 5 = hydrocortisone 20."""
    rs = ruleset()
    assert dexamethasone_equivalent("methylprednisolone", 4, rs) == 0.75
    assert dexamethasone_equivalent("prednisone", 5, rs) == 0.75
    assert dexamethasone_equivalent("hydrocortisone", 20, rs) == 0.75
    assert from_dexamethasone("methylprednisolone", 0.75, rs) == 4


def test_day_table_of_p1() -> None:
    r = plan({"start": "2026-03-01T08:00", "regimen": "TAPER-MP1G"})
    assert [d.date for d in r.days] == [f"2026-03-0{n}" for n in range(1, 10)]
    day4 = r.days[3]
    assert [(d.time, d.dose_mg) for d in day4.doses] == [("08:00", 250), ("20:00", 250)]
    assert day4.daily_mg == {"methylprednisolone": 500}
    assert day4.cumulative_mg == {"methylprednisolone": 3500}
    assert day4.daily_dexamethasone_equivalent_mg == 93.75
    assert r.days[-1].cumulative_dexamethasone_equivalent_mg == 888.75
