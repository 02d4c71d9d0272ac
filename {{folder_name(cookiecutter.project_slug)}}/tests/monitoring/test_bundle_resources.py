"""The admin audit job and the monitoring dashboard agree with the package and the tables."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from pyspark.sql import SparkSession
from typer.testing import CliRunner

from {{ cookiecutter.package_name }}.cli import app
from {{ cookiecutter.package_name }}.monitoring import SystemTables

PACKAGE = "{{ cookiecutter.package_name }}"


def test_every_audit_task_runs_an_existing_command(project_root: Path) -> None:
    job = yaml.safe_load((project_root / "resources" / "admin_audit.job.yml").read_text())
    tasks = job["resources"]["jobs"]["admin_audit"]["tasks"]
    assert [t["task_key"] for t in tasks] == ["security_audit", "job_health", "cost", "performance"]
    for task in tasks:
        wheel = task["python_wheel_task"]
        assert wheel["entry_point"] == wheel["package_name"]
        assert wheel["package_name"] == PACKAGE
        # Click rejects unknown commands and options before it shows the help.
        result = CliRunner().invoke(app, [*wheel["parameters"], "--help"])
        assert result.exit_code == 0, (task["task_key"], result.output)


def test_dashboard_resource_points_at_the_file_and_warehouse(project_root: Path) -> None:
    resource = yaml.safe_load((project_root / "resources" / "monitoring.dashboard.yml").read_text())
    dashboard = resource["resources"]["dashboards"]["monitoring"]
    assert dashboard["warehouse_id"] == "${var.warehouse_id}"
    assert (project_root / "resources" / dashboard["file_path"]).resolve().is_file()


@pytest.fixture(scope="module")
def dashboard(project_root: Path) -> dict:
    return json.loads((project_root / "dashboards" / "monitoring.lvdash.json").read_text())


def test_dashboard_queries_run_on_the_system_table_schemas(
    dashboard: dict, spark: SparkSession, system_tables: SystemTables
) -> None:
    datasets = {d["name"]: d for d in dashboard["datasets"]}
    for page in dashboard["pages"]:
        for item in page["layout"]:
            widget = item["widget"]
            for query in widget["queries"]:
                dataset = datasets[query["query"]["datasetName"]]
                statement = re.sub(
                    r"\bsystem\.(\w+)\.",
                    lambda m: f"{getattr(system_tables, m.group(1))}.",
                    "".join(dataset["queryLines"]),
                )
                columns = set(spark.sql(statement).columns)
                for field in query["query"]["fields"]:
                    referenced = re.findall(r"`(\w+)`", field["expression"])
                    assert set(referenced) <= columns, (widget["name"], referenced, columns)
