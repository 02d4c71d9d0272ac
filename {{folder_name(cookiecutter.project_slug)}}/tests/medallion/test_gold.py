"""Gold on the fixtures: exact business aggregates."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from chispa import assert_df_equality
from pyspark.sql import DataFrame, SparkSession

Table = Callable[[str], DataFrame]


def test_daily_revenue_by_product_and_region(spark: SparkSession, table: Table) -> None:
    expected = spark.createDataFrame(
        [
            (
                date(2024, 2, 29),
                "P002",
                "Coffee Grinder",
                "Kitchen",
                "EMEA",
                1,
                1,
                Decimal("89.50"),
            ),
            # O1001 (249.00) and the late O1013 (2 x 249.00) on the same day, product and region.
            (
                date(2024, 3, 1),
                "P001",
                "Espresso Machine",
                "Kitchen",
                "EMEA",
                2,
                3,
                Decimal("747.00"),
            ),
            (date(2024, 3, 1), "P003", "Milk Frother", "Kitchen", "EMEA", 1, 3, Decimal("105.00")),
            # Grace Hopper was in AMER on March 1st; she moved to APAC on the 3rd.
            (date(2024, 3, 1), "P004", "Travel Mug", "Accessories", "AMER", 1, 4, Decimal("79.96")),
            (date(2024, 3, 2), "P002", "Coffee Grinder", "Kitchen", "EMEA", 1, 1, Decimal("79.50")),
            # Product P005 and customer C005 are in quarantine: the revenue still counts.
            (date(2024, 3, 2), "P005", "unknown", "unknown", "unknown", 1, 2, Decimal("60.00")),
            (
                date(2024, 3, 2),
                "P006",
                "Filter Papers",
                "Accessories",
                "AMER",
                1,
                10,
                Decimal("45.00"),
            ),
            (
                date(2024, 3, 3),
                "P001",
                "Espresso Machine",
                "Kitchen",
                "APAC",
                1,
                1,
                Decimal("249.00"),
            ),
            # O1002 was cancelled: no row for it.
        ],
        "order_date DATE, product_id STRING, product_name STRING, category STRING, region STRING, "
        "orders BIGINT, units BIGINT, revenue DECIMAL(18,2)",
    )
    assert_df_equality(
        table("gold_daily_revenue"),
        expected,
        ignore_row_order=True,
        ignore_nullable=True,
        ignore_metadata=True,
    )


def test_customer_lifetime_value(spark: SparkSession, table: Table) -> None:
    expected = spark.createDataFrame(
        [
            (
                "C001",
                "Ada Lovelace",
                "EMEA",
                date(2024, 3, 1),
                date(2024, 3, 1),
                2,
                Decimal("747.00"),
                Decimal("373.50"),
            ),
            # 373.96 / 3 orders = 124.653...; the cancelled O1002 does not count.
            (
                "C002",
                "Grace Hopper",
                "APAC",
                date(2024, 3, 1),
                date(2024, 3, 3),
                3,
                Decimal("373.96"),
                Decimal("124.65"),
            ),
            (
                "C003",
                "Alan Turing",
                "EMEA",
                date(2024, 2, 29),
                date(2024, 3, 1),
                2,
                Decimal("194.50"),
                Decimal("97.25"),
            ),
            (
                "C004",
                "Edsger Dijkstra",
                "EMEA",
                date(2024, 3, 2),
                date(2024, 3, 2),
                1,
                Decimal("79.50"),
                Decimal("79.50"),
            ),
            (
                "C005",
                "unknown",
                "unknown",
                date(2024, 3, 2),
                date(2024, 3, 2),
                1,
                Decimal("60.00"),
                Decimal("60.00"),
            ),
        ],
        "customer_id STRING, name STRING, region STRING, first_order_date DATE, "
        "last_order_date DATE, orders BIGINT, lifetime_revenue DECIMAL(18,2), "
        "average_order_value DECIMAL(18,2)",
    )
    assert_df_equality(
        table("gold_customer_lifetime_value"),
        expected,
        ignore_row_order=True,
        ignore_nullable=True,
        ignore_metadata=True,
    )


def test_gold_tables_reconcile_with_silver(table: Table) -> None:
    daily = table("gold_daily_revenue").agg({"revenue": "sum"}).first()[0]
    lifetime = table("gold_customer_lifetime_value").agg({"lifetime_revenue": "sum"}).first()[0]
    silver = table("silver_orders").where("status != 'cancelled'").agg({"amount": "sum"}).first()[0]
    assert daily == lifetime == silver == Decimal("1454.96")
