"""The medallion job's quality task: silver is checked before gold, on the sample data."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyspark.sql import SparkSession

from {{ cookiecutter.package_name }}.runtime.bundle import (
    load_bundle,
)
from {{ cookiecutter.package_name }}.runtime.jobs import (
    LocalJobRunner,
)
from {{ cookiecutter.package_name }}.runtime.volumes import (
    LocalVolumes,
)


def medallion_job(project_root: Path) -> Path:
    job = project_root / "resources" / "medallion.job.yml"
    if not job.exists():  # the project was generated without the medallion workflow
        pytest.skip("include_medallion=no: no medallion job to run")
    return job


def test_quality_task_checks_silver_before_gold(
    spark: SparkSession, project_root: Path, tmp_path: Path
) -> None:
    medallion_job(project_root)
    bundle = load_bundle(project_root)
    runner = LocalJobRunner(
        spark, bundle, LocalVolumes(tmp_path / "volumes"), project_root / "fixtures"
    )
    result = runner.run("medallion", run_id="medallion-1")

    order = [task.key for task in result.tasks]
    assert order.index("silver") < order.index("quality") < order.index("gold")
    quality = result.tasks[order.index("quality")]
    assert quality.status == "succeeded", quality.error
    assert result.succeeded

    schema = quality.parameters["schema"]
    metrics = spark.table(f"spark_catalog.{schema}.quality_metrics")
    rows = metrics.collect()
    assert {row.table_name for row in rows} == {
        "silver_orders",
        "silver_customers",
        "silver_products",
    }
    assert {row.run_id for row in rows} == {"medallion-1"}
    assert not [row.rule for row in rows if row.status == "error"]
    # The sample data has deliberate defects that silver lets through as warnings.
    assert {(row.table_name, row.rule) for row in rows if row.status == "warn"} >= {
        ("silver_orders", "recent_updates"),
    }
