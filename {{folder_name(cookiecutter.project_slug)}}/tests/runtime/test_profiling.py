"""`--profile`: the slowest statements of a run, with where they are and how long they took."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from {{ cookiecutter.package_name }}.runtime import cli
from {{ cookiecutter.package_name }}.runtime.jobs import (
    JobRunResult,
    TaskResult,
)
from {{ cookiecutter.package_name }}.runtime.profiling import (
    Hotspot,
    job_hotspots,
    notebook_hotspots,
)
from {{ cookiecutter.package_name }}.runtime.runner import (
    NotebookResult,
    Timing,
)

ROOT = Path("/project")


def notebook_result(name: str, *timings: Timing) -> NotebookResult:
    result = NotebookResult(ROOT / "tasks" / name, {})
    result.timings.extend(timings)
    return result


def test_notebook_hotspots_are_slowest_first_with_paths_from_the_project_root() -> None:
    result = notebook_result(
        "transform.sql",
        Timing(2, 10, 0.5, "CREATE TABLE a"),
        Timing(3, 20, 2.0, "MERGE INTO b"),
    )

    spots = notebook_hotspots(result, "silver", ROOT)

    assert spots == [
        Hotspot("silver", "tasks/transform.sql", 3, 20, 2.0, "MERGE INTO b"),
        Hotspot("silver", "tasks/transform.sql", 2, 10, 0.5, "CREATE TABLE a"),
    ]


def test_job_hotspots_rank_every_task_and_count_a_wheel_task_whole() -> None:
    bronze = TaskResult("bronze", "notebook_task", "tasks/ingest.sql", "succeeded", 3.0)
    bronze.notebook = notebook_result("ingest.sql", Timing(4, 8, 1.5, "INSERT INTO c"))
    quality = TaskResult("quality", "python_wheel_task", "pkg:main", "succeeded", 2.5)
    skipped = TaskResult("gold", "notebook_task", "tasks/report.sql")
    run = JobRunResult("medallion", "dev", "1", {}, ROOT, ROOT, [bronze, quality, skipped])

    spots = job_hotspots(run, ROOT)

    assert [(spot.task, spot.seconds) for spot in spots] == [("quality", 2.5), ("bronze", 1.5)]
    assert spots[0] == Hotspot("quality", "pkg:main", 0, 0, 2.5, "python_wheel_task")


def test_a_long_statement_is_shortened_on_one_line() -> None:
    timing = Timing(1, 1, 0.1, "SELECT " + "x, " * 40 + "y")

    assert len(timing.summary) == 80
    assert timing.summary.endswith("…")
    assert Timing(1, 1, 0.1, "SELECT 1").summary == "SELECT 1"


def test_print_profile_lists_the_top_statements_and_the_share_they_took(monkeypatch) -> None:
    console = Console(width=200, record=True)
    monkeypatch.setattr(cli, "console", console)
    spots = [
        Hotspot("silver", "tasks/transform.sql", 3, 20, 2.0, "MERGE INTO [b]"),
        Hotspot("bronze", "tasks/ingest.sql", 4, 8, 1.5, "INSERT INTO c"),
        Hotspot("gold", "tasks/report.sql", 2, 5, 0.25, "SELECT 1"),
    ]

    cli.print_profile(spots, 2, 5.0, 7.5)

    text = console.export_text()
    assert "The 2 slowest of 3 statements and cells" in text
    assert "2.00 │ silver │ tasks/transform.sql │    3 │   20 │ MERGE INTO [b]" in text
    assert "INSERT INTO c" in text
    assert "SELECT 1" not in text
    assert "Statements and cells: 3.8 s of the run's 5.0 s" in text
    assert "Spark started in 7.5 s before it" in text
