"""Silver: each valid event once, and the latest status of each order, upserted per batch.

Every micro-batch of bronze goes through `foreachBatch`:

1. the quality framework checks it (rules in `order_events.rules.yml`): rows with errors go to
   quarantine with their reasons, metrics go to `streaming_quality_metrics` with the batch id;
2. the valid events are deduplicated by `event_id` (first arrival wins) and inserted into
   `silver_order_events` when their id is new (MERGE ... WHEN NOT MATCHED INSERT), so a
   duplicate arriving days later is still caught: the table, not a bounded state, is the memory;
3. the latest event of each order in the batch (by event time, then event id) updates
   `silver_order_status` only when it is newer than what the table holds, so late and
   out-of-order events never move an order back to an older status.

Steps 2 and 3 commute across batches, so any split of the files into batches (one run, or a
run stopped and restarted) gives the same tables. A replayed batch changes nothing (see
`batch_upserter`).
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from delta.tables import DeltaTable
from pyspark.sql import Window
from pyspark.sql import functions as F

from ..quality import RuleSet, load_rules, run_checks
from .idempotency import checkpoint_app_id, idempotent_writes
from .settings import (
    BRONZE_TABLE,
    CHECKED_BATCH_TABLE,
    METRICS_TABLE,
    QUARANTINE_TABLE,
    SILVER_EVENTS_TABLE,
    SILVER_STATUS_TABLE,
    StreamingSettings,
)
from .triggers import with_trigger

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession
    from pyspark.sql.streaming import StreamingQuery

EVENT_FIELDS = ["event_id", "order_id", "status", "event_time", "_source_file", "_ingested_at"]


def default_rules() -> RuleSet:
    """The rule set shipped beside this module."""
    return load_rules(Path(str(resources.files(__package__) / "order_events.rules.yml")))


def distinct_events(events: DataFrame) -> DataFrame:
    """One row per `event_id`: the first to arrive (earliest ingestion, then file name)."""
    first = Window.partitionBy("event_id").orderBy("_ingested_at", "_source_file")
    return (
        events.withColumn("_arrival", F.row_number().over(first))
        .filter("_arrival = 1")
        .drop("_arrival")
    )


def latest_per_order(events: DataFrame) -> DataFrame:
    """The newest event of each order (ties on event time: the greater event id)."""
    newest = Window.partitionBy("order_id").orderBy(F.desc("event_time"), F.desc("event_id"))
    return (
        events.withColumn("_rank", F.row_number().over(newest))
        .filter("_rank = 1")
        .select(
            "order_id",
            "status",
            F.col("event_time").alias("status_time"),
            F.col("event_id").alias("last_event_id"),
        )
    )


def merge_events(spark: SparkSession, settings: StreamingSettings, events: DataFrame) -> None:
    """Insert the events whose id silver has not seen."""
    (
        DeltaTable.forName(spark, settings.table(SILVER_EVENTS_TABLE))
        .alias("t")
        .merge(events.alias("s"), "t.event_id = s.event_id")
        .whenNotMatchedInsertAll()
        .execute()
    )


def merge_status(spark: SparkSession, settings: StreamingSettings, latest: DataFrame) -> None:
    """Upsert each order's status when the incoming event is newer than the stored one."""
    newer = (
        "s.status_time > t.status_time OR "
        "(s.status_time = t.status_time AND s.last_event_id > t.last_event_id)"
    )
    values = {
        "status": "s.status",
        "status_time": "s.status_time",
        "last_event_id": "s.last_event_id",
        "_updated_at": "current_timestamp()",
    }
    (
        DeltaTable.forName(spark, settings.table(SILVER_STATUS_TABLE))
        .alias("t")
        .merge(latest.alias("s"), "t.order_id = s.order_id")
        .whenMatchedUpdate(condition=newer, set=values)
        .whenNotMatchedInsert(values={"order_id": "s.order_id", **values})
        .execute()
    )


def checked_before(spark: SparkSession, settings: StreamingSettings, run_id: str) -> bool:
    """True when an earlier attempt of this batch finished its quality run (metrics come last)."""
    metrics = settings.table(METRICS_TABLE)
    return (
        spark.catalog.tableExists(metrics)
        and not spark.table(metrics).filter(F.col("run_id") == run_id).limit(1).isEmpty()
    )


def discard_partial_quarantine(
    spark: SparkSession, settings: StreamingSettings, run_id: str
) -> None:
    """Delete quarantine rows that an interrupted attempt of this batch wrote."""
    quarantine = settings.table(QUARANTINE_TABLE)
    if not spark.catalog.tableExists(quarantine):
        return
    mine = F.col("_run_id") == run_id
    if not spark.table(quarantine).filter(mine).limit(1).isEmpty():
        DeltaTable.forName(spark, quarantine).delete(mine)


def batch_upserter(
    settings: StreamingSettings, rule_set: RuleSet, app_id: str
) -> Callable[[DataFrame, int], None]:
    """The `foreachBatch` function: check, then upsert; a replayed batch writes nothing twice.

    The quality run writes quarantine, valid rows and metrics, in that order. A replay whose
    earlier attempt wrote the metrics reuses its valid rows (the replayed batch is always the
    last one, so they are still stored); otherwise it discards the attempt's quarantine rows and
    checks again. The MERGEs are idempotent under the batch id (`idempotency.py`). The quality
    run is not: it collects metrics while writing, so its writes must never be skipped.
    """

    def upsert(batch: DataFrame, batch_id: int) -> None:
        spark = batch.sparkSession
        # The app id names the checkpoint, so a new checkpoint's batch 0 is a new run.
        run_id = f"{app_id}-{batch_id}"
        if not checked_before(spark, settings, run_id):
            discard_partial_quarantine(spark, settings, run_id)
            # Valid rows are stored (replacing the previous batch's), so the checks run in one
            # pass and both MERGEs read stored rows. (No `persist` here: serverless has none.)
            run_checks(
                batch,
                rule_set,
                table_name=SILVER_EVENTS_TABLE,
                valid_to=settings.table(CHECKED_BATCH_TABLE),
                valid_mode="overwrite",
                quarantine_to=settings.table(QUARANTINE_TABLE),
                metrics_to=settings.table(METRICS_TABLE),
                run_id=run_id,
            )
        valid = spark.table(settings.table(CHECKED_BATCH_TABLE)).select(EVENT_FIELDS)
        events = distinct_events(valid)
        with idempotent_writes(spark, app_id, batch_id):
            merge_events(spark, settings, events)
            merge_status(spark, settings, latest_per_order(events))

    return upsert


def start_silver(
    spark: SparkSession, settings: StreamingSettings, rule_set: RuleSet | None = None
) -> StreamingQuery:
    """Start the query bronze_order_events -> silver_order_events and silver_order_status."""
    checkpoint = settings.checkpoint(SILVER_EVENTS_TABLE)
    upsert = batch_upserter(
        settings, rule_set or default_rules(), checkpoint_app_id(checkpoint, SILVER_EVENTS_TABLE)
    )
    writer = (
        spark.readStream.table(settings.table(BRONZE_TABLE))
        .writeStream.queryName(SILVER_EVENTS_TABLE)
        .option("checkpointLocation", checkpoint)
        .foreachBatch(upsert)
    )
    return with_trigger(writer, settings).start()
