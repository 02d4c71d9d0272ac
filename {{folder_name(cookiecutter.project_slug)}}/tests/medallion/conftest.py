"""Runs of the medallion job on the fixtures, shared by the medallion tests.

Each scenario runs the real job from resources/medallion.job.yml through the local job runner,
in its own schema, once per test session; tests then read the tables or the snapshots taken
between runs. The scenarios:

- `full_run`: every landing file at once, then the same job again (idempotency).
- `incremental_runs`: batch 1, then batch 2, then batch 3 in a run that fails half way through
  silver, then a re-run (late and out-of-order records, recovery).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import StringType

from {{ cookiecutter.package_name }}.runtime.bundle import (
    load_bundle,
)
from {{ cookiecutter.package_name }}.runtime.jobs import (
    JobRunResult,
    LocalJobRunner,
)
from {{ cookiecutter.package_name }}.runtime.volumes import (
    LocalVolumes,
)

SILVER_TABLES = (
    "silver_products",
    "silver_orders",
    "silver_customers",
    "silver_customers_history",
    "silver_quarantine",
)
GOLD_TABLES = ("gold_daily_revenue", "gold_customer_lifetime_value")
BRONZE_TABLES = ("bronze_orders", "bronze_customers", "bronze_products")
# Columns that record when and by which run a row was written: they differ between runs and
# schemas by design, so comparisons across runs leave them out.
RUN_COLUMNS = ("_ingested_at", "_run_id", "_quarantined_run_id", "_record_id")


def landing_files(project_root: Path, batch: int) -> list[Path]:
    """The fixture files of one landing batch (file names end in _001, _002, _003)."""
    return sorted((project_root / "fixtures" / "landing").glob(f"*/*_{batch:03d}.*"))


def stage(project_root: Path, fixtures: Path, batches: list[int]) -> None:
    """Put the files of `batches` into a fixtures folder the job runner seeds volumes from."""
    for batch in batches:
        for file in landing_files(project_root, batch):
            target = fixtures / "landing" / file.parent.name / file.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(file, target)


def comparable(frame: DataFrame) -> DataFrame:
    """`frame` without run columns, with local landing paths reduced to `landing/<entity>/...`."""
    columns = []
    for field_ in frame.schema.fields:
        if field_.name in RUN_COLUMNS:
            continue
        column = F.col(f"`{field_.name}`")
        if isinstance(field_.dataType, StringType):
            column = F.regexp_replace(column, r'file:[^"\\]*/landing/', "landing/")
        columns.append(column.alias(field_.name))
    return frame.select(*columns)


def snapshot(spark: SparkSession, schema: str, tables: tuple[str, ...]) -> dict[str, list[dict]]:
    """The comparable rows of each table, sorted, as plain dictionaries."""
    result = {}
    for table in tables:
        rows = comparable(spark.table(f"spark_catalog.{schema}.{table}")).collect()
        result[table] = sorted((row.asDict() for row in rows), key=repr)
    return result


class FailingSpark:
    """The session, except that the first statement containing `marker` fails."""

    def __init__(self, spark: SparkSession, marker: str) -> None:
        self._spark = spark
        self._marker = marker
        self.failed = False

    def sql(self, statement: str, args: dict[str, Any] | None = None) -> DataFrame:
        if self._marker in statement and not self.failed:
            self.failed = True
            raise RuntimeError("simulated failure: the cluster was lost")
        return self._spark.sql(statement, args=args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._spark, name)


@dataclass
class Scenario:
    schema: str
    fixtures: Path
    volumes: Path
    runs: list[JobRunResult] = field(default_factory=list)
    snapshots: list[dict[str, list[dict]]] = field(default_factory=list)


def run_medallion(spark: Any, project_root: Path, scenario: Scenario, run_id: str) -> JobRunResult:
    bundle = load_bundle(project_root, "dev", {"schema": scenario.schema})
    runner = LocalJobRunner(
        spark, bundle, LocalVolumes(scenario.volumes), scenario.fixtures, count_rows=False
    )
    result = runner.run("medallion", run_id=run_id)
    scenario.runs.append(result)
    return result


def new_scenario(tmp_path_factory: pytest.TempPathFactory, schema: str) -> Scenario:
    folder = tmp_path_factory.mktemp(schema)
    return Scenario(schema, folder / "fixtures", folder / "volumes")


@pytest.fixture(scope="session")
def full_run(
    spark: SparkSession, project_root: Path, tmp_path_factory: pytest.TempPathFactory
) -> Scenario:
    """All landing files at once, run twice."""
    scenario = new_scenario(tmp_path_factory, "medallion_full")
    stage(project_root, scenario.fixtures, [1, 2, 3])
    tables = BRONZE_TABLES + SILVER_TABLES + GOLD_TABLES
    for run_id in ("full-1", "full-2"):
        result = run_medallion(spark, project_root, scenario, run_id)
        assert result.succeeded, [task.error for task in result.tasks]
        scenario.snapshots.append(snapshot(spark, scenario.schema, tables))
    return scenario


@pytest.fixture(scope="session")
def incremental_runs(
    spark: SparkSession, project_root: Path, tmp_path_factory: pytest.TempPathFactory
) -> Scenario:
    """Batch by batch; the third batch's run fails in silver, then runs again."""
    scenario = new_scenario(tmp_path_factory, "medallion_incremental")
    tables = BRONZE_TABLES + SILVER_TABLES + GOLD_TABLES
    for batch in (1, 2):
        stage(project_root, scenario.fixtures, [batch])
        assert run_medallion(spark, project_root, scenario, f"batch-{batch}").succeeded
        scenario.snapshots.append(snapshot(spark, scenario.schema, tables))
    stage(project_root, scenario.fixtures, [3])
    failing = FailingSpark(spark, "'.silver_customers_history') AS target")
    run_medallion(failing, project_root, scenario, "batch-3-failing")
    assert failing.failed, "the failure was never triggered"
    scenario.snapshots.append(snapshot(spark, scenario.schema, tables))
    assert run_medallion(spark, project_root, scenario, "batch-3-rerun").succeeded
    scenario.snapshots.append(snapshot(spark, scenario.schema, tables))
    return scenario


@pytest.fixture
def table(spark: SparkSession, full_run: Scenario) -> Callable[[str], DataFrame]:
    """A table of the full run, by name."""
    return lambda name: spark.table(f"spark_catalog.{full_run.schema}.{name}")
