"""Executors: the Statement Execution API with bound parameters, dry runs, local failures."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from databricks.sdk.service.sql import (
    ColumnInfo,
    ExecuteStatementRequestOnWaitTimeout,
    ResultData,
    ResultManifest,
    ResultSchema,
    ServiceError,
    StatementParameterListItem,
    StatementResponse,
    StatementState,
    StatementStatus,
)
from pyspark.sql import SparkSession

from {{ cookiecutter.package_name }}.runtime.volumes import (
    LocalVolumes,
)
from {{ cookiecutter.package_name }}.sqllib import (
    Library,
    LocalExecutor,
    StatementFailedError,
    WorkspaceExecutor,
    dry_run,
    render,
)
from {{ cookiecutter.package_name }}.sqllib.execute import Status

from .test_library import write


def response(
    state: StatementState,
    statement_id: str = "s-1",
    rows: list[list[str]] | None = None,
    error: str | None = None,
) -> StatementResponse:
    return StatementResponse(
        statement_id=statement_id,
        status=StatementStatus(state=state, error=ServiceError(message=error) if error else None),
        manifest=ResultManifest(schema=ResultSchema(columns=[ColumnInfo(name="n")]))
        if rows is not None
        else None,
        result=ResultData(data_array=rows) if rows is not None else None,
    )


class FakeStatementExecution:
    """Answers execute_statement with the given responses, then get_statement with the rest."""

    def __init__(self, *responses: StatementResponse) -> None:
        self.responses = list(responses)
        self.executed: list[dict[str, Any]] = []
        self.polled: list[str] = []
        self.cancelled: list[str] = []

    def execute_statement(self, **request: Any) -> StatementResponse:
        self.executed.append(request)
        return self.responses.pop(0)

    def get_statement(self, statement_id: str) -> StatementResponse:
        self.polled.append(statement_id)
        return self.responses.pop(0)

    def cancel_execution(self, statement_id: str) -> None:
        self.cancelled.append(statement_id)


class FakeClient:
    def __init__(self, *responses: StatementResponse) -> None:
        self.statement_execution = FakeStatementExecution(*responses)


def test_workspace_apply_binds_every_value_as_a_typed_parameter(library: Library) -> None:
    rendered = render(library, "data_quality_checks", {"min_row_count": "5"})
    answers = [response(StatementState.SUCCEEDED) for _ in rendered.statements]
    answers[-1] = response(StatementState.SUCCEEDED, rows=[["all checks passed"]])
    client = FakeClient(*answers)
    result = WorkspaceExecutor(client, "wh-1", sleep=lambda _: None).apply(rendered)  # type: ignore[arg-type]
    assert result.target == "SQL warehouse wh-1"
    assert result.ran == len(rendered.statements)
    assert result.outcomes[-1].columns == ("n",)
    assert result.outcomes[-1].rows == (("all checks passed",),)
    merge = client.statement_execution.executed[1]
    assert merge["statement"] == rendered.statements[1].sql  # markers, not values
    assert merge["warehouse_id"] == "wh-1"
    assert (merge["catalog"], merge["schema"]) == (rendered.catalog, rendered.schema)
    assert merge["on_wait_timeout"] is ExecuteStatementRequestOnWaitTimeout.CONTINUE
    parameters = {item.name: item for item in merge["parameters"]}
    assert parameters["min_row_count"] == StatementParameterListItem(
        name="min_row_count", value="5", type="INT"
    )
    assert parameters["max_null_fraction"].type == "DOUBLE"
    assert parameters["key_column"].type == "STRING"
    assert "fail_on_error" not in parameters  # only the markers a statement uses are sent
    last = {item.name: item for item in client.statement_execution.executed[-1]["parameters"]}
    assert last["fail_on_error"] == StatementParameterListItem(
        name="fail_on_error", value="false", type="BOOLEAN"
    )


def test_workspace_apply_waits_for_running_statements(library: Library) -> None:
    rendered = render(library, "quarter_label")
    client = FakeClient(
        response(StatementState.PENDING, "s-9"),
        response(StatementState.RUNNING, "s-9"),
        response(StatementState.SUCCEEDED, "s-9"),
    )
    naps: list[float] = []
    executor = WorkspaceExecutor(client, "wh", poll_seconds=0.5, sleep=naps.append)  # type: ignore[arg-type]
    assert executor.apply(rendered).ran == 1
    assert client.statement_execution.polled == ["s-9", "s-9"]
    assert naps == [0.5, 0.5]


def test_workspace_failures_name_the_statement_and_the_warehouse_message(
    library: Library,
) -> None:
    rendered = render(library, "scd1_merge")
    client = FakeClient(
        response(StatementState.SUCCEEDED),
        response(StatementState.FAILED, error="[TABLE_OR_VIEW_NOT_FOUND] orders_valid"),
    )
    with pytest.raises(StatementFailedError, match="scd1_merge, line 46 failed") as failed:
        WorkspaceExecutor(client, "wh").apply(rendered)  # type: ignore[arg-type]
    assert "warehouse: FAILED: [TABLE_OR_VIEW_NOT_FOUND] orders_valid" in str(failed.value)
    assert failed.value.result is not None
    assert failed.value.result.ran == 1


def test_workspace_statements_that_take_too_long_are_cancelled(library: Library) -> None:
    rendered = render(library, "quarter_label")
    client = FakeClient(response(StatementState.RUNNING, "slow"))
    executor = WorkspaceExecutor(client, "wh", timeout_seconds=-1)  # type: ignore[arg-type]
    with pytest.raises(StatementFailedError, match="cancelled after -1 s without a result"):
        executor.apply(rendered)
    assert client.statement_execution.cancelled == ["slow"]


def test_a_statement_without_a_status_is_a_failure(library: Library) -> None:
    client = FakeClient(StatementResponse(statement_id="x"))
    with pytest.raises(StatementFailedError, match="UNKNOWN: no message from the warehouse"):
        WorkspaceExecutor(client, "wh").apply(render(library, "quarter_label"))  # type: ignore[arg-type]


def test_dry_runs_show_what_would_run_where(library: Library) -> None:
    rendered = render(library, "table_maintenance")
    local = dry_run(rendered, local=True)
    assert [o.status for o in local.outcomes] == [
        Status.PLANNED,
        Status.SKIPPED,
        Status.SKIPPED,
        Status.SKIPPED,
        Status.PLANNED,
    ]
    assert local.notes == [
        f"catalog {rendered.catalog!r} runs as 'spark_catalog' (the local catalog)"
    ]
    remote = dry_run(rendered, local=False)
    assert all(o.status is Status.PLANNED for o in remote.outcomes)
    assert remote.notes == []
    assert (
        dry_run(
            render(library, "table_maintenance", {"catalog": "spark_catalog"}), local=True
        ).notes
        == []
    )


PROBE = """\
-- ---
-- title: Probe
-- description: Statements that exercise the local executor.
-- parameters:
--   - catalog
--   - schema
--   - {name: moment, type: timestamp, description: A time., default: '2024-03-01 08:30:00'}
-- ---
SELECT :moment AS moment, current_database() AS current_schema;

