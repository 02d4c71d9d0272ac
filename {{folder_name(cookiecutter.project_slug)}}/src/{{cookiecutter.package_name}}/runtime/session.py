"""Spark sessions: the cluster's session on Databricks, a small local Delta session elsewhere."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from importlib.metadata import version
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
    # Delta's VACUUM lists a table's files in this many tasks (10,000 by default): 35-40 s for
    # a tiny table on one core, about 3 s with one task.
    "spark.sql.sources.parallelPartitionDiscovery.parallelism": "1",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.session.timeZone": "UTC",
    "spark.driver.memory": "2g",
}

# Spark's Ivy home (its default since Spark 4.0): the Delta jars are cached here.
IVY_HOME = Path.home() / ".ivy2.5.2"
# Maven Central only: Spark's default chain also asks repos.spark-packages.org for every
# artifact, which prints "Host ... not found" warnings wherever that host is out of reach.
IVY_SETTINGS = """\
<ivysettings>
  <settings defaultResolver="central"/>
  <resolvers>
    <ibiblio name="central" m2compatible="true" root="https://repo1.maven.org/maven2/"/>
  </resolvers>
</ivysettings>
"""
SCALA_VERSION = "2.13"


def on_databricks() -> bool:
    """True inside a Databricks cluster or serverless compute."""
    return "DATABRICKS_RUNTIME_VERSION" in os.environ


def delta_jar() -> str:
    """The Maven coordinate of the Delta jar matching the installed delta-spark."""
    return f"io.delta:delta-spark_{SCALA_VERSION}:{version('delta-spark')}"


def ivy_settings(ivy_home: Path = IVY_HOME) -> Path:
    """The Maven-Central-only Ivy settings file, written once into the Ivy home."""
    settings = ivy_home / "maven-central.xml"
    if not settings.is_file() or settings.read_text() != IVY_SETTINGS:
        ivy_home.mkdir(parents=True, exist_ok=True)
        settings.write_text(IVY_SETTINGS)
    return settings


def jars_cached(ivy_home: Path = IVY_HOME) -> bool:
    """Whether Ivy already retrieved the Delta jar (then the session starts offline)."""
    group, artifact, release = delta_jar().split(":")
    return (ivy_home / "jars" / f"{group}_{artifact}-{release}.jar").is_file()


def local_conf(warehouse: Path, master: str, *, persistent_catalog: bool) -> dict[str, str]:
    """Every setting of a local session: LOCAL_CONF, the warehouse, the jars and the catalog."""
    conf = {
        "spark.master": master,
        "spark.app.name": "{{ cookiecutter.package_name }}-local",
        "spark.sql.warehouse.dir": str(warehouse),
        "spark.driver.extraJavaOptions": f"-Dderby.system.home={warehouse / 'derby'}",
        "spark.jars.packages": delta_jar(),
        "spark.jars.ivy": str(IVY_HOME),
        "spark.jars.ivySettings": str(ivy_settings()),
        **LOCAL_CONF,
    }
    if persistent_catalog:
        metastore = warehouse.parent / "metastore_db"
        conf["spark.hadoop.javax.jdo.option.ConnectionURL"] = (
            f"jdbc:derby:;databaseName={metastore};create=true"
        )
        conf["spark.sql.catalogImplementation"] = "hive"
    return conf


def local_spark(
    warehouse_dir: Path | None = None,
    master: str = "local[2]",
    *,
    persistent_catalog: bool = False,
    verbose: bool = False,
) -> SparkSession:
    """Start (or reuse) a local Spark session with Delta Lake.

    The Delta jars are resolved from Maven Central on first use (one line says so) and cached
    by Ivy (``~/.ivy2.5.2``), so later sessions start offline. What the JVM prints while it
    starts (Ivy's report, log4j, host name warnings) goes to ``spark-driver.log`` beside the
    warehouse, unless ``verbose``; a failed start shows that log's last lines. With
    ``persistent_catalog`` the table catalog is kept in a Derby metastore beside the warehouse
    (``metastore_db``), so the tables of one run are still known to the next, as in a
    workspace; otherwise it lives in memory.
    """
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    warehouse = Path(warehouse_dir or Path(tempfile.gettempdir()) / "spark-warehouse").resolve()
    conf = local_conf(warehouse, master, persistent_catalog=persistent_catalog)
    if not jars_cached():
        print(
            f"Downloading the Delta Lake jars ({delta_jar()}) from Maven Central; "
            "only the first run does this.",
            file=sys.stderr,
            flush=True,
        )
    _start_jvm(conf, None if verbose else warehouse.parent / "spark-driver.log")
    spark = SparkSession.builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def _start_jvm(conf: dict[str, str], log: Path | None) -> None:
    """Launch Spark's JVM with `conf`, its console output in `log` (None: this console)."""
    from pyspark import SparkConf, SparkContext
    from pyspark.errors import PySparkRuntimeError
    from pyspark.java_gateway import launch_gateway

    spark_conf = SparkConf(loadDefaults=False).setAll(list(conf.items()))
    if log is None:
        SparkContext(conf=spark_conf)
        return
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as output:
        redirect = {"stdout": output, "stderr": subprocess.STDOUT}
        try:
            gateway = launch_gateway(spark_conf, popen_kwargs=redirect)
        except PySparkRuntimeError as error:
            last_lines = "".join(log.read_text(errors="replace").splitlines(True)[-20:])
            raise RuntimeError(
                f"local Spark did not start ({error}); the last lines of {log}:\n{last_lines}"
            ) from error
    SparkContext(conf=spark_conf, gateway=gateway)


def get_spark() -> SparkSession:
    """The session to use here: the active Databricks session, else a local one."""
    if on_databricks():
        from pyspark.sql import SparkSession

        return SparkSession.builder.getOrCreate()
    return local_spark()
