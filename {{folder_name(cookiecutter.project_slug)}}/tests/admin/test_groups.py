"""Groups as code: YAML validation, exact SCIM PATCH bodies, dry run and convergence."""

from __future__ import annotations

from pathlib import Path

import pytest

from {{ cookiecutter.package_name }}.admin import (
    AdminContext,
    apply_plan,
)
from {{ cookiecutter.package_name }}.admin.desired_state import (
    DesiredStateError,
)
from {{ cookiecutter.package_name }}.admin.groups import (
    load_desired_groups,
)

from fake_workspace import FakeWorkspace

PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
SP = "6f1c2d3e-0000-4000-8000-000000000001"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "groups.yml"
    path.write_text(text)
    return path


DESIRED = f"""
groups:
  data-engineers:
    entitlements: [workspace-access, databricks-sql-access]
    members:
      users: [Alice@example.com, erin@example.com]
      service_principals: [{SP}]
  analysts:
    entitlements: [databricks-sql-access]
  platform:
    entitlements: [workspace-access]
    members:
      users: [bob@example.com]
      groups: [analysts]
"""


def test_plan_lists_exact_changes_and_sends_nothing(
    context: AdminContext, fake: FakeWorkspace, tmp_path: Path
) -> None:
    plan = context.groups.plan(load_desired_groups(write(tmp_path, DESIRED)))
    assert [p.change.action for p in plan] == ["groups.update", "groups.create"]
    update = plan[0].change
    assert update.target == "group data-engineers (id 302)"
    assert update.before == {
        "entitlements": ["allow-cluster-create", "workspace-access"],
        "members": {"users": ["alice@example.com", "carol@example.com"]},
    }
    assert update.after == {
        "entitlements": ["databricks-sql-access", "workspace-access"],
        "members": {
            "service_principals": [SP],
            "users": ["alice@example.com", "erin@example.com"],
        },
    }
    assert not [r for r in fake.requests if r.mutating]
    # Groups are listed without members; only the managed groups are read one by one.
    assert fake.calls("GET", "/api/2.0/preview/scim/v2/Groups")[0].query["attributes"] == (
        "id,displayName,meta"
    )
    assert sorted(r.path for r in fake.calls("GET", "/api/2.0/preview/scim/v2/Groups/")) == [
        "/api/2.0/preview/scim/v2/Groups/302",
        "/api/2.0/preview/scim/v2/Groups/303",
    ]


def test_apply_sends_one_patch_per_group_with_exact_operations(
    context: AdminContext, fake: FakeWorkspace, tmp_path: Path
) -> None:
    desired = load_desired_groups(write(tmp_path, DESIRED))
    apply_plan(context.groups.plan(desired), context.audit_log)
    (patch,) = fake.calls("PATCH")
    assert patch.path == "/api/2.0/preview/scim/v2/Groups/302"
    assert patch.body == {
        "schemas": [PATCH_OP],
        "Operations": [
            {"op": "add", "path": "entitlements", "value": [{"value": "databricks-sql-access"}]},
            {"op": "remove", "path": 'entitlements[value eq "allow-cluster-create"]'},
            {"op": "add", "path": "members", "value": [{"value": "105"}, {"value": "201"}]},
            {"op": "remove", "path": 'members[value eq "103"]'},
        ],
    }
    (create,) = fake.calls("POST", "/api/2.0/preview/scim/v2/Groups")
    assert create.body == {
        "displayName": "platform",
        "entitlements": [{"value": "workspace-access"}],
        "members": [{"value": "303"}, {"value": "102"}],
    }
    assert [e["what"] for e in context.audit_log.entries()] == ["groups.update", "groups.create"]
    # Applied once, the plan is empty: the writes did exactly what was planned.
    assert context.groups.plan(desired) == []


def test_members_of_an_unknown_kind_are_removed_by_id(
    context: AdminContext, fake: FakeWorkspace, tmp_path: Path
) -> None:
    fake.groups[2]["members"].append({"value": "999", "display": "account-only"})
    desired = load_desired_groups(write(tmp_path, "groups:\n  analysts:\n    members: {}\n"))
    plan = context.groups.plan(desired)
    assert plan[0].change.before["members"] == {
        "unknown": ["id:999"],
        "users": ["dave@example.com"],
    }
    apply_plan(plan, context.audit_log)
    assert fake.calls("PATCH")[0].body["Operations"] == [
        {"op": "remove", "path": 'members[value eq "104"]'},
        {"op": "remove", "path": 'members[value eq "999"]'},
    ]


def test_a_group_deleted_while_planning_is_created(
    context: AdminContext, fake: FakeWorkspace, tmp_path: Path
) -> None:
    fake.fail("GET", "/api/2.0/preview/scim/v2/Groups/303", 404)
    desired = load_desired_groups(write(tmp_path, "groups:\n  analysts:\n    entitlements: []\n"))
    assert [p.change.action for p in context.groups.plan(desired)] == ["groups.create"]


def test_unknown_members_are_named(context: AdminContext, tmp_path: Path) -> None:
    text = (
        "groups:\n  g:\n    members:\n      users: [nobody@example.com]\n      groups: [ghosts]\n"
    )
    with pytest.raises(DesiredStateError, match=r"users: nobody@example\.com; groups: ghosts"):
        context.groups.plan(load_desired_groups(write(tmp_path, text)))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("groups: []\n", "'groups' must map group names"),
        ("groups:\n  g: [1]\n", "group 'g': expected a mapping"),
        ("groups:\n  g:\n    entitlments: []\n", "unknown key\\(s\\) entitlments"),
        ("groups:\n  g:\n    entitlements: [admin]\n", "unknown entitlement\\(s\\) admin"),
        ("groups:\n  g:\n    members: [a]\n", "'members' must map kinds"),
        ("groups:\n  g:\n    members:\n      people: [a]\n", "unknown key\\(s\\) people"),
        ("groups:\n  g:\n    entitlements: [1]\n", "expected a list of non-empty strings"),
        ("other: 1\n", "top-level 'groups' key"),
        ("groups: [\n", "not valid YAML"),
    ],
)
def test_bad_files_name_the_problem(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(DesiredStateError, match=message):
        load_desired_groups(write(tmp_path, text))


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(DesiredStateError, match=r"missing\.yml: file not found"):
        load_desired_groups(tmp_path / "missing.yml")
