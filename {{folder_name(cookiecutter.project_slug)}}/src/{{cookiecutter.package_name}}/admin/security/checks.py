"""The security checks: pure functions over a :class:`WorkspaceSnapshot`.

Each yields ``(resource, message)`` for every problem it finds, one per offending object, so a
single non-expiring token is a finding (a known miss of row-count-based audits).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from .registry import AuditConfig, Severity, check
from .snapshot import WorkspaceSnapshot

Problems = Iterator[tuple[str, str]]

# Access modes that enforce Unity Catalog isolation, including the names introduced with the
# simplified access-mode UI (STANDARD = shared, DEDICATED = single user, AUTO = chosen by
# Databricks among those two). Treating only USER_ISOLATION and SINGLE_USER as Unity Catalog
# would flag every cluster created with the newer names.
UNITY_CATALOG_MODES = frozenset(
    {
        "USER_ISOLATION",
        "SINGLE_USER",
        "DATA_SECURITY_MODE_STANDARD",
        "DATA_SECURITY_MODE_DEDICATED",
        "DATA_SECURITY_MODE_AUTO",
    }
)
NEVER_EXPIRES = -1
RESTRICTED_ADMINS = "RESTRICT_TOKENS_AND_JOB_RUN_AS"


def _day(epoch_ms: int) -> datetime:
    return datetime.fromtimestamp(epoch_ms / 1000, tz=UTC)


def _token(token_id: str | None) -> str:
    return f"token {token_id}"


def _enabled(value: str | None) -> bool:
    return str(value).lower() == "true"


@check(
    "IA-01",
    "Too many workspace admins",
    Severity.MEDIUM,
    "identity",
    "Keep workspace admins to a few named people; grant narrower entitlements or group "
    "permissions to everyone else.",
    needs=("admins",),
)
def too_many_admins(snapshot: WorkspaceSnapshot, config: AuditConfig) -> Problems:
    members = (snapshot.admins.members or []) if snapshot.admins else []
    if len(members) > config.max_admins:
        names = ", ".join(sorted(m.display or m.value or "?" for m in members))
        yield (
            "group admins",
            f"{len(members)} admins (at most {config.max_admins} expected): {names}",
        )


@check(
    "IA-02",
    "Access tokens without expiry",
    Severity.HIGH,
    "identity",
    "Revoke the token and create one with a lifetime; set maxTokenLifetimeDays so new tokens "
    "always expire.",
    needs=("tokens",),
)
def tokens_without_expiry(snapshot: WorkspaceSnapshot, config: AuditConfig) -> Problems:
    for token in snapshot.tokens or ():
        if token.expiry_time in (None, 0, NEVER_EXPIRES):
            yield _token(token.token_id), f"owned by {token.created_by_username}, never expires"


@check(
    "IA-03",
    "Unused access tokens",
    Severity.MEDIUM,
    "identity",
    "Revoke tokens that nobody uses; a forgotten token is a standing credential.",
    needs=("tokens",),
)
def unused_tokens(snapshot: WorkspaceSnapshot, config: AuditConfig) -> Problems:
    cutoff = snapshot.taken_at - timedelta(days=config.token_unused_days)
    for token in snapshot.tokens or ():
        owner = token.created_by_username
        if token.last_used_day:
            if _day(token.last_used_day) < cutoff:
                last = _day(token.last_used_day).date().isoformat()
                yield _token(token.token_id), f"owned by {owner}, last used {last}"
        elif token.creation_time and _day(token.creation_time) < cutoff:
            created = _day(token.creation_time).date().isoformat()
            yield _token(token.token_id), f"owned by {owner}, created {created}, never used"


@check(
    "IA-04",
    "No maximum token lifetime",
    Severity.MEDIUM,
    "identity",
    "Set the workspace's maxTokenLifetimeDays (workspace-conf) to at most the recommended "
    "lifetime.",
    needs=("workspace_conf",),
)
def no_max_token_lifetime(snapshot: WorkspaceSnapshot, config: AuditConfig) -> Problems:
    value = (snapshot.workspace_conf or {}).get("maxTokenLifetimeDays")
    if not value or not str(value).isdigit() or int(value) == 0:
        yield "workspace-conf maxTokenLifetimeDays", "not set: tokens may live forever"
    elif int(value) > config.max_token_lifetime_days:
        yield (
            "workspace-conf maxTokenLifetimeDays",
            f"{value} days, above the recommended {config.max_token_lifetime_days}",
        )


@check(
    "IA-05",
    "Access tokens that outlive the recommended lifetime",
    Severity.MEDIUM,
    "identity",
    "Replace the token with one that expires sooner.",
    needs=("tokens",),
)
def long_lived_tokens(snapshot: WorkspaceSnapshot, config: AuditConfig) -> Problems:
    limit = timedelta(days=config.max_token_lifetime_days)
    for token in snapshot.tokens or ():
        if token.expiry_time in (None, 0, NEVER_EXPIRES) or not token.creation_time:
            continue  # IA-02 reports tokens that never expire.
        lifetime = _day(token.expiry_time) - _day(token.creation_time)
        if lifetime > limit:
            yield (
                _token(token.token_id),
                f"owned by {token.created_by_username}, lifetime {lifetime.days} days",
            )


@check(
    "NS-01",
    "IP access lists not enforced",
    Severity.MEDIUM,
    "network",
    "Enable IP access lists (workspace-conf enableIpAccessLists) with at least one enabled "
    "ALLOW list of your corporate egress ranges.",
    needs=("workspace_conf", "ip_access_lists"),
)
def ip_access_lists(snapshot: WorkspaceSnapshot, config: AuditConfig) -> Problems:
    if not _enabled((snapshot.workspace_conf or {}).get("enableIpAccessLists")):
        yield "workspace-conf enableIpAccessLists", "IP access lists are disabled"
        return
    allow = [
        item
        for item in snapshot.ip_access_lists or ()
        if item.enabled and item.list_type and item.list_type.value == "ALLOW"
    ]
    if not allow:
        yield "ip-access-lists", "enabled, but no enabled ALLOW list: every address may connect"


@check(
    "GOV-01",
    "Clusters without Unity Catalog isolation",
    Severity.HIGH,
    "governance",
    "Recreate the cluster with standard (shared) or dedicated (single user) access mode; "
    "no-isolation and legacy modes bypass Unity Catalog permissions.",
    needs=("clusters",),
)
def clusters_without_isolation(snapshot: WorkspaceSnapshot, config: AuditConfig) -> Problems:
    for cluster in snapshot.clusters or ():
        mode = cluster.data_security_mode.value if cluster.data_security_mode else None
        if mode not in UNITY_CATALOG_MODES:
            yield (
                f"cluster {cluster.cluster_id}",
                f"{cluster.cluster_name!r} uses access mode {mode or 'unset (no isolation)'}",
            )


@check(
    "DP-01",
    "Secret scopes readable by all users",
    Severity.HIGH,
    "data protection",
    "Remove the ACL for the 'users' group and grant READ to the groups that need the secrets.",
    needs=("secret_scopes",),
)
def secret_scopes_open_to_all(snapshot: WorkspaceSnapshot, config: AuditConfig) -> Problems:
    for scope, acls in sorted((snapshot.secret_scopes or {}).items()):
        for acl in acls:
            if acl.principal == "users":
                level = acl.permission.value if acl.permission else "?"
                yield f"secret scope {scope}", f"group 'users' (everyone) has {level}"


@check(
    "GOV-02",
    "Jobs that run as a person",
    Severity.LOW,
    "governance",
    "Set the job's run_as to a service principal so it keeps working when people leave and "
    "runs with reviewed permissions.",
    needs=("jobs", "service_principals"),
)
def jobs_run_as_person(snapshot: WorkspaceSnapshot, config: AuditConfig) -> Problems:
    principals = {sp.application_id for sp in snapshot.service_principals or ()}
    for job in snapshot.jobs or ():
        run_as = job.settings.run_as if job.settings else None
        if run_as and (run_as.service_principal_name or run_as.group_name):
            continue
        identity = (run_as.user_name if run_as else None) or job.creator_user_name
        if identity and identity not in principals:
            name = job.settings.name if job.settings else None
            yield f"job {job.job_id}", f"{name!r} runs as user {identity}"


@check(
    "GOV-03",
    "Jobs without an owner",
    Severity.MEDIUM,
    "governance",
    "Assign an owner (CAN_MANAGE / IS_OWNER) and a service principal run_as; the creator no "
    "longer exists.",
    needs=("jobs",),
)
def jobs_without_owner(snapshot: WorkspaceSnapshot, config: AuditConfig) -> Problems:
    for job in snapshot.jobs or ():
        run_as = job.settings.run_as if job.settings else None
        if not job.creator_user_name and not run_as:
            name = job.settings.name if job.settings else None
            yield f"job {job.job_id}", f"{name!r} has no creator and no run_as"


@check(
    "GOV-04",
    "Workspace admins are not restricted",
    Severity.LOW,
    "governance",
    "Set the restrict_workspace_admins setting to RESTRICT_TOKENS_AND_JOB_RUN_AS so admins "
    "cannot create tokens or change run_as on behalf of others.",
    needs=("settings",),
)
def admins_not_restricted(snapshot: WorkspaceSnapshot, config: AuditConfig) -> Problems:
    setting = snapshot.settings.restrict_workspace_admins if snapshot.settings else None
    message = setting.restrict_workspace_admins if setting else None
    status = message.status.value if message and message.status else "ALLOW_ALL"
    if status != RESTRICTED_ADMINS:
        yield "setting restrict_workspace_admins", f"status is {status}"


@check(
    "GOV-05",
    "Automatic cluster update is off",
    Severity.LOW,
    "governance",
    "Enable automatic cluster update so long-running clusters receive security patches in a "
    "maintenance window.",
    needs=("settings",),
)
def automatic_cluster_update_off(snapshot: WorkspaceSnapshot, config: AuditConfig) -> Problems:
    setting = snapshot.settings.automatic_cluster_update if snapshot.settings else None
    message = setting.automatic_cluster_update_workspace if setting else None
    if not (message and message.enabled):
        yield "setting automatic_cluster_update", "disabled"


@check(
    "GOV-06",
    "Legacy DBFS access is allowed",
    Severity.LOW,
    "governance",
    "Enable disable_legacy_dbfs so data lives in Unity Catalog volumes instead of the "
    "ungoverned DBFS root and mounts.",
    needs=("settings",),
)
def legacy_dbfs_allowed(snapshot: WorkspaceSnapshot, config: AuditConfig) -> Problems:
    setting = snapshot.settings.disable_legacy_dbfs if snapshot.settings else None
    if setting is None:
        return  # The workspace does not offer the setting.
    if not (setting.disable_legacy_dbfs and setting.disable_legacy_dbfs.value):
        yield "setting disable_legacy_dbfs", "legacy DBFS root and mounts are usable"


@check(
    "LOG-01",
    "Verbose audit logs are off",
    Severity.LOW,
    "logging",
    "Set workspace-conf enableVerboseAuditLogs to true to record notebook and SQL commands.",
    needs=("workspace_conf",),
)
def verbose_audit_logs_off(snapshot: WorkspaceSnapshot, config: AuditConfig) -> Problems:
    if not _enabled((snapshot.workspace_conf or {}).get("enableVerboseAuditLogs")):
        yield "workspace-conf enableVerboseAuditLogs", "verbose audit logging is disabled"


@check(
    "DP-02",
    "DBFS file browser is on",
    Severity.LOW,
    "data protection",
    "Set workspace-conf enableDbfsFileBrowser to false; it lists files outside Unity Catalog "
    "governance.",
    needs=("workspace_conf",),
)
def dbfs_browser_on(snapshot: WorkspaceSnapshot, config: AuditConfig) -> Problems:
    if _enabled((snapshot.workspace_conf or {}).get("enableDbfsFileBrowser")):
        yield "workspace-conf enableDbfsFileBrowser", "the DBFS file browser is enabled"


@check(
    "DP-03",
    "Notebook results can be downloaded",
    Severity.INFO,
    "data protection",
    "Consider workspace-conf enableResultsDownloading = false where data must not leave the "
    "workspace.",
    needs=("workspace_conf",),
)
def results_download_on(snapshot: WorkspaceSnapshot, config: AuditConfig) -> Problems:
    if _enabled((snapshot.workspace_conf or {}).get("enableResultsDownloading")):
        yield "workspace-conf enableResultsDownloading", "results downloading is enabled"
