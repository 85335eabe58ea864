"""``python -m calculator crosswalk`` (and batch lines naming it)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from calculator.edge.inputs import validate

if TYPE_CHECKING:
    from calculator.crosswalk.models import CrosswalkResult
    from calculator.edge.cli import Context


def crosswalk_command(payload: dict[str, Any], ctx: Context) -> CrosswalkResult:
    from calculator.crosswalk.engine import crosswalk
    from calculator.crosswalk.models import CrosswalkInput

    return crosswalk(validate(CrosswalkInput, payload), ctx.profile, ctx.rs)
