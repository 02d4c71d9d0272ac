"""How the job drives its queries, with stand-in queries: order, restarts, failures, modes."""

from __future__ import annotations

from typing import Any

import pytest

from {{ cookiecutter.package_name }}.streaming import (
    StreamingSettings,
    Trigger,
    job,
)
from {{ cookiecutter.package_name }}.streaming.job import (
    StreamingJobError,
    drain,
    is_schema_change,
)

SCHEMA_CHANGE = RuntimeError(
    "[UNKNOWN_FIELD_EXCEPTION.NEW_FIELDS_IN_RECORD_WITH_FILE_PATH] Encountered unknown fields"
)


class FakeQuery:
    """A query that ends at once, with an error or not, and one batch of progress."""

    def __init__(self, name: str, error: BaseException | None = None) -> None:
        self.name = name
        self.error = error
        self.stopped = False
        self.recentProgress = [{"numInputRows": 3}, {"numInputRows": 0}]

    def awaitTermination(self, timeout: float | None = None) -> None:  # noqa: N802
        pass

    def exception(self) -> BaseException | None:
        return self.error

    def stop(self) -> None:
        self.stopped = True


def starter(*queries: FakeQuery) -> Any:
    remaining = list(queries)
    return lambda: remaining.pop(0)


def test_a_schema_change_restarts_the_query() -> None:
    restarted = FakeQuery("bronze")
    assert drain(starter(FakeQuery("bronze", SCHEMA_CHANGE), restarted)) is restarted


def test_other_failures_and_endless_schema_changes_fail_by_name() -> None:
    with pytest.raises(StreamingJobError, match="query bronze failed: disk full"):
        drain(starter(FakeQuery("bronze", RuntimeError("disk full"))))
    changes = [FakeQuery("bronze", SCHEMA_CHANGE) for _ in range(job.SCHEMA_RESTARTS + 1)]
    with pytest.raises(StreamingJobError, match="UNKNOWN_FIELD_EXCEPTION"):
        drain(starter(*changes))


def test_schema_changes_are_recognised_by_their_error_class() -> None:
    assert is_schema_change(SCHEMA_CHANGE)
    assert is_schema_change(RuntimeError("org.apache.spark.sql...UnknownFieldException: x"))
    assert not is_schema_change(RuntimeError("disk full"))


class FakeStreams:
    def __init__(self) -> None:
        self.timeout: float | None = None

    def awaitAnyTermination(self, timeout: float | None = None) -> None:  # noqa: N802
        self.timeout = timeout


class FakeSpark:
    def __init__(self) -> None:
        self.streams = FakeStreams()


@pytest.fixture
def fake_queries(monkeypatch: pytest.MonkeyPatch) -> dict[str, FakeQuery]:
    queries = {
        "bronze": FakeQuery("bronze"),
        "silver": FakeQuery("silver"),
        "gold": FakeQuery("gold"),
    }
    monkeypatch.setattr(job, "create_tables", lambda spark, settings: None)
    monkeypatch.setattr(job, "start_bronze", lambda spark, settings: queries["bronze"])
    monkeypatch.setattr(job, "start_silver", lambda spark, settings, rules: queries["silver"])
    monkeypatch.setattr(job, "start_analytics", lambda spark, settings: queries["gold"])
    return queries


def settings(trigger: Trigger) -> StreamingSettings:
    return StreamingSettings("main", "sales", "/src", "/ck", trigger=trigger)


def test_available_now_runs_the_queries_in_order_and_summarises_them(
    fake_queries: dict[str, FakeQuery],
) -> None:
    run = job.run_streaming(FakeSpark(), settings(Trigger.AVAILABLE_NOW))  # type: ignore[arg-type]
    assert [(q.name, q.batches, q.input_rows) for q in run.queries] == [
        ("bronze", 1, 3),
        ("silver", 1, 3),
        ("gold", 1, 3),
    ]


def test_processing_time_runs_them_together_and_stops_all_when_one_ends(
    fake_queries: dict[str, FakeQuery],
) -> None:
    spark = FakeSpark()
    fake_queries["silver"].error = RuntimeError("MERGE failed")
    with pytest.raises(StreamingJobError, match="query silver failed: MERGE failed"):
        job.run_streaming(spark, settings(Trigger.PROCESSING_TIME), timeout_seconds=5)  # type: ignore[arg-type]
    assert spark.streams.timeout == 5
    assert all(query.stopped for query in fake_queries.values())
