"""`python -m calculator recommend`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from calculator.edge.inputs import validate
from calculator.management.models import RecommendInput, RecommendResult
from calculator.management.recommend import recommend

if TYPE_CHECKING:
    from calculator.edge.cli import Context


def recommend_command(payload: dict[str, Any], ctx: Context) -> RecommendResult:
    return recommend(validate(RecommendInput, payload), ctx.profile, ctx.rs)
