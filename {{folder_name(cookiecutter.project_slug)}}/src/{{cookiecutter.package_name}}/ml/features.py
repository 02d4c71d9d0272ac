"""The feature table: what was known about each customer at each cutoff (point in time).

`gold_customer_lifetime_value` holds each customer's figures as of now, so it cannot say what
was known a year ago without leaking the future into training. The builder therefore applies the
gold layer's own definitions (orders that are not cancelled; count, revenue rounded to cents,
average order value, first and last order date) to `silver_orders`, restricted to the orders
placed before each cutoff. At the latest cutoff the figures equal the gold table's (a test
holds the two together), and older cutoffs give training rows without leakage.

The table `ml_customer_features` is keyed by (customer_id, as_of). In Unity Catalog it carries
`PRIMARY KEY (customer_id, as_of TIMESERIES)`, which makes it a feature table for point-in-time
lookups; local Delta has no key constraints, so locally the same table is created without it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from ..runtime import on_databricks
from .config import FEATURE_TABLE, KEY_COLUMNS, LABEL_COLUMN, ORDERS_TABLE, MlConfig

RECENT_DAYS = 90
# Customers without an order in the year before a cutoff count as gone: they are neither
# scored nor trained on, so the population stays comparable from one cutoff to the next.
ACTIVE_DAYS = 365
GRID_ORIGIN = datetime(1970, 1, 1)

_COLUMNS = """
    customer_id STRING NOT NULL,
    as_of TIMESTAMP NOT NULL COMMENT 'Cutoff: only orders placed before it count',
    orders BIGINT COMMENT 'Orders placed before the cutoff (cancelled ones excluded)',
    lifetime_revenue DECIMAL(18, 2),
    average_order_value DECIMAL(18, 2),
    first_order_date DATE,
    last_order_date DATE,
    days_since_last_order INT,
    days_since_first_order INT,
    orders_last_90_days BIGINT,
    computed_at TIMESTAMP"""
_STAGED_VIEW = "ml_customer_features_staged"
_PRIMARY_KEY = (
    ",\n    CONSTRAINT ml_customer_features_pk PRIMARY KEY (customer_id, as_of TIMESERIES)"
)


class NoOrdersError(ValueError):
    """The order table holds no usable order, so there is nothing to build features from."""


def valid_orders(orders: DataFrame) -> DataFrame:
    """The orders the gold layer counts: not cancelled, with a customer and a timestamp."""
    return orders.where(
        (F.col("status") != "cancelled")
        & F.col("customer_id").isNotNull()
        & F.col("order_ts").isNotNull()
    )


def read_orders(spark: SparkSession, config: MlConfig) -> DataFrame:
    """The silver orders the medallion job maintains."""
    return spark.table(config.table(ORDERS_TABLE))


def latest_order(orders: DataFrame) -> datetime:
    """When the latest usable order was placed; the data's "now"."""
    latest = valid_orders(orders).agg(F.max("order_ts")).first()[0]
    if latest is None:
        raise NoOrdersError("the order table has no order that is not cancelled")
    return latest


def first_order(orders: DataFrame) -> datetime:
    """When the first usable order was placed."""
    first = valid_orders(orders).agg(F.min("order_ts")).first()[0]
    if first is None:
        raise NoOrdersError("the order table has no order that is not cancelled")
    return first


def next_midnight(moment: datetime) -> datetime:
    """Midnight after `moment`: the default cutoff, so that every order so far counts."""
    return datetime(moment.year, moment.month, moment.day) + timedelta(days=1)


def cutoffs(first: datetime, as_of: datetime, step_days: int) -> list[datetime]:
    """The training grid's cutoffs after the first order and before `as_of`, then `as_of`.

    The grid is anchored at 1970-01-01 and spaced `step_days` apart, so every run (weekly
    training, daily scoring at a new as_of) upserts the same grid rows instead of adding a
    shifted copy of the history each day.
    """
    start = max(first, GRID_ORIGIN)
    steps = (start - GRID_ORIGIN).days // step_days + 1
    cutoff = GRID_ORIGIN + timedelta(days=steps * step_days)
    result = []
    while cutoff < as_of:
        result.append(cutoff)
        cutoff += timedelta(days=step_days)
    return [*result, as_of] if as_of > first else result


def on_grid(as_of: datetime, step_days: int) -> bool:
    """Whether `as_of` is a cutoff of the training grid."""
    offset = as_of - GRID_ORIGIN
    return offset.seconds == 0 and offset.microseconds == 0 and offset.days % step_days == 0


def _cutoff_frame(spark: SparkSession, moments: list[datetime]) -> DataFrame:
    return spark.createDataFrame([(moment,) for moment in moments], "as_of TIMESTAMP")


