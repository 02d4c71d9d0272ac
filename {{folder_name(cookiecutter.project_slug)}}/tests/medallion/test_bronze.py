"""Bronze on the fixtures: raw rows, ingestion metadata, rescued data, no double ingestion."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pyspark.sql import DataFrame, SparkSession

from {{ cookiecutter.package_name }}.runtime.runner import (
    NotebookRunner,
)
from {{ cookiecutter.package_name }}.runtime.volumes import (
    LocalVolumes,
)

Table = Callable[[str], DataFrame]


def test_every_landed_line_is_a_bronze_row(table: Table) -> None:
    counts = {name: table(f"bronze_{name}").count() for name in ("orders", "customers", "products")}
    # 7 + 7 + 8 order lines, 4 + 4 + 3 customer lines, 5 + 4 product lines, malformed ones included.
    assert counts == {"orders": 22, "customers": 11, "products": 9}


def test_rows_are_kept_as_they_arrived(table: Table) -> None:
    row = table("bronze_orders").where("order_id = 'O1003'").first()
    assert (row["customer_id"], row["status"]) == (" C003 ", "PLACED")
    assert row["_source_file"].endswith("/landing/orders/orders_001.csv")
    assert row["_run_id"] == "full-1"
    assert row["_ingested_at"] is not None


def rescued(table: Table, name: str, condition: str) -> dict:
    data = json.loads(table(name).where(condition).first()["_rescued_data"])
    assert data.pop("_file_path").startswith("file:")
    return data


def test_unknown_columns_and_malformed_lines_are_rescued(table: Table) -> None:
    assert rescued(table, "bronze_orders", "order_id = 'O1010'") == {"channel": "store"}
    assert rescued(table, "bronze_customers", "customer_id = 'C004'") == {"loyalty_tier": "gold"}
    corrupt = rescued(table, "bronze_customers", "customer_id IS NULL AND name IS NULL")
    assert corrupt == {"_corrupt_record": '{"customer_id": "C006", "name": "Broken Record'}
    # Batch 1's 7 lines and batch 2's 6 well-formed ones; every batch 3 line has a channel.
    assert table("bronze_orders").where("_rescued_data IS NULL").count() == 13


def test_a_second_run_and_a_file_landing_again_add_nothing(
    spark: SparkSession, full_run: Any, project_root: Path
) -> None:
    counts = [len(snapshot["bronze_orders"]) for snapshot in full_run.snapshots]
    assert counts == [22, 22]
    # The same file lands again (same path, new modification time): bronze skips it.
    landed = next(full_run.volumes.rglob("orders_001.csv"))
    os.utime(landed)
    parameters = full_run.runs[0].tasks[0].parameters
    NotebookRunner(spark, LocalVolumes(full_run.volumes)).run(
        project_root / "notebooks" / "bronze" / "ingest.sql", parameters
    )
    assert spark.table(f"spark_catalog.{full_run.schema}.bronze_orders").count() == 22


def test_batches_arrive_incrementally(incremental_runs: Any) -> None:
    orders = [len(snapshot["bronze_orders"]) for snapshot in incremental_runs.snapshots]
    # batch 1, batch 2, batch 3 (its run failed later, in silver), and the re-run of batch 3.
    assert orders == [7, 14, 22, 22]
    files = {row["_source_file"] for row in incremental_runs.snapshots[0]["bronze_orders"]}
    assert files == {"landing/orders/orders_001.csv"}
