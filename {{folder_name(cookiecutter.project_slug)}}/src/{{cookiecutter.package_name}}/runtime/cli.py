"""`pipeline` commands: run the bundle's jobs and notebooks locally on Spark + Delta."""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .bundle import BundleError, find_project_root, load_bundle
from .jobs import JobDefinitionError, JobRunResult, LocalJobRunner, RunEvent, plan
from .notebook import NotebookFormatError
from .profiling import Hotspot, job_hotspots, notebook_hotspots
from .runner import Note, NotebookResult, NotebookRunError, NotebookRunner
from .volumes import LocalVolumes

app = typer.Typer(
    help="Run the bundle's jobs and notebooks locally on Spark + Delta, on the data in fixtures/.",
    no_args_is_help=True,
)
# soft_wrap: long lines (paths, statements) stay whole, so logs and CI output stay greppable.
console = Console(highlight=False, soft_wrap=True)

ProjectDir = Annotated[
    Path, typer.Option("--project-dir", help="Folder with databricks.yml (or below it).")
]
LocalDir = Annotated[
    Path | None,
    typer.Option(
        "--local-dir", help="Where local tables and volumes go.", show_default="<project>/.local"
    ),
]
Target = Annotated[
    str | None,
    typer.Option("--target", "-t", help="Bundle target.", show_default="the default target"),
]
Verbose = Annotated[
    bool,
    typer.Option(
        "--verbose",
        help="Show what Spark prints while it starts (Ivy's report, log4j) instead of logging "
        "it to spark-driver.log under the local folder.",
    ),
]
Profile = Annotated[
    bool,
    typer.Option(
        "--profile",
        help="After the run, list the slowest statements and Python cells (task, notebook, "
        "cell, line, seconds), to find what makes a pipeline slow.",
    ),
]
Top = Annotated[int, typer.Option("--top", min=1, help="How many statements --profile lists.")]
Variables = Annotated[
    list[str] | None,
    typer.Option("--var", help="Override a bundle variable: --var name=value (repeatable)."),
]


def parse_pairs(pairs: list[str] | None, option: str) -> dict[str, str]:
    """`["a=1", "b=2"]` as a mapping; a pair without `=` is an error naming the option."""
    parsed = {}
    for pair in pairs or []:
        name, separator, value = pair.partition("=")
        if not separator or not name.strip():
            raise typer.BadParameter(f"{pair!r} is not name=value", param_hint=option)
        parsed[name.strip()] = value
    return parsed


def _session(local_dir: Path, *, verbose: bool = False):
    """The running Spark session if there is one (tests, notebooks), else a local one whose
    tables and catalog persist under `local_dir`."""
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    from .session import local_spark

    return local_spark(local_dir / "warehouse", persistent_catalog=True, verbose=verbose)


@app.command()
def run(
    job: Annotated[
        str | None,
        typer.Option("--job", "-j", help="Job key.", show_default="medallion, else the first"),
    ] = None,
    target: Target = None,
    var: Variables = None,
    param: Annotated[
        list[str] | None,
        typer.Option("--param", help="Override a job parameter: --param name=value (repeatable)."),
    ] = None,
    project_dir: ProjectDir = Path(),
    local_dir: LocalDir = None,
    fresh: Annotated[
        bool, typer.Option("--fresh", help="Delete the local tables and volumes first.")
    ] = False,
    verbose: Verbose = False,
    profile: Profile = False,
    top: Top = 10,
) -> None:
    """Run a job of the bundle locally: every task, in dependency order, on the fixtures."""
    try:
        root = find_project_root(project_dir)
        bundle = load_bundle(root, target, parse_pairs(var, "--var"))
        chosen = bundle.job(job)
    except BundleError as error:
        raise typer.BadParameter(str(error)) from error
    local = (local_dir or root / ".local").resolve()
    if fresh and local.exists():
        shutil.rmtree(local)
    console.print(
        f"Running job [bold]{chosen.key}[/] ({escape(chosen.name)}) of target "
        f"[bold]{bundle.target}[/] locally; catalog {bundle.target!r} runs as spark_catalog."
    )
    started = time.perf_counter()
    spark = _session(local, verbose=verbose)
    spark_seconds = time.perf_counter() - started
    runner = LocalJobRunner(
        spark,
        bundle,
        LocalVolumes(local / "volumes"),
        root / "fixtures",
        _progress,
    )
    try:
        result = runner.run(chosen.key, parse_pairs(param, "--param"))
    except (JobDefinitionError, BundleError) as error:
        raise typer.BadParameter(str(error)) from error
    print_summary(result)
    if profile:
        print_profile(job_hotspots(result, root), top, result.seconds, spark_seconds)
    if not result.succeeded:
        raise typer.Exit(code=1)


