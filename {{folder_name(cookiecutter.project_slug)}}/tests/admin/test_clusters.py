"""Clusters: paging, hygiene findings, policy compliance, termination and cost."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from databricks.sdk.errors import InvalidParameterValue, NotFound, ResourceDoesNotExist

from {{ cookiecutter.package_name }}.admin import (
    AdminContext,
    apply_plan,
)
from {{ cookiecutter.package_name }}.admin.clusters import (
    IdleCluster,
    estimate_costs,
    find_idle,
    find_long_running,
)
from {{ cookiecutter.package_name }}.monitoring.cost import (
    ClusterCost,
)
from {{ cookiecutter.package_name }}.monitoring.perf import (
    ClusterUtilisation,
)

from conftest import NOW
from fake_workspace import FakeWorkspace


def usage(cluster_id: str, max_cpu: float) -> ClusterUtilisation:
    return ClusterUtilisation("1001", cluster_id, None, 60, max_cpu / 2, max_cpu, 10.0, NOW)


def test_inventory_pages_with_the_largest_page(context: AdminContext, fake: FakeWorkspace) -> None:
    fake.cluster_max_page = 3
    clusters = context.clusters.inventory()
    assert [c.cluster_id[:4] for c in clusters] == [f"060{n}" for n in range(1, 9)]
    calls = fake.calls("GET", "/api/2.1/clusters/list")
    assert [c.query.get("page_token") for c in calls] == [None, "3", "6"]
    assert {c.query["page_size"] for c in calls} == {"100"}


def test_cluster_records(context: AdminContext) -> None:
    by_id = {c.cluster_id: c for c in context.clusters.inventory()}
    analytics = by_id["0601-abc"]
    assert analytics.running_since == datetime(2025, 6, 6, tzinfo=UTC)  # last restart
    assert analytics.interactive
    assert by_id["0603-legacy"].running_since is None  # terminated
    assert not by_id["0607-job"].interactive
    assert by_id["0608-nomode"].data_security_mode is None


def test_long_running_interactive_clusters(context: AdminContext) -> None:
    found = find_long_running(context.clusters.inventory(), NOW, max_hours=3)
    # The job cluster has run for three days but ends with its job; it is not reported.
    assert [(f.cluster.cluster_id, f.hours_running) for f in found] == [
        ("0601-abc", 48.0),
        ("0602-busy", 4.0),
    ]


def test_idle_needs_low_cpu_evidence(context: AdminContext) -> None:
    clusters = context.clusters.inventory()
    metrics = {
        "0601-abc": usage("0601-abc", 2.5),
        "0602-busy": usage("0602-busy", 85.0),
        "0607-job": usage("0607-job", 0.5),  # a job cluster: never idle-terminated
    }
    idle = find_idle(clusters, metrics, max_cpu_percent=5.0)
    # 0604-tacl and 0605-std are running without metrics: no evidence, left alone.
    assert [(i.cluster.cluster_id, i.max_cpu_percent) for i in idle] == [("0601-abc", 2.5)]


def test_terminate_idle_is_a_dry_run_until_applied(
    context: AdminContext, fake: FakeWorkspace
) -> None:
    clusters = {c.cluster_id: c for c in context.clusters.inventory()}
    plan = context.clusters.plan_terminate([IdleCluster(clusters["0601-abc"], 2.5, 60)])
    assert [p.change.describe() for p in plan] == [
        "clusters.terminate cluster analytics (id 0601-abc): "
        '{"max_cpu_percent": 2.5, "state": "RUNNING"} -> {"state": "TERMINATED"}'
    ]
    assert not [r for r in fake.requests if r.mutating]
    apply_plan(plan, context.audit_log)
    (delete,) = fake.calls("POST")
    assert delete.path == "/api/2.1/clusters/delete"
    assert delete.body == {"cluster_id": "0601-abc"}
    assert fake.clusters[0]["state"] == "TERMINATED"


def test_missing_clusters_map_to_not_found_only_on_get(context: AdminContext) -> None:
    # The API answers 400 INVALID_PARAMETER_VALUE "Cluster ... does not exist". The SDK's
    # override turns that into ResourceDoesNotExist (a NotFound) for clusters/get only.
    with pytest.raises(ResourceDoesNotExist) as raised:
        context.workspace_client.clusters.get("0999-gone")
    assert isinstance(raised.value, NotFound)
    with pytest.raises(InvalidParameterValue, match="Cluster 0999-gone does not exist"):
        context.workspace_client.clusters.delete("0999-gone")


def test_policy_compliance(context: AdminContext, fake: FakeWorkspace) -> None:
    records = context.clusters.compliance(context.clusters.inventory())
    assert [(r.cluster_id, r.compliant, r.violations) for r in records] == [
        ("0601-abc", False, {"policy_id": "cluster has no policy"}),
        ("0603-legacy", False, {"policy_id": "cluster has no policy"}),
        ("0605-std", False, {"autotermination_minutes": "must be at most 60"}),
        ("0604-tacl", False, {"policy_id": "policy pol-2 not found"}),
        ("0606-auto", True, {}),
        ("0602-busy", True, {}),
    ]
    # One compliance listing per policy in use, not one per cluster.
    assert [c.query["policy_id"] for c in fake.calls("GET", "/api/2.0/policies/")] == [
        "pol-1",
        "pol-2",
    ]


def test_cost_estimates_project_the_window_to_30_days(context: AdminContext) -> None:
    costs = {
        "0601-abc": ClusterCost("1001", "0601-abc", Decimal(5), Decimal("2.75")),
        "0607-job": ClusterCost("1001", "0607-job", Decimal(1), None),
    }
    estimates = estimate_costs(context.clusters.inventory()[:2], costs, window_days=7)
    assert [(e.cluster_id, e.list_cost, e.monthly_estimate) for e in estimates] == [
        ("0601-abc", Decimal("2.75"), Decimal("11.79")),
        ("0602-busy", Decimal(0), Decimal("0.00")),
    ]
    with pytest.raises(ValueError, match="window_days must be positive"):
        estimate_costs([], costs, window_days=0)
