"""An in-process fake of the Databricks REST endpoints the admin module calls.

It serves real HTTP on 127.0.0.1, so the real ``WorkspaceClient`` runs end to end: URL and
query encoding, JSON (de)serialisation, paging, error mapping and retries. It records every
request, can inject failures (403, 404, 429, ...) and keeps just enough state (SCIM PATCH,
cluster termination, grant updates) to check that an applied plan converges.
"""

from __future__ import annotations

import copy
import itertools
import json
import re
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from databricks.sdk import WorkspaceClient
from databricks.sdk.clock import Clock
from databricks.sdk.config import Config
from databricks.sdk.credentials_provider import credentials_strategy

SCIM = "/api/2.0/preview/scim/v2"
ERROR_CODES = {
    400: "INVALID_PARAMETER_VALUE",
    403: "PERMISSION_DENIED",
    404: "RESOURCE_DOES_NOT_EXIST",
    429: "TOO_MANY_REQUESTS",
    500: "INTERNAL_ERROR",
}


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: dict[str, str]
    body: Any

    @property
    def mutating(self) -> bool:
        return (
            self.method in ("POST", "PUT", "PATCH", "DELETE") and "/sql/statements" not in self.path
        )


@dataclass
class Fault:
    method: str
    path: str
    status: int
    times: int
    message: str
    headers: dict[str, str] = field(default_factory=dict)


