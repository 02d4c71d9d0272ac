"""`sql` commands: list, show, render, validate and apply the SQL library in `sql/`.

Tables and colour on a terminal (rich turns colour off when the output is not a terminal, or
when NO_COLOR is set); `--json` prints one JSON document instead, errors included.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.syntax import Syntax
from rich.table import Table

from ..runtime.bundle import BundleError, find_project_root
from ..runtime.cli import parse_pairs
from .execute import ApplyResult, StatementFailedError, Status, dry_run
from .library import Kind, Library, LibraryError, LibraryItem
from .render import Rendered, render
from .validate import CheckStatus, FileReport, validate_library
from .values import ParameterValueError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

    from ..runtime.volumes import LocalVolumes

app = typer.Typer(
    help="The SQL library in sql/: patterns, functions and templates to list, show, render, "
    "validate and apply (on local Spark, or on a SQL warehouse).",
    no_args_is_help=True,
)
console = Console(highlight=False)
errors = Console(stderr=True, highlight=False)

LibraryOption = Annotated[
    Path | None,
    typer.Option("--library", help="The SQL library folder.", show_default="sql/ of the project"),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]
ParamOption = Annotated[
    list[str] | None,
    typer.Option("--param", "-p", help="A parameter value: --param name=value (repeatable)."),
]
_STATUS_STYLE = {
    "ok": "green",
    "ran": "green",
    "failed": "red",
    "skipped": "yellow",
    "planned": "cyan",
}


def _project_root() -> Path:
    try:
        return find_project_root(Path.cwd())
    except BundleError:
        return Path.cwd()


def _load(library: Path | None, as_json: bool) -> Library:
    try:
        return Library.load(library or _project_root() / "sql")
    except LibraryError as error:
        _fail(str(error), as_json)


def _fail(message: str, as_json: bool, code: int = 2) -> NoReturn:
    """Report an error (as JSON with --json) and exit; 2 for bad input, 1 for a failed run."""
    if as_json:
        _print_json({"error": message})
    else:
        errors.print(f"[red]Error:[/] {message}", soft_wrap=True)
    raise typer.Exit(code)


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


def _print_json(document: Any) -> None:
    typer.echo(json.dumps(document, indent=2, default=_json_default))


def _parameters(item: LibraryItem) -> list[dict[str, Any]]:
    return [
        parameter.model_dump(exclude_none=True, mode="json") | {"type": parameter.type.value}
        for parameter in item.parameters
    ]


@app.command("list")
def list_items(
    kind: Annotated[Kind | None, typer.Option("--kind", help="Only this kind.")] = None,
    library: LibraryOption = None,
    as_json: JsonOption = False,
) -> None:
    """List the patterns, functions and templates, and any file that breaks the rules."""
    loaded = _load(library, as_json)
    items = loaded.of_kind(kind)
    if as_json:
        _print_json(
            {
                "items": [
                    {
                        "name": item.name,
                        "kind": item.kind.value,
                        "category": item.category,
                        "title": item.title,
                        "path": str(item.path.relative_to(loaded.root)),
                        "parameters": [parameter.name for parameter in item.parameters],
                    }
                    for item in items
                ],
                "problems": [{"path": str(p.path), "message": p.message} for p in loaded.problems],
            }
        )
        return
    table = Table(title=f"SQL library: {loaded.root}")
    table.add_column("Name", no_wrap=True)
    table.add_column("Kind", no_wrap=True)
    for column in ("Category", "Title", "Parameters"):
        table.add_column(column)
    for item in items:
        names = ", ".join(p.name for p in item.parameters if p.name not in ("catalog", "schema"))
        table.add_row(
            f"[bold]{item.name}[/]", item.kind.value, item.category or "", item.title, names
        )
    console.print(table)
    for problem in loaded.problems:
        console.print(f"[red]Broken:[/] {problem.message}", soft_wrap=True)


@app.command()
def show(
    name: Annotated[str, typer.Argument(help="A pattern, function or template.")],
    library: LibraryOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show what an item does, its parameters, and its examples or steps."""
    loaded = _load(library, as_json)
    try:
        item = loaded.get(name)
    except LibraryError as error:
        _fail(str(error), as_json)
    if as_json:
        _print_json(
            {
                "name": item.name,
                "kind": item.kind.value,
                "category": item.category,
                "title": item.title,
                "description": item.description,
                "path": str(item.path),
                "parameters": _parameters(item),
                "examples": [
                    e.model_dump(exclude_unset=True, mode="json") for e in item.header.examples
                ],
                "steps": [s.model_dump(exclude_defaults=True) for s in item.header.steps],
                "statements": len(item.statements),
            }
        )
        return
    console.print(f"[bold]{item.name}[/] ({item.kind.value}): {item.title}")
    console.print(item.description, soft_wrap=False)
    console.print(f"[dim]{item.path}, {len(item.statements)} statement(s)[/]")
    table = Table("Parameter", "Type", "Default", "Description", title="Parameters")
    for parameter in item.parameters:
        allowed = f" (one of {', '.join(parameter.choices)})" if parameter.choices else ""
        default = "[red]required[/]" if parameter.default is None else str(parameter.default)
        table.add_row(
            parameter.name, parameter.type.value, default, parameter.description + allowed
        )
    console.print(table)
    if item.header.examples:
        examples = Table("Call", "Returns", title="Examples")
        for example in item.header.examples:
            outcome = f"error: {example.raises}" if example.raises else _as_sql(example.returns)
            examples.add_row(example.call, outcome)
        console.print(examples)
    if item.header.steps:
        steps = Table("#", "Step", "Parameters from the template", title="Steps")
        for number, step in enumerate(item.header.steps, start=1):
            mapping = ", ".join(f"{key} = :{value}" for key, value in step.parameters.items())
            steps.add_row(str(number), f"{step.kind} {step.target}", mapping)
        console.print(steps)


