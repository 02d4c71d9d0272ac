"""Rule files: the schema accepts good rules and names the file, rule and field of bad ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from {{ cookiecutter.package_name }}.quality.rules import (
    Action,
    InRange,
    NotNull,
    Rule,
    RuleFileError,
    RuleSet,
    Tier,
    dump_rules,
    load_rules,
    parse_duration,
    parse_rules,
)

GOOD = """
table: silver_orders
action: fail
rules:
  - name: order_id_present
    dimension: completeness
    check: {type: not_null, column: order_id}
  - name: email_format
    dimension: validity
    criticality: warn
    filter: "country = 'NL'"
    check: {type: format, column: email, format: email}
    threshold: {warn: "1.5%"}
  - name: order_key
    dimension: uniqueness
    check: {type: unique, columns: [order_id]}
    threshold: {warn: 0, error: 10}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rules.yml"
    path.write_text(text)
    return path


def error_of(tmp_path: Path, text: str) -> str:
    with pytest.raises(RuleFileError) as caught:
        load_rules(write(tmp_path, text))
    return str(caught.value)


def test_a_good_file_loads_with_defaults(tmp_path: Path) -> None:
    rule_set = load_rules(write(tmp_path, GOOD))
    assert rule_set.table == "silver_orders"
    assert rule_set.action is Action.FAIL
    assert [rule.name for rule in rule_set.rules] == [
        "order_id_present",
        "email_format",
        "order_key",
    ]
    assert rule_set.rules[0].criticality.value == "error"
    assert rule_set.rules[1].threshold is not None
    assert rule_set.rules[1].threshold.warn == Tier(percent=1.5)
    assert rule_set.rules[2].threshold is not None
    assert rule_set.rules[2].threshold.describe() == "warn > 0 rows, error > 10 rows"
    assert rule_set.source == str(tmp_path / "rules.yml")


def test_dump_and_load_round_trip(tmp_path: Path) -> None:
    rule_set = load_rules(write(tmp_path, GOOD))
    again = load_rules(write(tmp_path, dump_rules(rule_set)))
    assert again.model_dump() == rule_set.model_dump()


def test_rules_can_be_written_in_python() -> None:
    rule_set = RuleSet(
        table="t",
        rules=[
            Rule(name="a", dimension="completeness", check=NotNull(column="a")),
            Rule(name="b", dimension="accuracy", check=InRange(column="b", min=0)),
        ],
    )
    assert rule_set.action is Action.QUARANTINE
    assert "type: in_range" in dump_rules(rule_set)


def test_unknown_check_names_file_rule_and_field(tmp_path: Path) -> None:
    message = error_of(
        tmp_path,
        "rules:\n  - name: r1\n    dimension: validity\n    check: {type: is_shiny, column: a}\n",
    )
    assert message.startswith(f"{tmp_path / 'rules.yml'}: invalid rule file")
    assert "rule 'r1' (rules[0]), field check: Input tag 'is_shiny' found using 'type'" in message
    assert "'not_null'" in message


def test_wrong_type_names_the_field(tmp_path: Path) -> None:
    message = error_of(
        tmp_path,
        "rules:\n  - name: r1\n    dimension: accuracy\n"
        "    check: {type: length, column: a, min: many}\n",
    )
    assert "rule 'r1' (rules[0]), field check.min: Input should be a valid integer" in message


def test_missing_column_field_names_the_field(tmp_path: Path) -> None:
    message = error_of(
        tmp_path, "rules:\n  - name: r1\n    dimension: completeness\n    check: {type: not_null}\n"
    )
    assert "rule 'r1' (rules[0]), field check.column: Field required" in message


def test_misspelt_field_is_rejected(tmp_path: Path) -> None:
    message = error_of(
        tmp_path,
        "rules:\n  - name: r1\n    dimension: completeness\n    critcality: warn\n"
        "    check: {type: not_null, column: a}\n",
    )
    assert "rule 'r1' (rules[0]), field critcality: Extra inputs are not permitted" in message


