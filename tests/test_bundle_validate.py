"""The real Databricks CLI validates generated bundles, target by target, against a fake workspace.

`databricks bundle validate -t <target> -o json` runs for every target of the default project
and of a classic-compute project with a service principal and one workspace per target. Each
distinct workspace host of a project is served by its own FakeWorkspace (tests/fake_workspace.py)
on 127.0.0.1; nothing leaves the machine. The assertions are on the configuration the CLI
resolved: development prefixes and paused schedules in dev, root paths and run_as in staging and
prod, each target's catalog, schema and workspace.

The CLI comes from $DATABRICKS_CLI (set by .ci/run through .ci/go-tools), else from the cache
that .ci/go-tools fills, else `databricks` on PATH; without one the tests skip with the reason.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

import pytest
import yaml
from fake_workspace import (
    DEFAULT_CLUSTER_POLICIES,
    DEFAULT_USER,
    DEFAULT_WAREHOUSES,
    SERVICE_PRINCIPAL_TOKEN,
    USER_TOKEN,
    FakeWorkspace,
    Principal,
)

TEMPLATE_ROOT = Path(__file__).resolve().parents[1]
GO_TOOLS = TEMPLATE_ROOT / ".ci" / "go-tools"
TARGETS = ("dev", "staging", "prod")
SERVICE_PRINCIPAL = "0b7c5a2e-91d4-4f3a-8e6b-2c1d9f0a7e55"
SHORT_NAME = DEFAULT_USER.split("@")[0]
# Variables the CLI (and the uv it runs to build the wheel) may see; nothing else is inherited.
PASSED_THROUGH = {"PATH", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT", "UV_INDEX_URL", "UV_PYTHON"}
CERTIFICATE_VARIABLE_PARTS = ("CERT", "CA_BUNDLE", "SSL")
DEV_PREFIX = f"[dev {SHORT_NAME}] "

# A classic-compute project whose targets live in three different workspaces, with a service
# principal: every per-target difference in databricks.yml shows up in this one project.
SPREAD_ANSWERS = {
    "project_name": "Claims Lakehouse",
    "cloud": "azure",
    "compute": "classic",
    "dev_workspace_host": "https://adb-1111111111111111.11.azuredatabricks.net",
    "staging_workspace_host": "https://adb-2222222222222222.12.azuredatabricks.net",
    "prod_workspace_host": "https://adb-3333333333333333.13.azuredatabricks.net",
    "dev_catalog": "claims_dev",
    "staging_catalog": "claims_staging",
    "prod_catalog": "claims_prod",
    "service_principal_application_id": SERVICE_PRINCIPAL,
}


def pinned_cli_version() -> str:
    """The Databricks CLI version .ci/go-tools builds (one place for the pin)."""
    found = re.search(r"^DATABRICKS_CLI_VERSION=(\S+)$", GO_TOOLS.read_text(), re.MULTILINE)
    assert found, f"{GO_TOOLS} must set DATABRICKS_CLI_VERSION"
    return found.group(1)


def find_databricks_cli() -> tuple[Path | None, str]:
    """The CLI binary to run, or None and why there is none."""
    configured = os.environ.get("DATABRICKS_CLI")
    if configured:
        return Path(configured), f"DATABRICKS_CLI={configured}"
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    cached = cache / "databricks-toolkit" / f"databricks-cli-{pinned_cli_version()}" / "databricks"
    if cached.is_file():
        return cached, str(cached)
    on_path = shutil.which("databricks")
    if on_path:
        return Path(on_path), on_path
    go = "Go is installed" if shutil.which("go") else "Go is not installed"
    return None, (
        f"no Databricks CLI: DATABRICKS_CLI is unset, {cached} does not exist and `databricks` "
        f"is not on PATH ({go}; `bash .ci/go-tools` builds the CLI with Go)"
    )


@pytest.fixture(scope="session")
def databricks_cli() -> Path:
    cli, origin = find_databricks_cli()
    if cli is None:
        pytest.skip(origin)
    if not os.access(cli, os.X_OK):
        pytest.fail(f"the Databricks CLI from {origin} is not an executable file")
    return cli


@dataclass(frozen=True)
class Validation:
    """What `bundle validate -o json` resolved for one target, and the workspace it talked to."""

    target: str
    config: dict[str, Any]
    workspace: FakeWorkspace
    stderr: str
    seconds: float

    def variable(self, name: str) -> Any:
        return self.config["variables"][name]["value"]

    def jobs(self) -> dict[str, dict[str, Any]]:
        return self.config.get("resources", {}).get("jobs", {})


class LocalWorkspaces:
    """One FakeWorkspace per distinct host of a project's targets, and the CLI run against them."""

    def __init__(
        self, cli: Path, project: Path, workdir: Path, service_principal: str = ""
    ) -> None:
        self.cli = cli
        self.source = project
        self.project = workdir / project.name
        self.home = workdir / "home"
        self.home.mkdir()
        # A copy: the baked project is shared with other tests and must stay untouched.
        shutil.copytree(project, self.project)
        bundle = yaml.safe_load((project / "databricks.yml").read_text())
        self.hosts = {t: bundle["targets"][t]["workspace"]["host"] for t in TARGETS}
        principals = {USER_TOKEN: Principal(DEFAULT_USER)}
        if service_principal:
            principals[SERVICE_PRINCIPAL_TOKEN] = Principal(service_principal, True)
        self.by_host = {
            host: FakeWorkspace(principals=principals) for host in sorted(set(self.hosts.values()))
        }
        self.egress_trap = FakeWorkspace()

    def __enter__(self) -> Self:
        for workspace in [*self.by_host.values(), self.egress_trap]:
            workspace.__enter__()
        self._point_targets_at_local_workspaces()
        return self

    def __exit__(self, *exc_info: object) -> None:
        for workspace in [*self.by_host.values(), self.egress_trap]:
            workspace.__exit__(*exc_info)

    def workspace_of(self, target: str) -> FakeWorkspace:
        return self.by_host[self.hosts[target]]

    def _point_targets_at_local_workspaces(self) -> None:
        """Override each target's host in an extra included file (a test-only file).

        The CLI gives a target's workspace.host precedence over DATABRICKS_HOST, so the host
        is replaced through the bundle's own merge of included files instead.
        """
        overrides = {
            "targets": {t: {"workspace": {"host": self.workspace_of(t).url}} for t in TARGETS}
        }
        (self.project / "resources" / "zz_test_local_workspaces.yml").write_text(
            "# Written by tests/test_bundle_validate.py: serve every target from 127.0.0.1.\n"
            + yaml.safe_dump(overrides, sort_keys=True)
        )

    def environment(self, token: str, *, trap_egress: bool = True) -> dict[str, str]:
        """A clean environment: a fake token, no profiles, no caches, and (by default) no way out.

        With trap_egress, HTTP(S)_PROXY point at the egress trap: loopback requests never use a
        proxy, so only a request for some other host would reach it. Without it (deploy, whose
        wheel build lets uv fetch the build backend from the package index) the CLI still only
        knows the loopback workspaces.
        """
        env = {
            key: value
            for key, value in os.environ.items()
            if key in PASSED_THROUGH or any(part in key for part in CERTIFICATE_VARIABLE_PARTS)
        }
        env.update(
            HOME=str(self.home),
            DATABRICKS_CONFIG_FILE=str(self.home / "no-databrickscfg"),
            DATABRICKS_AUTH_TYPE="pat",
            DATABRICKS_TOKEN=token,
            DATABRICKS_CACHE_ENABLED="false",
            DATABRICKS_CLI_DISABLE_TELEMETRY="1",
            # HOME is a fresh folder; keep uv's cache where it is.
            UV_CACHE_DIR=os.environ.get("UV_CACHE_DIR") or str(Path.home() / ".cache" / "uv"),
        )
        if trap_egress:
            trap = self.egress_trap.url
            env.update(
                HTTP_PROXY=trap,
                HTTPS_PROXY=trap,
                http_proxy=trap,
                https_proxy=trap,
                NO_PROXY="",
                no_proxy="",
            )
        return env

    def run(
        self, *args: str, token: str = USER_TOKEN, trap_egress: bool = True, timeout: int = 240
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.cli), *args],
            cwd=self.project,
            env=self.environment(token, trap_egress=trap_egress),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def validate(self, target: str, token: str) -> Validation:
        started = time.perf_counter()
        result = self.run("bundle", "validate", "-t", target, "-o", "json", token=token)
        seconds = time.perf_counter() - started
        assert result.returncode == 0, (
            f"`databricks bundle validate -t {target}` failed ({result.returncode}):\n"
            f"{result.stderr}\n{result.stdout[-2000:]}"
        )
        return Validation(
            target, json.loads(result.stdout), self.workspace_of(target), result.stderr, seconds
        )


