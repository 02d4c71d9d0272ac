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

import base64
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
    raw: bytes = b""


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
    dashboards: dict[str, dict[str, Any]] = field(default_factory=dict)
    published: dict[str, dict[str, Any]] = field(default_factory=dict)
    experiments: dict[str, dict[str, Any]] = field(default_factory=dict)
    registered_models: dict[str, dict[str, Any]] = field(default_factory=dict)


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
            body,
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


# --- what `bundle deploy` adds: files, jobs, permissions, schemas, volumes ---------------------


def _flag(request: RecordedRequest, name: str) -> bool:
    return request.query.get(name, ["false"])[0].lower() == "true"


def import_file(ws: FakeWorkspace, request: RecordedRequest, match: re.Match[str]) -> Any:
    path = _workspace_path(match)
    if path in ws.state.objects and not _flag(request, "overwrite"):
        raise ApiError(HTTPStatus.CONFLICT, "RESOURCE_ALREADY_EXISTS", f"{path} already exists")
    ws._put_file(path, request.raw)
    return {}


def import_object(ws: FakeWorkspace, request: RecordedRequest, _: re.Match[str]) -> Any:
    """workspace/import: notebooks (and files) sent base64-encoded in a JSON body."""
    body = request.body
    path = body["path"]
    if path in ws.state.objects and not body.get("overwrite"):
        raise ApiError(HTTPStatus.CONFLICT, "RESOURCE_ALREADY_EXISTS", f"{path} already exists")
    kind = "NOTEBOOK" if body.get("format") in {"SOURCE", "JUPYTER", "AUTO"} else "FILE"
    ws._put_file(path, base64.b64decode(body.get("content", "")), kind)
    return {}


def read_file(ws: FakeWorkspace, _: RecordedRequest, match: re.Match[str]) -> Any:
    path = _workspace_path(match)
    if path not in ws.state.contents:
        raise not_found(f"File ({path})")
    return ws.state.contents[path]


def export_object(ws: FakeWorkspace, request: RecordedRequest, _: re.Match[str]) -> Any:
    path = request.query.get("path", [""])[0]
    if path not in ws.state.contents:
        raise not_found(f"Path ({path})")
    if _flag(request, "direct_download"):
        return ws.state.contents[path]
    return {"content": base64.b64encode(ws.state.contents[path]).decode()}


def delete_object(ws: FakeWorkspace, request: RecordedRequest, _: re.Match[str]) -> Any:
    ws._delete(request.body["path"], bool(request.body.get("recursive")))
    return {}


def list_objects(ws: FakeWorkspace, request: RecordedRequest, _: re.Match[str]) -> Any:
    folder = request.query.get("path", [""])[0].rstrip("/")
    if ws.state.objects.get(folder, {}).get("object_type") != "DIRECTORY":
        raise not_found(f"Path ({folder})")
    children = [
        o for p, o in sorted(ws.state.objects.items()) if str(PurePosixPath(p).parent) == folder
    ]
    return {"objects": children}


def create_job(ws: FakeWorkspace, request: RecordedRequest, _: re.Match[str]) -> Any:
    job_id = ws._new_id()
    ws.state.jobs[job_id] = {
        "job_id": job_id,
        "creator_user_name": request.principal,
        "run_as_user_name": request.principal,
        "settings": request.body,
        "created_time": 1_700_000_000_000,
    }
    return {"job_id": job_id}


def _job(ws: FakeWorkspace, job_id: Any) -> dict[str, Any]:
    job = ws.state.jobs.get(int(job_id))
    if job is None:
        raise ApiError(
            HTTPStatus.BAD_REQUEST, "INVALID_PARAMETER_VALUE", f"Job {job_id} does not exist."
        )
    return job


def get_job(ws: FakeWorkspace, request: RecordedRequest, _: re.Match[str]) -> Any:
    return _job(ws, request.query.get("job_id", ["0"])[0])


