"""Silver's building blocks: first arrival per event, latest event per order, newer-only MERGE."""

from __future__ import annotations

from chispa import assert_df_equality
from pyspark.sql import SparkSession

from {{ cookiecutter.package_name }}.streaming import (
    StreamingSettings,
)
from {{ cookiecutter.package_name }}.streaming.silver import (
    default_rules,
    discard_partial_quarantine,
    distinct_events,
    latest_per_order,
    merge_status,
)
from {{ cookiecutter.package_name }}.streaming.tables import (
    create_tables,
)

from .conftest import EVENTS, at

STATUS = "order_id string, status string, status_time timestamp, last_event_id string"


def test_distinct_events_keeps_the_first_arrival(spark: SparkSession) -> None:
    events = spark.createDataFrame(
        [
            ("e-1", "o-1", "placed", at(9), "b.json", at(12)),
            ("e-1", "o-1", "placed", at(9), "a.json", at(12)),  # same time: file name decides
            ("e-2", "o-1", "paid", at(10), "c.json", at(13)),
            ("e-2", "o-1", "paid", at(10), "b.json", at(12)),  # arrived first
        ],
        EVENTS,
    )
    expected = spark.createDataFrame(
        [
            ("e-1", "o-1", "placed", at(9), "a.json", at(12)),
            ("e-2", "o-1", "paid", at(10), "b.json", at(12)),
        ],
        EVENTS,
    )
    assert_df_equality(distinct_events(events), expected, ignore_row_order=True)


def test_latest_per_order_takes_the_newest_event_and_breaks_ties_by_id(
    spark: SparkSession,
) -> None:
    events = spark.createDataFrame(
        [
            ("e-1", "o-1", "placed", at(9), "a.json", at(12)),
            ("e-3", "o-1", "shipped", at(11), "a.json", at(12)),
            ("e-2", "o-1", "paid", at(10), "a.json", at(12)),  # out of order
            ("e-4", "o-2", "placed", at(9), "a.json", at(12)),
            ("e-5", "o-2", "cancelled", at(9), "a.json", at(12)),  # same time as e-4
        ],
        EVENTS,
    )
    expected = spark.createDataFrame(
        [("o-1", "shipped", at(11), "e-3"), ("o-2", "cancelled", at(9), "e-5")], STATUS
    )
    assert_df_equality(latest_per_order(events), expected, ignore_row_order=True)


def test_status_moves_only_forward_in_event_time(
    spark: SparkSession, settings: StreamingSettings
) -> None:
    create_tables(spark, settings)
    merge_status(
        spark,
        settings,
        spark.createDataFrame(
            [("o-1", "shipped", at(11), "e-3"), ("o-2", "placed", at(9), "e-4")], STATUS
        ),
    )
    merge_status(
        spark,
        settings,
        spark.createDataFrame(
            [
                ("o-1", "paid", at(10), "e-2"),  # late: older than shipped, ignored
                ("o-2", "cancelled", at(9), "e-5"),  # same time, greater id: wins
                ("o-3", "placed", at(8), "e-6"),  # new order
            ],
            STATUS,
        ),
    )
    stored = spark.table(settings.table("silver_order_status")).drop("_updated_at")
    expected = spark.createDataFrame(
        [
            ("o-1", "shipped", at(11), "e-3"),
            ("o-2", "cancelled", at(9), "e-5"),
            ("o-3", "placed", at(8), "e-6"),
        ],
        STATUS,
    )
    assert_df_equality(
        stored, expected, ignore_row_order=True, ignore_nullable=True, ignore_column_order=True
    )


def test_the_shipped_rules_check_the_event_columns() -> None:
    rules = default_rules()
    assert rules.table == "silver_order_events"
    assert rules.action.value == "quarantine"
    assert {column for rule in rules.rules for column in rule.check.columns()} >= {
        "event_id",
        "order_id",
        "status",
        "event_time",
    }


def test_an_interrupted_attempt_leaves_no_quarantine_rows_behind(
    spark: SparkSession, settings: StreamingSettings
) -> None:
    quarantine = settings.table("silver_order_events_quarantine")
    discard_partial_quarantine(spark, settings, "run-1")  # no table yet: nothing to do
    spark.createDataFrame(
        [("e-1", "run-1"), ("e-2", "run-2")], "event_id string, _run_id string"
    ).write.format("delta").saveAsTable(quarantine)

    discard_partial_quarantine(spark, settings, "run-2")

    assert [row.event_id for row in spark.table(quarantine).collect()] == ["e-1"]
