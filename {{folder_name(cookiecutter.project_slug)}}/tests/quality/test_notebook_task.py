"""The quality notebook as a job task, run by the local job runner from a bundle."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest
import yaml
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

BUNDLE = """
bundle:
  name: quality_task_test
include:
  - resources/*.yml
variables:
  catalog:
    default: dev
  schema:
    default: SCHEMA
targets:
  dev:
    default: true
resources:
  schemas:
    project_schema:
      catalog_name: ${var.catalog}
      name: ${var.schema}
"""

RULES = """
table: orders
action: fail
rules:
  - {name: id_present, dimension: completeness, check: {type: not_null, column: id}}
  - name: amount_positive
    dimension: validity
    criticality: warn
    check: {type: in_range, column: amount, min: 0}
"""


def bundle(root: Path, project_root: Path, schema: str) -> Path:
    (root / "resources").mkdir(parents=True)
    (root / "databricks.yml").write_text(BUNDLE.replace("SCHEMA", schema))
    task = {
        "task_key": "quality",
        "notebook_task": {
            "notebook_path": "../notebooks/quality/check_silver.py",
            "base_parameters": {
                "catalog": "${var.catalog}",
                "schema": "${var.schema}",
                "bundle_root": "${workspace.file_path}",
            },
        },
    }
    job = {
        "name": "quality",
        "tasks": [task],
        "parameters": [{"name": "run_id", "default": "job-7"}],
    }
    (root / "resources" / "quality.job.yml").write_text(
        yaml.safe_dump({"resources": {"jobs": {"quality": job}}})
    )
    (root / "notebooks" / "quality").mkdir(parents=True)
    shutil.copy(
        project_root / "notebooks" / "quality" / "check_silver.py", root / "notebooks" / "quality"
    )
    (root / "quality" / "rules").mkdir(parents=True)
    (root / "quality" / "rules" / "orders.yml").write_text(textwrap.dedent(RULES))
    return root


def run_job(spark: SparkSession, root: Path) -> object:
    return LocalJobRunner(spark, load_bundle(root), LocalVolumes(root / ".volumes")).run()


@pytest.mark.parametrize(("ids", "succeeds"), [((1, 2), True), ((1, None), False)])
def test_quality_task_passes_or_fails_the_job(
    spark: SparkSession, project_root: Path, tmp_path: Path, ids: tuple, succeeds: bool
) -> None:
    schema = f"quality_task_{'pass' if succeeds else 'fail'}"
    root = bundle(tmp_path, project_root, schema)
    spark.sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    spark.sql(f"CREATE SCHEMA {schema}")
    spark.createDataFrame(
        [(ids[0], 5.0), (ids[1], -1.0)], "id int, amount double"
    ).write.saveAsTable(f"{schema}.orders")
    result = run_job(spark, root)
    task = result.tasks[0]
    assert result.succeeded is succeeds, task.error
    metrics = spark.table(f"spark_catalog.{schema}.quality_metrics").collect()
    assert sorted((row.run_id, row.rule, row.status) for row in metrics) == [
        ("job-7", "_volume", "info"),
        ("job-7", "amount_positive", "warn"),
        ("job-7", "id_present", "pass" if succeeds else "error"),
    ]
    if not succeeds:
        assert "orders: 1 rule(s) in error (run job-7)" in task.error
        quarantine = spark.table(f"spark_catalog.{schema}.orders_dq_quarantine").collect()
        assert [row.amount for row in quarantine] == [-1.0]
