"""The medallion job's quality task: silver is checked before gold, on the sample data.

It reads the shared full run (the job run twice over every landing file) instead of running
the job again.
"""

from __future__ import annotations

from pyspark.sql import SparkSession

from .conftest import Scenario


def test_quality_task_checks_silver_before_gold(spark: SparkSession, full_run: Scenario) -> None:
    first = full_run.runs[0]
    order = [task.key for task in first.tasks]
    assert order.index("silver") < order.index("quality") < order.index("gold")
    quality = first.tasks[order.index("quality")]
    assert quality.status == "succeeded", quality.error
    assert first.succeeded

    schema = quality.parameters["schema"]
    metrics = spark.table(f"spark_catalog.{schema}.quality_metrics")
    rows = metrics.where(metrics.run_id == first.run_id).collect()
    assert {row.table_name for row in rows} == {
        "silver_orders",
        "silver_customers",
        "silver_products",
    }
    assert not [row.rule for row in rows if row.status == "error"]
    # The sample data has deliberate defects that silver lets through as warnings.
    assert {(row.table_name, row.rule) for row in rows if row.status == "warn"} >= {
        ("silver_orders", "recent_updates"),
    }
    # Each run appends its own metrics: the second run's are there too, under its run id.
    assert {row.run_id for row in metrics.select("run_id").collect()} == {
        run.run_id for run in full_run.runs
    }
