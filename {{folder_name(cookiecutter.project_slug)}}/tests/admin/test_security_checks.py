"""Pure checks over snapshots built from the recorded payloads (no HTTP, no mocks)."""

from __future__ import annotations

import dataclasses
from collections import defaultdict

import pytest
from databricks.sdk.service import compute, iam, settings, workspace

from {{ cookiecutter.package_name }}.admin.security import (
    REGISTRY,
    AuditConfig,
    Severity,
    WorkspaceSnapshot,
    load_snapshot,
    run_checks,
    to_json,
    to_sarif,
)
from {{ cookiecutter.package_name }}.admin.security.registry import (
    check,
)
from {{ cookiecutter.package_name }}.admin.security.snapshot import (
    WorkspaceSettings,
)

from conftest import FIXTURES, NOW


@pytest.fixture(scope="module")
def snapshot() -> WorkspaceSnapshot:
    return load_snapshot(FIXTURES, NOW)


def findings_by_check(snapshot: WorkspaceSnapshot, config: AuditConfig | None = None):
    report = run_checks(snapshot, config or AuditConfig(), REGISTRY.values())
    grouped: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for finding in report.findings:
        grouped[finding.check_id].append((finding.resource, finding.message))
    return report, dict(grouped)


def test_every_recorded_problem_is_found_once(snapshot: WorkspaceSnapshot) -> None:
    _, found = findings_by_check(snapshot)
    assert found == {
        "IA-01": [
            (
                "group admins",
                "6 admins (at most 5 expected): Alice Admin, Bob Builder, Carol Gone, "
                "Dave Dormant, Erin Engineer, etl-sp",
            )
        ],
        "IA-02": [("token t-never", "owned by alice@example.com, never expires")],
        "IA-03": [
            (
                "token t-never-used",
                "owned by 6f1c2d3e-0000-4000-8000-000000000001, created 2025-01-01, never used",
            ),
            ("token t-unused", "owned by bob@example.com, last used 2025-01-15"),
        ],
        "IA-04": [("workspace-conf maxTokenLifetimeDays", "not set: tokens may live forever")],
        "IA-05": [
            (
                "token t-never-used",
                "owned by 6f1c2d3e-0000-4000-8000-000000000001, lifetime 243 days",
            ),
            ("token t-unused", "owned by bob@example.com, lifetime 548 days"),
        ],
        "NS-01": [
            ("ip-access-lists", "enabled, but no enabled ALLOW list: every address may connect")
        ],
        "GOV-01": [
            ("cluster 0603-legacy", "'legacy' uses access mode NONE"),
            ("cluster 0604-tacl", "'table-acl' uses access mode LEGACY_TABLE_ACL"),
            ("cluster 0608-nomode", "'job-old' uses access mode unset (no isolation)"),
        ],
        "DP-01": [("secret scope shared", "group 'users' (everyone) has READ")],
        "GOV-02": [
            ("job 101", "'daily_sales' runs as user alice@example.com"),
            ("job 105", "'carols_report' runs as user carol@example.com"),
        ],
        "GOV-03": [("job 104", "'orphan' has no creator and no run_as")],
        "GOV-04": [("setting restrict_workspace_admins", "status is ALLOW_ALL")],
        "GOV-06": [("setting disable_legacy_dbfs", "legacy DBFS root and mounts are usable")],
        "LOG-01": [("workspace-conf enableVerboseAuditLogs", "verbose audit logging is disabled")],
        "DP-03": [("workspace-conf enableResultsDownloading", "results downloading is enabled")],
    }


def test_newer_access_mode_names_count_as_unity_catalog(snapshot: WorkspaceSnapshot) -> None:
    _, found = findings_by_check(snapshot)
    flagged = {resource for resource, _ in found["GOV-01"]}
    assert not flagged & {"cluster 0602-busy", "cluster 0605-std", "cluster 0606-auto"}