def customer_features(orders: DataFrame, moments: list[datetime]) -> DataFrame:
    """One row per active customer (an order in the year before the cutoff) and cutoff."""
    spark = orders.sparkSession
    history = valid_orders(orders).crossJoin(F.broadcast(_cutoff_frame(spark, moments)))
    history = history.where(F.col("order_ts") < F.col("as_of"))
    active_since = F.col("as_of") - F.expr(f"INTERVAL {ACTIVE_DAYS} DAYS")
    recent = F.col("order_ts") >= F.col("as_of") - F.expr(f"INTERVAL {RECENT_DAYS} DAYS")
    totals = history.groupBy("customer_id", "as_of").agg(
        F.count(F.lit(1)).alias("orders"),
        F.sum("amount").cast("decimal(18,2)").alias("lifetime_revenue"),
        F.min("order_date").alias("first_order_date"),
        F.max("order_date").alias("last_order_date"),
        F.count(F.when(recent, 1)).alias("orders_last_90_days"),
        F.max("order_ts").alias("last_order_ts"),
    )
    totals = totals.where(F.col("last_order_ts") >= active_since)
    cutoff_date = F.to_date("as_of")
    return totals.select(
        "customer_id",
        "as_of",
        "orders",
        "lifetime_revenue",
        (F.col("lifetime_revenue") / F.col("orders"))
        .cast("decimal(18,2)")
        .alias("average_order_value"),
        "first_order_date",
        "last_order_date",
        F.datediff(cutoff_date, F.col("last_order_date")).alias("days_since_last_order"),
        F.datediff(cutoff_date, F.col("first_order_date")).alias("days_since_first_order"),
        "orders_last_90_days",
        F.current_timestamp().alias("computed_at"),
    )


def labels(orders: DataFrame, moments: list[datetime], horizon_days: int) -> DataFrame:
    """Whether each customer with history ordered again within `horizon_days` of the cutoff."""
    spark = orders.sparkSession
    valid = valid_orders(orders).crossJoin(F.broadcast(_cutoff_frame(spark, moments)))
    window_end = F.col("as_of") + F.expr(f"INTERVAL {horizon_days} DAYS")
    after = (F.col("order_ts") >= F.col("as_of")) & (F.col("order_ts") < window_end)
    return (
        valid.groupBy("customer_id", "as_of")
        .agg(
            F.max(F.when(F.col("order_ts") < F.col("as_of"), 1).otherwise(0)).alias("known"),
            F.max(F.when(after, 1).otherwise(0)).alias(LABEL_COLUMN),
        )
        .where(F.col("known") == 1)
        .select(*KEY_COLUMNS, LABEL_COLUMN)
    )


def create_feature_table(spark: SparkSession, config: MlConfig) -> str:
    """Create the feature table when missing; with its time-series key in Unity Catalog."""
    table = config.table(FEATURE_TABLE)
    key = _PRIMARY_KEY if on_databricks() else ""
    spark.sql(
        f"CREATE TABLE IF NOT EXISTS IDENTIFIER(:table) ({_COLUMNS}{key}\n) USING DELTA "
        # Clustered by cutoff: a run rewrites only the files of the cutoffs it replaces.
        "CLUSTER BY (as_of) "
        "COMMENT 'Customer features per cutoff (as_of), for the customer_repurchase model'",
        args={"table": table},
    )
    return table


def write_features(
    spark: SparkSession, features: DataFrame, config: MlConfig, moments: list[datetime]
) -> str:
    """Replace the rows of the cutoffs `moments` with `features`; re-running converges, and a
    customer who no longer qualifies at a cutoff (an order was cancelled since) drops out."""
    table = create_feature_table(spark, config)
    features.createOrReplaceTempView(_STAGED_VIEW)
    # Spark binds no parameter marker inside REPLACE WHERE, so the cutoffs are rendered; they
    # are datetimes computed here, never text from outside.
    cutoff_list = ", ".join(f"TIMESTAMP'{moment:%Y-%m-%d %H:%M:%S.%f}'" for moment in moments)
    spark.sql(
        f"INSERT INTO IDENTIFIER(:table) REPLACE WHERE as_of IN ({cutoff_list}) "  # noqa: S608
        f"SELECT * FROM {_STAGED_VIEW}",
        args={"table": table},
    )
    spark.catalog.dropTempView(_STAGED_VIEW)
    return table


def build_feature_table(
    spark: SparkSession, config: MlConfig, as_of: datetime | None = None, *, history: bool = True
) -> tuple[str, list[datetime]]:
    """Compute and upsert the features at `as_of` (default: the midnight after the latest
    order) and, with `history`, at every grid cutoff before it; returns the table and the
    cutoffs written."""
    orders = read_orders(spark, config)
    as_of = as_of or next_midnight(latest_order(orders))
    moments = cutoffs(first_order(orders), as_of, config.cutoff_step_days)
    if not history:
        moments = moments[-1:]
    if not moments:
        raise NoOrdersError(f"no order was placed before the cutoff {as_of:%Y-%m-%d %H:%M}")
    features = customer_features(orders, moments)
    return write_features(spark, features, config, moments), moments
