"""Unity Catalog grants as code: manual paging, lowercase types in URLs, exact PATCH bodies."""

from __future__ import annotations

from pathlib import Path

import pytest
from databricks.sdk.errors import NotFound

from {{ cookiecutter.package_name }}.admin import (
    AdminContext,
    apply_plan,
)
from {{ cookiecutter.package_name }}.admin.desired_state import (
    DesiredStateError,
)
from {{ cookiecutter.package_name }}.admin.grants import (
    DesiredGrants,
    PrincipalDiff,
    diff_grants,
    load_desired_grants,
)

from fake_workspace import FakeWorkspace

GRANTS = """
securables:
  - type: catalog
    name: main
    grants:
      data-engineers: [USE_CATALOG]
      analysts: [use_catalog]
  - type: schema
    name: main.sales
    exclusive: true
    grants:
      data-engineers: [USE_SCHEMA, SELECT, MODIFY]
      analysts: [USE_SCHEMA, SELECT, READ_VOLUME]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "grants.yml"
    path.write_text(text)
    return path


def test_current_grants_read_every_page(context: AdminContext, fake: FakeWorkspace) -> None:
    fake.grants_empty_first_page = True  # pages may be empty while more follow
    current = context.grants.current("schema", "main.sales")
    assert current == {
        "alice@example.com": frozenset({"ALL_PRIVILEGES"}),
        "analysts": frozenset({"SELECT", "USE_SCHEMA"}),
        "data-engineers": frozenset({"MODIFY", "SELECT", "USE_SCHEMA"}),
        "interns": frozenset({"SELECT"}),
    }
    calls = fake.calls("GET", "/api/2.1/unity-catalog/permissions/")
    assert [c.path for c in calls] == ["/api/2.1/unity-catalog/permissions/schema/main.sales"] * 3
    # An empty first page with a token, then two principals per page until no token.
    assert [c.query.get("page_token") for c in calls] == [None, "after-empty", "2"]
    assert [c.query["max_results"] for c in calls] == ["0"] * 3


def test_plan_and_apply(context: AdminContext, fake: FakeWorkspace, tmp_path: Path) -> None:
    desired = load_desired_grants(write(tmp_path, GRANTS))
    plan = context.grants.plan(desired)
    # The catalog already matches; the exclusive schema drops interns and alice.
    (change,) = [p.change for p in plan]
    assert change.target == "schema main.sales"
    assert change.before == {
        "alice@example.com": ["ALL_PRIVILEGES"],
        "analysts": ["SELECT", "USE_SCHEMA"],
        "interns": ["SELECT"],
    }
    assert change.after == {
        "alice@example.com": [],
        "analysts": ["READ_VOLUME", "SELECT", "USE_SCHEMA"],
        "interns": [],
    }
    assert not [r for r in fake.requests if r.mutating]

    apply_plan(plan, context.audit_log)
    (patch,) = fake.calls("PATCH")
    assert patch.path == "/api/2.1/unity-catalog/permissions/schema/main.sales"
    assert patch.body == {
        "changes": [
            {"principal": "alice@example.com", "remove": ["ALL_PRIVILEGES"]},
            {"principal": "analysts", "add": ["READ_VOLUME"]},
            {"principal": "interns", "remove": ["SELECT"]},
        ]
    }
    assert context.grants.plan(desired) == []
    assert context.grants.audit(desired) == []


def test_audit_reports_drift(context: AdminContext, tmp_path: Path) -> None:
    drift = context.grants.audit(load_desired_grants(write(tmp_path, GRANTS)))
    assert drift == [
        ("schema main.sales", PrincipalDiff("alice@example.com", (), ("ALL_PRIVILEGES",))),
        ("schema main.sales", PrincipalDiff("analysts", ("READ_VOLUME",), ())),
        ("schema main.sales", PrincipalDiff("interns", (), ("SELECT",))),
    ]


def test_without_exclusive_other_principals_are_untouched() -> None:
    desired = DesiredGrants("schema", "s", {"a": frozenset({"SELECT"})})
    current = {"a": frozenset({"SELECT", "MODIFY"}), "b": frozenset({"SELECT"})}
    assert diff_grants(desired, current) == [PrincipalDiff("a", (), ("MODIFY",))]


def test_missing_securable_is_not_found(context: AdminContext) -> None:
    with pytest.raises(NotFound):
        context.grants.current("table", "main.sales.nope")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("securables: {}\n", "must be a non-empty list"),
        ("securables:\n  - 1\n", r"securables\[0\]: expected a mapping"),
        ("securables:\n  - type: TABLE\n    name: a.b.c\n", "type 'TABLE' is not one of"),
        ("securables:\n  - type: table\n", "'name' .* is required"),
        (
            "securables:\n  - {type: schema, name: a.b}\n  - {type: schema, name: a.b}\n",
            r"securables\[1\]: schema a.b is listed twice",
        ),
        ("securables:\n  - {type: schema, name: a.b, grants: [x]}\n", "'grants' must map"),
        (
            "securables:\n  - {type: schema, name: a.b, grants: {g: [SELEKT]}}\n",
            r"g: unknown privilege\(s\) SELEKT",
        ),
        ("securables:\n  - {type: schema, name: a.b, exclusive: yes please}\n", "true or false"),
        ("securables:\n  - {type: schema, name: a.b, owner: x}\n", r"unknown key\(s\) owner"),
    ],
)
def test_bad_files_name_the_problem(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(DesiredStateError, match=message):
        load_desired_grants(write(tmp_path, text))
