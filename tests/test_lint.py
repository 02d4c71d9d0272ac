"""Every matrix project passes its own linters: `pre-commit run --all-files`, which runs ruff
check, ruff format --check, sqlfluff, the YAML/TOML/JSON checks, the workflow and bundle schema
checks, zizmor and detect-secrets.

Cheap (about 13 s a project, no Spark), so it runs for every MATRIX entry, including the
Python 3.12 ones and the awkward, short and long project names. The hooks run the tools of the
template's own environment (the same packages as the project's dev group, locked in uv.lock),
so no project needs its own `uv sync` for this; tests/test_dev_tooling.py runs the hooks once
more in a fully synced default project.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import BakedProject
from test_bundle_validate import find_databricks_cli
from test_dev_tooling import HOOK_TOOLS, clean_environment

TEMPLATE_ENVIRONMENT = Path(sys.prefix)


def lint_environment() -> dict[str, str]:
    """uv runs every hook's tool from the template's environment, without syncing the project."""
    cli, _ = find_databricks_cli()
    env = clean_environment(str(cli.parent) if cli else None)
    env["UV_PROJECT_ENVIRONMENT"] = str(TEMPLATE_ENVIRONMENT)
    env["UV_NO_SYNC"] = "1"
    if cli:
        env["DATABRICKS_CLI"] = str(cli)
    return env


def run(command: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False
    )


def test_every_pre_commit_hook_passes(
    baked_project: BakedProject, tmp_path_factory: pytest.TempPathFactory
) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed; pre-commit needs a repository")
    # A private copy: pre-commit needs a git repository, and the shared bake stays untouched.
    project = tmp_path_factory.mktemp(f"lint-{baked_project.name}") / baked_project.path.name
    shutil.copytree(baked_project.path, project)
    env = lint_environment()
    for command in (["git", "init", "-q"], ["git", "add", "--all"]):
        assert run(command, project, env).returncode == 0
    uv = shutil.which("uv") or str(TEMPLATE_ENVIRONMENT / "bin" / "uv")
    hooks = run([uv, "run", "pre-commit", "run", "--all-files", "--color", "never"], project, env)
    assert hooks.returncode == 0, hooks.stdout[-20000:] + hooks.stderr
    # The hooks check; none may rewrite a file of a freshly generated project.
    changed = run(["git", "diff", "--name-only"], project, env).stdout
    assert changed == "", changed
    if "DATABRICKS_CLI" in env:
        assert "bundle schema check skipped" not in hooks.stdout


def test_every_hook_tool_is_in_the_template_environment() -> None:
    # Without them the hooks above could not run the project's linters.
    missing = [tool for tool in HOOK_TOOLS if not (TEMPLATE_ENVIRONMENT / "bin" / tool).is_file()]
    assert missing == []
