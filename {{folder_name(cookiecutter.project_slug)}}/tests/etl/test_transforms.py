from __future__ import annotations

import datetime as dt
from decimal import Decimal

from chispa import assert_df_equality
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql.types import (
    DateType,
    DecimalType,
    LongType,
    StringType,
    StructField,
    StructType,
    TimestampType,
)

from {{ cookiecutter.package_name }}.etl import transforms

LANDING = StructType(
    [
        StructField(name, StringType())
        for name in (*transforms.LANDING_COLUMNS, transforms.CORRUPT_RECORD, "_source_file")
    ]
)


def landing(spark: SparkSession, *rows: tuple[str | None, ...]) -> DataFrame:
    """Landing rows as the reader yields them: text columns, corrupt record, source file."""
    return spark.createDataFrame([(*row, None, "file:/landing/a.csv") for row in rows], LANDING)


GOOD = ("o1", "c1", "p1", "2", "10.50", " Placed ", "2026-01-05 10:00:00", None)


def test_valid_row_is_typed_and_normalised(spark: SparkSession) -> None:
    validated = transforms.validate_orders(landing(spark, GOOD))
    actual = transforms.valid_orders(validated)
    expected = spark.createDataFrame(
        [
            (
                "o1",
                "c1",
                "p1",
                2,
                Decimal("10.50"),
                dt.datetime(2026, 1, 5, 10),
                dt.datetime(2026, 1, 5, 10),
                "placed",
                "file:/landing/a.csv",
            )
        ],
        "order_id string, customer_id string, product_id string, quantity int, "
        "unit_price decimal(12,2), order_ts timestamp, updated_at timestamp, status string, "
        "_source_file string",
    )
    assert_df_equality(actual, expected, ignore_nullable=True)


def test_each_rule_names_its_reason(spark: SparkSession) -> None:
    rows = [
        (" ", "c1", "p1", "1", "1.00", "placed", "2026-01-05 10:00:00", None),
        ("o2", "c1", "p1", "two", "1.00", "placed", "2026-01-05 10:00:00", None),
        ("o3", "c1", "p1", "0", "-1", "placed", "2026-01-05 10:00:00", None),
        ("o4", "c1", "p1", "1", "1.00", "lost", "yesterday", None),
    ]
    reasons = {
        row["order_id"]: row[transforms.REJECT_REASON]
        for row in transforms.rejected_orders(transforms.validate_orders(landing(spark, *rows)))
        .select("order_id", transforms.REJECT_REASON)
        .collect()
    }
    assert reasons == {
        None: "order_id is missing",
        "o2": "quantity is not an integer: two",
        "o3": "quantity must be positive; unit_price must not be negative",
        "o4": "order_ts is not a timestamp: yesterday; status is not one of "
        "placed, shipped, delivered, cancelled, returned: lost",
    }


def test_malformed_line_is_rejected(spark: SparkSession) -> None:
    raw = spark.createDataFrame([(*GOOD, 'o1,c1,"broken', "file:/landing/a.csv")], LANDING)
    rejected = transforms.rejected_orders(transforms.validate_orders(raw)).collect()
    assert [row[transforms.REJECT_REASON] for row in rejected] == ["malformed line"]
    assert len(rejected[0]["_row_hash"]) == 64


def test_rows_are_either_valid_or_rejected(spark: SparkSession) -> None:
    rows = [GOOD, ("o9", None, "p1", "x", "1", "placed", "2026-01-05", None)]
    validated = transforms.validate_orders(landing(spark, *rows))
    valid = transforms.valid_orders(validated).count()
    rejected = transforms.rejected_orders(validated).count()
    assert (valid, rejected) == (1, 1)


def test_latest_update_wins_per_order(spark: SparkSession) -> None:
    orders = spark.createDataFrame(
        [
            ("o1", dt.datetime(2026, 1, 1), "placed", "a.csv"),
            ("o1", dt.datetime(2026, 1, 3), "delivered", "c.csv"),
            ("o1", dt.datetime(2026, 1, 2), "shipped", "b.csv"),
            ("o2", dt.datetime(2026, 1, 1), "placed", "a.csv"),
        ],
        "order_id string, updated_at timestamp, status string, _source_file string",
    )
    actual = transforms.latest_per_order(orders).orderBy("order_id")
    expected = spark.createDataFrame(
        [
            ("o1", dt.datetime(2026, 1, 3), "delivered", "c.csv"),
            ("o2", dt.datetime(2026, 1, 1), "placed", "a.csv"),
        ],
        orders.schema,
    )
    assert_df_equality(actual, expected)


def test_daily_revenue_excludes_cancelled_orders(spark: SparkSession) -> None:
    orders = spark.createDataFrame(
        [
            ("o1", "p1", 2, Decimal("10.00"), dt.datetime(2026, 1, 5, 9), "placed"),
            ("o2", "p1", 1, Decimal("10.00"), dt.datetime(2026, 1, 5, 18), "delivered"),
            ("o3", "p1", 5, Decimal("10.00"), dt.datetime(2026, 1, 5, 19), "cancelled"),
            ("o4", "p2", 1, Decimal("3.25"), dt.datetime(2026, 1, 6, 1), "shipped"),
        ],
        "order_id string, product_id string, quantity int, "
        "unit_price decimal(12,2), order_ts timestamp, status string",
    )
    actual = transforms.daily_revenue(orders).orderBy("order_date", "product_id")
    schema = StructType(
        [
            StructField("order_date", DateType()),
            StructField("product_id", StringType()),
            StructField("revenue", DecimalType(18, 2)),
            StructField("orders", LongType(), False),
            StructField("units", LongType()),
        ]
    )
    expected = spark.createDataFrame(
        [
            (dt.date(2026, 1, 5), "p1", Decimal("30.00"), 2, 3),
            (dt.date(2026, 1, 6), "p2", Decimal("3.25"), 1, 1),
        ],
        schema,
    )
    assert_df_equality(actual, expected, ignore_nullable=True)


def test_typed_columns_keep_timestamps(spark: SparkSession) -> None:
    typed = transforms.type_orders(landing(spark, GOOD))
    assert dict(typed.dtypes)["order_ts_ts"] == "timestamp"
    assert isinstance(typed.schema["order_ts_ts"].dataType, TimestampType)
