"""Local Delta copies of the system tables, loaded once from fixtures/system_tables."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from pyspark.sql import SparkSession

from {{ cookiecutter.package_name }}.monitoring import (
    SparkRunner,
    SystemTables,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "system_tables"


@pytest.fixture(scope="session")
def system_tables(spark: SparkSession) -> SystemTables:
    """Every fixture table as ``spark_catalog.system_<schema>.<table>`` (real column types)."""
    tables = SystemTables.local()
    schemas = yaml.safe_load((FIXTURES / "schemas.yml").read_text())
    for name, ddl in schemas.items():
        schema, table = name.split(".")
        target_schema = getattr(tables, schema)
        spark.sql("CREATE SCHEMA IF NOT EXISTS IDENTIFIER(:name)", args={"name": target_schema})
        frame = spark.read.schema(ddl).json(str(FIXTURES / f"{name}.jsonl"))
        frame.write.format("delta").mode("overwrite").saveAsTable(f"{target_schema}.{table}")
    return tables


@pytest.fixture(scope="session")
def runner(spark: SparkSession, system_tables: SystemTables) -> SparkRunner:
    return SparkRunner(spark, system_tables)
