"""Where a printed taper plan came from: the regimen, the regimen with steps edited (which
ones, from what to what), or steps entered by hand."""

from __future__ import annotations

from calculator.edge.inputs import validate
from calculator.records.note_taper import OWN_STEPS, plan_origin, step_text
from calculator.rulebook import ruleset
from calculator.taper import TaperInput, plan_taper
from calculator.taper.models import TaperStepInput

RS = ruleset()


def _mp1g_steps() -> tuple[TaperStepInput, ...]:
    inp = validate(TaperInput, {"start": "2026-03-01T08:00", "regimen": "TAPER-MP1G"})
    return plan_taper(inp, RS.profiles[RS.default_profile], RS).editable_steps


def test_unedited_regimen_names_itself() -> None:
    steps = _mp1g_steps()
    assert plan_origin("TAPER-MP1G", None, steps) == "TAPER-MP1G"
    assert plan_origin("TAPER-MP1G", steps, steps) == "TAPER-MP1G"
    assert plan_origin(None, None, steps) == OWN_STEPS


def test_one_edited_step_is_named_with_what_it_was_and_is() -> None:
    base = _mp1g_steps()
    edited = list(base)
    edited[1] = base[1].model_copy(update={"dose_mg": 200.0})
    assert plan_origin("TAPER-MP1G", base, edited) == (
        "TAPER-MP1G, step 2 edited: methylprednisolone 250 mg IV every 12 h for 2 days → "
        "methylprednisolone 200 mg IV every 12 h for 2 days"
    )


def test_added_and_removed_steps_are_named() -> None:
    base = _mp1g_steps()
    extra = TaperStepInput(drug="methylprednisolone", dose_mg=30, every_h=24, days=1)
    added = plan_origin("TAPER-MP1G", base, [*base, extra])
    assert added == "TAPER-MP1G, step 5 added: methylprednisolone 30 mg IV every 24 h for 1 day"
    removed = plan_origin("TAPER-MP1G", base, base[:3])
    assert removed.startswith("TAPER-MP1G, step 4 removed (was methylprednisolone 60 mg")


def test_step_text_per_kg_and_hours_and_minutes() -> None:
    step = TaperStepInput(drug="methylprednisolone", dose_mg_per_kg=2, every_h=12, days=1.5)
    assert step_text(step) == "methylprednisolone 2 mg/kg IV every 12 h for 1.5 days"
