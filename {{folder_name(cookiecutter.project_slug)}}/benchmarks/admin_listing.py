"""Scale benchmark: list 10,000 users and 1,000 clusters from the in-process fake workspace.

Run with ``uv run python benchmarks/admin_listing.py``. It counts the HTTP requests each way of
listing makes and times it, against a baseline run in the same invocation: the SDK's listings
with a small page and every attribute (what a quick script does). The admin services ask for
the largest pages and only the attributes they show, so they need the fewest requests:
ceil(users / 10,000) + 1 SCIM requests (the SDK stops on an empty page) and
ceil(clusters / 100) cluster pages. It exits non-zero if a count is above that minimum.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable
from pathlib import Path
from unittest import mock

from databricks.sdk.oauth import HostMetadata

from {{ cookiecutter.package_name }}.admin.clusters import (
    ClustersService,
)
from {{ cookiecutter.package_name }}.admin.users import UsersService

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "admin"))

from fake_workspace import FakeWorkspace  # noqa: E402

USERS = 10_000
CLUSTERS = 1_000
SCIM_PAGE = 10_000  # the SDK's default count, which the fake serves in full
CLUSTER_PAGE = 100


def populate(fake: FakeWorkspace) -> None:
    fake.users = [
        {
            "id": str(100_000 + n),
            "userName": f"user{n:05d}@example.com",
            "displayName": f"User {n:05d}",
            "active": n % 10 != 0,
            "entitlements": [{"value": "workspace-access"}],
            "groups": [{"value": str(g), "display": f"group-{g}"} for g in range(n % 5)],
            "emails": [{"value": f"user{n:05d}@example.com", "primary": True}],
            "name": {"givenName": "User", "familyName": f"{n:05d}"},
        }
        for n in range(USERS)
    ]
    fake.clusters = [
        {
            "cluster_id": f"{n:04d}-000000-cluster",
            "cluster_name": f"cluster-{n}",
            "state": "RUNNING" if n % 3 else "TERMINATED",
            "cluster_source": "UI" if n % 2 else "JOB",
            "creator_user_name": f"user{n:05d}@example.com",
            "spark_version": "17.3.x-scala2.13",
            "node_type_id": "m5d.xlarge",
            "num_workers": 2,
            "data_security_mode": "DATA_SECURITY_MODE_STANDARD",
            "start_time": 1_749_000_000_000,
        }
        for n in range(CLUSTERS)
    ]


def measure(fake: FakeWorkspace, path: str, listing: Callable[[], list]) -> tuple[int, int, float]:
    """(items, requests, seconds) for one listing."""
    before = len(fake.calls("GET", path))
    started = time.perf_counter()
    items = len(listing())
    seconds = time.perf_counter() - started
    return items, len(fake.calls("GET", path)) - before, seconds


def main() -> int:
    with (
        mock.patch(
            "databricks.sdk.config.get_host_metadata",
            return_value=HostMetadata(oidc_endpoint=""),
        ),
        FakeWorkspace(scim_max_page=SCIM_PAGE, cluster_max_page=CLUSTER_PAGE) as fake,
    ):
        populate(fake)
        ws = fake.client()
        users, clusters = UsersService(ws), ClustersService(ws)
        scim = "/api/2.0/preview/scim/v2/Users"
        cluster_list = "/api/2.1/clusters/list"
        runs = [
            ("users", "baseline", measure(fake, scim, lambda: list(ws.users.list(count=100)))),
            ("users", "admin", measure(fake, scim, users.users)),
            ("clusters", "baseline", measure(fake, cluster_list, lambda: list(ws.clusters.list()))),
            ("clusters", "admin", measure(fake, cluster_list, clusters.inventory)),
        ]
    minimal = {
        "users": math.ceil(USERS / SCIM_PAGE) + 1,
        "clusters": math.ceil(CLUSTERS / CLUSTER_PAGE),
    }
    print(f"{'listing':<10}{'how':<10}{'items':>8}{'requests':>10}{'seconds':>10}")
    results = {}
    for kind, how, (items, requests, seconds) in runs:
        results[kind, how] = (requests, seconds)
        print(f"{kind:<10}{how:<10}{items:>8}{requests:>10}{seconds:>10.3f}")
    status = 0
    for kind in ("users", "clusters"):
        base_requests, base_seconds = results[kind, "baseline"]
        requests, seconds = results[kind, "admin"]
        print(
            f"{kind}: {base_requests / requests:.1f}x fewer requests, "
            f"{base_seconds / seconds:.1f}x faster than the baseline "
            f"(minimum possible: {minimal[kind]} requests)"
        )
        if requests > minimal[kind]:
            print(f"{kind}: {requests} requests, more than the minimum {minimal[kind]}")
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
