"""Run a bundle job locally: its task graph, in dependency order, with each task's parameters.

Before the first task, the runner does locally what `bundle deploy` does for the job's data:
it creates the bundle's schemas in `spark_catalog` and its volumes as folders, seeding each
volume from `fixtures/<volume resource key>/` when that folder exists. Then it runs the tasks:

- `notebook_task`: the notebook (`.sql` or `.py`) with `base_parameters`, job parameters
  overriding them as on Databricks;
- `python_wheel_task`: the package's entry point, in this process, with the task's parameters
  as command-line arguments (`/Volumes/...` arguments mapped to the local volume folders).

Retries, timeouts, schedules and notifications are workspace behaviour: each task runs once.
Dynamic value references in parameters (job.run_id, job.parameters.<name>, task.name...)
get local values.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import re
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from graphlib import CycleError, TopologicalSorter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .bundle import Bundle, BundleError, Job, Task
from .notebook import NotebookFormatError
from .runner import NotebookResult, NotebookRunError, NotebookRunner
from .table_metrics import Commit, TableState, commits_since, delta_tables, table_states
from .volumes import LocalVolumes

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

SUPPORTED_TASKS = ("notebook_task", "python_wheel_task")
_DYNAMIC = re.compile(r"\{\{\s*([A-Za-z0-9_.\-]+)\s*\}\}")
# run_if conditions: whether a task runs, given how many upstream tasks succeeded and failed.
_RUN_IF: dict[str, Callable[[int, int], bool]] = {
    "ALL_SUCCESS": lambda succeeded, failed: failed == 0,
    "ALL_DONE": lambda succeeded, failed: True,
    "NONE_FAILED": lambda succeeded, failed: failed == 0,
    "AT_LEAST_ONE_SUCCESS": lambda succeeded, failed: succeeded > 0,
    "ALL_FAILED": lambda succeeded, failed: succeeded == 0,
    "AT_LEAST_ONE_FAILED": lambda succeeded, failed: failed > 0,
}


class JobDefinitionError(ValueError):
    """The job cannot run locally as defined (unknown task type, cycle, missing notebook...)."""


class TaskFailedError(RuntimeError):
    """A python_wheel_task exited with a non-zero code."""


@dataclass
class TaskResult:
    key: str
    kind: str
    target: str  # the notebook path or the entry point that ran
    status: str = "not run"  # succeeded, failed, not run
    seconds: float = 0.0
    parameters: dict[str, Any] = field(default_factory=dict)
    notebook: NotebookResult | None = None
    error: str | None = None
    commits: list[Commit] = field(default_factory=list)
    started_at: float | None = None  # epoch seconds, to match Delta commits to the task
    finished_at: float | None = None

    @property
    def rows_written(self) -> int:
        return sum(c.inserted + c.updated + c.deleted for c in self.commits)


@dataclass
class JobRunResult:
    job: str
    target: str
    run_id: str
    parameters: dict[str, str]
    warehouse: Path
    volumes: Path
    tasks: list[TaskResult] = field(default_factory=list)
    tables: list[TableState] = field(default_factory=list)
    seeded: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def succeeded(self) -> bool:
        return all(task.status == "succeeded" for task in self.tasks)

    def commits_for(self, table: str) -> list[Commit]:
        return [c for task in self.tasks for c in task.commits if c.table == table]


@dataclass
class RunEvent:
    """Progress, for the command line: a task starting or finishing."""

    kind: str  # started, finished
    task: TaskResult


@dataclass
class LocalJobRunner:
    spark: SparkSession
    bundle: Bundle
    volumes: LocalVolumes
    fixtures: Path | None = None
    on_event: Callable[[RunEvent], None] = field(default=lambda event: None)
    count_rows: bool = True  # count each table's rows after the run, for the summary

    def run(
        self,
        job_key: str | None = None,
        parameters: Mapping[str, str] | None = None,
        run_id: str | None = None,
    ) -> JobRunResult:
        started = time.time()
        job = self.bundle.job(job_key)
        tasks = plan(job)
        run_id = run_id or datetime.now(UTC).strftime("%Y%m%d%H%M%S")
        context = _DynamicValues(job, run_id, started)
        job_parameters = self._job_parameters(job, parameters or {}, context)
        result = JobRunResult(
            job.key,
            self.bundle.target,
            run_id,
            job_parameters,
            Path(self.spark.conf.get("spark.sql.warehouse.dir").removeprefix("file:")),
            self.volumes.root,
        )
        schemas = self._deploy_data(result)
        results: dict[str, TaskResult] = {}
        for task in tasks:
            task_result = self._run_task(job, task, job_parameters, context, results)
            results[task.key] = task_result
            result.tasks.append(task_result)
        self._attribute_commits(result, schemas, started)
        if self.count_rows:
            result.tables = table_states(self.spark, schemas)
        result.seconds = time.time() - started
        return result

    def _job_parameters(
        self, job: Job, overrides: Mapping[str, str], context: _DynamicValues
    ) -> dict[str, str]:
        unknown = sorted(set(overrides) - set(job.parameters))
        if unknown:
            raise JobDefinitionError(
                f"--param {unknown[0]}: job {job.key!r} has no such parameter; "
                f"parameters: {', '.join(sorted(job.parameters)) or 'none'}"
            )
        values = {name: str(self.bundle.resolve(value)) for name, value in job.parameters.items()}
        values.update(overrides)
        resolved = {name: context.substitute(value, {}) for name, value in values.items()}
        context.values.update({f"job.parameters.{name}": v for name, v in resolved.items()})
        return resolved

    def _deploy_data(self, result: JobRunResult) -> list[str]:
        """Create the bundle's schemas and volume folders; seed volumes from fixtures/."""
        schemas = []
        for key, spec in self.bundle.resources.get("schemas", {}).items():
            name = str(self.bundle.resolve(spec.get("name", key)))
            self.spark.sql("CREATE SCHEMA IF NOT EXISTS IDENTIFIER(:name)", args={"name": name})
            schemas.append(name)
        for key, spec in self.bundle.resources.get("volumes", {}).items():
            resolved = self.bundle.resolve(
                {field_: spec.get(field_) for field_ in ("catalog_name", "schema_name", "name")}
            )
            catalog, schema = str(resolved["catalog_name"]), str(resolved["schema_name"])
            volume = str(resolved["name"] or key)
            source = self.fixtures / key if self.fixtures else None
            if source is not None and source.is_dir():
                result.seeded[f"/Volumes/{catalog}/{schema}/{volume}"] = self.volumes.seed(
                    catalog, schema, volume, source
                )
            else:
                self.volumes.volume_dir(catalog, schema, volume).mkdir(parents=True, exist_ok=True)
        return schemas

    def _run_task(
        self,
        job: Job,
        task: Task,
        job_parameters: Mapping[str, str],
        context: _DynamicValues,
        done: Mapping[str, TaskResult],
    ) -> TaskResult:
        result = TaskResult(task.key, task.kind, "")
        if not self._should_run(task, done):
            result.error = "upstream tasks did not satisfy run_if " + str(
                task.spec.get("run_if", "ALL_SUCCESS")
            )
            self.on_event(RunEvent("finished", result))
            return result
        started = time.perf_counter()
        result.started_at = time.time()
        try:
            if task.kind == "notebook_task":
                self._run_notebook_task(job, task, job_parameters, context, result)
            else:
                self._run_wheel_task(task, context, result)
            result.status = "succeeded"
        except (NotebookRunError, NotebookFormatError, TaskFailedError, BundleError) as error:
            result.status, result.error = "failed", str(error)
        finally:
            result.seconds = time.perf_counter() - started
            result.finished_at = time.time()
        self.on_event(RunEvent("finished", result))
        return result

    def _should_run(self, task: Task, done: Mapping[str, TaskResult]) -> bool:
        upstream = [done[key] for key in task.depends_on]
        if not upstream:
            return True
        condition = str(task.spec.get("run_if", "ALL_SUCCESS"))
        if any(item.status == "not run" for item in upstream) and condition != "ALL_DONE":
            return False
        succeeded = sum(item.status == "succeeded" for item in upstream)
        failed = sum(item.status == "failed" for item in upstream)
        return _RUN_IF[condition](succeeded, failed)

    def _run_notebook_task(
        self,
        job: Job,
        task: Task,
        job_parameters: Mapping[str, str],
        context: _DynamicValues,
        result: TaskResult,
    ) -> None:
        spec = task.spec["notebook_task"]
        path = _notebook_file(job.source.parent, str(self.bundle.resolve(spec["notebook_path"])))
        result.target = str(
            path.relative_to(self.bundle.root) if path.is_relative_to(self.bundle.root) else path
        )
        base = self.bundle.resolve(spec.get("base_parameters") or {})
        parameters = {name: str(value) for name, value in base.items()}
        parameters.update(
            job_parameters
        )  # a job parameter beats a task parameter, as on Databricks
        result.parameters = {
            k: context.substitute(v, {"task.name": task.key}) for k, v in parameters.items()
        }
        self.on_event(RunEvent("started", result))
        runner = NotebookRunner(self.spark, self.volumes)
        result.notebook = runner.run(path, result.parameters)

    def _run_wheel_task(self, task: Task, context: _DynamicValues, result: TaskResult) -> None:
        spec = self.bundle.resolve(task.spec["python_wheel_task"])
        package, entry_point = str(spec["package_name"]), str(spec["entry_point"])
        if spec.get("named_parameters"):
            arguments = [f"--{name}={value}" for name, value in spec["named_parameters"].items()]
        else:
            arguments = [str(value) for value in spec.get("parameters") or []]
        # `/Volumes/...` arguments name the local volume folders, as paths in notebooks do.
        arguments = [
            self.volumes.to_local(context.substitute(value, {"task.name": task.key}))
            for value in arguments
        ]
        result.target = f"{package}:{entry_point}"
        result.parameters = {"argv": " ".join(arguments)}
        self.on_event(RunEvent("started", result))
        function = _entry_point(package, entry_point)
        command = " ".join([f"{package}:{entry_point}", *arguments])
        previous_argv = sys.argv
        sys.argv = [entry_point, *arguments]
        try:
            function()
        except SystemExit as exit_:
            if exit_.code not in (0, None):
                raise TaskFailedError(f"{command} exited with code {exit_.code}") from exit_
        except Exception as error:  # the task's own code failed: the task fails, the job goes on
            raise TaskFailedError(f"{command} raised {type(error).__name__}: {error}") from error
        finally:
            sys.argv = previous_argv

    def _attribute_commits(self, result: JobRunResult, schemas: list[str], since: float) -> None:
        """Give each task the Delta commits made while it ran."""
        commits = [
            commit
            for schema in schemas
            for name, location in delta_tables(self.spark, schema)
            for commit in commits_since(location, name, int(since * 1000))
        ]
        for task in result.tasks:
            if task.started_at is None or task.finished_at is None:
                continue
            begin, end = int(task.started_at * 1000), int(task.finished_at * 1000) + 1
            task.commits = [commit for commit in commits if begin <= commit.timestamp_ms <= end]


