"""Appending typed records to a Delta table, with a schema taken from the record type.

The schema comes from the dataclass's annotations rather than from the values, so a column
that is empty in this run (all None) still gets its proper type and appends never conflict.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import Enum, IntEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

_SQL_TYPES: dict[type, str] = {
    str: "STRING",
    bool: "BOOLEAN",
    int: "BIGINT",
    float: "DOUBLE",
    Decimal: "DECIMAL(38,18)",
    datetime: "TIMESTAMP",
    date: "DATE",
}


def column_type(annotation: Any) -> str:
    """The Spark SQL type of one annotated field (``X | None`` is nullable ``X``).

    Anything else (lists, mappings, nested records) is stored as a JSON string.
    """
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        options = [a for a in typing.get_args(annotation) if a is not type(None)]
        annotation = options[0] if len(options) == 1 else Any
    return _SQL_TYPES.get(annotation, "STRING")


def table_schema(record_type: type) -> str:
    """A DDL schema string: ``run_at TIMESTAMP, <field> <type>, ...``."""
    hints = typing.get_type_hints(record_type)
    columns = ["run_at TIMESTAMP"]
    columns += [
        f"{field.name} {column_type(hints[field.name])}"
        for field in dataclasses.fields(record_type)
    ]
    return ", ".join(columns)


def _cell(value: Any, sql_type: str) -> Any:
    if sql_type != "STRING" or isinstance(value, str | None):
        return value
    if isinstance(value, IntEnum):
        return value.name.lower()  # severities: "high", as in the JSON output
    if isinstance(value, Enum):
        return value.value
    return json.dumps(value, sort_keys=True, default=str)


def append_records(
    spark: SparkSession,
    table: str,
    record_type: type,
    records: Sequence[Any],
    run_at: datetime,
) -> int:
    """Append records (all stamped with ``run_at``) to a Delta table; returns the row count."""
    hints = typing.get_type_hints(record_type)
    rows = []
    for record in records:
        row: dict[str, Any] = {"run_at": run_at}
        for field in dataclasses.fields(record_type):
            row[field.name] = _cell(getattr(record, field.name), column_type(hints[field.name]))
        rows.append(row)
    frame = spark.createDataFrame(rows, schema=table_schema(record_type))
    frame.write.format("delta").mode("append").saveAsTable(table)
    return len(rows)
