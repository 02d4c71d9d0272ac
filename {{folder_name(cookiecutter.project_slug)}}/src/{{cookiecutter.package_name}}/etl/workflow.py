"""The ETL workflow: read landing order files, keep the latest valid version of each order,
set rejects aside with their reason, and rebuild daily revenue.

Every write converges: orders and rejects are merged on their keys and revenue is rebuilt from
orders, so a run that failed half way can simply be run again.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import reduce
from pathlib import Path

from delta.tables import DeltaTable
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import StringType, StructField, StructType

from . import transforms

NAME_PATTERN = re.compile(r"^[a-z_][a-z0-9_]*$")
ORDERS_TABLE = "etl_orders"
REJECTS_TABLE = "etl_order_rejects"
REVENUE_TABLE = "etl_daily_revenue"


@dataclass(frozen=True)
class EtlConfig:
    """Where the workflow reads and writes."""

    catalog: str
    schema: str
    source_path: str

    def __post_init__(self) -> None:
        for field in ("catalog", "schema"):
            value = getattr(self, field)
            if not NAME_PATTERN.match(value):
                raise ValueError(
                    f"{field} {value!r} is not a valid Unity Catalog name: use lowercase "
                    "letters, digits and underscores, not starting with a digit"
                )

    def table(self, name: str) -> str:
        """The fully qualified name of one of the workflow's tables."""
        return f"{self.catalog}.{self.schema}.{name}"


@dataclass(frozen=True)
class EtlResult:
    """Row counts of one run: what was read and what each table holds afterwards."""

    rows_read: int
    orders: int
    rejects: int
    revenue_rows: int


def landing_files(source_path: str) -> list[Path]:
    """The CSV files under source_path (a local or /Volumes folder), in name order."""
    folder = Path(source_path)
    if not folder.is_dir():
        raise FileNotFoundError(f"landing folder {source_path!r} does not exist")
    return sorted(path for path in folder.rglob("*.csv") if path.is_file())


def _header(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8") as handle:
        return next(csv.reader(handle), [])


def read_landing_file(spark: SparkSession, path: Path) -> DataFrame:
    """One landing file as text columns, matched by header name, not position.

    Files may add columns (they are ignored) or lack some (they become null, and the
    rules then reject the rows); a line that does not parse lands in `_corrupt_record`.
    """
    header = _header(path)
    schema = StructType(
        [StructField(name, StringType()) for name in header]
        + [StructField(transforms.CORRUPT_RECORD, StringType())]
    )
    frame = (
        spark.read.schema(schema)
        .option("header", "true")
        .option("mode", "PERMISSIVE")
        .option("columnNameOfCorruptRecord", transforms.CORRUPT_RECORD)
        .csv(str(path))
    )
    return frame.select(
        *[
            F.col(name) if name in header else F.lit(None).cast("string").alias(name)
            for name in transforms.LANDING_COLUMNS
        ],
        transforms.CORRUPT_RECORD,
        F.col("_metadata.file_path").alias("_source_file"),
    )


def read_landing(spark: SparkSession, source_path: str) -> DataFrame:
    """Every landing file under source_path, as one DataFrame of text columns."""
    files = landing_files(source_path)
    if not files:
        raise FileNotFoundError(f"landing folder {source_path!r} holds no .csv file")
    return reduce(DataFrame.unionByName, (read_landing_file(spark, path) for path in files))


def _merge(target: DeltaTable, source: DataFrame, condition: str, update_when: str | None) -> None:
    merge = target.alias("t").merge(source.alias("s"), condition)
    if update_when is not None:
        merge = merge.whenMatchedUpdateAll(condition=update_when)
    merge.whenNotMatchedInsertAll().execute()


def _ensure_table(spark: SparkSession, name: str, like: DataFrame) -> DeltaTable:
    """The Delta table `name`, created empty with the schema of `like` when missing."""
    if not spark.catalog.tableExists(name):
        like.limit(0).write.format("delta").saveAsTable(name)
    return DeltaTable.forName(spark, name)


def run(spark: SparkSession, config: EtlConfig) -> EtlResult:
    """Run the workflow once and return the row counts."""
    spark.sql(
        "CREATE SCHEMA IF NOT EXISTS IDENTIFIER(:name)",
        args={"name": f"{config.catalog}.{config.schema}"},
    )
    validated = transforms.validate_orders(read_landing(spark, config.source_path)).cache()
    try:
        rows_read = validated.count()
        orders = transforms.latest_per_order(transforms.valid_orders(validated))
        rejects = transforms.rejected_orders(validated)

        orders_table = _ensure_table(spark, config.table(ORDERS_TABLE), orders)
        _merge(orders_table, orders, "t.order_id = s.order_id", "s.updated_at >= t.updated_at")
        rejects_table = _ensure_table(spark, config.table(REJECTS_TABLE), rejects)
        _merge(rejects_table, rejects, "t._row_hash = s._row_hash", update_when=None)
    finally:
        validated.unpersist()

    all_orders = spark.table(config.table(ORDERS_TABLE))
    transforms.daily_revenue(all_orders).write.format("delta").mode("overwrite").option(
        "overwriteSchema", "true"
    ).saveAsTable(config.table(REVENUE_TABLE))
    return EtlResult(
        rows_read=rows_read,
        orders=all_orders.count(),
        rejects=spark.table(config.table(REJECTS_TABLE)).count(),
        revenue_rows=spark.table(config.table(REVENUE_TABLE)).count(),
    )