@dataclass(frozen=True)
class ValidatedProject:
    answers: Mapping[str, str]
    validations: dict[str, Validation]
    workspaces: LocalWorkspaces


def validate_every_target(
    cli: Path, project: Path, answers: Mapping[str, str], workdir: Path
) -> Iterator[ValidatedProject]:
    """Validate dev as a developer; staging and prod as CI does (the service principal if any)."""
    principal = answers["service_principal_application_id"]
    with LocalWorkspaces(cli, project, workdir, principal) as workspaces:
        validations = {
            target: workspaces.validate(
                target,
                SERVICE_PRINCIPAL_TOKEN if principal and target != "dev" else USER_TOKEN,
            )
            for target in TARGETS
        }
        yield ValidatedProject(answers, validations, workspaces)


@pytest.fixture(scope="module")
def default_validated(
    databricks_cli: Path, bake: Callable[..., Any], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ValidatedProject]:
    baked = bake("default")
    answers = {q: baked.answer(q) for q in baked.context if not q.startswith("_")}
    yield from validate_every_target(
        databricks_cli, baked.path, answers, tmp_path_factory.mktemp("validate-default")
    )


@pytest.fixture(scope="module")
def spread_validated(
    databricks_cli: Path, bake: Callable[..., Any], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ValidatedProject]:
    baked = bake(SPREAD_ANSWERS)
    answers = {q: baked.answer(q) for q in baked.context if not q.startswith("_")}
    yield from validate_every_target(
        databricks_cli, baked.path, answers, tmp_path_factory.mktemp("validate-spread")
    )


