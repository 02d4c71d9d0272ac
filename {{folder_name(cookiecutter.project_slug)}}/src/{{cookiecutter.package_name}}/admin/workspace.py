"""Workspace inventory: notebooks, jobs, clusters and warehouses with owners and permissions."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import NotFound, PermissionDenied
from databricks.sdk.service import iam, workspace

from .users import Identity

# Object kind -> the permissions API's object type.
PERMISSION_TYPES = {
    "notebook": "notebooks",
    "job": "jobs",
    "cluster": "clusters",
    "warehouse": "warehouses",
}


@dataclass(frozen=True)
class WorkspaceObject:
    kind: str
    """notebook, job, cluster or warehouse."""
    id: str
    name: str
    owner: str | None
    """The object's owner: IS_OWNER from its permissions when read, else its creator."""
    permissions: tuple[str, ...] = ()
    """``principal:LEVEL`` entries, when permissions were read."""


def home_owner(path: str) -> str | None:
    """The user whose home folder holds ``path`` (``/Users/<name>/...``)."""
    parts = path.split("/")
    if len(parts) > 2 and parts[1] == "Users" and parts[2]:
        return parts[2]
    return None


def permission_entries(acl: iam.ObjectPermissions) -> tuple[tuple[str, ...], str | None]:
    """(``principal:LEVEL`` entries, IS_OWNER principal) of an object's ACL."""
    entries = []
    owner = None
    for item in acl.access_control_list or []:
        principal = item.user_name or item.service_principal_name or item.group_name or "?"
        for permission in item.all_permissions or []:
            level = permission.permission_level.value if permission.permission_level else "?"
            entries.append(f"{principal}:{level}")
            if level == "IS_OWNER":
                owner = principal
    return tuple(sorted(set(entries))), owner


def owned_by_inactive(
    objects: Iterable[WorkspaceObject], identities: Iterable[Identity]
) -> list[WorkspaceObject]:
    """Objects whose owner is a deactivated user or service principal."""
    inactive = {i.name.lower() for i in identities if not i.active}
    return [o for o in objects if o.owner and o.owner.lower() in inactive]


class WorkspaceService:
    """Lists workspace objects; permissions are one extra request per object, so opt-in."""

    def __init__(self, ws: WorkspaceClient) -> None:
        self._ws = ws

    def notebooks(self, root: str = "/") -> Iterator[WorkspaceObject]:
        """Notebooks under ``root`` (one listing request per folder)."""
        for item in self._ws.workspace.list(root, recursive=True):
            if item.object_type == workspace.ObjectType.NOTEBOOK and item.path:
                yield WorkspaceObject(
                    "notebook", str(item.object_id), item.path, home_owner(item.path)
                )

    def jobs(self) -> Iterator[WorkspaceObject]:
        for job in self._ws.jobs.list(limit=100):
            run_as = job.settings.run_as if job.settings else None
            owner = job.creator_user_name or (run_as.user_name if run_as else None)
            name = job.settings.name if job.settings and job.settings.name else ""
            yield WorkspaceObject("job", str(job.job_id), name, owner)

    def clusters(self) -> Iterator[WorkspaceObject]:
        for cluster in self._ws.clusters.list(page_size=100):
            owner = cluster.single_user_name or cluster.creator_user_name
            yield WorkspaceObject(
                "cluster", cluster.cluster_id or "", cluster.cluster_name or "", owner
            )

    def warehouses(self) -> Iterator[WorkspaceObject]:
        for warehouse in self._ws.warehouses.list():
            yield WorkspaceObject(
                "warehouse", warehouse.id or "", warehouse.name or "", warehouse.creator_name
            )

    def inventory(self, root: str = "/") -> Iterator[WorkspaceObject]:
        """Notebooks, jobs, clusters and warehouses, in that order."""
        yield from self.notebooks(root)
        yield from self.jobs()
        yield from self.clusters()
        yield from self.warehouses()

    def with_permissions(self, item: WorkspaceObject) -> WorkspaceObject:
        """The object with its ACL; unchanged when it vanished or its ACL is not readable."""
        try:
            acl = self._ws.permissions.get(PERMISSION_TYPES[item.kind], item.id)
        except (NotFound, PermissionDenied):
            return item
        entries, owner = permission_entries(acl)
        return replace(item, permissions=entries, owner=owner or item.owner)
