"""The ``verify-dose`` command handler (named in calculator.edge.cli's command table)."""

from __future__ import annotations

from typing import Any

from calculator.edge.inputs import validate
from calculator.verification.decision import VerifyResult, verify_dose
from calculator.verification.inputs import VerifyInput


def verify_dose_command(payload: dict[str, Any], ctx: Any) -> VerifyResult:
    """``verify-dose``: {"order", "independent", "at"?, "doses_given"?, "tolerance_pct"?}."""
    return verify_dose(validate(VerifyInput, payload), ctx.profile, ctx.rs)
