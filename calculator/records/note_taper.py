"""How a printed taper plan names where it came from: the regimen as given, a regimen
with steps edited (say which, and from what to what), or steps entered by hand. A plan
that started as TAPER-MP1G and had one step changed must never print as plain
TAPER-MP1G, nor as anonymous own steps."""

from __future__ import annotations

from collections.abc import Sequence

from calculator.dosing.numbers import fmt
from calculator.taper.models import TaperStepInput
from calculator.words import duration

OWN_STEPS = "steps entered by hand"


def step_text(step: TaperStepInput) -> str:
    """``methylprednisolone 250 mg IV every 12 h for 2 days``."""
    if step.dose_mg is not None:
        dose = f"{fmt(step.dose_mg)} mg"
    else:
        dose = f"{fmt(step.dose_mg_per_kg or 0)} mg/kg"
    days = "1 day" if step.days == 1 else f"{fmt(step.days)} days"
    return f"{step.drug} {dose} {step.route} every {duration(step.every_h)} for {days}"


def plan_origin(
    regimen: str | None,
    regimen_steps: Sequence[TaperStepInput] | None,
    steps: Sequence[TaperStepInput],
) -> str:
    """``TAPER-MP1G``; ``TAPER-MP1G, step 2 edited: <was> → <now>``; or own steps.

    ``regimen_steps`` are the steps the regimen gave before anyone edited them (None:
    the plan is the regimen's own, unedited)."""
    if regimen is None:
        return OWN_STEPS
    if regimen_steps is None or tuple(regimen_steps) == tuple(steps):
        return regimen
    changes = []
    for i in range(max(len(regimen_steps), len(steps))):
        was = regimen_steps[i] if i < len(regimen_steps) else None
        now = steps[i] if i < len(steps) else None
        if was == now:
            continue
        if was is None and now is not None:
            changes.append(f"step {i + 1} added: {step_text(now)}")
        elif now is None and was is not None:
            changes.append(f"step {i + 1} removed (was {step_text(was)})")
        elif was is not None and now is not None:
            changes.append(f"step {i + 1} edited: {step_text(was)} → {step_text(now)}")
    return f"{regimen}, " + "; ".join(changes)
