"""The medallion job and notebooks follow the conventions; the job is a valid bundle job."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from databricks.bundles.jobs import Job

from {{ cookiecutter.package_name }}.runtime.notebook import (
    read_notebook,
)
from {{ cookiecutter.package_name }}.runtime.statements import (
    split_statements,
    without_comments,
)

LAYER_TASKS = ("bronze", "silver", "gold", "maintenance")
NOTEBOOKS = (
    "bronze/ingest.sql",
    "silver/transform.sql",
    "gold/aggregate.sql",
    "maintenance/optimize.sql",
)


@pytest.fixture(scope="module")
def jobs(project_root: Path) -> dict[str, dict]:
    """The medallion jobs: medallion and medallion_maintenance."""
    found: dict[str, dict] = {}
    for path in sorted((project_root / "resources").glob("medallion*.job.yml")):
        found.update(yaml.safe_load(path.read_text())["resources"]["jobs"])
    assert {"medallion", "medallion_maintenance"} <= set(found)
    return found


def test_jobs_are_valid_bundle_jobs(jobs: dict[str, dict]) -> None:
    for spec in jobs.values():
        Job.from_dict(spec)  # raises on unknown fields, bad enums, missing task keys


def test_medallion_runs_bronze_then_silver_then_gold(jobs: dict[str, dict]) -> None:
    tasks = {task["task_key"]: task for task in jobs["medallion"]["tasks"]}
    assert tasks["bronze"].get("depends_on") is None
    assert {"task_key": "bronze"} in tasks["silver"]["depends_on"]
    upstream_of_gold = {item["task_key"] for item in tasks["gold"]["depends_on"]}
    assert upstream_of_gold & {"silver", "quality"}


def test_tasks_retry_time_out_and_notify(jobs: dict[str, dict]) -> None:
    for spec in jobs.values():
        assert spec["email_notifications"]["on_failure"] == "${var.notification_emails}"
        assert spec["timeout_seconds"] > 0
        for task in spec["tasks"]:
            assert task["timeout_seconds"] > 0, task["task_key"]
            if task["task_key"] in LAYER_TASKS:  # a failed check (quality) would only fail again
                assert task["max_retries"] >= 1, task["task_key"]


def test_schedules_leave_pausing_to_the_targets(jobs: dict[str, dict]) -> None:
    for spec in jobs.values():
        assert spec["schedule"]["quartz_cron_expression"]
        assert "pause_status" not in spec["schedule"]


def test_run_id_comes_from_the_job_run(jobs: dict[str, dict]) -> None:
    parameters = {p["name"]: p["default"] for p in jobs["medallion"]["parameters"]}
    assert parameters["run_id"] == "{" * 2 + "job.run_id" + "}" * 2


def test_compute_follows_the_projects_choice(jobs: dict[str, dict], project_root: Path) -> None:
    bundle = yaml.safe_load((project_root / "databricks.yml").read_text())
    classic = "cluster_policy_id" in bundle["variables"]
    for spec in jobs.values():
        clusters = {c["job_cluster_key"]: c["new_cluster"] for c in spec.get("job_clusters", [])}
        if not classic:
            assert not clusters
            assert all("job_cluster_key" not in task for task in spec["tasks"])
            continue
        for cluster in clusters.values():
            assert cluster["policy_id"] == "${var.cluster_policy_id}"
            assert cluster["apply_policy_default_values"] is True
            assert cluster["spark_version"] == "${var.spark_version}"
            assert cluster["node_type_id"] == "${var.node_type_id}"
        assert all(task.get("job_cluster_key") in clusters for task in spec["tasks"])


def test_every_widget_gets_its_value_from_the_job(
    jobs: dict[str, dict], project_root: Path
) -> None:
    resources = project_root / "resources"
    for spec in jobs.values():
        job_parameters = {p["name"] for p in spec.get("parameters", [])}
        for task in spec["tasks"]:
            notebook_task = task.get("notebook_task")
            if not notebook_task or not notebook_task["notebook_path"].endswith(".sql"):
                continue
            widgets = read_notebook(resources / notebook_task["notebook_path"]).widget_defaults
            given = set(notebook_task.get("base_parameters", {})) | job_parameters
            assert set(widgets) <= given, (task["task_key"], set(widgets) - given)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebooks_follow_the_conventions(project_root: Path, name: str) -> None:
    notebook = read_notebook(project_root / "notebooks" / name)
    assert notebook.cells[0].language == "md"
    assert notebook.cells[0].source.startswith("# ")
    assert "| Parameter |" in notebook.cells[0].source
    for cell in notebook.cells[1:]:
        assert cell.language == "sql", (name, cell.number)
        code = without_comments(cell.source)
        assert code.endswith(";"), f"{name}, cell {cell.number}: every statement ends with ;"
        assert "${" not in code, f"{name}, cell {cell.number}: use :name markers"
        for statement in split_statements(cell.source):
            # Tables are named through IDENTIFIER(:catalog || '.' || :schema || ...), never
            # with a literal name; the other names are the statement's own CTEs and read_files.
            code = statement.code
            local = set(re.findall(r"\b(\w+) AS \(", code)) | {"read_files"}
            named = re.findall(
                r"\b(?:FROM|JOIN|INTO|TABLE) (?!IDENTIFIER\(|IF\b)([A-Za-z_`][\w.`]*)", code
            )
            assert set(named) <= local, (name, cell.number, set(named) - local)
