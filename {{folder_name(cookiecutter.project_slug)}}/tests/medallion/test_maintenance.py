"""Maintenance: workspace cells are skipped with a reason locally, and their SQL runs on Delta."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pyspark.sql import SparkSession

from {{ cookiecutter.package_name }}.runtime.notebook import (
    read_notebook,
)
from {{ cookiecutter.package_name }}.runtime.runner import (
    NotebookRunner,
)
from {{ cookiecutter.package_name }}.runtime.statements import (
    split_statements,
)
from {{ cookiecutter.package_name }}.runtime.volumes import (
    LocalVolumes,
)

MAINTENANCE = Path("notebooks") / "maintenance" / "optimize.sql"


def parameters(schema: str) -> dict[str, str]:
    return {"catalog": "dev", "schema": schema, "retention_hours": "168"}


def test_maintenance_cells_are_reported_as_skipped(
    spark: SparkSession, project_root: Path, full_run: Any, tmp_path: Path
) -> None:
    runner = NotebookRunner(spark, LocalVolumes(tmp_path))
    result = runner.run(project_root / MAINTENANCE, parameters(full_run.schema))
    skipped = [(note.construct, note.detail) for note in result.skipped]
    assert [construct for construct, _ in skipped] == [
        "CREATE WIDGET",
        "CREATE WIDGET",
        "CREATE WIDGET",
        "workspace-only cell",
        "workspace-only cell",
        "workspace-only cell",
    ]
    assert "Delta tables" in skipped[-1][1]
    assert result.statements == 6  # the DECLARE and SET VAR statements of the setup cell


def statements_for(source: str, table: str) -> str:
    """The SET VAR statement that builds `table`'s command, and the EXECUTE IMMEDIATE after it."""
    statements = [statement.text for statement in split_statements(source)]
    index = next(i for i, text in enumerate(statements) if f"'{table}" in text)
    return ";\n".join(statements[index : index + 2]) + ";"


def test_optimize_and_vacuum_statements_run_on_local_delta(
    spark: SparkSession, project_root: Path, full_run: Any, tmp_path: Path
) -> None:
    """One table's OPTIMIZE ... ZORDER and VACUUM, taken from the notebook, run on local Delta.

    (ANALYZE cannot: open-source Spark does not analyze Delta tables; see translation.py.)
    """
    notebook = read_notebook(project_root / MAINTENANCE)
    setup, optimize, vacuum = notebook.cells[1], notebook.cells[2], notebook.cells[3]
    bodies = [
        setup.source,
        statements_for(optimize.source, "silver_quarantine"),
        statements_for(vacuum.source, "silver_quarantine"),
    ]
    local = tmp_path / "maintenance.sql"
    local.write_text(
        "-- Databricks notebook source\n" + "\n\n-- COMMAND ----------\n\n".join(bodies) + "\n"
    )
    result = NotebookRunner(spark, LocalVolumes(tmp_path)).run(local, parameters(full_run.schema))
    assert result.statements == 6 + 2 + 2
    history = spark.sql(f"DESCRIBE HISTORY spark_catalog.{full_run.schema}.silver_quarantine")
    operations = [row["operation"] for row in history.collect()]
    assert operations[0] in ("OPTIMIZE", "VACUUM END")
    assert "OPTIMIZE" in operations
