"""Synthetic order history in the shape of `silver_orders`, for trying the ML jobs locally.

The landing fixtures hold a handful of orders: enough to test the medallion, far too few to
train on. This generator writes a longer, deterministic history: each customer starts at some
day, orders at their own rate and stops after their own lifetime, so recent and frequent buyers
do order again more often, which is the signal the model should find. `revenue_factor` and
`activity_factor` shift the population, for drift checks. Local only: it refuses to run on
Databricks, where silver_orders holds real data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

import numpy as np
from pyspark.sql import DataFrame, SparkSession

from ..runtime import on_databricks
from .config import ORDERS_TABLE, MlConfig

SILVER_ORDERS_SCHEMA = (
    "order_id STRING NOT NULL, customer_id STRING, product_id STRING, quantity INT, "
    "unit_price DECIMAL(10,2), amount DECIMAL(12,2), status STRING, order_ts TIMESTAMP, "
    "order_date DATE, updated_at TIMESTAMP, _row_hash STRING, _source_file STRING, "
    "_ingested_at TIMESTAMP"
)
PRODUCTS = ("P001", "P002", "P003", "P004", "P005")


@dataclass(frozen=True)
class History:
    """What to generate; the defaults give about 5,000 orders over four years."""

    customers: int = 400
    start: datetime = datetime(2022, 1, 1)
    days: int = 1461
    seed: int = 7
    revenue_factor: float = 1.0
    activity_factor: float = 1.0
    customer_prefix: str = "C"


def order_rows(history: History) -> list[tuple]:
    """The orders as tuples in SILVER_ORDERS_SCHEMA's column order."""
    if history.customers < 1 or history.days < 1:
        raise ValueError("a history needs at least one customer and one day")
    rng = np.random.default_rng(history.seed)
    rows: list[tuple] = []
    for index in range(history.customers):
        customer = f"{history.customer_prefix}{index + 1:05d}"
        first_day = rng.uniform(0, history.days)
        last_day = min(first_day + rng.exponential(300), history.days)
        rate = rng.gamma(2.0, 1 / 50) * history.activity_factor  # orders per day
        basket = rng.lognormal(3.5, 0.4) * history.revenue_factor
        day = first_day
        while day < last_day:
            moment = history.start + timedelta(seconds=int(day * 86400))
            quantity = int(rng.integers(1, 4))
            unit_price = Decimal(str(round(float(rng.lognormal(np.log(basket), 0.3)), 2)))
            status = "cancelled" if rng.random() < 0.05 else "delivered"
            rows.append(
                (
                    f"O{customer}-{len(rows) + 1:06d}",
                    customer,
                    PRODUCTS[int(rng.integers(0, len(PRODUCTS)))],
                    quantity,
                    unit_price,
                    unit_price * quantity,
                    status,
                    moment,
                    moment.date(),
                    moment,
                    None,
                    "demo",
                    moment,
                )
            )
            day += rng.exponential(1 / max(rate, 1e-6))
    return rows


def demo_orders(spark: SparkSession, history: History = History()) -> DataFrame:
    """The generated orders as a DataFrame with silver_orders' columns."""
    return spark.createDataFrame(order_rows(history), SILVER_ORDERS_SCHEMA)


def write_demo_orders(
    spark: SparkSession, config: MlConfig, history: History = History(), *, replace: bool = False
) -> tuple[str, int]:
    """Write the history as the schema's silver_orders; refuses on Databricks, and refuses to
    overwrite an existing table unless `replace`."""
    if on_databricks():
        raise RuntimeError("demo orders are for local runs; silver_orders here holds real data")
    table = config.table(ORDERS_TABLE)
    if spark.catalog.tableExists(table) and not replace:
        raise FileExistsError(f"{table} exists; pass --replace to overwrite it with demo orders")
    spark.sql(
        "CREATE SCHEMA IF NOT EXISTS IDENTIFIER(:catalog || '.' || :schema)",
        args={"catalog": config.catalog, "schema": config.schema},
    )
    frame = demo_orders(spark, history)
    frame.write.format("delta").mode("overwrite").option("overwriteSchema", "true").saveAsTable(
        table
    )
    return table, frame.count()
