"""Keyed checks annotate rows (uniqueness, foreign keys, grouped aggregates); dataset checks
judge the table as a whole (volume, freshness, schema, aggregates, cross-table)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from chispa import assert_df_equality
from pyspark.sql import DataFrame, SparkSession

from {{ cookiecutter.package_name }}.quality import QualityEngine
from {{ cookiecutter.package_name }}.quality import engine as engine_module
from {{ cookiecutter.package_name }}.quality.rules import (
    RuleFileError,
)

from .conftest import ANNOTATED, rules

NOW = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def orders(spark: SparkSession) -> DataFrame:
    return spark.createDataFrame(
        [
            (1, "c1", "NL", 10.0, datetime(2024, 3, 1, 11, 0)),
            (2, "c2", "NL", 20.0, datetime(2024, 3, 1, 10, 0)),
            (2, "c9", "DE", 500.0, datetime(2024, 2, 28, 10, 0)),
            (4, None, None, None, None),
        ],
        "id int, customer_id string, country string, amount double, updated_at timestamp",
    )


@pytest.fixture(scope="module")
def customers(spark: SparkSession) -> DataFrame:
    return spark.createDataFrame(
        [("c1", "NL"), ("c2", "NL"), ("c3", "DE")], "cid string, country string"
    )


def check(
    spark: SparkSession, df: DataFrame, customers: DataFrame, *entries: dict
) -> QualityEngine:
    engine = QualityEngine(spark, {"customers": customers}, clock=lambda: NOW)
    checked = engine.apply(df, rules(*entries))
    checked.annotated.write.format("noop").mode("overwrite").save()
    return checked


@pytest.fixture(params=["broadcast reference", "anti join of input keys"])
def lookup(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Foreign keys run both ways: a small reference broadcast as it is, or (for references
    of unknown or large size) the input's distinct keys compared with it first."""
    small = request.param == "broadcast reference"
    monkeypatch.setattr(QualityEngine, "is_small", lambda self, name, keys: small)
    return request.param


def errors(spark: SparkSession, rows: list[tuple[int, list[tuple[str, str, str]]]]) -> DataFrame:
    return spark.createDataFrame(rows, ANNOTATED)


def test_unique_flags_every_duplicate(
    spark: SparkSession, orders: DataFrame, customers: DataFrame
) -> None:
    checked = check(
        spark,
        orders,
        customers,
        {
            "name": "id_unique",
            "dimension": "uniqueness",
            "check": {"type": "unique", "columns": ["id"]},
        },
    )
    message = "(id) = (2) is not unique: 2 rows share it"
    expected = errors(
        spark,
        [
            (1, []),
            (2, [("id_unique", "uniqueness", message)]),
            (2, [("id_unique", "uniqueness", message)]),
            (4, []),
        ],
    )
    assert_df_equality(
        checked.annotated.select("id", "_errors"),
        expected,
        ignore_row_order=True,
        ignore_nullable=True,
    )
    result = {r.rule: r for r in checked.results()}["id_unique"]
    assert (result.rows_tested, result.rows_failed, result.status) == (4, 2, "error")


def test_unique_over_columns_with_nulls(spark: SparkSession, customers: DataFrame) -> None:
    df = spark.createDataFrame(
        [(1, "a", None), (2, "a", None), (3, "a", "x"), (4, "a", "x")],
        "id int, k1 string, k2 string",
    )
    distinct = {"type": "unique", "columns": ["k1", "k2"]}
    checked = check(spark, df, customers, {"name": "u", "check": distinct})
    message = "(k1, k2) = (a, x) is not unique: 2 rows share it"
    expected = errors(
        spark,
        [(1, []), (2, []), (3, [("u", "validity", message)]), (4, [("u", "validity", message)])],
    )
    assert_df_equality(
        checked.annotated.select("id", "_errors"),
        expected,
        ignore_row_order=True,
        ignore_nullable=True,
    )
    same = check(
        spark, df, customers, {"name": "u", "check": {**distinct, "nulls_distinct": False}}
    )
    assert {r.rule: r.rows_failed for r in same.results()}["u"] == 4


