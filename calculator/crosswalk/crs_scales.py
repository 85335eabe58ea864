"""The CRS scales before ASTCT 2019, read from one set of findings: XW-LEE, XW-CTCAE,
XW-PENN, XW-MSKCC, XW-CARTOX, with XW-HIGHDOSE, XW-ORGAN, XW-DEVICES and XW-RANGE.

Each function fills a ``Tally``: a finding entered meets a criterion or does not; a finding
not entered that could still raise the grade is a ``could`` naming it (XW-UNKNOWN)."""

from __future__ import annotations

from calculator.crosswalk.highdose import HighDose
from calculator.crosswalk.models import CrosswalkInput
from calculator.crosswalk.tally import Tally
from calculator.grading.crs import CrsInput
from calculator.rulebook import Ruleset
from calculator.rulebook.crosswalk import CartoxRule, LeeRule


def _crs(inp: CrosswalkInput) -> CrsInput:
    assert inp.crs is not None  # only called when the CRS findings were given
    return inp.crs


DEVICE_WORDS = {"cpap": "CPAP", "bipap": "BiPAP"}


def _device(crs: CrsInput) -> str:
    return DEVICE_WORDS.get(crs.oxygen, crs.oxygen.replace("_", " "))


def _with_devices(rule: str, crs: CrsInput, rs: Ruleset) -> tuple[str, ...]:
    """``rule``, and XW-DEVICES where the oxygen is on its ``positive_pressure`` list (the
    scales that call this grade mechanical ventilation on its own row first: CPAP, BiPAP)."""
    devices = rs.crosswalk.devices
    if crs.oxygen in devices.positive_pressure:
        return (rule, devices.id)
    return (rule,)


def fever(inp: CrosswalkInput, rs: Ruleset, tally: Tally, grade: int, rule: str) -> None:
    """Temperature at or above CRS-FEVER's threshold; not entered could give ``grade``."""
    temp = _crs(inp).temperature_c
    limit = rs.crs.fever.fever_min_c
    if temp is None:
        tally.could(grade, ["crs.temperature_c"])
    elif temp >= limit:
        tally.add(grade, f"fever {temp:.1f} °C (>= {limit:.1f} °C)", rule, rs.crs.fever.id)


def symptoms(inp: CrosswalkInput, tally: Tally, grade: int, rule: str) -> None:
    if inp.symptoms is None:
        tally.could(grade, ["symptoms"])
    elif inp.symptoms:
        tally.add(grade, "symptoms needing symptomatic treatment only", rule)


def fio2(
    inp: CrosswalkInput, rs: Ruleset, tally: Tally, rule: str, limit: float, low: int, high: int
) -> None:
    """Oxygen graded by FiO2 below / at or above ``limit`` % (Lee, CTCAE, MSKCC, CARTOX).
    Any oxygen proves the lower grade; FiO2 not entered could give the higher (XW-RANGE:
    never estimated from L/min). CPAP and BiPAP are graded by FiO2 too (XW-DEVICES)."""
    crs = _crs(inp)
    rules = _with_devices(rule, crs, rs)
    device = _device(crs)
    if inp.fio2_pct is None:
        tally.add(low, f"oxygen by {device}, FiO2 not entered", *rules)
        tally.could(high, ["fio2_pct"])
    elif inp.fio2_pct >= limit:
        tally.add(high, f"FiO2 {inp.fio2_pct:g}% on {device} (>= {limit:g}%)", *rules)
    else:
        tally.add(low, f"FiO2 {inp.fio2_pct:g}% on {device} (< {limit:g}%)", *rules)


def organ(
    inp: CrosswalkInput, rs: Ruleset, tally: Tally, scale: LeeRule | CartoxRule, lowest: int
) -> None:
    """XW-ORGAN for Lee and CARTOX: the higher of organ toxicity and creatinine grades, and
    grade 4 transaminitis -> its own grade (never 2 or 4)."""
    organ_rule = rs.crosswalk.organ.id
    grades = {
        "organ_toxicity_grade": inp.organ_toxicity_grade,
        "creatinine_grade": inp.creatinine_grade,
    }
    known = [g for g in grades.values() if g is not None]
    missing = [name for name, g in grades.items() if g is None]
    top = max(known, default=0)
    if top >= lowest:
        tally.add(
            scale.grade(f"organ_{top}"), f"grade {top} organ toxicity (CTCAE)", scale.id, organ_rule
        )
    if missing:
        tally.could(scale.grade("organ_4"), missing)
    t4 = scale.grade("transaminitis_4")
    if inp.transaminase_grade is None:
        tally.could(t4, ["transaminase_grade"])
    elif inp.transaminase_grade == 4:
        tally.add(t4, "grade 4 transaminitis", scale.id, organ_rule)


def _one_vasopressor(
    tally: Tally, hd: HighDose, low: int, high: int, rule: str, hd_rule: str, agent: str
) -> None:
    if hd.met is True:
        tally.add(high, f"high-dose {agent}: {hd.text}", rule, hd_rule)
    elif hd.met is False:
        tally.add(low, f"low-dose {agent}: {hd.text}", rule, hd_rule)
    else:
        tally.add(low, f"one vasopressor ({agent}), high dose not known: {hd.text}", rule, hd_rule)
        tally.could(high, hd.needs)