def reset_job(ws: FakeWorkspace, request: RecordedRequest, _: re.Match[str]) -> Any:
    _job(ws, request.body["job_id"])["settings"] = request.body["new_settings"]
    return {}


def delete_job(ws: FakeWorkspace, request: RecordedRequest, _: re.Match[str]) -> Any:
    _job(ws, request.body["job_id"])
    del ws.state.jobs[int(request.body["job_id"])]
    return {}


def set_permissions(ws: FakeWorkspace, request: RecordedRequest, match: re.Match[str]) -> Any:
    key = f"/{match['object_type']}/{match['object_id']}"
    acl = [
        {
            **{k: v for k, v in entry.items() if k != "permission_level"},
            "all_permissions": [
                {"permission_level": entry["permission_level"], "inherited": False}
            ],
        }
        for entry in (request.body or {}).get("access_control_list", [])
    ]
    ws.state.permissions[key] = acl
    return {"object_id": key, "access_control_list": acl}


def get_permissions(ws: FakeWorkspace, _: RecordedRequest, match: re.Match[str]) -> Any:
    key = f"/{match['object_type']}/{match['object_id']}"
    return {"object_id": key, "access_control_list": ws.state.permissions.get(key, [])}


def create_schema(ws: FakeWorkspace, request: RecordedRequest, _: re.Match[str]) -> Any:
    full_name = f"{request.body['catalog_name']}.{request.body['name']}"
    if full_name in ws.state.schemas:
        raise ApiError(
            HTTPStatus.CONFLICT, "SCHEMA_ALREADY_EXISTS", f"Schema '{full_name}' already exists"
        )
    ws.state.schemas[full_name] = {
        **request.body,
        "full_name": full_name,
        "owner": request.principal,
    }
    return ws.state.schemas[full_name]


def get_schema(ws: FakeWorkspace, _: RecordedRequest, match: re.Match[str]) -> Any:
    full_name = unquote(match["full_name"])
    if full_name not in ws.state.schemas:
        raise ApiError(
            HTTPStatus.NOT_FOUND, "SCHEMA_DOES_NOT_EXIST", f"Schema '{full_name}' does not exist."
        )
    return ws.state.schemas[full_name]


def create_volume(ws: FakeWorkspace, request: RecordedRequest, _: re.Match[str]) -> Any:
    body = request.body
    full_name = f"{body['catalog_name']}.{body['schema_name']}.{body['name']}"
    if f"{body['catalog_name']}.{body['schema_name']}" not in ws.state.schemas:
        raise ApiError(
            HTTPStatus.NOT_FOUND, "SCHEMA_DOES_NOT_EXIST", f"Schema of {full_name} does not exist."
        )
    ws.state.volumes[full_name] = {**body, "full_name": full_name, "owner": request.principal}
    return ws.state.volumes[full_name]


def get_volume(ws: FakeWorkspace, _: RecordedRequest, match: re.Match[str]) -> Any:
    full_name = unquote(match["full_name"])
    if full_name not in ws.state.volumes:
        raise ApiError(
            HTTPStatus.NOT_FOUND, "VOLUME_DOES_NOT_EXIST", f"Volume '{full_name}' does not exist."
        )
    return ws.state.volumes[full_name]


def _folder(path: str) -> str:
    """Dashboard APIs name folders without the /Workspace prefix; the tree keeps it."""
    return path if path.startswith("/Workspace/") else "/Workspace" + path


def create_dashboard(ws: FakeWorkspace, request: RecordedRequest, _: re.Match[str]) -> Any:
    body = dict(request.body)
    parent = _folder(body.get("parent_path") or f"/Users/{request.principal}")
    if ws.state.objects.get(parent, {}).get("object_type") != "DIRECTORY":
        raise not_found(f"Path ({parent})")
    dashboard_id = f"{ws._new_id():032x}"
    path = f"{parent}/{body['display_name']}.lvdash.json"
    dashboard = {
        **body,
        "dashboard_id": dashboard_id,
        "parent_path": parent.removeprefix("/Workspace"),
        "path": path.removeprefix("/Workspace"),
        "lifecycle_state": "ACTIVE",
        "etag": "1",
    }
    ws.state.dashboards[dashboard_id] = dashboard
    ws._put_file(path, body.get("serialized_dashboard", "").encode(), "DASHBOARD")
    return dashboard