@pytest.fixture(params=["default", "spread"])
def validated(request: pytest.FixtureRequest) -> ValidatedProject:
    return request.getfixturevalue(f"{request.param}_validated")


# --- every target of both projects -------------------------------------------------------------


def test_validate_reports_no_warnings(validated: ValidatedProject) -> None:
    noisy = {
        target: v.stderr
        for target, v in validated.validations.items()
        if "Warning" in v.stderr or "Recommendation" in v.stderr
    }
    assert not noisy, f"bundle validate warned: {noisy}"


def test_the_cli_only_called_the_local_workspaces(validated: ValidatedProject) -> None:
    workspaces = validated.workspaces
    assert not workspaces.egress_trap.requests, "a request went to the proxy trap"
    for workspace in [*workspaces.by_host.values(), workspaces.egress_trap]:
        assert not workspace.escaped, f"requests for other hosts: {workspace.escaped}"
        assert not workspace.unhandled, (
            f"calls the fake workspace does not serve: {workspace.unhandled}"
        )


def test_each_target_resolves_to_its_own_workspace(validated: ValidatedProject) -> None:
    for target, validation in validated.validations.items():
        workspace_config = validation.config["workspace"]
        assert workspace_config["host"] == validation.workspace.url
        # validate creates the remote files folder, in the target's workspace only.
        assert workspace_config["file_path"] in validation.workspace.directories(), target
        for other in set(TARGETS) - {target}:
            other_workspace = validated.validations[other].workspace
            if other_workspace is not validation.workspace:
                assert workspace_config["file_path"] not in other_workspace.directories()


def test_each_target_uses_its_catalog_and_schema(validated: ValidatedProject) -> None:
    schema = validated.answers["schema"]
    expected_schemas = {"dev": f"{SHORT_NAME}_{schema}", "staging": schema, "prod": schema}
    for target, validation in validated.validations.items():
        catalog = validated.answers[f"{target}_catalog"]
        assert validation.variable("catalog") == catalog
        assert validation.variable("schema") == expected_schemas[target]
        project_schema = validation.config["resources"]["schemas"]["project_schema"]
        assert project_schema["catalog_name"] == catalog
        # The schema the bundle creates is the one ${var.schema} names (no dev prefix on top).
        assert project_schema["name"] == expected_schemas[target]
        landing = validation.config["resources"]["volumes"]["landing"]
        assert landing["catalog_name"] == catalog
        # Resource references resolve at deploy time; validate keeps them as written.
        assert landing["schema_name"] == "${resources.schemas.project_schema.name}"


def test_lookups_resolve_through_the_workspace(validated: ValidatedProject) -> None:
    for validation in validated.validations.values():
        assert validation.variable("warehouse_id") == DEFAULT_WAREHOUSES[0]["id"]
        assert validation.workspace.calls("GET", "/api/2.0/sql/warehouses")
        if validated.answers["compute"] == "classic":
            policy = DEFAULT_CLUSTER_POLICIES[0]["policy_id"]
            assert validation.variable("cluster_policy_id") == policy


def test_dev_is_a_personal_development_deployment(validated: ValidatedProject) -> None:
    dev = validated.validations["dev"]
    assert dev.config["bundle"]["mode"] == "development"
    slug = validated.answers["project_slug"]
    assert (
        dev.config["workspace"]["root_path"]
        == f"/Workspace/Users/{DEFAULT_USER}/.bundle/{slug}/dev"
    )
    for key, job in dev.jobs().items():
        assert job["name"].startswith(DEV_PREFIX), f"dev job {key} is named {job['name']!r}"


