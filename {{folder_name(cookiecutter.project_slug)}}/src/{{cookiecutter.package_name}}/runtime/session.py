"""Spark sessions: the cluster's session on Databricks, a small local Delta session elsewhere."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

# Local sessions stay small: two cores on a laptop or CI runner, one shuffle partition,
# no UI. Delta's extension and catalog make MERGE, UPDATE and DELETE work as on Databricks.
LOCAL_CONF: dict[str, str] = {
    "spark.sql.extensions": "io.delta.sql.DeltaSparkSessionExtension",
    "spark.sql.catalog.spark_catalog": "org.apache.spark.sql.delta.catalog.DeltaCatalog",
    "spark.sql.shuffle.partitions": "1",
    "spark.default.parallelism": "1",
    "spark.databricks.delta.snapshotPartitions": "1",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.session.timeZone": "UTC",
    "spark.driver.memory": "2g",
}


def on_databricks() -> bool:
    """True inside a Databricks cluster or serverless compute."""
    return "DATABRICKS_RUNTIME_VERSION" in os.environ


def local_spark(
    warehouse_dir: Path | None = None,
    master: str = "local[2]",
    *,
    persistent_catalog: bool = False,
) -> SparkSession:
    """Start (or reuse) a local Spark session with Delta Lake.

    The Delta jars are resolved from Maven Central on first use and cached by Ivy
    (``~/.ivy2.5.2``), so later sessions start offline. With ``persistent_catalog`` the table
    catalog is kept in a Derby metastore beside the warehouse (``metastore_db``), so the tables
    of one run are still known to the next, as in a workspace; otherwise it lives in memory.
    """
    from delta import configure_spark_with_delta_pip
    from pyspark.sql import SparkSession

    warehouse = Path(warehouse_dir or Path(tempfile.gettempdir()) / "spark-warehouse").resolve()
    builder = (
        SparkSession.builder.master(master)
        .appName("{{ cookiecutter.package_name }}-local")
        .config("spark.sql.warehouse.dir", str(warehouse))
        .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={warehouse / 'derby'}")
    )
    for key, value in LOCAL_CONF.items():
        builder = builder.config(key, value)
    if persistent_catalog:
        metastore = warehouse.parent / "metastore_db"
        builder = builder.config(
            "spark.hadoop.javax.jdo.option.ConnectionURL",
            f"jdbc:derby:;databaseName={metastore};create=true",
        ).enableHiveSupport()
    spark = configure_spark_with_delta_pip(builder).getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def get_spark() -> SparkSession:
    """The session to use here: the active Databricks session, else a local one."""
    if on_databricks():
        from pyspark.sql import SparkSession

        return SparkSession.builder.getOrCreate()
    return local_spark()
