"""Admin commands that combine the workspace API with system-table queries.

The SQL itself is tested on local Delta tables in tests/monitoring; here a recorded-rows runner
stands in for the warehouse so the tests stay Spark-free.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from typer.testing import CliRunner

from {{ cookiecutter.package_name }}.admin import AdminContext
from {{ cookiecutter.package_name }}.cli import app
from {{ cookiecutter.package_name }}.monitoring import (
    Query,
    SystemTables,
)

from conftest import NOW
from fake_workspace import FakeWorkspace

runner = CliRunner()


class RecordedRunner:
    """Returns fixed rows per query and remembers the parameters it was given."""

    def __init__(self, rows: dict[str, list[dict[str, Any]]]) -> None:
        self.rows = rows
        self.tables = SystemTables()
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def run(self, query: Query, values: dict[str, Any]) -> list[dict[str, Any]]:
        self.calls.append((query.name, query.bind(self.tables, values)))
        return self.rows.get(query.name, [])


def utilisation(cluster_id: str, max_cpu: float) -> dict[str, Any]:
    return {
        "workspace_id": "1001",
        "cluster_id": cluster_id,
        "cluster_name": None,
        "node_minutes": 60,
        "avg_cpu_percent": Decimal(str(max_cpu / 2)),
        "max_cpu_percent": Decimal(str(max_cpu)),
        "avg_memory_percent": Decimal("20.0"),
        "last_seen": NOW,
    }


def test_inactive_users_include_audit_activity(context: AdminContext) -> None:
    recorded = RecordedRunner(
        {
            "user_last_activity": [
                {
                    "user_name": "dave@example.com",
                    "last_event_time": datetime(2025, 6, 1, tzinfo=UTC),
                }
            ]
        }
    )
    result = runner.invoke(
        app, ["admin", "users", "inactive", "--json"], obj=context.replace(runner=recorded)
    )
    assert result.exit_code == 0, result.output
    assert [r["identity"]["name"] for r in json.loads(result.stdout)] == ["bob@example.com"]
    ((name, parameters),) = recorded.calls
    assert name == "user_last_activity"
    assert parameters["start_time"] == datetime(2025, 3, 10, tzinfo=UTC)  # 90 days back


def test_terminate_idle_clusters(context: AdminContext, fake: FakeWorkspace) -> None:
    recorded = RecordedRunner(
        {"cluster_utilisation": [utilisation("0601-abc", 2.5), utilisation("0605-std", 40.0)]}
    )
    with_sql = context.replace(runner=recorded)
    idle = runner.invoke(app, ["admin", "clusters", "idle", "--json"], obj=with_sql)
    assert [r["cluster"]["cluster_id"] for r in json.loads(idle.stdout)] == ["0601-abc"]
    dry = runner.invoke(app, ["admin", "clusters", "terminate-idle"], obj=with_sql)
    assert dry.exit_code == 0
    assert not [r for r in fake.requests if r.mutating]
    applied = runner.invoke(app, ["admin", "clusters", "terminate-idle", "--apply"], obj=with_sql)
    assert applied.exit_code == 0, applied.output
    assert [r.body for r in fake.calls("POST")] == [{"cluster_id": "0601-abc"}]
    assert with_sql.audit_log.entries()[0]["what"] == "clusters.terminate"
    window = recorded.calls[0][1]
    assert window["end_time"] - window["start_time"] == NOW - datetime(2025, 6, 7, 23, tzinfo=UTC)


def test_cluster_cost(context: AdminContext) -> None:
    recorded = RecordedRunner(
        {
            "cost_by_cluster": [
                {
                    "workspace_id": "1001",
                    "cluster_id": "0602-busy",
                    "usage_quantity": Decimal(40),
                    "list_cost": Decimal("22.00"),
                }
            ]
        }
    )
    result = runner.invoke(
        app,
        ["admin", "clusters", "cost", "--days", "10", "--json"],
        obj=context.replace(runner=recorded),
    )
    assert result.exit_code == 0, result.output
    first = json.loads(result.stdout)[0]
    assert (first["cluster_id"], first["list_cost"], first["monthly_estimate"]) == (
        "0602-busy",
        "22.00",
        "66.00",
    )
