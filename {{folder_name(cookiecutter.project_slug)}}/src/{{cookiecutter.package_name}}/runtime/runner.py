"""Run a Databricks notebook source file (`.sql` or `.py`) on a local Spark session.

SQL cells are split into statements, passed through the translation table and run with
`spark.sql(statement, args=...)`, binding only the parameters each statement uses. Python
cells run with `spark`, `dbutils` (a local stand-in) and `display` in their globals. Markdown
is skipped; cells marked `workspace-only` and statements the table skips are reported, never
dropped silently. Any failure names the notebook, the cell, the statement and Spark's message.
"""

from __future__ import annotations

import itertools
import logging
import time
import traceback
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .dbutils import LocalDbutils, LocalWidgets, NotebookExit
from .files import ReadFilesError
from .notebook import Cell, Notebook, NotebookFormatError, read_notebook
from .statements import Statement, UnterminatedSQLError, split_statements
from .translation import (
    LOCAL_CATALOG,
    Action,
    TranslationContext,
    UnsupportedConstructError,
    translate,
)
from .volumes import LocalVolumes, VolumePathError

if TYPE_CHECKING:
    from pyspark.sql import Row, SparkSession

# The parameter that names the Unity Catalog catalog; locally it always means spark_catalog.
CATALOG_PARAMETER = "catalog"
# Magics that do not change what the notebook computes locally: the project's environment
# already holds its packages.
_HARMLESS_MAGICS = {"pip": "packages come from the project environment (uv sync)"}
_SHOWN_ROWS = 20


class NotebookRunError(RuntimeError):
    """A statement or Python cell failed; says where, what ran and what Spark answered."""

    def __init__(self, notebook: Path, cell: int, line: int, statement: str, message: str) -> None:
        self.notebook, self.cell, self.line = notebook, cell, line
        self.statement, self.message = statement, message
        indented = "\n".join("    " + text for text in statement.strip().splitlines())
        super().__init__(
            f"{notebook}, cell {cell} (line {line}) failed:\n{indented}\n{message.strip()}"
        )


@dataclass(frozen=True)
class Note:
    """Something the runner did instead of running a statement as written."""

    cell: int
    line: int
    action: str  # skipped, rewritten, or mapped
    construct: str
    detail: str


@dataclass(frozen=True)
class Output:
    """The first rows a statement returned (a query's result, or a command's metrics)."""

    cell: int
    line: int
    columns: tuple[str, ...]
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Timing:
    """How long one SQL statement or Python cell took, for `--profile`."""

    cell: int
    line: int
    seconds: float
    source: str  # the statement or cell, on one line

    @property
    def summary(self) -> str:
        return self.source if len(self.source) <= 80 else self.source[:79] + "…"


@dataclass
class NotebookResult:
    notebook: Path
    parameters: dict[str, str]
    statements: int = 0
    python_cells: int = 0
    notes: list[Note] = field(default_factory=list)
    outputs: list[Output] = field(default_factory=list)
    timings: list[Timing] = field(default_factory=list)
    exit_value: str | None = None
    seconds: float = 0.0

    @property
    def skipped(self) -> list[Note]:
        return [note for note in self.notes if note.action == Action.SKIP.value]


def localize_parameter(name: str, value: str) -> str:
    """The value a parameter takes locally: any catalog becomes spark_catalog."""
    return LOCAL_CATALOG if name == CATALOG_PARAMETER else value


@contextmanager
def _quiet_spark_error_log() -> Iterator[None]:
    """PySpark logs every SQL error as JSON before raising it; the runner reports it instead."""
    logger = logging.getLogger("SQLQueryContextLogger")
    level = logger.level
    logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        logger.setLevel(level)


def spark_message(error: BaseException) -> str:
    """Spark's own message, without the JVM stack trace."""
    text = str(error) or type(error).__name__
    return text.split("\n\nJVM stacktrace:", 1)[0]


