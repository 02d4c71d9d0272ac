"""Pure DataFrame transformations of the ETL workflow: typing, validation, de-duplication, revenue.

Each function takes and returns DataFrames and touches no table, so tests call them directly.
"""

from __future__ import annotations

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F

# Landing files are read as text; typing happens here so that a bad value becomes a reject
# reason instead of a silently null column.
LANDING_COLUMNS = (
    "order_id",
    "customer_id",
    "product_id",
    "quantity",
    "unit_price",
    "status",
    "order_ts",
    "updated_at",
)
CORRUPT_RECORD = "_corrupt_record"
STATUSES = ("placed", "shipped", "delivered", "cancelled", "returned")
REJECT_REASON = "_reject_reason"


def _blank_to_null(column: str) -> Column:
    trimmed = F.trim(F.col(column))
    return F.when(trimmed == "", None).otherwise(trimmed)


def _reason(condition: Column, message: Column | str) -> Column:
    text = message if isinstance(message, Column) else F.lit(message)
    return F.when(condition, text)


def type_orders(raw: DataFrame) -> DataFrame:
    """Trim and type landing columns, keeping the raw text next to each typed value."""
    trimmed = raw.select(
        *[_blank_to_null(name).alias(name) for name in LANDING_COLUMNS],
        *[name for name in raw.columns if name not in LANDING_COLUMNS],
    )
    return trimmed.select(
        "*",
        F.col("quantity").try_cast("int").alias("quantity_int"),
        F.col("unit_price").try_cast("decimal(12,2)").alias("unit_price_dec"),
        F.col("order_ts").try_cast("timestamp").alias("order_ts_ts"),
        F.col("updated_at").try_cast("timestamp").alias("updated_at_ts"),
        F.lower(F.col("status")).alias("status_norm"),
    )


def _reject_reasons(typed: DataFrame) -> Column:
    """One message per failed rule, joined with '; '; null when the row is valid."""
    reasons = F.array(
        _reason(F.col(CORRUPT_RECORD).isNotNull(), "malformed line"),
        _reason(F.col("order_id").isNull(), "order_id is missing"),
        _reason(F.col("customer_id").isNull(), "customer_id is missing"),
        _reason(F.col("product_id").isNull(), "product_id is missing"),
        _reason(
            F.col("quantity_int").isNull(),
            F.concat(F.lit("quantity is not an integer: "), F.coalesce("quantity", F.lit("null"))),
        ),
        _reason(F.col("quantity_int") <= 0, "quantity must be positive"),
        _reason(
            F.col("unit_price_dec").isNull(),
            F.concat(
                F.lit("unit_price is not a number: "), F.coalesce("unit_price", F.lit("null"))
            ),
        ),
        _reason(F.col("unit_price_dec") < 0, "unit_price must not be negative"),
        _reason(
            F.col("order_ts_ts").isNull(),
            F.concat(F.lit("order_ts is not a timestamp: "), F.coalesce("order_ts", F.lit("null"))),
        ),
        _reason(
            F.col("status_norm").isNull() | ~F.col("status_norm").isin(*STATUSES),
            F.concat(
                F.lit("status is not one of " + ", ".join(STATUSES) + ": "),
                F.coalesce("status", F.lit("null")),
            ),
        ),
    )
    present = F.filter(reasons, lambda reason: reason.isNotNull())
    return F.when(F.size(present) > 0, F.concat_ws("; ", present))


def validate_orders(raw: DataFrame) -> DataFrame:
    """Typed orders with a `_reject_reason` column that is null for valid rows."""
    typed = type_orders(raw)
    return typed.withColumn(REJECT_REASON, _reject_reasons(typed))


def valid_orders(validated: DataFrame) -> DataFrame:
    """The valid rows in their final shape."""
    return validated.where(F.col(REJECT_REASON).isNull()).select(
        "order_id",
        "customer_id",
        "product_id",
        F.col("quantity_int").alias("quantity"),
        F.col("unit_price_dec").alias("unit_price"),
        F.col("order_ts_ts").alias("order_ts"),
        F.coalesce("updated_at_ts", "order_ts_ts").alias("updated_at"),
        F.col("status_norm").alias("status"),
        "_source_file",
    )


def rejected_orders(validated: DataFrame) -> DataFrame:
    """The rejected rows: raw text, the reason, and a hash that identifies the row on re-runs."""
    raw_columns = [*LANDING_COLUMNS, CORRUPT_RECORD]
    return validated.where(F.col(REJECT_REASON).isNotNull()).select(
        *raw_columns,
        "_source_file",
        REJECT_REASON,
        F.sha2(
            F.concat_ws("\u0001", "_source_file", *[F.coalesce(c, F.lit("")) for c in raw_columns]),
            256,
        ).alias("_row_hash"),
    )


def latest_per_order(orders: DataFrame) -> DataFrame:
    """One row per order_id: the latest update (ties broken by source file for determinism)."""
    newest_first = Window.partitionBy("order_id").orderBy(
        F.col("updated_at").desc(), F.col("_source_file").desc()
    )
    return (
        orders.withColumn("_rank", F.row_number().over(newest_first))
        .where(F.col("_rank") == 1)
        .drop("_rank")
    )


def daily_revenue(orders: DataFrame) -> DataFrame:
    """Revenue, order count and units per day and product; cancelled orders excluded."""
    return (
        orders.where(F.col("status") != "cancelled")
        .groupBy(F.to_date("order_ts").alias("order_date"), "product_id")
        .agg(
            F.sum(F.col("quantity") * F.col("unit_price")).cast("decimal(18,2)").alias("revenue"),
            F.count("order_id").alias("orders"),
            F.sum("quantity").cast("long").alias("units"),
        )
    )
