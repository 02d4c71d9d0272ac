"""Shared helpers of the streaming tests: a schema and folders per test, silver event rows,
fixture files landed one at a time, and table snapshots that leave out what differs between
runs by design."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from {{ cookiecutter.package_name }}.streaming import (
    StreamingSettings,
)

EVENT_FILES = ("events_001.json", "events_002.json", "events_003.json")
# Columns that say when a row was written: they differ between runs by design.
RUN_COLUMNS = {"_ingested_at", "_updated_at"}

Land = Callable[..., None]
# Silver events as the streaming silver table holds them.
EVENTS = (
    "event_id string, order_id string, status string, event_time timestamp, "
    "_source_file string, _ingested_at timestamp"
)


def at(hour: int, minute: int = 0) -> datetime:
    """A moment on the tests' event day."""
    return datetime(2026, 3, 2, hour, minute)


@pytest.fixture(scope="session")
def events_dir(project_root: Path) -> Path:
    return project_root / "fixtures" / "events"


def new_settings(spark: SparkSession, folder: Path, **overrides: object) -> StreamingSettings:
    """Settings writing to a schema of their own (named after `folder`), files in `folder`."""
    schema = re.sub(r"[^a-z0-9_]", "_", folder.name.lower())
    spark.sql("CREATE SCHEMA IF NOT EXISTS IDENTIFIER(:name)", args={"name": schema})
    (folder / "source").mkdir(parents=True, exist_ok=True)
    values: dict[str, object] = {
        "catalog": "spark_catalog",
        "schema": schema,
        "source_path": str(folder / "source"),
        "checkpoint_path": str(folder / "checkpoints"),
        "max_files_per_batch": 1,
    }
    values.update(overrides)
    return StreamingSettings(**values)  # type: ignore[arg-type]


@pytest.fixture
def settings(spark: SparkSession, tmp_path: Path) -> StreamingSettings:
    return new_settings(spark, tmp_path)


def land_files(events_dir: Path, settings: StreamingSettings, *names: str) -> None:
    """Drop fixture files into the source folder, as a producer would."""
    for name in names:
        shutil.copy2(events_dir / name, Path(settings.source_path) / name)


def snapshot(spark: SparkSession, settings: StreamingSettings, table: str) -> list[tuple]:
    """The table's rows, sorted, without run columns; source files reduced to their names."""
    frame = spark.table(settings.table(table))
    columns = [
        F.regexp_extract(name, r"([^/]+)$", 1).alias(name) if name == "_source_file" else name
        for name in frame.columns
        if name not in RUN_COLUMNS
    ]
    return sorted((tuple(row) for row in frame.select(columns).collect()), key=repr)
