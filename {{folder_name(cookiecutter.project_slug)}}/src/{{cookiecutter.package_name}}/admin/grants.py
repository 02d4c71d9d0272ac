"""Unity Catalog privileges as code: desired grants in YAML, planned, applied and audited.

File format (privilege names as in Unity Catalog; a listed principal gets exactly the listed
privileges; with ``exclusive: true`` principals not listed lose all their privileges)::

    securables:
      - type: catalog
        name: main
        grants:
          data-engineers: [USE_CATALOG]
      - type: schema
        name: main.sales
        exclusive: true
        grants:
          data-engineers: [USE_SCHEMA, SELECT, MODIFY]
          analysts: [USE_SCHEMA, SELECT]

Securable types go to the API as lowercase strings: the SDK's ``securable_type`` is a ``str``,
and an enum member would be formatted into the URL as ``SecurableType.TABLE``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from databricks.sdk import WorkspaceClient
from databricks.sdk.service import catalog

from .changes import Change, PlannedChange
from .desired_state import DesiredStateError, load_yaml_mapping, reject_unknown_keys, string_list

SECURABLE_TYPES = frozenset(
    {
        "catalog",
        "schema",
        "table",
        "volume",
        "function",
        "external_location",
        "storage_credential",
        "connection",
        "metastore",
        "share",
        "service_credential",
    }
)
PRIVILEGES = frozenset(p.value for p in catalog.Privilege)
# 0 asks the server for its own page length: the paginated form of the grants API.
SERVER_PAGE_LENGTH = 0

Grants = dict[str, frozenset[str]]
"""Principal -> privileges."""


@dataclass(frozen=True)
class DesiredGrants:
    securable_type: str
    full_name: str
    grants: Grants
    exclusive: bool = False

    @property
    def label(self) -> str:
        return f"{self.securable_type} {self.full_name}"


@dataclass(frozen=True)
class PrincipalDiff:
    principal: str
    add: tuple[str, ...]
    remove: tuple[str, ...]


def load_desired_grants(path: Path) -> list[DesiredGrants]:
    """Parse and validate a grants file."""
    entries = load_yaml_mapping(path, "securables")
    if not isinstance(entries, list) or not entries:
        raise DesiredStateError(f"{path}: 'securables' must be a non-empty list")
    desired = []
    seen: set[tuple[str, str]] = set()
    for index, entry in enumerate(entries):
        where = f"{path}: securables[{index}]"
        if not isinstance(entry, dict):
            raise DesiredStateError(f"{where}: expected a mapping, got {entry!r}")
        reject_unknown_keys(entry, {"type", "name", "grants", "exclusive"}, where)
        securable_type = str(entry.get("type", "")).strip()
        if securable_type not in SECURABLE_TYPES:
            allowed = ", ".join(sorted(SECURABLE_TYPES))
            raise DesiredStateError(
                f"{where}: type {securable_type!r} is not one of (lowercase): {allowed}"
            )
        name = str(entry.get("name", "")).strip()
        if not name:
            raise DesiredStateError(f"{where}: 'name' (the securable's full name) is required")
        if (securable_type, name) in seen:
            raise DesiredStateError(f"{where}: {securable_type} {name} is listed twice")
        seen.add((securable_type, name))
        raw = entry.get("grants") or {}
        if not isinstance(raw, dict):
            raise DesiredStateError(f"{where}: 'grants' must map principals to privilege lists")
        grants: Grants = {}
        for principal, privileges in raw.items():
            values = frozenset(
                p.upper() for p in string_list(privileges or [], f"{where} {principal}")
            )
            wrong = sorted(values - PRIVILEGES)
            if wrong:
                raise DesiredStateError(
                    f"{where} {principal}: unknown privilege(s) {', '.join(wrong)}"
                )
            grants[str(principal)] = values
        exclusive = entry.get("exclusive", False)
        if not isinstance(exclusive, bool):
            raise DesiredStateError(f"{where}: 'exclusive' must be true or false")
        desired.append(DesiredGrants(securable_type, name, grants, exclusive))
    return desired


def diff_grants(desired: DesiredGrants, current: Grants) -> list[PrincipalDiff]:
    """What to add and remove per principal so the securable matches the desired grants."""
    principals = set(desired.grants)
    if desired.exclusive:
        principals |= set(current)
    diffs = []
    for principal in sorted(principals):
        want = desired.grants.get(principal, frozenset())
        have = current.get(principal, frozenset())
        add, remove = tuple(sorted(want - have)), tuple(sorted(have - want))
        if add or remove:
            diffs.append(PrincipalDiff(principal, add, remove))
    return diffs


class GrantsService:
    """Reads grants page by page and plans one PATCH per securable."""

    def __init__(self, ws: WorkspaceClient) -> None:
        self._ws = ws

    def current(self, securable_type: str, full_name: str) -> Grants:
        """Direct (not inherited) grants, reading pages until no next_page_token.

        ``grants.get`` is not auto-paginated by the SDK, and a page may be empty while more
        follow, so only the absence of a token ends the loop.
        """
        merged: dict[str, set[str]] = {}
        token: str | None = None
        while True:
            page = self._ws.grants.get(
                securable_type, full_name, max_results=SERVER_PAGE_LENGTH, page_token=token
            )
            for assignment in page.privilege_assignments or []:
                privileges = {p.value for p in assignment.privileges or []}
                merged.setdefault(assignment.principal or "", set()).update(privileges)
            token = page.next_page_token
            if not token:
                return {principal: frozenset(p) for principal, p in merged.items()}

    def plan(self, desired_grants: list[DesiredGrants]) -> list[PlannedChange]:
        """Every securable whose grants differ, with the exact privilege changes."""
        plan = []
        for desired in desired_grants:
            current = self.current(desired.securable_type, desired.full_name)
            diffs = diff_grants(desired, current)
            if not diffs:
                continue
            principals = [d.principal for d in diffs]
            change = Change(
                "grants.update",
                desired.label,
                {p: sorted(current.get(p, ())) for p in principals},
                {p: sorted(desired.grants.get(p, ())) for p in principals},
            )
            plan.append(PlannedChange(change, self._updater(desired, diffs)))
        return plan

    def audit(self, desired_grants: list[DesiredGrants]) -> list[tuple[str, PrincipalDiff]]:
        """Drift between the file and the workspace: (securable, difference) pairs."""
        drift = []
        for desired in desired_grants:
            current = self.current(desired.securable_type, desired.full_name)
            drift += [(desired.label, d) for d in diff_grants(desired, current)]
        return drift

    def _updater(self, desired: DesiredGrants, diffs: list[PrincipalDiff]):
        changes = [
            catalog.PermissionsChange(
                principal=d.principal,
                add=[catalog.Privilege(p) for p in d.add] or None,
                remove=[catalog.Privilege(p) for p in d.remove] or None,
            )
            for d in diffs
        ]
        return lambda: self._ws.grants.update(
            desired.securable_type, desired.full_name, changes=changes
        )
