"""Rows written to local Delta tables during a run, read from each table's transaction log.

Every Delta commit records its operation and metrics (`commitInfo` in `_delta_log/*.json`).
Reading those files directly costs milliseconds, where `DESCRIBE HISTORY` costs a Spark job
per table, so the job runner can report rows written per table and per task for free.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlparse

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

# Which metric counts inserted, updated and deleted rows, per Delta operation.
_METRICS: dict[str, tuple[str | None, str | None, str | None]] = {
    "WRITE": ("numOutputRows", None, None),
    "STREAMING UPDATE": ("numOutputRows", None, None),
    "CREATE TABLE AS SELECT": ("numOutputRows", None, None),
    "REPLACE TABLE AS SELECT": ("numOutputRows", None, None),
    "CREATE OR REPLACE TABLE AS SELECT": ("numOutputRows", None, None),
    "MERGE": ("numTargetRowsInserted", "numTargetRowsUpdated", "numTargetRowsDeleted"),
    "UPDATE": (None, "numUpdatedRows", None),
    "DELETE": (None, None, "numDeletedRows"),
}


@dataclass(frozen=True)
class Commit:
    table: str
    version: int
    timestamp_ms: int
    operation: str
    inserted: int
    updated: int
    deleted: int


@dataclass(frozen=True)
class TableState:
    """A table after the run: its name, location and row count."""

    name: str
    location: Path
    rows: int


def commits_since(location: Path, table: str, since_ms: int) -> list[Commit]:
    """The commits of the Delta table at `location` made at or after `since_ms` (epoch ms)."""
    log = location / "_delta_log"
    commits = []
    for path in sorted(log.glob("*.json"), reverse=True):
        info = _commit_info(path)
        if info is None:
            continue
        timestamp = int(info.get("inCommitTimestamp") or info.get("timestamp") or 0)
        if timestamp < since_ms:
            break
        operation = str(info.get("operation", ""))
        metrics = info.get("operationMetrics") or {}
        names = _METRICS.get(operation, (None, None, None))
        counts = [int(metrics.get(name, 0)) if name else 0 for name in names]
        commits.append(Commit(table, int(path.stem), timestamp, operation, *counts))
    return sorted(commits, key=lambda commit: commit.version)


def _commit_info(path: Path) -> dict[str, object] | None:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            action = json.loads(line)
            if "commitInfo" in action:
                return action["commitInfo"]
    return None


def delta_tables(spark: SparkSession, schema: str) -> Iterator[tuple[str, Path]]:
    """(qualified name, location) of each Delta table in `schema` of the local catalog."""
    if not spark.catalog.databaseExists(schema):
        return
    database = spark.catalog.getDatabase(schema)
    base = _local_path(database.locationUri)
    for table in spark.catalog.listTables(schema):
        if table.isTemporary:
            continue
        location = base / table.name
        if (location / "_delta_log").is_dir():
            yield f"{schema}.{table.name}", location


def _local_path(uri: str) -> Path:
    parsed = urlparse(uri)
    return Path(unquote(parsed.path if parsed.scheme else uri))


def table_states(spark: SparkSession, schemas: list[str]) -> list[TableState]:
    """Every Delta table in `schemas` with its row count, sorted by name.

    All counts come from one query (a UNION ALL of one count per table): one Spark job and
    one round trip, where a count per table paid both for every table.
    """
    tables = sorted(
        (name, location) for schema in schemas for name, location in delta_tables(spark, schema)
    )
    if not tables:
        return []
    # Only quoted catalog names and loop indexes go into the text, never user values.
    counts = " UNION ALL ".join(
        f"SELECT {index} AS position, count(*) AS row_count FROM spark_catalog.{_quoted(name)}"  # noqa: S608
        for index, (name, _) in enumerate(tables)
    )
    rows = {row.position: row.row_count for row in spark.sql(counts).collect()}
    return [
        TableState(name, location, rows[index]) for index, (name, location) in enumerate(tables)
    ]


def _quoted(name: str) -> str:
    """`schema.table` with each part quoted, so any table name reads as written."""
    return ".".join("`" + part.replace("`", "``") + "`" for part in name.split(".", 1))
