"""Groups and entitlements as code: a YAML of desired groups, planned and applied with SCIM PATCH.

File format (``members`` and ``entitlements`` are optional; a key that is present is exact, so
members or entitlements that it does not list are removed; an absent key is left unmanaged)::

    groups:
      data-engineers:
        entitlements: [workspace-access, databricks-sql-access, allow-cluster-create]
        members:
          users: [alice@example.com]
          service_principals: [6f1c2d3e-0000-4000-8000-000000000001]
          groups: [platform-admins]
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import NotFound
from databricks.sdk.service import iam

from . import scim
from .changes import Change, PlannedChange
from .desired_state import DesiredStateError, load_yaml_mapping, reject_unknown_keys, string_list

ENTITLEMENTS = frozenset(
    {
        "workspace-access",
        "databricks-sql-access",
        "allow-cluster-create",
        "allow-instance-pool-create",
    }
)
MEMBER_KINDS = ("users", "service_principals", "groups")
# Members the directory cannot name (e.g. account-level identities) keep their id as name.
UNKNOWN = "unknown"
UNKNOWN_PREFIX = "id:"
# Listing groups with their members times out on large workspaces: list ids and names only,
# then read the few managed groups one by one.
GROUP_LIST_ATTRIBUTES = "id,displayName,meta"


@dataclass(frozen=True)
class DesiredGroup:
    """One group as the YAML declares it (None = that aspect is not managed)."""

    name: str
    entitlements: frozenset[str] | None = None
    members: dict[str, frozenset[str]] | None = None


@dataclass(frozen=True)
class CurrentGroup:
    """One group as the workspace has it; members keyed by kind, as names."""

    id: str
    name: str
    entitlements: frozenset[str]
    members: dict[str, frozenset[str]] = field(default_factory=dict)


@dataclass
class Directory:
    """Names and ids of users, service principals and groups, for resolving members."""

    users: dict[str, str]
    service_principals: dict[str, str]
    groups: dict[str, str]

    def id_of(self, kind: str, name: str) -> str | None:
        """The id of a member by kind and name (user names compare case-insensitively)."""
        if kind == UNKNOWN:
            return name.removeprefix(UNKNOWN_PREFIX)
        table = getattr(self, kind)
        return table.get(name.lower() if kind == "users" else name)

    def name_of(self, member_id: str) -> tuple[str, str]:
        """(kind, name) of an id; unknown ids keep the id so they still show and diff."""
        for kind in MEMBER_KINDS:
            for name, known_id in getattr(self, kind).items():
                if known_id == member_id:
                    return kind, name
        return UNKNOWN, f"{UNKNOWN_PREFIX}{member_id}"


def load_desired_groups(path: Path) -> list[DesiredGroup]:
    """Parse and validate a groups file."""
    groups = load_yaml_mapping(path, "groups")
    if not isinstance(groups, dict) or not groups:
        raise DesiredStateError(f"{path}: 'groups' must map group names to their settings")
    desired = []
    for name, spec in groups.items():
        where = f"{path}: group {name!r}"
        spec = spec or {}
        if not isinstance(spec, dict):
            raise DesiredStateError(f"{where}: expected a mapping, got {spec!r}")
        reject_unknown_keys(spec, {"entitlements", "members"}, where)
        entitlements = None
        if "entitlements" in spec:
            entitlements = frozenset(string_list(spec["entitlements"] or [], where))
            wrong = sorted(entitlements - ENTITLEMENTS)
            if wrong:
                raise DesiredStateError(
                    f"{where}: unknown entitlement(s) {', '.join(wrong)}; "
                    f"allowed: {', '.join(sorted(ENTITLEMENTS))}"
                )
        members = None
        if "members" in spec:
            raw = spec["members"] or {}
            if not isinstance(raw, dict):
                raise DesiredStateError(f"{where}: 'members' must map kinds to name lists")
            reject_unknown_keys(raw, set(MEMBER_KINDS), f"{where} members")
            members = {
                kind: frozenset(_member_names(kind, raw.get(kind) or [], where))
                for kind in MEMBER_KINDS
            }
        desired.append(DesiredGroup(str(name), entitlements, members))
    return desired


def _member_names(kind: str, value: object, where: str) -> tuple[str, ...]:
    names = string_list(value, f"{where} members.{kind}")
    # SCIM user names are e-mail addresses, which compare case-insensitively.
    return tuple(n.lower() for n in names) if kind == "users" else names


def plan_group(
    desired: DesiredGroup, current: CurrentGroup | None, directory: Directory
) -> tuple[Change, list[iam.Patch] | None] | None:
    """The change for one group: None when it already matches, patch ops for an existing group.

    For a group that does not exist yet the operations are None (it is created instead).
    """
    _check_members_exist(desired, directory)
    if current is None:
        after = _state(desired.entitlements or frozenset(), desired.members or {})
        return Change("groups.create", f"group {desired.name}", None, after), None
    operations: list[iam.Patch] = []
    entitlements = current.entitlements
    if desired.entitlements is not None:
        added = sorted(desired.entitlements - current.entitlements)
        if added:
            operations.append(scim.add_values("entitlements", added))
        for removed in sorted(current.entitlements - desired.entitlements):
            operations.append(scim.remove_value("entitlements", removed))
        entitlements = desired.entitlements
    members = current.members
    if desired.members is not None:
        add_ids: list[str] = []
        for kind in MEMBER_KINDS:
            wanted = desired.members.get(kind, frozenset())
            have = current.members.get(kind, frozenset())
            add_ids += [directory.id_of(kind, name) or "" for name in sorted(wanted - have)]
        if add_ids:
            operations.append(scim.add_values("members", add_ids))
        for kind in (*MEMBER_KINDS, UNKNOWN):
            wanted = desired.members.get(kind, frozenset())
            for name in sorted(current.members.get(kind, frozenset()) - wanted):
                operations.append(scim.remove_value("members", directory.id_of(kind, name)))
        members = desired.members
    if not operations:
        return None
    change = Change(
        "groups.update",
        f"group {current.name} (id {current.id})",
        _state(current.entitlements, current.members),
        _state(entitlements, members),
    )
    return change, operations


def _check_members_exist(desired: DesiredGroup, directory: Directory) -> None:
    missing = [
        f"{kind}: {name}"
        for kind, names in (desired.members or {}).items()
        for name in sorted(names)
        if directory.id_of(kind, name) is None
    ]
    if missing:
        raise DesiredStateError(
            f"group {desired.name!r}: member(s) not found in the workspace: {'; '.join(missing)}"
        )


def _state(entitlements: Iterable[str], members: dict[str, frozenset[str]]) -> dict[str, Any]:
    return {
        "entitlements": sorted(entitlements),
        "members": {kind: sorted(names) for kind, names in sorted(members.items()) if names},
    }


class GroupsService:
    """Plans and applies groups-as-code against workspace SCIM."""

    def __init__(self, ws: WorkspaceClient) -> None:
        self._ws = ws

    def directory(self) -> Directory:
        """Names to ids for every user, service principal and group (three listings)."""
        users = {
            (u.user_name or "").lower(): u.id or ""
            for u in self._ws.users.list(attributes="id,userName")
        }
        principals = {
            sp.application_id or "": sp.id or ""
            for sp in self._ws.service_principals.list(attributes="id,applicationId")
        }
        groups = {
            g.display_name or "": g.id or ""
            for g in self._ws.groups.list(attributes=GROUP_LIST_ATTRIBUTES)
        }
        return Directory(users, principals, groups)

    def current(self, group_id: str, directory: Directory) -> CurrentGroup | None:
        """One group's entitlements and members; None if it was deleted meanwhile."""
        try:
            group = self._ws.groups.get(group_id)
        except NotFound:
            return None
        members: dict[str, set[str]] = {}
        for member in group.members or []:
            kind, name = directory.name_of(member.value or "")
            members.setdefault(kind, set()).add(name)
        return CurrentGroup(
            id=group.id or group_id,
            name=group.display_name or "",
            entitlements=frozenset(e.value for e in group.entitlements or [] if e.value),
            members={kind: frozenset(names) for kind, names in members.items()},
        )

    def plan(self, desired_groups: list[DesiredGroup]) -> list[PlannedChange]:
        """Every change that makes the workspace match the file; empty when it already does."""
        directory = self.directory()
        plan = []
        for desired in desired_groups:
            group_id = directory.groups.get(desired.name)
            current = self.current(group_id, directory) if group_id else None
            planned = plan_group(desired, current, directory)
            if planned is None:
                continue
            change, operations = planned
            if current is None or operations is None:
                plan.append(PlannedChange(change, self._creator(desired, directory)))
            else:
                plan.append(PlannedChange(change, self._patcher(current.id, operations)))
        return plan

    def _patcher(self, group_id: str, operations: list[iam.Patch]):
        return lambda: self._ws.groups.patch(
            group_id, schemas=scim.PATCH_SCHEMAS, operations=operations
        )

    def _creator(self, desired: DesiredGroup, directory: Directory):
        members = [
            iam.ComplexValue(value=directory.id_of(kind, name))
            for kind, names in sorted((desired.members or {}).items())
            for name in sorted(names)
        ]
        entitlements = [iam.ComplexValue(value=e) for e in sorted(desired.entitlements or [])]
        return lambda: self._ws.groups.create(
            display_name=desired.name,
            entitlements=entitlements or None,
            members=members or None,
        )
