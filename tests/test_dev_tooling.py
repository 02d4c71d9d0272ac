"""Developer tooling of generated projects: Makefile and README agree, VS Code settings fit the
project, every pre-commit hook runs a dev-group tool offline, and all hooks pass on a fresh
project (slow: `uv sync` plus `pre-commit run --all-files`).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from test_bundle_validate import find_databricks_cli

# Executable run by a hook -> the dev-group package that provides it.
HOOK_TOOLS = {
    "check-yaml": "pre-commit-hooks",
    "check-toml": "pre-commit-hooks",
    "check-json": "pre-commit-hooks",
    "end-of-file-fixer": "pre-commit-hooks",
    "trailing-whitespace-fixer": "pre-commit-hooks",
    "check-merge-conflict": "pre-commit-hooks",
    "ruff": "ruff",
    "sqlfluff": "sqlfluff",
    "check-jsonschema": "check-jsonschema",
    "zizmor": "zizmor",
    "detect-secrets-hook": "detect-secrets",
}
# Hooks that run a script of the project (with the project's Python) instead of a package.
SCRIPT_HOOKS = {"check-bundle-schema": "scripts/check_bundle_schema.py"}
MAKE_COMMAND = re.compile(r"\bmake ([a-z][a-z-]*)")
MAKE_TARGET = re.compile(r"^([a-z][a-z-]*):", re.MULTILINE)


@pytest.fixture(scope="module")
def project(bake: Callable[..., Any]) -> Path:
    return bake("default").path


def dev_packages(project: Path) -> set[str]:
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    return {
        re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0].lower()
        for requirement in pyproject["dependency-groups"]["dev"]
    }


def test_readme_and_makefile_name_the_same_targets(project: Path) -> None:
    makefile = (project / "Makefile").read_text()
    defined = set(MAKE_TARGET.findall(makefile))
    phony = set(re.search(r"^\.PHONY: (.*)$", makefile, re.MULTILINE).group(1).split())
    assert phony == defined, "every Makefile target is .PHONY and every .PHONY target exists"
    documented = set(MAKE_COMMAND.findall((project / "README.md").read_text()))
    assert documented == defined, (
        f"README mentions {sorted(documented - defined)} that the Makefile lacks; "
        f"the Makefile has {sorted(defined - documented)} that the README never mentions"
    )
    assert {"setup", "test", "lint", "run-local", "validate", "deploy-dev"} <= defined


def test_vscode_settings_fit_the_project(project: Path) -> None:
    extensions = json.loads((project / ".vscode" / "extensions.json").read_text())
    assert {"databricks.databricks", "ms-python.python", "charliermarsh.ruff"} <= set(
        extensions["recommendations"]
    )
    settings = json.loads((project / ".vscode" / "settings.json").read_text())
    # `make setup` (uv sync) creates .venv, the interpreter the editor and its tests use.
    assert settings["python.defaultInterpreterPath"] == "${workspaceFolder}/.venv/bin/python"
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    assert (
        settings["python.testing.pytestArgs"]
        == pyproject["tool"]["pytest"]["ini_options"]["testpaths"]
    )
    assert settings["[python]"]["editor.defaultFormatter"] == "charliermarsh.ruff"
    # Databricks notebooks exported as .py files: their cell marker, for the interactive window.
    assert settings["jupyter.interactiveWindow.cellMarker.default"] == "# COMMAND ----------"


def test_every_hook_runs_a_dev_group_tool_offline(project: Path) -> None:
    config = yaml.safe_load((project / ".pre-commit-config.yaml").read_text())
    packages = dev_packages(project)
    hooks = [hook for repo in config["repos"] for hook in repo["hooks"]]
    assert {repo["repo"] for repo in config["repos"]} == {"local"}
    for hook in hooks:
        assert hook["language"] == "system", hook["id"]
        runner, subcommand, *arguments = hook["entry"].split()
        assert (runner, subcommand) == ("uv", "run"), f"{hook['id']}: {hook['entry']}"
        if hook["id"] in SCRIPT_HOOKS:
            assert arguments[:2] == ["python", SCRIPT_HOOKS[hook["id"]]], hook["entry"]
            assert (project / SCRIPT_HOOKS[hook["id"]]).is_file()
            continue
        tool = arguments[0]
        assert tool in HOOK_TOOLS, f"{hook['id']} runs {tool}, which HOOK_TOOLS does not know"
        assert HOOK_TOOLS[tool] in packages, (
            f"{hook['id']} needs {HOOK_TOOLS[tool]} in the dev group"
        )
    ids = {hook["id"] for hook in hooks}
    assert {
        "ruff-check",
        "ruff-format",
        "sqlfluff-lint",
        "check-yaml",
        "check-github-workflows",
        "check-bundle-schema",
        "detect-secrets",
    } <= ids


def clean_environment(extra_path: str | None) -> dict[str, str]:
    """The caller's environment without the template's virtualenv, plus the Databricks CLI."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"VIRTUAL_ENV", "PYTHONPATH", "UV_PROJECT_ENVIRONMENT"}
        and not key.startswith(("PYTEST_", "COV_CORE_"))
    }
    if extra_path:
        env["PATH"] = f"{extra_path}{os.pathsep}{env.get('PATH', '')}"
    return env


@pytest.mark.slow
def test_every_hook_passes_on_a_fresh_project(
    bake: Callable[..., Any], tmp_path_factory: pytest.TempPathFactory
) -> None:
    project = bake("default").path
    workdir = tmp_path_factory.mktemp("pre-commit") / project.name
    subprocess.run(["cp", "-a", str(project), str(workdir)], check=True)
    cli, _ = find_databricks_cli()
    env = clean_environment(str(cli.parent) if cli else None)
    if cli:
        env["DATABRICKS_CLI"] = str(cli)

    def run(*command: str, timeout: int) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            list(command),
            cwd=workdir,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    for command in (["git", "init", "-q"], ["git", "add", "--all"]):
        assert run(*command, timeout=60).returncode == 0
    synced = run("uv", "sync", "--quiet", timeout=900)
    assert synced.returncode == 0, synced.stdout + synced.stderr
    hooks = run("uv", "run", "pre-commit", "run", "--all-files", "--color", "never", timeout=900)
    assert hooks.returncode == 0, hooks.stdout[-20000:] + hooks.stderr
    if cli:
        assert "bundle schema check skipped" not in hooks.stdout
