"""The whole job: idempotency, row conservation, late data and recovery after a failure."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

Table = Callable[[str], DataFrame]
SILVER_AND_GOLD = (
    "silver_products",
    "silver_orders",
    "silver_customers",
    "silver_customers_history",
    "silver_quarantine",
    "gold_daily_revenue",
    "gold_customer_lifetime_value",
)

# Per entity: the bronze columns as landed and how silver cleans the business key.
ENTITIES = {
    "orders": (
        [
            "order_id",
            "customer_id",
            "product_id",
            "quantity",
            "unit_price",
            "status",
            "order_ts",
            "updated_at",
            "_rescued_data",
        ],
        "order_id",
    ),
    "customers": (
        ["customer_id", "name", "email", "region", "updated_at", "_rescued_data"],
        "customer_id",
    ),
    "products": (
        ["product_id", "name", "category", "list_price", "updated_at", "_rescued_data"],
        "product_id",
    ),
}


def test_the_job_runs_its_tasks_in_order(full_run: Any) -> None:
    first = full_run.runs[0]
    layers = [task.key for task in first.tasks if task.key != "quality"]  # quality: its own tests
    assert layers[:3] == ["bronze", "silver", "gold"]
    assert all(task.status == "succeeded" for task in first.tasks)


def test_running_twice_gives_identical_silver_and_gold(full_run: Any) -> None:
    first, second = full_run.snapshots
    for name in SILVER_AND_GOLD:
        assert second[name] == first[name], name


def test_a_second_run_rewrites_nothing_but_the_rebuilt_daily_revenue(full_run: Any) -> None:
    second = full_run.runs[1]
    written = {
        commit.table.split(".", 1)[1]
        for task in second.tasks
        for commit in task.commits
        if commit.inserted or commit.updated or commit.deleted
    }
    # The quality task appends each run's metrics: a history, written by design.
    assert written - {"quality_metrics"} <= {"gold_daily_revenue"}


def test_every_bronze_row_is_in_silver_or_in_quarantine_with_a_reason(
    spark: SparkSession, table: Table
) -> None:
    quarantine = table("silver_quarantine")
    assert quarantine.where("reason IS NULL OR reason = ''").count() == 0
    for entity, (columns, key) in ENTITIES.items():
        bronze = table(f"bronze_{entity}").select(
            "*", F.to_json(F.struct(*columns)).alias("record")
        )
        rejected = quarantine.where(F.col("entity") == entity).select("_source_file", "record")
        kept = bronze.join(rejected, ["_source_file", "record"], "left_anti")
        quarantined = bronze.join(rejected, ["_source_file", "record"], "left_semi")
        assert kept.count() + quarantined.count() == bronze.count(), entity
        kept_keys = {row[0] for row in kept.select(F.upper(F.trim(key))).distinct().collect()}
        silver_keys = {row[0] for row in table(f"silver_{entity}").select(key).collect()}
        assert kept_keys == silver_keys, entity
        assert quarantined.select("_source_file", "record").distinct().count() == rejected.count()


def test_batch_by_batch_converges_to_the_same_silver_and_gold(
    full_run: Any, incremental_runs: Any
) -> None:
    final = incremental_runs.snapshots[-1]
    for name in SILVER_AND_GOLD:
        assert final[name] == full_run.snapshots[0][name], name


def test_a_run_that_failed_half_way_is_repaired_by_the_next(incremental_runs: Any) -> None:
    failed = incremental_runs.runs[2]
    assert [task.status for task in failed.tasks][:3] == ["succeeded", "failed", "not run"]
    assert "simulated failure" in (failed.tasks[1].error or "")
    assert "silver_customers_history" in (failed.tasks[1].error or "")
    after_failure = incremental_runs.snapshots[2]
    # Half way: products and the customer quarantine were merged, the history was not.
    assert after_failure["silver_products"] == incremental_runs.snapshots[3]["silver_products"]
    history = "silver_customers_history"
    assert after_failure[history] == incremental_runs.snapshots[1][history]
    reasons = {row["reason"] for row in after_failure["silver_quarantine"]}
    assert "updated_at is not a timestamp: not a date" in reasons
    assert incremental_runs.runs[3].succeeded
