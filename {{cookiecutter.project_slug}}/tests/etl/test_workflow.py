from __future__ import annotations

from pathlib import Path

import pytest
from chispa import assert_df_equality
from pyspark.sql import SparkSession
from typer.testing import CliRunner

from {{ cookiecutter.package_name }}.cli import app
from {{ cookiecutter.package_name }}.etl import EtlConfig, run

HEADER = "order_id,customer_id,product_id,quantity,unit_price,order_ts,updated_at,status,region\n"
BATCH_1 = (
    HEADER
    + "o1,c1,p1,2,10.00,2026-01-05 09:00:00,,placed,eu\n"
    + "o2,c2,p2,1,5.50,2026-01-05 11:00:00,,placed,us\n"
    + "o3,,p1,1,5.00,2026-01-05 12:00:00,,placed,eu\n"
)
BATCH_2 = (
    HEADER
    + "o1,c1,p1,2,10.00,2026-01-05 09:00:00,2026-01-06 08:00:00,delivered,eu\n"
    + "o2,c2,p2,1,5.50,2026-01-05 11:00:00,2026-01-06 09:00:00,cancelled,us\n"
)


@pytest.fixture
def landing_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "orders"
    folder.mkdir()
    (folder / "batch_1.csv").write_text(BATCH_1)
    (folder / "batch_2.csv").write_text(BATCH_2)
    return folder


@pytest.fixture
def config(landing_dir: Path, request: pytest.FixtureRequest) -> EtlConfig:
    schema = "etl_" + request.node.name.replace("test_", "")[:40]
    return EtlConfig(catalog="spark_catalog", schema=schema, source_path=str(landing_dir))


def test_run_loads_latest_orders_rejects_and_revenue(
    spark: SparkSession, config: EtlConfig
) -> None:
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


def test_run_twice_converges(spark: SparkSession, config: EtlConfig) -> None:
    first = run(spark, config)
    second = run(spark, config)
    assert first == second


def test_invalid_names_are_refused(landing_dir: Path) -> None:
    with pytest.raises(ValueError, match="schema 'Bad Schema' is not a valid Unity Catalog name"):
        EtlConfig(catalog="spark_catalog", schema="Bad Schema", source_path=str(landing_dir))


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
