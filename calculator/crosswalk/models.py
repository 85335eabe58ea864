"""Input and result of the crosswalk (cli-contract.md ``crosswalk``; clinical-rules.md
section 13). Every finding the older scales need is optional and ``None`` until entered
(XW-UNKNOWN); the contradictions XW-UNKNOWN lists are refused naming both fields."""

from typing import Literal, Self

from pydantic import Field, StrictBool, StrictInt, model_validator

from calculator.edge.errors import Contradiction
from calculator.grading.crs import CrsInput, CrsResult
from calculator.grading.icans import IcansInput, IcansResult
from calculator.results import CoreResult
from calculator.rulebook import FrozenModel, ruleset
from calculator.rulebook.crosswalk import ScaleKey

# Accepted input ranges, not clinical thresholds (those are rules). Vasopressin has no
# high-dose threshold of its own (XW-HIGHDOSE counts it as present or not), so its bound
# only catches a unit slip (U/h typed as U/min); hours beyond a year are a typing error.
VASOPRESSIN_MAX_U_MIN = 1.0
MAX_VASOPRESSOR_HOURS = 24.0 * 365
FIO2_RANGE_PCT = (21.0, 100.0)
GRADE_RANGE = (0, 4)  # CTCAE v5.0 grades of a toxicity (grade 5, death, is `deceased`)
PAPILLOEDEMA_STAGES = (0, 5)  # Frisen

DOSE_AGENTS = {
    "norepinephrine_ug_min": "norepinephrine",
    "epinephrine_ug_min": "epinephrine",
    "phenylephrine_ug_min": "phenylephrine",
    "dopamine_ug_kg_min": "dopamine",
    "vasopressin_u_min": "vasopressin",
}

#: Findings that describe CRS (need ``crs``) and those that describe neurotoxicity
#: (need ``icans``): one given without its section is refused, never silently unused.
CRS_FINDINGS = (
    "fio2_pct",
    "vasopressor_doses",
    "vasopressor_hours",
    "high_dose_hours_met",
    "organ_toxicity_grade",
    "transaminase_grade",
    "creatinine_grade",
    "coagulopathy_products",
    "hospitalised_for_crs",
    "iv_therapy",
    "life_threatening",
    "multiple_fluid_boluses",
    "symptoms",
)
ICANS_FINDINGS = (
    "seizure_generalised",
    "csf_pressure_raised",
    "head_of_government_named",
    "papilloedema_stage",
    "csf_opening_pressure_mmhg",
)


class VasopressorDoses(FrozenModel):
    """Doses of the agents running (XW-HIGHDOSE); a dose above ``input_max_factor`` times
    its agent's high-dose threshold is refused as absurd."""

    norepinephrine_ug_min: float | None = Field(
        default=None, ge=0, allow_inf_nan=False, strict=True
    )
    epinephrine_ug_min: float | None = Field(default=None, ge=0, allow_inf_nan=False, strict=True)
    phenylephrine_ug_min: float | None = Field(default=None, ge=0, allow_inf_nan=False, strict=True)
    dopamine_ug_kg_min: float | None = Field(default=None, ge=0, allow_inf_nan=False, strict=True)
    vasopressin_u_min: float | None = Field(
        default=None, ge=0, le=VASOPRESSIN_MAX_U_MIN, allow_inf_nan=False, strict=True
    )

    @model_validator(mode="after")
    def _not_absurd(self) -> Self:
        hd = ruleset().crosswalk.high_dose
        limits = {
            "norepinephrine_ug_min": hd.norepinephrine_ug_min,
            "epinephrine_ug_min": hd.epinephrine_ug_min,
            "phenylephrine_ug_min": hd.phenylephrine_ug_min,
            "dopamine_ug_kg_min": hd.dopamine_ug_kg_min,
        }
        for name, threshold in limits.items():
            value = getattr(self, name)
            top = threshold * hd.input_max_factor
            if value is not None and value > top:
                raise Contradiction(
                    f"must be at most {top:g} ({hd.input_max_factor:g} times the XW-HIGHDOSE "
                    f"threshold of {threshold:g}); check the unit",
                    name,
                )
        return self

    def entered(self) -> dict[str, float]:
        return {k: v for k, v in self.model_dump().items() if v is not None}


class CrosswalkFindings(FrozenModel):
    """The findings only the older scales need (a teaching checkpoint carries these beside
    its CRS and ICANS findings); each ``None`` until entered (XW-UNKNOWN)."""

    fio2_pct: float | None = Field(
        default=None, ge=FIO2_RANGE_PCT[0], le=FIO2_RANGE_PCT[1], allow_inf_nan=False, strict=True
    )
    vasopressor_doses: VasopressorDoses | None = None
    vasopressor_hours: float | None = Field(
        default=None, ge=0, le=MAX_VASOPRESSOR_HOURS, allow_inf_nan=False, strict=True
    )
    high_dose_hours_met: StrictBool | None = None
    organ_toxicity_grade: StrictInt | None = Field(
        default=None, ge=GRADE_RANGE[0], le=GRADE_RANGE[1]
    )
    transaminase_grade: StrictInt | None = Field(default=None, ge=GRADE_RANGE[0], le=GRADE_RANGE[1])
    creatinine_grade: StrictInt | None = Field(default=None, ge=GRADE_RANGE[0], le=GRADE_RANGE[1])
    coagulopathy_products: StrictBool | None = None
    hospitalised_for_crs: StrictBool | None = None
    iv_therapy: StrictBool | None = None
    life_threatening: StrictBool | None = None
    multiple_fluid_boluses: StrictBool | None = None
    seizure_generalised: StrictBool | None = None
    csf_pressure_raised: StrictBool | None = None
    symptoms: StrictBool | None = None
    head_of_government_named: StrictBool | None = None
    papilloedema_stage: StrictInt | None = Field(
        default=None, ge=PAPILLOEDEMA_STAGES[0], le=PAPILLOEDEMA_STAGES[1]
    )
    csf_opening_pressure_mmhg: float | None = Field(
        default=None, ge=0, allow_inf_nan=False, strict=True
    )