def _as_sql(value: Any) -> str:
    """An example's value as SQL would print it."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return str(value)


def _render(loaded: Library, name: str, param: list[str] | None, as_json: bool) -> Rendered:
    try:
        return render(loaded, name, parse_pairs(param, "--param"))
    except (LibraryError, ParameterValueError) as error:
        _fail(str(error), as_json)
    except typer.BadParameter as error:
        _fail(f"--param: {error.message}", as_json)


def _rendered_json(rendered: Rendered) -> dict[str, Any]:
    return {
        "name": rendered.item.name,
        "kind": rendered.item.kind.value,
        "parameters": {b.name: {"type": b.type.value, "value": b.text} for b in rendered.values},
        "statements": [
            {
                "source": s.source,
                "line": s.line,
                "sql": s.sql,
                "parameters": {b.name: b.text for b in s.bindings},
                "workspace_only": s.workspace_only,
            }
            for s in rendered.statements
        ],
    }


@app.command("render")
def render_item(
    name: Annotated[str, typer.Argument(help="A pattern, function or template.")],
    param: ParamOption = None,
    library: LibraryOption = None,
    as_json: JsonOption = False,
) -> None:
    """Validate the values and print the statements, with each :name's value listed above them.

    Values are never written into the SQL: paste the script into the SQL editor, which asks for
    each :name, or run it with `sql apply`.
    """
    loaded = _load(library, as_json)
    rendered = _render(loaded, name, param, as_json)
    if as_json:
        _print_json(_rendered_json(rendered))
    elif console.is_terminal:
        console.print(Syntax(rendered.script(), "sql", word_wrap=True, theme="ansi_dark"))
    else:
        typer.echo(rendered.script(), nl=False)


@app.command()
def validate(
    names: Annotated[
        list[str] | None, typer.Argument(help="Items to validate.", show_default="all")
    ] = None,
    spark: Annotated[
        bool,
        typer.Option(
            "--spark/--no-spark",
            help="Also run the Spark checks on local Spark: create functions and check their "
            "examples, EXPLAIN the other statements.",
        ),
    ] = True,
    library: LibraryOption = None,
    local_dir: Annotated[
        Path | None,
        typer.Option("--local-dir", help="Where local tables go.", show_default="<project>/.local"),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Check every file: its header and markers, sqlfluff's parse, and local Spark."""
    loaded = _load(library, as_json)
    session, volumes = _local_session(local_dir) if spark else (None, None)
    try:
        reports = validate_library(loaded, spark=session, volumes=volumes, names=names or ())
    except LibraryError as error:
        _fail(str(error), as_json)
    failed = [report for report in reports if not report.ok]
    if as_json:
        _print_json(
            {
                "ok": not failed,
                "files": [
                    {
                        "name": r.name,
                        "kind": r.kind,
                        "path": str(r.path),
                        "ok": r.ok,
                        "checks": {
                            c.name: {"status": c.status.value, "details": list(c.details)}
                            for c in r.checks
                        },
                    }
                    for r in reports
                ],
            }
        )
    else:
        _print_reports(reports)
    if failed:
        raise typer.Exit(1)


