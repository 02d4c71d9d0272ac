"""Running rendered statements: on local Spark, on a SQL warehouse, or as a dry run.

Both executors run a statement with its parameters bound, never interpolated, and with the
item's catalog and schema as the current schema (functions are created and called by plain
names):

- `LocalExecutor` passes each statement through the runtime's translation table (Databricks-only
  constructs are rewritten, skipped with a reason, or refused) and runs it with
  `spark.sql(statement, args=...)`. The catalog is always `spark_catalog` locally, and the
  schema is created if missing, as the bundle does on a workspace.
- `WorkspaceExecutor` sends each statement to a SQL warehouse through the Statement Execution
  API of databricks-sdk, with the values as `StatementParameterListItem`s and the catalog and
  schema as the statement's current ones; it waits for the result and reports the warehouse's
  error message when a statement fails.

Statements marked `workspace-only` run on a workspace and are reported as skipped locally.
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..runtime.files import ReadFilesError
from ..runtime.runner import CATALOG_PARAMETER, localize_parameter, spark_message
from ..runtime.translation import TranslationContext, UnsupportedConstructError, translate
from ..runtime.volumes import LocalVolumes, VolumePathError
from .render import Rendered, RenderedStatement
from .values import Binding, ParameterType

if TYPE_CHECKING:
    from databricks.sdk import WorkspaceClient
    from databricks.sdk.service.sql import StatementResponse
    from pyspark.sql import SparkSession

SHOWN_ROWS = 20


class Status(StrEnum):
    RAN = "ran"
    SKIPPED = "skipped"
    PLANNED = "planned"  # dry run: would run


@dataclass(frozen=True)
class StatementOutcome:
    statement: RenderedStatement
    status: Status
    notes: tuple[str, ...] = ()  # what the translation table did, or why it was skipped
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[Any, ...], ...] = ()  # the first rows a statement returned
    seconds: float = 0.0


@dataclass
class ApplyResult:
    rendered: Rendered
    target: str  # where it ran: local Spark, a warehouse, or a dry run
    outcomes: list[StatementOutcome] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ran(self) -> int:
        return sum(outcome.status is Status.RAN for outcome in self.outcomes)

    @property
    def skipped(self) -> int:
        return sum(outcome.status is Status.SKIPPED for outcome in self.outcomes)


class StatementFailedError(RuntimeError):
    """A statement failed; says which file and line, what ran, and the engine's message."""

    def __init__(self, statement: RenderedStatement, message: str) -> None:
        self.statement, self.message = statement, message
        self.result: ApplyResult | None = None  # what ran before the failure
        indented = "\n".join("    " + line for line in statement.sql.splitlines())
        super().__init__(
            f"{statement.source}, line {statement.line} failed:\n{indented}\n{message.strip()}"
        )


def dry_run(rendered: Rendered, *, local: bool) -> ApplyResult:
    """What `apply` would run, without running anything (and without starting Spark)."""
    target = "dry run on local Spark" if local else "dry run on a SQL warehouse"
    result = ApplyResult(rendered, target)
    if local:
        result.notes += _local_notes(rendered)
    for statement in rendered.statements:
        if local and statement.workspace_only:
            result.outcomes.append(_workspace_only(statement))
        else:
            result.outcomes.append(StatementOutcome(statement, Status.PLANNED))
    return result


def _workspace_only(statement: RenderedStatement) -> StatementOutcome:
    note = f"workspace-only: {statement.workspace_only}"
    return StatementOutcome(statement, Status.SKIPPED, (note,))


def _local_notes(rendered: Rendered) -> list[str]:
    local_catalog = localize_parameter(CATALOG_PARAMETER, rendered.catalog)
    if local_catalog == rendered.catalog:
        return []
    return [f"catalog {rendered.catalog!r} runs as {local_catalog!r} (the local catalog)"]


_SPARK_ERROR_LOGGERS = ("SQLQueryContextLogger", "DataFrameQueryContextLogger")


@contextmanager
def quiet_spark_errors() -> Iterator[None]:
    """PySpark logs each SQL error as JSON before raising it; the failure is reported instead."""
    loggers = [logging.getLogger(name) for name in _SPARK_ERROR_LOGGERS]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