class CrosswalkInput(CrosswalkFindings):
    """The crosswalk's input (cli-contract.md): CRS and/or ICANS findings and the extras."""

    crs: CrsInput | None = None
    icans: IcansInput | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        """XW-UNKNOWN: the contradictions it lists, each refused naming both fields."""
        if self.crs is None and self.icans is None:
            raise Contradiction("give crs or icans findings (or both)", "crs", "icans")
        for name in CRS_FINDINGS:
            if self.crs is None and getattr(self, name) is not None:
                raise Contradiction(f"{name} is a CRS finding: give the crs findings too", name)
        for name in ICANS_FINDINGS:
            if self.icans is None and getattr(self, name) is not None:
                raise Contradiction(
                    f"{name} is a neurotoxicity finding: give the icans findings too", name
                )
        xw = ruleset().crosswalk
        if self.crs is not None:
            air = xw.unknown.room_air_fio2_pct
            if self.crs.oxygen == "room_air" and self.fio2_pct is not None and self.fio2_pct > air:
                raise Contradiction(
                    f"FiO2 {self.fio2_pct:g}% contradicts room air ({air:g}%)",
                    "fio2_pct",
                    "crs.oxygen",
                )
            running = set(self.crs.vasopressors)
            for name in self.vasopressor_doses.entered() if self.vasopressor_doses else {}:
                agent = DOSE_AGENTS[name]
                if agent not in running:
                    raise Contradiction(
                        f"a dose of {agent} is given but {agent} is not listed as running",
                        f"vasopressor_doses.{name}",
                        "crs.vasopressors",
                    )
        if self.crs is not None and self.multiple_fluid_boluses:
            if not (self.crs.hypotension or self.crs.vasopressors):
                raise Contradiction(
                    "multiple fluid boluses for hypotension: hypotension is not entered",
                    "multiple_fluid_boluses",
                    "crs.hypotension",
                )
        if self.icans is not None and self.seizure_generalised is not None:
            if self.icans.seizure == "none":
                raise Contradiction(
                    "describes a seizure, but no seizure is entered",
                    "seizure_generalised",
                    "icans.seizure",
                )
        if self.papilloedema_stage is not None and self.papilloedema_stage >= 1:
            if self.icans is None or self.icans.cerebral_edema != "diffuse":
                raise Contradiction(
                    "papilloedema is graded as diffuse cerebral edema (ICANS-ICP): set "
                    "cerebral_edema to diffuse",
                    "papilloedema_stage",
                    "icans.cerebral_edema",
                )
        cres = xw.cres
        top = cres.csf_grade4_min_mmhg * xw.high_dose.input_max_factor
        pressure = self.csf_opening_pressure_mmhg
        if pressure is not None and pressure > top:
            raise Contradiction(
                f"must be at most {top:g} mmHg; check the unit", "csf_opening_pressure_mmhg"
            )
        if self.csf_pressure_raised is False and pressure is not None:
            if pressure >= cres.csf_grade4_min_mmhg:
                raise Contradiction(
                    f"an opening pressure of {pressure:g} mmHg is raised "
                    f"(>= {cres.csf_grade4_min_mmhg:g} mmHg, XW-CRES)",
                    "csf_pressure_raised",
                    "csf_opening_pressure_mmhg",
                )
        return self


ScaleStatus = Literal["graded", "not_applicable", "not_entered"]


class Criterion(FrozenModel):
    """One criterion met on a scale: what was found, the grade it gives, its rule."""

    grade: int
    text: str
    rules: tuple[str, ...]


class ScaleGrade(FrozenModel):
    """One scale's answer: ``grade_min`` = ``grade_max`` when decided; a range names in
    ``needs`` the findings that would narrow it (XW-RANGE)."""

    scale: ScaleKey
    name: str
    rule: str
    status: ScaleStatus
    grade_min: int | None
    grade_max: int | None
    criteria: tuple[Criterion, ...]
    needs: tuple[str, ...]
    source: str
    reason: str = ""

    @property
    def decided(self) -> bool:
        return self.grade_min is not None and self.grade_min == self.grade_max

    @property
    def grade_text(self) -> str:
        if self.grade_min is None or self.grade_max is None:
            return "not applicable" if self.status == "not_applicable" else "not entered"
        if self.grade_min == self.grade_max:
            return str(self.grade_min)
        return f"{self.grade_min}-{self.grade_max}"

    @property
    def deciding(self) -> tuple[Criterion, ...]:
        """The criteria that set ``grade_min`` (what the table shows beside the grade)."""
        return tuple(c for c in self.criteria if c.grade == self.grade_min)


class Astct(FrozenModel):
    crs: CrsResult | None
    icans: IcansResult | None


class ConcordanceFigure(FrozenModel):
    text: str
    source: str
    citation: str


class CrosswalkResult(CoreResult):
    astct: Astct
    scales: dict[str, ScaleGrade]
    concordance: tuple[ConcordanceFigure, ...]
