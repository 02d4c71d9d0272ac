"""Each monitoring query on the fixture system tables, with exact expected rows."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from {{ cookiecutter.package_name }}.monitoring import (
    QUERIES,
    SparkRunner,
    SystemTables,
)
from {{ cookiecutter.package_name }}.monitoring.cost import (
    ClusterCost,
    JobCost,
    SkuCost,
    TagCost,
    cost_by_cluster,
    cost_by_job,
    cost_by_sku,
    cost_by_tag,
)
from {{ cookiecutter.package_name }}.monitoring.health import (
    FailedRun,
    SlowRun,
    failed_runs,
    slow_runs,
)
from {{ cookiecutter.package_name }}.monitoring.perf import (
    ClusterUtilisation,
    cluster_utilisation,
    long_running_queries,
    spilling_queries,
)
from {{ cookiecutter.package_name }}.monitoring.records import (
    TimeWindow,
)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


BILLING_WEEK = TimeWindow(at("2025-06-01T00:00:00"), at("2025-06-08T00:00:00"))
RUN_DAY = TimeWindow(at("2025-06-07T00:00:00"), at("2025-06-08T00:00:00"))


def test_cost_by_job_sums_every_record_type_at_the_price_in_force(runner: SparkRunner) -> None:
    # Job 11: 10 DBU at 0.15 before the price change, then 4 - 4 + 3 DBU at 0.20 (an original,
    # its retraction and its restatement): 13 DBU and 2.10, where ORIGINAL-only gives 14 and 2.30.
    assert cost_by_job(runner, BILLING_WEEK) == [
        JobCost("1001", "11", "daily_sales", Decimal(13), Decimal("2.10")),
        JobCost("1001", "22", "ml_train", Decimal(2), Decimal("0.30")),
        JobCost("1001", "33", None, Decimal(1), None),  # no list price for its SKU
    ]


def test_cost_by_job_in_another_currency_uses_only_that_currency(runner: SparkRunner) -> None:
    rows = cost_by_job(runner, BILLING_WEEK, currency="EUR")
    assert [(r.job_id, r.list_cost) for r in rows] == [
        ("11", Decimal("1.82")),  # 13 DBU x 0.14 EUR
        ("22", Decimal("0.28")),
        ("33", None),
    ]


def test_cost_by_tag_groups_untagged_usage(runner: SparkRunner) -> None:
    assert cost_by_tag(runner, BILLING_WEEK, "team") == [
        TagCost("data", Decimal(18), Decimal("4.85")),
        TagCost("(untagged)", Decimal(2), Decimal("0.70")),
        TagCost("ml", Decimal(2), Decimal("0.30")),
    ]


def test_cost_by_sku_uses_effective_list_price_not_default(runner: SparkRunner) -> None:
    # ALL_PURPOSE_COMPUTE: pricing.default is 0.60, effective_list 0.55: 5 DBU cost 2.75.
    assert cost_by_sku(runner, BILLING_WEEK) == [
        SkuCost("ALL_PURPOSE_COMPUTE", "ALL_PURPOSE", "DBU", Decimal(5), Decimal("2.75")),
        SkuCost("JOBS_COMPUTE", "JOBS", "DBU", Decimal(15), Decimal("2.40")),
        SkuCost("SQL_PRO_COMPUTE", "SQL", "DBU", Decimal(1), Decimal("0.70")),
        SkuCost("JOBS_SERVERLESS_COMPUTE", "JOBS", "DBU", Decimal(1), None),
    ]


def test_cost_by_cluster(runner: SparkRunner) -> None:
    assert cost_by_cluster(runner, BILLING_WEEK) == [
        ClusterCost("1001", "0601-abc", Decimal(5), Decimal("2.75")),
        ClusterCost("1001", "0602-job-11", Decimal(10), Decimal("1.50")),
        ClusterCost("1001", "0605-job-11", Decimal(3), Decimal("0.60")),
        ClusterCost("1001", "0603-job-22", Decimal(2), Decimal("0.30")),
    ]


def test_failed_runs_use_the_timeline_vocabulary(runner: SparkRunner) -> None:
    # CANCELLED and SUCCEEDED runs are not failures; r100 failed before the window.
    assert failed_runs(runner, RUN_DAY) == [
        FailedRun(
            "1001", "22", "ml_train", "r203", "ERROR", "CLUSTER_ERROR", at("2025-06-07T12:01:00")
        ),
        FailedRun(
            "1001",
            "22",
            "ml_train",
            "r201",
            "TIMED_OUT",
            "RUN_EXECUTION_ERROR",
            at("2025-06-07T10:20:00"),
        ),
        FailedRun(
            "1002",
            "11",
            "other_workspace_job",
            "r900",
            "FAILED",
            "RUN_EXECUTION_ERROR",
            at("2025-06-07T08:00:00"),
        ),
        FailedRun(
            "1001",
            "11",
            "daily_sales",
            "r104",
            "FAILED",
            "RUN_EXECUTION_ERROR",
            at("2025-06-07T06:05:00"),
        ),
    ]


def test_slow_runs_join_hourly_slices_and_compare_to_the_median(runner: SparkRunner) -> None:
    # Job 11's SUCCEEDED runs took 3000 (r099, started before the window), 600, 660, 540 and
    # 1800 seconds: median 660, so runs over 1320 s are slow. r104 spans three slices.
    assert slow_runs(runner, RUN_DAY, slow_factor=2.0, min_duration_seconds=300) == [
        SlowRun(
            "1001", "11", "daily_sales", "r104", "FAILED", 5700, 660.0, at("2025-06-07T06:05:00")
        ),
        SlowRun(
            "1001", "11", "daily_sales", "r099", "SUCCEEDED", 3000, 660.0, at("2025-06-07T00:20:00")
        ),
        SlowRun(
            "1001", "11", "daily_sales", "r105", "SUCCEEDED", 1800, 660.0, at("2025-06-07T07:30:00")
        ),
    ]


def test_slow_runs_respect_the_minimum_duration(runner: SparkRunner) -> None:
    rows = slow_runs(runner, RUN_DAY, slow_factor=2.0, min_duration_seconds=2000)
    assert [r.run_id for r in rows] == ["r104", "r099"]


def test_slow_factor_must_exceed_one(runner: SparkRunner) -> None:
    with pytest.raises(ValueError, match="slow_factor must be greater than 1"):
        slow_runs(runner, RUN_DAY, slow_factor=1.0)


def test_long_running_queries(runner: SparkRunner) -> None:
    rows = long_running_queries(runner, RUN_DAY, min_duration_ms=600_000)
    assert [(r.statement_id, r.total_duration_ms, r.queued_ms) for r in rows] == [
        ("q1", 900_000, 120_000),
        ("q3", 700_000, 5_000),
    ]
    assert rows[0].warehouse_id == "wh-1"
    assert rows[0].executed_by == "alice@example.com"
    assert len(rows[0].statement_preview or "") == 200
    assert rows[0].statement_preview.startswith("SELECT column_000, column_001")


def test_spilling_queries(runner: SparkRunner) -> None:
    rows = spilling_queries(runner, RUN_DAY, min_spill_bytes=1 << 30)
    assert [(r.statement_id, r.spilled_local_bytes) for r in rows] == [
        ("q3", 5_368_709_120),
        ("q2", 2_147_483_648),
    ]


def test_cluster_utilisation_uses_latest_names_and_the_window(runner: SparkRunner) -> None:
    window = TimeWindow(at("2025-06-07T10:00:00"), at("2025-06-07T11:00:00"))
    assert cluster_utilisation(runner, window) == [
        ClusterUtilisation(
            "1001", "0601-abc", "analytics", 3, 1.67, 2.5, 30.0, at("2025-06-07T10:03:00")
        ),
        ClusterUtilisation(
            "1001", "0602-busy", "etl-dev", 2, 77.5, 85.0, 60.0, at("2025-06-07T10:02:00")
        ),
    ]


def test_user_last_activity_counts_successful_actions_only(runner: SparkRunner) -> None:
    window = TimeWindow(at("2025-03-01T00:00:00"), at("2025-06-08T00:00:00"))
    rows = runner.run(QUERIES["user_last_activity"], window.values())
    assert rows == [
        {"user_name": "alice@example.com", "last_event_time": at("2025-06-01T08:00:00")},
        {"user_name": "bob@example.com", "last_event_time": at("2025-05-01T09:30:00")},
    ]


def test_every_query_binds_only_the_parameters_it_uses() -> None:
    tables = SystemTables()
    bound = QUERIES["cost_by_tag"].bind(
        tables, {"start_time": 1, "end_time": 2, "currency": "USD", "tag_key": "t", "extra": 3}
    )
    assert set(bound) == {"billing_schema", "start_time", "end_time", "currency", "tag_key"}


def test_a_missing_parameter_is_named() -> None:
    with pytest.raises(ValueError, match=r"'cost_by_job' needs parameter\(s\): currency, end_time"):
        QUERIES["cost_by_job"].bind(SystemTables(), {"start_time": 1})


def test_local_tables_map_each_system_schema() -> None:
    assert SystemTables.local().parameters() == {
        "billing_schema": "spark_catalog.system_billing",
        "lakeflow_schema": "spark_catalog.system_lakeflow",
        "compute_schema": "spark_catalog.system_compute",
        "query_schema": "spark_catalog.system_query",
        "access_schema": "spark_catalog.system_access",
    }


def test_time_windows_must_be_aware_and_ordered() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        TimeWindow(datetime(2025, 1, 1), datetime(2025, 1, 2))
    with pytest.raises(ValueError, match="must be before its end"):
        TimeWindow(at("2025-01-02T00:00:00"), at("2025-01-01T00:00:00"))