def _print_reports(reports: list[FileReport]) -> None:
    checks = list(dict.fromkeys(check.name for report in reports for check in report.checks))
    table = Table("File", "Kind", *checks, "Details", title="SQL library validation")
    for report in reports:
        by_name = {check.name: check for check in report.checks}
        cells = []
        for name in checks:
            check = by_name.get(name)
            status = check.status.value if check else ""
            cells.append(f"[{_STATUS_STYLE.get(status, 'white')}]{status}[/]")
        details = [
            d
            for check in report.checks
            if check.status is not CheckStatus.OK
            for d in check.details
        ]
        details += [
            d
            for check in report.checks
            if check.status is CheckStatus.OK
            for d in check.details[:1]
        ]
        table.add_row(report.name, report.kind, *cells, "\n".join(details))
    console.print(table)
    failed = sum(not report.ok for report in reports)
    style = "red" if failed else "green"
    console.print(f"[{style}]{len(reports) - failed} of {len(reports)} files valid[/]")


def _local_session(local_dir: Path | None) -> tuple[SparkSession, LocalVolumes]:
    """The project's local Spark session and volumes, as `pipeline run` uses them."""
    from ..runtime.session import local_spark
    from ..runtime.volumes import LocalVolumes

    local = (local_dir or _project_root() / ".local").resolve()
    return local_spark(local / "warehouse", persistent_catalog=True), LocalVolumes(
        local / "volumes"
    )


@app.command()
def apply(
    name: Annotated[str, typer.Argument(help="A pattern, function or template.")],
    param: ParamOption = None,
    warehouse_id: Annotated[
        str | None,
        typer.Option(
            "--warehouse-id",
            envvar="DATABRICKS_WAREHOUSE_ID",
            help="Run on this SQL warehouse (Statement Execution API) instead of local Spark.",
        ),
    ] = None,
    profile: Annotated[
        str | None,
        typer.Option(
            "--profile",
            help="Databricks CLI profile for the workspace.",
            show_default="the environment",
        ),
    ] = None,
    dry_run_: Annotated[
        bool, typer.Option("--dry-run", help="Show the statements and values; run nothing.")
    ] = False,
    local_dir: Annotated[
        Path | None,
        typer.Option(
            "--local-dir",
            help="Where local tables and volumes go.",
            show_default="<project>/.local",
        ),
    ] = None,
    library: LibraryOption = None,
    as_json: JsonOption = False,
) -> None:
    """Run an item: on local Spark + Delta, or with --warehouse-id on a SQL warehouse.

    Values are validated first and bound to the :name markers, never written into the SQL.
    """
    loaded = _load(library, as_json)
    rendered = _render(loaded, name, param, as_json)
    if dry_run_:
        _report_apply(dry_run(rendered, local=warehouse_id is None), as_json)
        return
    try:
        if warehouse_id:
            from databricks.sdk import WorkspaceClient

            from .execute import WorkspaceExecutor

            client = WorkspaceClient(profile=profile) if profile else WorkspaceClient()
            result = WorkspaceExecutor(client, warehouse_id).apply(rendered)
        else:
            from .execute import LocalExecutor

            session, volumes = _local_session(local_dir)
            result = LocalExecutor(session, volumes).apply(rendered)
    except StatementFailedError as error:
        if error.result is not None and not as_json:
            _report_apply(error.result, as_json)
        _fail(str(error), as_json, code=1)
    _report_apply(result, as_json)


