"""A read-only snapshot of the workspace facts that the security checks look at.

Each section is collected on its own. A section the caller may not read (403) or that the
workspace does not offer (404) is recorded as unavailable with the reason, and the checks that
need it are reported as not evaluated instead of failing the whole audit.

A snapshot can be saved as recorded API response bodies (one JSON file per section) and loaded
back, to audit offline or to keep an audit's evidence; ``fixtures/admin`` uses that format.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import NotFound, PermissionDenied
from databricks.sdk.service import compute, iam, jobs, settings, workspace

# Workspace configuration keys the checks read (GET /api/2.0/workspace-conf?keys=...).
WORKSPACE_CONF_KEYS = (
    "maxTokenLifetimeDays",
    "enableTokensConfig",
    "enableIpAccessLists",
    "enableVerboseAuditLogs",
    "enableDbfsFileBrowser",
    "enableResultsDownloading",
)

T = TypeVar("T")


@dataclass(frozen=True)
class WorkspaceSettings:
    """The typed workspace settings the checks read."""

    restrict_workspace_admins: settings.RestrictWorkspaceAdminsSetting
    automatic_cluster_update: settings.AutomaticClusterUpdateSetting
    disable_legacy_dbfs: settings.DisableLegacyDbfs | None
    """None where the workspace does not offer the setting."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "restrict_workspace_admins": self.restrict_workspace_admins.as_dict(),
            "automatic_cluster_update": self.automatic_cluster_update.as_dict(),
            "disable_legacy_dbfs": (
                self.disable_legacy_dbfs.as_dict() if self.disable_legacy_dbfs else None
            ),
        }

    @classmethod
    def from_dict(cls, body: dict[str, Any]) -> WorkspaceSettings:
        dbfs = body.get("disable_legacy_dbfs")
        return cls(
            settings.RestrictWorkspaceAdminsSetting.from_dict(body["restrict_workspace_admins"]),
            settings.AutomaticClusterUpdateSetting.from_dict(body["automatic_cluster_update"]),
            settings.DisableLegacyDbfs.from_dict(dbfs) if dbfs is not None else None,
        )


@dataclass(frozen=True)
class WorkspaceSnapshot:
    """Workspace facts at one moment; a section is None when it could not be collected."""

    taken_at: datetime
    admins: iam.Group | None = None
    """The workspace ``admins`` group with its members."""
    tokens: tuple[settings.TokenInfo, ...] | None = None
    workspace_conf: Mapping[str, str | None] | None = None
    ip_access_lists: tuple[settings.IpAccessListInfo, ...] | None = None
    clusters: tuple[compute.ClusterDetails, ...] | None = None
    secret_scopes: Mapping[str, tuple[workspace.AclItem, ...]] | None = None
    jobs: tuple[jobs.BaseJob, ...] | None = None
    service_principals: tuple[iam.ServicePrincipal, ...] | None = None
    settings: WorkspaceSettings | None = None
    unavailable: Mapping[str, str] = field(default_factory=dict)
    """Section name -> why it is missing."""


def collect_snapshot(ws: WorkspaceClient, now: datetime) -> WorkspaceSnapshot:
    """Read every section; each costs one or a few requests (secret ACLs: one per scope)."""
    unavailable: dict[str, str] = {}

    def section(name: str, read: Callable[[], T]) -> T | None:
        try:
            return read()
        except (PermissionDenied, NotFound) as error:
            unavailable[name] = f"{type(error).__name__}: {error}"
            return None

    conf_keys = ",".join(WORKSPACE_CONF_KEYS)
    return WorkspaceSnapshot(
        taken_at=now,
        admins=section("admins", lambda: _admins(ws)),
        tokens=section("tokens", lambda: tuple(ws.token_management.list())),
        workspace_conf=section("workspace_conf", lambda: ws.workspace_conf.get_status(conf_keys)),
        ip_access_lists=section("ip_access_lists", lambda: tuple(ws.ip_access_lists.list())),
        clusters=section("clusters", lambda: tuple(ws.clusters.list(page_size=100))),
        secret_scopes=section("secret_scopes", lambda: _secret_acls(ws)),
        jobs=section("jobs", lambda: tuple(ws.jobs.list(limit=100))),
        service_principals=section(
            "service_principals",
            lambda: tuple(ws.service_principals.list(attributes="id,applicationId,displayName")),
        ),
        settings=section("settings", lambda: _settings(ws)),
        unavailable=unavailable,
    )


