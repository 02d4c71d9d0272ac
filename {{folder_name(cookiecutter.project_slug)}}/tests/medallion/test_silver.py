"""Silver on the fixtures: exact typed, cleaned, de-duplicated tables and the quarantine."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

from chispa import assert_df_equality
from pyspark.sql import DataFrame, SparkSession

Table = Callable[[str], DataFrame]


def ts(text: str) -> datetime:
    return datetime.fromisoformat(text)


def check(actual: DataFrame, expected: DataFrame) -> None:
    assert_df_equality(
        actual.select(*expected.columns),
        expected,
        ignore_row_order=True,
        ignore_nullable=True,
        ignore_metadata=True,
    )


def test_products_are_typed_trimmed_normalised_and_current(
    spark: SparkSession, table: Table
) -> None:
    expected = spark.createDataFrame(
        [
            ("P001", "Espresso Machine", "Kitchen", Decimal("249.00"), ts("2024-03-01 08:00:00")),
            # The price change of batch 2 replaced the first price (SCD type 1).
            ("P002", "Coffee Grinder", "Kitchen", Decimal("79.50"), ts("2024-03-03 08:00:00")),
            # Landed as "p003", " Milk Frother ", "kitchen".
            ("P003", "Milk Frother", "Kitchen", Decimal("35.00"), ts("2024-03-01 08:00:00")),
            # Landed twice, identical: one row.
            ("P004", "Travel Mug", "Accessories", Decimal("19.99"), ts("2024-03-01 08:00:00")),
            ("P006", "Filter Papers", "Accessories", Decimal("4.50"), ts("2024-03-03 08:00:00")),
        ],
        "product_id STRING, name STRING, category STRING, list_price DECIMAL(10,2), "
        "updated_at TIMESTAMP",
    )
    check(table("silver_products"), expected)


def test_orders_keep_the_latest_version_of_each_order(spark: SparkSession, table: Table) -> None:
    rows = [
        # (order, customer, product, quantity, unit price, amount, status, ordered, updated)
        ("O1000", "C003", "P002", 1, "89.50", "89.50", "placed", "2024-02-29 23:50:00", None),
        # Shipped in batch 2; the stale "placed" copy of batch 3 did not overwrite it.
        (
            "O1001",
            "C001",
            "P001",
            1,
            "249.00",
            "249.00",
            "shipped",
            "2024-03-01 09:15:00",
            "2024-03-02 08:00:00",
        ),
        (
            "O1002",
            "C002",
            "P002",
            2,
            "89.50",
            "179.00",
            "cancelled",
            "2024-03-01 10:30:00",
            "2024-03-03 10:00:00",
        ),
        # " C003 " and "PLACED" cleaned.
        ("O1003", "C003", "P003", 3, "35.00", "105.00", "placed", "2024-03-01 11:00:00", None),
        # A duplicate line in batch 1: one row.
        ("O1005", "C002", "P004", 4, "19.99", "79.96", "placed", "2024-03-01 13:00:00", None),
        ("O1006", "C004", "P002", 1, "79.50", "79.50", "placed", "2024-03-02 09:00:00", None),
        ("O1007", "C002", "P006", 10, "4.50", "45.00", "placed", "2024-03-02 18:00:00", None),
        # Its customer and product were quarantined; the order itself is valid.
        ("O1009", "C005", "P005", 2, "30.00", "60.00", "placed", "2024-03-02 11:00:00", None),
        ("O1010", "C002", "P001", 1, "249.00", "249.00", "delivered", "2024-03-03 10:00:00", None),
        # A late order for March 1st, landed on the 3rd.
        ("O1013", "C001", "P001", 2, "249.00", "498.00", "placed", "2024-03-01 16:00:00", None),
    ]
    expected = spark.createDataFrame(
        [
            (
                order,
                customer,
                product,
                quantity,
                Decimal(price),
                Decimal(amount),
                status,
                ts(ordered),
                ts(ordered).date(),
                ts(updated or ordered),
            )
            for order, customer, product, quantity, price, amount, status, ordered, updated in rows
        ],
        "order_id STRING, customer_id STRING, product_id STRING, quantity INT, "
        "unit_price DECIMAL(10,2), amount DECIMAL(12,2), status STRING, order_ts TIMESTAMP, "
        "order_date DATE, updated_at TIMESTAMP",
    )
    check(table("silver_orders"), expected)
    assert (
        table("silver_orders")
        .where("order_id = 'O1006'")
        .first()["_source_file"]
        .endswith("orders_002.csv")
    ), "a tie on updated_at goes to the file that landed first"


def test_customer_history_has_one_version_per_change(spark: SparkSession, table: Table) -> None:
    start = ts("1900-01-01 00:00:00")
    expected = spark.createDataFrame(
        [
            ("C001", "Ada Lovelace", "ada@example.com", "EMEA", start, None, True),
            (
                "C002",
                "Grace Hopper",
                "grace@example.com",
                "AMER",
                start,
                ts("2024-03-02 12:00:00"),
                False,
            ),
            # Landed last (batch 3) but dated between the other two: it splits the history.
            (
                "C002",
                "Grace Hopper",
                "grace.hopper@example.com",
                "AMER",
                ts("2024-03-02 12:00:00"),
                ts("2024-03-03 09:00:00"),
                False,
            ),
            (
                "C002",
                "Grace Hopper",
                "grace@example.com",
                "APAC",
                ts("2024-03-03 09:00:00"),
                None,
                True,
            ),
            ("C003", "Alan Turing", "alan@example.com", "EMEA", start, None, True),
            ("C004", "Edsger Dijkstra", "edsger@example.com", "EMEA", start, None, True),
        ],
        "customer_id STRING, name STRING, email STRING, region STRING, valid_from TIMESTAMP, "
        "valid_to TIMESTAMP, is_current BOOLEAN",
    )
    check(table("silver_customers_history"), expected)
    keys = table("silver_customers_history").select("customer_version_key").distinct().count()
    assert keys == 6


def test_current_customers_are_the_current_versions(spark: SparkSession, table: Table) -> None:
    expected = spark.createDataFrame(
        [
            ("C001", "Ada Lovelace", "ada@example.com", "EMEA", ts("2024-03-01 08:00:00")),
            ("C002", "Grace Hopper", "grace@example.com", "APAC", ts("2024-03-03 09:00:00")),
            ("C003", "Alan Turing", "alan@example.com", "EMEA", ts("2024-03-01 08:00:00")),
            ("C004", "Edsger Dijkstra", "edsger@example.com", "EMEA", ts("2024-03-02 10:00:00")),
        ],
        "customer_id STRING, name STRING, email STRING, region STRING, updated_at TIMESTAMP",
    )
    check(table("silver_customers"), expected)


def test_every_rejected_row_is_quarantined_with_its_reasons(
    spark: SparkSession, table: Table
) -> None:
    expected = spark.createDataFrame(
        [
            ("customers", None, "missing customer_id"),
            (
                "customers",
                None,
                "malformed line; missing customer_id; missing name; missing email; "
                "missing region; missing updated_at",
            ),
            ("customers", "C003", "updated_at is not a timestamp: not a date"),
            ("customers", "C005", "email is not valid: barbara@example"),
            ("orders", None, "missing order_id"),
            (
                "orders",
                None,
                "malformed line; missing customer_id; missing product_id; "
                "missing quantity; missing unit_price; missing status; "
                "missing order_ts; missing updated_at",
            ),
            ("orders", "O1004", "quantity is not an integer: two"),
            ("orders", "O1008", "unit_price is not a decimal: abc"),
            ("orders", "O1011", "quantity must be positive"),
            ("orders", "O1012", "order_ts is not a timestamp: 2024-13-45 10:00:00"),
            ("orders", "O1014", "unknown status: returned"),
            ("products", None, "missing product_id"),
            ("products", "P005", "list_price is not a decimal: n/a"),
        ],
        "entity STRING, business_key STRING, reason STRING",
    )
    check(table("silver_quarantine"), expected)


def test_quarantine_keeps_the_raw_record_and_the_rescued_data(table: Table) -> None:
    malformed = table("silver_quarantine").where(
        "reason LIKE 'malformed line%' AND entity = 'orders'"
    )
    record = malformed.first()["record"]
    assert '"order_id":"this line is not an order at all"' in record
    assert "_corrupt_record" in record


def test_no_staging_table_is_left_behind(spark: SparkSession, full_run: Any) -> None:
    names = [t.name for t in spark.catalog.listTables(full_run.schema)]
    assert not [name for name in names if name.endswith("_staging")]
