"""Users and service principals: listing, inactivity and (de)activation over HTTP."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from databricks.sdk.service import settings

from {{ cookiecutter.package_name }}.admin import (
    AdminContext,
    apply_plan,
)
from {{ cookiecutter.package_name }}.admin.users import (
    Identity,
    UnknownIdentityError,
    find_inactive,
    last_token_use,
    merge_activity,
)

from conftest import NOW
from fake_workspace import FakeWorkspace

PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


def test_inventory_lists_users_in_one_request(context: AdminContext, fake: FakeWorkspace) -> None:
    users = context.users.users()
    assert [u.name for u in users] == [
        "alice@example.com",
        "bob@example.com",
        "carol@example.com",
        "dave@example.com",
        "erin@example.com",
    ]
    assert users[0] == Identity(
        "101",
        "alice@example.com",
        "Alice Admin",
        "user",
        True,
        ("databricks-sql-access", "workspace-access"),
    )
    # One page with everything, then the empty page that ends the SDK's loop.
    calls = fake.calls("GET", "/api/2.0/preview/scim/v2/Users")
    assert [c.query["startIndex"] for c in calls] == ["1", "6"]
    assert calls[0].query["attributes"] == "id,userName,displayName,active,entitlements"
    assert calls[0].query["count"] == "10000"


def test_paging_follows_start_index(context: AdminContext, fake: FakeWorkspace) -> None:
    fake.scim_max_page = 2
    assert len(context.users.users()) == 5
    calls = fake.calls("GET", "/api/2.0/preview/scim/v2/Users")
    assert [c.query["startIndex"] for c in calls] == ["1", "3", "5", "6"]


def test_pages_that_overlap_are_de_duplicated(context: AdminContext, fake: FakeWorkspace) -> None:
    # A user added while listing shifts later pages: each page repeats the previous page's
    # last user, which the SDK drops by id.
    fake.scim_max_page = 2
    fake.scim_overlap = 1
    names = [u.name for u in context.users.users()]
    assert names == sorted(set(names))
    assert len(names) == 5


def test_service_principals(context: AdminContext) -> None:
    principals = context.users.service_principals()
    assert [(p.name, p.display_name, p.active, p.kind) for p in principals] == [
        ("6f1c2d3e-0000-4000-8000-000000000001", "etl-sp", True, "service_principal"),
        ("6f1c2d3e-0000-4000-8000-000000000002", "retired-sp", False, "service_principal"),
    ]


def test_token_activity_uses_the_latest_day_per_user(context: AdminContext) -> None:
    assert context.users.token_activity() == {
        "alice@example.com": datetime(2025, 6, 7, tzinfo=UTC),
        "bob@example.com": datetime(2025, 1, 15, tzinfo=UTC),
        "erin@example.com": datetime(2025, 6, 7, tzinfo=UTC),
    }


def test_last_token_use_keeps_the_latest() -> None:
    tokens = [
        settings.TokenInfo(created_by_username="a", last_used_day=1_000 * 86_400_000),
        settings.TokenInfo(created_by_username="a", last_used_day=2_000 * 86_400_000),
        settings.TokenInfo(created_by_username="a", last_used_day=1_500 * 86_400_000),
        settings.TokenInfo(created_by_username=None, last_used_day=3_000 * 86_400_000),
    ]
    assert last_token_use(tokens) == {"a": datetime.fromtimestamp(2_000 * 86_400, tz=UTC)}


def test_inactive_users_combine_sources_and_skip_deactivated(context: AdminContext) -> None:
    audit = {"Dave@Example.com": datetime(2025, 5, 1, tzinfo=UTC)}
    activity = merge_activity(context.users.token_activity(), audit)
    inactive = find_inactive(context.users.users(), activity, NOW, days=90)
    # bob last used a token on 2025-01-15 (144 days); carol is already deactivated; dave
    # was active in May according to the audit log.
    assert [(i.identity.name, i.days_inactive) for i in inactive] == [("bob@example.com", 144)]


def test_never_seen_users_come_first() -> None:
    ids = [Identity(str(n), f"u{n}", "", "user", True, ()) for n in range(2)]
    seen = {"u1": datetime(2025, 1, 1, tzinfo=UTC)}
    inactive = find_inactive(ids, seen, NOW, days=30)
    assert [(i.identity.name, i.last_active) for i in inactive] == [
        ("u0", None),
        ("u1", datetime(2025, 1, 1, tzinfo=UTC)),
    ]
    with pytest.raises(ValueError, match="days must be at least 1, got 0"):
        find_inactive(ids, seen, NOW, days=0)


def test_deactivation_plan_sends_nothing_until_applied(
    context: AdminContext, fake: FakeWorkspace
) -> None:
    plan = context.users.plan_set_active(["Bob@Example.com", "carol@example.com"], active=False)
    # carol is inactive already: only bob changes.
    assert [p.change.describe() for p in plan] == [
        'users.deactivate user bob@example.com (id 102): {"active": true} -> {"active": false}'
    ]
    assert not [r for r in fake.requests if r.mutating]

    apply_plan(plan, context.audit_log)
    (patch,) = fake.calls("PATCH")
    assert patch.path == "/api/2.0/preview/scim/v2/Users/102"
    assert patch.body == {
        "schemas": [PATCH_OP],
        "Operations": [{"op": "replace", "path": "active", "value": False}],
    }
    assert context.users.plan_set_active(["bob@example.com"], active=False) == []


def test_applied_changes_are_audited(context: AdminContext, fake: FakeWorkspace) -> None:
    plan = context.users.plan_set_active(["carol@example.com"], active=True)
    apply_plan(plan, context.audit_log)
    (entry,) = [json.loads(line) for line in context.audit_log_path.read_text().splitlines()]
    assert entry == {
        "when": "2025-06-08T00:00:00+00:00",
        "who": "admin@example.com",
        "what": "users.reactivate",
        "target": "user carol@example.com (id 103)",
        "before": {"active": False},
        "after": {"active": True},
    }
    assert context.audit_log.entries() == [entry]


def test_service_principals_are_patched_on_their_own_endpoint(
    context: AdminContext, fake: FakeWorkspace
) -> None:
    plan = context.users.plan_set_active(["6f1c2d3e-0000-4000-8000-000000000001"], active=False)
    apply_plan(plan, context.audit_log)
    assert [r.path for r in fake.calls("PATCH")] == [
        "/api/2.0/preview/scim/v2/ServicePrincipals/201"
    ]


def test_unknown_names_are_listed(context: AdminContext) -> None:
    with pytest.raises(UnknownIdentityError, match=r"'nobody@example\.com', 'ghost'"):
        context.users.plan_set_active(["nobody@example.com", "ghost", "bob@example.com"], False)


def test_a_failed_write_stops_the_plan_and_keeps_earlier_entries(
    context: AdminContext, fake: FakeWorkspace
) -> None:
    plan = context.users.plan_set_active(["bob@example.com", "dave@example.com"], active=False)
    fake.fail("PATCH", "/api/2.0/preview/scim/v2/Users/104", 403, message="not an admin")
    with pytest.raises(Exception, match="not an admin"):
        apply_plan(plan, context.audit_log)
    assert [e["target"] for e in context.audit_log.entries()] == ["user bob@example.com (id 102)"]
    # Re-planning converges: only dave is left.
    left = context.users.plan_set_active(["bob@example.com", "dave@example.com"], active=False)
    assert [p.change.target for p in left] == ["user dave@example.com (id 104)"]


def test_the_sdk_drops_false_patch_values_so_exact_patch_is_needed() -> None:
    from databricks.sdk.service import iam

    from {{ cookiecutter.package_name }}.admin import scim

    sdk_body = iam.Patch(op=iam.PatchOp.REPLACE, path="active", value=False).as_dict()
    assert "value" not in sdk_body  # the pitfall: deactivation would send no value
    assert scim.replace("active", False).as_dict() == {
        "op": "replace",
        "path": "active",
        "value": False,
    }
