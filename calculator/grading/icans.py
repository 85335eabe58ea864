"""ASTCT ICANS grade (ICANS-ICE, -LOC, -SZ, -MOTOR, -ICP, -WORST, -APHASIA, -EXCL, -G5,
-CAPD, -CAPDAGE)."""

from typing import Literal, Self

from pydantic import (
    Field,
    StrictBool,
    StrictInt,
    ValidationInfo,
    field_validator,
    model_validator,
)

from calculator.edge.errors import Contradiction
from calculator.results import CoreResult, Note, unique, verification_warnings
from calculator.rulebook import FrozenModel, Ruleset, ruleset
from calculator.rulebook.grading import Consciousness, Edema, ScoreBand, Seizure
from calculator.rulebook.profiles import Profile

Instrument = Literal["ICE", "CAPD"]
IcansDomain = Literal["ice", "capd", "consciousness", "seizure", "motor", "edema", "death"]

# Accepted input range (cli-contract.md: 0-120 years).
AGE_RANGE_YEARS = (0.0, 120.0)


class IceItems(FrozenModel):
    """ICE item by item; each item's maximum comes from ICANS-ICE."""

    # strict: whole JSON numbers only (true, 2.0 or "2" are refused as wrong types).
    orientation: StrictInt
    naming: StrictInt
    commands: StrictInt
    writing: StrictInt
    attention: StrictInt

    @field_validator("*")
    @classmethod
    def _in_range(cls, value: int, info: ValidationInfo) -> int:
        top = ruleset().icans.ice.items[info.field_name]  # type: ignore[index]
        if not 0 <= value <= top:
            raise ValueError(f"must be from 0 to {top}")
        return value

    @property
    def total(self) -> int:
        return self.orientation + self.naming + self.commands + self.writing + self.attention