def _report_apply(result: ApplyResult, as_json: bool) -> None:
    if as_json:
        _print_json(
            {
                "name": result.rendered.item.name,
                "target": result.target,
                "notes": result.notes,
                "statements": [
                    {
                        "source": o.statement.source,
                        "line": o.statement.line,
                        "status": o.status.value,
                        "sql": o.statement.sql,
                        "parameters": {b.name: b.text for b in o.statement.bindings},
                        "notes": list(o.notes),
                        "columns": list(o.columns),
                        "rows": [list(row) for row in o.rows],
                        "seconds": round(o.seconds, 3),
                    }
                    for o in result.outcomes
                ],
            }
        )
        return
    rendered = result.rendered
    console.print(
        f"[bold]{rendered.item.name}[/] on {result.target}, in {rendered.catalog}.{rendered.schema}"
    )
    for note in result.notes:
        console.print(f"  [yellow]note[/] {note}")
    if result.outcomes and all(o.status is not Status.RAN for o in result.outcomes):
        _print_plan(result)
        return
    table = Table("#")
    table.add_column("From", no_wrap=True)
    table.add_column("Status", no_wrap=True)
    table.add_column("Statement", no_wrap=True, overflow="ellipsis", max_width=48)
    table.add_column("What happened")
    table.add_column("s", justify="right")
    for number, outcome in enumerate(result.outcomes, start=1):
        style = _STATUS_STYLE[outcome.status.value]
        table.add_row(
            str(number),
            f"{outcome.statement.source}:{outcome.statement.line}",
            f"[{style}]{outcome.status.value}[/]",
            _first_line(outcome.statement.sql),
            "\n".join(outcome.notes),
            f"{outcome.seconds:.1f}" if outcome.status is Status.RAN else "",
        )
    console.print(table)
    last = next((o for o in reversed(result.outcomes) if o.columns), None)
    if last is not None and last.rows:
        output = Table(*last.columns, title=f"{last.statement.source}, line {last.statement.line}")
        for row in last.rows:
            output.add_row(*("NULL" if value is None else str(value) for value in row))
        console.print(output)
    console.print(f"[green]{result.ran} ran[/], [yellow]{result.skipped} skipped[/]")


def _first_line(sql: str) -> str:
    lines = sql.strip().splitlines()
    return lines[0] + (" ..." if len(lines) > 1 else "")


def _print_plan(result: ApplyResult) -> None:
    """A dry run: every statement in full, with the values bound to its markers."""
    for number, outcome in enumerate(result.outcomes, start=1):
        style = _STATUS_STYLE[outcome.status.value]
        where = f"{outcome.statement.source}, line {outcome.statement.line}"
        console.rule(f"{number}. {where}: [{style}]{outcome.status.value}[/]", align="left")
        for note in outcome.notes:
            console.print(f"[yellow]{note}[/]")
        values = ", ".join(f":{b.name} = {b.text}" for b in outcome.statement.bindings)
        console.print(f"[dim]values: {values or 'none'}[/]", soft_wrap=True)
        if console.is_terminal:
            console.print(Syntax(outcome.statement.sql, "sql", word_wrap=True, theme="ansi_dark"))
        else:
            console.print(outcome.statement.sql, soft_wrap=True, markup=False)
