"""The `pipeline` commands, on a small project made for the test."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml
from pyspark.sql import SparkSession
from typer.testing import CliRunner

from {{ cookiecutter.package_name }}.cli import app

runner = CliRunner()

BUNDLE = """
bundle:
  name: cli_test
include:
  - resources/*.yml
variables:
  catalog:
    default: dev
  schema:
    default: cli_test
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

JOB = """
resources:
  jobs:
    hello:
      name: Hello
      parameters:
        - name: greeting
          default: hello
        - name: fail
          default: "no"
      tasks:
        - task_key: write
          notebook_task:
            notebook_path: ../notebooks/write.sql
            base_parameters:
              catalog: ${var.catalog}
              schema: ${var.schema}
        - task_key: read
          depends_on:
            - task_key: write
          notebook_task:
            notebook_path: ../notebooks/read.sql
            base_parameters:
              landing: /Volumes/${var.catalog}/${var.schema}/landing
        - task_key: python
          depends_on:
            - task_key: write
          notebook_task:
            notebook_path: ../notebooks/python.py
        - task_key: fail
          depends_on:
            - task_key: write
          notebook_task:
            notebook_path: ../notebooks/fail.sql
"""

WRITE = """
-- Databricks notebook source
CREATE WIDGET TEXT catalog DEFAULT 'dev';
CREATE WIDGET TEXT schema DEFAULT 'cli_test';
CREATE WIDGET TEXT greeting DEFAULT 'hi';
CREATE WIDGET TEXT fail DEFAULT 'no';

-- COMMAND ----------

CREATE OR REPLACE TABLE IDENTIFIER(:catalog || '.' || :schema || '.greetings') USING DELTA
AS SELECT :greeting AS greeting;

SELECT greeting FROM IDENTIFIER(:catalog || '.' || :schema || '.greetings');
"""

READ = """
-- Databricks notebook source
CREATE WIDGET TEXT landing DEFAULT '/Volumes/dev/cli_test/landing';
SELECT count(*) AS a_rows FROM read_files(:landing || '/a', format => 'csv', header => true);
SELECT count(*) AS b_rows FROM read_files(:landing || '/b', format => 'csv', header => true);
"""

FAIL = """
-- Databricks notebook source
CREATE WIDGET TEXT fail DEFAULT 'no';
SELECT assert_true(:fail = 'no', 'asked to fail');
"""


@pytest.fixture
def project(tmp_path: Path, spark: SparkSession) -> Path:
    """A bundle with one job; `spark` is requested so the commands reuse the test session."""
    (tmp_path / "resources").mkdir()
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "databricks.yml").write_text(BUNDLE)
    (tmp_path / "resources" / "hello.job.yml").write_text(JOB)
    notebooks = {
        "write.sql": WRITE,
        "read.sql": READ,
        "python.py": "# Databricks notebook source\nprint('hello from Python')\n",
        "fail.sql": FAIL,
    }
    for name, text in notebooks.items():
        (tmp_path / "notebooks" / name).write_text(textwrap.dedent(text).lstrip("\n"))
    for folder in ("a", "b"):
        landing = tmp_path / "fixtures" / "landing" / folder
        landing.mkdir(parents=True)
        (landing / f"{folder}.csv").write_text("id\n1\n")
    return tmp_path


def invoke(*arguments: str) -> tuple[int, str]:
    result = runner.invoke(app, ["pipeline", *arguments], terminal_width=200)
    return result.exit_code, result.output


def test_run_prints_tasks_tables_and_where_they_are(project: Path, spark: SparkSession) -> None:
    code, output = invoke("run", "--project-dir", str(project), "--param", "greeting=hey")
    assert code == 0, output
    assert "Running job hello (Hello) of target dev" in output
    assert "succeeded" in output
    assert "greetings" in output
    assert "skipped CREATE WIDGET (lines 2, 3, 4, 5)" in output
    assert "Seeded /Volumes/spark_catalog/cli_test/landing with 2 new file(s)" in output
    assert "hello from Python" in output
    assert "0 + 1 Python" in output
    assert "rewritten read_files(...) (lines 3, 4): read_files('/Volumes/" in output
    assert "/landing/b') -> temporary view read_files_2" in output
    assert "Tables:" in output
    assert spark.table("spark_catalog.cli_test.greetings").first()["greeting"] == "hey"


def test_a_failing_task_fails_the_command_with_its_error(project: Path) -> None:
    code, output = invoke("run", "--project-dir", str(project), "--param", "fail=yes")
    assert code == 1
    assert "fail failed:" in output
    assert "asked to fail" in output


def test_fresh_removes_local_state_first(project: Path) -> None:
    local = project / "elsewhere"
    (local / "volumes").mkdir(parents=True)
    (local / "volumes" / "stale.txt").write_text("old")
    code, output = invoke(
        "run", "--project-dir", str(project), "--local-dir", str(local), "--fresh"
    )
    assert code == 0, output
    assert not (local / "volumes" / "stale.txt").exists()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--job", "nope"], "no job 'nope'"),
        (["--target", "qa"], "no target 'qa'"),
        (["--var", "novalue"], "is not name=value"),
        (["--param", "unknown=1"], "has no such parameter"),
    ],
)
def test_bad_options_are_explained(project: Path, arguments: list[str], message: str) -> None:
    code, output = invoke("run", "--project-dir", str(project), *arguments)
    assert code == 2
    assert message in " ".join(output.split())


def test_list_shows_jobs_and_task_order(project: Path) -> None:
    code, output = invoke("list", "--project-dir", str(project))
    assert code == 0, output
    assert "hello (Hello)" in output
    assert "after write" in output
    broken = {
        "resources": {"jobs": {"broken": {"tasks": [{"task_key": "p", "pipeline_task": {}}]}}}
    }
    (project / "resources" / "broken.job.yml").write_text(yaml.safe_dump(broken))
    code, output = invoke("list", "--project-dir", str(project))
    assert code == 2
    assert "pipeline_task does not run locally" in " ".join(output.split())


def test_without_a_running_session_a_persistent_local_one_is_started(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from pyspark.sql import SparkSession

    from {{ cookiecutter.package_name }}.runtime import (
        cli,
        session,
    )

    calls = []
    monkeypatch.setattr(SparkSession, "getActiveSession", staticmethod(lambda: None))
    monkeypatch.setattr(
        session, "local_spark", lambda *args, **kwargs: calls.append((args, kwargs))
    )
    cli._session(tmp_path)
    cli._session(tmp_path, verbose=True)
    assert calls == [
        ((tmp_path / "warehouse",), {"persistent_catalog": True, "verbose": False}),
        ((tmp_path / "warehouse",), {"persistent_catalog": True, "verbose": True}),
    ]


def test_notebook_runs_one_notebook_and_shows_its_result(project: Path) -> None:
    path = project / "notebooks" / "write.sql"
    code, output = invoke("notebook", str(path), "--project-dir", str(project), "-p", "greeting=yo")
    assert code == 0, output
    assert "yo" in output
    assert "2 statement(s)" in output
    code, output = invoke(
        "notebook",
        str(project / "notebooks" / "fail.sql"),
        "--project-dir",
        str(project),
        "-p",
        "fail=yes",
    )
    assert code == 1
    assert "asked to fail" in output
    (project / "plain.sql").write_text("SELECT 1;\n")
    code, output = invoke("notebook", str(project / "plain.sql"), "--project-dir", str(project))
    assert code == 2
    assert "not a Databricks notebook source file" in " ".join(output.split())