class NotebookRunner:
    """Runs notebooks on one Spark session; volumes map `/Volumes/...` paths to folders."""

    def __init__(
        self,
        spark: SparkSession,
        volumes: LocalVolumes,
        *,
        include_workspace_only: bool = False,
    ) -> None:
        self.spark = spark
        self.volumes = volumes
        self.include_workspace_only = include_workspace_only

    def run(self, path: Path, parameters: Mapping[str, str] | None = None) -> NotebookResult:
        """Run every cell of the notebook at `path` with `parameters` over widget defaults."""
        started = time.perf_counter()
        notebook = read_notebook(path)
        given = dict(parameters or {})
        values = {**notebook.widget_defaults, **given}
        result = NotebookResult(path, values)
        for name, value in values.items():
            local_value = localize_parameter(name, value)
            if local_value != value:
                result.notes.append(
                    Note(0, 0, "mapped", f":{name}", f"{value!r} runs as {local_value!r}")
                )
        widgets = LocalWidgets(given, localize_parameter)
        for name, default in notebook.widget_defaults.items():
            widgets.text(name, default)
        python_globals = {
            "__name__": "__main__",
            "spark": self.spark,
            "dbutils": LocalDbutils(widgets),
            "display": _display,
        }
        state = _RunState(notebook, result, widgets, python_globals)
        try:
            self._run_cells(notebook, state)
        except NotebookExit as exit_:
            result.exit_value = exit_.value
        result.seconds = time.perf_counter() - started
        return result

    def _run_cells(self, notebook: Notebook, state: _RunState) -> None:
        for cell in notebook.cells:
            if cell.language == "md":
                continue
            if cell.workspace_only and not self.include_workspace_only:
                state.result.notes.append(
                    Note(
                        cell.number,
                        cell.line,
                        "skipped",
                        "workspace-only cell",
                        cell.workspace_only,
                    )
                )
                continue
            if cell.language == "sql":
                self._run_sql_cell(cell, state)
            elif cell.language == "python":
                self._run_python_cell(cell, state)
            elif cell.language == "run":
                self._run_included(cell, state)
            elif cell.language in _HARMLESS_MAGICS:
                state.result.notes.append(
                    Note(
                        cell.number,
                        cell.line,
                        "skipped",
                        f"%{cell.language}",
                        _HARMLESS_MAGICS[cell.language],
                    )
                )
            else:
                raise NotebookRunError(
                    notebook.path,
                    cell.number,
                    cell.line,
                    cell.source,
                    f"%{cell.language} cells do not run locally; mark the cell "
                    "'workspace-only: <reason>' or move the logic into SQL or Python",
                )

    def _run_sql_cell(self, cell: Cell, state: _RunState) -> None:
        try:
            statements = split_statements(cell.source, cell.line)
        except UnterminatedSQLError as error:
            raise NotebookRunError(
                state.notebook.path, cell.number, cell.line, cell.source, str(error)
            ) from error
        for statement in statements:
            self._run_statement(cell, statement, state)

    def _run_statement(self, cell: Cell, statement: Statement, state: _RunState) -> None:
        with _timed(state.result, cell.number, statement.line, statement.text):
            self._run_translated(cell, statement, state)

    def _run_translated(self, cell: Cell, statement: Statement, state: _RunState) -> None:
        def fail(message: str) -> NotebookRunError:
            return NotebookRunError(
                state.notebook.path, cell.number, statement.line, statement.text, message
            )

        arguments = self._arguments(statement, state, fail)
        context = TranslationContext(self.spark, arguments, self.volumes, state.view_numbers)
        try:
            with _quiet_spark_error_log():
                translation = translate(statement.text, context)
        except (UnsupportedConstructError, ReadFilesError, VolumePathError) as error:
            raise fail(str(error)) from error
        except Exception as error:  # Spark evaluating a read_files argument
            raise fail(spark_message(error)) from error
        for applied in translation.applied:
            state.result.notes.append(
                Note(
                    cell.number,
                    statement.line,
                    applied.rule.action.value,
                    applied.rule.construct,
                    applied.detail or applied.rule.local,
                )
            )
        if translation.sql is None:
            return
        try:
            with _quiet_spark_error_log():
                frame = self.spark.sql(translation.sql, args=arguments)
                rows = frame.take(_SHOWN_ROWS) if frame.columns else []
        except Exception as error:  # every Spark failure is reported the same way
            raise fail("Spark: " + spark_message(error)) from error
        state.result.statements += 1
        if frame.columns:
            state.result.outputs.append(
                Output(cell.number, statement.line, tuple(frame.columns), tuple(rows))
            )

    @staticmethod
    def _arguments(
        statement: Statement, state: _RunState, fail: Callable[[str], NotebookRunError]
    ) -> dict[str, str]:
        """The values of the parameters the statement uses (widgets, as Python cells see them)."""
        available = state.widgets.getAll()
        missing = sorted(statement.parameters - set(available))
        if missing:
            known = ", ".join(sorted(available)) or "none"
            message = (
                f"the statement uses :{', :'.join(missing)}, but no widget or parameter has that "
                f"name (known: {known}); add CREATE WIDGET TEXT {missing[0]} DEFAULT '...' or "
                "pass it as a task parameter"
            )
            raise fail(message)
        return {name: available[name] for name in sorted(statement.parameters)}

    def _run_python_cell(self, cell: Cell, state: _RunState) -> None:
        with _timed(state.result, cell.number, cell.line, cell.source):
            self._exec_python(cell, state)

    def _exec_python(self, cell: Cell, state: _RunState) -> None:
        filename = f"{state.notebook.path} [cell {cell.number}]"
        try:
            code = compile(cell.source, filename, "exec")
            with _quiet_spark_error_log():
                exec(code, state.python_globals)  # noqa: S102 (running the notebook is the point)
        except NotebookExit:
            raise
        except SyntaxError as error:
            line = cell.line + (error.lineno or 1) - 1
            raise NotebookRunError(
                state.notebook.path,
                cell.number,
                line,
                error.text or "",
                f"SyntaxError: {error.msg}",
            ) from error
        except Exception as error:  # report any failure of the cell with its location
            offset = _failing_line(error, filename)
            source_lines = cell.source.splitlines()
            statement = source_lines[offset - 1] if 0 < offset <= len(source_lines) else ""
            raise NotebookRunError(
                state.notebook.path,
                cell.number,
                cell.line + max(offset, 1) - 1,
                statement,
                f"{type(error).__name__}: {spark_message(error)}",
            ) from error
        state.result.python_cells += 1

    def _run_included(self, cell: Cell, state: _RunState) -> None:
        """`%run ./other`: run the other notebook's cells here, sharing parameters and globals."""
        target = (state.notebook.path.parent / cell.magic_argument.strip("\"'")).resolve()
        candidates = [
            target,
            target.with_name(target.name + ".sql"),
            target.with_name(target.name + ".py"),
        ]
        found = next((candidate for candidate in candidates if candidate.is_file()), None)
        if found is None:
            raise NotebookRunError(
                state.notebook.path,
                cell.number,
                cell.line,
                f"%run {cell.magic_argument}",
                f"no notebook at {target} (tried .sql and .py)",
            )
        try:
            included = read_notebook(found)
        except NotebookFormatError as error:
            raise NotebookRunError(
                state.notebook.path,
                cell.number,
                cell.line,
                f"%run {cell.magic_argument}",
                str(error),
            ) from error
        defined = state.widgets.getAll()
        for name, value in included.widget_defaults.items():
            if name not in defined:
                state.widgets.text(name, value)
        self._run_cells(
            included,
            _RunState(
                included, state.result, state.widgets, state.python_globals, state.view_numbers
            ),
        )


@dataclass
class _RunState:
    notebook: Notebook
    result: NotebookResult
    widgets: LocalWidgets
    python_globals: dict[str, Any]
    view_numbers: Iterator[int] = field(default_factory=lambda: itertools.count(1))


@contextmanager
def _timed(result: NotebookResult, cell: int, line: int, source: str) -> Iterator[None]:
    """Record how long the block took as a Timing of `result`, even when it fails."""
    started = time.perf_counter()
    try:
        yield
    finally:
        seconds = time.perf_counter() - started
        result.timings.append(Timing(cell, line, seconds, " ".join(source.split())))


def _failing_line(error: BaseException, filename: str) -> int:
    """The line of the cell where `error` was raised (0 when the cell is not on the stack)."""
    lines = [
        frame.lineno
        for frame in traceback.extract_tb(error.__traceback__)
        if frame.filename == filename
    ]
    return (lines[-1] or 0) if lines else 0


def _display(frame: Any, *args: Any, **kwargs: Any) -> None:
    """`display(df)` locally: print the first rows."""
    show = getattr(frame, "show", None)
    if callable(show):
        show(_SHOWN_ROWS, truncate=False)
    else:
        print(frame)
