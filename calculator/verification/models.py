"""One check of the double check as the result carries it: ``Comparison``, with the items,
pairs and decisions it can name (VERIFY-DECISION)."""

from typing import Literal

from calculator.rulebook import FrozenModel

Decision = Literal["release", "review", "do_not_release"]
Item = Literal["drug", "weight", "dose", "vials", "route", "every_h", "bag_ml", "maximum", "clock"]
Between = Literal[
    "order_vs_calculated",
    "order_vs_case",
    "independent_vs_order",
    "independent_vs_calculated",
    "vials_vs_dose",
    "order_vs_maximum",
    "order_vs_clock",
]


class Comparison(FrozenModel):
    """One check: two values, whether they agree, the signed size of any difference, and
    the decision it leads to with the rule that says so."""

    item: Item
    between: Between
    first: str
    second: str
    difference_pct: float | None
    matches: bool
    flagged: bool
    text: str
    decision: Decision = "release"
    rule: str = ""
    #: False when one side states nothing to compare (a blank entry, no regimen named, a
    #: rule that states no such figure): listed so the record shows it, never "match".
    compared: bool = True