def _dashboard(ws: FakeWorkspace, match: re.Match[str]) -> dict[str, Any]:
    dashboard = ws.state.dashboards.get(match["dashboard_id"])
    if dashboard is None:
        raise not_found(f"Dashboard {match['dashboard_id']}")
    return dashboard


def get_dashboard(ws: FakeWorkspace, _: RecordedRequest, match: re.Match[str]) -> Any:
    return _dashboard(ws, match)


def update_dashboard(ws: FakeWorkspace, request: RecordedRequest, match: re.Match[str]) -> Any:
    dashboard = _dashboard(ws, match)
    dashboard.update({k: v for k, v in request.body.items() if k != "etag"})
    dashboard["etag"] = str(int(dashboard["etag"]) + 1)
    return dashboard


def publish_dashboard(ws: FakeWorkspace, request: RecordedRequest, match: re.Match[str]) -> Any:
    dashboard = _dashboard(ws, match)
    published = {
        "display_name": dashboard["display_name"],
        "warehouse_id": (request.body or {}).get("warehouse_id", dashboard.get("warehouse_id")),
        "embed_credentials": (request.body or {}).get("embed_credentials", False),
    }
    ws.state.published[dashboard["dashboard_id"]] = published
    return published


def get_published(ws: FakeWorkspace, _: RecordedRequest, match: re.Match[str]) -> Any:
    dashboard = _dashboard(ws, match)
    if dashboard["dashboard_id"] not in ws.state.published:
        raise not_found(f"Published dashboard {dashboard['dashboard_id']}")
    return ws.state.published[dashboard["dashboard_id"]]


# --- MLflow experiments and Unity Catalog registered models ------------------------------------


def create_experiment(ws: FakeWorkspace, request: RecordedRequest, _: re.Match[str]) -> Any:
    name = request.body["name"]
    if any(e["name"] == name for e in ws.state.experiments.values()):
        raise ApiError(
            HTTPStatus.BAD_REQUEST, "RESOURCE_ALREADY_EXISTS", f"Experiment '{name}' already exists"
        )
    parent = str(PurePosixPath(_folder(name)).parent)
    if ws.state.objects.get(parent, {}).get("object_type") != "DIRECTORY":
        raise not_found(f"Parent directory ({parent})")
    experiment_id = str(ws._new_id())
    ws.state.experiments[experiment_id] = {
        **request.body,
        "experiment_id": experiment_id,
        "lifecycle_stage": "active",
    }
    return {"experiment_id": experiment_id}


def _experiment(ws: FakeWorkspace, experiment_id: str) -> dict[str, Any]:
    experiment = ws.state.experiments.get(experiment_id)
    if experiment is None:
        raise not_found(f"Experiment {experiment_id}")
    return experiment


def get_experiment(ws: FakeWorkspace, request: RecordedRequest, _: re.Match[str]) -> Any:
    return {"experiment": _experiment(ws, request.query.get("experiment_id", [""])[0])}


def update_experiment(ws: FakeWorkspace, request: RecordedRequest, _: re.Match[str]) -> Any:
    experiment = _experiment(ws, str(request.body["experiment_id"]))
    if "new_name" in request.body:
        experiment["name"] = request.body["new_name"]
    return {}