def test_score_weights_failed_checks_by_severity(snapshot: WorkspaceSnapshot) -> None:
    report, _ = findings_by_check(snapshot)
    # Evaluated weight: 3 high x 5 + 6 medium x 3 + 6 low x 1 = 39 (info weighs 0);
    # only GOV-05 and DP-02 (low, 1 each) pass.
    assert report.score == round(100 * 2 / 39, 1) == 5.1
    assert report.skipped == {}
    assert len(report.evaluated) == len(REGISTRY)


def test_findings_are_ordered_worst_first(snapshot: WorkspaceSnapshot) -> None:
    report, _ = findings_by_check(snapshot)
    severities = [f.severity for f in report.findings]
    assert severities == sorted(severities, reverse=True)
    assert [f.check_id for f in report.at_or_above(Severity.HIGH)] == [
        "DP-01",
        "GOV-01",
        "GOV-01",
        "GOV-01",
        "IA-02",
    ]


def test_thresholds_come_from_the_config(snapshot: WorkspaceSnapshot) -> None:
    config = AuditConfig(max_admins=6, token_unused_days=150, max_token_lifetime_days=600)
    _, found = findings_by_check(snapshot, config)
    assert "IA-01" not in found
    assert "IA-05" not in found
    assert [resource for resource, _ in found["IA-03"]] == ["token t-never-used"]


def test_a_single_non_expiring_token_is_a_finding() -> None:
    token = settings.TokenInfo(token_id="only", created_by_username="x", expiry_time=-1)  # noqa: S106
    snapshot = WorkspaceSnapshot(taken_at=NOW, tokens=(token,))
    report = run_checks(snapshot, AuditConfig(), [REGISTRY["IA-02"]])
    assert [f.resource for f in report.findings] == ["token only"]


def test_lifetime_limits_above_the_recommendation_are_flagged() -> None:
    snapshot = WorkspaceSnapshot(taken_at=NOW, workspace_conf={"maxTokenLifetimeDays": "365"})
    report = run_checks(snapshot, AuditConfig(), [REGISTRY["IA-04"]])
    assert [f.message for f in report.findings] == ["365 days, above the recommended 90"]


def test_ip_access_lists_disabled() -> None:
    snapshot = WorkspaceSnapshot(
        taken_at=NOW, workspace_conf={"enableIpAccessLists": "false"}, ip_access_lists=()
    )
    report = run_checks(snapshot, AuditConfig(), [REGISTRY["NS-01"]])
    assert [f.message for f in report.findings] == ["IP access lists are disabled"]


def clean_snapshot() -> WorkspaceSnapshot:
    """A workspace that passes every check."""
    allow = settings.IpAccessListInfo(
        list_id="a", list_type=settings.ListType.ALLOW, enabled=True, ip_addresses=["10.0.0.0/8"]
    )
    return WorkspaceSnapshot(
        taken_at=NOW,
        admins=iam.Group(display_name="admins", members=[iam.ComplexValue(value="1")]),
        tokens=(
            settings.TokenInfo(
                token_id="t",  # noqa: S106
                created_by_username="a",
                creation_time=1_749_000_000_000,
                expiry_time=1_751_000_000_000,
                last_used_day=1_749_300_000_000,
            ),
        ),
        workspace_conf={
            "maxTokenLifetimeDays": "30",
            "enableIpAccessLists": "true",
            "enableVerboseAuditLogs": "true",
            "enableDbfsFileBrowser": "false",
            "enableResultsDownloading": "false",
        },
        ip_access_lists=(allow,),
        clusters=(
            compute.ClusterDetails(
                cluster_id="c",
                data_security_mode=compute.DataSecurityMode.DATA_SECURITY_MODE_STANDARD,
            ),
        ),
        secret_scopes={"s": (workspace.AclItem("admins", workspace.AclPermission.MANAGE),)},
        jobs=(),
        service_principals=(),
        settings=WorkspaceSettings(
            settings.RestrictWorkspaceAdminsSetting(
                settings.RestrictWorkspaceAdminsMessage(
                    settings.RestrictWorkspaceAdminsMessageStatus.RESTRICT_TOKENS_AND_JOB_RUN_AS
                )
            ),
            settings.AutomaticClusterUpdateSetting(
                settings.ClusterAutoRestartMessage(enabled=True)
            ),
            settings.DisableLegacyDbfs(settings.BooleanMessage(value=True)),
        ),
    )


