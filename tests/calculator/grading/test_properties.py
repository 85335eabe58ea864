"""Properties of the grading core over generated valid inputs, and of the command line over
arbitrary JSON: worsening a finding never lowers a grade; the grade is the worst domain;
any input gives exit 0 or 2 with JSON, never a traceback."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from calculator import IcansInput, InputError, ruleset
from calculator.edge.cli import run
from calculator.edge.inputs import validate
from tests.calculator.helpers import PROFILES, crs, icans

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

VASOPRESSORS = ["norepinephrine", "epinephrine", "phenylephrine", "dopamine", "vasopressin"]
#: Oxygen devices by how much support they give; a higher tier is never a lower grade.
OXYGEN_TIERS: dict[str, int] = {
    "room_air": 0,
    "blow_by": 1,
    "nasal_cannula": 1,
    "high_flow_nasal_cannula": 2,
    "facemask": 2,
    "nonrebreather": 2,
    "venturi": 2,
    "cpap": 3,
    "bipap": 3,
    "mechanical_ventilation": 3,
}
CONSCIOUSNESS = [
    "alert",
    "awakens_spontaneously",
    "awakens_to_voice",
    "awakens_to_tactile",
    "unarousable",
]
SEIZURES = ["none", "rapidly_resolving", "prolonged_or_repetitive"]
EDEMA = ["none", "focal", "diffuse"]

profiles = st.sampled_from(PROFILES)
temperatures = st.one_of(
    st.none(),
    st.floats(min_value=25, max_value=45, allow_nan=False),
    st.sampled_from([37.9, 38.0, 38.1]),
)
flows = st.one_of(
    st.floats(min_value=0.1, max_value=80, allow_nan=False),
    st.sampled_from([5.9, 6.0, 6.1]),
)


@st.composite
def vasopressor_lists(draw: st.DrawFn) -> list[str]:
    named = draw(st.lists(st.sampled_from(VASOPRESSORS), unique=True, max_size=3))
    others = draw(st.integers(min_value=0, max_value=2))
    agents = named + ["other"] * others
    return draw(st.permutations(agents))


@st.composite
def oxygen_settings(draw: st.DrawFn) -> dict[str, Any]:
    device = draw(st.sampled_from(list(OXYGEN_TIERS)))
    if device == "room_air":
        return {"oxygen": device}
    if device == "nasal_cannula":
        return {"oxygen": device, "oxygen_flow_l_min": draw(flows)}
    flow = draw(st.one_of(st.none(), flows))
    return {"oxygen": device, "oxygen_flow_l_min": flow}


@st.composite
def crs_inputs(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "temperature_c": draw(temperatures),
        "fever_masked": draw(st.booleans()),
        "hypotension": draw(st.booleans()),
        "vasopressors": draw(vasopressor_lists()),
        **draw(oxygen_settings()),
        "deceased": draw(st.integers(0, 9)) == 0,
    }


# --- CRS: worsening one input never lowers the grade -----------------------------------------


@SETTINGS
@given(crs_inputs(), temperatures, profiles)
def test_crs_higher_temperature_never_lowers(
    base: dict[str, Any], other: Any, profile: str
) -> None:
    temps = [t for t in (base["temperature_c"], other) if t is not None]
    low = None if base["temperature_c"] is None or other is None else min(temps)
    high = max(temps) if temps else None
    before = crs({**base, "temperature_c": low}, profile).grade
    after = crs({**base, "temperature_c": high}, profile).grade
    assert after >= before


@SETTINGS
@given(crs_inputs(), st.sampled_from([*VASOPRESSORS, "other"]), profiles)
def test_crs_adding_a_vasopressor_never_lowers(
    base: dict[str, Any], agent: str, profile: str
) -> None:
    assume(agent == "other" or agent not in base["vasopressors"])
    before = crs(base, profile).grade
    after = crs({**base, "vasopressors": [*base["vasopressors"], agent]}, profile).grade
    assert after >= before


@SETTINGS
@given(crs_inputs(), oxygen_settings(), profiles)
def test_crs_more_oxygen_support_never_lowers(
    base: dict[str, Any], oxygen: dict[str, Any], profile: str
) -> None:
    old = base["oxygen"]
    new = oxygen["oxygen"]
    if old == new == "nasal_cannula":
        low, high = sorted([base["oxygen_flow_l_min"], oxygen["oxygen_flow_l_min"]])
        lower = {**base, "oxygen_flow_l_min": low}
        worse = {**base, "oxygen_flow_l_min": high}
    else:
        assume(OXYGEN_TIERS[new] > OXYGEN_TIERS[old])
        lower = base
        worse = {**base, "oxygen_flow_l_min": None, **oxygen}
    assert crs(worse, profile).grade >= crs(lower, profile).grade


@SETTINGS
@given(crs_inputs(), profiles, st.sampled_from(["fever_masked", "hypotension", "deceased"]))
def test_crs_turning_a_finding_on_never_lowers(
    base: dict[str, Any], profile: str, key: str
) -> None:
    before = crs({**base, key: False}, profile).grade
    after = crs({**base, key: True}, profile).grade
    assert after >= before


# --- CRS: the grade is the worst domain, and matches the table -------------------------------


def _expected_crs(payload: dict[str, Any], profile: str) -> int:
    """An independent reading of the ASTCT table (clinical-rules.md section 1)."""
    if payload["deceased"]:
        return 5
    temp = payload["temperature_c"]
    fever = temp is not None and temp >= 38.0
    if not fever and not payload["fever_masked"]:
        return 0
    agents = payload["vasopressors"]
    counted = [a for a in agents if a != "vasopressin"]
    hypotension = 4 if len(counted) >= 2 else 3 if agents else 2 if payload["hypotension"] else 0
    device = payload["oxygen"]
    oxygen = {0: 0, 1: 2, 2: 3, 3: 4}[OXYGEN_TIERS[device]]
    if device == "nasal_cannula":
        flow = payload["oxygen_flow_l_min"]
        p = ruleset().profiles[profile]
        low = flow < 6.0 or (flow == 6.0 and p.flow_at_boundary == "low_flow")
        oxygen = 2 if low else 3
    return max(hypotension, oxygen, 1 if fever else 0)


@SETTINGS
@given(crs_inputs(), profiles)
def test_crs_grade_is_the_worst_domain(payload: dict[str, Any], profile: str) -> None:
    result = crs(payload, profile)
    assert result.grade == _expected_crs(payload, profile)
    assert result.profile == profile
    assert result.rules
    known = {r.id for r in ruleset().all_rules()}
    assert set(result.rules) <= known
    assert {n.rule for n in result.notes} <= known
    if payload["deceased"]:
        assert result.grade == 5
    elif "CRS-GATE" in result.rules:
        # Criteria not met: findings are named in the explanation but drive nothing.
        assert result.grade == 0
        assert result.drivers == ()
    else:
        assert result.grade == max((d.grade for d in result.drivers), default=0)
        assert {d.rule for d in result.drivers} <= set(result.rules)
    if len([d for d in result.drivers if d.domain in ("hypotension", "hypoxia")]) == 2:
        assert "CRS-WORST" in result.rules


# --- ICANS -----------------------------------------------------------------------------------


@st.composite
def icans_inputs(draw: st.DrawFn, score: str | None = None) -> dict[str, Any]:
    """Valid grade-icans payloads: the contradictory combinations are never drawn."""
    payload: dict[str, Any] = {
        "age_years": draw(
            st.one_of(
                st.floats(min_value=0, max_value=120, allow_nan=False),
                st.sampled_from([11, 11.5, 12, 12.5, 13]),
            )
        ),
        "consciousness": draw(st.sampled_from(CONSCIOUSNESS)),
        "seizure": draw(st.sampled_from(SEIZURES)),
        "motor_weakness": draw(st.booleans()),
        "cerebral_edema": draw(st.sampled_from(EDEMA)),
        "global_aphasia": False,
        "unable_to_assess": False,
        "deceased": draw(st.integers(0, 19)) == 0,
    }
    kind = score or draw(st.sampled_from(["ice_score", "capd_score", "capd_items", "none"]))
    if kind == "ice_score":
        payload["ice_score"] = draw(st.integers(0, 10))
    elif kind == "capd_score":
        payload["capd_score"] = draw(st.integers(0, 32))
    elif kind == "capd_items":
        payload["capd_items"] = draw(st.lists(st.integers(0, 4), min_size=8, max_size=8))
    no_capd = kind in ("ice_score", "none")
    ice_zero_or_none = payload.get("ice_score", 0) == 0
    if payload["consciousness"] == "unarousable" and not ice_zero_or_none:
        payload["consciousness"] = "awakens_to_tactile"  # unarousable goes with ICE 0 only
    if no_capd and ice_zero_or_none:
        payload["unable_to_assess"] = draw(st.integers(0, 3)) == 0
    awake = not payload["unable_to_assess"] and payload["consciousness"] != "unarousable"
    if ice_zero_or_none and awake:
        payload["global_aphasia"] = draw(st.integers(0, 3)) == 0
    assert _valid_icans(payload), payload
    return payload


def _valid_icans(payload: dict[str, Any]) -> bool:
    try:
        validate(IcansInput, payload)
    except InputError:
        return False
    return True


def _icans_monotone(base: dict[str, Any], worse: dict[str, Any], profile: str) -> None:
    assume(_valid_icans(base) and _valid_icans(worse))
    assert icans(worse, profile).grade >= icans(base, profile).grade


@SETTINGS
@given(icans_inputs("ice_score"), st.integers(0, 10), profiles)
def test_icans_lower_ice_never_lowers(base: dict[str, Any], other: int, profile: str) -> None:
    low, high = sorted([base["ice_score"], other])
    _icans_monotone({**base, "ice_score": high}, {**base, "ice_score": low}, profile)


@SETTINGS
@given(icans_inputs("capd_score"), st.integers(0, 32), profiles)
def test_icans_higher_capd_never_lowers(base: dict[str, Any], other: int, profile: str) -> None:
    low, high = sorted([base["capd_score"], other])
    _icans_monotone({**base, "capd_score": low}, {**base, "capd_score": high}, profile)


@SETTINGS
@given(
    icans_inputs(),
    st.sampled_from(
        [("consciousness", CONSCIOUSNESS), ("seizure", SEIZURES), ("cerebral_edema", EDEMA)]
    ),
    st.data(),
    profiles,
)
def test_icans_worse_neurology_never_lowers(
    base: dict[str, Any], domain: tuple[str, list[str]], data: st.DataObject, profile: str
) -> None:
    key, levels = domain
    worse = data.draw(st.sampled_from(levels[levels.index(base[key]) :]))
    _icans_monotone(base, {**base, key: worse}, profile)


@SETTINGS
@given(icans_inputs(), profiles)
def test_icans_motor_weakness_never_lowers(base: dict[str, Any], profile: str) -> None:
    _icans_monotone({**base, "motor_weakness": False}, {**base, "motor_weakness": True}, profile)


def _expected_icans(payload: dict[str, Any], instrument: str) -> int:
    """An independent reading of the ASTCT ICANS table (clinical-rules.md section 2)."""
    if payload["deceased"]:
        return 5
    grades = [
        CONSCIOUSNESS.index(payload["consciousness"]),
        {"none": 0, "rapidly_resolving": 3, "prolonged_or_repetitive": 4}[payload["seizure"]],
        4 if payload["motor_weakness"] else 0,
        EDEMA.index(payload["cerebral_edema"]) + (2 if payload["cerebral_edema"] != "none" else 0),
    ]
    unarousable = payload["unable_to_assess"] or payload["consciousness"] == "unarousable"
    if instrument == "ICE":
        ice = payload.get("ice_score")
        if ice is None:
            grades.append(4 if payload["unable_to_assess"] else 0)
        elif ice == 0:
            grades.append(4 if unarousable else 3)
        else:
            grades.append(0 if ice == 10 else 1 if ice >= 7 else 2 if ice >= 3 else 3)
    else:
        capd = payload.get("capd_score", sum(payload.get("capd_items") or []))
        if "capd_score" not in payload and "capd_items" not in payload:
            grades.append(4 if payload["unable_to_assess"] else 0)
        else:
            grades.append(0 if capd == 0 else 1 if capd <= 8 else 3)
    return max(grades)


@SETTINGS
@given(icans_inputs(), profiles)
def test_icans_grade_is_the_worst_domain(payload: dict[str, Any], profile: str) -> None:
    result = icans(payload, profile)
    assert result.grade == max((d.grade for d in result.drivers), default=0)
    assert result.grade == _expected_icans(payload, result.instrument)
    assert {d.rule for d in result.drivers} <= set(result.rules)
    if len(result.drivers) > 1:
        assert "ICANS-WORST" in result.rules
    # The instrument is the one given, else the one the profile's age limit chooses.
    if "ice_score" in payload:
        assert result.instrument == "ICE"
    elif "capd_score" in payload or "capd_items" in payload:
        assert result.instrument == "CAPD"
    else:
        by_age = ruleset().profiles[profile].capd_applies(payload["age_years"])
        assert result.instrument == ("CAPD" if by_age else "ICE")
    at_12 = int(payload["age_years"]) == 12
    assert any(w.startswith("ICANS-CAPDAGE") for w in result.warnings) is at_12


# --- The command line over arbitrary JSON ----------------------------------------------------


def strict_json(text: str) -> dict[str, Any]:
    """Parse the command's output as standard JSON: NaN or Infinity in it fail the test."""

    def refuse(name: str) -> Any:
        raise AssertionError(f"output contains {name}")

    data = json.loads(text, parse_constant=refuse)
    assert isinstance(data, dict)
    return data