def test_unique_verdicts_do_not_depend_on_how_the_keys_are_counted(
    spark: SparkSession, customers: DataFrame
) -> None:
    """Keys used by uniqueness rules only are counted over a window; keys that a grouped
    aggregate also uses share its group-by. Both give the same annotations and counts."""
    df = spark.createDataFrame(
        [(1, "a", None), (2, "a", None), (3, "a", "x"), (4, "a", "x"), (5, "b", "x")],
        "id int, k1 string, k2 string",
    )
    keys = {"type": "unique", "columns": ["k1", "k2"]}
    uniqueness = [
        {"name": "u", "check": keys},
        {"name": "u_nulls", "check": {**keys, "nulls_distinct": False}},
        {"name": "u_late", "filter": "id > 3", "check": keys},
    ]
    count = {"type": "aggregate", "function": "count", "group_by": ["k1", "k2"], "max": 9}
    windowed = check(spark, df, customers, *uniqueness)
    grouped = check(spark, df, customers, *uniqueness, {"name": "few", "check": count})
    for checked in (windowed, grouped):
        assert {r.rule: r.rows_failed for r in checked.results() if r.rule.startswith("u")} == {
            "u": 2,
            "u_nulls": 4,
            "u_late": 0,
        }
    assert_df_equality(
        windowed.annotated.select("id", "_errors"),
        grouped.annotated.select("id", "_errors"),
        ignore_row_order=True,
    )


def test_unique_with_a_filter_counts_only_filtered_rows(
    spark: SparkSession, orders: DataFrame, customers: DataFrame
) -> None:
    checked = check(
        spark,
        orders,
        customers,
        {"name": "u", "filter": "country = 'NL'", "check": {"type": "unique", "columns": ["id"]}},
    )
    assert [
        len(row["_errors"]) for row in checked.annotated.orderBy("id", "country").collect()
    ] == [0, 0, 0, 0]
    result = {r.rule: r for r in checked.results()}["u"]
    assert (result.rows_tested, result.rows_failed) == (2, 0)


def test_foreign_key_flags_missing_keys_and_passes_nulls(
    spark: SparkSession, orders: DataFrame, customers: DataFrame, lookup: str
) -> None:
    checked = check(
        spark,
        orders,
        customers,
        {
            "name": "fk",
            "dimension": "consistency",
            "check": {
                "type": "foreign_key",
                "columns": ["customer_id"],
                "reference": "customers",
                "reference_columns": ["cid"],
            },
        },
    )
    message = "(customer_id) = (c9) not found in customers(cid)"
    expected = errors(spark, [(1, []), (2, []), (2, [("fk", "consistency", message)]), (4, [])])
    assert_df_equality(
        checked.annotated.select("id", "_errors"),
        expected,
        ignore_row_order=True,
        ignore_nullable=True,
    )
    assert checked.annotated.count() == 4  # the join adds no rows


def test_composite_foreign_key(
    spark: SparkSession, orders: DataFrame, customers: DataFrame, lookup: str
) -> None:
    checked = check(
        spark,
        orders,
        customers,
        {
            "name": "fk",
            "check": {
                "type": "foreign_key",
                "columns": ["customer_id", "country"],
                "reference": "customers",
                "reference_columns": ["cid", "country"],
            },
        },
    )
    result = {r.rule: r for r in checked.results()}["fk"]
    assert (result.rows_tested, result.rows_failed) == (4, 1)


def test_foreign_key_rules_on_the_same_keys_share_one_lookup(
    spark: SparkSession,
    orders: DataFrame,
    customers: DataFrame,
    capsys: pytest.CaptureFixture[str],
    lookup: str,
) -> None:
    key = {"columns": ["customer_id"], "reference": "customers", "reference_columns": ["cid"]}
    checked = check(
        spark,
        orders,
        customers,
        {"name": "fk", "check": {"type": "foreign_key", **key}},
        {
            "name": "fk_nl",
            "criticality": "warn",
            "filter": "country = 'NL'",
            "check": {"type": "foreign_key", **key},
        },
    )
    results = {r.rule: (r.rows_tested, r.rows_failed) for r in checked.results()}
    assert (results["fk"], results["fk_nl"]) == ((4, 1), (2, 0))
    checked.annotated.explain()
    plan = capsys.readouterr().out
    joins = {"broadcast reference": "LeftOuter", "anti join of input keys": "LeftAnti"}
    assert plan.count(joins[lookup]) == 1


