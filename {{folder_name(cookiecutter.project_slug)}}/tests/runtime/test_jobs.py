"""Running a bundle job locally: task graph, parameters, wheel tasks, failures, metrics."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml
from pyspark.sql import SparkSession

from {{ cookiecutter.package_name }}.runtime.bundle import (
    Bundle,
    BundleError,
    Job,
    load_bundle,
)
from {{ cookiecutter.package_name }}.runtime.jobs import (
    JobDefinitionError,
    LocalJobRunner,
    RunEvent,
    plan,
)
from {{ cookiecutter.package_name }}.runtime.volumes import (
    LocalVolumes,
)

PACKAGE = "{{ cookiecutter.package_name }}"


def braced(name: str) -> str:
    """A Databricks dynamic value reference: the name between double braces."""
    return "{" * 2 + name + "}" * 2


LOAD = """
-- Databricks notebook source
CREATE WIDGET TEXT catalog DEFAULT 'dev';
CREATE WIDGET TEXT schema DEFAULT 'nowhere';
CREATE WIDGET TEXT landing DEFAULT '/Volumes/dev/nowhere/landing';
CREATE WIDGET TEXT run_id DEFAULT 'manual';

-- COMMAND ----------

CREATE TABLE IF NOT EXISTS IDENTIFIER(:catalog || '.' || :schema || '.items') (
    id STRING, run_id STRING
) USING DELTA;

INSERT INTO IDENTIFIER(:catalog || '.' || :schema || '.items')
SELECT landed.id, :run_id
FROM read_files(
    :landing || '/items', format => 'csv', header => true, schema => 'id STRING'
) AS landed;

MERGE INTO IDENTIFIER(:catalog || '.' || :schema || '.items') AS target
USING (SELECT 'x' AS id) AS source
    ON target.id = source.id
WHEN NOT MATCHED THEN INSERT (id, run_id) VALUES (source.id, :run_id);
"""

CHECK = """
# Databricks notebook source
schema = dbutils.widgets.get("schema")
count = spark.table(f"spark_catalog.{schema}.items").count()
assert count == int(dbutils.widgets.get("expected")), count
dbutils.notebook.exit(dbutils.widgets.get("task"))
"""

FAIL = """
-- Databricks notebook source
SELECT * FROM missing_table;
"""


BUNDLE = """
bundle:
  name: jobs_test
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
  volumes:
    landing:
      catalog_name: ${var.catalog}
      schema_name: ${var.schema}
      name: landing
