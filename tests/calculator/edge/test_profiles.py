"""Protocol profiles (clinical-rules.md section 7): the built-ins and institution files."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import pytest

from calculator import InputError, Profile, builtin_profile, read_profile_file, ruleset
from calculator.edge.cli import EXIT_OK, EXIT_REFUSED
from tests.calculator.helpers import DEFAULT, PROFILES, cli_json

C7 = {"temperature_c": 38.5, "oxygen": "nasal_cannula", "oxygen_flow_l_min": 6}


def profile(pid: str) -> Profile:
    return builtin_profile(ruleset(), pid)


# --- The built-in profiles -------------------------------------------------------------------


def test_built_in_ids_and_default() -> None:
    assert set(PROFILES) == {
        "astct-nccn-2026",
        "asco-2021",
        "actemra-label",
        "nccn-shortage",
        "eu-epcoritamab",
    }
    assert builtin_profile(ruleset(), None).id == DEFAULT


def test_unknown_built_in_is_refused() -> None:
    with pytest.raises(InputError) as info:
        builtin_profile(ruleset(), "astct")
    assert [f.field for f in info.value.fields] == ["profile"]


@pytest.mark.parametrize(
    ("pid", "settings"),
    [
        (DEFAULT, {"toci_max_per_24h": 3, "toci_max_total": 4, "capd_age_boundary": "inclusive"}),
        (
            "asco-2021",
            {
                "capd_age_boundary": "exclusive",
                "crs1_as_grade2_after_days": 3,
                "crs4_steroid_regimen": "TAPER-MP500",
            },
        ),
        (
            "actemra-label",
            {"toci_min_interval_h": 8, "toci_max_total": 4, "toci_max_per_24h": "none"},
        ),
        ("nccn-shortage", {"toci_max_total": 2, "steroid_timing": "earlier"}),
        ("eu-epcoritamab", {"flow_at_boundary": "high_flow", "toci_max_per_24h": 2}),
    ],
)
def test_section_7_differences(pid: str, settings: dict[str, Any]) -> None:
    data = profile(pid).model_dump()
    assert {k: data[k] for k in settings} == settings


def test_profile_helpers() -> None:
    default, eu, asco = profile(DEFAULT), profile("eu-epcoritamab"), profile("asco-2021")
    assert default.flow_is_low(6.0)
    assert not eu.flow_is_low(6.0)
    assert eu.flow_is_low(5.99)
    assert not default.flow_is_low(6.01)
    assert default.describe_low_flow() == "<= 6 L/min"
    assert eu.describe_low_flow() == "< 6 L/min"
    assert default.capd_applies(12.99)
    assert not default.capd_applies(13)
    assert asco.capd_applies(11.99)
    assert not asco.capd_applies(12)
    assert default.describe_capd_limit() == "<= 12 years"
    assert asco.describe_capd_limit() == "< 12 years"
    assert profile("actemra-label").max_per_24h is None
    assert default.max_total == 4
    assert asco.grade1_escalation_days == 3
    assert default.grade1_escalation_days is None


# --- Institution profile files ---------------------------------------------------------------


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


VALID_TOML = """
id = "st-elsewhere-2026"
name = "St Elsewhere CAR-T protocol"
based_on = "asco-2021"
toci_max_total = 3
flow_at_boundary = "high_flow"
"""


def test_valid_toml_file_overrides_and_inherits(tmp_path: Path) -> None:
    p = read_profile_file(ruleset(), write(tmp_path, "local.toml", VALID_TOML))
    assert p.id == "st-elsewhere-2026"
    assert p.name == "St Elsewhere CAR-T protocol"
    assert p.toci_max_total == 3
    assert p.max_total == 3
    assert p.flow_at_boundary == "high_flow"
    # Everything not overridden comes from based_on (asco-2021), not from the default.
    assert p.capd_age_boundary == "exclusive"
    assert p.crs4_steroid_regimen == "TAPER-MP500"
    assert p.description == ""


def test_valid_json_file(tmp_path: Path) -> None:
    text = json.dumps({"id": "city-hospital", "toci_max_total": 2, "toci_max_per_24h": "none"})
    p = read_profile_file(ruleset(), write(tmp_path, "local.JSON", text))
    assert (p.max_total, p.max_per_24h) == (2, None)
    assert p.capd_age_boundary == profile(DEFAULT).capd_age_boundary  # based on the default


def test_profile_file_on_the_command_line(tmp_path: Path) -> None:
    path = write(tmp_path, "local.toml", VALID_TOML)
    code, data = cli_json(["grade-crs", "--profile-file", str(path)], C7)
    assert code == EXIT_OK
    assert data["profile"] == "st-elsewhere-2026"
    assert data["grade"] == 3  # 6 L/min counts as high flow in this file
    code, data = cli_json(["grade-icans", "--profile-file", str(path)], {"age_years": 12})
    assert code == EXIT_OK
    assert data["instrument"] == "ICE"  # CAPD below 12 years, inherited from asco-2021


def refusal(tmp_path: Path, name: str, text: str) -> dict[str, str]:
    path = write(tmp_path, name, text)
    with pytest.raises(InputError) as info:
        read_profile_file(ruleset(), path)
    direct = {f.field: f.message for f in info.value.fields}
    # The command line refuses the same file the same way, and grades nothing.
    code, data = cli_json(["grade-crs", "--profile-file", str(path)], C7)
    assert code == EXIT_REFUSED
    assert {f["field"]: f["message"] for f in data["error"]["fields"]} == direct
    return direct


@pytest.mark.parametrize(
    ("name", "text", "field", "words"),
    [
        (
            "typo.toml",
            'id = "local"\ntoci_max_totl = 3\n',
            "profile_file.toci_max_totl",
            "not a known field",
        ),
        (
            "range.toml",
            'id = "local"\ntoci_max_total = 11\n',
            "profile_file.toci_max_total",
            'must be 1-4 doses per episode, never "none" (PROFILE-BOUNDS); 11 is outside',
        ),
        (
            "range.json",
            '{"id": "local", "capd_age_limit_years": 0}',
            "profile_file.capd_age_limit_years",
            "must be one of the two readings: <= 12 years or < 12 years (PROFILE-BOUNDS); "
            "0 is outside",
        ),
        (
            "flow.toml",
            'id = "local"\nlow_flow_max_l_min = -6\n',
            "profile_file.low_flow_max_l_min",
            "6 L/min counted as high_flow (PROFILE-BOUNDS); -6 is outside",
        ),
        (
            "kind.toml",
            'id = "local"\nflow_at_boundary = "medium"\n',
            "profile_file.flow_at_boundary",
            "one of",
        ),
        (
            "type.json",
            '{"id": "local", "toci_max_per_24h": "3"}',
            "profile_file.toci_max_per_24h",
            "whole number",
        ),
        (
            "base.toml",
            'id = "local"\nbased_on = "nice-2030"\n',
            "profile_file.based_on",
            "built-in profile",
        ),
        (
            "base.json",
            '{"id": "local", "based_on": 3}',
            "profile_file.based_on",
            "built-in profile",
        ),
        ("noid.toml", "toci_max_total = 3\n", "profile_file.id", "is required"),
        (
            "clash.toml",
            'id = "asco-2021"\ntoci_max_total = 3\n',
            "profile_file.id",
            "differ from the built-in",
        ),
        ("badid.toml", 'id = "My Hospital"\n', "profile_file.id", "expected format"),
        (
            "bool.json",
            '{"id": "local", "toci_max_total": true}',
            "profile_file.toci_max_total",
            "whole",
        ),
        (
            "float.toml",
            'id = "local"\ntoci_max_total = 2.0\n',
            "profile_file.toci_max_total",
            "whole",
        ),
        (
            "src.toml",
            'id = "local"\nsources = ["MY-WIKI"]\n',
            "profile_file.sources",
            "unknown source",
        ),
        ("broken.toml", 'id = "local"\ntoci_max_total = \n', "profile_file", "not valid TOML"),
        ("broken.json", '{"id": "local",}', "profile_file", "not valid JSON"),
        ("list.json", '[{"id": "local"}]', "profile_file", "one profile object"),
    ],
)
def test_invalid_profile_file_is_refused_with_field_and_reason(
    tmp_path: Path, name: str, text: str, field: str, words: str
) -> None:
    fields = refusal(tmp_path, name, text)
    assert field in fields, fields
    assert words in fields[field]


def test_unreadable_profile_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        read_profile_file(ruleset(), tmp_path / "absent.toml")
    assert [f.field for f in info.value.fields] == ["profile_file"]
    assert "cannot be read" in info.value.fields[0].message
    code, data = cli_json(["grade-crs", "--profile-file", str(tmp_path)], C7)  # a folder
    assert code == EXIT_REFUSED
    assert data["error"]["fields"][0]["field"] == "profile_file"


def test_invalid_utf8_profile_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes('id = "local"\nname = "Hôpital"\n'.encode("latin-1"))
    with pytest.raises(InputError) as info:
        read_profile_file(ruleset(), path)
    assert "not valid TOML" in info.value.fields[0].message


def test_every_bad_setting_is_named_at_once(tmp_path: Path) -> None:
    fields = refusal(
        tmp_path, "many.toml", 'id = "local"\ntoci_max_total = 0\ntoci_min_interval_h = 100\n'
    )
    assert set(fields) == {"profile_file.toci_max_total", "profile_file.toci_min_interval_h"}


def test_a_refused_file_leaves_the_built_ins_untouched(tmp_path: Path) -> None:
    before = profile(DEFAULT)
    refusal(tmp_path, "typo.toml", 'id = "local"\nflow_at_boundary = "high_flow"\ntypo = 1\n')
    assert profile(DEFAULT) == before
    assert cli_json(["grade-crs"], C7)[1]["grade"] == 2


# --- PROFILE-BOUNDS (section 11) ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "field", "words"),
    [
        # the profile: a 0.001 h interval and no dose limits
        (
            'id = "fast"\ntoci_min_interval_h = 0.001\ntoci_max_per_24h = "none"\n'
            'toci_max_total = "none"\n',
            "profile_file.toci_min_interval_h",
            "must be 6-24 h (PROFILE-BOUNDS)",
        ),
        ('id = "slow"\ntoci_min_interval_h = 25\n', "profile_file.toci_min_interval_h", "6-24 h"),
        ('id = "many"\ntoci_max_per_24h = 4\n', "profile_file.toci_max_per_24h", "1-3 doses"),
        (
            'id = "open"\ntoci_min_interval_h = 6\ntoci_max_per_24h = "none"\n',
            "profile_file.toci_max_per_24h",
            'may be "none" only with toci_min_interval_h of at least 8 h',
        ),
        ('id = "five"\ntoci_max_total = 5\n', "profile_file.toci_max_total", "1-4 doses"),
        (
            'id = "endless"\ntoci_max_total = "none"\n',
            "profile_file.toci_max_total",
            'never "none"',
        ),
        (
            'id = "flow5"\nlow_flow_max_l_min = 5.0\n',
            "profile_file.low_flow_max_l_min",
            "6 L/min counted as low_flow or 6 L/min counted as high_flow",
        ),
        (
            'id = "capd10"\ncapd_age_limit_years = 10\n',
            "profile_file.capd_age_limit_years",
            "<= 12 years or < 12 years",
        ),
        (
            'id = "loose"\nverify_tolerance_pct = 15.0\n',
            "profile_file.verify_tolerance_pct",
            "0-10%",
        ),
    ],
)
def test_profile_bounds_refuse_with_field_and_range(
    tmp_path: Path, text: str, field: str, words: str
) -> None:
    refused = refusal(tmp_path, "local.toml", text)
    assert field in refused, refused
    assert words in refused[field]
    assert "(PROFILE-BOUNDS)" in refused[field]


@pytest.mark.parametrize(
    ("field", "value", "allowed"),
    [
        ("toci_max_total", value, 'must be 1-4 doses per episode, never "none" (PROFILE-BOUNDS)')
        for value in ("0", "-1", "5", "11", '"none"', "2.5", '"3"')
    ]
    + [
        ("toci_min_interval_h", value, "must be 6-24 h (PROFILE-BOUNDS)")
        for value in ("0", "-3", "5.9", "24.1", "100")
    ]
    + [
        (
            "toci_max_per_24h",
            value,
            'must be 1-3 doses, or "none" with an interval of at least 8 h (PROFILE-BOUNDS)',
        )
        for value in ("0", "4", "11")
    ]
    + [
        ("verify_tolerance_pct", value, "must be 0-10% (PROFILE-BOUNDS)")
        for value in ("-1", "-0.1", "10.1", "150")
    ]
    + [
        (
            "capd_age_boundary",
            "3",
            "must be one of the two readings: <= 12 years or < 12 years (PROFILE-BOUNDS)",
        )
    ],
)
def test_profile_bounds_every_refusal_names_the_whole_range_whichever_side(
    tmp_path: Path, field: str, value: str, allowed: str
) -> None:
    """PROFILE-BOUNDS: toci_max_total = 0 is told the same whole range as 5, never only the
    schema's "must be at least 1"; the value that falls outside is named after it."""
    refused = refusal(tmp_path, "local.toml", f'id = "local"\n{field} = {value}\n')
    message = refused[f"profile_file.{field}"]
    assert message.startswith(allowed + "; "), message
    assert value in message, message


