"""Users and service principals: inventory, inactivity, deactivation and reactivation."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from databricks.sdk import WorkspaceClient
from databricks.sdk.service import iam, settings

from . import scim
from .changes import Change, PlannedChange

# Ask SCIM only for what the inventory shows: smaller pages, fewer timeouts (groups and
# members are the expensive attributes on large workspaces).
USER_ATTRIBUTES = "id,userName,displayName,active,entitlements"
SERVICE_PRINCIPAL_ATTRIBUTES = "id,applicationId,displayName,active,entitlements"


class UnknownIdentityError(ValueError):
    """Names that match no user or service principal in the workspace."""

    def __init__(self, names: Sequence[str]) -> None:
        self.names = list(names)
        super().__init__(
            "no user or service principal named "
            + ", ".join(repr(n) for n in names)
            + " (use the userName of a user or the applicationId of a service principal)"
        )


@dataclass(frozen=True)
class Identity:
    """A user or service principal as the inventory shows it."""

    id: str
    name: str
    """userName for users, applicationId for service principals."""
    display_name: str
    kind: str
    """``user`` or ``service_principal``."""
    active: bool
    entitlements: tuple[str, ...]


@dataclass(frozen=True)
class InactiveIdentity:
    """An active identity with no recorded activity since the cut-off."""

    identity: Identity
    last_active: datetime | None
    """Latest activity seen (None when none was seen in the data available)."""
    days_inactive: int | None


def identity_from_user(user: iam.User) -> Identity:
    """The inventory record of a SCIM user."""
    return Identity(
        id=user.id or "",
        name=user.user_name or "",
        display_name=user.display_name or "",
        kind="user",
        active=bool(user.active),
        entitlements=tuple(sorted(e.value for e in user.entitlements or [] if e.value)),
    )


def identity_from_service_principal(principal: iam.ServicePrincipal) -> Identity:
    """The inventory record of a SCIM service principal."""
    return Identity(
        id=principal.id or "",
        name=principal.application_id or "",
        display_name=principal.display_name or "",
        kind="service_principal",
        active=bool(principal.active),
        entitlements=tuple(sorted(e.value for e in principal.entitlements or [] if e.value)),
    )


def last_token_use(tokens: Iterable[settings.TokenInfo]) -> dict[str, datetime]:
    """Latest day each token creator used any of their tokens (``last_used_day``, epoch ms)."""
    latest: dict[str, datetime] = {}
    for token in tokens:
        if not token.created_by_username or not token.last_used_day:
            continue
        used = datetime.fromtimestamp(token.last_used_day / 1000, tz=UTC)
        if token.created_by_username not in latest or used > latest[token.created_by_username]:
            latest[token.created_by_username] = used
    return latest


def merge_activity(*sources: Mapping[str, datetime]) -> dict[str, datetime]:
    """The latest activity per name across sources (audit events, token use, ...)."""
    merged: dict[str, datetime] = {}
    for source in sources:
        for name, when in source.items():
            key = name.lower()
            if key not in merged or when > merged[key]:
                merged[key] = when
    return merged


def find_inactive(
    identities: Iterable[Identity],
    last_active: Mapping[str, datetime],
    now: datetime,
    days: int,
) -> list[InactiveIdentity]:
    """Active identities whose latest activity is older than ``days`` (or was never seen).

    ``last_active`` is keyed by lower-cased name (see :func:`merge_activity`).
    """
    if days < 1:
        raise ValueError(f"days must be at least 1, got {days}")
    cutoff = now - timedelta(days=days)
    inactive = []
    for identity in identities:
        if not identity.active:
            continue
        seen = last_active.get(identity.name.lower())
        if seen is not None and seen >= cutoff:
            continue
        idle_days = (now - seen).days if seen is not None else None
        inactive.append(InactiveIdentity(identity, seen, idle_days))
    return sorted(inactive, key=lambda item: (item.last_active is not None, item.identity.name))


class UsersService:
    """Reads and changes users and service principals through workspace SCIM."""

    def __init__(self, ws: WorkspaceClient) -> None:
        self._ws = ws

    def users(self) -> list[Identity]:
        """Every user, in one SCIM listing (the SDK pages and de-duplicates by id)."""
        return [identity_from_user(u) for u in self._ws.users.list(attributes=USER_ATTRIBUTES)]

    def service_principals(self) -> list[Identity]:
        """Every service principal."""
        listing = self._ws.service_principals.list(attributes=SERVICE_PRINCIPAL_ATTRIBUTES)
        return [identity_from_service_principal(sp) for sp in listing]

    def token_activity(self) -> dict[str, datetime]:
        """Latest token use per user, from the token management API (one request)."""
        return last_token_use(self._ws.token_management.list())

    def plan_set_active(
        self, names: Sequence[str], active: bool, identities: Sequence[Identity] | None = None
    ) -> list[PlannedChange]:
        """Deactivate (``active=False``) or reactivate identities by name.

        Identities already in the wanted state are left out, so the plan is empty once applied.
        """
        known = list(identities) if identities is not None else self.all_identities()
        by_name = {identity.name.lower(): identity for identity in known}
        unknown = [name for name in names if name.lower() not in by_name]
        if unknown:
            raise UnknownIdentityError(unknown)
        plan = []
        for name in dict.fromkeys(n.lower() for n in names):
            identity = by_name[name]
            if identity.active == active:
                continue
            plan.append(self._set_active(identity, active))
        return plan

    def all_identities(self) -> list[Identity]:
        """Users followed by service principals."""
        return self.users() + self.service_principals()

    def _set_active(self, identity: Identity, active: bool) -> PlannedChange:
        api = self._ws.users if identity.kind == "user" else self._ws.service_principals
        change = Change(
            action="users.reactivate" if active else "users.deactivate",
            target=f"{identity.kind} {identity.name} (id {identity.id})",
            before={"active": identity.active},
            after={"active": active},
        )
        return PlannedChange(
            change,
            lambda: api.patch(
                identity.id,
                schemas=scim.PATCH_SCHEMAS,
                operations=[scim.replace("active", active)],
            ),
        )
