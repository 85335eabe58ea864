"""The rule data: it validates, it is fingerprinted, and broken data is refused by name."""

from __future__ import annotations

import re

import pytest
from pydantic import ValidationError

from calculator import Rule, ruleset
from calculator.rulebook.loader import fingerprint, load_ruleset, read_data_files
from tests.calculator.helpers import replace_in_data

#: clinical-rules.md sections 1 and 2: every grading rule ID must be in the data.
GRADING_RULE_IDS = {
    "CRS-FEVER",
    "CRS-MASK",
    "CRS-GATE",
    "CRS-G1",
    "CRS-G2",
    "CRS-G3",
    "CRS-G4",
    "CRS-G5",
    "CRS-WORST",
    "CRS-VASO",
    "CRS-O2FLOW",
    "CRS-ORGAN",
    "CRS-COMFORT",
    "ICANS-ICE",
    "ICANS-LOC",
    "ICANS-SZ",
    "ICANS-MOTOR",
    "ICANS-ICP",
    "ICANS-WORST",
    "ICANS-APHASIA",
    "ICANS-EXCL",
    "ICANS-G5",
    "ICANS-CAPD",
    "ICANS-CAPDAGE",
}


def test_the_shipped_data_validates() -> None:
    rs = ruleset()
    assert re.fullmatch(r"\d{4}\.\d{1,2}(\.\d+)?", rs.meta.version)
    assert rs.meta.version == "2027.01"
    assert re.fullmatch(r"[0-9a-f]{64}", rs.sha256)
    assert rs.sha256 == fingerprint(read_data_files())
    assert load_ruleset() == rs


def test_every_grading_rule_is_in_the_data_with_title_text_and_source() -> None:
    rules = {r.id: r for r in ruleset().all_rules()}
    assert set(rules) >= GRADING_RULE_IDS
    grading = {r.id for s in (ruleset().crs, ruleset().icans) for r in s.rules()}
    assert grading == GRADING_RULE_IDS
    for rule_id in GRADING_RULE_IDS:
        rule = rules[rule_id]
        assert rule.title
        assert rule.text
        assert rule.sources, rule_id
        assert all(key in ruleset().sources for key in rule.sources)


def test_rule_ids_are_unique_and_lookup_works() -> None:
    ids = [r.id for r in ruleset().all_rules()]
    assert len(ids) == len(set(ids))
    assert ruleset().rule("CRS-O2FLOW").title == "Low-flow and high-flow nasal cannula"
    with pytest.raises(KeyError):
        ruleset().rule("CRS-G6")


def test_numbers_come_with_their_rules() -> None:
    rs = ruleset()
    assert rs.crs.fever.fever_min_c == 38.0
    assert rs.crs.o2flow.low_flow_max_l_min == 6.0
    assert rs.crs.vaso.not_counted == ("vasopressin",)
    assert rs.icans.ice.max_score == 10
    assert rs.icans.capd.max_score == 32
    assert rs.icans.capd_age.age_limit_years == 12
    assert [r.grade for r in rs.crs.grade_rows()] == [1, 2, 3, 4, 5]


@pytest.mark.parametrize(
    ("status", "verify"),
    [
        ("P", False),
        ("S", False),
        ("P/S", False),
        ("derived", False),
        ("safety", False),
        ("V", True),
        ("S/V", True),
        ("P/V", True),
    ],
)
def test_v_status_needs_verification(status: str, verify: bool) -> None:
    rule = Rule.model_validate({"id": "X-1", "title": "t", "text": "t", "status": status})
    assert rule.needs_verification is verify


# --- The fingerprint -------------------------------------------------------------------------


def test_sha256_changes_when_any_byte_changes() -> None:
    base = load_ruleset(read_data_files())
    assert base.sha256 == ruleset().sha256
    comment = load_ruleset(replace_in_data("grading.toml", "# --- CRS", "# --- CRS."))
    assert comment.sha256 != base.sha256
    assert comment.crs == base.crs  # same rules, different bytes: still a different ruleset
    value = load_ruleset(
        replace_in_data("grading.toml", "fever_min_c = 38.0", "fever_min_c = 38.5")
    )
    assert value.sha256 not in {base.sha256, comment.sha256}
    assert value.crs.fever.fever_min_c == 38.5


def test_sha256_covers_file_names() -> None:
    files = read_data_files()
    renamed = [("z" + name if name == "grading.toml" else name, data) for name, data in files]
    assert fingerprint(renamed) != fingerprint(files)


# --- Broken data is refused ------------------------------------------------------------------