def test_a_reference_of_known_small_size_is_broadcast(
    spark: SparkSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    known = spark.range(2).selectExpr("concat('c', id) AS cid", "'NL' AS country")
    # Rows from Python carry no size estimate (Spark assumes the largest): treated as large.
    unknown = spark.createDataFrame([("c1", "NL")], "cid string, country string")
    engine = QualityEngine(spark, {"known": known, "unknown": unknown})
    assert engine.is_small("known", known.select("cid"))
    assert not engine.is_small("unknown", unknown.select("cid"))
    monkeypatch.setattr(engine_module, "BROADCAST_REFERENCE_BYTES", 1)
    assert not engine.is_small("known", known.select("cid"))


def test_without_a_size_estimate_a_catalog_table_is_sized_by_delta(
    spark: SparkSession,
    customers: DataFrame,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """Spark Connect gives no size estimate; a Delta table's own statistics still do."""
    monkeypatch.setattr(engine_module, "_estimated_bytes", lambda frame: None)
    customers.write.format("delta").mode("overwrite").saveAsTable("fk_customers")
    customers.createOrReplaceTempView("fk_customers_view")
    try:
        engine = QualityEngine(spark)
        keys = spark.table("fk_customers").select("cid")
        assert engine.is_small("fk_customers", keys)
        assert not engine.is_small("fk_customers_view", keys)
        monkeypatch.setattr(engine_module, "BROADCAST_REFERENCE_BYTES", 1)
        assert not engine.is_small("fk_customers", keys)
    finally:
        spark.sql("DROP TABLE IF EXISTS fk_customers")
        spark.catalog.dropTempView("fk_customers_view")


def test_nested_uniqueness_keys_are_counted_in_one_shuffle(
    spark: SparkSession, customers: DataFrame, capsys: pytest.CaptureFixture[str]
) -> None:
    """Key sets used only by uniqueness rules are counted together; a key set that the
    others contain is counted first, so one shuffle serves them all."""
    df = spark.createDataFrame(
        [
            (1, "a", "x", 1),
            (2, "a", "x", 2),
            (3, "a", "y", 3),
            (4, "b", None, 3),
            (5, "b", None, 3),
        ],
        "id int, k1 string, k2 string, k3 int",
    )
    checked = check(
        spark,
        df,
        customers,
        {"name": "by_k1", "check": {"type": "unique", "columns": ["k1"]}},
        {"name": "by_k1_k2", "check": {"type": "unique", "columns": ["k1", "k2"]}},
        {
            "name": "by_k1_k2_k3",
            "check": {"type": "unique", "columns": ["k2", "k1", "k3"], "nulls_distinct": False},
        },
    )
    assert {r.rule: r.rows_failed for r in checked.results()} | {"_volume": None} == {
        "_volume": None,
        "by_k1": 5,
        "by_k1_k2": 2,
        "by_k1_k2_k3": 2,
    }
    failing = {
        row["id"]: sorted(error["rule"] for error in row["_errors"])
        for row in checked.annotated.collect()
    }
    assert failing == {
        1: ["by_k1", "by_k1_k2"],
        2: ["by_k1", "by_k1_k2"],
        3: ["by_k1"],
        4: ["by_k1", "by_k1_k2_k3"],
        5: ["by_k1", "by_k1_k2_k3"],
    }
    checked.annotated.explain()
    final_plan = capsys.readouterr().out.split("== Initial Plan ==")[0]
    assert final_plan.count("Exchange hashpartitioning") == 1


def test_uniqueness_keys_that_share_no_columns_give_the_same_verdicts_together(
    spark: SparkSession, customers: DataFrame
) -> None:
    df = spark.createDataFrame(
        [(1, "a", "x"), (2, "a", "y"), (3, "b", "y")], "id int, k1 string, k2 string"
    )
    by_k1 = {"name": "by_k1", "check": {"type": "unique", "columns": ["k1"]}}
    by_k2 = {"name": "by_k2", "check": {"type": "unique", "columns": ["k2"]}}
    together = check(spark, df, customers, by_k1, by_k2)
    alone = [check(spark, df, customers, rule) for rule in (by_k1, by_k2)]
    counts = {r.rule: r.rows_failed for r in together.results() if r.rule.startswith("by")}
    assert counts == {"by_k1": 2, "by_k2": 2}
    assert counts == {
        r.rule: r.rows_failed for c in alone for r in c.results() if r.rule.startswith("by")
    }


def test_grouped_aggregate_flags_rows_of_failing_groups(
    spark: SparkSession, orders: DataFrame, customers: DataFrame
) -> None:
    checked = check(
        spark,
        orders,
        customers,
        {
            "name": "spend",
            "dimension": "accuracy",
            "check": {
                "type": "aggregate",
                "function": "sum",
                "column": "amount",
                "group_by": ["country"],
                "max": 100,
            },
        },
    )
    message = "sum(amount) = 500.0 for (country) = (DE) is not <= 100"
    expected = errors(spark, [(1, []), (2, []), (2, [("spend", "accuracy", message)]), (4, [])])
    assert_df_equality(
        checked.annotated.select("id", "_errors"),
        expected,
        ignore_row_order=True,
        ignore_nullable=True,
    )
    result = {r.rule: r for r in checked.results()}["spend"]
    assert result.message == "1 of 4 rows failed (25.00%)"


def test_grouped_aggregate_flags_groups_outside_either_bound(
    spark: SparkSession, orders: DataFrame, customers: DataFrame
) -> None:
    spend = {"type": "aggregate", "function": "sum", "column": "amount", "group_by": ["country"]}
    checked = check(
        spark, orders, customers, {"name": "spend", "check": {**spend, "min": 50, "max": 100}}
    )

    def failed(total: str, country: str) -> list[tuple[str, str, str]]:
        message = f"sum(amount) = {total} for (country) = ({country}) is not between 50 and 100"
        return [("spend", "validity", message)]

    expected = errors(
        spark,
        [(1, failed("30.0", "NL")), (2, failed("30.0", "NL")), (2, failed("500.0", "DE")), (4, [])],
    )
    assert_df_equality(
        checked.annotated.select("id", "_errors"),
        expected,
        ignore_row_order=True,
        ignore_nullable=True,
    )


def dataset_results(
    spark: SparkSession, df: DataFrame, customers: DataFrame, *entries: dict
) -> dict[str, tuple]:
    checked = check(spark, df, customers, *entries)
    assert [len(row["_errors"]) for row in checked.annotated.collect()] == [0] * df.count()
    return {r.rule: (r.status, r.observed_value, r.threshold, r.message) for r in checked.results()}


def test_volume_and_aggregates(
    spark: SparkSession, orders: DataFrame, customers: DataFrame
) -> None:
    found = dataset_results(
        spark,
        orders,
        customers,
        {"name": "enough", "dimension": "completeness", "check": {"type": "row_count", "min": 5}},
        {
            "name": "nl_rows",
            "filter": "country = 'NL'",
            "check": {"type": "row_count", "min": 1, "max": 2},
        },
        {
            "name": "revenue",
            "criticality": "warn",
            "dimension": "accuracy",
            "check": {"type": "aggregate", "function": "sum", "column": "amount", "max": 100},
        },
        {
            "name": "average",
            "dimension": "accuracy",
            "check": {"type": "aggregate", "function": "avg", "column": "amount", "min": 1},
        },
    )
    assert found["_volume"] == ("info", 4.0, None, "4 rows")
    assert found["enough"] == ("error", 4.0, ">= 5", "4 rows, expected >= 5")
    assert found["nl_rows"] == ("pass", 2.0, "between 1 and 2", "2 rows, expected between 1 and 2")
    assert found["revenue"] == ("warn", 530.0, "<= 100", "sum(amount) = 530, expected <= 100")
    assert found["average"][0] == "pass"


def test_freshness(spark: SparkSession, orders: DataFrame, customers: DataFrame) -> None:
    found = dataset_results(
        spark,
        orders,
        customers,
        {
            "name": "fresh",
            "dimension": "timeliness",
            "check": {"type": "freshness", "column": "updated_at", "max_age": "2h"},
        },
        {
            "name": "stale",
            "dimension": "timeliness",
            "check": {"type": "freshness", "column": "updated_at", "max_age": "30m"},
        },
        {
            "name": "de_fresh",
            "dimension": "timeliness",
            "filter": "country = 'DE'",
            "check": {"type": "freshness", "column": "updated_at", "max_age": "1d"},
        },
    )
    assert found["fresh"] == (
        "pass",
        3600.0,
        "age <= 2h",
        "newest updated_at = 2024-03-01 11:00:00 UTC is 1:00:00 old, expected at most 2h",
    )
    assert found["stale"][0] == "error"
    assert found["de_fresh"][:2] == ("error", 2 * 86400.0 + 7200.0)


def test_schema(spark: SparkSession, orders: DataFrame, customers: DataFrame) -> None:
    found = dataset_results(
        spark,
        orders,
        customers,
        {
            "name": "loose",
            "dimension": "consistency",
            "check": {"type": "schema", "columns": {"id": "int", "AMOUNT": "double"}},
        },
        {
            "name": "strict",
            "dimension": "consistency",
            "check": {
                "type": "schema",
                "strict": True,
                "columns": {"id": "bigint", "extra": "string"},
            },
        },
    )
    assert found["loose"] == ("pass", 0.0, "at least id int, AMOUNT double", "schema as expected")
    assert found["strict"][0:2] == ("error", 6.0)
    assert found["strict"][3] == (
        "id is int, expected bigint; extra is missing; customer_id is not expected; "
        "country is not expected; amount is not expected; updated_at is not expected"
    )


def test_cross_table(spark: SparkSession, orders: DataFrame, customers: DataFrame) -> None:
    found = dataset_results(
        spark,
        orders,
        customers,
        {
            "name": "same_count",
            "dimension": "consistency",
            "check": {"type": "cross_table", "function": "count", "reference": "customers"},
        },
        {
            "name": "close_count",
            "dimension": "consistency",
            "check": {
                "type": "cross_table",
                "function": "count",
                "reference": "customers",
                "tolerance": "50%",
            },
        },
        {
            "name": "nl_count",
            "dimension": "consistency",
            "filter": "country = 'NL'",
            "check": {
                "type": "cross_table",
                "function": "count",
                "reference": "customers",
                "reference_filter": "country = 'NL'",
            },
        },
        {
            "name": "at_most",
            "dimension": "consistency",
            "check": {
                "type": "cross_table",
                "function": "count",
                "reference": "customers",
                "operator": "<=",
                "tolerance": 1,
            },
        },
        {
            "name": "more",
            "dimension": "consistency",
            "check": {
                "type": "cross_table",
                "function": "count",
                "reference": "customers",
                "operator": ">",
            },
        },
        {
            "name": "fewer",
            "dimension": "consistency",
            "check": {
                "type": "cross_table",
                "function": "count",
                "reference": "customers",
                "operator": "<",
            },
        },
        {
            "name": "not_fewer",
            "dimension": "consistency",
            "check": {
                "type": "cross_table",
                "function": "count",
                "reference": "customers",
                "operator": ">=",
            },
        },
    )
    assert found["same_count"] == (
        "error",
        1.0,
        "== customers.count(*) ± 0 rows",
        "count(*) = 4, customers has 3 (difference 1)",
    )
    assert found["close_count"][0] == "pass"
    assert found["nl_count"][0:2] == ("pass", 0.0)
    assert found["at_most"][0] == "pass"
    assert (found["more"][0], found["fewer"][0], found["not_fewer"][0]) == ("pass", "error", "pass")


def test_dataset_checks_on_empty_input(
    spark: SparkSession, orders: DataFrame, customers: DataFrame
) -> None:
    found = dataset_results(
        spark,
        orders.limit(0),
        customers,
        {"name": "enough", "check": {"type": "row_count", "min": 1}},
        {
            "name": "fresh",
            "dimension": "timeliness",
            "check": {"type": "freshness", "column": "updated_at", "max_age": "1d"},
        },
        {
            "name": "revenue",
            "check": {"type": "aggregate", "function": "sum", "column": "amount", "min": 0},
        },
    )
    assert found["enough"][0:2] == ("error", 0.0)
    assert found["fresh"] == ("error", None, "age <= 1d", "updated_at has no values")
    assert found["revenue"] == ("error", None, ">= 0", "sum(amount) is null (no rows)")


def test_rules_that_do_not_fit_the_data_name_rule_and_column(
    spark: SparkSession, orders: DataFrame, customers: DataFrame
) -> None:
    engine = QualityEngine(spark, {"customers": customers})
    bad = rules(
        {"name": "ghost", "check": {"type": "not_null", "column": "ghost"}},
        {"name": "bad_filter", "filter": "nope > 1", "check": {"type": "not_null", "column": "id"}},
        {"name": "bad_sql", "check": {"type": "expression", "expression": "id IS GREAT"}},
        {
            "name": "bad_fk",
            "check": {"type": "foreign_key", "columns": ["customer_id"], "reference": "customers"},
        },
    )
    with pytest.raises(RuleFileError) as caught:
        engine.apply(orders, bad)
    message = str(caught.value)
    assert message.startswith("<python>: rules do not fit people:")
    assert (
        "rule 'ghost': column 'ghost' is not in people "
        "(columns: id, customer_id, country, amount, updated_at)" in message
    )
    assert "rule 'bad_filter': filter 'nope > 1' is invalid" in message
    assert "rule 'bad_sql': check.expression 'id IS GREAT' is invalid" in message
    assert (
        "rule 'bad_fk': column 'customer_id' is not in reference customers (columns: cid, country)"
        in message
    )


def test_missing_reference_table_is_named(spark: SparkSession, orders: DataFrame) -> None:
    bad = rules(
        {
            "name": "fk",
            "check": {"type": "foreign_key", "columns": ["id"], "reference": "no_such_table"},
        }
    )
    with pytest.raises(RuleFileError, match="reference table 'no_such_table' cannot be read"):
        QualityEngine(spark).apply(orders, bad)
