"""Clusters: inventory, idle and long-running clusters, policy compliance, termination, cost."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import NotFound
from databricks.sdk.service import compute

from ..monitoring.cost import ClusterCost
from ..monitoring.perf import ClusterUtilisation
from .changes import Change, PlannedChange

# The largest page the clusters API serves; fewer, larger pages mean fewer requests.
CLUSTER_PAGE_SIZE = 100
# Clusters that people start and forget; job and pipeline clusters end with their run.
INTERACTIVE_SOURCES = frozenset({"UI", "API"})
ACTIVE_STATES = frozenset({"RUNNING", "RESIZING", "RESTARTING", "PENDING"})


@dataclass(frozen=True)
class ClusterRecord:
    """One cluster as the inventory shows it."""

    cluster_id: str
    name: str
    state: str
    source: str
    creator: str | None
    data_security_mode: str | None
    policy_id: str | None
    node_type_id: str | None
    workers: int
    """Fixed worker count, or the autoscale maximum."""
    autotermination_minutes: int | None
    spark_version: str | None
    running_since: datetime | None
    """When the cluster last (re)started, for clusters that are up."""

    @property
    def interactive(self) -> bool:
        """Started by a person or script rather than by a job or pipeline."""
        return self.source in INTERACTIVE_SOURCES


@dataclass(frozen=True)
class LongRunningCluster:
    cluster: ClusterRecord
    hours_running: float


@dataclass(frozen=True)
class IdleCluster:
    cluster: ClusterRecord
    max_cpu_percent: float
    node_minutes: int


@dataclass(frozen=True)
class ComplianceRecord:
    cluster_id: str
    name: str
    policy_id: str | None
    compliant: bool
    violations: dict[str, str]


@dataclass(frozen=True)
class CostEstimate:
    cluster_id: str
    name: str
    state: str
    list_cost: Decimal
    """List-price cost in the window."""
    window_days: float
    monthly_estimate: Decimal
    """The window's daily rate times 30."""


def cluster_record(details: compute.ClusterDetails) -> ClusterRecord:
    """The inventory record of one cluster."""
    state = details.state.value if details.state else "UNKNOWN"
    started = details.last_restarted_time or details.start_time
    workers = details.autoscale.max_workers if details.autoscale else details.num_workers
    return ClusterRecord(
        cluster_id=details.cluster_id or "",
        name=details.cluster_name or "",
        state=state,
        source=details.cluster_source.value if details.cluster_source else "UNKNOWN",
        creator=details.creator_user_name,
        data_security_mode=details.data_security_mode.value if details.data_security_mode else None,
        policy_id=details.policy_id,
        node_type_id=details.node_type_id,
        workers=workers or 0,
        autotermination_minutes=details.autotermination_minutes,
        spark_version=details.spark_version,
        running_since=(
            datetime.fromtimestamp(started / 1000, tz=UTC)
            if started and state in ACTIVE_STATES
            else None
        ),
    )


def find_long_running(
    clusters: Iterable[ClusterRecord], now: datetime, max_hours: float
) -> list[LongRunningCluster]:
    """Interactive clusters up for longer than ``max_hours`` since their last (re)start."""
    found = []
    for cluster in clusters:
        if not cluster.interactive or cluster.running_since is None:
            continue
        hours = (now - cluster.running_since).total_seconds() / 3600
        if hours > max_hours:
            found.append(LongRunningCluster(cluster, round(hours, 1)))
    return sorted(found, key=lambda item: -item.hours_running)


def find_idle(
    clusters: Iterable[ClusterRecord],
    utilisation: Mapping[str, ClusterUtilisation],
    max_cpu_percent: float,
) -> list[IdleCluster]:
    """Running interactive clusters whose CPU never exceeded ``max_cpu_percent`` in the window.

    A running cluster without node metrics in the window is not called idle: with no evidence,
    it is left alone rather than terminated.
    """
    idle = []
    for cluster in clusters:
        if not cluster.interactive or cluster.state != "RUNNING":
            continue
        usage = utilisation.get(cluster.cluster_id)
        if usage is None or usage.max_cpu_percent > max_cpu_percent:
            continue
        idle.append(IdleCluster(cluster, usage.max_cpu_percent, usage.node_minutes))
    return sorted(idle, key=lambda item: item.cluster.name)


