"""Each assessment of an episode graded by the core (spec episode.md; EPI-MASK), with
what is kept across calls: the app asks again after every Record assessment (issue 24:
500 rows regraded each time), so grades are kept by their inputs (``_GRADED``) and whole
rows by the very assessment objects they were made from (``_ROWS``); either is used only
where the same answer is certain.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from calculator.grading.crs import CrsInput, CrsResult, grade_crs
from calculator.grading.icans import IcansInput, IcansResult, grade_icans
from calculator.records.case_v2 import Assessment, CaseDocumentV2, Given
from calculator.records.episode import Graded, day_number, dose_words
from calculator.rulebook import Ruleset
from calculator.rulebook.profiles import Profile

#: Grading is a pure function of (findings, masking dose, profile, ruleset), and the app asks
#: again after every Record assessment (issue 24: 500 rows regraded each time): results are
#: kept across calls, keyed by the ruleset object itself (its identity, checked on every hit,
#: so a ruleset changed in memory never meets another's result) and bounded in number.
_GRADED: dict[tuple[object, ...], tuple[Ruleset, CrsResult | IcansResult]] = {}
_GRADED_MAX = 4096


def _graded_once(
    key: tuple[object, ...],
    rs: Ruleset,
    compute: Callable[..., CrsResult | IcansResult],
    *args: object,
) -> CrsResult | IcansResult:
    full = (id(rs), *key)
    hit = _GRADED.get(full)
    if hit is not None and hit[0] is rs:
        return hit[1]
    if len(_GRADED) >= _GRADED_MAX:
        _GRADED.clear()
    result = compute(*args)
    _GRADED[full] = (rs, result)
    return result


def grade_assessments(
    case: CaseDocumentV2, profile: Profile, rs: Ruleset, given: Sequence[Given]
) -> tuple[Graded, ...]:
    """Each assessment graded by the core; EPI-MASK adds fever masking after a recorded dose
    of a masking drug (at or before the assessment), never removes the assessment's own.

    The same findings under the same profile give the same result, so each distinct input
    is graded once per episode (a 2,000-assessment case repeats many)."""
    mask = rs.episode.mask
    maskers = [g for g in given if g.drug in mask.masking_drugs]
    crs_seen: dict[tuple[CrsInput, int], CrsResult] = {}
    icans_seen: dict[IcansInput, IcansResult] = {}
    out: list[Graded] = []
    # What a kept row must have been graded with besides its own findings: [0] no masking
    # dose, [i] masking by maskers[i - 1].
    contexts = [_row_context(case.day0, m) for m in (None, *maskers)]
    k = 0  # maskers[:k] are at or before the current assessment (both in time order)
    for a in case.assessments:
        while k < len(maskers) and maskers[k].at <= a.at:
            k += 1
        # Masking by a dose: keyed by the dose, whose words the explanation carries.
        by_dose = k if k and a.crs is not None and not a.crs.fever_masked else 0
        dose = maskers[by_dose - 1] if by_dose else None
        context = contexts[by_dose]
        kept = _kept_row(a, rs, profile, context)
        if kept is not None:
            out.append(kept)
            continue
        crs = None
        if a.crs is not None:
            crs = crs_seen.get((a.crs, by_dose))
            if crs is None:
                crs_key: tuple[object, ...] = ("crs", profile, a.crs, dose)
                if dose is not None:
                    graded = _graded_once(crs_key, rs, _masked, a.crs, dose, profile, rs)
                else:
                    graded = _graded_once(crs_key, rs, grade_crs, a.crs, profile, rs)
                assert isinstance(graded, CrsResult)
                crs = crs_seen[(a.crs, by_dose)] = graded
        icans = None
        if a.icans is not None:
            icans = icans_seen.get(a.icans)
            if icans is None:
                icans_key: tuple[object, ...] = ("icans", profile, a.icans)
                graded_i = _graded_once(icans_key, rs, grade_icans, a.icans, profile, rs)
                assert isinstance(graded_i, IcansResult)
                icans = icans_seen[a.icans] = graded_i
        row = Graded(
            at=a.at,
            day=day_number(a.at, case.day0),
            by=a.by,
            crs=crs,
            icans=icans,
            improving=a.improving,
            comment=a.comment,
        )
        _keep_row(a, rs, profile, context, row)
        out.append(row)
    return tuple(out)


#: Graded rows kept across calls, keyed by the assessment object's identity: the app asks
#: again after every Record with the very same 500 assessment objects, and hashing each
#: one's findings (or its profile) again costs more than the rest of the episode. A row is
#: used only when the same objects meet again (assessment, ruleset, profile: each entry
#: holds them, so an identity is never reused while kept) with an equal day 0 and masking
#: dose (with their folds: datetime equality ignores the fold, real hours in the case's zone
#: do not).
_ROWS: dict[int, tuple[Assessment, Ruleset, Profile, tuple[object, ...], Graded]] = {}
_ROWS_MAX = 8192


def _row_context(day0: datetime | None, masker: Given | None) -> tuple[object, ...]:
    # Plain values (compared in C, 500 times a call); the folds apart, as equality of
    # datetimes ignores them.
    out: tuple[object, ...] = (day0, None if day0 is None else day0.fold)
    if masker is not None:
        out += (*masker.__dict__.values(), masker.at.fold)
    return out


def _kept_row(
    a: Assessment, rs: Ruleset, profile: Profile, context: tuple[object, ...]
) -> Graded | None:
    hit = _ROWS.get(id(a))
    if hit is None or hit[0] is not a or hit[1] is not rs or hit[2] is not profile:
        return None
    return hit[4] if hit[3] == context else None


def _keep_row(
    a: Assessment, rs: Ruleset, profile: Profile, context: tuple[object, ...], row: Graded
) -> None:
    if len(_ROWS) >= _ROWS_MAX:
        _ROWS.clear()
    _ROWS[id(a)] = (a, rs, profile, context, row)


def _masked(inp: CrsInput, dose: Given, profile: Profile, rs: Ruleset) -> CrsResult:
    mask = rs.episode.mask
    result = grade_crs(inp.model_copy(update={"fever_masked": True}), profile, rs)
    line = f"{mask.id}: graded with fever masking (CRS-MASK) after {dose_words(dose)}."
    warnings = result.warnings
    if dose.prophylactic:
        warnings = (
            *warnings,
            f"{mask.id}: masking after a prophylactic dose ({dose_words(dose)}): verify "
            "against local protocol.",
        )
    return result.model_copy(
        update={
            "explanation": (*result.explanation, line),
            "rules": (*result.rules, mask.id),
            "warnings": warnings,
        }
    )