class LocalExecutor:
    """Runs rendered items on a local Spark session with Delta."""

    def __init__(self, spark: SparkSession, volumes: LocalVolumes) -> None:
        self.spark = spark
        self.volumes = volumes

    def apply(self, rendered: Rendered) -> ApplyResult:
        result = ApplyResult(rendered, "local Spark", notes=_local_notes(rendered))
        catalog = localize_parameter(CATALOG_PARAMETER, rendered.catalog)
        placement = {"catalog": catalog, "schema": rendered.schema}
        spark_catalog = self.spark.catalog
        previous = (spark_catalog.currentCatalog(), spark_catalog.currentDatabase())
        views = itertools.count(1)
        try:
            with quiet_spark_errors():
                self.spark.sql(
                    "CREATE SCHEMA IF NOT EXISTS IDENTIFIER(:catalog || '.' || :schema)",
                    args=placement,
                )
                self.spark.sql("USE IDENTIFIER(:catalog || '.' || :schema)", args=placement)
            for statement in rendered.statements:
                result.outcomes.append(self._run(statement, views))
        except StatementFailedError as error:
            error.result = result
            raise
        finally:
            spark_catalog.setCurrentCatalog(previous[0])
            spark_catalog.setCurrentDatabase(previous[1])
        return result

    def _run(self, statement: RenderedStatement, views: Iterator[int]) -> StatementOutcome:
        if statement.workspace_only:
            return _workspace_only(statement)
        started = time.perf_counter()
        arguments = {b.name: self.local_value(b) for b in statement.bindings}
        texts = {b.name: localize_parameter(b.name, b.text) for b in statement.bindings}
        context = TranslationContext(self.spark, texts, self.volumes, views)
        try:
            with quiet_spark_errors():
                translation = translate(statement.sql, context)
        except (UnsupportedConstructError, ReadFilesError, VolumePathError) as error:
            raise StatementFailedError(statement, str(error)) from error
        except Exception as error:  # Spark evaluating a read_files argument
            raise StatementFailedError(statement, "Spark: " + spark_message(error)) from error
        notes = tuple(
            f"{applied.rule.action.value} {applied.rule.construct}: "
            f"{applied.detail or applied.rule.local}"
            for applied in translation.applied
        )
        if translation.sql is None:
            return StatementOutcome(statement, Status.SKIPPED, notes)
        try:
            with quiet_spark_errors():
                frame = self.spark.sql(translation.sql, args=arguments)
                rows = frame.take(SHOWN_ROWS) if frame.columns else []
        except Exception as error:  # every Spark failure is reported the same way
            raise StatementFailedError(statement, "Spark: " + spark_message(error)) from error
        return StatementOutcome(
            statement,
            Status.RAN,
            notes,
            tuple(frame.columns),
            tuple(tuple(row) for row in rows),
            time.perf_counter() - started,
        )

    def local_value(self, binding: Binding) -> Any:
        """The value Spark binds locally: the local catalog, timestamps in the session zone."""
        if binding.name == CATALOG_PARAMETER:
            return localize_parameter(binding.name, str(binding.value))
        if binding.type is ParameterType.TIMESTAMP:
            # A naive datetime would be read in the Python process's time zone; the value
            # means the session's time zone, as on a warehouse.
            zone = self.spark.conf.get("spark.sql.session.timeZone") or "UTC"
            try:
                return binding.value.replace(tzinfo=ZoneInfo(zone))
            except (ZoneInfoNotFoundError, ValueError):
                return binding.value
        return binding.value


_RUNNING = {"PENDING", "RUNNING"}


class WorkspaceExecutor:
    """Runs rendered items on a SQL warehouse through the Statement Execution API."""

    def __init__(
        self,
        client: WorkspaceClient,
        warehouse_id: str,
        *,
        timeout_seconds: float = 900.0,
        poll_seconds: float = 2.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.client = client
        self.warehouse_id = warehouse_id
        self.timeout_seconds = timeout_seconds
        self.poll_seconds = poll_seconds
        self.sleep = sleep

    def apply(self, rendered: Rendered) -> ApplyResult:
        result = ApplyResult(rendered, f"SQL warehouse {self.warehouse_id}")
        for statement in rendered.statements:
            try:
                result.outcomes.append(self._run(statement, rendered))
            except StatementFailedError as error:
                error.result = result
                raise
        return result

    def _run(self, statement: RenderedStatement, rendered: Rendered) -> StatementOutcome:
        from databricks.sdk.service.sql import (
            ExecuteStatementRequestOnWaitTimeout,
            StatementParameterListItem,
        )

        started = time.monotonic()
        response = self.client.statement_execution.execute_statement(
            statement=statement.sql,
            warehouse_id=self.warehouse_id,
            catalog=rendered.catalog,
            schema=rendered.schema,
            parameters=[
                StatementParameterListItem(name=b.name, value=b.text, type=b.sql_type)
                for b in statement.bindings
            ],
            row_limit=SHOWN_ROWS,
            wait_timeout="30s",
            on_wait_timeout=ExecuteStatementRequestOnWaitTimeout.CONTINUE,
        )
        response = self._wait(statement, response, started)
        columns: tuple[str, ...] = ()
        if response.manifest and response.manifest.schema and response.manifest.schema.columns:
            columns = tuple(str(column.name) for column in response.manifest.schema.columns)
        rows = response.result.data_array if response.result and response.result.data_array else []
        return StatementOutcome(
            statement,
            Status.RAN,
            columns=columns,
            rows=tuple(tuple(row) for row in rows[:SHOWN_ROWS]),
            seconds=time.monotonic() - started,
        )

    def _wait(
        self, statement: RenderedStatement, response: StatementResponse, started: float
    ) -> StatementResponse:
        while _state(response) in _RUNNING:
            if time.monotonic() - started > self.timeout_seconds:
                if response.statement_id:
                    self.client.statement_execution.cancel_execution(response.statement_id)
                raise StatementFailedError(
                    statement, f"cancelled after {self.timeout_seconds:g} s without a result"
                )
            self.sleep(self.poll_seconds)
            response = self.client.statement_execution.get_statement(str(response.statement_id))
        state = _state(response)
        if state != "SUCCEEDED":
            error = response.status.error if response.status else None
            message = error.message if error and error.message else "no message from the warehouse"
            raise StatementFailedError(statement, f"warehouse: {state}: {message}")
        return response


def _state(response: StatementResponse) -> str:
    if response.status is None or response.status.state is None:
        return "UNKNOWN"
    return response.status.state.value