def _progress(event: RunEvent) -> None:
    task = event.task
    if event.kind == "started":
        console.print(f"[cyan]>[/] {task.key:<12} {task.kind:<18} {task.target}")
        return
    style = {"succeeded": "green", "failed": "red"}.get(task.status, "yellow")
    done = (
        f"[{style}]{task.status}[/] in {task.seconds:.1f} s"
        if task.status != "not run"
        else (f"[{style}]not run[/]: {task.error}")
    )
    console.print(f"  {task.key:<12} {done}")


def print_summary(result: JobRunResult) -> None:
    """Where the tables are, rows written per table, time per task, and what was skipped."""
    for path, copied in result.seeded.items():
        console.print(f"Seeded {path} with {copied} new file(s) from fixtures/.")
    tasks = Table(title=f"Tasks of {result.job} (run {result.run_id})")
    for column in ("task", "type", "status"):
        tasks.add_column(column)
    for column in ("seconds", "statements", "rows written"):
        tasks.add_column(column, justify="right")
    for task in result.tasks:
        statements = ""
        if task.notebook:
            python = task.notebook.python_cells
            statements = f"{task.notebook.statements}" + (f" + {python} Python" if python else "")
        tasks.add_row(
            task.key,
            task.kind,
            task.status,
            f"{task.seconds:.1f}",
            statements,
            str(task.rows_written),
        )
    console.print(tasks)
    if result.tables:
        schemas = {state.name.split(".", 1)[0] for state in result.tables}
        tables = Table(title=f"Delta tables in {', '.join(sorted(schemas))}", title_justify="left")
        for column in ("table", "inserted", "updated", "deleted", "rows now"):
            tables.add_column(column, justify="left" if column == "table" else "right")
        for state in result.tables:
            commits = result.commits_for(state.name)
            tables.add_row(
                state.name.split(".", 1)[-1] if len(schemas) == 1 else state.name,
                str(sum(c.inserted for c in commits)),
                str(sum(c.updated for c in commits)),
                str(sum(c.deleted for c in commits)),
                str(state.rows),
            )
        console.print(tables)
    for task in result.tasks:
        if task.notebook:
            print_notes(task.key, task.notebook)
        if task.error:
            console.print(f"[red]{task.key} failed:[/]\n{task.error}")
    console.print(f"Volumes: {result.volumes}")
    console.print(
        f"Tables:  {result.warehouse}  (open with spark.table('spark_catalog.<schema>.<table>'))"
    )
    console.print(f"Done in {result.seconds:.1f} s.")


def print_profile(
    spots: list[Hotspot], top: int, run_seconds: float, spark_seconds: float | None = None
) -> None:
    """The `top` slowest statements, and how the run's time splits between them and the rest."""
    timed = sum(spot.seconds for spot in spots)
    table = Table(
        title=f"The {min(top, len(spots))} slowest of {len(spots)} statements and cells",
        title_justify="left",
    )
    for column in ("seconds", "task", "notebook", "cell", "line", "statement"):
        table.add_column(
            column, justify="right" if column in ("seconds", "cell", "line") else "left"
        )
    for spot in spots[:top]:
        table.add_row(
            f"{spot.seconds:.2f}",
            spot.task,
            escape(spot.notebook),
            str(spot.cell or ""),
            str(spot.line or ""),
            escape(spot.source),
        )
    console.print(table)
    started = f"; Spark started in {spark_seconds:.1f} s before it" if spark_seconds else ""
    console.print(
        f"Statements and cells: {timed:.1f} s of the run's {run_seconds:.1f} s "
        f"(the rest: schemas, seeding, row counts){started}."
    )