def test_staging_and_prod_are_production_deployments(validated: ValidatedProject) -> None:
    slug = validated.answers["project_slug"]
    principal = validated.answers["service_principal_application_id"]
    owner = principal or DEFAULT_USER
    for target in ("staging", "prod"):
        config = validated.validations[target].config
        assert config["bundle"]["mode"] == "production"
        assert (
            config["workspace"]["root_path"] == f"/Workspace/Users/{owner}/.bundle/{slug}/{target}"
        )
        if principal:
            assert config["run_as"] == {"service_principal_name": principal}
            assert {"service_principal_name": principal, "level": "CAN_MANAGE"} in config[
                "permissions"
            ]
        else:
            assert "run_as" not in config or config["run_as"] == {"user_name": DEFAULT_USER}
        assert {"group_name": "users", "level": "CAN_VIEW"} in config["permissions"]
        for key, job in validated.validations[target].jobs().items():
            assert not job["name"].startswith("[dev"), f"{target} job {key} has a dev prefix"
            assert job.get("tags", {}).get("environment") == target


def test_schedules_run_only_in_prod(validated: ValidatedProject) -> None:
    expected = {"dev": "PAUSED", "staging": "PAUSED", "prod": "UNPAUSED"}
    for target, validation in validated.validations.items():
        states = set(paused_states(validation.config))
        assert states <= {expected[target]}, f"{target} schedules: {states}"


def paused_states(config: dict[str, Any]) -> Iterator[str]:
    """pause_status of every job schedule, trigger and continuous setting."""
    for job in config.get("resources", {}).get("jobs", {}).values():
        for section in ("schedule", "trigger", "continuous"):
            if section in job and "pause_status" in job[section]:
                yield job[section]["pause_status"]


# --- the spread project only -------------------------------------------------------------------


def test_targets_in_different_workspaces_stay_apart(spread_validated: ValidatedProject) -> None:
    workspaces = spread_validated.workspaces
    assert len(workspaces.by_host) == 3
    for target in TARGETS:
        assert workspaces.hosts[target] == spread_validated.answers[f"{target}_workspace_host"]
        me_calls = workspaces.workspace_of(target).calls("GET", "/api/2.0/preview/scim/v2/Me")
        assert me_calls, f"{target} never asked its own workspace who the caller is"


def test_classic_dev_cluster_belongs_to_the_developer(spread_validated: ValidatedProject) -> None:
    dev_clusters = spread_validated.validations["dev"].config["resources"]["clusters"]
    assert {c["single_user_name"] for c in dev_clusters.values()} == {DEFAULT_USER}
    for target in ("staging", "prod"):
        resources = spread_validated.validations[target].config["resources"]
        assert not resources.get("clusters"), f"{target} deploys the all-purpose dev cluster"


def test_the_default_project_uses_one_workspace(default_validated: ValidatedProject) -> None:
    assert len(default_validated.workspaces.by_host) == 1


def test_a_lookup_that_finds_nothing_fails_and_names_it(
    databricks_cli: Path, bake: Callable[..., Any], tmp_path: Path
) -> None:
    """The lookups are real: a workspace without the warehouse fails validation, naming it."""
    with LocalWorkspaces(databricks_cli, bake("default").path, tmp_path) as workspaces:
        for workspace in workspaces.by_host.values():
            workspace.warehouses = []
        result = workspaces.run("bundle", "validate", "-t", "dev")
    assert result.returncode != 0
    assert "failed to resolve warehouse: Serverless Starter Warehouse" in result.stderr


def test_a_request_for_another_host_lands_in_the_egress_trap(
    databricks_cli: Path, bake: Callable[..., Any], tmp_path: Path
) -> None:
    """The safety net works: a host that is not local reaches the trap, not the network.

    The host is under `.invalid` (RFC 2606), so even a broken trap could reach no workspace.
    """
    with LocalWorkspaces(databricks_cli, bake("default").path, tmp_path) as workspaces:
        overrides = workspaces.project / "resources" / "zz_test_local_workspaces.yml"
        local = workspaces.workspace_of("dev").url
        overrides.write_text(overrides.read_text().replace(local, "https://elsewhere.invalid"))
        result = workspaces.run("bundle", "validate", "-t", "dev", timeout=120)
    assert result.returncode != 0
    assert "CONNECT elsewhere.invalid:443" in workspaces.egress_trap.escaped
