"""Rows written per table, read from Delta's transaction log."""

from __future__ import annotations

import json
from pathlib import Path

from pyspark.sql import SparkSession

from {{ cookiecutter.package_name }}.runtime.table_metrics import (
    commits_since,
    delta_tables,
    table_states,
)


def write_log(table: Path, version: int, *actions: dict) -> None:
    log = table / "_delta_log"
    log.mkdir(parents=True, exist_ok=True)
    lines = "\n".join(json.dumps(action) for action in actions)
    (log / f"{version:020d}.json").write_text(lines + "\n")


def commit(operation: str, timestamp: int, **metrics: str) -> dict:
    return {
        "commitInfo": {"timestamp": timestamp, "operation": operation, "operationMetrics": metrics}
    }


def test_commits_since_reads_the_metrics_of_each_operation(tmp_path: Path) -> None:
    write_log(tmp_path, 0, {"protocol": {}}, commit("CREATE TABLE", 100))
    write_log(tmp_path, 1, commit("WRITE", 200, numOutputRows="5"))
    write_log(
        tmp_path,
        2,
        commit(
            "MERGE",
            300,
            numTargetRowsInserted="1",
            numTargetRowsUpdated="2",
            numTargetRowsDeleted="3",
        ),
    )
    write_log(tmp_path, 3, commit("DELETE", 400, numDeletedRows="4"))
    write_log(tmp_path, 4, {"add": {"path": "x"}})  # no commitInfo: not a commit to count
    write_log(tmp_path, 5, commit("OPTIMIZE", 500, numAddedFiles="1"))
    commits = commits_since(tmp_path, "s.t", 200)
    assert [(c.version, c.operation, c.inserted, c.updated, c.deleted) for c in commits] == [
        (1, "WRITE", 5, 0, 0),
        (2, "MERGE", 1, 2, 3),
        (3, "DELETE", 0, 0, 4),
        (5, "OPTIMIZE", 0, 0, 0),
    ]


def test_tables_of_a_schema_with_their_row_counts(spark: SparkSession) -> None:
    assert list(delta_tables(spark, "metrics_missing_schema")) == []
    spark.sql("CREATE SCHEMA IF NOT EXISTS metrics")
    spark.sql("CREATE OR REPLACE TABLE metrics.t USING DELTA AS SELECT 1 AS id UNION ALL SELECT 2")
    spark.range(1).createOrReplaceTempView("metrics_temporary_view")
    states = table_states(spark, ["metrics"])
    assert [(state.name, state.rows) for state in states] == [("metrics.t", 2)]
    assert (states[0].location / "_delta_log").is_dir()