def lee(inp: CrosswalkInput, rs: Ruleset, hd: HighDose) -> Tally:
    """XW-LEE: no fever required; multiple vasopressors count vasopressin."""
    r = rs.crosswalk.lee
    crs = _crs(inp)
    tally = Tally()
    fever(inp, rs, tally, r.grade("fever"), r.id)
    symptoms(inp, tally, r.grade("symptoms"), r.id)
    _hypotension_lee_cartox(crs, tally, hd, r, rs.crosswalk.high_dose.id)
    if crs.oxygen == "mechanical_ventilation":
        tally.add(r.grade("mechanical_ventilation"), "mechanical ventilation", r.id)
    elif crs.oxygen != "room_air":
        fio2(inp, rs, tally, r.id, r.fio2_high_min_pct, r.grade("fio2_low"), r.grade("fio2_high"))
    organ(inp, rs, tally, r, lowest=2)
    return tally


def _hypotension_lee_cartox(
    crs: CrsInput, tally: Tally, hd: HighDose, r: LeeRule | CartoxRule, hd_rule: str
) -> None:
    agents = crs.vasopressors
    if len(agents) >= 2:
        tally.add(
            r.grade("multiple_vasopressors"), f"multiple vasopressors ({' + '.join(agents)})", r.id
        )
    elif agents:
        _one_vasopressor(
            tally, hd, r.grade("one_low_dose_vasopressor"), r.grade("high_dose_vasopressor"),
            r.id, hd_rule, agents[0],
        )  # fmt: skip
    elif crs.hypotension:
        tally.add(r.grade("hypotension_fluids"), "hypotension without vasopressors", r.id)


def cartox(inp: CrosswalkInput, rs: Ruleset, hd: HighDose) -> Tally:
    """XW-CARTOX: Lee's structure with a fever and a grade-1 organ row; life-threatening
    hypotension (vasopressors running and ``life_threatening``) is grade 4."""
    r = rs.crosswalk.cartox
    crs = _crs(inp)
    tally = Tally()
    fever(inp, rs, tally, r.grade("fever"), r.id)
    _hypotension_lee_cartox(crs, tally, hd, r, rs.crosswalk.high_dose.id)
    if crs.vasopressors:
        _life_threatening(inp, tally, r.grade("life_threatening_hypotension"), r.id, "hypotension")
    if crs.oxygen == "mechanical_ventilation":
        tally.add(r.grade("mechanical_ventilation"), "mechanical ventilation", r.id)
    elif crs.oxygen != "room_air":
        fio2(inp, rs, tally, r.id, r.fio2_high_min_pct, r.grade("fio2_low"), r.grade("fio2_high"))
    organ(inp, rs, tally, r, lowest=1)
    return tally


def _life_threatening(inp: CrosswalkInput, tally: Tally, grade: int, rule: str, what: str) -> None:
    if inp.life_threatening is None:
        tally.could(grade, ["life_threatening"])
    elif inp.life_threatening:
        tally.add(grade, f"life-threatening {what}", rule)


def ctcae(inp: CrosswalkInput, rs: Ruleset) -> Tally:
    """XW-CTCAE: grade 4 only through ``life_threatening``, and only where more than one
    vasopressor or positive-pressure ventilation already makes grade 3."""
    r = rs.crosswalk.ctcae
    crs = _crs(inp)
    tally = Tally()
    fever(inp, rs, tally, r.grade("fever"), r.id)
    agents = crs.vasopressors
    if len(agents) >= 2:
        tally.add(
            r.grade("multiple_vasopressors"),
            f"more than one vasopressor ({' + '.join(agents)})",
            r.id,
        )
    elif agents:
        tally.add(
            r.grade("one_vasopressor"),
            f"hypotension managed with one vasopressor ({agents[0]})",
            r.id,
        )
    elif crs.hypotension:
        tally.add(r.grade("hypotension_fluids"), "hypotension without vasopressors", r.id)
    ventilated = crs.oxygen in rs.crosswalk.devices.positive_pressure
    if ventilated:
        tally.add(
            r.grade("ventilation"), f"ventilation ({_device(crs)})", r.id, rs.crosswalk.devices.id
        )
    elif crs.oxygen != "room_air":
        fio2(inp, rs, tally, r.id, r.fio2_high_min_pct, r.grade("fio2_low"), r.grade("fio2_high"))
    if ventilated or len(agents) >= 2:
        _life_threatening(inp, tally, r.grade("life_threatening"), r.id, "consequences")
    return tally