def create_registered_model(ws: FakeWorkspace, request: RecordedRequest, _: re.Match[str]) -> Any:
    body = request.body
    schema = f"{body['catalog_name']}.{body['schema_name']}"
    full_name = f"{schema}.{body['name']}"
    if schema not in ws.state.schemas:
        raise ApiError(
            HTTPStatus.NOT_FOUND, "SCHEMA_DOES_NOT_EXIST", f"Schema of {full_name} does not exist."
        )
    if full_name in ws.state.registered_models:
        raise ApiError(
            HTTPStatus.CONFLICT, "RESOURCE_ALREADY_EXISTS", f"Model '{full_name}' already exists"
        )
    ws.state.registered_models[full_name] = {
        **body,
        "full_name": full_name,
        "owner": request.principal,
    }
    return ws.state.registered_models[full_name]


def get_registered_model(ws: FakeWorkspace, _: RecordedRequest, match: re.Match[str]) -> Any:
    full_name = unquote(match["full_name"])
    if full_name not in ws.state.registered_models:
        raise not_found(f"Registered model '{full_name}'")
    return ws.state.registered_models[full_name]


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
        ("POST", r"/api/2\.0/workspace-files/import-file/(?P<path>.+)", import_file),
        ("GET", r"/api/2\.0/workspace-files/(?P<path>.+)", read_file),
        ("POST", r"/api/2\.0/workspace/import", import_object),
        ("GET", r"/api/2\.0/workspace/export", export_object),
        ("POST", r"/api/2\.0/workspace/delete", delete_object),
        ("GET", r"/api/2\.0/workspace/list", list_objects),
        ("POST", r"/api/2\.[12]/jobs/create", create_job),
        ("GET", r"/api/2\.[012]/jobs/get", get_job),
        ("POST", r"/api/2\.[12]/jobs/reset", reset_job),
        ("POST", r"/api/2\.[12]/jobs/delete", delete_job),
        (
            "PUT",
            r"/api/2\.0/permissions/(?P<object_type>jobs|pipelines|clusters|dashboards)/(?P<object_id>[^/]+)",
            set_permissions,
        ),
        (
            "GET",
            r"/api/2\.0/permissions/(?P<object_type>jobs|pipelines|clusters|dashboards)/(?P<object_id>[^/]+)",
            get_permissions,
        ),
        ("POST", r"/api/2\.1/unity-catalog/schemas", create_schema),
        ("GET", r"/api/2\.1/unity-catalog/schemas/(?P<full_name>[^/]+)", get_schema),
        ("POST", r"/api/2\.1/unity-catalog/volumes", create_volume),
        ("GET", r"/api/2\.1/unity-catalog/volumes/(?P<full_name>[^/]+)", get_volume),
        ("POST", r"/api/2\.0/lakeview/dashboards", create_dashboard),
        ("GET", r"/api/2\.0/lakeview/dashboards/(?P<dashboard_id>\w+)", get_dashboard),
        ("PATCH", r"/api/2\.0/lakeview/dashboards/(?P<dashboard_id>\w+)", update_dashboard),
        (
            "POST",
            r"/api/2\.0/lakeview/dashboards/(?P<dashboard_id>\w+)/published",
            publish_dashboard,
        ),
        ("GET", r"/api/2\.0/lakeview/dashboards/(?P<dashboard_id>\w+)/published", get_published),
        ("POST", r"/api/2\.0/mlflow/experiments/create", create_experiment),
        ("GET", r"/api/2\.0/mlflow/experiments/get", get_experiment),
        ("POST", r"/api/2\.0/mlflow/experiments/update", update_experiment),
        ("POST", r"/api/2\.1/unity-catalog/models", create_registered_model),
        ("GET", r"/api/2\.1/unity-catalog/models/(?P<full_name>[^/]+)", get_registered_model),
    )
)


# --- HTTP plumbing -----------------------------------------------------------------------------


def _handler_class(workspace: FakeWorkspace) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _read_body(self) -> bytes:
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                chunks = []
                while True:
                    size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                    if size == 0:
                        self.rfile.readline()  # the blank line after the last chunk
                        return b"".join(chunks)
                    chunks.append(self.rfile.read(size))
                    self.rfile.readline()  # CRLF after each chunk
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def _serve(self) -> None:
            body = self._read_body()
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