def test_a_clean_workspace_scores_100() -> None:
    report = run_checks(clean_snapshot(), AuditConfig(), REGISTRY.values())
    assert report.findings == []
    assert report.score == 100.0


def test_checks_whose_sections_are_missing_are_skipped_with_the_reason() -> None:
    snapshot = dataclasses.replace(
        clean_snapshot(), tokens=None, unavailable={"tokens": "PermissionDenied: no"}
    )
    report = run_checks(snapshot, AuditConfig(), REGISTRY.values())
    assert report.skipped == {
        "IA-02": "tokens: PermissionDenied: no",
        "IA-03": "tokens: PermissionDenied: no",
        "IA-05": "tokens: PermissionDenied: no",
    }
    assert "IA-02" not in report.evaluated


def test_no_evaluated_weight_scores_100() -> None:
    report = run_checks(WorkspaceSnapshot(taken_at=NOW), AuditConfig(), REGISTRY.values())
    assert report.score == 100.0
    assert set(report.skipped) == set(REGISTRY)


def test_legacy_dbfs_setting_absent_is_not_a_finding() -> None:
    snapshot = clean_snapshot()
    without = dataclasses.replace(
        snapshot, settings=dataclasses.replace(snapshot.settings, disable_legacy_dbfs=None)
    )
    assert run_checks(without, AuditConfig(), [REGISTRY["GOV-06"]]).findings == []


def test_sarif_has_one_rule_per_check_and_one_result_per_finding(
    snapshot: WorkspaceSnapshot,
) -> None:
    report, _ = findings_by_check(snapshot)
    sarif = to_sarif(report, REGISTRY.values(), "audit")
    run = sarif["runs"][0]
    assert sarif["version"] == "2.1.0"
    assert [rule["id"] for rule in run["tool"]["driver"]["rules"]] == sorted(REGISTRY)
    assert len(run["results"]) == len(report.findings)
    first = run["results"][0]
    assert first == {
        "ruleId": "DP-01",
        "level": "error",
        "message": {"text": "secret scope shared: group 'users' (everyone) has READ"},
        "locations": [{"logicalLocations": [{"fullyQualifiedName": "secret scope shared"}]}],
    }
    assert {r["level"] for r in run["results"]} == {"error", "warning", "note"}


def test_json_report(snapshot: WorkspaceSnapshot) -> None:
    report, _ = findings_by_check(snapshot)
    document = to_json(report, NOW)
    assert document["score"] == 5.1
    assert document["taken_at"] == "2025-06-08T00:00:00+00:00"
    assert document["findings"][0]["severity"] == "high"
    assert document["findings"][0]["remediation"].startswith("Remove the ACL")


def test_severity_names_parse_in_any_case() -> None:
    assert Severity.parse("High") is Severity.HIGH
    with pytest.raises(ValueError, match="unknown severity 'urgent'; use one of: info, low"):
        Severity.parse("urgent")


def test_check_ids_are_unique() -> None:
    with pytest.raises(ValueError, match="IA-01 is registered twice"):
        check("IA-01", "dup", Severity.LOW, "x", "y", needs=())(lambda s, c: iter(()))


def test_loading_a_missing_folder_names_it(tmp_path) -> None:
    with pytest.raises(FileNotFoundError, match="nope does not exist"):
        load_snapshot(tmp_path / "nope", NOW)
