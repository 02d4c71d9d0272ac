"""Where checked data comes from and goes to: a table name or a Delta folder.

A location that looks like a path (`/…`, `./…`, `../…`, `dbfs:/…`, `s3://…`) is a Delta folder;
anything else is a table name resolved by the catalog (`catalog.schema.table`, or a bare name in
the current schema). Names are passed to Spark's API, never pasted into SQL text.
"""

from __future__ import annotations

from pyspark.sql import DataFrame, SparkSession


def is_path(location: str) -> bool:
    """True when `location` names a folder rather than a table."""
    return location.startswith(("/", "./", "../")) or ":/" in location


def read_location(spark: SparkSession, location: str) -> DataFrame:
    """The table or Delta folder at `location`."""
    if is_path(location):
        return spark.read.format("delta").load(location)
    return spark.table(location)


def write_location(df: DataFrame, location: str, mode: str = "append") -> None:
    """Write `df` as Delta to `location`; new columns are merged into an existing schema."""
    writer = df.write.format("delta").mode(mode).option("mergeSchema", "true")
    if is_path(location):
        writer.save(location)
    else:
        writer.saveAsTable(location)
