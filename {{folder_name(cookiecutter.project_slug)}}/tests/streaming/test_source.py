"""The source: the local file stream and what it rescues; Auto Loader's options on Databricks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pyspark.sql import SparkSession

from {{ cookiecutter.package_name }}.streaming import source
from {{ cookiecutter.package_name }}.streaming.bronze import (
    with_ingestion_metadata,
)
from {{ cookiecutter.package_name }}.streaming.source import (
    read_events,
)


def test_local_stream_reads_event_files_and_rescues_unparsable_lines(
    spark: SparkSession, events_dir: Path, tmp_path: Path
) -> None:
    events = with_ingestion_metadata(read_events(spark, str(events_dir), "unused", 1000))
    rows: list[Any] = []
    query = (
        events.writeStream.foreachBatch(lambda batch, _: rows.extend(batch.collect()))
        .option("checkpointLocation", str(tmp_path / "checkpoint"))
        .trigger(availableNow=True)
        .start()
    )
    query.awaitTermination()

    assert query.exception() is None
    assert len(rows) == 18  # every line of the three .json files; README.md is not an event
    assert {Path(row._source_file).name for row in rows} == {
        "events_001.json",
        "events_002.json",
        "events_003.json",
    }
    rescued = {row.event_id: row._rescued_data for row in rows if row._rescued_data}
    assert set(rescued) == {None, "e-0012"}  # the truncated line parses to nothing
    assert '"event_time": "yesterday"' in rescued["e-0012"]  # the whole raw line is kept
    assert all(row._ingested_at is not None for row in rows)
    assert "channel" not in events.columns  # new fields are ignored locally


class Recorder:
    """Stands in for `spark.readStream` and records the calls made on it."""

    def __init__(self) -> None:
        self.options: dict[str, str] = {}
        self.format_name = ""
        self.loaded = ""

    @property
    def readStream(self) -> Recorder:  # noqa: N802 - the Spark attribute's name
        return self

    def format(self, name: str) -> Recorder:
        self.format_name = name
        return self

    def option(self, key: str, value: str) -> Recorder:
        self.options[key] = value
        return self

    def load(self, path: str) -> str:
        self.loaded = path
        return "stream"


def test_on_databricks_auto_loader_evolves_the_schema_and_rescues_data(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(source, "on_databricks", lambda: True)
    spark = Recorder()

    stream = read_events(spark, "/Volumes/c/s/events", "/Volumes/c/s/ck/_schema", 50)  # type: ignore[arg-type]

    assert stream == "stream"
    assert (spark.format_name, spark.loaded) == ("cloudFiles", "/Volumes/c/s/events")
    assert spark.options == {
        "cloudFiles.format": "json",
        "cloudFiles.schemaLocation": "/Volumes/c/s/ck/_schema",
        "cloudFiles.schemaEvolutionMode": "addNewColumns",
        "cloudFiles.schemaHints": source.EVENT_COLUMNS,
        "cloudFiles.inferColumnTypes": "true",
        "cloudFiles.maxFilesPerTrigger": "50",
        "pathGlobFilter": "*.json",
        "rescuedDataColumn": "_rescued_data",
    }
