"""A small in-memory Databricks workspace on 127.0.0.1, for running the real Databricks CLI.

`databricks bundle validate` talks to a workspace: it reads the host metadata, asks who the
caller is, resolves `lookup` variables through list APIs, and creates the bundle's remote files
folder. FakeWorkspace answers exactly those calls (and the ones `bundle deploy` makes) from
in-memory state, and records every request so that tests can assert on what the CLI sent.

Anything it does not know is answered with HTTP 501 and recorded in `unhandled`, so a new call
made by a newer CLI shows up as a clear test failure instead of a silent pass. The server also
acts as the egress trap: tests point HTTP(S)_PROXY at it, so a request for any host other than
the loopback one (which the CLI would otherwise send to the internet) arrives here as a proxy
request, is refused and is recorded in `escaped`.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import PurePosixPath
from typing import Any, Self
from urllib.parse import parse_qs, unquote, urlsplit

DEFAULT_USER = "alice@example.com"
USER_TOKEN = "dapi-fake-user-token"
SERVICE_PRINCIPAL_TOKEN = "dapi-fake-service-principal-token"
DEFAULT_WAREHOUSES = ({"id": "f00dfeedf00dfeed", "name": "Serverless Starter Warehouse"},)
DEFAULT_CLUSTER_POLICIES = ({"policy_id": "E0631F5C0D000001", "name": "Job Compute"},)
WORKSPACE_ID = "1234567890123456"


@dataclass(frozen=True)
class Principal:
    """Who a token belongs to: a user (an email) or a service principal (an application id)."""

    name: str
    is_service_principal: bool = False

    @property
    def home(self) -> str:
        return f"/Workspace/Users/{self.name}"

    def acl_entry(self, level: str, *, inherited: bool) -> dict[str, Any]:
        key = "service_principal_name" if self.is_service_principal else "user_name"
        return {
            key: self.name,
            "all_permissions": [{"permission_level": level, "inherited": inherited}],
        }


@dataclass(frozen=True)
class RecordedRequest:
    """One request the CLI made: who, method, path without query, query values, parsed body."""

    principal: str
    method: str
    path: str
    query: dict[str, list[str]]
    body: Any


class ApiError(Exception):
    """An error answered the way the Databricks REST API does (error_code + message)."""

    def __init__(self, status: HTTPStatus, error_code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.error_code = error_code
        self.message = message


def not_found(what: str) -> ApiError:
    return ApiError(HTTPStatus.NOT_FOUND, "RESOURCE_DOES_NOT_EXIST", f"{what} does not exist")


Handler = Callable[["FakeWorkspace", RecordedRequest, re.Match[str]], Any]


@dataclass
class WorkspaceState:
    """What the fake workspace holds; every mutation goes through FakeWorkspace's lock."""

    objects: dict[str, dict[str, Any]] = field(default_factory=dict)
    contents: dict[str, bytes] = field(default_factory=dict)
    jobs: dict[int, dict[str, Any]] = field(default_factory=dict)
    permissions: dict[str, Any] = field(default_factory=dict)
    schemas: dict[str, dict[str, Any]] = field(default_factory=dict)
    volumes: dict[str, dict[str, Any]] = field(default_factory=dict)
    clusters: dict[str, dict[str, Any]] = field(default_factory=dict)