def check_run(argv: list[str], text: str) -> dict[str, Any]:
    code, out = run(argv, lambda: text)
    data = strict_json(out)
    assert code in (0, 2), out
    if code == 0:
        assert {"ruleset", "profile", "warnings", "rules", "grade"} <= set(data)
        assert 0 <= data["grade"] <= 5
    else:
        assert set(data) == {"error"}
        assert isinstance(data["error"]["message"], str)
        assert data["error"]["message"]
        for f in data["error"]["fields"]:
            assert set(f) == {"field", "message"}
    return data


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats()  # NaN and infinities included: json.dumps writes NaN / Infinity literals
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5)
    ),
    max_leaves=20,
)

CRS_KEYS = {
    "temperature_c": st.floats(min_value=25, max_value=45),
    "fever_masked": st.booleans(),
    "hypotension": st.booleans(),
    "vasopressors": st.lists(st.sampled_from([*VASOPRESSORS, "other"]), max_size=3),
    "oxygen": st.sampled_from(list(OXYGEN_TIERS)),
    "oxygen_flow_l_min": st.floats(min_value=0, max_value=100),
    "deceased": st.booleans(),
}
ICANS_KEYS = {
    "age_years": st.floats(min_value=-1, max_value=130),
    "ice_score": st.integers(-1, 11),
    "ice_items": st.fixed_dictionaries(
        {
            k: st.integers(-1, 5)
            for k in ("orientation", "naming", "commands", "writing", "attention")
        }
    ),
    "capd_items": st.lists(st.integers(-1, 5), min_size=7, max_size=9),
    "capd_score": st.integers(-1, 33),
    "unable_to_assess": st.booleans(),
    "consciousness": st.sampled_from(CONSCIOUSNESS),
    "global_aphasia": st.booleans(),
    "seizure": st.sampled_from(SEIZURES),
    "motor_weakness": st.booleans(),
    "cerebral_edema": st.sampled_from(EDEMA),
    "deceased": st.booleans(),
}


