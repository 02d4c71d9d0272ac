from __future__ import annotations

from pathlib import Path

import pytest
from chispa import assert_df_equality
from pyspark.sql import SparkSession
from typer.testing import CliRunner

from {{ cookiecutter.package_name }}.cli import app
from {{ cookiecutter.package_name }}.etl import EtlConfig, run
from {{ cookiecutter.package_name }}.etl.workflow import (
    read_landing,
)

HEADER = "order_id,customer_id,product_id,quantity,unit_price,status,order_ts,updated_at\n"
BATCH_1 = (
    HEADER
    + "o1,c1,p1,2,10.00,placed,2026-01-05 09:00:00,\n"
    + "o2,c2,p2,1,5.50,placed,2026-01-05 11:00:00,\n"
    + "o3,,p1,1,5.00,placed,2026-01-05 12:00:00,\n"
)
# Columns in another order plus an unknown one: matched by name, the extra one ignored.
BATCH_2 = (
    "channel,order_id,customer_id,product_id,quantity,unit_price,status,order_ts,updated_at\n"
    + "web,o1,c1,p1,2,10.00,delivered,2026-01-05 09:00:00,2026-01-06 08:00:00\n"
    + "app,o2,c2,p2,1,5.50,cancelled,2026-01-05 11:00:00,2026-01-06 09:00:00\n"
)


@pytest.fixture
def landing_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "orders"
    folder.mkdir()
    (folder / "batch_1.csv").write_text(BATCH_1)
    (folder / "batch_2.csv").write_text(BATCH_2)
    return folder


def _config(source: Path, schema: str) -> EtlConfig:
    return EtlConfig(catalog="spark_catalog", schema=schema, source_path=str(source))


def test_run_loads_latest_orders_rejects_and_revenue(
    spark: SparkSession, landing_dir: Path
) -> None:
    config = _config(landing_dir, "etl_run")
    result = run(spark, config)
    assert (result.rows_read, result.orders, result.rejects) == (5, 2, 1)
    statuses = spark.table(config.table("etl_orders")).select("order_id", "status")
    assert_df_equality(
        statuses,
        spark.createDataFrame([("o1", "delivered"), ("o2", "cancelled")], statuses.schema),
        ignore_row_order=True,
    )
    revenue = spark.table(config.table("etl_daily_revenue")).select("product_id", "revenue")
    assert [(row.product_id, str(row.revenue)) for row in revenue.collect()] == [("p1", "20.00")]


def test_run_twice_converges(spark: SparkSession, landing_dir: Path) -> None:
    config = _config(landing_dir, "etl_twice")
    first = run(spark, config)
    orders = spark.table(config.table("etl_orders")).collect()
    assert run(spark, config) == first
    assert sorted(spark.table(config.table("etl_orders")).collect()) == sorted(orders)


def test_sample_landing_files(spark: SparkSession, project_root: Path) -> None:
    source = project_root / "fixtures" / "landing" / "orders"
    result = run(spark, _config(source, "etl_fixtures"))
    valid = spark.table("spark_catalog.etl_fixtures.etl_orders")
    rejects = spark.table("spark_catalog.etl_fixtures.etl_order_rejects")
    # Every landing row is accounted for: kept (possibly superseded by a later update) or rejected.
    assert result.rejects == rejects.count() > 0
    assert (
        valid.where("status NOT IN ('placed','shipped','delivered','cancelled','returned')").count()
        == 0
    )
    assert valid.groupBy("order_id").count().where("count > 1").count() == 0
    assert rejects.where("_reject_reason IS NULL").count() == 0


def test_missing_landing_folder_is_named(spark: SparkSession, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"landing folder .*nowhere.* does not exist"):
        read_landing(spark, str(tmp_path / "nowhere"))


def test_empty_landing_folder_is_named(spark: SparkSession, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"holds no \.csv file"):
        read_landing(spark, str(tmp_path))


def test_invalid_names_are_refused(landing_dir: Path) -> None:
    with pytest.raises(ValueError, match="schema 'Bad Schema' is not a valid Unity Catalog name"):
        _config(landing_dir, "Bad Schema")


@pytest.mark.usefixtures("spark")  # the CLI reuses the shared session instead of starting one
def test_cli_runs_the_workflow(landing_dir: Path) -> None:
    result = CliRunner().invoke(
        app,
        [
            "etl",
            "run",
            "--catalog",
            "spark_catalog",
            "--schema",
            "etl_cli",
            "--source",
            str(landing_dir),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "read 5 rows: 2 orders in spark_catalog.etl_cli.etl_orders, 1 rejects" in result.stdout


def test_cli_names_a_bad_catalog(landing_dir: Path) -> None:
    result = CliRunner().invoke(
        app, ["etl", "run", "--catalog", "Main;", "--schema", "s", "--source", str(landing_dir)]
    )
    assert result.exit_code == 2
    assert "catalog 'Main;' is not a valid Unity Catalog name" in result.output
