"""Rule values become SQL text that Spark reads back exactly, whatever the value holds."""

from __future__ import annotations

from typing import Any

import pytest
from chispa import assert_df_equality
from pyspark.sql import DataFrame, SparkSession

from {{ cookiecutter.package_name }}.quality import QualityEngine
from {{ cookiecutter.package_name }}.quality.sql import (
    identifier,
    literal,
    string,
)

from .conftest import ANNOTATED, rules

AWKWARD_TEXT = [
    "",
    "plain",
    "it's",
    "back\\slash",
    "\\'",
    "''",
    "^\\d{3}-[a-z']+$",
    "line\nbreak -- not a comment",
    "ünïcødé ✓",
    "$1 ${x} %s",
]


@pytest.fixture(params=["false", "true"], ids=["escaped", "legacy-literals"])
def parser_mode(spark: SparkSession, request: pytest.FixtureRequest) -> str:
    """Both settings of how Spark reads backslashes in string literals."""
    key = "spark.sql.parser.escapedStringLiterals"
    before = spark.conf.get(key)
    spark.conf.set(key, request.param)
    yield request.param
    spark.conf.set(key, before)


def test_strings_read_back_exactly(spark: SparkSession, parser_mode: str) -> None:
    row = spark.range(1).selectExpr(*[string(text) for text in AWKWARD_TEXT]).first()
    assert list(row) == AWKWARD_TEXT


@pytest.mark.parametrize(
    ("value", "sql_type"),
    [(True, "boolean"), (7, "int"), (2**40, "bigint"), (1.5, "double"), (1e-05, "double")],
)
def test_literals_keep_their_type(spark: SparkSession, value: Any, sql_type: str) -> None:
    selected = spark.range(1).selectExpr(f"{literal(value)} AS v")
    assert selected.schema["v"].dataType.simpleString() == sql_type
    assert selected.first()["v"] == value


def test_identifiers_quote_any_name(spark: SparkSession) -> None:
    df = spark.createDataFrame([(1, 2, 3)], "`a.b` int, `unit price` int, `we``ird` int")
    row = df.selectExpr(*[identifier(name) for name in df.columns]).first()
    assert list(row) == [1, 2, 3]


@pytest.fixture(scope="module")
def odd(spark: SparkSession) -> DataFrame:
    """Column names with a dot, a space and a backtick; values with quotes and backslashes."""
    return spark.createDataFrame(
        [(1, "A-1", "it's", 5), (2, "a\\1", "plain", -1)],
        "id int, `code.v2` string, `note text` string, `we``ird` int",
    )


def errors_of(spark: SparkSession, df: DataFrame, *entries: dict[str, Any]) -> DataFrame:
    return QualityEngine(spark).apply(df, rules(*entries)).annotated.select("id", "_errors")


def test_checks_on_awkward_names_and_values(
    spark: SparkSession, odd: DataFrame, parser_mode: str
) -> None:
    annotated = errors_of(
        spark,
        odd,
        {"name": "code", "check": {"type": "regex", "column": "code.v2", "pattern": "^[A-Z]-\\d$"}},
        {"name": "note", "check": {"type": "in_set", "column": "note text", "values": ["it's"]}},
        {"name": "weird", "check": {"type": "in_range", "column": "we`ird", "min": 0}},
    )
    expected = spark.createDataFrame(
        [
            (1, []),
            (
                2,
                [
                    ("code", "validity", "code.v2 = a\\1 does not match ^[A-Z]-\\d$"),
                    ("note", "validity", "note text = plain is not one of [it's]"),
                    ("weird", "validity", "we`ird = -1 is not >= 0"),
                ],
            ),
        ],
        ANNOTATED,
    )
    assert_df_equality(annotated, expected, ignore_nullable=True)


def test_filter_and_expression_may_end_in_a_comment(spark: SparkSession, odd: DataFrame) -> None:
    annotated = errors_of(
        spark,
        odd,
        {
            "name": "positive",
            "filter": "id > 1 -- only the second row",
            "check": {"type": "expression", "expression": "`we``ird` > 0 -- must be positive"},
        },
    )
    message = "expression is false: `we``ird` > 0 -- must be positive"
    expected = spark.createDataFrame([(1, []), (2, [("positive", "validity", message)])], ANNOTATED)
    assert_df_equality(annotated, expected, ignore_nullable=True)


@pytest.mark.parametrize("small_reference", [True, False], ids=["broadcast", "anti join"])
def test_keyed_checks_on_awkward_names(
    spark: SparkSession, small_reference: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Uniqueness (window), foreign key (either lookup) and a grouped aggregate (group-by)
    each read columns whose names hold a dot or a space."""
    monkeypatch.setattr(QualityEngine, "is_small", lambda self, name, keys: small_reference)
    df = spark.createDataFrame(
        [(1, "x.1", "k"), (2, "x.1", "k"), (3, "y", "z")],
        "id int, `key.part` string, `ref col` string",
    )
    refs = spark.createDataFrame([("k",)], "`code.ref` string")
    foreign_key = {"type": "foreign_key", "columns": ["ref col"], "reference": "refs"}
    per_ref = {"type": "aggregate", "function": "count", "group_by": ["ref col"], "max": 1}
    checked = QualityEngine(spark, {"refs": refs}).apply(
        df,
        rules(
            {"name": "unique", "check": {"type": "unique", "columns": ["key.part"]}},
            {"name": "known", "check": {**foreign_key, "reference_columns": ["code.ref"]}},
            {"name": "per_ref", "check": per_ref},
        ),
    )
    duplicate = ("unique", "validity", "(key.part) = (x.1) is not unique: 2 rows share it")
    crowded = ("per_ref", "validity", "count(*) = 2 for (ref col) = (k) is not <= 1")
    missing = ("known", "validity", "(ref col) = (z) not found in refs(code.ref)")
    expected = spark.createDataFrame(
        [(1, [duplicate, crowded]), (2, [duplicate, crowded]), (3, [missing])], ANNOTATED
    )
    assert_df_equality(
        checked.annotated.select("id", "_errors"),
        expected,
        ignore_row_order=True,
        ignore_nullable=True,
    )