def plan(job: Job) -> list[Task]:
    """The job's tasks in dependency order (ties keep the file's order); checks the graph."""
    tasks = {task.key: task for task in job.tasks}
    if not tasks:
        raise JobDefinitionError(f"job {job.key!r} has no tasks")
    for task in tasks.values():
        if task.kind not in SUPPORTED_TASKS:
            raise JobDefinitionError(
                f"job {job.key!r}, task {task.key!r}: {task.kind} does not run locally; "
                f"the local runner runs {' and '.join(SUPPORTED_TASKS)}"
            )
        condition = str(task.spec.get("run_if", "ALL_SUCCESS"))
        if condition not in _RUN_IF:
            raise JobDefinitionError(
                f"job {job.key!r}, task {task.key!r}: run_if {condition!r} is not one of "
                f"{', '.join(_RUN_IF)}"
            )
        for upstream in task.depends_on:
            if upstream not in tasks:
                raise JobDefinitionError(
                    f"job {job.key!r}, task {task.key!r} depends on unknown task {upstream!r}"
                )
    sorter = TopologicalSorter({key: task.depends_on for key, task in tasks.items()})
    order = list(tasks)
    try:
        sorter.prepare()
    except CycleError as error:
        raise JobDefinitionError(
            f"job {job.key!r}: tasks depend on each other in a cycle: {error.args[1]}"
        ) from error
    planned: list[Task] = []
    while sorter.is_active():
        ready = sorted(sorter.get_ready(), key=order.index)
        for key in ready:
            planned.append(tasks[key])
            sorter.done(key)
    return planned


