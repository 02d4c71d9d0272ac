"""`read_files(...)` on local Spark: the DataFrame behind the translation of that function.

Databricks' `read_files` reads every file under a path and, given `schema` and
`rescuedDataColumn`, puts whatever does not fit the schema into a rescued-data column as a
JSON object: fields absent from the schema, values that do not parse as the declared type, and
the file path (`_file_path`). Open-source Spark has no rescued-data column, so this module
reproduces it: CSV files are grouped by header and read with every column as a string, JSON
files are read with primitives as strings, each declared column is cast with `try_cast`, and
the rest is rescued. A line that cannot be parsed at all is rescued whole, as
`{"_corrupt_record": "<line>", "_file_path": ...}`.

Also like Databricks, the result carries a `_metadata` column (file_path, file_name, ...),
except that locally it is a regular column: `SELECT *` returns it too, so name the columns.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame, SparkSession
    from pyspark.sql.types import StructType

CORRUPT_COLUMN = "_corrupt_record"
_FORMATS_BY_SUFFIX = {".csv": "csv", ".json": "json", ".jsonl": "json", ".parquet": "parquet"}


class ReadFilesError(ValueError):
    """read_files was called in a way the local runner cannot reproduce."""


def list_data_files(path: str) -> list[Path]:
    """The files `read_files(path)` reads: a file, or every file under a folder, recursively.

    Hidden files and names starting with `_` (such as `_SUCCESS`) are skipped, as on Databricks.
    """
    root = Path(path.removeprefix("file:"))
    if root.is_file():
        return [root]
    if not root.is_dir():
        raise ReadFilesError(f"read_files: path {path!r} does not exist locally")
    return sorted(
        file
        for file in root.rglob("*")
        if file.is_file()
        and not any(part.startswith((".", "_")) for part in file.relative_to(root).parts)
    )


def read_files(spark: SparkSession, path: str, options: Mapping[str, object]) -> DataFrame:
    """A DataFrame like Databricks' `read_files(path, **options)`, plus a `_metadata` column."""
    remaining = {key.lower(): value for key, value in options.items()}
    files = list_data_files(path)
    file_format = str(remaining.pop("format", "") or _format_from_suffix(files, path)).lower()
    schema_ddl = remaining.pop("schema", None)
    rescued_column = remaining.pop("rescueddatacolumn", None)
    reader_options = {key: _option_text(value) for key, value in remaining.items()}
    if schema_ddl is None:
        if rescued_column:
            raise ReadFilesError(
                "read_files: rescuedDataColumn needs schema => '...' locally, so that the "
                "runner knows which fields to rescue"
            )
        return _plain_read(spark, files, file_format, reader_options)
    declared = _parse_schema(spark, str(schema_ddl))
    if not files:
        return _empty(spark, declared, rescued_column)
    if file_format == "csv":
        frames = [
            _rescue(_csv_group(spark, group, header, reader_options), declared, rescued_column)
            for header, group in _group_by_header(files, reader_options).items()
        ]
    elif file_format == "json":
        raw = (
            spark.read.options(**reader_options)
            .option("primitivesAsString", "true")
            .option("mode", "PERMISSIVE")
            .option("columnNameOfCorruptRecord", CORRUPT_COLUMN)
            .json([str(file) for file in files])
        )
        frames = [_rescue(raw.select("*", "_metadata"), declared, rescued_column)]
    else:
        frames = [_plain_read(spark, files, file_format, reader_options, declared)]
    result = frames[0]
    for frame in frames[1:]:
        result = result.unionByName(frame)
    return result


def _format_from_suffix(files: list[Path], path: str) -> str:
    suffixes = {_FORMATS_BY_SUFFIX.get(file.suffix.lower()) for file in files}
    if len(suffixes) == 1 and None not in suffixes:
        return suffixes.pop()  # type: ignore[return-value]
    raise ReadFilesError(
        f"read_files: cannot tell the format of the files under {path!r}; "
        "pass format => 'csv' (or 'json', 'parquet')"
    )


