"""Monitoring queries on a SQL warehouse: the Statement Execution API over HTTP."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from {{ cookiecutter.package_name }}.admin import AdminContext
from {{ cookiecutter.package_name }}.admin.context import (
    MissingSqlWarehouseError,
)
from {{ cookiecutter.package_name }}.monitoring import (
    QUERIES,
    StatementExecutionRunner,
)
from {{ cookiecutter.package_name }}.monitoring.records import (
    TimeWindow,
)
from {{ cookiecutter.package_name }}.monitoring.runners import (
    QueryFailedError,
    decode_value,
    statement_parameter,
)

from fake_workspace import FakeWorkspace

WINDOW = TimeWindow(datetime(2025, 6, 7, tzinfo=UTC), datetime(2025, 6, 8, tzinfo=UTC))
MANIFEST = {
    "format": "JSON_ARRAY",
    "schema": {
        "column_count": 3,
        "columns": [
            {"name": "run_id", "type_name": "STRING", "position": 0},
            {"name": "duration_seconds", "type_name": "LONG", "position": 1},
            {"name": "ended_at", "type_name": "TIMESTAMP", "position": 2},
        ],
    },
    "total_chunk_count": 2,
}


def test_runs_polls_and_reads_every_chunk(context: AdminContext, fake: FakeWorkspace) -> None:
    fake.statements = [
        [
            {"statement_id": "st-1", "status": {"state": "PENDING"}},
            {"statement_id": "st-1", "status": {"state": "RUNNING"}},
            {
                "statement_id": "st-1",
                "status": {"state": "SUCCEEDED"},
                "manifest": MANIFEST,
                "result": {
                    "chunk_index": 0,
                    "data_array": [["r1", "60", "2025-06-07T01:00:00.000Z"]],
                    "next_chunk_index": 1,
                },
            },
        ]
    ]
    fake.chunks[("st-1", 1)] = {"chunk_index": 1, "data_array": [["r2", None, None]]}
    sleeps: list[float] = []
    runner = StatementExecutionRunner(context.workspace_client, "wh-1", sleep=sleeps.append)
    rows = runner.run(QUERIES["failed_job_runs"], WINDOW.values())
    assert rows == [
        {"run_id": "r1", "duration_seconds": 60, "ended_at": datetime(2025, 6, 7, 1, tzinfo=UTC)},
        {"run_id": "r2", "duration_seconds": None, "ended_at": None},
    ]
    assert sleeps == [2.0, 2.0]  # after PENDING and after RUNNING
    (submit,) = fake.calls("POST", "/api/2.0/sql/statements")
    assert submit.body["warehouse_id"] == "wh-1"
    assert submit.body["statement"] == QUERIES["failed_job_runs"].sql
    assert submit.body["wait_timeout"] == "30s"
    assert submit.body["on_wait_timeout"] == "CONTINUE"
    assert submit.body["parameters"] == [
        {"name": "end_time", "value": "2025-06-08T00:00:00.000000Z", "type": "TIMESTAMP"},
        {"name": "lakeflow_schema", "value": "system.lakeflow", "type": "STRING"},
        {"name": "start_time", "value": "2025-06-07T00:00:00.000000Z", "type": "TIMESTAMP"},
    ]
    assert [r.path for r in fake.calls("GET", "/api/2.0/sql/statements")] == [
        "/api/2.0/sql/statements/st-1",
        "/api/2.0/sql/statements/st-1",
        "/api/2.0/sql/statements/st-1/result/chunks/1",
    ]


def test_failed_statements_raise_with_the_message(
    context: AdminContext, fake: FakeWorkspace
) -> None:
    fake.statements = [
        [
            {
                "statement_id": "st-2",
                "status": {
                    "state": "FAILED",
                    "error": {"message": "TABLE_OR_VIEW_NOT_FOUND: system.lakeflow.jobs"},
                },
            }
        ]
    ]
    runner = StatementExecutionRunner(context.workspace_client, "wh-1")
    with pytest.raises(QueryFailedError, match="'failed_job_runs' did not succeed: TABLE_OR"):
        runner.run(QUERIES["failed_job_runs"], WINDOW.values())


def test_empty_results_have_no_rows(context: AdminContext, fake: FakeWorkspace) -> None:
    fake.statements = [[{"statement_id": "st-3", "status": {"state": "SUCCEEDED"}}]]
    runner = StatementExecutionRunner(context.workspace_client, "wh-1")
    assert runner.run(QUERIES["failed_job_runs"], WINDOW.values()) == []


def test_a_warehouse_is_required(context: AdminContext) -> None:
    with pytest.raises(ValueError, match="a SQL warehouse id is needed"):
        StatementExecutionRunner(context.workspace_client, "")
    with pytest.raises(MissingSqlWarehouseError, match="--warehouse-id"):
        _ = context.sql
    assert isinstance(context.replace(warehouse_id="wh-9").sql, StatementExecutionRunner)


def test_parameter_types() -> None:
    assert statement_parameter("b", True).as_dict() == {
        "name": "b",
        "value": "true",
        "type": "BOOLEAN",
    }
    assert statement_parameter("i", 3).type == "BIGINT"
    assert statement_parameter("f", 2.5).type == "DOUBLE"
    assert statement_parameter("d", Decimal("1.5")).as_dict()["value"] == "1.5"
    assert statement_parameter("day", date(2025, 1, 2)).as_dict()["value"] == "2025-01-02"
    with pytest.raises(TypeError, match="parameter 'x': unsupported value type list"):
        statement_parameter("x", [1])


@pytest.mark.parametrize(
    ("value", "type_name", "expected"),
    [
        ("7", "INT", 7),
        ("1.5", "DOUBLE", 1.5),
        ("2.10", "DECIMAL", Decimal("2.10")),
        ("true", "BOOLEAN", True),
        ("2025-06-07", "DATE", date(2025, 6, 7)),
        ("2025-06-07T01:02:03.000Z", "TIMESTAMP", datetime(2025, 6, 7, 1, 2, 3, tzinfo=UTC)),
        ("x", "STRING", "x"),
        (None, "LONG", None),
    ],
)
def test_decoding_cells(value: str | None, type_name: str, expected: object) -> None:
    assert decode_value(value, type_name) == expected
