"""``monitor`` commands: cost, job health and performance from system tables."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

import typer

from ..admin.context import AdminContext, context_with_options
from ..admin.output import ExitCode, cli_errors, print_json, print_records
from . import cost, health, perf
from .records import TimeWindow
from .sinks import append_records

app = typer.Typer(
    help="Monitor cost, job health and query performance from system tables.",
    no_args_is_help=True,
)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]
OutputSchema = Annotated[
    str | None,
    typer.Option(help="Also append each report to <schema>.monitoring_<report> (Delta)."),
]
FailOnFound = Annotated[
    bool, typer.Option("--fail-on-found", help="Exit 1 when the report lists anything.")
]


class CostDimension(StrEnum):
    job = "job"
    tag = "tag"
    sku = "sku"
    cluster = "cluster"


@app.callback()
def monitor_root(
    ctx: typer.Context,
    profile: Annotated[
        str | None,
        typer.Option(help="~/.databrickscfg profile.", envvar="DATABRICKS_CONFIG_PROFILE"),
    ] = None,
    warehouse_id: Annotated[
        str | None,
        typer.Option(help="SQL warehouse that runs the queries.", envvar="DATABRICKS_WAREHOUSE_ID"),
    ] = None,
) -> None:
    """Reports over system tables, on a SQL warehouse or (on Databricks) the cluster's Spark."""
    ctx.obj = context_with_options(ctx.obj, profile=profile, warehouse_id=warehouse_id)


def _report(
    context: AdminContext,
    name: str,
    records: list[Any],
    record_type: type,
    columns: list[str],
    as_json: bool,
    output_schema: str | None,
) -> dict[str, list[Any]]:
    if output_schema:
        table = f"{output_schema}.monitoring_{name}"
        append_records(context.spark, table, record_type, records, context.now())
    if not as_json:
        print_records(name.replace("_", " ").capitalize(), records, columns, as_json=False)
    return {name: records}


def _finish(reports: dict[str, list[Any]], as_json: bool, failing: bool) -> None:
    if as_json:
        print_json(reports)
    if failing:
        raise typer.Exit(ExitCode.FOUND)


@app.command("cost")
@cli_errors
def monitor_cost(
    ctx: typer.Context,
    by: Annotated[CostDimension, typer.Option(help="Group cost by this.")] = CostDimension.job,
    days: Annotated[int, typer.Option(min=1, help="Window in days, ending now.")] = 30,
    tag_key: Annotated[str, typer.Option(help="Custom tag to group by (--by tag).")] = "team",
    currency: Annotated[str, typer.Option(help="List-price currency.")] = "USD",
    as_json: JsonOption = False,
    output_schema: OutputSchema = None,
) -> None:
    """List-price cost by job, tag, SKU or cluster (all billing record types summed)."""
    context: AdminContext = ctx.obj
    window = TimeWindow.last(context.now(), days=days)
    runner = context.sql
    if by is CostDimension.job:
        records: list[Any] = cost.cost_by_job(runner, window, currency)
        record_type, columns = cost.JobCost, ["job_id", "job_name", "usage_quantity", "list_cost"]
    elif by is CostDimension.tag:
        records = cost.cost_by_tag(runner, window, tag_key, currency)
        record_type, columns = cost.TagCost, ["tag_value", "usage_quantity", "list_cost"]
    elif by is CostDimension.sku:
        records = cost.cost_by_sku(runner, window, currency)
        record_type = cost.SkuCost
        columns = ["sku_name", "billing_origin_product", "usage_quantity", "list_cost"]
    else:
        records = cost.cost_by_cluster(runner, window, currency)
        record_type, columns = cost.ClusterCost, ["cluster_id", "usage_quantity", "list_cost"]
    name = f"cost_by_{by.value}"
    reports = _report(context, name, records, record_type, columns, as_json, output_schema)
    _finish(reports, as_json, failing=False)


@app.command("health")
@cli_errors
def monitor_health(
    ctx: typer.Context,
    hours: Annotated[float, typer.Option(min=1, help="Window in hours, ending now.")] = 24,
    slow_factor: Annotated[float, typer.Option(min=1.01, help="Slow = this x median.")] = 2.0,
    min_duration: Annotated[int, typer.Option(min=0, help="Ignore runs shorter (seconds).")] = 300,
    as_json: JsonOption = False,
    output_schema: OutputSchema = None,
    fail_on_found: FailOnFound = False,
) -> None:
    """Failed job runs and runs much slower than their job's median."""
    context: AdminContext = ctx.obj
    window = TimeWindow.last(context.now(), hours=hours)
    failed = health.failed_runs(context.sql, window)
    slow = health.slow_runs(context.sql, window, slow_factor, min_duration)
    reports = _report(
        context,
        "failed_job_runs",
        failed,
        health.FailedRun,
        ["job_id", "job_name", "run_id", "result_state", "termination_code", "ended_at"],
        as_json,
        output_schema,
    )
    reports |= _report(
        context,
        "slow_job_runs",
        slow,
        health.SlowRun,
        ["job_id", "job_name", "run_id", "result_state", "duration_seconds", "median_seconds"],
        as_json,
        output_schema,
    )
    _finish(reports, as_json, failing=fail_on_found and any(reports.values()))


@app.command("perf")
@cli_errors
def monitor_perf(
    ctx: typer.Context,
    hours: Annotated[float, typer.Option(min=1, help="Window in hours, ending now.")] = 24,
    min_duration_ms: Annotated[int, typer.Option(min=0, help="Long = over this.")] = 600_000,
    min_spill_bytes: Annotated[int, typer.Option(min=0, help="Spill = over this.")] = 1 << 30,
    as_json: JsonOption = False,
    output_schema: OutputSchema = None,
    fail_on_found: FailOnFound = False,
) -> None:
    """Long-running and spilling SQL statements, and CPU/memory use per cluster."""
    context: AdminContext = ctx.obj
    window = TimeWindow.last(context.now(), hours=hours)
    query_columns = ["statement_id", "executed_by", "warehouse_id", "total_duration_ms"]
    reports = _report(
        context,
        "long_running_queries",
        perf.long_running_queries(context.sql, window, min_duration_ms),
        perf.QueryStat,
        [*query_columns, "queued_ms"],
        as_json,
        output_schema,
    )
    reports |= _report(
        context,
        "spilling_queries",
        perf.spilling_queries(context.sql, window, min_spill_bytes),
        perf.QueryStat,
        [*query_columns, "spilled_local_bytes"],
        as_json,
        output_schema,
    )
    failing = fail_on_found and any(reports.values())
    # Utilisation is context, not a finding: it never fails the command.
    reports |= _report(
        context,
        "cluster_utilisation",
        perf.cluster_utilisation(context.sql, window),
        perf.ClusterUtilisation,
        ["cluster_id", "cluster_name", "node_minutes", "avg_cpu_percent", "max_cpu_percent"],
        as_json,
        output_schema,
    )
    _finish(reports, as_json, failing)
