"""The job's Delta tables, created up front so that every query can start in any order.

Names go through `IDENTIFIER(:name)`, never into the SQL text. The quality framework creates
its own quarantine and metrics tables on first write.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .bronze import BRONZE_DDL
from .settings import (
    BRONZE_TABLE,
    GOLD_COUNTS_TABLE,
    SILVER_EVENTS_TABLE,
    SILVER_STATUS_TABLE,
    StreamingSettings,
)

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

SILVER_EVENTS_DDL = (
    "event_id string not null, order_id string not null, status string not null, "
    "event_time timestamp not null, _source_file string, _ingested_at timestamp"
)
SILVER_STATUS_DDL = (
    "order_id string not null, status string not null, status_time timestamp not null, "
    "last_event_id string not null, _updated_at timestamp"
)
GOLD_COUNTS_DDL = (
    "window_start timestamp not null, window_end timestamp not null, status string not null, "
    "events long not null, _updated_at timestamp"
)

TABLES: dict[str, str] = {
    BRONZE_TABLE: BRONZE_DDL,
    SILVER_EVENTS_TABLE: SILVER_EVENTS_DDL,
    SILVER_STATUS_TABLE: SILVER_STATUS_DDL,
    GOLD_COUNTS_TABLE: GOLD_COUNTS_DDL,
}


def create_tables(spark: SparkSession, settings: StreamingSettings) -> None:
    """Create the schema's streaming tables that do not exist yet (existing ones are kept)."""
    for name, columns in TABLES.items():
        spark.sql(
            f"CREATE TABLE IF NOT EXISTS IDENTIFIER(:name) ({columns}) USING DELTA",
            args={"name": settings.table(name)},
        )