class FakeWorkspace:
    """An HTTP server with workspace state; use as a context manager (starts and stops it)."""

    def __init__(
        self,
        *,
        principals: dict[str, Principal] | None = None,
        warehouses: tuple[dict[str, str], ...] = DEFAULT_WAREHOUSES,
        cluster_policies: tuple[dict[str, str], ...] = DEFAULT_CLUSTER_POLICIES,
    ) -> None:
        # token -> principal; each principal has a home folder, as in a real workspace.
        self.principals = principals or {USER_TOKEN: Principal(DEFAULT_USER)}
        self.warehouses = [dict(w) for w in warehouses]
        self.cluster_policies = [dict(p) for p in cluster_policies]
        self.state = WorkspaceState()
        self.requests: list[RecordedRequest] = []
        self.unhandled: list[str] = []
        self.escaped: list[str] = []
        self._lock = threading.Lock()
        self._ids = itertools.count(1001)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        for principal in self.principals.values():
            self._make_dirs(principal.home)

    # --- lifecycle ---------------------------------------------------------------------------

    def __enter__(self) -> Self:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_class(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)

    @property
    def url(self) -> str:
        """The workspace host to give the CLI, e.g. http://127.0.0.1:40123."""
        if self._server is None:
            raise RuntimeError("FakeWorkspace is not started; use it as a context manager")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # --- queries for tests ------------------------------------------------------------------

    def calls(self, method: str, path_prefix: str) -> list[RecordedRequest]:
        """The recorded requests with this method whose path starts with path_prefix."""
        with self._lock:
            return [
                r for r in self.requests if r.method == method and r.path.startswith(path_prefix)
            ]

    def directories(self) -> set[str]:
        """Every folder that exists in the workspace tree."""
        with self._lock:
            return {p for p, o in self.state.objects.items() if o["object_type"] == "DIRECTORY"}

    def files_under(self, root: str) -> dict[str, bytes]:
        """Uploaded file contents below a workspace folder, keyed by path relative to it."""
        prefix = root.rstrip("/") + "/"
        with self._lock:
            return {
                path.removeprefix(prefix): data
                for path, data in self.state.contents.items()
                if path.startswith(prefix)
            }

    # --- request dispatch ------------------------------------------------------------------

    def handle(
        self, method: str, raw_path: str, body: bytes, authorization: str
    ) -> tuple[HTTPStatus, Any]:
        split = urlsplit(raw_path)
        principal = self.principals.get(authorization.removeprefix("Bearer "))
        request = RecordedRequest(
            principal.name if principal else "",
            method,
            split.path,
            parse_qs(split.query),
            _parse_body(body),
        )
        with self._lock:
            self.requests.append(request)
        public = split.path.startswith("/.well-known/")
        if principal is None and not public:
            return HTTPStatus.UNAUTHORIZED, {
                "error_code": "UNAUTHENTICATED",
                "message": "the token is not one of the fake workspace's principals",
            }
        for route_method, pattern, handler in ROUTES:
            match = pattern.fullmatch(split.path)
            if route_method == method and match:
                try:
                    with self._lock:
                        return HTTPStatus.OK, handler(self, request, match)
                except ApiError as error:
                    return error.status, {"error_code": error.error_code, "message": error.message}
        with self._lock:
            self.unhandled.append(f"{method} {split.path}")
        return HTTPStatus.NOT_IMPLEMENTED, {
            "error_code": "NOT_IMPLEMENTED",
            "message": f"the fake workspace does not serve {method} {split.path}",
        }

    def record_escape(self, description: str) -> None:
        with self._lock:
            self.escaped.append(description)

    # --- principals and the workspace tree (called with the lock held) ---------------------

    def principal_names(self) -> list[str]:
        return [p.name for p in self.principals.values()]

    def principal_named(self, name: str) -> Principal:
        return next(p for p in self.principals.values() if p.name == name)

    def home_owner(self, path: str) -> Principal | None:
        """The principal whose home folder holds path, if any."""
        for principal in self.principals.values():
            if path == principal.home or path.startswith(principal.home + "/"):
                return principal
        return None

    def _new_id(self) -> int:
        return next(self._ids)

    def _make_dirs(self, path: str) -> None:
        current = PurePosixPath(path)
        for folder in [current, *current.parents]:
            key = str(folder)
            if key == "/" or key in self.state.objects:
                continue
            self.state.objects[key] = {
                "object_type": "DIRECTORY",
                "path": key,
                "object_id": self._new_id(),
            }

    def _put_file(self, path: str, data: bytes, object_type: str = "FILE") -> None:
        self._make_dirs(str(PurePosixPath(path).parent))
        existing = self.state.objects.get(path)
        self.state.objects[path] = {
            "object_type": object_type,
            "path": path,
            "object_id": existing["object_id"] if existing else self._new_id(),
            "size": len(data),
        }
        self.state.contents[path] = data

    def _delete(self, path: str, recursive: bool) -> None:
        if path not in self.state.objects:
            raise not_found(f"Path ({path})")
        children = [p for p in self.state.objects if p.startswith(path.rstrip("/") + "/")]
        if children and not recursive:
            raise ApiError(
                HTTPStatus.BAD_REQUEST, "DIRECTORY_NOT_EMPTY", f"Folder ({path}) is not empty"
            )
        for doomed in [path, *children]:
            self.state.objects.pop(doomed, None)
            self.state.contents.pop(doomed, None)


def _parse_body(body: bytes) -> Any:
    if not body:
        return None
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return body


def _workspace_path(match: re.Match[str]) -> str:
    """The absolute workspace path captured by a `{path...}` route segment."""
    return "/" + unquote(match["path"]).lstrip("/")


# --- route handlers ----------------------------------------------------------------------------