@pytest.mark.parametrize(
    "text",
    [
        'id = "cartox"\ntoci_min_interval_h = 6\n',  # CARTOX 2018: 6 h
        'id = "day"\ntoci_min_interval_h = 24\ntoci_max_per_24h = 1\ntoci_max_total = 1\n',
        'id = "label"\ntoci_max_per_24h = "none"\ntoci_max_total = 4\n',
        'id = "eu"\nflow_at_boundary = "high_flow"\ncapd_age_boundary = "exclusive"\n',
        'id = "tight"\nverify_tolerance_pct = 0.0\n',
        'id = "wide"\nverify_tolerance_pct = 10.0\n',
    ],
)
def test_profile_bounds_just_inside_are_accepted(tmp_path: Path, text: str) -> None:
    profile = read_profile_file(ruleset(), write(tmp_path, "local.toml", text))
    # Accepted as written, not read and dropped: every value given is the profile's.
    for line in text.strip().splitlines():
        key, value = (part.strip() for part in line.split("=", 1))
        held = getattr(profile, key)
        expected = tomllib.loads(f"v = {value}")["v"]
        assert held == expected, (key, held)


def test_profile_bounds_hold_for_every_built_in_profile() -> None:
    rs = ruleset()
    for p in rs.profiles.values():
        assert rs.bounds.bounds.violations(p) == [], p.id


def test_profile_file_read_is_bounded(tmp_path: Path) -> None:
    path = write(tmp_path, "huge.toml", 'id = "huge"\n' + "# padding\n" * 20000)
    with pytest.raises(InputError) as info:
        read_profile_file(ruleset(), path)
    assert [f.field for f in info.value.fields] == ["profile_file"]
