"""``admin`` commands: users, groups, clusters, security, workspace and grants.

Every command that changes the workspace prints its plan and changes nothing unless given
``--apply``; applied changes are appended to the audit log (``--audit-log``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from ..monitoring.cost import cost_by_cluster
from ..monitoring.perf import cluster_utilisation
from ..monitoring.queries import QUERIES
from ..monitoring.records import TimeWindow
from ..monitoring.sinks import append_records
from .changes import apply_plan
from .clusters import estimate_costs, find_idle, find_long_running
from .context import AdminContext, context_with_options
from .grants import load_desired_grants
from .groups import load_desired_groups
from .output import (
    ExitCode,
    cli_errors,
    console,
    listed,
    print_json,
    print_records,
    print_table,
    show_applied,
    show_plan,
)
from .security import REGISTRY, AuditConfig, Severity, collect_snapshot, load_snapshot, run_checks
from .security import save_snapshot as save_snapshot_files
from .security.registry import Finding
from .security.report import to_json, to_sarif
from .users import find_inactive, merge_activity
from .workspace import owned_by_inactive

app = typer.Typer(help="Administer the workspace: identities, clusters, security, privileges.")
users_app = typer.Typer(help="Users and service principals.", no_args_is_help=True)
groups_app = typer.Typer(help="Groups and entitlements as code (YAML).", no_args_is_help=True)
clusters_app = typer.Typer(help="Cluster inventory, hygiene and cost.", no_args_is_help=True)
security_app = typer.Typer(help="Security audit of the workspace.", no_args_is_help=True)
workspace_app = typer.Typer(help="Workspace object inventory and owners.", no_args_is_help=True)
grants_app = typer.Typer(help="Unity Catalog privileges as code (YAML).", no_args_is_help=True)
for sub_app, name in (
    (users_app, "users"),
    (groups_app, "groups"),
    (clusters_app, "clusters"),
    (security_app, "security"),
    (workspace_app, "workspace"),
    (grants_app, "grants"),
):
    app.add_typer(sub_app, name=name)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
ApplyOption = Annotated[
    bool, typer.Option("--apply", help="Make the changes (default: dry run, print the plan).")
]
FailOnChanges = Annotated[
    bool, typer.Option("--fail-on-changes", help="Exit 1 when changes are pending (for CI).")
]


@app.callback(no_args_is_help=True)
def admin_root(
    ctx: typer.Context,
    profile: Annotated[
        str | None,
        typer.Option(help="~/.databrickscfg profile.", envvar="DATABRICKS_CONFIG_PROFILE"),
    ] = None,
    warehouse_id: Annotated[
        str | None,
        typer.Option(help="SQL warehouse for system tables.", envvar="DATABRICKS_WAREHOUSE_ID"),
    ] = None,
    audit_log: Annotated[
        Path | None,
        typer.Option(help="JSON-lines log of applied changes.", envvar="ADMIN_AUDIT_LOG"),
    ] = None,
) -> None:
    """Workspace administration on databricks-sdk."""
    ctx.obj = context_with_options(
        ctx.obj, profile=profile, warehouse_id=warehouse_id, audit_log_path=audit_log
    )


def _apply(context: AdminContext, plan: list, apply: bool, as_json: bool) -> None:
    show_plan(plan, apply, as_json)
    if apply and plan:
        show_applied(apply_plan(plan, context.audit_log), context.audit_log.path, as_json)


# users ---------------------------------------------------------------------------------


@users_app.command("list")
@cli_errors
def users_list(
    ctx: typer.Context,
    service_principals: Annotated[bool, typer.Option(help="Include service principals.")] = True,
    as_json: JsonOption = False,
) -> None:
    """Inventory of users (and service principals)."""
    context: AdminContext = ctx.obj
    identities = list(listed(context.users.users(), "Listing users", as_json))
    if service_principals:
        identities += context.users.service_principals()
    print_records(
        "Identities",
        identities,
        ["kind", "name", "display_name", "active", "entitlements"],
        as_json,
    )


def _inactive(context: AdminContext, days: int):
    identities = context.users.users()
    sources = [context.users.token_activity()]
    if context.has_sql:
        window = TimeWindow.last(context.now(), days=days)
        rows = context.sql.run(QUERIES["user_last_activity"], window.values())
        sources.append({row["user_name"]: row["last_event_time"] for row in rows})
    return find_inactive(identities, merge_activity(*sources), context.now(), days)


@users_app.command("inactive")
@cli_errors
def users_inactive(
    ctx: typer.Context,
    days: Annotated[int, typer.Option(min=1, help="No activity for this many days.")] = 90,
    as_json: JsonOption = False,
) -> None:
    """Active users without activity (audit log when a warehouse is set, token use) for DAYS."""
    inactive = _inactive(ctx.obj, days)
    print_records(
        f"Users inactive for {days}+ days",
        inactive,
        ["name", "display_name", "last_active", "days_inactive"],
        as_json,
        cell=lambda r, c: getattr(r, c) if hasattr(r, c) else getattr(r.identity, c),
    )


@users_app.command("deactivate")
@cli_errors
def users_deactivate(
    ctx: typer.Context,
    names: Annotated[list[str] | None, typer.Argument(help="userName or applicationId.")] = None,
    inactive_days: Annotated[
        int | None, typer.Option(min=1, help="Also every user inactive for this many days.")
    ] = None,
    apply: ApplyOption = False,
    as_json: JsonOption = False,
) -> None:
    """Deactivate users or service principals (SCIM PATCH active=false)."""
    context: AdminContext = ctx.obj
    targets = list(names or [])
    if inactive_days:
        targets += [item.identity.name for item in _inactive(context, inactive_days)]
    if not targets:
        raise typer.BadParameter("name users to deactivate, or pass --inactive-days")
    _apply(context, context.users.plan_set_active(targets, active=False), apply, as_json)


@users_app.command("reactivate")
@cli_errors
def users_reactivate(
    ctx: typer.Context,
    names: Annotated[list[str], typer.Argument(help="userName or applicationId.")],
    apply: ApplyOption = False,
    as_json: JsonOption = False,
) -> None:
    """Reactivate users or service principals (SCIM PATCH active=true)."""
    context: AdminContext = ctx.obj
    _apply(context, context.users.plan_set_active(names, active=True), apply, as_json)


# groups --------------------------------------------------------------------------------

GroupsFile = Annotated[Path, typer.Argument(help="YAML file with the desired groups.")]


@groups_app.command("plan")
@cli_errors
def groups_plan(
    ctx: typer.Context, file: GroupsFile, as_json: JsonOption = False, fail: FailOnChanges = False
) -> None:
    """Show the changes that would make the workspace's groups match FILE."""
    context: AdminContext = ctx.obj
    plan = context.groups.plan(load_desired_groups(file))
    show_plan(plan, False, as_json)
    if fail and plan:
        raise typer.Exit(ExitCode.FOUND)


