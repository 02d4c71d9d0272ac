"""Workspace inventory, permissions and objects owned by deactivated identities."""

from __future__ import annotations

from {{ cookiecutter.package_name }}.admin import AdminContext
from {{ cookiecutter.package_name }}.admin.workspace import (
    WorkspaceObject,
    home_owner,
    owned_by_inactive,
)

from fake_workspace import FakeWorkspace


def test_inventory_lists_every_kind(context: AdminContext, fake: FakeWorkspace) -> None:
    objects = list(context.workspace.inventory("/"))
    summary = [(o.kind, o.id, o.owner) for o in objects]
    assert sorted(s for s in summary if s[0] == "notebook") == [
        ("notebook", "11", "alice@example.com"),
        ("notebook", "12", "carol@example.com"),
        ("notebook", "13", None),
    ]
    assert ("job", "105", "carol@example.com") in summary
    assert ("job", "104", None) in summary
    assert ("cluster", "0602-busy", "bob@example.com") in summary
    assert ("warehouse", "wh-2", "carol@example.com") in summary
    assert len(objects) == 3 + 5 + 8 + 2
    # One listing per folder: /, /Users, two homes, /Shared.
    assert len(fake.calls("GET", "/api/2.0/workspace/list")) == 5


def test_permissions_name_the_owner(context: AdminContext) -> None:
    job = WorkspaceObject("job", "101", "daily_sales", "alice@example.com")
    with_acl = context.workspace.with_permissions(job)
    assert with_acl.owner == "carol@example.com"  # IS_OWNER wins over the creator
    assert with_acl.permissions == ("admins:CAN_MANAGE", "carol@example.com:IS_OWNER")
    notebook = WorkspaceObject("notebook", "13", "/Shared/team_report", None)
    assert context.workspace.with_permissions(notebook).permissions == (
        "carol@example.com:CAN_MANAGE",
        "users:CAN_READ",
    )
    # No ACL readable (404): the object comes back unchanged.
    assert (
        context.workspace.with_permissions(WorkspaceObject("cluster", "x", "x", "o")).owner == "o"
    )


def test_objects_owned_by_deactivated_users(context: AdminContext) -> None:
    objects = [context.workspace.with_permissions(o) for o in context.workspace.inventory("/")]
    orphaned = owned_by_inactive(objects, context.users.all_identities())
    assert [(o.kind, o.id) for o in orphaned] == [
        ("notebook", "12"),
        ("job", "101"),
        ("job", "105"),
        ("cluster", "0603-legacy"),
        ("warehouse", "wh-2"),
    ]


def test_home_owner() -> None:
    assert home_owner("/Users/a@b.com/x/y") == "a@b.com"
    assert home_owner("/Shared/x") is None
    assert home_owner("/Users") is None