"""


def job_yaml(tasks: list[dict], parameters: list[dict] | None = None) -> str:
    job = {"name": "Job of ${bundle.target}", "tasks": tasks}
    if parameters is not None:
        job["parameters"] = parameters
    return yaml.safe_dump({"resources": {"jobs": {"pipeline": job}}})


def notebook(key: str, path: str, depends_on: tuple[str, ...] = (), **extra: object) -> dict:
    task: dict = {
        "task_key": key,
        "notebook_task": {
            "notebook_path": path,
            "base_parameters": {
                "catalog": "${var.catalog}",
                "schema": "${var.schema}",
                "landing": "/Volumes/${var.catalog}/${var.schema}/landing",
                "task": braced("task.name"),
                "expected": "2",
            },
        },
        **extra,
    }
    if depends_on:
        task["depends_on"] = [{"task_key": upstream} for upstream in depends_on]
    return task


def make_project(root: Path, schema: str, tasks: list[dict], **job: object) -> Path:
    (root / "resources").mkdir(parents=True)
    (root / "notebooks").mkdir()
    (root / "fixtures" / "landing" / "items").mkdir(parents=True)
    (root / "fixtures" / "landing" / "items" / "items_1.csv").write_text("id\na\n")
    (root / "databricks.yml").write_text(BUNDLE.replace("SCHEMA", schema))
    (root / "resources" / "pipeline.job.yml").write_text(job_yaml(tasks, **job))
    for name, text in {"load.sql": LOAD, "check.py": CHECK, "fail.sql": FAIL}.items():
        (root / "notebooks" / name).write_text(textwrap.dedent(text).lstrip("\n"))
    return root


def runner_for(
    spark: SparkSession, root: Path, events: list[RunEvent] | None = None
) -> LocalJobRunner:
    bundle = load_bundle(root)
    volumes = LocalVolumes(root / ".local" / "volumes")
    record = events.append if events is not None else (lambda event: None)
    return LocalJobRunner(spark, bundle, volumes, root / "fixtures", record)


def test_tasks_run_in_dependency_order_with_their_parameters(
    spark: SparkSession, tmp_path: Path
) -> None:
    tasks = [
        notebook("check", "../notebooks/check", depends_on=("load",)),
        notebook("load", "../notebooks/load.sql"),
        {
            "task_key": "cli",
            "depends_on": [{"task_key": "load"}],
            "python_wheel_task": {
                "package_name": PACKAGE,
                "entry_point": PACKAGE,
                "parameters": ["version"],
            },
        },
    ]
    parameters = [{"name": "run_id", "default": braced("job.run_id")}]
    root = make_project(tmp_path, "jobs_order", tasks, parameters=parameters)
    events: list[RunEvent] = []
    result = runner_for(spark, root, events).run(run_id="42")

    assert result.succeeded
    assert [task.key for task in result.tasks] == ["load", "check", "cli"]
    assert [(event.kind, event.task.key) for event in events] == [
        ("started", "load"),
        ("finished", "load"),
        ("started", "check"),
        ("finished", "check"),
        ("started", "cli"),
        ("finished", "cli"),
    ]
    load, check, cli = result.tasks
    assert load.target == "notebooks/load.sql"
    assert load.parameters["schema"] == "jobs_order"
    assert load.parameters["run_id"] == "42"  # a job parameter reaches every notebook task
    assert check.notebook is not None
    assert check.notebook.exit_value == "check"
    assert cli.target == f"{PACKAGE}:{PACKAGE}"
    assert result.seeded == {"/Volumes/spark_catalog/jobs_order/landing": 1}
    rows = spark.sql("SELECT id, run_id FROM spark_catalog.jobs_order.items ORDER BY id").collect()
    assert [tuple(row) for row in rows] == [("a", "42"), ("x", "42")]
    # Rows written come from the Delta log, attributed to the task that wrote them.
    assert [(c.operation, c.inserted) for c in load.commits] == [
        ("CREATE TABLE", 0),
        ("WRITE", 1),
        ("MERGE", 1),
    ]
    assert load.rows_written == 2
    assert check.rows_written == 0
    assert [(t.name, t.rows) for t in result.tables] == [("jobs_order.items", 2)]


def test_seeding_copies_each_fixture_file_once(spark: SparkSession, tmp_path: Path) -> None:
    root = make_project(tmp_path, "jobs_twice", [notebook("load", "../notebooks/load.sql")])
    runner = runner_for(spark, root)
    assert runner.run().seeded == {"/Volumes/spark_catalog/jobs_twice/landing": 1}
    assert runner.run().seeded == {"/Volumes/spark_catalog/jobs_twice/landing": 0}


def test_named_parameters_become_options(spark: SparkSession, tmp_path: Path) -> None:
    task = {
        "task_key": "cli",
        "python_wheel_task": {
            "package_name": PACKAGE,
            "entry_point": PACKAGE,
            "named_parameters": {"no-such-option": "1"},
        },
    }
    root = make_project(tmp_path, "jobs_named", [task])
    result = runner_for(spark, root).run()
    assert result.tasks[0].parameters == {"argv": "--no-such-option=1"}
    assert result.tasks[0].status == "failed"
    assert "exited with code 2" in (result.tasks[0].error or "")


def test_a_failed_task_stops_its_dependents_unless_run_if_says_otherwise(
    spark: SparkSession, tmp_path: Path
) -> None:
    tasks = [
        notebook("broken", "../notebooks/fail.sql"),
        notebook("after", "../notebooks/check.py", depends_on=("broken",)),
        notebook("cleanup", "../notebooks/load.sql", depends_on=("broken",), run_if="ALL_DONE"),
        notebook(
            "alarm", "../notebooks/load.sql", depends_on=("broken",), run_if="AT_LEAST_ONE_FAILED"
        ),
        notebook("downstream", "../notebooks/load.sql", depends_on=("after",), run_if="ALL_DONE"),
    ]
    root = make_project(tmp_path, "jobs_failure", tasks)
    result = runner_for(spark, root).run()
    statuses = {task.key: task.status for task in result.tasks}
    assert statuses == {
        "broken": "failed",
        "after": "not run",
        "cleanup": "succeeded",
        "alarm": "succeeded",
        "downstream": "succeeded",
    }
    assert not result.succeeded
    broken = result.tasks[0]
    assert broken.error is not None
    assert "fail.sql, cell 1 (line 2) failed" in broken.error
    assert "TABLE_OR_VIEW_NOT_FOUND" in broken.error


@pytest.mark.parametrize(
    ("task", "message"),
    [
        (
            {
                "python_wheel_task": {
                    "package_name": PACKAGE,
                    "entry_point": PACKAGE,
                    "parameters": ["nope"],
                }
            },
            "exited with code 2",
        ),
        (
            {"python_wheel_task": {"package_name": "not_installed_pkg", "entry_point": "main"}},
            "'not_installed_pkg' is not installed",
        ),
        (
            {"python_wheel_task": {"package_name": PACKAGE, "entry_point": "no_such_function"}},
            "no entry point or function named 'no_such_function'",
        ),
        ({"notebook_task": {"notebook_path": "../notebooks/absent"}}, "not found"),
        (
            {
                "notebook_task": {
                    "notebook_path": "../notebooks/load.sql",
                    "base_parameters": {"x": braced("job.nope")},
                }
            },
            "has no local value",
        ),
    ],
)
def test_task_failures_are_reported_with_their_cause(
    spark: SparkSession, tmp_path: Path, task: dict, message: str
) -> None:
    root = make_project(tmp_path, "jobs_task_failure", [{"task_key": "only", **task}])
    result = runner_for(spark, root).run()
    assert result.tasks[0].status == "failed"
    assert message in (result.tasks[0].error or "")


def test_a_module_function_runs_when_no_entry_point_matches(
    spark: SparkSession, tmp_path: Path
) -> None:
    # json.dumps is found as <package>.<entry_point>, as on Databricks, and fails without
    # arguments: the task fails with the exception, the runner carries on.
    wheel = {"package_name": "json", "entry_point": "dumps"}
    root = make_project(tmp_path, "jobs_module", [{"task_key": "only", "python_wheel_task": wheel}])
    result = runner_for(spark, root).run()
    assert result.tasks[0].status == "failed"
    assert "json:dumps raised TypeError" in (result.tasks[0].error or "")


def test_the_entry_point_falls_back_to_a_module_function(
    spark: SparkSession, tmp_path: Path
) -> None:
    task = {
        "task_key": "only",
        "python_wheel_task": {"package_name": PACKAGE, "entry_point": "__version__"},
    }
    root = make_project(tmp_path, "jobs_fallback", [task])
    result = runner_for(spark, root).run()
    assert result.tasks[0].status == "failed"  # __version__ is a string, not a function
    assert "no entry point or function named '__version__'" in (result.tasks[0].error or "")


def job_of(tasks: list[dict]) -> Job:
    return Job("pipeline", {"tasks": tasks}, Path("resources/pipeline.job.yml"))


@pytest.mark.parametrize(
    ("tasks", "message"),
    [
        ([], "has no tasks"),
        ([{"task_key": "a", "pipeline_task": {}}], "pipeline_task does not run locally"),
        (
            [{"task_key": "a", "notebook_task": {}, "depends_on": [{"task_key": "b"}]}],
            "unknown task 'b'",
        ),
        ([{"task_key": "a", "notebook_task": {}, "run_if": "SOMETIMES"}], "run_if 'SOMETIMES'"),
        (
            [
                {"task_key": "a", "notebook_task": {}, "depends_on": [{"task_key": "b"}]},
                {"task_key": "b", "notebook_task": {}, "depends_on": [{"task_key": "a"}]},
            ],
            "cycle",
        ),
    ],
)
def test_plans_that_cannot_run_are_rejected_before_anything_runs(
    tasks: list[dict], message: str
) -> None:
    with pytest.raises(JobDefinitionError, match=message):
        plan(job_of(tasks))


def test_plan_keeps_file_order_between_independent_tasks() -> None:
    tasks = [
        {"task_key": "z", "notebook_task": {}},
        {"task_key": "a", "notebook_task": {}},
        {
            "task_key": "m",
            "notebook_task": {},
            "depends_on": [{"task_key": "z"}, {"task_key": "a"}],
        },
    ]
    assert [task.key for task in plan(job_of(tasks))] == ["z", "a", "m"]


def test_unknown_job_parameters_are_named(spark: SparkSession, tmp_path: Path) -> None:
    root = make_project(tmp_path, "jobs_params", [notebook("load", "../notebooks/load.sql")])
    with pytest.raises(
        JobDefinitionError, match="--param nope: job 'pipeline' has no such parameter"
    ):
        runner_for(spark, root).run(parameters={"nope": "1"})


def test_a_bundle_reference_in_a_job_parameter_that_cannot_resolve(
    spark: SparkSession, tmp_path: Path
) -> None:
    parameters = [{"name": "p", "default": "${var.absent}"}]
    root = make_project(
        tmp_path, "jobs_bad_ref", [notebook("load", "../notebooks/load.sql")], parameters=parameters
    )
    bundle: Bundle = load_bundle(root)
    runner = LocalJobRunner(spark, bundle, LocalVolumes(tmp_path / "v"))
    with pytest.raises(BundleError, match="no variable 'absent'"):
        runner.run()
