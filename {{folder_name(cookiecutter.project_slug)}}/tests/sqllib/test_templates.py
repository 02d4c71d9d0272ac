"""Every template renders with its defaults and runs end to end on the landing fixtures.

The four templates run in order in their own schema, as a team would schedule them: the
pipeline, then analytics and reporting over its tables, then maintenance.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest
from pyspark.sql import SparkSession

from {{ cookiecutter.package_name }}.runtime.volumes import (
    LocalVolumes,
)
from {{ cookiecutter.package_name }}.sqllib import (
    ApplyResult,
    Kind,
    Library,
    LocalExecutor,
    render,
)
from {{ cookiecutter.package_name }}.sqllib.execute import Status

from .test_patterns import seed_landing

SCHEMA = "sqllib_templates"


@pytest.fixture(scope="module")
def applied(
    library: Library, executor: LocalExecutor, volumes: LocalVolumes
) -> dict[str, ApplyResult]:
    seed_landing(library, volumes)
    return {
        name: executor.apply(render(library, name, {"schema": SCHEMA}))
        for name in ("pipeline", "analytics", "reporting", "maintenance")
    }


def rows(spark: SparkSession, sql: str) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in spark.sql(sql.replace("{schema}", SCHEMA)).collect()]


def test_every_template_runs_its_steps_in_order(
    applied: dict[str, ApplyResult], library: Library
) -> None:
    assert set(applied) == {item.name for item in library.of_kind(Kind.TEMPLATE)}
    outcomes = applied["pipeline"].outcomes
    assert list(dict.fromkeys(o.statement.source for o in outcomes)) == [
        "bronze_ingest_files",
        "silver_transform_orders",
        "clean_customers",
        "quarantine_rejected",
        "scd1_merge",
        "scd2_merge",
        "data_quality_checks",
    ]
    for name, result in applied.items():
        assert len(result.outcomes) == len(render(library, name).statements), name


def test_pipeline_writes_current_and_historical_tables(
    spark: SparkSession, applied: dict[str, ApplyResult]
) -> None:
    assert rows(spark, "SELECT count(*) FROM {schema}.bronze_orders") == [(22,)]
    assert rows(spark, "SELECT count(*) FROM {schema}.silver_orders") == [(10,)]
    assert rows(
        spark, "SELECT count(*), count_if(is_current) FROM {schema}.silver_customers_history"
    ) == [(6, 4)]
    quarantined = rows(
        spark, "SELECT entity, count(*) FROM {schema}.quarantine GROUP BY 1 ORDER BY 1"
    )
    assert quarantined == [("customers", 4), ("orders", 7)]
    assert applied["pipeline"].outcomes[-1].rows == (("all checks passed",),)


def test_analytics_values_customers_with_the_library_functions(
    spark: SparkSession, applied: dict[str, ApplyResult]
) -> None:
    value = rows(
        spark,
        "SELECT customer_id, orders_placed, lifetime_value, tier, loyalty_points,"
        " cancellation_rate FROM {schema}.gold_customer_value ORDER BY customer_id",
    )
    assert value == [
        ("C001", 2, Decimal("747.00"), "gold", 0, 0.0),
        ("C002", 4, Decimal("373.96"), "silver", 249, 0.25),
        ("C003", 2, Decimal("194.50"), "silver", 0, 0.0),
        ("C004", 1, Decimal("79.50"), "bronze", 0, 0.0),
    ]
    assert rows(spark, "SELECT count(*) FROM {schema}.gold_daily_trends") == [(6,)]


def test_reporting_builds_the_feed_revenue_and_quality_reports(
    spark: SparkSession, applied: dict[str, ApplyResult]
) -> None:
    assert rows(spark, "SELECT count(*) FROM {schema}.orders_reporting_feed") == [(10,)]
    log = rows(spark, "SELECT run_id, rows_loaded, watermark FROM {schema}.pipeline_run_log")
    assert log == [("manual", 10, datetime(2024, 3, 3, 10))]
    revenue = rows(
        spark,
        "SELECT calendar_quarter, fiscal_year, fiscal_quarter, region, order_count, revenue,"
        " revenue_change_pct FROM {schema}.gold_revenue_by_quarter ORDER BY region",
    )
    assert revenue == [
        ("2024-Q1", 2024, 3, "APAC", 3, Decimal("373.96"), None),
        ("2024-Q1", 2024, 3, "EMEA", 5, Decimal("1021.00"), None),
        ("2024-Q1", 2024, 3, "UNKNOWN", 1, Decimal("60.00"), None),  # C005 was quarantined
    ]
    outcomes = dict(rows(spark, "SELECT check_name, outcome FROM {schema}.gold_quality_report"))
    assert outcomes["total_rows"] == "passed"
    assert outcomes["hours_since_update"] == "not checked"


def test_maintenance_maintains_four_tables(applied: dict[str, ApplyResult]) -> None:
    result = applied["maintenance"]
    assert result.ran == 8  # properties and a listing per table
    assert result.skipped == 12  # OPTIMIZE, VACUUM and ANALYZE per table: workspace-only
    skipped = [o for o in result.outcomes if o.status is Status.SKIPPED]
    assert all(o.notes[0].startswith("workspace-only:") for o in skipped)
