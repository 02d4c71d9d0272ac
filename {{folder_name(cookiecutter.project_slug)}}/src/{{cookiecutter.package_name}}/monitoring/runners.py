"""Running a monitoring query: on a SQL warehouse through the Statement Execution API, or on Spark.

Both return rows as dictionaries with Python values (int, Decimal, float, str, bool, aware UTC
datetime, date), so reports do not depend on where the query ran.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

from databricks.sdk import WorkspaceClient
from databricks.sdk.service import sql

from .queries import Query, SystemTables

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

Row = dict[str, Any]


class SqlRunner(Protocol):
    """Runs a catalogue query with parameter values and returns its rows."""

    tables: SystemTables

    def run(self, query: Query, values: dict[str, Any]) -> list[Row]:
        """The rows of ``query`` with ``values`` bound to its parameter markers."""
        ...


class QueryFailedError(RuntimeError):
    """A statement that the warehouse did not finish successfully."""


class SparkRunner:
    """Runs queries with ``spark.sql(statement, args=...)`` (Databricks or local)."""

    def __init__(self, spark: SparkSession, tables: SystemTables | None = None) -> None:
        self.spark = spark
        self.tables = tables or SystemTables()

    def run(self, query: Query, values: dict[str, Any]) -> list[Row]:
        """The rows, with timestamps as aware UTC datetimes."""
        result = self.spark.sql(query.sql, args=query.bind(self.tables, values)).collect()
        return [{key: _utc(value) for key, value in row.asDict().items()} for row in result]


def _utc(value: Any) -> Any:
    # PySpark turns TIMESTAMP into a naive datetime in the process's local time zone.
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.astimezone(UTC)
    return value


# Parameter types for the Statement Execution API, by Python type (bool before int: a bool
# is an int in Python).
_PARAMETER_TYPES: tuple[tuple[type, str], ...] = (
    (bool, "BOOLEAN"),
    (int, "BIGINT"),
    (float, "DOUBLE"),
    (Decimal, "DECIMAL"),
    (datetime, "TIMESTAMP"),
    (date, "DATE"),
    (str, "STRING"),
)

_TERMINAL = {
    sql.StatementState.SUCCEEDED,
    sql.StatementState.FAILED,
    sql.StatementState.CANCELED,
    sql.StatementState.CLOSED,
}


class StatementExecutionRunner:
    """Runs queries on a SQL warehouse and reads every result chunk."""

    def __init__(
        self,
        ws: WorkspaceClient,
        warehouse_id: str,
        tables: SystemTables | None = None,
        poll_seconds: float = 2.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not warehouse_id:
            raise ValueError("a SQL warehouse id is needed to run monitoring queries")
        self._ws = ws
        self.warehouse_id = warehouse_id
        self.tables = tables or SystemTables()
        self._poll_seconds = poll_seconds
        self._sleep = sleep

    def run(self, query: Query, values: dict[str, Any]) -> list[Row]:
        """Submit, wait for the statement to finish, then decode all chunks."""
        parameters = [
            statement_parameter(name, value)
            for name, value in query.bind(self.tables, values).items()
        ]
        response = self._ws.statement_execution.execute_statement(
            statement=query.sql,
            warehouse_id=self.warehouse_id,
            parameters=parameters,
            wait_timeout="30s",
            on_wait_timeout=sql.ExecuteStatementRequestOnWaitTimeout.CONTINUE,
            disposition=sql.Disposition.INLINE,
            format=sql.Format.JSON_ARRAY,
        )
        while response.status is None or response.status.state not in _TERMINAL:
            self._sleep(self._poll_seconds)
            response = self._ws.statement_execution.get_statement(response.statement_id or "")
        if response.status.state != sql.StatementState.SUCCEEDED:
            error = response.status.error
            message = error.message if error else response.status.state.value
            raise QueryFailedError(f"query {query.name!r} did not succeed: {message}")
        return self._decode(response)

    def _decode(self, response: sql.StatementResponse) -> list[Row]:
        columns = response.manifest.schema.columns if response.manifest else None
        if not columns:
            return []
        names = [c.name or "" for c in columns]
        types = [c.type_name.value if c.type_name else "STRING" for c in columns]
        rows: list[Row] = []
        result = response.result
        while result is not None:
            for values in result.data_array or []:
                rows.append(
                    {n: decode_value(v, t) for n, v, t in zip(names, values, types, strict=True)}
                )
            if result.next_chunk_index is None:
                break
            result = self._ws.statement_execution.get_statement_result_chunk_n(
                response.statement_id or "", result.next_chunk_index
            )
        return rows


def statement_parameter(name: str, value: Any) -> sql.StatementParameterListItem:
    """A typed parameter; values travel as strings, as the API expects."""
    for python_type, sql_type in _PARAMETER_TYPES:
        if isinstance(value, python_type):
            return sql.StatementParameterListItem(name=name, value=_text(value), type=sql_type)
    raise TypeError(f"parameter {name!r}: unsupported value type {type(value).__name__}")


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        # An explicit UTC instant, whatever the warehouse's session time zone is.
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def decode_value(value: str | None, type_name: str) -> Any:
    """A JSON_ARRAY cell (always a string or null) as the Python value of its column type."""
    if value is None:
        return None
    if type_name in ("BYTE", "SHORT", "INT", "LONG"):
        return int(value)
    if type_name in ("FLOAT", "DOUBLE"):
        return float(value)
    if type_name == "DECIMAL":
        return Decimal(value)
    if type_name == "BOOLEAN":
        return value.lower() == "true"
    if type_name == "TIMESTAMP":
        return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)
    if type_name == "DATE":
        return date.fromisoformat(value)
    return value
