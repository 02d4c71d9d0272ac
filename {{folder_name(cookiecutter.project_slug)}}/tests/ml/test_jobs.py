"""The ML jobs of resources/ml.job.yml run locally, task by task, through the job runner."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyspark.sql import SparkSession
from typer.testing import CliRunner

from {{ cookiecutter.package_name }}.cli import app
from {{ cookiecutter.package_name }}.ml import cli as ml_cli
from {{ cookiecutter.package_name }}.ml.config import (
    FEATURE_TABLE,
    MONITORING_TABLE,
    PREDICTIONS_TABLE,
    MlConfig,
)
from {{ cookiecutter.package_name }}.ml.registry import (
    CHAMPION,
    version_by_alias,
)
from {{ cookiecutter.package_name }}.ml.tracking import (
    store_for,
    use_store,
)
from {{ cookiecutter.package_name }}.runtime.bundle import (
    load_bundle,
)
from {{ cookiecutter.package_name }}.runtime.jobs import (
    LocalJobRunner,
)
from {{ cookiecutter.package_name }}.runtime.volumes import (
    LocalVolumes,
)

SCHEMA = "ml_jobs"


def test_training_inference_and_monitoring_jobs_run_locally(
    spark: SparkSession, project_root: Path, tmp_path: Path
) -> None:
    runner = CliRunner()
    demo = ["ml", "demo-orders", "--catalog", "spark_catalog", "--schema", SCHEMA]
    created = runner.invoke(app, [*demo, "--replace"])
    assert created.exit_code == 0, created.output
    refused = runner.invoke(app, demo)
    assert refused.exit_code == 1
    assert "exists; pass --replace" in refused.output

    bundle = load_bundle(project_root, "dev", {"schema": SCHEMA})
    jobs = LocalJobRunner(spark, bundle, LocalVolumes(tmp_path / "volumes"), count_rows=False)
    for job, tasks in (
        ("ml_training", ["features", "train", "promote"]),
        ("ml_inference", ["features", "score"]),
        ("ml_monitoring", ["monitor"]),
    ):
        result = jobs.run(job)
        assert [task.key for task in result.tasks] == tasks
        assert result.succeeded, [task.error for task in result.tasks]

    config = MlConfig("spark_catalog", SCHEMA)
    client = use_store(store_for(spark))
    assert version_by_alias(client, config.model_name, CHAMPION) == "1"
    for table in (FEATURE_TABLE, PREDICTIONS_TABLE, MONITORING_TABLE):
        assert spark.table(config.table(table)).count() > 0


def test_commands_report_what_is_missing(spark: SparkSession) -> None:
    runner = CliRunner()
    spark.sql("CREATE SCHEMA IF NOT EXISTS spark_catalog.ml_nothing")
    spark.sql(
        "CREATE TABLE IF NOT EXISTS spark_catalog.ml_nothing.silver_orders "
        "(customer_id STRING, order_ts TIMESTAMP, status STRING, amount DECIMAL(12,2), "
        "order_date DATE)"
    )
    common = ["--catalog", "spark_catalog", "--schema", "ml_nothing"]
    for command, message in (
        (["features"], "no order that is not cancelled"),
        (["train", "--experiment", "/Users/tester/none"], "no order that is not cancelled"),
        (["score"], "has the alias 'champion'"),
        (["promote"], "no order that is not cancelled"),
        (["monitor"], "nothing to monitor"),
    ):
        result = runner.invoke(app, ["ml", *command, *common])
        assert result.exit_code == 1, (command, result.output)
        assert message in result.output, (command, result.output)
    bad = runner.invoke(app, ["ml", "score", "--catalog", "spark_catalog", "--schema", "Bad"])
    assert bad.exit_code == 2
    assert "not a valid Unity Catalog name" in bad.output


def test_demo_orders_go_where_pipeline_run_keeps_its_tables(
    monkeypatch: pytest.MonkeyPatch, project_root: Path, tmp_path: Path
) -> None:
    """Without a running session, the command starts the one `pipeline run` uses."""
    started: list[tuple[Path, bool]] = []

    def fake_local_spark(warehouse: Path, *, persistent_catalog: bool) -> str:
        started.append((warehouse, persistent_catalog))
        return "session"

    monkeypatch.setattr(ml_cli.SparkSession, "getActiveSession", staticmethod(lambda: None))
    monkeypatch.setattr(ml_cli, "local_spark", fake_local_spark)
    monkeypatch.chdir(project_root)
    assert ml_cli._local_session(None) == "session"
    assert ml_cli._local_session(tmp_path / "elsewhere") == "session"
    assert started == [
        ((project_root / ".local").resolve() / "warehouse", True),
        ((tmp_path / "elsewhere").resolve() / "warehouse", True),
    ]
