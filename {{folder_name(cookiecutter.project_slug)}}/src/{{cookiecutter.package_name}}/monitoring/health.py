"""Job health from system.lakeflow: failed runs and runs much slower than usual."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .queries import QUERIES
from .records import TimeWindow, to_records
from .runners import SqlRunner


@dataclass(frozen=True)
class FailedRun:
    workspace_id: str
    job_id: str
    job_name: str | None
    run_id: str
    result_state: str
    termination_code: str | None
    ended_at: datetime


@dataclass(frozen=True)
class SlowRun:
    workspace_id: str
    job_id: str
    job_name: str | None
    run_id: str
    result_state: str
    duration_seconds: int
    median_seconds: float
    ended_at: datetime


def failed_runs(runner: SqlRunner, window: TimeWindow) -> list[FailedRun]:
    """Runs that ended FAILED, ERROR or TIMED_OUT in the window, latest first."""
    return to_records(FailedRun, runner.run(QUERIES["failed_job_runs"], window.values()))


def slow_runs(
    runner: SqlRunner, window: TimeWindow, slow_factor: float = 2.0, min_duration_seconds: int = 300
) -> list[SlowRun]:
    """Runs longer than ``slow_factor`` times their job's median successful run."""
    if slow_factor <= 1:
        raise ValueError(f"slow_factor must be greater than 1, got {slow_factor}")
    values = {
        **window.values(),
        "slow_factor": float(slow_factor),
        "min_duration_seconds": int(min_duration_seconds),
    }
    return to_records(SlowRun, runner.run(QUERIES["slow_job_runs"], values))