def _notebook_file(base: Path, notebook_path: str) -> Path:
    """The notebook file for a task's notebook_path (the bundle drops the extension on deploy)."""
    path = (base / notebook_path).resolve()
    for candidate in (path, path.with_name(path.name + ".sql"), path.with_name(path.name + ".py")):
        if candidate.is_file():
            return candidate
    raise NotebookFormatError(
        f"notebook {notebook_path!r} not found at {path} (tried .sql and .py)"
    )


def _entry_point(package: str, name: str) -> Callable[[], Any]:
    """The entry point `name` of the installed distribution `package`, as Databricks finds it."""
    try:
        entry_points = importlib.metadata.distribution(package).entry_points
    except importlib.metadata.PackageNotFoundError:
        entry_points = ()
    for entry in entry_points:
        if entry.name == name:
            return entry.load()
    # Databricks falls back to calling <package>.<entry_point>() when no entry point matches.
    try:
        module = importlib.import_module(package.replace("-", "_"))
    except ImportError as error:
        raise TaskFailedError(
            f"python_wheel_task: package {package!r} is not installed in this environment"
        ) from error
    function = getattr(module, name, None)
    if not callable(function):
        raise TaskFailedError(
            f"python_wheel_task: {package!r} has no entry point or function named {name!r}"
        )
    return function


def _braced(name: str) -> str:
    """`name` written as a dynamic value reference (between double braces), for messages."""
    return "{" * 2 + name + "}" * 2


class _DynamicValues:
    """Local values for Databricks' dynamic value references (job.run_id and the like)."""

    def __init__(self, job: Job, run_id: str, started: float) -> None:
        start = datetime.fromtimestamp(started, tz=UTC)
        self.values = {
            "job.id": "local",
            "job.name": job.name,
            "job.run_id": run_id,
            "job.repair_count": "0",
            "job.trigger.type": "manual",
            "job.start_time.iso_date": start.date().isoformat(),
            "job.start_time.iso_datetime": start.isoformat(timespec="seconds"),
            "job.start_time.timestamp_ms": str(int(started * 1000)),
            "task.run_id": run_id,
        }

    def substitute(self, value: str, extra: Mapping[str, str]) -> str:
        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in extra:
                return extra[name]
            if name in self.values:
                return self.values[name]
            supported = ", ".join(_braced(known) for known in sorted({*self.values, "task.name"}))
            raise BundleError(f"{_braced(name)} has no local value; supported: {supported}")

        return _DYNAMIC.sub(replace, str(value))
