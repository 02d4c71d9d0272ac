"""The generated GitHub Actions workflows: linted, audited, schema-checked and read for policy.

Tools (each skips with a reason when missing): actionlint ($ACTIONLINT from .ci/go-tools, else
the go-tools cache, else PATH), zizmor (the template's dev group) with no finding at medium or
above, and check-jsonschema with its vendored GitHub workflow schema. The policy tests read the
YAML: SHA pins, minimal permissions, OIDC only where a job talks to a workspace, one GitHub
Environment and one concurrency group per target, the pinned Databricks CLI.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

TEMPLATE_ROOT = Path(__file__).resolve().parents[1]
GO_TOOLS = TEMPLATE_ROOT / ".ci" / "go-tools"
WORKFLOWS = ("ci.yml", "deploy.yml")
TARGETS = ("dev", "staging", "prod")
PINNED_USES = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")
VERSION_COMMENT = re.compile(r"#\s*v\d+(\.\d+)*\s*$")


def go_tools_pin(name: str) -> str:
    found = re.search(rf"^{name}=(\S+)$", GO_TOOLS.read_text(), re.MULTILINE)
    assert found, f"{GO_TOOLS} must set {name}"
    return found.group(1)


def find_tool(env_var: str, cached: Path, name: str) -> str | None:
    """A tool from its variable, the go-tools cache, the running venv, or PATH."""
    configured = os.environ.get(env_var)
    if configured:
        return configured
    if cached.is_file():
        return str(cached)
    in_venv = Path(sys.executable).parent / name
    if in_venv.is_file():
        return str(in_venv)
    return shutil.which(name)


def run_tool(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, check=False, timeout=300
    )


@pytest.fixture(scope="module")
def github_project(bake: Callable[..., Any]) -> Path:
    """The default project (GitHub CI); its workflows are what the tests read."""
    return bake("default").path


@pytest.fixture(scope="module")
def workflows(github_project: Path) -> dict[str, dict[str, Any]]:
    folder = github_project / ".github" / "workflows"
    assert sorted(p.name for p in folder.iterdir()) == sorted(WORKFLOWS)
    # PyYAML reads the key `on` as True (YAML 1.1); BaseLoader keeps every key a string.
    return {name: yaml.load((folder / name).read_text(), yaml.BaseLoader) for name in WORKFLOWS}


def jobs(workflows: dict[str, dict[str, Any]]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for name, workflow in workflows.items():
        for job_id, job in workflow["jobs"].items():
            yield name, job_id, job


def steps_using(job: dict[str, Any], action: str) -> list[dict[str, Any]]:
    return [step for step in job.get("steps", []) if step.get("uses", "").startswith(action + "@")]


# --- the tools -----------------------------------------------------------------------------------


def test_actionlint_finds_nothing(github_project: Path) -> None:
    cached = (
        Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
        / "databricks-toolkit"
        / f"actionlint-{go_tools_pin('ACTIONLINT_VERSION')}"
        / "actionlint"
    )
    actionlint = find_tool("ACTIONLINT", cached, "actionlint")
    if actionlint is None:
        pytest.skip(
            f"actionlint is not installed: `bash .ci/go-tools` builds it (needs Go) into {cached}"
        )
    files = [f".github/workflows/{name}" for name in WORKFLOWS]
    result = run_tool([actionlint, "-no-color", *files], github_project)
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_finds_nothing_at_medium_or_above(github_project: Path) -> None:
    zizmor = find_tool("ZIZMOR", Path("/nonexistent"), "zizmor")
    if zizmor is None:
        pytest.skip("zizmor is not installed (it is in the template's dev group: `uv sync`)")
    result = run_tool(
        [zizmor, "--offline", "--no-progress", "--min-severity", "medium", ".github/workflows"],
        github_project,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout, result.stdout


def test_workflows_match_the_github_workflow_schema(github_project: Path) -> None:
    files = [str(github_project / ".github" / "workflows" / name) for name in WORKFLOWS]
    result = run_tool(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.github-workflows",
            *files,
        ],
        github_project,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# --- policy --------------------------------------------------------------------------------------


def test_every_action_is_pinned_to_a_commit_sha_with_its_release(github_project: Path) -> None:
    pins: dict[str, set[str]] = {}
    for name in WORKFLOWS:
        for line in (github_project / ".github" / "workflows" / name).read_text().splitlines():
            if "uses:" not in line:
                continue
            reference = line.split("uses:", 1)[1].split("#")[0].strip()
            assert PINNED_USES.fullmatch(reference), f"{name}: not pinned to a full SHA: {line}"
            assert VERSION_COMMENT.search(line), (
                f"{name}: the pin does not name its release: {line}"
            )
            action, sha = reference.split("@")
            pins.setdefault(action, set()).add(sha)
    assert pins, "the workflows use no actions"
    drifted = {action: shas for action, shas in pins.items() if len(shas) > 1}
    assert not drifted, f"one action pinned to several commits: {drifted}"


def test_permissions_are_empty_by_default_and_minimal_per_job(
    workflows: dict[str, dict[str, Any]],
) -> None:
    for name, workflow in workflows.items():
        assert workflow["permissions"] == {}, f"{name}: workflow-level permissions must be {{}}"
    for name, job_id, job in jobs(workflows):
        permissions = job.get("permissions")
        assert permissions is not None, f"{name}/{job_id} does not declare its permissions"
        assert permissions.get("contents") == "read", f"{name}/{job_id}: {permissions}"
        talks_to_databricks = job.get("env", {}).get("DATABRICKS_AUTH_TYPE") == "github-oidc"
        expected = (
            {"contents": "read", "id-token": "write"}
            if talks_to_databricks
            else {"contents": "read"}
        )
        assert permissions == expected, f"{name}/{job_id}: {permissions}"


def test_workspace_auth_is_github_oidc_from_environment_variables(
    github_project: Path, workflows: dict[str, dict[str, Any]]
) -> None:
    for name in WORKFLOWS:
        text = (github_project / ".github" / "workflows" / name).read_text()
        assert "secrets." not in text, f"{name} reads a stored secret"
        assert "DATABRICKS_TOKEN" not in text and "DATABRICKS_CLIENT_SECRET" not in text, name
    oidc_jobs = [
        (name, job_id, job)
        for name, job_id, job in jobs(workflows)
        if job.get("permissions", {}).get("id-token") == "write"
    ]
    assert oidc_jobs, "no job authenticates to Databricks"
    for name, job_id, job in oidc_jobs:
        assert job.get("environment"), f"{name}/{job_id} gets an OIDC token outside an environment"
        assert job["env"] == {
            "DATABRICKS_AUTH_TYPE": "github-oidc",
            "DATABRICKS_HOST": "${{ vars.DATABRICKS_HOST }}",
            "DATABRICKS_CLIENT_ID": "${{ vars.DATABRICKS_CLIENT_ID }}",
        }, f"{name}/{job_id}"


def test_checkouts_do_not_keep_the_github_token(workflows: dict[str, dict[str, Any]]) -> None:
    checkouts = [
        (f"{name}/{job_id}", step)
        for name, job_id, job in jobs(workflows)
        for step in steps_using(job, "actions/checkout")
    ]
    assert checkouts
    for where, step in checkouts:
        assert step.get("with", {}).get("persist-credentials") == "false", where


def test_deploy_runs_each_target_on_its_trigger_in_its_environment(
    workflows: dict[str, dict[str, Any]],
) -> None:
    deploy = workflows["deploy.yml"]
    assert deploy["on"] == {
        "push": {"branches": ["main"], "tags": ["v*"]},
        "workflow_dispatch": "",
    }
    conditions = {
        "dev": "github.event_name == 'workflow_dispatch'",
        "staging": "github.event_name == 'push' && github.ref == 'refs/heads/main'",
        "prod": "github.event_name == 'push' && startsWith(github.ref, 'refs/tags/v')",
    }
    assert set(deploy["jobs"]) == set(TARGETS)
    for target, job in deploy["jobs"].items():
        assert job["if"] == conditions[target]
        assert job["environment"] == target
        assert job["concurrency"] == {"group": f"deploy-{target}", "cancel-in-progress": "false"}
        commands = [step["run"] for step in job["steps"] if "run" in step]
        assert commands == [
            f"databricks bundle validate -t {target}",
            f"databricks bundle deploy -t {target}",
        ]
        # Caches are writable by pull requests; a deploy job restores none.
        assert not steps_using(job, "actions/cache")
        for setup_uv in steps_using(job, "astral-sh/setup-uv"):
            assert setup_uv["with"]["enable-cache"] == "false", target


def test_ci_lints_tests_and_validates_every_target(
    github_project: Path, workflows: dict[str, dict[str, Any]]
) -> None:
    ci = workflows["ci.yml"]
    assert set(ci["on"]) == {"pull_request"}
    assert ci["concurrency"]["cancel-in-progress"] == "true"
    lint, test, validate = ci["jobs"]["pre-commit"], ci["jobs"]["test"], ci["jobs"]["validate"]
    assert [step["run"] for step in lint["steps"] if "run" in step] == ["make lint"]
    assert [step["run"] for step in test["steps"] if "run" in step] == ["make test"]
    java = steps_using(test, "actions/setup-java")
    assert java and java[0]["with"]["java-version"] == "17"
    cache = steps_using(test, "actions/cache")
    assert cache and cache[0]["with"]["path"] == "~/.ivy2.5.2"
    bundle = yaml.safe_load((github_project / "databricks.yml").read_text())
    assert validate["strategy"]["matrix"]["target"] == list(bundle["targets"])
    assert validate["environment"] == "validate-${{ matrix.target }}"
    assert [step["run"] for step in validate["steps"] if "run" in step] == [
        'make validate TARGET="$TARGET"'
    ]


def test_the_databricks_cli_is_pinned_to_the_version_the_template_tests(
    workflows: dict[str, dict[str, Any]],
) -> None:
    tested = go_tools_pin("DATABRICKS_CLI_VERSION").removeprefix("v")
    for name, workflow in workflows.items():
        assert workflow["env"]["DATABRICKS_CLI_VERSION"] == tested, name
    setups = [
        (f"{name}/{job_id}", step)
        for name, job_id, job in jobs(workflows)
        for step in steps_using(job, "databricks/setup-cli")
    ]
    assert setups
    for where, step in setups:
        assert step["with"]["version"] == "${{ env.DATABRICKS_CLI_VERSION }}", where
    for name, job_id, job in jobs(workflows):
        runs_cli = any(
            "databricks " in step.get("run", "") or "make validate" in step.get("run", "")
            for step in job["steps"]
        )
        if runs_cli:
            assert steps_using(job, "databricks/setup-cli"), f"{name}/{job_id} has no pinned CLI"


@pytest.mark.parametrize("python_version", ["3.11", "3.12"])
def test_workflows_use_the_projects_python(bake: Callable[..., Any], python_version: str) -> None:
    project = bake({"python_version": python_version}).path
    for name in WORKFLOWS:
        workflow = yaml.load(
            (project / ".github" / "workflows" / name).read_text(), yaml.BaseLoader
        )
        assert workflow["env"]["PYTHON_VERSION"] == python_version


def test_no_github_folder_without_github_ci(bake: Callable[..., Any]) -> None:
    project = bake({"ci_provider": "none"}).path
    assert not (project / ".github").exists()
    hooks = (project / ".pre-commit-config.yaml").read_text()
    assert ".github" not in hooks and "zizmor" not in hooks
    assert "zizmor" not in (project / "pyproject.toml").read_text()