def test_unknown_dimension_lists_the_six(tmp_path: Path) -> None:
    message = error_of(
        tmp_path,
        "rules:\n  - name: r1\n    dimension: beauty\n    check: {type: not_null, column: a}\n",
    )
    assert "field dimension: Input should be 'completeness', 'accuracy', 'consistency'" in message


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        (
            "{name: r, dimension: completeness, check: {type: row_count, min: 1}, "
            "threshold: {warn: 1}}",
            "threshold applies to row-level checks only, not to row_count",
        ),
        (
            "{name: r, dimension: completeness, criticality: warn, "
            "check: {type: not_null, column: a}, threshold: {error: 1}}",
            "an error tier needs criticality: error",
        ),
        (
            "{name: r, dimension: validity, check: {type: not_null, column: a}, threshold: {}}",
            "a threshold needs a warn tier, an error tier or both",
        ),
        (
            "{name: r, dimension: validity, check: {type: not_null, column: a}, "
            "threshold: {warn: '150%'}}",
            "'150%' is not a percent between 0% and 100%",
        ),
        (
            "{name: r, dimension: validity, check: {type: not_null, column: a}, "
            "threshold: {warn: -1}}",
            "a row count tier must be >= 0",
        ),
        (
            "{name: r, dimension: validity, check: {type: not_null, column: a}, "
            "threshold: {warn: true}}",
            "not a bool",
        ),
        (
            "{name: r, dimension: validity, check: {type: in_range, column: a}}",
            "in_range needs min",
        ),
        ("{name: r, dimension: validity, check: {type: length, column: a}}", "length needs min"),
        ("{name: r, dimension: validity, check: {type: row_count}}", "row_count needs min"),
        (
            "{name: r, dimension: validity, check: {type: aggregate, function: sum, max: 1}}",
            "aggregate function sum needs a column",
        ),
        (
            "{name: r, dimension: validity, check: {type: aggregate, function: count}}",
            "aggregate needs min, max or both",
        ),
        (
            "{name: r, dimension: validity, check: {type: cross_table, function: avg, "
            "reference: t}}",
            "cross_table function avg needs a column",
        ),
        (
            "{name: r, dimension: validity, check: {type: regex, column: a, pattern: '(['}}",
            "pattern '([' is not a valid regular expression",
        ),
        (
            "{name: r, dimension: timeliness, check: {type: freshness, column: a, max_age: soon}}",
            "'soon' is not a duration; use a number and a unit",
        ),
        (
            "{name: r, dimension: consistency, check: {type: foreign_key, columns: [a, b], "
            "reference: t, reference_columns: [x]}}",
            "reference_columns must list as many columns as columns",
        ),
        ("{name: 'bad name', dimension: validity, check: {type: not_null, column: a}}", "name"),
    ],
)
def test_invalid_rules_say_why(tmp_path: Path, rule: str, expected: str) -> None:
    assert expected in error_of(tmp_path, f"rules:\n  - {rule}\n")


def test_duplicate_rule_names_are_rejected(tmp_path: Path) -> None:
    rule = "{name: r, dimension: validity, check: {type: not_null, column: a}}"
    message = error_of(tmp_path, f"rules:\n  - {rule}\n  - {rule}\n")
    assert "rule name 'r' is used twice" in message


def test_top_level_problems(tmp_path: Path) -> None:
    assert "field action: Input should be 'warn', 'quarantine' or 'fail'" in error_of(
        tmp_path, "action: explode\nrules: []\n"
    )
    assert "field rules: List should have at least 1 item" in error_of(tmp_path, "rules: []\n")
    assert "a rule file is a mapping with 'rules'" in error_of(tmp_path, "- just a list\n")
    assert "not valid YAML" in error_of(tmp_path, "rules: [\n")
    with pytest.raises(RuleFileError, match=r"nowhere\.yml: rule file not found"):
        load_rules(tmp_path / "nowhere.yml")


def test_rule_without_name_is_named_by_position() -> None:
    with pytest.raises(RuleFileError, match=r"rules\[0\], field name: Field required"):
        parse_rules(
            {"rules": [{"dimension": "validity", "check": {"type": "not_null", "column": "a"}}]}
        )


def test_durations() -> None:
    assert parse_duration("90m").total_seconds() == 5400
    assert parse_duration("2d").days == 2
    assert parse_duration("1w").days == 7


def test_tiers() -> None:
    assert Tier.model_validate(3).exceeded_by(4, 10)
    assert not Tier.model_validate(3).exceeded_by(3, 10)
    assert Tier.model_validate("10%").exceeded_by(2, 10)
    assert not Tier.model_validate("10%").exceeded_by(1, 10)
    assert not Tier.model_validate("0%").exceeded_by(0, 0)
    assert Tier.model_validate("2.5%").describe() == "2.5%"


def test_references_lists_other_tables() -> None:
    rule_set = parse_rules(
        {
            "rules": [
                {
                    "name": "fk",
                    "dimension": "consistency",
                    "check": {"type": "foreign_key", "columns": ["c"], "reference": "customers"},
                },
                {
                    "name": "ct",
                    "dimension": "consistency",
                    "check": {"type": "cross_table", "function": "count", "reference": "bronze"},
                },
            ]
        }
    )
    assert rule_set.references() == {"customers", "bronze"}
