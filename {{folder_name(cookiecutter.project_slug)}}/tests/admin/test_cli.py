"""The ``admin`` commands end to end: real client, fake workspace, exit codes for CI."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from {{ cookiecutter.package_name }}.admin import AdminContext
from {{ cookiecutter.package_name }}.cli import app

from conftest import FIXTURES
from fake_workspace import FakeWorkspace

runner = CliRunner()


def invoke(context: AdminContext, *args: str):
    return runner.invoke(app, ["admin", *args], obj=context)


def test_users_list_json(context: AdminContext) -> None:
    result = invoke(context, "users", "list", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["name"] for r in rows][:2] == ["alice@example.com", "bob@example.com"]
    assert rows[-1]["kind"] == "service_principal"


def test_users_list_table(context: AdminContext) -> None:
    result = invoke(context, "users", "list", "--no-service-principals")
    assert result.exit_code == 0
    assert "alice@example.com" in result.stdout
    assert "etl-sp" not in result.stdout


def test_users_inactive_uses_token_activity(context: AdminContext) -> None:
    result = invoke(context, "users", "inactive", "--days", "90", "--json")
    assert result.exit_code == 0, result.output
    assert [r["identity"]["name"] for r in json.loads(result.stdout)] == [
        "dave@example.com",  # never seen: no token use and no audit data without a warehouse
        "bob@example.com",
    ]


def test_deactivate_is_a_dry_run_by_default(context: AdminContext, fake: FakeWorkspace) -> None:
    result = invoke(context, "users", "deactivate", "bob@example.com")
    assert result.exit_code == 0, result.output
    assert "Plan (dry run, nothing changed): 1 change(s)" in result.stdout
    assert "users.deactivate user bob@example.com (id 102)" in result.stdout
    assert "Re-run with --apply" in result.stdout
    assert not [r for r in fake.requests if r.mutating]
    assert not context.audit_log_path.exists()


def test_deactivate_inactive_users_with_apply(context: AdminContext, fake: FakeWorkspace) -> None:
    result = invoke(context, "users", "deactivate", "--inactive-days", "90", "--apply")
    assert result.exit_code == 0, result.output
    assert sorted(r.path for r in fake.calls("PATCH")) == [
        "/api/2.0/preview/scim/v2/Users/102",
        "/api/2.0/preview/scim/v2/Users/104",
    ]
    entries = [json.loads(line) for line in context.audit_log_path.read_text().splitlines()]
    assert [(e["who"], e["what"]) for e in entries] == [
        ("admin@example.com", "users.deactivate")
    ] * 2
    assert f"recorded in {context.audit_log_path}" in result.stdout.replace("\n", "")


def test_deactivate_needs_names(context: AdminContext) -> None:
    result = invoke(context, "users", "deactivate")
    assert result.exit_code == 2
    assert "name users to deactivate" in result.output


def test_unknown_names_exit_2(context: AdminContext) -> None:
    result = invoke(context, "users", "reactivate", "ghost@example.com")
    assert result.exit_code == 2
    assert "no user or service principal named 'ghost@example.com'" in result.stderr


def test_api_errors_exit_3(context: AdminContext, fake: FakeWorkspace) -> None:
    fake.fail("GET", "/api/2.0/preview/scim/v2/Users", 403, message="not an admin")
    result = invoke(context, "users", "list")
    assert result.exit_code == 3
    assert "PermissionDenied: not an admin" in result.stderr


def test_groups_plan_apply_and_converge(
    context: AdminContext, fake: FakeWorkspace, tmp_path: Path
) -> None:
    path = tmp_path / "groups.yml"
    path.write_text("groups:\n  analysts:\n    entitlements: [workspace-access]\n")
    plan = invoke(context, "groups", "plan", str(path), "--fail-on-changes")
    assert plan.exit_code == 1
    assert "groups.update group analysts (id 303)" in plan.stdout
    applied = invoke(context, "groups", "apply", str(path), "--apply", "--json")
    assert applied.exit_code == 0, applied.output
    assert json.loads(applied.stdout)["changes"][0]["after"]["entitlements"] == ["workspace-access"]
    again = invoke(context, "groups", "plan", str(path), "--fail-on-changes")
    assert again.exit_code == 0
    assert "No changes" in again.stdout


def test_groups_apply_reports_when_not_converged(
    context: AdminContext, fake: FakeWorkspace, tmp_path: Path
) -> None:
    path = tmp_path / "groups.yml"
    path.write_text("groups:\n  analysts:\n    entitlements: [workspace-access]\n")
    # The write is accepted but not visible yet (eventual consistency): 204 without effect.
    fake.fail("PATCH", "/api/2.0/preview/scim/v2/Groups/303", 204)
    result = invoke(context, "groups", "apply", str(path), "--apply")
    assert result.exit_code == 1
    assert "Not converged yet" in result.stdout


def test_bad_yaml_exits_2(context: AdminContext, tmp_path: Path) -> None:
    path = tmp_path / "groups.yml"
    path.write_text("groups:\n  g:\n    entitlements: [root]\n")
    result = invoke(context, "groups", "plan", str(path))
    assert result.exit_code == 2
    assert "unknown entitlement(s) root" in result.stderr


def test_clusters_commands(context: AdminContext) -> None:
    listed = invoke(context, "clusters", "list", "--json")
    assert len(json.loads(listed.stdout)) == 8
    long_running = invoke(context, "clusters", "long-running", "--hours", "24", "--json")
    assert [r["cluster"]["cluster_id"] for r in json.loads(long_running.stdout)] == ["0601-abc"]
    table = invoke(context, "clusters", "long-running", "--hours", "24")
    assert "analytics" in table.stdout
    compliance = invoke(context, "clusters", "compliance", "--fail-on-violations", "--json")
    assert compliance.exit_code == 1
    assert json.loads(compliance.stdout)[0]["violations"] == {"policy_id": "cluster has no policy"}
    assert invoke(context, "clusters", "compliance").exit_code == 0


def test_idle_clusters_need_system_tables(context: AdminContext) -> None:
    result = invoke(context, "clusters", "idle")
    assert result.exit_code == 2
    assert "pass --warehouse-id" in result.stderr


def test_security_audit_outputs(context: AdminContext, tmp_path: Path) -> None:
    sarif = tmp_path / "audit.sarif"
    result = invoke(context, "security", "audit", "--json", "--sarif", str(sarif))
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["score"] == 5.1
    assert json.loads(sarif.read_text())["runs"][0]["results"][0]["ruleId"] == "DP-01"


def test_security_audit_fails_ci_at_the_threshold(context: AdminContext) -> None:
    assert invoke(context, "security", "audit", "--fail-on", "high").exit_code == 1
    assert invoke(context, "security", "audit", "--fail-on", "critical").exit_code == 0
    bad = invoke(context, "security", "audit", "--fail-on", "urgent")
    assert bad.exit_code == 2
    assert "unknown severity 'urgent'" in bad.output


def test_security_audit_table_lists_skipped_checks(
    context: AdminContext, fake: FakeWorkspace
) -> None:
    fake.fail("GET", "/api/2.0/token-management/tokens", 403, message="nope")
    result = invoke(context, "security", "audit")
    assert result.exit_code == 0
    assert "Security findings (score" in result.stdout
    assert "not evaluated IA-02: tokens: PermissionDenied: nope" in result.stdout


def test_security_audit_of_a_saved_snapshot_is_offline(
    context: AdminContext, fake: FakeWorkspace, tmp_path: Path
) -> None:
    saved = tmp_path / "snapshot"
    invoke(context, "security", "audit", "--save-snapshot", str(saved))
    requests = len(fake.requests)
    offline = invoke(context, "security", "audit", "--snapshot-dir", str(FIXTURES), "--json")
    assert offline.exit_code == 0
    assert len(fake.requests) == requests
    assert (saved / "clusters_list.json").exists()
    relaxed = invoke(
        context,
        "security",
        "audit",
        "--snapshot-dir",
        str(saved),
        "--json",
        "--max-admins",
        "10",
    )
    assert "IA-01" not in {f["check_id"] for f in json.loads(relaxed.stdout)["findings"]}


def test_security_checks_list(context: AdminContext) -> None:
    result = invoke(context, "security", "checks", "--json")
    assert [c["id"] for c in json.loads(result.stdout)][:2] == ["DP-01", "DP-02"]


def test_workspace_commands(context: AdminContext) -> None:
    inventory = invoke(context, "workspace", "inventory", "--json")
    assert len(json.loads(inventory.stdout)) == 18
    orphaned = invoke(context, "workspace", "orphaned", "--permissions", "--fail-on-found")
    assert orphaned.exit_code == 1
    assert "carol@example.com" in orphaned.stdout
    as_json = invoke(context, "workspace", "orphaned", "--json")
    assert [o["id"] for o in json.loads(as_json.stdout)] == ["12", "105", "0603-legacy", "wh-2"]


def test_grants_commands(context: AdminContext, fake: FakeWorkspace, tmp_path: Path) -> None:
    path = tmp_path / "grants.yml"
    path.write_text(
        "securables:\n  - type: catalog\n    name: main\n    grants:\n      interns: [BROWSE]\n"
    )
    audit = invoke(context, "grants", "audit", str(path))
    assert audit.exit_code == 1
    assert "interns" in audit.stdout
    plan = invoke(context, "grants", "plan", str(path), "--json")
    assert json.loads(plan.stdout)["changes"][0]["target"] == "catalog main"
    applied = invoke(context, "grants", "apply", str(path), "--apply")
    assert applied.exit_code == 0, applied.output
    assert fake.calls("PATCH")[0].path == "/api/2.1/unity-catalog/permissions/catalog/main"
    clean = invoke(context, "grants", "audit", str(path), "--json")
    assert clean.exit_code == 0
    assert json.loads(clean.stdout) == []


def test_options_override_the_given_context(context: AdminContext, tmp_path: Path) -> None:
    log = tmp_path / "other.jsonl"
    result = runner.invoke(
        app,
        ["admin", "--audit-log", str(log), "users", "reactivate", "carol@example.com", "--apply"],
        obj=context,
    )
    assert result.exit_code == 0, result.output
    assert log.exists()
