"""`streaming run`: options become settings; failures exit non-zero with the reason."""

from __future__ import annotations

from typing import Any

import pytest
from typer.testing import CliRunner

from {{ cookiecutter.package_name }}.cli import app
from {{ cookiecutter.package_name }}.streaming import (
    StreamingSettings,
    Trigger,
    cli,
)
from {{ cookiecutter.package_name }}.streaming.job import (
    QueryRun,
    StreamingJobError,
    StreamingRun,
)

runner = CliRunner()
REQUIRED = [
    "streaming", "run", "--catalog", "main", "--schema", "sales",
    "--source", "/Volumes/main/sales/events", "--checkpoints", "/Volumes/main/sales/ck",
]  # fmt: skip


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[StreamingSettings]:
    seen: list[StreamingSettings] = []

    def fake_run(spark: Any, settings: StreamingSettings) -> StreamingRun:
        seen.append(settings)
        return StreamingRun([QueryRun("bronze_order_events", 2, 18)])

    monkeypatch.setattr(cli, "get_spark", lambda: "spark")
    monkeypatch.setattr(cli, "run_streaming", fake_run)
    return seen


def test_run_passes_the_options_and_prints_each_query(calls: list[StreamingSettings]) -> None:
    result = runner.invoke(
        app, [*REQUIRED, "--trigger", "processing-time", "--interval", "30 seconds"]
    )
    assert result.exit_code == 0, result.output
    assert "bronze_order_events: 2 batch(es), 18 input rows" in result.output
    assert calls[0].trigger is Trigger.PROCESSING_TIME
    assert (calls[0].interval, calls[0].source_path) == ("30 seconds", "/Volumes/main/sales/events")


def test_bad_options_are_named(calls: list[StreamingSettings]) -> None:
    result = runner.invoke(app, [*REQUIRED, "--window", "an hour"])
    assert result.exit_code == 2
    assert "window_duration 'an hour' is not an interval" in result.output
    unknown = runner.invoke(app, [*REQUIRED, "--trigger", "continuous"])
    assert unknown.exit_code == 2
    assert calls == []


def test_a_failed_query_exits_with_its_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    def failing(spark: Any, settings: StreamingSettings) -> StreamingRun:
        raise StreamingJobError("query silver_order_events failed: MERGE failed")

    monkeypatch.setattr(cli, "get_spark", lambda: "spark")
    monkeypatch.setattr(cli, "run_streaming", failing)
    result = runner.invoke(app, REQUIRED)
    assert result.exit_code == 1
    assert "query silver_order_events failed: MERGE failed" in result.output
