"""Command-line output shared by the admin and monitor commands: tables, JSON, progress, exits."""

from __future__ import annotations

import dataclasses
import functools
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import Enum, IntEnum
from typing import Any, ParamSpec, TypeVar

import typer
from databricks.sdk.errors import DatabricksError
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn
from rich.table import Table

from .changes import Change, PlannedChange

console = Console()
errors = Console(stderr=True)

P = ParamSpec("P")
T = TypeVar("T")


class ExitCode(IntEnum):
    """Exit codes for CI: 1 means the command worked and found something to act on."""

    OK = 0
    FOUND = 1
    """Findings at or above the threshold, drift, or pending changes (when asked to fail)."""
    BAD_INPUT = 2
    API_ERROR = 3


def jsonable(value: Any) -> Any:
    """Records, enums, decimals and datetimes as JSON-ready values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    if isinstance(value, Enum):
        return value.name.lower() if isinstance(value, IntEnum) else value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def print_json(value: Any) -> None:
    """Plain JSON on stdout (no colours, so it can be piped)."""
    typer.echo(json.dumps(jsonable(value), indent=2, sort_keys=True))


def print_table(title: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """A rich table; cells are shown as text."""
    table = Table(title=title, show_lines=False)
    for column in columns:
        table.add_column(column, overflow="fold")
    count = 0
    for row in rows:
        table.add_row(*("" if cell is None else str(jsonable(cell)) for cell in row))
        count += 1
    console.print(table)
    if count == 0:
        console.print("[dim](none)[/dim]")


def print_records(
    title: str,
    records: Sequence[Any],
    columns: Sequence[str],
    as_json: bool,
    cell: Callable[[Any, str], Any] = getattr,
) -> None:
    """Records as JSON or as a table of the named attributes."""
    if as_json:
        print_json(list(records))
        return
    print_table(title, columns, ([cell(r, c) for c in columns] for r in records))


def listed(items: Iterable[T], description: str, quiet: bool) -> Iterator[T]:
    """Yield items while showing a live count on a terminal (long listings page for a while)."""
    if quiet or not console.is_terminal:
        yield from items
        return
    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), console=console, transient=True
    ) as bar:
        task = bar.add_task(description)
        for count, item in enumerate(items, start=1):
            bar.update(task, description=f"{description}: {count}")
            yield item


def show_plan(plan: Sequence[PlannedChange], apply: bool, as_json: bool) -> None:
    """Print a plan; a dry run says how to apply it."""
    if as_json:
        print_json({"apply": apply, "changes": [p.change for p in plan]})
        return
    if not plan:
        console.print("No changes: the workspace already matches.")
        return
    verb = "Applying" if apply else "Plan (dry run, nothing changed)"
    console.print(f"{verb}: {len(plan)} change(s)")
    for planned in plan:
        console.print(f"  - {planned.change.describe()}", markup=False, highlight=False)
    if not apply:
        console.print("Re-run with --apply to make these changes.")


def show_applied(applied: Sequence[Change], log_path: Any, as_json: bool) -> None:
    if not as_json:
        console.print(f"Applied {len(applied)} change(s); recorded in {log_path}.")


def fail(message: str, code: ExitCode) -> typer.Exit:
    """Print an error on stderr and return the exit to raise."""
    errors.print(f"error: {message}", markup=False, highlight=False)
    return typer.Exit(int(code))


def cli_errors(command: Callable[P, T]) -> Callable[P, T]:
    """Turn bad input and API errors into a message and an exit code instead of a traceback."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return command(*args, **kwargs)
        except (ValueError, FileNotFoundError, KeyError) as error:
            raise fail(str(error), ExitCode.BAD_INPUT) from error
        except DatabricksError as error:
            raise fail(f"{type(error).__name__}: {error}", ExitCode.API_ERROR) from error

    return wrapper
