"""The streaming job: bronze, silver and gold queries, one after the other or side by side.

With `available-now`, each query drains what has arrived and stops before the next starts, so
one run moves every file through all three layers (a job on a file-arrival trigger or a
schedule, and local runs). A query stopped by Auto Loader's schema evolution (a new field in
the files) is started again with the new schema, up to `SCHEMA_RESTARTS` times, as
Databricks advises. With `processing-time`, the three run together until one fails or
`timeout_seconds` passes (a continuous job: the job restarts them, with back-off, when they
stop, including after a schema change).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .analytics import start_analytics
from .bronze import start_bronze
from .settings import StreamingSettings, Trigger
from .silver import start_silver
from .tables import create_tables

if TYPE_CHECKING:
    from pyspark.sql import SparkSession
    from pyspark.sql.streaming import StreamingQuery

    from ..quality import RuleSet


# Auto Loader stops the stream with this error class when files bring new fields.
SCHEMA_CHANGE_MARKERS = ("UNKNOWN_FIELD_EXCEPTION", "UnknownFieldException")
SCHEMA_RESTARTS = 3


class StreamingJobError(RuntimeError):
    """A query of the job failed; the message names the query and Spark's reason."""


@dataclass(frozen=True)
class QueryRun:
    """What one query did in this run."""

    name: str
    batches: int
    input_rows: int  # Spark's count of rows read: a batch read twice counts twice


@dataclass
class StreamingRun:
    """The queries of one run, in the order they started."""

    queries: list[QueryRun] = field(default_factory=list)


def run_streaming(
    spark: SparkSession,
    settings: StreamingSettings,
    rule_set: RuleSet | None = None,
    timeout_seconds: float | None = None,
) -> StreamingRun:
    """Create the tables if needed, then run bronze -> silver -> gold with the settings' trigger."""
    create_tables(spark, settings)
    starters: list[Callable[[], StreamingQuery]] = [
        lambda: start_bronze(spark, settings),
        lambda: start_silver(spark, settings, rule_set),
        lambda: start_analytics(spark, settings),
    ]
    if settings.trigger is Trigger.AVAILABLE_NOW:
        queries = [drain(start) for start in starters]
    else:
        queries = [start() for start in starters]
        try:
            spark.streams.awaitAnyTermination(timeout_seconds)
        finally:
            for query in queries:
                query.stop()
        for query in queries:
            _raise_if_failed(query)
    return StreamingRun([_summary(query) for query in queries])


def is_schema_change(error: BaseException) -> bool:
    """True when a query stopped because the source's schema gained columns."""
    return any(marker in str(error) for marker in SCHEMA_CHANGE_MARKERS)


def drain(start: Callable[[], StreamingQuery]) -> StreamingQuery:
    """Run an available-now query to its end; start it again after a schema change."""
    for _ in range(SCHEMA_RESTARTS):
        query = start()
        query.awaitTermination()
        error = query.exception()
        if error is None or not is_schema_change(error):
            break
    else:
        query = start()
        query.awaitTermination()
    _raise_if_failed(query)
    return query


def _raise_if_failed(query: StreamingQuery) -> None:
    error = query.exception()
    if error is not None:
        raise StreamingJobError(f"query {query.name} failed: {error}")


def _summary(query: StreamingQuery) -> QueryRun:
    progress = [p for p in query.recentProgress if p.get("numInputRows", 0) > 0]
    return QueryRun(
        name=query.name,
        batches=len(progress),
        input_rows=sum(int(p["numInputRows"]) for p in progress),
    )