def near_valid(keys: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[dict[str, Any]]:
    """Objects built from the real keys, each value either plausible or any JSON at all."""
    return st.fixed_dictionaries(
        {}, optional={k: st.one_of(v, json_values) for k, v in keys.items()}
    )


commands = st.sampled_from(["grade-crs", "grade-icans"])
argv_profiles = st.sampled_from([[], *[["--profile", p] for p in PROFILES]])


@SETTINGS
@given(commands, argv_profiles, json_values)
def test_cli_any_json_gives_exit_0_or_2(command: str, prof: list[str], value: Any) -> None:
    check_run([command, *prof], json.dumps(value))


@SETTINGS
@given(argv_profiles, near_valid(CRS_KEYS))
def test_cli_grade_crs_near_valid_objects(prof: list[str], payload: dict[str, Any]) -> None:
    check_run(["grade-crs", *prof], json.dumps(payload))


@SETTINGS
@given(argv_profiles, near_valid(ICANS_KEYS))
def test_cli_grade_icans_near_valid_objects(prof: list[str], payload: dict[str, Any]) -> None:
    check_run(["grade-icans", *prof], json.dumps(payload))


@SETTINGS
@given(commands, st.text(max_size=60))
def test_cli_any_text_gives_exit_0_or_2(command: str, text: str) -> None:
    check_run([command], text)


TOKENS = [
    "grade-crs",
    "grade-icans",
    "profiles",
    "rules",
    "no-such-command",
    "--version",
    "--profile",
    "--profile-file",
    "--input",
    "--no-such-option",
    "-h",
    *PROFILES,
]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(TOKENS) | st.text(max_size=12), max_size=4))
def test_cli_any_arguments_give_exit_0_or_2(argv: list[str]) -> None:
    code, out = run(argv, lambda: "{}")
    strict_json(out)
    assert code in (0, 2), out
