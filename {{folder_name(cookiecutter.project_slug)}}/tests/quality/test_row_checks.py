"""Row checks: each check type annotates exactly the failing rows, with its reason."""

from __future__ import annotations

from typing import Any

import pytest
from chispa import assert_df_equality
from pyspark.sql import DataFrame, SparkSession

from {{ cookiecutter.package_name }}.quality import QualityEngine

from .conftest import ANNOTATED, rules


def errors_of(spark: SparkSession, df: DataFrame, check: dict[str, Any], **rule: Any) -> DataFrame:
    checked = QualityEngine(spark).apply(df, rules({"name": "r", "check": check, **rule}))
    return checked.annotated.select("id", "_errors")


def expect(
    spark: SparkSession, messages: list[str | None], dimension: str = "validity"
) -> DataFrame:
    rows = [
        (index, [("r", dimension, message)] if message is not None else [])
        for index, message in enumerate(messages, start=1)
    ]
    return spark.createDataFrame(rows, ANNOTATED)


CASES = [
    ({"type": "not_null", "column": "email"}, [None, None, "email is null"]),
    (
        {"type": "not_empty", "column": "name"},
        [None, "name is null or empty", "name is null or empty"],
    ),
    (
        {"type": "in_set", "column": "country", "values": ["NL", "DE"]},
        [None, "country = XX is not one of [NL, DE]", None],
    ),
    (
        {"type": "in_range", "column": "age", "min": 0, "max": 120},
        [None, "age = -3 is not between 0 and 120", None],
    ),
    (
        {"type": "in_range", "column": "age", "min": 34, "inclusive": False},
        ["age = 34 is not > 34", "age = -3 is not > 34", None],
    ),
    (
        {"type": "in_range", "column": "day", "max": "2024-02-01"},
        [None, "day = 2024-02-30 is not <= '2024-02-01'", None],
    ),
    (
        {"type": "regex", "column": "name", "pattern": "^[A-Z]"},
        [None, "name =  does not match ^[A-Z]", None],
    ),
    (
        {"type": "format", "column": "email", "format": "email"},
        [None, "email = not-an-email is not a valid email", None],
    ),
    (
        {"type": "format", "column": "day", "format": "date"},
        [None, "day = 2024-02-30 is not a valid date", None],
    ),
    (
        {"type": "format", "column": "day", "format": "date", "date_format": "yyyy-MM-dd"},
        [None, "day = 2024-02-30 is not a valid date (yyyy-MM-dd)", None],
    ),
    (
        {"type": "length", "column": "name", "min": 2, "max": 10},
        [None, "name length 0 is not between 2 and 10", None],
    ),
    (
        {"type": "expression", "expression": "age >= 18", "message": "adults only"},
        [None, "adults only", "adults only"],
    ),
    (
        {"type": "expression", "expression": "age >= 18 OR age IS NULL"},
        [None, "expression is false: age >= 18 OR age IS NULL", None],
    ),
    (
        {"type": "compare", "left": "low", "operator": "<=", "right": "high"},
        [None, "low = 30 is not <= high = 20", None],
    ),
]


@pytest.mark.parametrize(("check", "messages"), CASES, ids=lambda c: str(c)[:60])
def test_row_check_annotates_failing_rows(
    spark: SparkSession, people: DataFrame, check: dict[str, Any], messages: list[str | None]
) -> None:
    assert_df_equality(
        errors_of(spark, people, check), expect(spark, messages), ignore_nullable=True
    )


COMPARISONS = {
    "<": (True, False),
    "<=": (True, False),
    "==": (False, False),
    "!=": (True, True),
    ">": (False, True),
    ">=": (False, True),
}


@pytest.mark.parametrize("operator", sorted(COMPARISONS))
def test_every_comparison_operator(spark: SparkSession, people: DataFrame, operator: str) -> None:
    check = {"type": "compare", "left": "low", "operator": operator, "right": "high"}
    messages = [
        None if holds else f"low = {low} is not {operator} high = 20"
        for holds, low in zip(COMPARISONS[operator], (10, 30), strict=True)
    ]
    assert_df_equality(
        errors_of(spark, people, check), expect(spark, [*messages, None]), ignore_nullable=True
    )


def test_filter_limits_the_rows_a_rule_tests(spark: SparkSession, people: DataFrame) -> None:
    check = {"type": "in_range", "column": "age", "min": 0}
    assert_df_equality(
        errors_of(spark, people, check, filter="country = 'NL'"),
        expect(spark, [None, None, None]),
        ignore_nullable=True,
    )
    assert_df_equality(
        errors_of(spark, people, check, filter="country = 'XX'"),
        expect(spark, [None, "age = -3 is not >= 0", None]),
        ignore_nullable=True,
    )


def test_warn_rules_annotate_warnings_not_errors(spark: SparkSession, people: DataFrame) -> None:
    checked = QualityEngine(spark).apply(
        people,
        rules(
            {"name": "r", "criticality": "warn", "check": {"type": "not_null", "column": "email"}}
        ),
    )
    expected = expect(spark, [None, None, "email is null"])
    assert_df_equality(
        checked.annotated.select("id", "_warnings").withColumnRenamed("_warnings", "_errors"),
        expected,
        ignore_nullable=True,
    )
    assert [row["_errors"] for row in checked.annotated.collect()] == [[], [], []]


def test_several_rules_annotate_in_rule_order(spark: SparkSession, people: DataFrame) -> None:
    checked = QualityEngine(spark).apply(
        people,
        rules(
            {
                "name": "email_present",
                "dimension": "completeness",
                "check": {"type": "not_null", "column": "email"},
            },
            {
                "name": "age_present",
                "dimension": "completeness",
                "check": {"type": "not_null", "column": "age"},
            },
        ),
    )
    expected = spark.createDataFrame(
        [
            (1, []),
            (2, []),
            (
                3,
                [
                    ("email_present", "completeness", "email is null"),
                    ("age_present", "completeness", "age is null"),
                ],
            ),
        ],
        ANNOTATED,
    )
    assert_df_equality(checked.annotated.select("id", "_errors"), expected, ignore_nullable=True)


FORMATS = {
    "uuid": (
        ["123e4567-e89b-12d3-a456-426614174000"],
        ["123e4567e89b12d3a456426614174000", "x"],  # pragma: allowlist secret
    ),
    "ipv4": (["192.168.0.1", "10.0.0.255"], ["256.1.1.1", "1.2.3", "a.b.c.d"]),
    "url": (["https://example.com/a?b=c", "ftp://files.example.org"], ["example.com", "http://"]),
    "phone_e164": (["+31612345678"], ["0612345678", "+0123456", "+31 6 1234"]),
    "timestamp": (["2024-01-31 10:00:00", "2024-01-31T10:00:00"], ["2024-13-01 00:00:00"]),
    "email": (
        ["a.b+c@sub.example.co", "x@mail-1.example.org", "n_1%2@host.io"],
        ["a@b", "a@b.c", "a@b..com", "a@.com", "@example.com", "a b@example.com", "a@b.c0m"],
    ),
}


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_formats_accept_and_reject(spark: SparkSession, name: str) -> None:
    good, bad = FORMATS[name]
    df = spark.createDataFrame(
        [(index, value) for index, value in enumerate(good + bad, start=1)], "id int, value string"
    )
    check = {"type": "format", "column": "value", "format": name}
    messages = [None] * len(good) + [f"value = {value} is not a valid {name}" for value in bad]
    assert_df_equality(errors_of(spark, df, check), expect(spark, messages), ignore_nullable=True)
