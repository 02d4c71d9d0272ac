"""The event source: Auto Loader in a workspace, Spark's JSON file stream locally.

The runtime decides (`on_databricks()`); both return the same columns, so everything downstream
is one code path. What differs, stated plainly:

- Databricks: Auto Loader (`cloudFiles`) lists new files incrementally and records them in the
  checkpoint; the schema is inferred, with the event columns pinned by `schemaHints`, and kept
  under `<checkpoint>/_schema`. Schema evolution mode `addNewColumns`: a file with a new field
  stops the stream once with `UnknownFieldException`, the schema gains the column, and the
  job's retry restarts it (bronze appends with `mergeSchema`, so the column reaches the table).
  Values that do not fit their column's type, and malformed records, land in `_rescued_data`
  as JSON of just the rescued fields plus the file path.
- Locally: the file source with the explicit `EVENT_SCHEMA` (Spark's file source cannot infer
  or evolve a streaming schema). New fields are ignored, not added. A line that does not parse
  with the schema (malformed JSON or a value of the wrong type) keeps its columns as far as
  they parse and carries the whole raw line in `_rescued_data` (Spark's corrupt-record
  column). In both cases a row with `_rescued_data` is quarantined by the silver checks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..runtime.session import on_databricks

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

RESCUED_COLUMN = "_rescued_data"
EVENT_COLUMNS = "event_id string, order_id string, status string, event_time timestamp"
EVENT_SCHEMA = f"{EVENT_COLUMNS}, {RESCUED_COLUMN} string"
# Only event files: a README, a `_SUCCESS` marker or a partial upload is not an event.
EVENT_FILES = "*.json"


def read_events(
    spark: SparkSession, source_path: str, schema_location: str, max_files_per_batch: int
) -> DataFrame:
    """A stream of the JSON event files under `source_path`, with `_rescued_data`."""
    if on_databricks():
        return auto_loader(spark, source_path, schema_location, max_files_per_batch)
    return local_file_stream(spark, source_path, max_files_per_batch)


def auto_loader(
    spark: SparkSession, source_path: str, schema_location: str, max_files_per_batch: int
) -> DataFrame:
    """Auto Loader over `source_path` (Databricks only: `cloudFiles` exists nowhere else)."""
    return (
        spark.readStream.format("cloudFiles")
        .option("cloudFiles.format", "json")
        .option("cloudFiles.schemaLocation", schema_location)
        .option("cloudFiles.schemaEvolutionMode", "addNewColumns")
        .option("cloudFiles.schemaHints", EVENT_COLUMNS)
        .option("cloudFiles.inferColumnTypes", "true")
        .option("cloudFiles.maxFilesPerTrigger", str(max_files_per_batch))
        .option("pathGlobFilter", EVENT_FILES)
        .option("rescuedDataColumn", RESCUED_COLUMN)
        .load(source_path)
    )


def local_file_stream(spark: SparkSession, source_path: str, max_files_per_batch: int) -> DataFrame:
    """Spark's JSON file stream with the explicit schema; unparsable lines are rescued whole."""
    return (
        spark.readStream.schema(EVENT_SCHEMA)
        .option("mode", "PERMISSIVE")
        .option("columnNameOfCorruptRecord", RESCUED_COLUMN)
        .option("maxFilesPerTrigger", max_files_per_batch)
        .option("pathGlobFilter", EVENT_FILES)
        .json(source_path)
    )
