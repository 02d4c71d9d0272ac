"""Every pattern renders with its defaults and runs on the landing fixtures, on local Spark + Delta.

The patterns run once, in the order a pipeline would run them, in their own schema (the only
value changed from the defaults, besides the customer variants of the generic patterns); each
test then checks what one pattern wrote. A second run of a pattern must change nothing.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import PurePosixPath
from typing import Any

import pytest
from pyspark.sql import SparkSession

from {{ cookiecutter.package_name }}.runtime.volumes import (
    LocalVolumes,
)
from {{ cookiecutter.package_name }}.sqllib import (
    ApplyResult,
    Library,
    LocalExecutor,
    StatementFailedError,
    render,
)
from {{ cookiecutter.package_name }}.sqllib.execute import Status

from .conftest import LIBRARY_ROOT

SCHEMA = "sqllib_patterns"
CUSTOMER_COLUMNS = "customer_id STRING, name STRING, email STRING, region STRING, updated_at STRING"


def seed_landing(library: Library, volumes: LocalVolumes) -> str:
    """Copy fixtures/landing into the landing volume the default landing_path points at."""
    default = str(library.get("bronze_ingest_files").parameter("landing_path").default)
    _, _, catalog, schema, volume, _ = PurePosixPath(default).parts
    volumes.seed(catalog, schema, volume, LIBRARY_ROOT.parent / "fixtures" / "landing")
    return str(PurePosixPath(default).parent)


class Flow:
    """Applies library items into the test schema and remembers what each run returned."""

    def __init__(self, spark: SparkSession, library: Library, executor: LocalExecutor) -> None:
        self.spark, self.library, self.executor = spark, library, executor
        self.results: dict[str, ApplyResult] = {}

    def apply(self, name: str, label: str | None = None, **values: Any) -> ApplyResult:
        result = self.executor.apply(render(self.library, name, {"schema": SCHEMA, **values}))
        self.results[label or name] = result
        return result

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in self.spark.sql(sql.replace("{schema}", SCHEMA)).collect()]

    def count(self, table: str) -> int:
        return self.spark.table(f"{SCHEMA}.{table}").count()


@pytest.fixture(scope="module")
def flow(
    spark: SparkSession, library: Library, executor: LocalExecutor, volumes: LocalVolumes
) -> Flow:
    landing = seed_landing(library, volumes)
    flow = Flow(spark, library, executor)
    flow.apply("bronze_ingest_files")
    flow.apply(
        "bronze_ingest_files",
        "bronze_customers",
        table_name="bronze_customers",
        landing_path=f"{landing}/customers",
        file_format="json",
        columns=CUSTOMER_COLUMNS,
    )
    flow.apply("silver_transform_orders")
    flow.apply("clean_customers")
    flow.apply("quarantine_rejected")
    flow.apply(
        "quarantine_rejected",
        "quarantine_customers",
        source_table="customers_staged",
        valid_table="customers_valid",
        entity="customers",
        key_column="customer_id",
    )
    for name in (
        "deduplicate_latest",
        "scd1_merge",
        "scd2_merge",
        "incremental_watermark",
        "data_quality_checks",
        "aggregate_daily_metrics",
        "aggregate_running_totals",
        "table_maintenance",
    ):
        flow.apply(name)
    return flow


def test_every_pattern_ran_with_its_defaults(flow: Flow, library: Library) -> None:
    patterns = {item.name for item in library.of_kind(None) if item.kind.value == "pattern"}
    assert patterns <= set(flow.results)
    for label, result in flow.results.items():
        assert result.ran > 0, label
        catalog = result.rendered.catalog
        assert result.notes == [f"catalog {catalog!r} runs as 'spark_catalog' (the local catalog)"]


def test_bronze_keeps_every_record_with_lineage_and_ingests_a_file_once(flow: Flow) -> None:
    per_file = flow.rows(
        "SELECT regexp_extract(_source_file, '[^/]+$', 0), count(*), count(_rescued_data),"
        " count_if(_run_id = 'manual') FROM {schema}.bronze_orders GROUP BY 1 ORDER BY 1"
    )
    assert per_file == [
        ("orders_001.csv", 7, 0, 7),
        ("orders_002.csv", 7, 1, 7),
        ("orders_003.csv", 8, 8, 8),  # the extra `channel` column is rescued
    ]
    assert flow.count("bronze_customers") == 11
    again = flow.apply("bronze_ingest_files", "bronze_again", run_id="second")
    assert flow.count("bronze_orders") == 22
    assert again.outcomes[-1].rows == ()  # the second run found no new file


def test_silver_transform_types_orders_and_gives_reasons(flow: Flow) -> None:
    reasons = dict(
        flow.rows(
            "SELECT coalesce(order_id, '(none)'), _rejection_reason FROM {schema}.orders_staged"
            " WHERE _rejection_reason IS NOT NULL AND order_id IS DISTINCT FROM 'THIS LINE IS NOT"
            " AN ORDER AT ALL'"
        )
    )
    assert reasons["O1004"] == "quantity is not a whole number"
    assert reasons["O1008"] == "unit_price is not a decimal"
    assert reasons["O1011"] == "quantity must be positive"
    assert reasons["O1012"] == "order_ts is not a timestamp"
    assert reasons["O1014"] == "unknown status returned"
    assert reasons["(none)"] == "missing order_id"
    typed = flow.rows(
        "SELECT customer_id, status, quantity, amount, order_date FROM {schema}.orders_staged"
        " WHERE order_id = 'O1003'"
    )
    assert typed == [("C003", "placed", 3, Decimal("105.00"), datetime(2024, 3, 1).date())]


def test_cleaning_normalises_customers_and_rejects_bad_ones(flow: Flow) -> None:
    ada = flow.rows(
        "SELECT DISTINCT customer_name, email, region FROM {schema}.customers_staged"
        " WHERE customer_id = 'C001'"
    )
    assert ada == [("Ada Lovelace", "ada@example.com", "EMEA")]
    reasons = flow.rows(
        "SELECT customer_id, _rejection_reason FROM {schema}.customers_staged"
        " WHERE _rejection_reason IS NOT NULL ORDER BY customer_id NULLS FIRST"
    )
    assert ("C005", "invalid email") in reasons
    assert ("C003", "updated_at is not a timestamp") in reasons
    assert (None, "missing customer_id") in reasons
    assert any("malformed line" in reason for _, reason in reasons)


def test_quarantine_keeps_every_rejected_row_once(flow: Flow) -> None:
    staged = flow.rows(
        "SELECT count_if(_rejection_reason IS NULL), count_if(_rejection_reason IS NOT NULL)"
        " FROM {schema}.orders_staged"
    )[0]
    assert flow.count("orders_valid") == staged[0]
    quarantined = flow.rows(
        "SELECT entity, count(*) FROM {schema}.quarantine GROUP BY entity ORDER BY entity"
    )
    assert quarantined == [("customers", 4), ("orders", staged[1])]
    flow.apply("quarantine_rejected", "quarantine_again", run_id="second")
    assert flow.rows("SELECT count(*) FROM {schema}.quarantine WHERE entity = 'orders'") == [
        (staged[1],)
    ]


def test_deduplicate_keeps_the_latest_row_per_key(flow: Flow) -> None:
    current = flow.rows(
        "SELECT customer_id, email, region FROM {schema}.customers_current ORDER BY customer_id"
    )
    assert current == [
        ("C001", "ada@example.com", "EMEA"),
        ("C002", "grace@example.com", "APAC"),
        ("C003", "alan@example.com", "EMEA"),
        ("C004", "edsger@example.com", "EMEA"),
    ]


def test_scd1_keeps_the_current_state_and_a_rerun_changes_nothing(flow: Flow) -> None:
    orders = dict(flow.rows("SELECT order_id, status FROM {schema}.silver_orders"))
    assert sorted(orders) == [
        "O1000", "O1001", "O1002", "O1003", "O1005", "O1006", "O1007", "O1009", "O1010", "O1013"
    ]  # fmt: skip
    assert orders["O1001"] == "shipped"  # the later update wins over the record landed later
    assert orders["O1002"] == "cancelled"
    again = flow.apply("scd1_merge", "scd1_again")
    merge = again.outcomes[1]
    assert merge.columns[:4] == (
        "num_affected_rows",
        "num_updated_rows",
        "num_deleted_rows",
        "num_inserted_rows",
    )
    assert merge.rows == ((0, 0, 0, 0),)


def test_scd2_keeps_every_version(flow: Flow) -> None:
    versions = flow.rows(
        "SELECT email, region, valid_from, valid_to, is_current"
        " FROM {schema}.silver_customers_history WHERE customer_id = 'C002' ORDER BY valid_from"
    )
    first, second, third = (
        datetime(2024, 3, 1, 8),
        datetime(2024, 3, 2, 12),
        datetime(2024, 3, 3, 9),
    )
    assert versions == [
        ("grace@example.com", "AMER", first, second, False),
        ("grace.hopper@example.com", "AMER", second, third, False),
        ("grace@example.com", "APAC", third, None, True),
    ]
    assert flow.rows(
        "SELECT count(*), count_if(is_current) FROM {schema}.silver_customers_history"
    ) == [(6, 4)]


def test_incremental_load_resumes_after_its_watermark(flow: Flow) -> None:
    assert flow.count("orders_reporting_feed") == 10
    flow.apply("incremental_watermark", "incremental_second", run_id="second")
    flow.apply("incremental_watermark", "incremental_rerun")  # run "manual" again
    assert flow.count("orders_reporting_feed") == 10
    log = flow.rows(
        "SELECT run_id, rows_loaded, watermark FROM {schema}.pipeline_run_log ORDER BY run_id"
    )
    assert log == [
        ("manual", 10, datetime(2024, 3, 3, 10)),
        ("second", 0, datetime(2024, 3, 3, 10)),
    ]


def test_data_quality_checks_record_results_and_can_stop_a_job(flow: Flow) -> None:
    outcome = flow.results["data_quality_checks"].outcomes[-1].rows
    assert outcome == (("all checks passed",),)
    results = dict(
        flow.rows(
            "SELECT check_name, passed FROM {schema}.dq_results WHERE run_id = 'manual'"
            " AND checked_table = 'silver_orders'"
        )
    )
    assert results == {
        "total_rows": True,
        "null_keys": True,
        "duplicate_keys": True,
        "null_fraction": True,
        "hours_since_update": None,  # max_age_hours 0: not checked
    }
    with pytest.raises(StatementFailedError, match="failed on silver_orders: total_rows"):
        flow.apply("data_quality_checks", "dq_fail", min_row_count=100, fail_on_error=True)


def test_daily_metrics_and_trends(flow: Flow) -> None:
    daily = flow.rows(
        "SELECT cast(activity_date AS STRING), dimension, row_total, total_amount"
        " FROM {schema}.gold_daily_metrics ORDER BY 1, 2"
    )
    assert daily == [
        ("2024-02-29", "placed", 1, Decimal("89.50")),
        ("2024-03-01", "cancelled", 1, Decimal("179.00")),
        ("2024-03-01", "placed", 3, Decimal("682.96")),
        ("2024-03-01", "shipped", 1, Decimal("249.00")),
        ("2024-03-02", "placed", 3, Decimal("184.50")),
        ("2024-03-03", "delivered", 1, Decimal("249.00")),
    ]
    placed = flow.rows(
        "SELECT running_total, moving_average_7d FROM {schema}.gold_daily_trends"
        " WHERE dimension = 'placed' ORDER BY activity_date"
    )
    assert placed == [
        (Decimal("89.50"), Decimal("89.50")),
        (Decimal("772.46"), Decimal("386.23")),
        (Decimal("956.96"), Decimal("318.99")),
    ]


def test_maintenance_sets_properties_and_reports_workspace_only_steps(flow: Flow) -> None:
    result = flow.results["table_maintenance"]
    skipped = [o for o in result.outcomes if o.status is Status.SKIPPED]
    assert [o.statement.sql.split("'")[1].split()[0] for o in skipped] == [
        "OPTIMIZE",
        "VACUUM",
        "ANALYZE",
    ]
    assert all(o.notes[0].startswith("workspace-only: EXECUTE IMMEDIATE") for o in skipped)
    properties = dict(result.outcomes[-1].rows)
    assert properties["delta.autoOptimize.autoCompact"] == "true"
    assert properties["delta.deletedFileRetentionDuration"] == "interval 7 days"