def test_unknown_source_is_refused() -> None:
    files = replace_in_data(
        "grading.toml", 'sources = ["ASTCT", "EU-EPCOR"]', 'sources = ["ASTCT", "EU-EPCOR-2"]'
    )
    with pytest.raises(ValidationError, match=r"CRS-O2FLOW cites unknown source 'EU-EPCOR-2'"):
        load_ruleset(files)


def test_duplicate_top_level_table_is_refused() -> None:
    files = [*read_data_files(), ("zz-extra.toml", b'[crs.CRS-EXTRA]\ntitle = "x"\n')]
    with pytest.raises(
        ValueError, match=r"zz-extra.toml: top-level table 'crs' is defined in two files"
    ):
        load_ruleset(files)


def test_unknown_key_in_a_rule_is_refused() -> None:
    files = replace_in_data(
        "grading.toml", "fever_min_c = 38.0", "fever_min_c = 38.0\nfever_max_c = 41.0"
    )
    with pytest.raises(ValidationError) as info:
        load_ruleset(files)
    errors = info.value.errors()
    assert [(e["type"], e["loc"]) for e in errors] == [
        ("extra_forbidden", ("crs", "CRS-FEVER", "fever_max_c"))
    ]


def test_missing_rule_is_refused() -> None:
    files = replace_in_data("grading.toml", "[crs.CRS-WORST]", "[crs.CRS-WORSE]")
    with pytest.raises(ValidationError) as info:
        load_ruleset(files)
    locs = {(e["type"], e["loc"]) for e in info.value.errors()}
    assert ("missing", ("crs", "CRS-WORST")) in locs
    assert ("extra_forbidden", ("crs", "CRS-WORSE")) in locs


def test_missing_number_is_refused() -> None:
    files = replace_in_data("grading.toml", "fever_min_c = 38.0\n", "")
    with pytest.raises(ValidationError, match="fever_min_c"):
        load_ruleset(files)


def test_rule_carrying_another_id_is_refused() -> None:
    files = replace_in_data(
        "grading.toml", "[crs.CRS-MASK]\n", '[crs.CRS-MASK]\nid = "CRS-MASKED"\n'
    )
    with pytest.raises(ValidationError, match="carries a different id"):
        load_ruleset(files)


def test_unknown_status_is_refused() -> None:
    files = replace_in_data(
        "grading.toml", 'title = "Fever"\ntext', 'title = "Fever"\nstatus_x = 1\ntext'
    )
    with pytest.raises(ValidationError):
        load_ruleset(files)
    files = replace_in_data(
        "grading.toml",
        'text = "Fever is temperature >= 38.0 °C not attributable to another cause."\nstatus = "P"',
        'text = "Fever is temperature >= 38.0 °C not attributable to another cause."\nstatus = "Q"',
    )
    with pytest.raises(ValidationError, match="status"):
        load_ruleset(files)


def test_score_bands_with_a_gap_are_refused() -> None:
    files = replace_in_data(
        "grading.toml", "{ low = 3, high = 6, grade = 2 }", "{ low = 4, high = 6, grade = 2 }"
    )
    with pytest.raises(ValidationError, match=r"cover 0..10 exactly once"):
        load_ruleset(files)


def test_ice_items_must_add_up() -> None:
    files = replace_in_data("grading.toml", "orientation = 4,", "orientation = 3,")
    with pytest.raises(ValidationError, match="add up to max_score"):
        load_ruleset(files)


def test_crs_rows_out_of_order_are_refused() -> None:
    files = replace_in_data("grading.toml", "grade = 4\nhypotension", "grade = 3\nhypotension")
    with pytest.raises(ValidationError, match=r"grades 1\.\.5"):
        load_ruleset(files)


def test_unknown_default_profile_is_refused() -> None:
    files = replace_in_data(
        "profiles.toml", 'default = "astct-nccn-2026"', 'default = "astct-2019"'
    )
    with pytest.raises(ValidationError, match="default profile 'astct-2019' is not defined"):
        load_ruleset(files)


def test_profile_citing_unknown_source_is_refused() -> None:
    files = replace_in_data("profiles.toml", 'sources = ["EU-EPCOR"]', 'sources = ["EMA"]')
    with pytest.raises(ValidationError, match="profile eu-epcoritamab cites unknown source 'EMA'"):
        load_ruleset(files)


def test_malformed_toml_is_refused() -> None:
    files = replace_in_data("grading.toml", "fever_min_c = 38.0", "fever_min_c = = 38.0")
    with pytest.raises(ValueError, match="Invalid"):
        load_ruleset(files)
