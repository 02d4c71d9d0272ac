"""``monitor`` commands and result tables on the local system-table copies."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pyspark.sql import SparkSession
from typer.testing import CliRunner

from {{ cookiecutter.package_name }}.admin import AdminContext
from {{ cookiecutter.package_name }}.cli import app
from {{ cookiecutter.package_name }}.monitoring import SparkRunner
from {{ cookiecutter.package_name }}.monitoring.health import (
    SlowRun,
)
from {{ cookiecutter.package_name }}.monitoring.sinks import (
    column_type,
    table_schema,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "admin"
cli = CliRunner()


@pytest.fixture
def context(runner: SparkRunner, spark: SparkSession, tmp_path: Path) -> AdminContext:
    # "now" is the end of the fixture data's busiest day.
    return AdminContext(
        runner=runner,
        spark_session=spark,
        now=lambda: datetime(2025, 6, 8, tzinfo=UTC),
        audit_log_path=tmp_path / "audit.jsonl",
    )


def test_cost_by_each_dimension(context: AdminContext) -> None:
    by_job = cli.invoke(app, ["monitor", "cost", "--days", "7", "--json"], obj=context)
    assert by_job.exit_code == 0, by_job.output
    assert json.loads(by_job.stdout)["cost_by_job"][0]["list_cost"].startswith("2.1")
    by_tag = cli.invoke(app, ["monitor", "cost", "--by", "tag", "--days", "7"], obj=context)
    assert "(untagged)" in by_tag.stdout
    by_sku = cli.invoke(
        app, ["monitor", "cost", "--by", "sku", "--days", "7", "--json"], obj=context
    )
    assert json.loads(by_sku.stdout)["cost_by_sku"][0]["sku_name"] == "ALL_PURPOSE_COMPUTE"
    by_cluster = cli.invoke(
        app, ["monitor", "cost", "--by", "cluster", "--days", "7", "--json"], obj=context
    )
    assert json.loads(by_cluster.stdout)["cost_by_cluster"][0]["cluster_id"] == "0601-abc"


def test_health_fails_ci_when_runs_failed(context: AdminContext) -> None:
    result = cli.invoke(app, ["monitor", "health", "--json", "--fail-on-found"], obj=context)
    assert result.exit_code == 1
    reports = json.loads(result.stdout)
    assert [r["run_id"] for r in reports["failed_job_runs"]] == ["r203", "r201", "r900", "r104"]
    assert [r["run_id"] for r in reports["slow_job_runs"]] == ["r104", "r099", "r105"]
    table = cli.invoke(app, ["monitor", "health"], obj=context)
    assert table.exit_code == 0
    assert "Failed job runs" in table.stdout


def test_perf_reports_and_writes_tables(context: AdminContext, spark: SparkSession) -> None:
    spark.sql("CREATE SCHEMA IF NOT EXISTS monitoring_out")
    result = cli.invoke(
        app,
        ["monitor", "perf", "--json", "--output-schema", "spark_catalog.monitoring_out"],
        obj=context,
    )
    assert result.exit_code == 0, result.output
    reports = json.loads(result.stdout)
    assert [r["statement_id"] for r in reports["spilling_queries"]] == ["q3", "q2"]
    # The last 24 hours include the busy minute at 09:58 that the 10:00-11:00 test leaves out.
    assert [(r["cluster_id"], r["avg_cpu_percent"]) for r in reports["cluster_utilisation"]] == [
        ("0601-abc", 26.13),
        ("0602-busy", 77.5),
    ]
    saved = spark.table("spark_catalog.monitoring_out.monitoring_long_running_queries")
    assert [r.statement_id for r in saved.orderBy("statement_id").collect()] == ["q1", "q3"]
    assert saved.schema["run_at"].dataType.simpleString() == "timestamp"
    assert saved.schema["read_bytes"].dataType.simpleString() == "bigint"
    failing = cli.invoke(app, ["monitor", "perf", "--fail-on-found"], obj=context)
    assert failing.exit_code == 1


def test_security_findings_are_appended_to_a_table(
    context: AdminContext, spark: SparkSession
) -> None:
    spark.sql("CREATE SCHEMA IF NOT EXISTS admin_out")
    args = ["admin", "security", "audit", "--snapshot-dir", str(FIXTURES)]
    for _ in range(2):
        result = cli.invoke(
            app, [*args, "--output-table", "spark_catalog.admin_out.findings"], obj=context
        )
        assert result.exit_code == 0, result.output
    findings = spark.table("spark_catalog.admin_out.findings")
    assert findings.count() == 2 * 19  # 19 findings in the recorded workspace, twice
    row = findings.where("check_id = 'DP-01'").first()
    assert row.severity == "high"
    assert row.resource == "secret scope shared"


def test_column_types_follow_the_annotations() -> None:
    assert table_schema(SlowRun) == (
        "run_at TIMESTAMP, workspace_id STRING, job_id STRING, job_name STRING, run_id STRING, "
        "result_state STRING, duration_seconds BIGINT, median_seconds DOUBLE, ended_at TIMESTAMP"
    )
    assert column_type(dict[str, str]) == "STRING"
    assert column_type(int | str | None) == "STRING"