def _option_text(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _parse_schema(spark: SparkSession, ddl: str) -> StructType:
    try:
        return spark.createDataFrame([], ddl).schema
    except Exception as error:  # Spark raises several parse exception types
        raise ReadFilesError(
            f"read_files: schema {ddl!r} is not a valid DDL schema: {error}"
        ) from error


def _plain_read(
    spark: SparkSession,
    files: list[Path],
    file_format: str,
    options: dict[str, str],
    schema: StructType | None = None,
) -> DataFrame:
    reader = spark.read.format(file_format).options(**options)
    if schema is not None:
        reader = reader.schema(schema)
    return reader.load([str(file) for file in files]).select("*", "_metadata")


def _empty(spark: SparkSession, declared: StructType, rescued_column: object) -> DataFrame:
    """No files yet: the declared columns, the rescued column and `_metadata`, with no rows."""
    from pyspark.sql import functions as F

    frame = spark.createDataFrame([], declared)
    if rescued_column:
        frame = frame.withColumn(str(rescued_column), F.lit(None).cast("string"))
    metadata = F.struct(
        F.lit(None).cast("string").alias("file_path"),
        F.lit(None).cast("string").alias("file_name"),
        F.lit(None).cast("long").alias("file_size"),
        F.lit(None).cast("timestamp").alias("file_modification_time"),
    )
    return frame.withColumn("_metadata", metadata)


def _group_by_header(
    files: list[Path], options: Mapping[str, str]
) -> dict[tuple[str, ...], list[Path]]:
    """CSV files grouped by their header line, so each group is read by column name."""
    delimiter = options.get("sep") or options.get("delimiter") or ","
    has_header = options.get("header", "false").lower() == "true"
    groups: dict[tuple[str, ...], list[Path]] = {}
    for file in files:
        header: tuple[str, ...] = ()
        if has_header:
            with file.open(newline="", encoding=options.get("encoding", "utf-8")) as handle:
                first = next(csv.reader(handle, delimiter=delimiter), [])
            header = tuple(name.strip().lstrip("\ufeff") for name in first)
        groups.setdefault(header, []).append(file)
    return groups


def _csv_group(
    spark: SparkSession, files: list[Path], header: tuple[str, ...], options: dict[str, str]
) -> DataFrame:
    from pyspark.sql.types import StringType, StructField, StructType

    if not header:
        raise ReadFilesError(
            "read_files: CSV with a declared schema needs header => true locally, "
            "so columns are matched by name"
        )
    fields = [StructField(name, StringType()) for name in header]
    fields.append(StructField(CORRUPT_COLUMN, StringType()))
    return (
        spark.read.options(**options)
        .option("mode", "PERMISSIVE")
        .option("columnNameOfCorruptRecord", CORRUPT_COLUMN)
        .option("enforceSchema", "true")
        .schema(StructType(fields))
        .csv([str(file) for file in files])
        .select("*", "_metadata")
    )


def _rescue(raw: DataFrame, declared: StructType, rescued_column: object) -> DataFrame:
    """Cast the declared columns of `raw`; rescue unknown fields, bad values and corrupt lines."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import StringType

    raw_types = {field.name.lower(): field for field in raw.schema.fields}
    columns: list[Column] = []
    rescued_entries: list[Column] = []
    for field in declared.fields:
        source = raw_types.get(field.name.lower())
        if source is None:
            columns.append(F.lit(None).cast(field.dataType).alias(field.name))
            continue
        text = _as_text(F.col(f"`{source.name}`"), source.dataType)
        if isinstance(field.dataType, StringType):
            value = text
        else:
            value = F.col(f"`{source.name}`").try_cast(field.dataType)
            rescued_entries += [F.lit(source.name), F.when(value.isNull(), text)]
        columns.append(value.alias(field.name))
    declared_names = {field.name.lower() for field in declared.fields}
    for name, source in raw_types.items():
        if name in declared_names or name == "_metadata":
            continue
        rescued_entries += [
            F.lit(source.name),
            _as_text(F.col(f"`{source.name}`"), source.dataType),
        ]
    if rescued_column:
        columns.append(_rescued_json(rescued_entries).alias(str(rescued_column)))
    columns.append(F.col("_metadata"))
    return raw.select(*columns)


def _as_text(column: Column, data_type: object) -> Column:
    from pyspark.sql import functions as F
    from pyspark.sql.types import StringType

    return column if isinstance(data_type, StringType) else F.to_json(column)


def _rescued_json(entries: list[Column]) -> Column:
    """JSON of the non-null entries plus `_file_path`, or NULL when nothing was rescued."""
    from pyspark.sql import functions as F

    if not entries:
        return F.lit(None).cast("string")
    kept = F.map_filter(F.create_map(*entries), lambda _key, value: value.isNotNull())
    with_path = F.map_concat(kept, F.create_map(F.lit("_file_path"), F.col("_metadata.file_path")))
    return F.when(F.size(kept) > 0, F.to_json(with_path))
