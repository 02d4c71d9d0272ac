"""Performance from system.query and system.compute: slow and spilling queries, cluster use."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .queries import QUERIES
from .records import TimeWindow, to_records
from .runners import SqlRunner


@dataclass(frozen=True)
class QueryStat:
    statement_id: str
    executed_by: str | None
    warehouse_id: str | None
    execution_status: str | None
    total_duration_ms: int | None
    queued_ms: int | None
    read_bytes: int | None
    spilled_local_bytes: int | None
    start_time: datetime
    statement_preview: str | None


@dataclass(frozen=True)
class ClusterUtilisation:
    workspace_id: str
    cluster_id: str
    cluster_name: str | None
    node_minutes: int
    avg_cpu_percent: float
    max_cpu_percent: float
    avg_memory_percent: float
    last_seen: datetime


def long_running_queries(
    runner: SqlRunner, window: TimeWindow, min_duration_ms: int = 600_000
) -> list[QueryStat]:
    """Statements that ran longer than ``min_duration_ms`` (default ten minutes)."""
    values = {**window.values(), "min_duration_ms": int(min_duration_ms)}
    return to_records(QueryStat, runner.run(QUERIES["long_running_queries"], values))


def spilling_queries(
    runner: SqlRunner, window: TimeWindow, min_spill_bytes: int = 1 << 30
) -> list[QueryStat]:
    """Statements that spilled more than ``min_spill_bytes`` (default 1 GiB) to local disk."""
    values = {**window.values(), "min_spill_bytes": int(min_spill_bytes)}
    return to_records(QueryStat, runner.run(QUERIES["spilling_queries"], values))


def cluster_utilisation(runner: SqlRunner, window: TimeWindow) -> list[ClusterUtilisation]:
    """CPU and memory per cluster, least used first."""
    rows = runner.run(QUERIES["cluster_utilisation"], window.values())
    return [_utilisation(record) for record in to_records(ClusterUtilisation, rows)]


def _utilisation(record: ClusterUtilisation) -> ClusterUtilisation:
    # AVG/ROUND come back as DECIMAL or DOUBLE depending on the engine: use floats throughout.
    return ClusterUtilisation(
        workspace_id=record.workspace_id,
        cluster_id=record.cluster_id,
        cluster_name=record.cluster_name,
        node_minutes=int(record.node_minutes),
        avg_cpu_percent=float(record.avg_cpu_percent),
        max_cpu_percent=float(record.max_cpu_percent),
        avg_memory_percent=float(record.avg_memory_percent),
        last_seen=record.last_seen,
    )
