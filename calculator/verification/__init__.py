"""Pharmacy double check (clinical-rules.md section 10). The package is split by job:

- ``inputs``: the order and the independent entry as models;
- ``calculated``: the core's own figures for the order (the dose engine, reduced);
- ``comparisons``: each item compared, one ``Comparison`` each;
- ``limits``: the order against VERIFY-MAX and VERIFY-CLOCK;
- ``decision``: the decision and its reasons (``verify_dose``);
- ``command``: the ``verify-dose`` command handler;
- ``formatting``: numbers as the sentences show them.

Every public name is re-exported here, so ``from calculator.verification import X`` holds.
"""

from calculator.verification.calculated import Calculate, CalculatedDose, default_calculate
from calculator.verification.command import verify_dose_command
from calculator.verification.comparisons import compare
from calculator.verification.decision import (
    ToleranceFrom,
    Verdict,
    VerifyResult,
    decide,
    tolerance_for,
    verify_dose,
)
from calculator.verification.formatting import (
    DOSE_DECIMALS,
    WEIGHT_DECIMALS,
    fmt_number,
    fmt_pct,
    fmt_vials,
    signed_pct,
    vial_total,
)
from calculator.verification.inputs import (
    MAX_AGE_YEARS,
    MAX_BAG_ML,
    MAX_DOSE_MG,
    MAX_EVERY_H,
    MAX_VIAL_COUNT,
    MAX_VIAL_MG,
    MAX_WEIGHT_KG,
    DoseOrder,
    IndependentEntry,
    Route,
    VerifyInput,
    VialCount,
)
from calculator.verification.limits import maxima_for, maximum_mg
from calculator.verification.models import Between, Comparison, Decision, Item

__all__ = [
    "DOSE_DECIMALS",
    "MAX_AGE_YEARS",
    "MAX_BAG_ML",
    "MAX_DOSE_MG",
    "MAX_EVERY_H",
    "MAX_VIAL_COUNT",
    "MAX_VIAL_MG",
    "MAX_WEIGHT_KG",
    "WEIGHT_DECIMALS",
    "Between",
    "Calculate",
    "CalculatedDose",
    "Comparison",
    "Decision",
    "DoseOrder",
    "IndependentEntry",
    "Item",
    "Route",
    "ToleranceFrom",
    "Verdict",
    "VerifyInput",
    "VerifyResult",
    "VialCount",
    "compare",
    "decide",
    "default_calculate",
    "fmt_number",
    "fmt_pct",
    "fmt_vials",
    "maxima_for",
    "maximum_mg",
    "signed_pct",
    "tolerance_for",
    "verify_dose",
    "verify_dose_command",
    "vial_total",
]