def _admins(ws: WorkspaceClient) -> iam.Group:
    groups = list(ws.groups.list(filter='displayName eq "admins"', attributes="id,displayName"))
    if not groups:
        raise NotFound("the workspace has no 'admins' group")
    return ws.groups.get(groups[0].id or "")


def _secret_acls(ws: WorkspaceClient) -> dict[str, tuple[workspace.AclItem, ...]]:
    return {
        scope.name or "": tuple(ws.secrets.list_acls(scope.name or ""))
        for scope in ws.secrets.list_scopes()
    }


def _settings(ws: WorkspaceClient) -> WorkspaceSettings:
    try:
        dbfs: settings.DisableLegacyDbfs | None = ws.settings.disable_legacy_dbfs.get()
    except NotFound:
        dbfs = None
    return WorkspaceSettings(
        ws.settings.restrict_workspace_admins.get(),
        ws.settings.automatic_cluster_update.get(),
        dbfs,
    )


# Section -> (file name, to recorded JSON, from recorded JSON). The JSON is the API's response
# body for the section's call, so recorded payloads and saved snapshots are interchangeable.
_FORMATS: dict[str, tuple[str, Callable[[Any], Any], Callable[[Any], Any]]] = {
    "admins": ("admins_group.json", lambda g: g.as_dict(), iam.Group.from_dict),
    "tokens": (
        "token_management_list.json",
        lambda ts: settings.ListTokensResponse(token_infos=list(ts)).as_dict(),
        lambda body: tuple(settings.ListTokensResponse.from_dict(body).token_infos or []),
    ),
    "workspace_conf": ("workspace_conf.json", dict, dict),
    "ip_access_lists": (
        "ip_access_lists_list.json",
        lambda ls: settings.ListIpAccessListResponse(ip_access_lists=list(ls)).as_dict(),
        lambda body: tuple(settings.ListIpAccessListResponse.from_dict(body).ip_access_lists or []),
    ),
    "clusters": (
        "clusters_list.json",
        lambda cs: compute.ListClustersResponse(clusters=list(cs)).as_dict(),
        lambda body: tuple(compute.ListClustersResponse.from_dict(body).clusters or []),
    ),
    "secret_scopes": (
        "secret_acls.json",
        lambda scopes: {
            name: workspace.ListAclsResponse(items=list(acls)).as_dict()
            for name, acls in scopes.items()
        },
        lambda body: {
            name: tuple(workspace.ListAclsResponse.from_dict(acls).items or [])
            for name, acls in body.items()
        },
    ),
    "jobs": (
        "jobs_list.json",
        lambda js: jobs.ListJobsResponse(jobs=list(js)).as_dict(),
        lambda body: tuple(jobs.ListJobsResponse.from_dict(body).jobs or []),
    ),
    "service_principals": (
        "service_principals_list.json",
        lambda sps: iam.ListServicePrincipalResponse(resources=list(sps)).as_dict(),
        lambda body: tuple(iam.ListServicePrincipalResponse.from_dict(body).resources or []),
    ),
    "settings": ("settings.json", lambda s: s.as_dict(), WorkspaceSettings.from_dict),
}


def save_snapshot(snapshot: WorkspaceSnapshot, folder: Path) -> list[Path]:
    """Write each collected section as its recorded-response JSON; returns the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, (file_name, to_json, _) in _FORMATS.items():
        value = getattr(snapshot, name)
        if value is None:
            continue
        path = folder / file_name
        path.write_text(json.dumps(to_json(value), indent=2, sort_keys=True) + "\n", "utf-8")
        written.append(path)
    return written


def load_snapshot(folder: Path, now: datetime) -> WorkspaceSnapshot:
    """A snapshot from recorded responses; a missing file leaves its section unavailable."""
    if not folder.is_dir():
        raise FileNotFoundError(f"snapshot folder {folder} does not exist")
    values: dict[str, Any] = {}
    unavailable: dict[str, str] = {}
    for name, (file_name, _, from_json) in _FORMATS.items():
        path = folder / file_name
        if path.exists():
            values[name] = from_json(json.loads(path.read_text(encoding="utf-8")))
        else:
            unavailable[name] = f"not recorded: {file_name} is missing"
    return WorkspaceSnapshot(taken_at=now, unavailable=unavailable, **values)
