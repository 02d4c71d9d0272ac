"""The bundle's streaming job runs an existing command; triggers differ per target as designed."""

from __future__ import annotations

from pathlib import Path

import yaml
from typer.testing import CliRunner

from {{ cookiecutter.package_name }}.cli import app


def load(project_root: Path, name: str) -> dict:
    return yaml.safe_load((project_root / "resources" / name).read_text())


def test_the_task_runs_an_existing_command_with_every_option(project_root: Path) -> None:
    job = load(project_root, "streaming.job.yml")["resources"]["jobs"]["streaming"]
    (task,) = job["tasks"]
    wheel = task["python_wheel_task"]
    assert wheel["entry_point"] == wheel["package_name"]
    assert wheel["package_name"] == "{{ cookiecutter.package_name }}"
    result = CliRunner().invoke(app, [*wheel["parameters"], "--help"])
    assert result.exit_code == 0, result.output
    assert {p["name"] for p in job["parameters"]} == {"catalog", "schema", "trigger"}
    assert job["max_concurrent_runs"] == 1  # two runs would share the checkpoints


def test_dev_and_staging_run_on_file_arrival_and_prod_keeps_running(project_root: Path) -> None:
    targets = load(project_root, "streaming.yml")["targets"]
    for name in ("dev", "staging"):
        job = targets[name]["resources"]["jobs"]["streaming"]
        assert (
            job["trigger"]["file_arrival"]["url"] == "/Volumes/${var.catalog}/${var.schema}/events/"
        )
    prod = targets["prod"]["resources"]["jobs"]["streaming"]
    bundle = yaml.safe_load((project_root / "databricks.yml").read_text())
    prod_trigger = bundle["targets"]["prod"]["variables"].get("streaming_trigger")
    if "continuous" in prod:  # classic compute: a continuous job with long-running queries
        assert prod_trigger == "processing-time"
    else:  # serverless: no continuous jobs, available-now runs on each arrival
        assert "file_arrival" in prod["trigger"]
        assert prod_trigger is None
    assert bundle["variables"]["streaming_trigger"]["default"] == "available-now"


def test_the_volumes_and_dashboard_are_declared(project_root: Path) -> None:
    volumes = load(project_root, "streaming.yml")["resources"]["volumes"]
    assert {v["name"] for v in volumes.values()} == {"events", "streaming_checkpoints"}
    dashboard = load(project_root, "streaming.dashboard.yml")["resources"]["dashboards"][
        "streaming_dashboard"
    ]
    assert dashboard["warehouse_id"] == "${var.warehouse_id}"
    assert (dashboard["dataset_catalog"], dashboard["dataset_schema"]) == (
        "${var.catalog}",
        "${var.schema}",
    )
    assert (project_root / "resources" / dashboard["file_path"]).resolve().is_file()
