"""`quality` commands: validate rule files, run checks, profile a table, report on history.

Tables are named as Spark knows them (`catalog.schema.table`, or a bare name in the current
schema); a location that starts with `/`, `./` or `../` is a Delta folder instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from ..runtime import get_spark
from .anomaly import detect_anomalies
from .io import read_location
from .profiling import profile, propose_rules
from .report import load_history, print_report, render_html, run_table, scores_table
from .rules import Action, RuleFileError, dump_rules, load_rules
from .run import QualityGateError, run_checks

app = typer.Typer(
    help="Data quality: validate rules, run checks, profile tables, report.", no_args_is_help=True
)
console = Console(width=160)

RulesArgument = Annotated[Path, typer.Argument(help="Rule file (YAML).", exists=False)]


def _fail(message: str) -> typer.Exit:
    console.print(f"[bold red]{message}[/]", highlight=False, markup=False)
    return typer.Exit(code=1)


@app.command()
def validate(rule_files: Annotated[list[Path], typer.Argument(help="Rule files (YAML).")]) -> None:
    """Check rule files against the rule schema, without Spark; exit 1 on the first bad one."""
    for path in rule_files:
        try:
            rule_set = load_rules(path)
        except RuleFileError as error:
            raise _fail(str(error)) from None
        console.print(f"{path}: {len(rule_set.rules)} rules, valid", highlight=False)


@app.command()
def run(
    rules: RulesArgument,
    table: Annotated[
        str | None,
        typer.Option(help="Table or Delta folder to check (default: the file's `table`)."),
    ] = None,
    valid_to: Annotated[str | None, typer.Option(help="Write rows that pass here.")] = None,
    quarantine_to: Annotated[str | None, typer.Option(help="Append rows with errors here.")] = None,
    metrics_to: Annotated[str | None, typer.Option(help="Append the run's metrics here.")] = None,
    action: Annotated[Action | None, typer.Option(help="Override the file's action.")] = None,
    run_id: Annotated[str | None, typer.Option(help="Run id (default: a new UUID).")] = None,
) -> None:
    """Check a table against a rule file; exit 1 when the action is fail and a rule errs."""
    try:
        rule_set = load_rules(rules)
    except RuleFileError as error:
        raise _fail(str(error)) from None
    if action is not None:
        rule_set = rule_set.model_copy(update={"action": action})
    source = table or rule_set.table
    if source is None:
        raise _fail(f"{rules}: no table to check; pass --table or set `table:` in the file")
    spark = get_spark()
    try:
        outcome = run_checks(
            read_location(spark, source),
            rule_set,
            table_name=source,
            valid_to=valid_to,
            quarantine_to=quarantine_to,
            metrics_to=metrics_to,
            run_id=run_id,
        )
    except QualityGateError as failure:
        console.print(run_table(failure.outcome.results))
        raise _fail(str(failure)) from None
    except RuleFileError as error:
        raise _fail(str(error)) from None
    console.print(run_table(outcome.results))
    console.print(scores_table(outcome.results))
    console.print(
        f"{outcome.rows} rows checked, {outcome.quarantined_rows} with errors; "
        f"status {outcome.status}",
        highlight=False,
    )


@app.command("profile")
def profile_command(
    table: Annotated[str, typer.Argument(help="Table or Delta folder to profile.")],
    output: Annotated[Path | None, typer.Option(help="Write the proposed rule file here.")] = None,
    sample: Annotated[
        float | None, typer.Option(min=0.0001, max=1.0, help="Profile a random fraction.")
    ] = None,
) -> None:
    """Profile a table and propose a rule file (review it before use)."""
    found = profile(read_location(get_spark(), table), table_name=table, sample_fraction=sample)
    proposal = propose_rules(found)
    text = (
        f"# Proposed by `quality profile` from {table} ({found.rows} rows).\n"
        "# It describes the data as it is today, defects included: review every rule.\n"
        + dump_rules(proposal)
    )
    if output is None:
        typer.echo(text)
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
        console.print(f"Wrote {len(proposal.rules)} proposed rules to {output}", highlight=False)


@app.command()
def report(
    metrics: Annotated[str, typer.Argument(help="Metrics table or Delta folder.")],
    table: Annotated[str | None, typer.Option(help="Only this checked table.")] = None,
    html: Annotated[Path | None, typer.Option(help="Also write a static HTML report here.")] = None,
) -> None:
    """Show the latest run per table, scores and anomalies; optionally write an HTML report."""
    history = load_history(get_spark(), metrics, table)
    anomalies = detect_anomalies(history)
    print_report(history, anomalies, console)
    if html is not None:
        html.parent.mkdir(parents=True, exist_ok=True)
        html.write_text(render_html(history, anomalies), encoding="utf-8")
        console.print(f"Wrote {html}", highlight=False)