class IcansInput(FrozenModel):
    # strict: JSON numbers and true/false only; "8", true or 5.0 for a score are wrong types.
    age_years: float = Field(
        ge=AGE_RANGE_YEARS[0], le=AGE_RANGE_YEARS[1], allow_inf_nan=False, strict=True
    )
    ice_score: StrictInt | None = None
    ice_items: IceItems | None = None
    capd_items: tuple[StrictInt, ...] | None = None
    capd_score: StrictInt | None = None
    unable_to_assess: StrictBool = False
    consciousness: Consciousness = "alert"
    global_aphasia: StrictBool = False
    seizure: Seizure = "none"
    motor_weakness: StrictBool = False
    cerebral_edema: Edema = "none"
    deceased: StrictBool = False

    @field_validator("ice_score")
    @classmethod
    def _ice_range(cls, value: int | None) -> int | None:
        top = ruleset().icans.ice.max_score
        if value is not None and not 0 <= value <= top:
            raise ValueError(f"must be from 0 to {top}")
        return value

    @field_validator("capd_score")
    @classmethod
    def _capd_range(cls, value: int | None) -> int | None:
        top = ruleset().icans.capd.max_score
        if value is not None and not 0 <= value <= top:
            raise ValueError(f"must be from 0 to {top}")
        return value

    @field_validator("capd_items")
    @classmethod
    def _capd_items(cls, value: tuple[int, ...] | None) -> tuple[int, ...] | None:
        capd = ruleset().icans.capd
        if value is None:
            return value
        if len(value) != capd.item_count:
            raise ValueError(f"must list {capd.item_count} item scores, not {len(value)}")
        bad = [i + 1 for i, v in enumerate(value) if not 0 <= v <= capd.item_max]
        if bad:
            raise ValueError(f"item {bad[0]} must be from 0 to {capd.item_max}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.ice_items is not None and self.ice_score is not None:
            if self.ice_items.total != self.ice_score:
                raise Contradiction(
                    f"ice_score {self.ice_score} does not match the items, which add up to "
                    f"{self.ice_items.total}",
                    "ice_score",
                )
        if self.capd_items is not None and self.capd_score is not None:
            if sum(self.capd_items) != self.capd_score:
                raise Contradiction(
                    f"capd_score {self.capd_score} does not match the items, which add up to "
                    f"{sum(self.capd_items)}",
                    "capd_score",
                )
        if self.ice is not None and self.capd is not None:
            raise Contradiction("give either ICE or CAPD, not both", "ice_score", "capd_score")
        score = self.ice if self.ice is not None else None
        if self.unable_to_assess and score not in (None, 0):
            raise Contradiction(
                f"unable_to_assess contradicts an ICE score of {score}", "unable_to_assess"
            )
        if self.unable_to_assess and self.capd is not None:
            raise Contradiction(
                "unable_to_assess contradicts a recorded CAPD score", "unable_to_assess"
            )
        if self.global_aphasia and (self.unable_to_assess or self.consciousness == "unarousable"):
            raise Contradiction(
                "global_aphasia means awake; it contradicts unarousable", "global_aphasia"
            )
        if self.global_aphasia and score not in (None, 0):
            raise Contradiction(
                f"global_aphasia goes with ICE 0, not ICE {score}", "global_aphasia"
            )
        if self.consciousness == "unarousable" and score not in (None, 0):
            raise Contradiction(f"an unarousable patient cannot score ICE {score}", "consciousness")
        return self

    @property
    def ice(self) -> int | None:
        if self.ice_score is not None:
            return self.ice_score
        return None if self.ice_items is None else self.ice_items.total

    @property
    def capd(self) -> int | None:
        if self.capd_score is not None:
            return self.capd_score
        return None if self.capd_items is None else sum(self.capd_items)


class IcansFinding(FrozenModel):
    domain: IcansDomain
    grade: int
    finding: str
    rule: str


class IcansResult(CoreResult):
    grade: int
    instrument: Instrument
    score: int | None
    explanation: tuple[str, ...]
    drivers: tuple[IcansFinding, ...]
    notes: tuple[Note, ...] = ()


def _band(bands: tuple[ScoreBand, ...], score: int) -> int:
    return next(b.grade for b in bands if b.low <= score <= b.high)


def _instrument(inp: IcansInput, profile: Profile, rs: Ruleset) -> tuple[Instrument, list[str]]:
    """ICANS-CAPD and ICANS-CAPDAGE: which instrument, and the warnings that go with it."""
    warnings: list[str] = []
    capd_age = rs.icans.capd_age
    by_age: Instrument = "CAPD" if profile.capd_applies(inp.age_years) else "ICE"
    limit = profile.describe_capd_limit()
    if int(inp.age_years) == capd_age.age_limit_years:
        warnings.append(
            f"ICANS-CAPDAGE: at {capd_age.age_limit_years} years sources differ on CAPD or ICE "
            "(ASTCT: CAPD at <= 12 years; ASCO and NCCN: below 12 years). "
            f"This profile uses CAPD at {limit}."
        )
    if inp.ice is not None:
        if by_age == "CAPD":
            warnings.append(
                f"{rs.icans.capd.id}: ICE was given for a child aged {inp.age_years:g} years; at "
                f"this age ({limit} in this profile) ASTCT grades with the CAPD. Graded on "
                "the ICE given."
            )
        return "ICE", warnings
    if inp.capd is not None:
        if by_age == "ICE":
            warnings.append(
                f"{rs.icans.capd.id}: CAPD was given for a patient aged {inp.age_years:g} years, "
                "outside the CAPD age "
                f"range ({limit} in this profile), where ICE is expected. ASCO allows CAPD in "
                "older children with baseline developmental delay. Graded on the CAPD given."
            )
        return "CAPD", warnings
    return by_age, warnings


def grade_icans(inp: IcansInput, profile: Profile, rs: Ruleset | None = None) -> IcansResult:
    """Grade ICANS by ASTCT 2019 under ``profile``: the most severe domain (ICANS-WORST).

    Implements ICANS-ICE, ICANS-LOC, ICANS-SZ, ICANS-MOTOR, ICANS-ICP, ICANS-WORST,
    ICANS-APHASIA, ICANS-G5, ICANS-CAPD, ICANS-CAPDAGE; notes ICANS-EXCL.
    """
    rs = rs or ruleset()
    ic = rs.icans
    instrument, warnings = _instrument(inp, profile, rs)
    rules: list[str] = (
        [ic.capd_age.id] if instrument == "CAPD" or profile.capd_applies(inp.age_years) else []
    )
    notes = (Note(rule=ic.excl.id, text=ic.excl.text),)
    findings: list[IcansFinding] = []
    score: int | None = None

    if inp.deceased:
        death = IcansFinding(
            domain="death", grade=ic.g5.grade, finding="death due to ICANS", rule=ic.g5.id
        )
        return _result(
            rs,
            profile,
            instrument,
            None,
            [death],
            ["Death due to ICANS: grade 5."],
            [ic.g5.id],
            warnings,
            notes,
        )

    if instrument == "ICE":
        score = inp.ice
        findings += _ice_findings(inp, score, rs, warnings, rules)
    else:
        score = inp.capd
        findings += _capd_findings(inp, score, rs)

    loc_grade = ic.loc.grades[inp.consciousness]
    if loc_grade:
        words = inp.consciousness.replace("_", " ")
        findings.append(
            IcansFinding(
                domain="consciousness",
                grade=loc_grade,
                finding=f"depressed consciousness: {words}",
                rule=ic.loc.id,
            )
        )
    sz_grade = ic.seizure.grades[inp.seizure]
    if sz_grade:
        words = {
            "rapidly_resolving": "a seizure that resolved rapidly",
            "prolonged_or_repetitive": "a prolonged (> 5 min) or repetitive seizure",
        }[inp.seizure]
        findings.append(
            IcansFinding(domain="seizure", grade=sz_grade, finding=words, rule=ic.seizure.id)
        )
    if inp.motor_weakness:
        findings.append(
            IcansFinding(
                domain="motor",
                grade=ic.motor.grade,
                finding="deep focal motor weakness",
                rule=ic.motor.id,
            )
        )
    edema_grade = ic.icp.grades[inp.cerebral_edema]
    if edema_grade:
        findings.append(
            IcansFinding(
                domain="edema",
                grade=edema_grade,
                finding=f"{inp.cerebral_edema} cerebral edema",
                rule=ic.icp.id,
            )
        )

    findings = [f for f in findings if f.grade > 0]
    grade = max((f.grade for f in findings), default=0)
    explanation = [f"{f.finding[0].upper()}{f.finding[1:]}: grade {f.grade}." for f in findings]
    rules += [f.rule for f in findings]
    if len(findings) > 1:
        worst = [f.domain for f in findings if f.grade == grade]
        explanation.append(
            f"The grade is the most severe domain ({', '.join(worst)}): grade {grade}."
        )
        rules.append(ic.worst.id)
    if not findings:
        what = f"{instrument} {score}" if score is not None else f"no {instrument} score entered"
        explanation.append(
            f"No ICANS finding ({what}, alert, no seizure, weakness or edema): grade 0."
        )
    return _result(rs, profile, instrument, score, findings, explanation, rules, warnings, notes)


def _ice_findings(
    inp: IcansInput, score: int | None, rs: Ruleset, warnings: list[str], rules: list[str]
) -> list[IcansFinding]:
    ic = rs.icans
    top = ic.ice.max_score
    if score is None:
        if inp.unable_to_assess:
            return [
                IcansFinding(
                    domain="ice",
                    grade=ic.ice.unable_grade,
                    finding="unarousable, unable to perform ICE",
                    rule=ic.aphasia.id,
                )
            ]
        return []
    if score == 0:
        if inp.unable_to_assess or inp.consciousness == "unarousable":
            return [
                IcansFinding(
                    domain="ice",
                    grade=ic.aphasia.unarousable_grade,
                    finding=f"ICE 0/{top} and unarousable",
                    rule=ic.aphasia.id,
                )
            ]
        if inp.global_aphasia:
            return [
                IcansFinding(
                    domain="ice",
                    grade=ic.aphasia.aphasia_grade,
                    finding=f"ICE 0/{top}, awake with global aphasia",
                    rule=ic.aphasia.id,
                )
            ]
        rules.append(ic.aphasia.id)
        warnings.append(
            "ICE 0: say whether the patient is awake with global aphasia (grade 3) or "
            "unarousable (grade 4). Graded 3 until then."
        )
    grade = _band(ic.ice.bands, score)
    band = next(b for b in ic.ice.bands if b.low <= score <= b.high)
    span = f"ICE {band.low}-{band.high}" if band.low != band.high else f"ICE {band.low}"
    return [
        IcansFinding(
            domain="ice", grade=grade, finding=f"ICE {score}/{top} ({span})", rule=ic.ice.id
        )
    ]


def _capd_findings(inp: IcansInput, score: int | None, rs: Ruleset) -> list[IcansFinding]:
    capd = rs.icans.capd
    if score is None:
        if inp.unable_to_assess:
            return [
                IcansFinding(
                    domain="capd",
                    grade=capd.unable_grade,
                    finding="unable to perform CAPD",
                    rule=capd.id,
                )
            ]
        return []
    grade = _band(capd.bands, score)
    if grade == 0:
        return []
    band = next(b for b in capd.bands if b.low <= score <= b.high)
    span = f"CAPD {band.low}-{band.high}" if band.high < capd.max_score else f"CAPD >= {band.low}"
    finding = f"CAPD {score}/{capd.max_score} ({span})"
    if band.high < capd.max_score and grade < 2:
        finding += "; level of consciousness decides between grade 1 and 2"
    return [IcansFinding(domain="capd", grade=grade, finding=finding, rule=capd.id)]


def _result(
    rs: Ruleset,
    profile: Profile,
    instrument: Instrument,
    score: int | None,
    findings: list[IcansFinding],
    explanation: list[str],
    rules: list[str],
    warnings: list[str],
    notes: tuple[Note, ...],
) -> IcansResult:
    rule_ids = unique(rules)
    return IcansResult(
        grade=max((f.grade for f in findings), default=0),
        instrument=instrument,
        score=score,
        explanation=tuple(explanation),
        drivers=tuple(findings),
        rules=rule_ids,
        warnings=tuple(warnings + verification_warnings(rs, rule_ids)),
        notes=notes,
        ruleset=rs.info,
        profile=profile.id,
    )
