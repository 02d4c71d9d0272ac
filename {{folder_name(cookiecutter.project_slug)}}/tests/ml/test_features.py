"""The feature table: point-in-time figures per customer and cutoff, as the gold layer counts."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from chispa import assert_df_equality
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from {{ cookiecutter.package_name }}.ml.config import MlConfig
from {{ cookiecutter.package_name }}.ml.demo import (
    SILVER_ORDERS_SCHEMA,
    History,
    demo_orders,
)
from {{ cookiecutter.package_name }}.ml.features import (
    NoOrdersError,
    build_feature_table,
    customer_features,
    cutoffs,
    labels,
    next_midnight,
    on_grid,
)
from {{ cookiecutter.package_name }}.runtime.runner import (
    NotebookRunner,
)
from {{ cookiecutter.package_name }}.runtime.volumes import (
    LocalVolumes,
)

FEATURES = (
    "customer_id STRING, as_of TIMESTAMP, orders BIGINT, lifetime_revenue DECIMAL(18,2), "
    "average_order_value DECIMAL(18,2), first_order_date DATE, last_order_date DATE, "
    "days_since_last_order INT, days_since_first_order INT, orders_last_90_days BIGINT"
)


def orders(spark: SparkSession, rows: list[tuple[str, str, str, str]]) -> DataFrame:
    """silver_orders rows from (order_id, customer_id, amount, status, order_ts)."""
    full = []
    for order_id, customer, amount, status, moment in rows:
        ts = datetime.fromisoformat(moment)
        value = Decimal(amount)
        full.append(
            (order_id, customer, "P001", 1, value, value, status, ts, ts.date(), ts, None, "t", ts)
        )
    return spark.createDataFrame(full, SILVER_ORDERS_SCHEMA)


@pytest.fixture
def small_orders(spark: SparkSession) -> DataFrame:
    return orders(
        spark,
        [
            ("O1", "C1", "10.00", "delivered", "2024-01-05 10:00:00"),
            ("O2", "C1", "20.01", "delivered", "2024-03-20 10:00:00"),
            ("O3", "C1", "99.00", "cancelled", "2024-03-25 10:00:00"),  # never counts
            ("O4", "C2", "5.00", "placed", "2024-03-31 23:59:59"),  # last second before April
            ("O5", "C3", "7.50", "delivered", "2022-06-01 08:00:00"),  # gone: > 365 days idle
            ("O6", "C2", "8.00", "delivered", "2024-04-15 00:00:00"),  # after the cutoff
        ],
    )


def test_features_count_only_orders_before_the_cutoff_of_active_customers(
    spark: SparkSession, small_orders: DataFrame
) -> None:
    actual = customer_features(small_orders, [datetime(2024, 4, 1)]).drop("computed_at")
    april = datetime(2024, 4, 1)
    expected = spark.createDataFrame(
        [
            (
                "C1",
                april,
                2,
                Decimal("30.01"),
                Decimal("15.01"),
                *dates("2024-01-05", "2024-03-20"),
                12,
                87,
                2,  # January 5th is 87 days before the cutoff: within 90
            ),
            (
                "C2",
                april,
                1,
                Decimal("5.00"),
                Decimal("5.00"),
                *dates("2024-03-31", "2024-03-31"),
                1,
                1,
                1,
            ),
        ],
        FEATURES,
    )
    assert_df_equality(actual, expected, ignore_row_order=True, ignore_nullable=True)


def dates(*values: str) -> list:
    return [datetime.fromisoformat(value).date() for value in values]


def test_labels_say_who_ordered_within_the_horizon(
    spark: SparkSession, small_orders: DataFrame
) -> None:
    moments = [datetime(2024, 3, 1), datetime(2024, 4, 1)]
    actual = labels(small_orders, moments, horizon_days=30)
    expected = spark.createDataFrame(
        [
            ("C1", datetime(2024, 3, 1), 1),  # O2 on March 20th
            ("C3", datetime(2024, 3, 1), 0),
            ("C1", datetime(2024, 4, 1), 0),  # the cancelled O3 does not count
            ("C2", datetime(2024, 4, 1), 1),  # O6 on April 15th
            ("C3", datetime(2024, 4, 1), 0),
        ],
        "customer_id STRING, as_of TIMESTAMP, ordered_again INT",
    )
    assert_df_equality(actual, expected, ignore_row_order=True, ignore_nullable=True)


def test_cutoffs_follow_a_fixed_grid_and_end_at_as_of() -> None:
    first, as_of = datetime(2024, 1, 5, 10), datetime(2024, 4, 1, 12)
    moments = cutoffs(first, as_of, step_days=30)
    assert moments[-1] == as_of
    assert all(first < moment for moment in moments)
    assert all(on_grid(moment, 30) for moment in moments[:-1])
    assert not on_grid(as_of, 30)
    # A later as_of keeps the same grid points: daily runs do not shift the history.
    later = cutoffs(first, datetime(2024, 4, 20), step_days=30)
    assert later[:-1] == moments[:-1] or later[:-2] == moments[:-1]
    assert cutoffs(first, first, step_days=30) == []
    assert next_midnight(datetime(2024, 3, 31, 23, 59)) == datetime(2024, 4, 1)


def test_feature_table_upserts_and_converges(spark: SparkSession) -> None:
    config = MlConfig("spark_catalog", "ml_feature_table")
    spark.sql("CREATE SCHEMA IF NOT EXISTS spark_catalog.ml_feature_table")
    demo_orders(spark, History(customers=20, days=200, seed=3)).write.format("delta").mode(
        "overwrite"
    ).saveAsTable(config.table("silver_orders"))
    table, moments = build_feature_table(spark, config)
    first = spark.table(table).drop("computed_at")
    assert first.count() > 0
    assert {row.as_of for row in first.select("as_of").distinct().collect()} <= set(moments)
    build_feature_table(spark, config)
    assert_df_equality(spark.table(table).drop("computed_at"), first, ignore_row_order=True)
    _, latest = build_feature_table(spark, config, history=False)
    assert latest == moments[-1:]
    assert spark.table(table).count() == first.count()


def test_no_usable_order_is_a_clear_error(spark: SparkSession) -> None:
    config = MlConfig("spark_catalog", "ml_no_orders")
    spark.sql("CREATE SCHEMA IF NOT EXISTS spark_catalog.ml_no_orders")

    def write(status: str) -> None:
        frame = orders(spark, [("O1", "C1", "1.00", status, "2024-01-01 00:00:00")])
        frame.write.format("delta").mode("overwrite").saveAsTable(config.table("silver_orders"))

    write("cancelled")
    with pytest.raises(NoOrdersError, match="no order that is not cancelled"):
        build_feature_table(spark, config)
    write("delivered")
    with pytest.raises(NoOrdersError, match="no order was placed before the cutoff 2023-06-01"):
        build_feature_table(spark, config, datetime(2023, 6, 1))


def test_config_refuses_bad_names_and_horizons() -> None:
    with pytest.raises(ValueError, match="schema 'Bad-Name' is not a valid"):
        MlConfig("spark_catalog", "Bad-Name")
    with pytest.raises(ValueError, match="horizon_days must be at least 1 day"):
        MlConfig("spark_catalog", "ok", horizon_days=0)
    assert MlConfig("main", "sales").model_name == "main.sales.customer_repurchase"


def test_latest_features_equal_the_gold_customer_lifetime_value(
    spark: SparkSession, project_root: Path, tmp_path: Path
) -> None:
    """The builder applies the gold notebook's definitions: run that notebook on small silver
    tables and compare its table with the features at the midnight after the last order."""
    config = MlConfig("spark_catalog", "ml_gold_shapes")
    spark.sql("CREATE SCHEMA IF NOT EXISTS spark_catalog.ml_gold_shapes")
    silver = demo_orders(spark, History(customers=12, days=200, seed=5))
    silver.write.format("delta").mode("overwrite").saveAsTable(config.table("silver_orders"))
    customers = silver.select("customer_id").distinct()
    customers.select(
        "customer_id",
        F.lit("Name").alias("name"),
        F.lit("x@example.com").alias("email"),
        F.lit("EMEA").alias("region"),
        F.lit(datetime(2020, 1, 1)).alias("updated_at"),
        F.lit(None).cast("string").alias("_row_hash"),
    ).write.format("delta").mode("overwrite").saveAsTable(config.table("silver_customers"))
    customers.select(
        "customer_id",
        F.lit("EMEA").alias("region"),
        F.lit(datetime(1900, 1, 1)).alias("valid_from"),
        F.lit(None).cast("timestamp").alias("valid_to"),
    ).write.format("delta").mode("overwrite").saveAsTable(config.table("silver_customers_history"))
    spark.createDataFrame([], "product_id STRING, name STRING, category STRING").write.format(
        "delta"
    ).mode("overwrite").saveAsTable(config.table("silver_products"))
    gold = project_root / "notebooks" / "gold" / "aggregate.sql"
    NotebookRunner(spark, LocalVolumes(tmp_path)).run(
        gold, {"catalog": "spark_catalog", "schema": config.schema}
    )
    table, moments = build_feature_table(spark, config, history=False)
    compared = (
        "customer_id",
        "orders",
        "lifetime_revenue",
        "average_order_value",
        "first_order_date",
        "last_order_date",
    )
    features = spark.table(table).where(F.col("as_of") == moments[-1]).select(*compared)
    lifetime = spark.table(config.table("gold_customer_lifetime_value"))
    assert features.count() >= 10  # of 12 customers, those with an order that counts
    # Rows, not schemas: the feature table's key is NOT NULL, gold's customer_id is not.
    expected = lifetime.where("orders > 0").select(*compared)
    assert sorted(features.collect()) == sorted(expected.collect())