def host_metadata(ws: FakeWorkspace, _: RecordedRequest, __: re.Match[str]) -> Any:
    return {"oidc_endpoint": f"{ws.url}/oidc", "workspace_id": WORKSPACE_ID}


def current_user(ws: FakeWorkspace, request: RecordedRequest, _: re.Match[str]) -> Any:
    principal = ws.principal_named(request.principal)
    display = "CI deployer" if principal.is_service_principal else principal.name.split("@")[0]
    return {
        "id": str(7001 + sorted(ws.principal_names()).index(principal.name)),
        "userName": principal.name,
        "displayName": display,
        "active": True,
        "groups": [{"display": "users", "value": "1"}],
    }


def get_status(ws: FakeWorkspace, request: RecordedRequest, _: re.Match[str]) -> Any:
    path = request.query.get("path", [""])[0]
    found = ws.state.objects.get(path)
    if found is None:
        raise not_found(f"Path ({path})")
    return found


def mkdirs(ws: FakeWorkspace, request: RecordedRequest, _: re.Match[str]) -> Any:
    ws._make_dirs(request.body["path"])
    return {}


def directory_permissions(ws: FakeWorkspace, _: RecordedRequest, match: re.Match[str]) -> Any:
    """A folder's ACL: what was set on it, plus its home owner's inherited CAN_MANAGE."""
    object_id = int(match["object_id"])
    folder = next(
        (path for path, o in ws.state.objects.items() if o["object_id"] == object_id), None
    )
    if folder is None or ws.state.objects[folder]["object_type"] != "DIRECTORY":
        raise not_found(f"Directory ({object_id})")
    acl = list(ws.state.permissions.get(folder, []))
    owner = ws.home_owner(folder)
    if owner is not None:
        acl.append(owner.acl_entry("CAN_MANAGE", inherited=folder != owner.home))
    return {
        "object_id": f"/directories/{object_id}",
        "object_type": "directory",
        "access_control_list": acl,
    }


def list_warehouses(ws: FakeWorkspace, _: RecordedRequest, __: re.Match[str]) -> Any:
    return {"warehouses": ws.warehouses}


def list_cluster_policies(ws: FakeWorkspace, _: RecordedRequest, __: re.Match[str]) -> Any:
    return {"policies": ws.cluster_policies}


ROUTES: tuple[tuple[str, re.Pattern[str], Handler], ...] = tuple(
    (method, re.compile(pattern), handler)
    for method, pattern, handler in (
        ("GET", r"/\.well-known/databricks-config", host_metadata),
        ("GET", r"/api/2\.0/preview/scim/v2/Me", current_user),
        ("GET", r"/api/2\.0/workspace/get-status", get_status),
        ("POST", r"/api/2\.0/workspace/mkdirs", mkdirs),
        ("GET", r"/api/2\.0/permissions/directories/(?P<object_id>\d+)", directory_permissions),
        ("GET", r"/api/2\.0/sql/warehouses", list_warehouses),
        ("GET", r"/api/2\.0/policies/clusters/list", list_cluster_policies),
    )
)


# --- HTTP plumbing -----------------------------------------------------------------------------


def _handler_class(workspace: FakeWorkspace) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            if not self.path.startswith("/"):
                # An absolute URI: the client used us as its proxy for some other host.
                workspace.record_escape(f"{self.command} {self.path}")
                self._reply(HTTPStatus.BAD_GATEWAY, {"message": "no network in tests"})
                return
            authorization = self.headers.get("Authorization", "")
            status, payload = workspace.handle(self.command, self.path, body, authorization)
            self._reply(status, payload)

        def do_CONNECT(self) -> None:
            workspace.record_escape(f"CONNECT {self.path}")
            self._reply(HTTPStatus.BAD_GATEWAY, {"message": "no network in tests"})

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

        def do_HEAD(self) -> None:
            authorization = self.headers.get("Authorization", "")
            status, _ = workspace.handle("HEAD", self.path, b"", authorization)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _reply(self, status: HTTPStatus, payload: Any) -> None:
            data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
            self.send_response(status)
            content_type = "application/octet-stream" if isinstance(payload, bytes) else None
            self.send_header("Content-Type", content_type or "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the recorded requests are the log."""

    return Handler


def iter_job_settings(workspace: FakeWorkspace) -> Iterator[dict[str, Any]]:
    """The settings of every job the CLI created or reset, in creation order."""
    with workspace._lock:
        yield from (job["settings"] for job in workspace.state.jobs.values())
