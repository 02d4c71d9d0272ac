"""Fixtures for admin tests: recorded payloads, the fake workspace and a context on it."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from databricks.sdk.oauth import HostMetadata

from {{ cookiecutter.package_name }}.admin import AdminContext

sys.path.insert(0, str(Path(__file__).parent))

from fake_workspace import FakeClock, FakeWorkspace

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "admin"
NOW = datetime(2025, 6, 8, tzinfo=UTC)


def recorded(name: str) -> Any:
    """One recorded response body from fixtures/admin."""
    return json.loads((FIXTURES / f"{name}.json").read_text())


@pytest.fixture(autouse=True)
def _no_host_metadata(monkeypatch: pytest.MonkeyPatch) -> None:
    # Config() asks {host}/.well-known/databricks-config at construction, inside the retry
    # budget; tests never let it reach the network.
    monkeypatch.setattr(
        "databricks.sdk.config.get_host_metadata",
        lambda *args, **kwargs: HostMetadata(oidc_endpoint=""),
    )


def seed(fake: FakeWorkspace) -> FakeWorkspace:
    """Load every recorded payload into the fake's state."""
    fake.users = recorded("users_list")["Resources"]
    fake.service_principals = recorded("service_principals_list")["Resources"]
    fake.groups = recorded("groups_list")["Resources"]
    fake.clusters = recorded("clusters_list")["clusters"]
    fake.compliance = recorded("policy_compliance")
    fake.tokens = recorded("token_management_list")["token_infos"]
    fake.workspace_conf = recorded("workspace_conf")
    fake.ip_access_lists = recorded("ip_access_lists_list")["ip_access_lists"]
    fake.secret_acls = {k: v["items"] for k, v in recorded("secret_acls").items()}
    fake.jobs = recorded("jobs_list")["jobs"]
    fake.warehouses = recorded("warehouses_list")["warehouses"]
    fake.workspace_objects = recorded("workspace_objects")["objects"]
    fake.permissions = {
        tuple(key.split("/")): value for key, value in recorded("permissions").items()
    }
    fake.settings = recorded("settings")
    fake.grants = {
        tuple(key.split("/")): {p: set(v) for p, v in grants.items()}
        for key, grants in recorded("grants").items()
    }
    return fake


@pytest.fixture
def fake() -> Iterator[FakeWorkspace]:
    with FakeWorkspace() as workspace:
        yield seed(workspace)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def context(fake: FakeWorkspace, clock: FakeClock, tmp_path: Path) -> AdminContext:
    """A context whose client talks to the fake, at a fixed time, logging to tmp_path."""
    return AdminContext(
        client=fake.client(clock),
        audit_log_path=tmp_path / "audit.jsonl",
        now=lambda: NOW,
    )