@groups_app.command("apply")
@cli_errors
def groups_apply(
    ctx: typer.Context, file: GroupsFile, apply: ApplyOption = False, as_json: JsonOption = False
) -> None:
    """Make the groups match FILE with SCIM PATCH; then read them back to verify."""
    context: AdminContext = ctx.obj
    desired = load_desired_groups(file)
    _apply(context, context.groups.plan(desired), apply, as_json)
    if apply:
        remaining = context.groups.plan(desired)
        if remaining:
            show_plan(remaining, False, as_json)
            console.print("Not converged yet (SCIM is eventually consistent); re-run to finish.")
            raise typer.Exit(ExitCode.FOUND)


# clusters ------------------------------------------------------------------------------


@clusters_app.command("list")
@cli_errors
def clusters_list(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Inventory of pinned, active and recently terminated clusters."""
    context: AdminContext = ctx.obj
    records = list(listed(context.clusters.inventory(), "Listing clusters", as_json))
    print_records(
        "Clusters",
        records,
        ["cluster_id", "name", "state", "source", "creator", "data_security_mode", "workers"],
        as_json,
    )


@clusters_app.command("long-running")
@cli_errors
def clusters_long_running(
    ctx: typer.Context,
    hours: Annotated[float, typer.Option(min=0, help="Up for longer than this.")] = 24,
    as_json: JsonOption = False,
) -> None:
    """Interactive clusters running for more than HOURS since their last (re)start."""
    context: AdminContext = ctx.obj
    found = find_long_running(context.clusters.inventory(), context.now(), hours)
    print_records(
        f"Clusters up for more than {hours} hours",
        found,
        ["cluster_id", "name", "creator", "hours_running"],
        as_json,
        cell=lambda r, c: r.hours_running if c == "hours_running" else getattr(r.cluster, c),
    )


def _idle(context: AdminContext, minutes: int, max_cpu: float):
    window = TimeWindow.last(context.now(), hours=minutes / 60)
    usage = {u.cluster_id: u for u in cluster_utilisation(context.sql, window)}
    return find_idle(context.clusters.inventory(), usage, max_cpu)


IdleMinutes = Annotated[int, typer.Option(min=5, help="Look at the last N minutes of metrics.")]
MaxCpu = Annotated[float, typer.Option(min=0, max=100, help="Idle below this CPU percent.")]


@clusters_app.command("idle")
@cli_errors
def clusters_idle(
    ctx: typer.Context,
    minutes: IdleMinutes = 60,
    max_cpu: MaxCpu = 5.0,
    as_json: JsonOption = False,
) -> None:
    """Running interactive clusters whose CPU stayed below MAX_CPU (system.compute metrics)."""
    idle = _idle(ctx.obj, minutes, max_cpu)
    print_records(
        f"Idle clusters (CPU <= {max_cpu}% over {minutes} min)",
        idle,
        ["cluster_id", "name", "creator", "max_cpu_percent", "node_minutes"],
        as_json,
        cell=lambda r, c: getattr(r, c) if hasattr(r, c) else getattr(r.cluster, c),
    )


@clusters_app.command("terminate-idle")
@cli_errors
def clusters_terminate_idle(
    ctx: typer.Context,
    minutes: IdleMinutes = 60,
    max_cpu: MaxCpu = 5.0,
    apply: ApplyOption = False,
    as_json: JsonOption = False,
) -> None:
    """Terminate idle interactive clusters (their configuration is kept)."""
    context: AdminContext = ctx.obj
    plan = context.clusters.plan_terminate(_idle(context, minutes, max_cpu))
    _apply(context, plan, apply, as_json)


@clusters_app.command("compliance")
@cli_errors
def clusters_compliance(
    ctx: typer.Context,
    as_json: JsonOption = False,
    fail_on_violations: Annotated[
        bool, typer.Option(help="Exit 1 when a cluster is not compliant.")
    ] = False,
) -> None:
    """Policy compliance of interactive clusters (clusters without a policy count as violations)."""
    context: AdminContext = ctx.obj
    records = context.clusters.compliance(context.clusters.inventory())
    print_records(
        "Cluster policy compliance",
        records,
        ["cluster_id", "name", "policy_id", "compliant", "violations"],
        as_json,
    )
    if fail_on_violations and any(not r.compliant for r in records):
        raise typer.Exit(ExitCode.FOUND)


@clusters_app.command("cost")
@cli_errors
def clusters_cost(
    ctx: typer.Context,
    days: Annotated[int, typer.Option(min=1, help="Billing window in days.")] = 30,
    currency: Annotated[str, typer.Option(help="List-price currency.")] = "USD",
    as_json: JsonOption = False,
) -> None:
    """List-price cost per cluster over DAYS, with a 30-day projection (system.billing)."""
    context: AdminContext = ctx.obj
    window = TimeWindow.last(context.now(), days=days)
    costs = {c.cluster_id: c for c in cost_by_cluster(context.sql, window, currency)}
    estimates = estimate_costs(context.clusters.inventory(), costs, days)
    print_records(
        f"Cluster cost ({currency}, last {days} days)",
        estimates,
        ["cluster_id", "name", "state", "list_cost", "monthly_estimate"],
        as_json,
    )


# security ------------------------------------------------------------------------------


@security_app.command("checks")
def security_checks(as_json: JsonOption = False) -> None:
    """The registered checks."""
    rows = [
        {
            "id": c.id,
            "severity": c.severity.name.lower(),
            "category": c.category,
            "title": c.title,
            "needs": list(c.needs),
            "remediation": c.remediation,
        }
        for c in sorted(REGISTRY.values(), key=lambda c: c.id)
    ]
    print_records(
        "Security checks",
        rows,
        ["id", "severity", "category", "title"],
        as_json,
        cell=lambda row, column: row[column],
    )


def _severity(value: str) -> Severity:
    try:
        return Severity.parse(value)
    except ValueError as error:
        raise typer.BadParameter(str(error)) from error


@security_app.command("audit")
@cli_errors
def security_audit(
    ctx: typer.Context,
    as_json: JsonOption = False,
    sarif: Annotated[Path | None, typer.Option(help="Also write a SARIF log here.")] = None,
    fail_on: Annotated[
        str | None, typer.Option(help="Exit 1 on findings of this severity or worse (e.g. high).")
    ] = None,
    snapshot_dir: Annotated[
        Path | None, typer.Option(help="Audit a saved snapshot instead of the live workspace.")
    ] = None,
    save_snapshot: Annotated[
        Path | None, typer.Option(help="Save the collected snapshot (API payloads) here.")
    ] = None,
    output_table: Annotated[
        str | None, typer.Option(help="Append findings to this Delta table (catalog.schema.t).")
    ] = None,
    max_admins: Annotated[int, typer.Option(min=1)] = AuditConfig.max_admins,
    token_unused_days: Annotated[int, typer.Option(min=1)] = AuditConfig.token_unused_days,
    max_token_lifetime_days: Annotated[
        int, typer.Option(min=1)
    ] = AuditConfig.max_token_lifetime_days,
) -> None:
    """Run every security check; print findings and the severity-weighted score (0-100)."""
    context: AdminContext = ctx.obj
    threshold = _severity(fail_on) if fail_on else None
    now = context.now()
    if snapshot_dir:
        snapshot = load_snapshot(snapshot_dir, now)
    else:
        snapshot = collect_snapshot(context.workspace_client, now)
    if save_snapshot:
        save_snapshot_files(snapshot, save_snapshot)
    config = AuditConfig(max_admins, token_unused_days, max_token_lifetime_days)
    report = run_checks(snapshot, config, REGISTRY.values())
    if sarif:
        document = to_sarif(report, REGISTRY.values(), "databricks-admin-audit")
        sarif.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    if output_table:
        append_records(context.spark, output_table, Finding, report.findings, now)
    if as_json:
        print_json(to_json(report, now))
    else:
        print_table(
            f"Security findings (score {report.score}/100)",
            ["severity", "check", "resource", "message"],
            ([f.severity.name, f.check_id, f.resource, f.message] for f in report.findings),
        )
        for check_id, reason in sorted(report.skipped.items()):
            console.print(f"[dim]not evaluated {check_id}: {reason}[/dim]", highlight=False)
    if threshold is not None and report.at_or_above(threshold):
        raise typer.Exit(ExitCode.FOUND)


# workspace -----------------------------------------------------------------------------

RootOption = Annotated[str, typer.Option(help="Workspace folder to list notebooks under.")]
PermissionsOption = Annotated[
    bool, typer.Option("--permissions", help="Read each object's ACL (one request per object).")
]


def _objects(context: AdminContext, root: str, permissions: bool, quiet: bool) -> list:
    objects = list(listed(context.workspace.inventory(root), "Listing objects", quiet))
    if permissions:
        objects = [context.workspace.with_permissions(o) for o in objects]
    return objects


@workspace_app.command("inventory")
@cli_errors
def workspace_inventory(
    ctx: typer.Context,
    root: RootOption = "/",
    permissions: PermissionsOption = False,
    as_json: JsonOption = False,
) -> None:
    """Notebooks, jobs, clusters and warehouses with their owners (and ACLs)."""
    objects = _objects(ctx.obj, root, permissions, as_json)
    print_records(
        "Workspace objects", objects, ["kind", "id", "name", "owner", "permissions"], as_json
    )


@workspace_app.command("orphaned")
@cli_errors
def workspace_orphaned(
    ctx: typer.Context,
    root: RootOption = "/",
    permissions: PermissionsOption = False,
    as_json: JsonOption = False,
    fail_on_found: Annotated[bool, typer.Option(help="Exit 1 when any are found.")] = False,
) -> None:
    """Objects owned by deactivated users or service principals."""
    context: AdminContext = ctx.obj
    identities = context.users.all_identities()
    found = owned_by_inactive(_objects(context, root, permissions, as_json), identities)
    print_records(
        "Objects owned by deactivated identities", found, ["kind", "id", "name", "owner"], as_json
    )
    if fail_on_found and found:
        raise typer.Exit(ExitCode.FOUND)


# grants --------------------------------------------------------------------------------

GrantsFile = Annotated[Path, typer.Argument(help="YAML file with the desired grants.")]


@grants_app.command("plan")
@cli_errors
def grants_plan(
    ctx: typer.Context, file: GrantsFile, as_json: JsonOption = False, fail: FailOnChanges = False
) -> None:
    """Show the grant changes that would make Unity Catalog match FILE."""
    context: AdminContext = ctx.obj
    plan = context.grants.plan(load_desired_grants(file))
    show_plan(plan, False, as_json)
    if fail and plan:
        raise typer.Exit(ExitCode.FOUND)


@grants_app.command("apply")
@cli_errors
def grants_apply(
    ctx: typer.Context, file: GrantsFile, apply: ApplyOption = False, as_json: JsonOption = False
) -> None:
    """Make Unity Catalog grants match FILE (one PATCH per securable)."""
    context: AdminContext = ctx.obj
    _apply(context, context.grants.plan(load_desired_grants(file)), apply, as_json)


@grants_app.command("audit")
@cli_errors
def grants_audit(ctx: typer.Context, file: GrantsFile, as_json: JsonOption = False) -> None:
    """Report drift between FILE and Unity Catalog; exit 1 when there is any."""
    context: AdminContext = ctx.obj
    drift = context.grants.audit(load_desired_grants(file))
    rows = [
        {"securable": label, "principal": d.principal, "missing": d.add, "extra": d.remove}
        for label, d in drift
    ]
    if as_json:
        print_json(rows)
    else:
        print_table(
            "Grant drift",
            ["securable", "principal", "missing", "extra"],
            (
                [r["securable"], r["principal"], ", ".join(r["missing"]), ", ".join(r["extra"])]
                for r in rows
            ),
        )
    if drift:
        raise typer.Exit(ExitCode.FOUND)