class FakeClock(Clock):
    """Time that only moves when the SDK sleeps, so retries take no real time."""

    def __init__(self, start: float = 1_750_000_000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@credentials_strategy("noop", [])
def _no_credentials(_: Config):
    return lambda: {"Authorization": "Bearer test-token"}


class FakeWorkspace:
    """State plus a threaded HTTP server; use as a context manager."""

    def __init__(self, scim_max_page: int = 10_000, cluster_max_page: int = 100) -> None:
        self.scim_max_page = scim_max_page
        self.scim_overlap = 0
        self.cluster_max_page = cluster_max_page
        self.grants_page_size = 2
        self.grants_empty_first_page = False
        self.users: list[dict[str, Any]] = []
        self.service_principals: list[dict[str, Any]] = []
        self.groups: list[dict[str, Any]] = []
        self.clusters: list[dict[str, Any]] = []
        self.compliance: dict[str, list[dict[str, Any]]] = {}
        self.tokens: list[dict[str, Any]] = []
        self.workspace_conf: dict[str, Any] = {}
        self.ip_access_lists: list[dict[str, Any]] = []
        self.secret_acls: dict[str, list[dict[str, Any]]] = {}
        self.jobs: list[dict[str, Any]] = []
        self.warehouses: list[dict[str, Any]] = []
        self.workspace_objects: list[dict[str, Any]] = []
        self.permissions: dict[tuple[str, str], dict[str, Any]] = {}
        self.settings: dict[str, dict[str, Any] | None] = {}
        self.grants: dict[tuple[str, str], dict[str, set[str]]] = {}
        self.statements: list[list[dict[str, Any]]] = []
        self.chunks: dict[tuple[str, int], dict[str, Any]] = {}
        self.me = {"id": "1", "userName": "admin@example.com"}
        self.requests: list[Request] = []
        self.faults: list[Fault] = []
        self._ids = itertools.count(9000)
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._routes: list[tuple[str, re.Pattern[str], Callable[..., tuple[int, Any]]]] = [
            ("GET", re.compile(rf"{SCIM}/Me"), self._me),
            ("GET", re.compile(rf"{SCIM}/(Users|ServicePrincipals|Groups)"), self._scim_list),
            (
                "GET",
                re.compile(rf"{SCIM}/(Users|ServicePrincipals|Groups)/([^/]+)"),
                self._scim_get,
            ),
            (
                "PATCH",
                re.compile(rf"{SCIM}/(Users|ServicePrincipals|Groups)/([^/]+)"),
                self._scim_patch,
            ),
            ("POST", re.compile(rf"{SCIM}/Groups"), self._group_create),
            ("GET", re.compile(r"/api/2\.1/clusters/list"), self._clusters_list),
            ("POST", re.compile(r"/api/2\.1/clusters/delete"), self._cluster_delete),
            ("GET", re.compile(r"/api/2\.1/clusters/get"), self._cluster_get),
            ("GET", re.compile(r"/api/2\.0/policies/clusters/list-compliance"), self._compliance),
            ("GET", re.compile(r"/api/2\.0/token-management/tokens"), self._tokens),
            ("GET", re.compile(r"/api/2\.0/workspace-conf"), self._workspace_conf),
            ("GET", re.compile(r"/api/2\.0/ip-access-lists"), self._ip_access_lists),
            ("GET", re.compile(r"/api/2\.0/secrets/scopes/list"), self._secret_scopes),
            ("GET", re.compile(r"/api/2\.0/secrets/acls/list"), self._secret_acls),
            ("GET", re.compile(r"/api/2\.2/jobs/list"), self._jobs),
            ("GET", re.compile(r"/api/2\.0/sql/warehouses"), self._warehouses),
            ("GET", re.compile(r"/api/2\.0/workspace/list"), self._workspace_list),
            ("GET", re.compile(r"/api/2\.0/permissions/([a-z-]+)/([^/]+)"), self._permissions),
            ("GET", re.compile(r"/api/2\.0/settings/types/([a-z_]+)/names/default"), self._setting),
            (
                "GET",
                re.compile(r"/api/2\.1/unity-catalog/permissions/([^/]+)/([^/]+)"),
                self._grants_get,
            ),
            (
                "PATCH",
                re.compile(r"/api/2\.1/unity-catalog/permissions/([^/]+)/([^/]+)"),
                self._grants_patch,
            ),
            ("POST", re.compile(r"/api/2\.0/sql/statements/?"), self._statement_submit),
            ("GET", re.compile(r"/api/2\.0/sql/statements/([^/]+)"), self._statement_get),
            (
                "GET",
                re.compile(r"/api/2\.0/sql/statements/([^/]+)/result/chunks/(\d+)"),
                self._chunk,
            ),
        ]

    # server ---------------------------------------------------------------------------

    def __enter__(self) -> FakeWorkspace:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def setup(self) -> None:
                super().setup()
                # Headers and body go out in two writes: without TCP_NODELAY, Nagle's
                # algorithm and delayed ACKs add ~40 ms to every keep-alive response.
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                status, body, headers = fake.handle(self.command, self.path, raw)
                payload = b"" if body is None else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _serve  # noqa: N815

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.shutdown()
        self._server.server_close()

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def client(self, clock: FakeClock | None = None) -> WorkspaceClient:
        """A real WorkspaceClient pointed at this fake (no credentials, fake clock)."""
        config = Config(
            host=self.url,
            credentials_strategy=_no_credentials,
            clock=clock or FakeClock(),
            retry_timeout_seconds=30,
        )
        return WorkspaceClient(config=config)

    def fail(
        self,
        method: str,
        path: str,
        status: int,
        times: int = 1,
        message: str = "injected failure",
        headers: dict[str, str] | None = None,
    ) -> None:
        """Answer the next ``times`` matching requests (path prefix) with an error."""
        self.faults.append(Fault(method, path, status, times, message, headers or {}))

    def calls(self, method: str | None = None, path: str = "") -> list[Request]:
        """Recorded requests, optionally by method and path prefix."""
        return [
            r
            for r in self.requests
            if (method is None or r.method == method) and r.path.startswith(path)
        ]

    def handle(self, method: str, target: str, raw: bytes) -> tuple[int, Any, dict[str, str]]:
        parts = urlsplit(target)
        path = unquote(parts.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        body = json.loads(raw) if raw else None
        with self._lock:
            self.requests.append(Request(method, path, query, body))
            for fault in self.faults:
                if fault.times > 0 and fault.method == method and path.startswith(fault.path):
                    fault.times -= 1
                    error = {
                        "error_code": ERROR_CODES.get(fault.status, "UNKNOWN"),
                        "message": fault.message,
                    }
                    return fault.status, error, fault.headers
            for route_method, pattern, handler in self._routes:
                match = pattern.fullmatch(path)
                if match and route_method == method:
                    status, payload = handler(*match.groups(), query=query, body=body)
                    return status, payload, {}
        return (
            404,
            {"error_code": "ENDPOINT_NOT_FOUND", "message": f"No API found for {method} {path}"},
            {},
        )

    # SCIM -------------------------------------------------------------------------------

    def _table(self, kind: str) -> list[dict[str, Any]]:
        return {
            "Users": self.users,
            "ServicePrincipals": self.service_principals,
            "Groups": self.groups,
        }[kind]

    def _me(self, query: dict, body: Any) -> tuple[int, Any]:
        return 200, self.me

    def _scim_list(self, kind: str, query: dict, body: Any) -> tuple[int, Any]:
        items = [i for i in self._table(kind) if _matches(i, query.get("filter"))]
        start = int(query.get("startIndex", 1))
        count = min(int(query.get("count", 100)), self.scim_max_page)
        first = max(0, start - 1 - (self.scim_overlap if start > 1 else 0))
        page = [_project(i, query.get("attributes")) for i in items[first : first + count]]
        return 200, {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
            "totalResults": len(items),
            "startIndex": start,
            "itemsPerPage": len(page),
            "Resources": page,
        }

    def _find(self, kind: str, item_id: str) -> dict[str, Any] | None:
        return next((i for i in self._table(kind) if i["id"] == item_id), None)

    def _scim_get(self, kind: str, item_id: str, query: dict, body: Any) -> tuple[int, Any]:
        item = self._find(kind, item_id)
        if item is None:
            return 404, {
                "error_code": "RESOURCE_DOES_NOT_EXIST",
                "message": f"{kind} {item_id} not found",
            }
        return 200, item

    def _scim_patch(self, kind: str, item_id: str, query: dict, body: Any) -> tuple[int, Any]:
        item = self._find(kind, item_id)
        if item is None:
            return 404, {
                "error_code": "RESOURCE_DOES_NOT_EXIST",
                "message": f"{kind} {item_id} not found",
            }
        for operation in body["Operations"]:
            path = operation["path"]
            if operation["op"] == "replace":
                item[path] = operation["value"]
            elif operation["op"] == "add":
                existing = item.setdefault(path, [])
                known = {e["value"] for e in existing}
                existing += [v for v in operation["value"] if v["value"] not in known]
            elif operation["op"] == "remove":
                attribute, value = re.fullmatch(r'(\w+)\[value eq "([^"]+)"\]', path).groups()
                item[attribute] = [e for e in item.get(attribute, []) if e["value"] != value]
        return 204, None

    def _group_create(self, query: dict, body: Any) -> tuple[int, Any]:
        group = {"id": str(next(self._ids)), **body}
        self.groups.append(group)
        return 201, group

    # compute ----------------------------------------------------------------------------

    def _clusters_list(self, query: dict, body: Any) -> tuple[int, Any]:
        offset = int(query.get("page_token") or 0)
        size = min(int(query.get("page_size") or 20), self.cluster_max_page)
        page = self.clusters[offset : offset + size]
        response: dict[str, Any] = {"clusters": page}
        if offset + size < len(self.clusters):
            response["next_page_token"] = str(offset + size)
        return 200, response

    def _cluster_get(self, query: dict, body: Any) -> tuple[int, Any]:
        for cluster in self.clusters:
            if cluster["cluster_id"] == query["cluster_id"]:
                return 200, cluster
        return 400, {
            "error_code": "INVALID_PARAMETER_VALUE",
            "message": f"Cluster {query['cluster_id']} does not exist",
        }

    def _cluster_delete(self, query: dict, body: Any) -> tuple[int, Any]:
        for cluster in self.clusters:
            if cluster["cluster_id"] == body["cluster_id"]:
                cluster["state"] = "TERMINATED"
                return 200, {}
        return 400, {
            "error_code": "INVALID_PARAMETER_VALUE",
            "message": f"Cluster {body['cluster_id']} does not exist",
        }

    def _compliance(self, query: dict, body: Any) -> tuple[int, Any]:
        policy_id = query["policy_id"]
        if policy_id not in self.compliance:
            return 404, {"error_code": "RESOURCE_DOES_NOT_EXIST", "message": f"policy {policy_id}"}
        return 200, {"clusters": self.compliance[policy_id]}

    # settings and security --------------------------------------------------------------

    def _tokens(self, query: dict, body: Any) -> tuple[int, Any]:
        return 200, {"token_infos": self.tokens}

    def _workspace_conf(self, query: dict, body: Any) -> tuple[int, Any]:
        keys = query.get("keys", "").split(",")
        return 200, {key: self.workspace_conf.get(key) for key in keys}

    def _ip_access_lists(self, query: dict, body: Any) -> tuple[int, Any]:
        return 200, {"ip_access_lists": self.ip_access_lists}

    def _secret_scopes(self, query: dict, body: Any) -> tuple[int, Any]:
        return 200, {
            "scopes": [{"name": name, "backend_type": "DATABRICKS"} for name in self.secret_acls]
        }

    def _secret_acls(self, query: dict, body: Any) -> tuple[int, Any]:
        return 200, {"items": self.secret_acls[query["scope"]]}

    def _setting(self, name: str, query: dict, body: Any) -> tuple[int, Any]:
        value = self.settings.get(name)
        if value is None:
            return 404, {"error_code": "RESOURCE_DOES_NOT_EXIST", "message": f"setting {name}"}
        return 200, value

    # workspace objects ------------------------------------------------------------------

    def _jobs(self, query: dict, body: Any) -> tuple[int, Any]:
        offset = int(query.get("page_token") or 0)
        size = int(query.get("limit") or 20)
        response: dict[str, Any] = {"jobs": self.jobs[offset : offset + size]}
        if offset + size < len(self.jobs):
            response.update(has_more=True, next_page_token=str(offset + size))
        return 200, response

    def _warehouses(self, query: dict, body: Any) -> tuple[int, Any]:
        return 200, {"warehouses": self.warehouses}

    def _workspace_list(self, query: dict, body: Any) -> tuple[int, Any]:
        folder = query["path"].rstrip("/")
        children = [
            o
            for o in self.workspace_objects
            if o["path"].rsplit("/", 1)[0] == folder and o["path"] != folder
        ]
        return 200, {"objects": children}

    def _permissions(
        self, object_type: str, object_id: str, query: dict, body: Any
    ) -> tuple[int, Any]:
        acl = self.permissions.get((object_type, object_id))
        if acl is None:
            return 404, {
                "error_code": "RESOURCE_DOES_NOT_EXIST",
                "message": f"{object_type} {object_id}",
            }
        return 200, acl

    # Unity Catalog grants ---------------------------------------------------------------

    def _grants_get(
        self, securable_type: str, name: str, query: dict, body: Any
    ) -> tuple[int, Any]:
        key = (securable_type, name)
        if key not in self.grants:
            return 404, {
                "error_code": "RESOURCE_DOES_NOT_EXIST",
                "message": f"{securable_type} {name}",
            }
        assignments = [
            {"principal": p, "privileges": sorted(privs)}
            for p, privs in sorted(self.grants[key].items())
        ]
        token = query.get("page_token")
        if self.grants_empty_first_page and token is None:
            return 200, {"privilege_assignments": [], "next_page_token": "after-empty"}
        offset = 0 if token in (None, "after-empty") else int(token)
        page = assignments[offset : offset + self.grants_page_size]
        response: dict[str, Any] = {"privilege_assignments": page}
        if offset + self.grants_page_size < len(assignments):
            response["next_page_token"] = str(offset + self.grants_page_size)
        return 200, response

    def _grants_patch(
        self, securable_type: str, name: str, query: dict, body: Any
    ) -> tuple[int, Any]:
        current = self.grants.setdefault((securable_type, name), {})
        for change in body.get("changes", []):
            privileges = current.setdefault(change["principal"], set())
            privileges |= set(change.get("add", []))
            privileges -= set(change.get("remove", []))
            if not privileges:
                del current[change["principal"]]
        return 200, {
            "privilege_assignments": [
                {"principal": p, "privileges": sorted(v)} for p, v in current.items()
            ]
        }

    # SQL statements ---------------------------------------------------------------------

    def _statement_submit(self, query: dict, body: Any) -> tuple[int, Any]:
        return 200, self.statements[0].pop(0)

    def _statement_get(self, statement_id: str, query: dict, body: Any) -> tuple[int, Any]:
        return 200, self.statements[0].pop(0)

    def _chunk(self, statement_id: str, index: str, query: dict, body: Any) -> tuple[int, Any]:
        return 200, self.chunks[(statement_id, int(index))]


def _matches(item: dict[str, Any], expression: str | None) -> bool:
    """The SCIM filters the admin module uses: ``attribute eq value``."""
    if not expression:
        return True
    attribute, value = re.fullmatch(r'(\w+) eq (?:"([^"]*)"|(\w+))', expression).group(1, 2)
    if value is None:
        raw = expression.split(" eq ")[1]
        return str(item.get(attribute)).lower() == raw.lower()
    return item.get(attribute) == value


def _project(item: dict[str, Any], attributes: str | None) -> dict[str, Any]:
    if not attributes:
        return copy.deepcopy(item)
    wanted = set(attributes.split(",")) | {"id"}
    return {k: copy.deepcopy(v) for k, v in item.items() if k in wanted}