def print_notes(label: str, result: NotebookResult) -> None:
    """What the runner skipped, rewrote or mapped, grouped, so nothing is dropped silently."""
    groups: dict[tuple[str, str], list[Note]] = {}
    for note in result.notes:
        groups.setdefault((note.action, note.construct), []).append(note)
    for (action, construct), notes in groups.items():
        lines = ", ".join(str(note.line) for note in notes if note.line)
        where = f" (line{'s' if len(notes) > 1 else ''} {lines})" if lines else ""
        details = list(dict.fromkeys(note.detail for note in notes))
        console.print(f"  [yellow]{label}[/] {action} {construct}{where}: {details[0]}")
        for detail in details[1:]:
            console.print(f"  [yellow]{label}[/]   {detail}")


@app.command("list")
def list_jobs(
    target: Target = None, var: Variables = None, project_dir: ProjectDir = Path()
) -> None:
    """List the bundle's jobs and their tasks in the order they run."""
    try:
        bundle = load_bundle(find_project_root(project_dir), target, parse_pairs(var, "--var"))
        for job in bundle.jobs.values():
            console.print(f"[bold]{job.key}[/] ({escape(job.name)})")
            for task in plan(job):
                after = f" after {', '.join(task.depends_on)}" if task.depends_on else ""
                spec = task.spec.get(task.kind, {})
                what = spec.get("notebook_path") or spec.get("entry_point", "")
                console.print(f"  {task.key:<12} {task.kind:<18} {what}{after}")
    except (BundleError, JobDefinitionError) as error:
        raise typer.BadParameter(str(error)) from error


@app.command()
def notebook(
    path: Annotated[Path, typer.Argument(help="The notebook source file (.sql or .py).")],
    param: Annotated[
        list[str] | None,
        typer.Option("--param", "-p", help="A widget value: --param name=value (repeatable)."),
    ] = None,
    workspace_only: Annotated[
        bool,
        typer.Option("--include-workspace-only", help="Also run cells marked workspace-only."),
    ] = False,
    project_dir: ProjectDir = Path(),
    local_dir: LocalDir = None,
    verbose: Verbose = False,
    profile: Profile = False,
    top: Top = 10,
) -> None:
    """Run one notebook locally with its widget defaults and the given parameters.

    The schema named by the `schema` parameter is created first when it does not exist.
    """
    root = find_project_root(project_dir)
    local = (local_dir or root / ".local").resolve()
    spark = _session(local, verbose=verbose)
    runner = NotebookRunner(
        spark, LocalVolumes(local / "volumes"), include_workspace_only=workspace_only
    )
    try:
        from .notebook import read_notebook

        values = {**read_notebook(path).widget_defaults, **parse_pairs(param, "--param")}
        if values.get("schema"):
            spark.sql(
                "CREATE SCHEMA IF NOT EXISTS IDENTIFIER(:schema)", args={"schema": values["schema"]}
            )
        result = runner.run(path, values)
    except NotebookFormatError as error:
        raise typer.BadParameter(str(error), param_hint="PATH") from error
    except NotebookRunError as error:
        console.print(f"[red]{error}[/]")
        raise typer.Exit(code=1) from error
    print_notes(path.name, result)
    for output in result.outputs[-1:]:
        table = Table(*output.columns, title=f"cell {output.cell}, line {output.line}")
        for row in output.rows:
            table.add_row(*(str(value) for value in row))
        console.print(table)
    console.print(
        f"{path}: {result.statements} statement(s) and {result.python_cells} Python cell(s) "
        f"in {result.seconds:.1f} s."
    )
    if profile:
        print_profile(notebook_hotspots(result, root=root), top, result.seconds)