def penn(inp: CrosswalkInput, rs: Ruleset, hd: HighDose) -> Tally:
    """XW-PENN: any supplemental oxygen (CPAP and BiPAP too, XW-DEVICES) is grade 3,
    mechanical ventilation 4; any vasopressor 3, high dose (XW-HIGHDOSE, V for Penn) 4."""
    r = rs.crosswalk.penn
    crs = _crs(inp)
    tally = Tally()
    fever(inp, rs, tally, r.grade("fever"), r.id)
    symptoms(inp, tally, r.grade("symptoms"), r.id)
    _penn_labs(inp, tally, r.id, r.grades, rs.crosswalk.organ.id)
    for name, criterion, words in (
        ("hospitalised_for_crs", "hospitalised", "hospitalised for CRS symptoms"),
        ("iv_therapy", "iv_therapy", "IV therapy (not fluid resuscitation)"),
        (
            "coagulopathy_products",
            "coagulopathy",
            "coagulopathy needing FFP, cryoprecipitate or fibrinogen",
        ),
    ):
        value = getattr(inp, name)
        if value is None:
            tally.could(r.grade(criterion), [name])
        elif value:
            tally.add(r.grade(criterion), words, r.id)
    agents = crs.vasopressors
    hd_rule = rs.crosswalk.high_dose.id
    if agents:
        named = " + ".join(agents)
        if hd.met is True:
            tally.add(
                r.grade("high_dose_vasopressor"),
                f"high-dose vasopressors ({named}): {hd.text}",
                r.id,
                hd_rule,
            )
        else:
            tally.add(
                r.grade("low_dose_vasopressor"), f"vasopressors ({named}): {hd.text}", r.id, hd_rule
            )
            if hd.met is None:
                tally.could(r.grade("high_dose_vasopressor"), hd.needs)
    elif crs.hypotension:
        if inp.multiple_fluid_boluses is None:
            tally.could(r.grade("multiple_fluid_boluses"), ["multiple_fluid_boluses"])
        elif inp.multiple_fluid_boluses:
            tally.add(
                r.grade("multiple_fluid_boluses"),
                "hypotension treated with multiple fluid boluses",
                r.id,
            )
    if crs.oxygen == "mechanical_ventilation":
        tally.add(r.grade("mechanical_ventilation"), "mechanical ventilation", r.id)
    elif crs.oxygen != "room_air":
        rules = _with_devices(r.id, crs, rs)
        tally.add(r.grade("supplemental_oxygen"), f"supplemental oxygen ({_device(crs)})", *rules)
    return tally


def _penn_labs(
    inp: CrosswalkInput, tally: Tally, rule: str, g: dict[str, int], organ_rule: str
) -> None:
    """Penn's creatinine (2 -> 2, >= 3 -> 3) and transaminases (3 -> 2, 4 -> 3) (XW-ORGAN)."""
    c = inp.creatinine_grade
    if c is None:
        tally.could(g["creatinine_3"], ["creatinine_grade"])
    elif c >= 3:
        tally.add(g["creatinine_3"], f"grade {c} creatinine", rule, organ_rule)
    elif c == 2:
        tally.add(g["creatinine_2"], "grade 2 creatinine", rule, organ_rule)
    t = inp.transaminase_grade
    if t is None:
        tally.could(g["transaminase_4"], ["transaminase_grade"])
    elif t == 4:
        tally.add(g["transaminase_4"], "grade 4 transaminases", rule, organ_rule)
    elif t == 3:
        tally.add(g["transaminase_3"], "grade 3 transaminases", rule, organ_rule)


def mskcc(inp: CrosswalkInput, rs: Ruleset, hd: HighDose) -> Tally:
    """XW-MSKCC: any vasopressor < 24 h is 2, >= 24 h is 3; refractory to high dose with
    life-threatening consequences 4; hypotension without vasopressors is no criterion."""
    r = rs.crosswalk.mskcc
    crs = _crs(inp)
    tally = Tally()
    fever(inp, rs, tally, r.grade("fever"), r.id)
    symptoms(inp, tally, r.grade("symptoms"), r.id)
    if crs.vasopressors:
        named = " + ".join(crs.vasopressors)
        hours, limit = inp.vasopressor_hours, r.vasopressor_hours_min
        if hours is None:
            tally.add(
                r.grade("vasopressor_short"), f"vasopressors ({named}), hours not entered", r.id
            )
            tally.could(r.grade("vasopressor_long"), ["vasopressor_hours"])
        elif hours >= limit:
            tally.add(
                r.grade("vasopressor_long"),
                f"vasopressors ({named}) for {hours:g} h (>= {limit:g} h)",
                r.id,
            )
        else:
            tally.add(
                r.grade("vasopressor_short"),
                f"vasopressors ({named}) for {hours:g} h (< {limit:g} h)",
                r.id,
            )
        top = r.grade("refractory_high_dose")
        if hd.met is not False and inp.life_threatening is not False:
            needs = list(hd.needs) + (["life_threatening"] if inp.life_threatening is None else [])
            if needs:
                tally.could(top, needs)
            else:
                tally.add(
                    top,
                    f"life-threatening, refractory to high-dose vasopressors: {hd.text}",
                    r.id,
                    rs.crosswalk.high_dose.id,
                )
    if crs.oxygen == "mechanical_ventilation":
        tally.add(r.grade("mechanical_ventilation"), "mechanical ventilation", r.id)
    elif crs.oxygen != "room_air":
        fio2(inp, rs, tally, r.id, r.fio2_high_min_pct, r.grade("fio2_low"), r.grade("fio2_high"))
    return tally
