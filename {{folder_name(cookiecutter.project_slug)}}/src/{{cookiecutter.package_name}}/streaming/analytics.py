"""Gold: order-status events per time window, for the streaming dashboard.

A watermarked streaming aggregation over `silver_order_events` (each event once) in update
mode: each micro-batch emits the windows whose counts changed, with their full counts, and
MERGE writes them, so a replayed batch writes the same numbers again.

Late data: Spark keeps a window's state until the watermark (the newest event time seen, minus
`watermark_delay`) passes the window's end. An event older than the watermark when its batch
starts is dropped by the aggregation: it is not counted here, but it is in silver (silver
never drops late events). The watermark moves between batches, so whether an event that late
is counted depends on how the files were split into batches; events within the delay are
always counted. A window's count never goes down: MERGE keeps the larger of the stored and
the emitted count, should a window's state ever be rebuilt from fewer events.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from delta.tables import DeltaTable
from pyspark.sql import functions as F

from .idempotency import checkpoint_app_id, idempotent_writes
from .settings import GOLD_COUNTS_TABLE, SILVER_EVENTS_TABLE, StreamingSettings
from .triggers import with_trigger

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession
    from pyspark.sql.streaming import StreamingQuery


def status_counts(events: DataFrame, settings: StreamingSettings) -> DataFrame:
    """Events per (window, status), with the watermark that bounds the aggregation's state."""
    return (
        events.withWatermark("event_time", settings.watermark_delay)
        .groupBy(F.window("event_time", settings.window_duration), "status")
        .agg(F.count("*").alias("events"))
        .select(
            F.col("window.start").alias("window_start"),
            F.col("window.end").alias("window_end"),
            "status",
            "events",
        )
    )


def counts_upserter(settings: StreamingSettings, app_id: str) -> Callable[[DataFrame, int], None]:
    """The `foreachBatch` function writing the changed windows' counts."""

    def upsert(counts: DataFrame, batch_id: int) -> None:
        spark = counts.sparkSession
        values = {
            "window_start": "s.window_start",
            "window_end": "s.window_end",
            "status": "s.status",
            "events": "greatest(t.events, s.events)",
            "_updated_at": "current_timestamp()",
        }
        with idempotent_writes(spark, app_id, batch_id):
            (
                DeltaTable.forName(spark, settings.table(GOLD_COUNTS_TABLE))
                .alias("t")
                .merge(
                    counts.alias("s"),
                    "t.window_start = s.window_start AND t.status = s.status",
                )
                .whenMatchedUpdate(set=values)
                .whenNotMatchedInsert(values={**values, "events": "s.events"})
                .execute()
            )

    return upsert


def start_analytics(spark: SparkSession, settings: StreamingSettings) -> StreamingQuery:
    """Start the query silver_order_events -> gold_order_status_counts."""
    checkpoint = settings.checkpoint(GOLD_COUNTS_TABLE)
    counts = status_counts(spark.readStream.table(settings.table(SILVER_EVENTS_TABLE)), settings)
    writer = (
        counts.writeStream.queryName(GOLD_COUNTS_TABLE)
        .outputMode("update")
        .option("checkpointLocation", checkpoint)
        .foreachBatch(counts_upserter(settings, checkpoint_app_id(checkpoint, GOLD_COUNTS_TABLE)))
    )
    return with_trigger(writer, settings).start()
