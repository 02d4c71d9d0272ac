"""Streaming: each micro-batch of a file source is one quality run (per-batch semantics)."""

from __future__ import annotations

import json
from pathlib import Path

from pyspark.sql import SparkSession

from {{ cookiecutter.package_name }}.quality.streaming import (
    check_stream,
)

from .conftest import rules

SCHEMA = "id int, email string"


def land(folder: Path, name: str, rows: list[dict]) -> None:
    (folder / name).write_text("\n".join(json.dumps(row) for row in rows) + "\n")


def test_each_micro_batch_is_checked(spark: SparkSession, tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    landing.mkdir()
    land(landing, "1.json", [{"id": 1, "email": "a@example.com"}, {"id": 1, "email": None}])
    land(
        landing,
        "2.json",
        [{"id": 1, "email": "b@example.com"}, {"id": 2, "email": "c@example.com"}],
    )
    stream = spark.readStream.schema(SCHEMA).option("maxFilesPerTrigger", 1).json(str(landing))
    rule_set = rules(
        {
            "name": "email_present",
            "dimension": "completeness",
            "check": {"type": "not_null", "column": "email"},
        },
        {
            "name": "id_unique",
            "dimension": "uniqueness",
            "criticality": "warn",
            "check": {"type": "unique", "columns": ["id"]},
        },
    )
    query = check_stream(
        stream,
        rule_set,
        checkpoint_location=str(tmp_path / "checkpoint"),
        query_name="people_stream",
        valid_to=str(tmp_path / "valid"),
        quarantine_to=str(tmp_path / "quarantine"),
        metrics_to=str(tmp_path / "metrics"),
    )
    query.awaitTermination(120)
    assert query.exception() is None

    valid = spark.read.format("delta").load(str(tmp_path / "valid"))
    assert sorted((row.id, row.email, len(row._warnings)) for row in valid.collect()) == [
        (1, "a@example.com", 1),  # duplicate id within its own batch
        (1, "b@example.com", 0),  # same id in another batch: uniqueness is per batch
        (2, "c@example.com", 0),
    ]
    quarantine = spark.read.format("delta").load(str(tmp_path / "quarantine"))
    assert [(row.id, row._run_id) for row in quarantine.collect()] == [(1, "people_stream-0")]
    metrics = spark.read.format("delta").load(str(tmp_path / "metrics"))
    assert sorted(
        (row.run_id, row.rule, row.rows_failed)
        for row in metrics.collect()
        if row.rule != "_volume"
    ) == [
        ("people_stream-0", "email_present", 1),
        ("people_stream-0", "id_unique", 2),
        ("people_stream-1", "email_present", 0),
        ("people_stream-1", "id_unique", 0),
    ]
