"""The answer key of a scenario, computed by the core and never typed (spec teaching.md).

For every checkpoint: the CRS and ICANS grades with their explanations (``grade_crs``,
``grade_icans``), the actions (exactly ``recommend`` for those grades, the patient, the
doses given, ``at``, ``improving`` and the seizure from the ICANS input), the tocilizumab
dose for the patient (``dose``) and the next eligible time (``tocilizumab_schedule``).
A rule change therefore changes every key that depends on it.
"""

import hashlib
import json
from typing import Any

from calculator.crosswalk import CrosswalkInput, CrosswalkResult, crosswalk
from calculator.dosing import (
    DoseInput,
    ScheduleInput,
    ScheduleResult,
    TocilizumabDose,
    dose,
    tocilizumab_schedule,
)
from calculator.edge.errors import InputError
from calculator.edge.inputs import validate
from calculator.edge.profile_files import builtin_profile
from calculator.grading.crs import CrsResult, grade_crs
from calculator.grading.icans import IcansResult, grade_icans
from calculator.management import Action, RecommendInput, RecommendResult, recommend
from calculator.results import CoreResult, unique
from calculator.rulebook import FrozenModel, Ruleset, ruleset
from calculator.rulebook.profiles import Profile
from calculator.taper.models import OutDateTime
from calculator.teaching.models import AskItem, Checkpoint, Scenario, dump_scenario


class ScenarioRef(FrozenModel):
    id: str
    title: str
    sha256: str


class CheckpointKey(FrozenModel):
    """The right answers at one checkpoint, with the results they come from."""

    id: str
    at: OutDateTime
    ask: tuple[AskItem, ...]
    crs_grade: int
    crs_explanation: tuple[str, ...]
    icans_grade: int
    icans_instrument: str
    icans_explanation: tuple[str, ...]
    actions: tuple[Action, ...]
    tocilizumab_dose_mg: float
    next_tocilizumab_at: OutDateTime | None
    crs: CrsResult
    icans: IcansResult
    recommendation: RecommendResult
    tocilizumab_dose: TocilizumabDose
    tocilizumab_schedule: ScheduleResult
    #: The same findings under the older scales (XW rules): shown in the debrief, never
    #: scored.
    crosswalk: CrosswalkResult
    rules: tuple[str, ...]
    warnings: tuple[str, ...]


class ScenarioKey(CoreResult):
    scenario: ScenarioRef
    checkpoints: tuple[CheckpointKey, ...]

    def checkpoint(self, checkpoint_id: str) -> CheckpointKey:
        for cp in self.checkpoints:
            if cp.id == checkpoint_id:
                return cp
        raise KeyError(checkpoint_id)


