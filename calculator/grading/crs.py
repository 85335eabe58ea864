"""ASTCT CRS grade (CRS-FEVER, -MASK, -GATE, -G1..G5, -WORST, -VASO, -O2FLOW, -ORGAN, -COMFORT)."""

from typing import Literal, Self

from pydantic import Field, StrictBool, field_validator, model_validator

from calculator.edge.errors import Contradiction
from calculator.edge.inputs import refuse_repeats
from calculator.results import CoreResult, Note, unique, verification_warnings
from calculator.rulebook import FrozenModel, Ruleset, ruleset
from calculator.rulebook.grading import CrsGradeRule, OxygenDevice, Vasopressor
from calculator.rulebook.profiles import Profile

Domain = Literal["fever", "hypotension", "hypoxia", "death"]

# Accepted input ranges (cli-contract.md: 25-45 °C). Not clinical thresholds: those are rules.
TEMPERATURE_RANGE_C = (25.0, 45.0)
MAX_FLOW_L_MIN = 80.0  # beyond any oxygen device: a flow above it is a typing error


class CrsInput(FrozenModel):
    # strict: JSON true/false and numbers only ("yes", 1 or "39" are wrong types, not values).
    temperature_c: float | None = Field(
        default=None,
        ge=TEMPERATURE_RANGE_C[0],
        le=TEMPERATURE_RANGE_C[1],
        allow_inf_nan=False,
        strict=True,
    )
    fever_masked: StrictBool = False
    hypotension: StrictBool = False
    vasopressors: tuple[Vasopressor, ...] = ()
    oxygen: OxygenDevice = "room_air"
    oxygen_flow_l_min: float | None = Field(
        default=None, gt=0, le=MAX_FLOW_L_MIN, allow_inf_nan=False, strict=True
    )
    deceased: StrictBool = False

    @field_validator("vasopressors")
    @classmethod
    def _each_agent_once(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        refuse_repeats(value, allowed=("other",))
        return value

    @model_validator(mode="after")
    def _flow_fits_device(self) -> Self:
        if self.oxygen == "nasal_cannula" and self.oxygen_flow_l_min is None:
            raise Contradiction("is required for a nasal cannula (L/min)", "oxygen_flow_l_min")
        if self.oxygen == "room_air" and self.oxygen_flow_l_min is not None:
            raise Contradiction("is given but oxygen is room_air", "oxygen_flow_l_min")
        return self


class DomainFinding(FrozenModel):
    """One finding and the grade it alone would give: what drove the result."""

    domain: Domain
    grade: int
    finding: str
    rule: str


class CrsResult(CoreResult):
    grade: int
    explanation: tuple[str, ...]
    drivers: tuple[DomainFinding, ...]
    notes: tuple[Note, ...] = ()


def _hypotension(inp: CrsInput, rs: Ruleset) -> tuple[DomainFinding | None, list[str]]:
    """CRS-G2/G3/G4 hypotension rows and CRS-VASO counting."""
    crs = rs.crs
    warnings: list[str] = []
    if not inp.vasopressors:
        if not inp.hypotension:
            return None, warnings
        finding = "hypotension not needing vasopressors"
        return DomainFinding(
            domain="hypotension", grade=crs.g2.grade, finding=finding, rule=crs.g2.id
        ), warnings
    counted = [v for v in inp.vasopressors if v not in crs.vaso.not_counted]
    uncounted = [v for v in inp.vasopressors if v in crs.vaso.not_counted]
    agents = " + ".join(inp.vasopressors)
    if len(counted) >= 2:
        row = crs.g4
        finding = f"hypotension needing multiple vasopressors ({agents})"
    elif counted:
        row = crs.g3
        finding = f"hypotension needing one vasopressor ({agents})"
        if uncounted:
            finding += f"; {', '.join(uncounted)} is not counted as a second vasopressor"
    else:
        # Vasopressin alone: counted as one vasopressor, flagged (CRS-VASO).
        row = _row_for_count(crs.grade_rows(), crs.vaso.alone_counts_as)
        finding = f"hypotension needing {agents} alone, counted as one vasopressor"
        warnings.append(
            "CRS-VASO: vasopressin alone was counted as one vasopressor (grade 3); "
            "confirm that no other vasopressor is running."
        )
    return DomainFinding(
        domain="hypotension", grade=row.grade, finding=finding, rule=row.id
    ), warnings


def _row_for_count(rows: tuple[CrsGradeRule, ...], count: int) -> CrsGradeRule:
    wanted = "one_vasopressor" if count == 1 else "multiple_vasopressors"
    return next(r for r in rows if r.hypotension == wanted)


def _hypoxia(inp: CrsInput, rs: Ruleset, profile: Profile) -> DomainFinding | None:
    """CRS-G2/G3/G4 oxygen rows, with CRS-O2FLOW for the nasal cannula."""
    crs = rs.crs
    if inp.oxygen == "room_air":
        return None
    if inp.oxygen == "nasal_cannula":
        flow = inp.oxygen_flow_l_min
        assert flow is not None  # guaranteed by CrsInput
        low = profile.flow_is_low(flow)
        row = crs.g2 if low else crs.g3
        kind = "low flow" if low else "high flow"
        finding = (
            f"hypoxia on nasal cannula at {flow:g} L/min "
            f"({kind}; low flow is {profile.describe_low_flow()} in this profile)"
        )
        return DomainFinding(domain="hypoxia", grade=row.grade, finding=finding, rule=crs.o2flow.id)
    row = next(r for r in crs.grade_rows() if inp.oxygen in r.oxygen_devices)
    device = inp.oxygen.replace("_", " ")
    finding = f"hypoxia needing {device}"
    if inp.oxygen_flow_l_min is not None:
        finding += f" at {inp.oxygen_flow_l_min:g} L/min"
    return DomainFinding(domain="hypoxia", grade=row.grade, finding=finding, rule=row.id)


def grade_crs(inp: CrsInput, profile: Profile, rs: Ruleset | None = None) -> CrsResult:
    """Grade CRS by ASTCT 2019 under ``profile``.

    Implements CRS-FEVER, CRS-MASK, CRS-GATE, CRS-G1..CRS-G5, CRS-WORST, CRS-VASO,
    CRS-O2FLOW; notes CRS-ORGAN and CRS-COMFORT.
    """
    rs = rs or ruleset()
    crs = rs.crs
    warnings: list[str] = []
    rules: list[str] = []
    explanation: list[str] = []

    threshold = crs.fever.fever_min_c
    temp = inp.temperature_c
    fever = temp is not None and temp >= threshold
    hypotension, vaso_warnings = _hypotension(inp, rs)
    warnings += vaso_warnings
    hypoxia = _hypoxia(inp, rs, profile)
    organ_findings = [d for d in (hypotension, hypoxia) if d is not None]
    notes = [Note(rule=crs.organ.id, text=crs.organ.text)]
    if organ_findings:
        notes.append(Note(rule=crs.comfort.id, text=crs.comfort.text))

    if inp.deceased:
        explanation.append("Death due to CRS: grade 5.")
        death = DomainFinding(
            domain="death", grade=crs.g5.grade, finding="death due to CRS", rule=crs.g5.id
        )
        return _result(rs, profile, 5, explanation, [death], [crs.g5.id], warnings, notes)

    temp_text = "no temperature entered" if temp is None else f"{temp:.1f} °C"
    drivers: list[DomainFinding] = []
    if fever:
        explanation.append(f"Fever: {temp_text} (fever is >= {threshold:.1f} °C).")
        rules.append(crs.fever.id)
        drivers.append(
            DomainFinding(
                domain="fever", grade=crs.g1.grade, finding=f"fever {temp_text}", rule=crs.fever.id
            )
        )
    elif inp.fever_masked:
        explanation.append(
            f"No fever ({temp_text}), but antipyretic or anti-cytokine therapy was given this "
            "episode, so fever is not required: the grade rests on hypotension and hypoxia."
        )
        rules.append(crs.mask.id)
    else:
        explanation.append(
            f"No fever ({temp_text}; fever is >= {threshold:.1f} °C) and no antipyretic or "
            "anti-cytokine therapy given: ASTCT criteria for CRS are not met, because fever is "
            "required. Grade 0."
        )
        rules += [crs.gate.id, crs.fever.id]
        if organ_findings:
            found = "; ".join(d.finding for d in organ_findings)
            explanation.append(
                f"Also present: {found}. Without fever this is not graded as CRS; "
                "look for another cause and reassess."
            )
        # Findings without fever are named in the explanation but drive no grade.
        return _result(rs, profile, 0, explanation, [], rules, warnings, notes)

    for d in organ_findings:
        explanation.append(f"{d.finding[0].upper()}{d.finding[1:]}: grade {d.grade}.")
        rules.append(d.rule)
        if d.rule == crs.o2flow.id:
            rules.append(crs.g2.id if d.grade == crs.g2.grade else crs.g3.id)
        if d.domain == "hypotension" and inp.vasopressors:
            rules.append(crs.vaso.id)
        drivers.append(d)

    if organ_findings:
        grade = max(d.grade for d in organ_findings)
        if fever:
            grade = max(grade, crs.g1.grade)
        if len(organ_findings) == 2:
            explanation.append(f"The grade is the worse of hypotension and hypoxia: grade {grade}.")
            rules.append(crs.worst.id)
    elif fever:
        grade = crs.g1.grade
        explanation.append("No hypotension and no hypoxia: grade 1.")
        rules.append(crs.g1.id)
    else:
        # Masked fever and nothing else: no ASTCT row applies.
        grade = 0
        explanation.append(
            "No hypotension and no hypoxia: with fever masked by treatment, no CRS grade can be "
            "assigned from these findings. Grade 0; reassess."
        )
        warnings.append(
            "CRS-MASK: fever is masked by treatment and there is no hypotension or hypoxia; "
            "grade 1 cannot be confirmed. Reassess."
        )
    if fever and inp.fever_masked:
        rules.append(crs.mask.id)
    return _result(rs, profile, grade, explanation, drivers, rules, warnings, notes)


def _result(
    rs: Ruleset,
    profile: Profile,
    grade: int,
    explanation: list[str],
    drivers: list[DomainFinding],
    rules: list[str],
    warnings: list[str],
    notes: list[Note],
) -> CrsResult:
    rule_ids = unique(rules)
    return CrsResult(
        grade=grade,
        explanation=tuple(explanation),
        drivers=tuple(drivers),
        rules=rule_ids,
        warnings=tuple(warnings + verification_warnings(rs, rule_ids)),
        notes=tuple(notes),
        ruleset=rs.info,
        profile=profile.id,
    )
