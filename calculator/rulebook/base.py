"""Building blocks shared by every rule schema.

Modules that define models (here, the rule schemas, the inputs and results) write real
annotations, not ``from __future__ import annotations``: pydantic would compile and
evaluate each field's type from a string when the class is made, about 8 ms of every
command-line call (issue 26; ``tests/calculator/test_model_annotations.py``).
"""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, model_validator

#: Evidence status as in clinical-rules.md: P primary, S secondary, V to verify.
#: Combined forms ("P/S", "S/V", "P/V") keep the spec's own wording; "derived" follows
#: arithmetically from other rules; "safety" is a rule of this product, not of a source.
EvidenceStatus = Literal["P", "S", "V", "P/S", "S/V", "P/V", "derived", "safety"]

VERIFY_WARNING = "verify against local protocol"


class FrozenModel(BaseModel):
    """Immutable, typo-proof model: unknown keys, NaN and infinity are refused, never ignored."""

    # defer_build: a model's validator is built on its first use, not at import, so a command
    # or the app's first paint pays only for the models it uses (issue 14). The rules are
    # checked exactly as before; only the moment the checker is built moves.
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False, defer_build=True)


class Source(FrozenModel):
    key: str
    citation: str


class Rule(FrozenModel):
    """One rule of clinical-rules.md. Subclasses add the rule's typed values."""

    id: str
    title: str
    text: str
    status: EvidenceStatus
    status_note: str = ""
    #: Split statuses: the part of the rule that is V ("the 20 mg dose"). The "verify
    #: against local protocol" mark then goes with that part only (a regimen or action of
    #: status V), never with every mention of the rule.
    verify_part: str = ""
    sources: tuple[str, ...] = ()

    @property
    def needs_verification(self) -> bool:
        """Whether every use of the rule is shown "verify against local protocol": a V in
        its status, unless the status is split (``verify_part``), in which case only the V
        part (a regimen or action of status V) carries the mark (Split statuses)."""
        return "V" in self.status and not self.verify_part


class RuleSection(FrozenModel):
    """A group of rules keyed by rule ID in the data (``[crs.CRS-FEVER]``).

    The ID is written once, as the key; it is copied into each record here so a
    rule always knows its own ID.
    """

    @model_validator(mode="before")
    @classmethod
    def _ids_from_keys(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        out: dict[str, Any] = {}
        for key, record in data.items():
            if isinstance(record, dict):
                if "id" in record and record["id"] != key:
                    raise ValueError(f"rule {key!r} carries a different id {record['id']!r}")
                record = {**record, "id": key}
            out[key] = record
        return out

    def rules(self) -> tuple[Rule, ...]:
        return tuple(
            value
            for name in type(self).model_fields
            if isinstance(value := getattr(self, name), Rule)
        )
