"""The whole job on the fixture files: a run stopped and restarted gives the same tables as one
run; a replayed batch changes nothing; every layer holds what the fixtures say it should."""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pytest
from pyspark.sql import SparkSession

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
from {{ cookiecutter.package_name }}.streaming import (
    StreamingSettings,
    run_streaming,
)

from .conftest import EVENT_FILES, land_files, new_settings, snapshot

SILVER_TABLES = ("silver_order_events", "silver_order_status")
TABLES = (
    "bronze_order_events",
    *SILVER_TABLES,
    "gold_order_status_counts",
    "silver_order_events_quarantine",
    "streaming_quality_metrics",
)


RUN_ID = re.compile(r"^silver_order_events-[0-9a-f]{32}-(\d+)$")


def batch_of(run_id: str) -> int:
    """The batch id in a quality run id: silver_order_events-<checkpoint id>-<batch id>."""
    match = RUN_ID.match(run_id)
    assert match, run_id
    return int(match.group(1))


def t(hour: int, minute: int) -> datetime:
    return datetime(2026, 3, 2, hour, minute)


@pytest.fixture(scope="module")
def restarted(
    spark: SparkSession, events_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> StreamingSettings:
    """The first file, a stop, then the other two (one batch per file)."""
    settings = new_settings(spark, tmp_path_factory.mktemp("restarted"))
    land_files(events_dir, settings, EVENT_FILES[0])
    first = run_streaming(spark, settings)
    assert [q.batches for q in first.queries] == [1, 1, 1]
    land_files(events_dir, settings, *EVENT_FILES[1:])
    second = run_streaming(spark, settings)
    assert second.queries[0].batches == 2  # one batch per file, from where the first run stopped
    return settings


@dataclass
class JobRuns:
    """Runs of the real job (resources/streaming.job.yml) through the local job runner, on
    every fixture file at once, with snapshots of every table after each run."""

    settings: StreamingSettings
    checkpoints: Path
    results: list[JobRunResult] = field(default_factory=list)
    snapshots: list[dict[str, list[tuple]]] = field(default_factory=list)


def run_job(spark: SparkSession, project_root: Path, runs: JobRuns, volumes: Path) -> None:
    bundle = load_bundle(project_root, "dev", {"schema": runs.settings.schema})
    runner = LocalJobRunner(
        spark, bundle, LocalVolumes(volumes), project_root / "fixtures", count_rows=False
    )
    result = runner.run("streaming", run_id=f"run-{len(runs.results)}")
    assert result.succeeded, [task.error for task in result.tasks]
    runs.results.append(result)
    runs.snapshots.append({table: snapshot(spark, runs.settings, table) for table in TABLES})


@pytest.fixture(scope="module")
def job_runs(
    spark: SparkSession, project_root: Path, tmp_path_factory: pytest.TempPathFactory
) -> JobRuns:
    """1: every file; 2: again, no new file; 3: the last silver batch replayed (its commit
    deleted from the checkpoint, as after a crash between writing and committing); 4: the
    silver checkpoint deleted (everything processed again under a new app id)."""
    folder = tmp_path_factory.mktemp("job_runs")
    settings = new_settings(spark, folder)
    volumes = folder / "volumes"
    checkpoints = volumes / "spark_catalog" / settings.schema / "streaming_checkpoints"
    runs = JobRuns(settings, checkpoints)
    run_job(spark, project_root, runs, volumes)
    run_job(spark, project_root, runs, volumes)
    commits = checkpoints / "silver_order_events" / "commits"
    last = max(commits.glob("[0-9]*"), key=lambda path: int(path.name))
    last.unlink()
    (commits / f".{last.name}.crc").unlink(missing_ok=True)
    run_job(spark, project_root, runs, volumes)
    assert last.exists(), "the replayed batch was not committed again"
    shutil.rmtree(checkpoints / "silver_order_events")
    run_job(spark, project_root, runs, volumes)
    return runs


def test_restarted_run_equals_one_run(
    spark: SparkSession, restarted: StreamingSettings, job_runs: JobRuns
) -> None:
    one_run = job_runs.snapshots[0]
    for table in ("bronze_order_events", *SILVER_TABLES, "gold_order_status_counts"):
        assert snapshot(spark, restarted, table) == one_run[table], table


def test_silver_holds_each_valid_event_once(
    spark: SparkSession, restarted: StreamingSettings
) -> None:
    events = spark.table(restarted.table("silver_order_events"))
    ids = [row.event_id for row in events.orderBy("event_id").collect()]
    assert ids == [
        "e-0001", "e-0002", "e-0003", "e-0004", "e-0005", "e-0006",
        "e-0007", "e-0008", "e-0013", "e-0014", "e-0015", "e-0017",
    ]  # fmt: skip


def test_silver_status_is_the_latest_event_per_order(
    spark: SparkSession, restarted: StreamingSettings
) -> None:
    rows = spark.table(restarted.table("silver_order_status")).orderBy("order_id").collect()
    assert [(r.order_id, r.status, r.status_time, r.last_event_id) for r in rows] == [
        ("o-1001", "delivered", t(11, 30), "e-0013"),
        ("o-1002", "delivered", t(11, 45), "e-0015"),  # e-0017 (10:50) came later: ignored
        ("o-1003", "shipped", t(10, 40), "e-0008"),  # e-0007 (10:15) came later: ignored
        ("o-1004", "placed", t(9, 50), "e-0014"),
    ]


def test_defective_events_are_quarantined_with_reasons(
    spark: SparkSession, restarted: StreamingSettings
) -> None:
    rows = spark.table(restarted.table("silver_order_events_quarantine")).collect()
    reasons = {
        row._rescued_data[:30] if row.event_id is None else row.event_id: sorted(
            error.rule for error in row._errors
        )
        for row in rows
    }
    assert reasons == {
        '{"event_id": "e-0009", "order_': [
            "event_id_present", "event_time_present", "nothing_rescued",
            "order_id_present", "status_present",
        ],
        "e-0010": ["status_known"],
        "e-0011": ["order_id_present"],
        "e-0012": ["event_time_present", "nothing_rescued"],
    }  # fmt: skip
    assert {batch_of(row._run_id) for row in rows} == {1}  # the second file's batch


def test_quality_metrics_are_written_per_batch(
    spark: SparkSession, restarted: StreamingSettings
) -> None:
    metrics = spark.table(restarted.table("streaming_quality_metrics"))
    volume = {
        batch_of(row.run_id): int(row.observed_value)
        for row in metrics.filter("rule = '_volume'").collect()
    }
    assert volume == {
        0: 6,  # events_001.json, before the stop
        1: 12,  # events_002.json and events_003.json, after the restart
    }
    duplicates = {
        batch_of(row.run_id): (row.status, row.rows_failed)
        for row in metrics.filter("rule = 'event_id_unique_in_batch'").collect()
    }
    assert duplicates[0] == ("warn", 2)  # e-0003 twice in one file


def test_gold_counts_events_per_status_and_hour(
    spark: SparkSession, restarted: StreamingSettings
) -> None:
    rows = snapshot(spark, restarted, "gold_order_status_counts")
    assert sorted(row[:4] for row in rows) == [
        (t(9, 0), t(10, 0), "paid", 2),
        (t(9, 0), t(10, 0), "placed", 4),
        (t(10, 0), t(11, 0), "paid", 1),
        (t(10, 0), t(11, 0), "shipped", 3),
        (t(11, 0), t(12, 0), "delivered", 2),
    ]


def test_running_again_without_new_files_changes_nothing(job_runs: JobRuns) -> None:
    assert job_runs.snapshots[1] == job_runs.snapshots[0]


def test_a_replayed_batch_changes_nothing(job_runs: JobRuns) -> None:
    assert job_runs.snapshots[2] == job_runs.snapshots[0]


def test_a_new_checkpoint_processes_everything_again_without_duplicates(
    job_runs: JobRuns,
) -> None:
    for table in SILVER_TABLES:
        assert job_runs.snapshots[3][table] == job_runs.snapshots[0][table], table


def test_the_job_runs_through_the_local_runner(job_runs: JobRuns) -> None:
    task = job_runs.results[0].tasks[0]
    assert (task.key, task.status) == ("stream_events", "succeeded")
    assert "--trigger available-now" in task.parameters["argv"]
    assert str(job_runs.checkpoints) in task.parameters["argv"]  # /Volumes mapped locally


def test_dashboard_queries_run_on_the_job_tables(
    spark: SparkSession, project_root: Path, job_runs: JobRuns
) -> None:
    dashboard = json.loads((project_root / "dashboards" / "streaming.lvdash.json").read_text())
    datasets = {
        dataset["name"]: "".join(dataset["queryLines"]) for dataset in dashboard["datasets"]
    }
    previous = spark.catalog.currentDatabase()
    spark.catalog.setCurrentDatabase(job_runs.settings.schema)  # as dataset_schema does
    try:
        columns = {name: set(spark.sql(query).columns) for name, query in datasets.items()}
        rows = {name: spark.sql(query).count() for name, query in datasets.items()}
    finally:
        spark.catalog.setCurrentDatabase(previous)
    # Quality rows: 7 rules x 2 checkpoints (the fourth run started a new one), likewise the
    # quarantine: a new checkpoint checks every event again, under new run ids.
    assert rows == {"status_counts": 5, "order_status": 3, "batch_quality": 14, "quarantine": 8}
    for widget in (item["widget"] for page in dashboard["pages"] for item in page["layout"]):
        for query in widget["queries"]:
            fields = query["query"]["fields"]
            referenced = {name for f in fields for name in re.findall(r"`(\w+)`", f["expression"])}
            assert referenced <= columns[query["query"]["datasetName"]], widget["name"]
