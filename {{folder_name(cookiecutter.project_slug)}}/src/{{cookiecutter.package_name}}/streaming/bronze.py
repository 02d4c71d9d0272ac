"""Bronze: every event as it arrived, with where and when it was ingested. Append-only."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pyspark.sql import functions as F

from .settings import BRONZE_TABLE, StreamingSettings
from .source import read_events
from .triggers import with_trigger

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession
    from pyspark.sql.streaming import StreamingQuery

BRONZE_DDL = (
    "event_id string, order_id string, status string, event_time timestamp, "
    "_rescued_data string, _source_file string, _ingested_at timestamp"
)


def with_ingestion_metadata(events: DataFrame) -> DataFrame:
    """Add the source file (from the file source's `_metadata`) and the ingestion time."""
    return events.withColumns(
        {
            "_source_file": F.col("_metadata.file_path"),
            "_ingested_at": F.current_timestamp(),
        }
    )


def start_bronze(spark: SparkSession, settings: StreamingSettings) -> StreamingQuery:
    """Start the ingestion query: source files -> bronze_order_events (exactly once, by the
    Delta sink and the checkpoint)."""
    checkpoint = settings.checkpoint(BRONZE_TABLE)
    events = read_events(
        spark, settings.source_path, f"{checkpoint}/_schema", settings.max_files_per_batch
    )
    writer = (
        with_ingestion_metadata(events)
        .writeStream.format("delta")
        .queryName(BRONZE_TABLE)
        .option("checkpointLocation", checkpoint)
        # Auto Loader may add columns (schema evolution); the table takes them.
        .option("mergeSchema", "true")
    )
    return with_trigger(writer, settings).toTable(settings.table(BRONZE_TABLE))
