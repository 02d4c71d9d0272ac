"""Running notebook source files on local Spark."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest
from pyspark.sql import SparkSession

from {{ cookiecutter.package_name }}.runtime.runner import (
    NotebookRunError,
    NotebookRunner,
)
from {{ cookiecutter.package_name }}.runtime.volumes import (
    LocalVolumes,
)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text).lstrip("\n"))
    return path


class RecordingSpark:
    """Passes calls to the session and records each statement with its arguments."""

    def __init__(self, spark: SparkSession) -> None:
        self.spark = spark
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def sql(self, statement: str, args: dict[str, Any] | None = None) -> Any:
        self.calls.append((statement, dict(args or {})))
        return self.spark.sql(statement, args=args)


@pytest.fixture
def runner(spark: SparkSession, tmp_path: Path) -> NotebookRunner:
    return NotebookRunner(spark, LocalVolumes(tmp_path / "volumes"))


def test_sql_notebook_runs_with_widget_defaults_overrides_and_notes(
    spark: SparkSession, tmp_path: Path
) -> None:
    recording = RecordingSpark(spark)
    runner = NotebookRunner(recording, LocalVolumes(tmp_path))  # type: ignore[arg-type]
    path = write(
        tmp_path,
        "load.sql",
        """
        -- Databricks notebook source
        -- MAGIC %md
        -- MAGIC # Load

        -- COMMAND ----------

        CREATE WIDGET TEXT catalog DEFAULT 'dev';
        CREATE WIDGET TEXT schema DEFAULT 'runner_a';
        CREATE WIDGET TEXT note DEFAULT 'from default';

        -- COMMAND ----------

        CREATE SCHEMA IF NOT EXISTS IDENTIFIER(:catalog || '.' || :schema);
        CREATE OR REPLACE TABLE IDENTIFIER(:catalog || '.' || :schema || '.t') USING DELTA
          AS SELECT :note AS note, 'a;b' AS literal;

        -- COMMAND ----------

        SELECT note, literal FROM IDENTIFIER(:catalog || '.' || :schema || '.t');
        """,
    )
    result = runner.run(path, {"note": "given"})
    assert result.parameters == {"catalog": "dev", "schema": "runner_a", "note": "given"}
    assert result.statements == 3
    assert [tuple(row) for row in result.outputs[-1].rows] == [("given", "a;b")]
    assert (result.outputs[-1].cell, result.outputs[-1].line) == (4, 19)
    assert [(n.action, n.construct, n.line) for n in result.notes] == [
        ("mapped", ":catalog", 0),
        ("skipped", "CREATE WIDGET", 7),
        ("skipped", "CREATE WIDGET", 8),
        ("skipped", "CREATE WIDGET", 9),
    ]
    # Each statement gets only the parameters it uses, with the catalog mapped.
    assert recording.calls[0][1] == {"catalog": "spark_catalog", "schema": "runner_a"}
    assert recording.calls[1][1] == {
        "catalog": "spark_catalog",
        "note": "given",
        "schema": "runner_a",
    }


def test_spark_errors_name_notebook_cell_line_and_statement(
    runner: NotebookRunner, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "bad.sql",
        """
        -- Databricks notebook source
        SELECT 1;
        -- COMMAND ----------
        SELECT 1;
        SELECT * FROM no_such_table;
        """,
    )
    with pytest.raises(NotebookRunError) as failure:
        runner.run(path)
    error = failure.value
    assert (error.notebook, error.cell, error.line) == (path, 2, 5)
    assert error.statement == "SELECT * FROM no_such_table"
    assert "TABLE_OR_VIEW_NOT_FOUND" in error.message
    assert str(error).startswith(f"{path}, cell 2 (line 5) failed:\n")
    assert "\n    SELECT * FROM no_such_table\nSpark: " in str(error)


def test_a_missing_parameter_is_named_before_spark_runs(
    runner: NotebookRunner, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "missing.sql",
        """
        -- Databricks notebook source
        CREATE WIDGET TEXT a DEFAULT '1';
        SELECT :a, :b;
        """,
    )
    with pytest.raises(NotebookRunError, match=r"uses :b, but no widget or parameter .*known: a"):
        runner.run(path)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("COPY INTO t FROM '/x' FILEFORMAT = CSV;", r"line 2\)[\s\S]*COPY INTO is Databricks-only"),
        ("SELECT 'open;", "unterminated string literal"),
        ("SELECT * FROM read_files(1/0);", "DIVIDE_BY_ZERO"),
        ("SELECT * FROM read_files('/Volumes/c');", "is not a volume path"),
    ],
)
def test_rejected_constructs_and_bad_sql_are_located(
    runner: NotebookRunner, tmp_path: Path, source: str, message: str
) -> None:
    path = write(tmp_path, "bad.sql", "-- Databricks notebook source\n" + source + "\n")
    with pytest.raises(NotebookRunError, match=message):
        runner.run(path)


def test_workspace_only_cells_are_skipped_unless_included(
    spark: SparkSession, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "maintenance.sql",
        """
        -- Databricks notebook source
        -- workspace-only: not on sample data
        SELECT 1 AS ran;

        -- COMMAND ----------

        -- MAGIC %pip install x
        """,
    )
    skipped = NotebookRunner(spark, LocalVolumes(tmp_path)).run(path)
    assert skipped.statements == 0
    assert [(n.action, n.construct, n.detail) for n in skipped.skipped] == [
        ("skipped", "workspace-only cell", "not on sample data"),
        ("skipped", "%pip", "packages come from the project environment (uv sync)"),
    ]
    included = NotebookRunner(spark, LocalVolumes(tmp_path), include_workspace_only=True)
    assert included.run(path).statements == 1


def test_python_notebook_with_widgets_sql_cells_and_exit(
    runner: NotebookRunner, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(
        tmp_path,
        "check.py",
        """
        # Databricks notebook source
        dbutils.widgets.text("limit", "2")
        dbutils.widgets.text("catalog", "prod")
        dbutils.widgets.text("label", "rows")
        frame = spark.range(int(dbutils.widgets.get("limit")))
        display(frame)
        display("plain")

        # COMMAND ----------

        # MAGIC %sql
        # MAGIC SELECT :limit AS limit, :label AS label

        # COMMAND ----------

        assert dbutils.widgets.get("catalog") == "spark_catalog"
        dbutils.notebook.exit(str(frame.count()))

        # COMMAND ----------

        raise RuntimeError("never reached")
        """,
    )
    result = runner.run(path, {"limit": "3"})
    assert result.exit_value == "3"
    assert result.python_cells == 1
    assert [tuple(row) for row in result.outputs[0].rows] == [("3", "rows")]
    printed = capsys.readouterr().out
    assert "|2  |" in printed
    assert "plain" in printed


def test_python_errors_name_the_failing_line(runner: NotebookRunner, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "fail.py",
        """
        # Databricks notebook source
        x = 1
        # COMMAND ----------
        y = 2
        z = dbutils.widgets.get("nope")
        """,
    )
    with pytest.raises(NotebookRunError) as failure:
        runner.run(path)
    assert (failure.value.cell, failure.value.line) == (2, 5)
    assert failure.value.statement == 'z = dbutils.widgets.get("nope")'
    assert "WidgetNotDefinedError: no input widget named 'nope'" in failure.value.message
    syntax = write(tmp_path, "syntax.py", "# Databricks notebook source\nx = (\n")
    with pytest.raises(NotebookRunError, match="SyntaxError"):
        runner.run(syntax)


def test_run_magic_includes_another_notebook(runner: NotebookRunner, tmp_path: Path) -> None:
    write(
        tmp_path,
        "setup.sql",
        """
        -- Databricks notebook source
        CREATE WIDGET TEXT greeting DEFAULT 'hello';
        CREATE WIDGET TEXT name DEFAULT 'setup';
        """,
    )
    main = write(
        tmp_path,
        "main.sql",
        """
        -- Databricks notebook source
        CREATE WIDGET TEXT name DEFAULT 'main';
        -- COMMAND ----------
        -- MAGIC %run "./setup"
        -- COMMAND ----------
        SELECT :greeting AS greeting, :name AS name;
        """,
    )
    result = runner.run(main)
    assert [tuple(row) for row in result.outputs[0].rows] == [("hello", "main")]


@pytest.mark.parametrize(
    ("target", "message"),
    [("./nowhere", r"no notebook at .*nowhere"), ("./plain.sql", "not a Databricks notebook")],
)
def test_run_magic_errors(
    runner: NotebookRunner, tmp_path: Path, target: str, message: str
) -> None:
    (tmp_path / "plain.sql").write_text("SELECT 1;\n")
    path = write(tmp_path, "main.sql", f"-- Databricks notebook source\n-- MAGIC %run {target}\n")
    with pytest.raises(NotebookRunError, match=message):
        runner.run(path)


def test_other_magics_are_errors_not_silent(runner: NotebookRunner, tmp_path: Path) -> None:
    path = write(
        tmp_path, "shell.sql", "-- Databricks notebook source\n-- MAGIC %sh\n-- MAGIC ls\n"
    )
    with pytest.raises(NotebookRunError, match="%sh cells do not run locally"):
        runner.run(path)