GRANT SELECT ON TABLE IDENTIFIER(:catalog || '.' || :schema || '.t') TO `analysts`;

-- workspace-only: needs a warehouse
SELECT 1 AS one;
"""
REJECTED = PROBE.replace("SELECT 1 AS one;", "SELECT 1 AS one;\n\nCOPY INTO t FROM '/x';")
FAILING = PROBE.replace("SELECT 1 AS one;", "SELECT 1 AS one;\n\nSELECT * FROM no_such_table;")


def test_local_apply_binds_values_reports_skips_and_restores_the_schema(
    spark: SparkSession, tmp_path: Path
) -> None:
    tiny = write(tmp_path / "sql", {"patterns/probe.sql": PROBE})
    before = spark.catalog.currentDatabase()
    executor = LocalExecutor(spark, LocalVolumes(tmp_path / "volumes"))
    result = executor.apply(render(tiny, "probe", {"schema": "sqllib_probe"}))
    assert spark.catalog.currentDatabase() == before
    selected, granted, workspace_only = result.outcomes
    assert selected.rows == ((datetime(2024, 3, 1, 8, 30), "sqllib_probe"),)
    assert granted.status is Status.SKIPPED
    assert granted.notes[0].startswith("skipped GRANT / REVOKE / OWNER TO")
    assert workspace_only.notes == ("workspace-only: needs a warehouse",)
    assert (result.ran, result.skipped) == (1, 2)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (REJECTED, "COPY INTO: COPY INTO is Databricks-only"),
        (FAILING, "Spark: [TABLE_OR_VIEW_NOT_FOUND]"),
    ],
)
def test_local_failures_name_the_statement_and_keep_what_ran(
    spark: SparkSession, tmp_path: Path, text: str, message: str
) -> None:
    tiny = write(tmp_path / "sql", {"patterns/probe.sql": text})
    executor = LocalExecutor(spark, LocalVolumes(tmp_path / "volumes"))
    with pytest.raises(StatementFailedError, match="probe, line 16 failed") as failed:
        executor.apply(render(tiny, "probe", {"schema": "sqllib_probe"}))
    assert message in str(failed.value)
    assert failed.value.result is not None
    assert len(failed.value.result.outcomes) == 3