def estimate_costs(
    clusters: Iterable[ClusterRecord], costs: Mapping[str, ClusterCost], window_days: float
) -> list[CostEstimate]:
    """List-price cost per listed cluster in the window and its 30-day projection."""
    if window_days <= 0:
        raise ValueError(f"window_days must be positive, got {window_days}")
    estimates = []
    for cluster in clusters:
        cost = costs.get(cluster.cluster_id)
        spent = (cost.list_cost or Decimal(0)) if cost else Decimal(0)
        monthly = (spent / Decimal(str(window_days)) * 30).quantize(Decimal("0.01"))
        estimates.append(
            CostEstimate(
                cluster.cluster_id,
                cluster.name,
                cluster.state,
                spent,
                window_days,
                monthly,
            )
        )
    return sorted(estimates, key=lambda item: (-item.list_cost, item.cluster_id))


class ClustersService:
    """Reads clusters and policy compliance; plans terminations."""

    def __init__(self, ws: WorkspaceClient) -> None:
        self._ws = ws

    def inventory(self) -> list[ClusterRecord]:
        """Every pinned, active and recently terminated cluster, in pages of 100."""
        listing = self._ws.clusters.list(page_size=CLUSTER_PAGE_SIZE)
        return [cluster_record(details) for details in listing]

    def compliance(self, clusters: Iterable[ClusterRecord]) -> list[ComplianceRecord]:
        """Policy compliance of interactive clusters: one listing per policy in use.

        Clusters without any policy are reported as non-compliant with a ``policy_id`` violation.
        """
        interactive = [c for c in clusters if c.interactive]
        by_policy: dict[str, compute.ClusterCompliance] = {}
        for policy_id in sorted({c.policy_id for c in interactive if c.policy_id}):
            try:
                listing = self._ws.policy_compliance_for_clusters.list_compliance(policy_id)
                by_policy.update({item.cluster_id or "": item for item in listing})
            except NotFound:
                continue  # The policy was deleted: its clusters show as unknown below.
        records = []
        for cluster in interactive:
            if not cluster.policy_id:
                violations = {"policy_id": "cluster has no policy"}
                records.append(
                    ComplianceRecord(cluster.cluster_id, cluster.name, None, False, violations)
                )
                continue
            status = by_policy.get(cluster.cluster_id)
            if status is None:
                violations = {"policy_id": f"policy {cluster.policy_id} not found"}
                records.append(
                    ComplianceRecord(
                        cluster.cluster_id, cluster.name, cluster.policy_id, False, violations
                    )
                )
                continue
            records.append(
                ComplianceRecord(
                    cluster.cluster_id,
                    cluster.name,
                    cluster.policy_id,
                    bool(status.is_compliant),
                    dict(status.violations or {}),
                )
            )
        return sorted(records, key=lambda r: (r.compliant, r.name))

    def plan_terminate(self, idle: Iterable[IdleCluster]) -> list[PlannedChange]:
        """Terminate (not delete: the configuration stays) each idle cluster."""
        plan = []
        for item in idle:
            cluster = item.cluster
            change = Change(
                "clusters.terminate",
                f"cluster {cluster.name} (id {cluster.cluster_id})",
                {"state": cluster.state, "max_cpu_percent": item.max_cpu_percent},
                {"state": "TERMINATED"},
            )
            plan.append(PlannedChange(change, self._terminator(cluster.cluster_id)))
        return plan

    def _terminator(self, cluster_id: str):
        return lambda: self._ws.clusters.delete(cluster_id)