def scenario_sha256(scenario: Scenario) -> str:
    """sha256 of the canonical JSON of the document (sorted keys, no spaces)."""
    text = json.dumps(
        dump_scenario(scenario), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def scenario_profile(scenario: Scenario, rs: Ruleset, fallback: Profile | None = None) -> Profile:
    """The scenario's own profile; the fallback (or the default) when it names none."""
    if scenario.profile is None:
        return fallback or builtin_profile(rs, None)
    return builtin_profile(rs, scenario.profile)


def scenario_key(scenario: Scenario, profile: Profile, rs: Ruleset | None = None) -> ScenarioKey:
    """Key every checkpoint of ``scenario`` under ``profile``."""
    rs = rs or ruleset()
    keys = tuple(checkpoint_key(scenario, i, profile, rs) for i in range(len(scenario.checkpoints)))
    rule_ids = unique(r for k in keys for r in k.rules)
    return ScenarioKey(
        scenario=ScenarioRef(
            id=scenario.id, title=scenario.title, sha256=scenario_sha256(scenario)
        ),
        checkpoints=keys,
        rules=rule_ids,
        warnings=unique(w for k in keys for w in k.warnings),
        ruleset=rs.info,
        profile=profile.id,
    )


def recommend_payload(scenario: Scenario, cp: Checkpoint, crs: int, icans: int) -> dict[str, Any]:
    """What the key passes to ``recommend``: exactly the inputs the spec lists."""
    p = scenario.patient
    payload: dict[str, Any] = {
        "crs_grade": crs,
        "icans_grade": icans,
        "weight_kg": p.weight_kg,
        "age_years": p.age_years,
        "tocilizumab_doses": list(cp.tocilizumab_doses),
        "at": cp.at,
        "improving": cp.improving,
        "seizure": cp.icans.seizure != "none",
        "haplo_ptcy": p.haplo_ptcy,
    }
    if p.product is not None:
        payload["product"] = p.product
    if cp.crs_grade1_days is not None:
        payload["crs_grade1_days"] = cp.crs_grade1_days
    return payload


def checkpoint_key(scenario: Scenario, index: int, profile: Profile, rs: Ruleset) -> CheckpointKey:
    cp = scenario.checkpoints[index]
    where = f"checkpoints[{index}]"
    p = scenario.patient
    crs = grade_crs(cp.crs, profile, rs)
    icans = grade_icans(cp.icans, profile, rs)
    rec_input = _validated(
        RecommendInput, recommend_payload(scenario, cp, crs.grade, icans.grade), where
    )
    rec = recommend(rec_input, profile, rs)
    toci = dose(
        DoseInput(drug="tocilizumab", weight_kg=p.weight_kg, age_years=p.age_years), profile, rs
    )
    assert isinstance(toci, TocilizumabDose)
    # The plan read the same doses at the same time: its schedule is the key's.
    schedule = rec.tocilizumab_schedule or tocilizumab_schedule(
        ScheduleInput(doses=cp.tocilizumab_doses, at=cp.at), profile, rs
    )
    xw = checkpoint_crosswalk(cp, profile, rs, where)
    parts: tuple[CoreResult, ...] = (crs, icans, rec, toci, schedule)
    return CheckpointKey(
        id=cp.id,
        at=cp.at,
        ask=cp.ask,
        crs_grade=crs.grade,
        crs_explanation=crs.explanation,
        icans_grade=icans.grade,
        icans_instrument=icans.instrument,
        icans_explanation=icans.explanation,
        actions=rec.actions,
        tocilizumab_dose_mg=toci.dose_mg,
        next_tocilizumab_at=schedule.next_eligible_at,
        crs=crs,
        icans=icans,
        recommendation=rec,
        tocilizumab_dose=toci,
        tocilizumab_schedule=schedule,
        crosswalk=xw,
        rules=unique(r for part in parts for r in part.rules),
        warnings=unique(w for part in parts for w in part.warnings),
    )


def checkpoint_crosswalk(
    cp: Checkpoint, profile: Profile, rs: Ruleset, where: str = "checkpoint"
) -> CrosswalkResult:
    """The checkpoint's CRS and ICANS findings and its ``crosswalk`` findings under every
    older scale (``calculator.crosswalk``); contradictions are refused by the checkpoint's
    name, never keyed on a guess."""
    findings = cp.crosswalk.model_dump(exclude_none=True) if cp.crosswalk is not None else {}
    payload = {**findings, "crs": cp.crs, "icans": cp.icans}
    try:
        inp = validate(CrosswalkInput, payload, prefix=f"{where}.crosswalk")
    except InputError as err:
        raise InputError(f"The scenario cannot be keyed: {err.message}", err.fields) from None
    return crosswalk(inp, profile, rs)


def _validated(model: type[RecommendInput], payload: dict[str, Any], where: str) -> RecommendInput:
    """A checkpoint whose inputs ``recommend`` refuses is refused by the checkpoint's name
    (``checkpoints[2].crs_grade1_days``), never keyed on a guess."""
    try:
        return validate(model, payload, prefix=where)
    except InputError as err:
        raise InputError(f"The scenario cannot be keyed: {err.message}", err.fields) from None
