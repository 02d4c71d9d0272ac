"""Gold: events per status and window; events later than the watermark are not counted."""

from __future__ import annotations

from datetime import datetime

from chispa import assert_df_equality
from pyspark.sql import SparkSession

from {{ cookiecutter.package_name }}.streaming import (
    StreamingSettings,
)
from {{ cookiecutter.package_name }}.streaming.analytics import (
    start_analytics,
    status_counts,
)
from {{ cookiecutter.package_name }}.streaming.tables import (
    create_tables,
)

from .conftest import EVENTS, at

COUNTS = "window_start timestamp, window_end timestamp, status string, events long"


def test_status_counts_per_window(spark: SparkSession, settings: StreamingSettings) -> None:
    events = spark.createDataFrame(
        [
            ("e-1", "o-1", "placed", at(9, 5), "a", at(12)),
            ("e-2", "o-2", "placed", at(9, 55), "a", at(12)),
            ("e-3", "o-1", "paid", at(10, 0), "a", at(12)),  # a window includes its start
        ],
        EVENTS,
    )
    expected = spark.createDataFrame(
        [(at(9), at(10), "placed", 2), (at(10), at(11), "paid", 1)], COUNTS
    )
    assert_df_equality(
        status_counts(events, settings), expected, ignore_row_order=True, ignore_nullable=True
    )


def test_events_later_than_the_watermark_are_not_counted(
    spark: SparkSession, settings: StreamingSettings
) -> None:
    """The watermark is the newest event time seen in earlier batches minus 2 hours."""
    create_tables(spark, settings)
    silver = settings.table("silver_order_events")

    def arrive(*events: tuple[str, datetime]) -> None:
        rows = [(event_id, "o-1", "placed", time, "f", at(23)) for event_id, time in events]
        spark.createDataFrame(rows, EVENTS).write.insertInto(silver)
        query = start_analytics(spark, settings)
        query.awaitTermination()
        assert query.exception() is None

    arrive(("e-1", at(12, 10)))  # watermark becomes 10:10
    arrive(("e-2", at(12, 40)))  # watermark becomes 10:40
    arrive(("e-3", at(9, 30)), ("e-4", at(11, 5)))  # 09:00-10:00 ended before 10:40: late

    counts = spark.table(settings.table("gold_order_status_counts")).drop("_updated_at")
    expected = spark.createDataFrame(
        [(at(11), at(12), "placed", 1), (at(12), at(13), "placed", 2)], COUNTS
    )
    assert_df_equality(counts, expected, ignore_row_order=True, ignore_nullable=True)
    # Silver still holds the late event: only the windowed counts leave it out.
    assert spark.table(silver).filter("event_id = 'e-3'").count() == 1
