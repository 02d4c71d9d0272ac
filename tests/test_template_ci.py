"""The template repository's own CI: .ci/run runs the README's test command, and the GitHub
workflow runs .ci/run with pinned actions and read-only permissions."""

from __future__ import annotations

import os
import re
from typing import Any

import pytest
import yaml
from conftest import TEMPLATE_ROOT

CI_RUN = TEMPLATE_ROOT / ".ci" / "run"
README = TEMPLATE_ROOT / "README.md"
WORKFLOW = TEMPLATE_ROOT / ".github" / "workflows" / "ci.yml"
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")


def readme_test_command() -> str:
    """The README's command that runs the test suite (a shell line ending in `pytest`)."""
    commands = [
        line.strip()
        for block in re.findall(r"```(?:bash|sh|shell)\n(.*?)```", README.read_text(), re.DOTALL)
        for line in block.splitlines()
        if line.strip().endswith("uv run pytest")
    ]
    assert len(commands) == 1, f"README.md must show one test command, found {commands}"
    return commands[0]


def test_ci_run_is_an_executable_strict_bash_script() -> None:
    assert os.access(CI_RUN, os.X_OK), ".ci/run must be executable"
    lines = CI_RUN.read_text().splitlines()
    assert lines[0] == "#!/usr/bin/env bash"
    assert "set -euo pipefail" in lines


def test_ci_run_runs_exactly_the_readme_test_command() -> None:
    command = readme_test_command()
    lines = [line.strip() for line in CI_RUN.read_text().splitlines()]
    assert command in lines, f".ci/run must run the README's test command: {command}"
    assert lines[-1] == command, "the README's test command must be .ci/run's last command"


@pytest.fixture(scope="module")
def workflow() -> dict[Any, Any]:
    return yaml.safe_load(WORKFLOW.read_text())


def _steps(workflow: dict[Any, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def test_workflow_pins_every_action_to_a_commit(workflow: dict[Any, Any]) -> None:
    uses = [step["uses"] for step in _steps(workflow) if "uses" in step]
    assert uses
    unpinned = [action for action in uses if not PINNED.match(action)]
    assert not unpinned, f"actions not pinned to a full commit SHA: {unpinned}"


def test_workflow_reads_only_and_cancels_superseded_runs(workflow: dict[Any, Any]) -> None:
    assert workflow["permissions"] == {"contents": "read"}
    assert workflow["concurrency"]["cancel-in-progress"] is True
    assert all("permissions" not in job for job in workflow["jobs"].values())


def test_workflow_runs_ci_run_on_python_311_and_java_17(workflow: dict[Any, Any]) -> None:
    steps = _steps(workflow)
    inputs = {step["uses"].split("@")[0]: step.get("with", {}) for step in steps if "uses" in step}
    assert inputs["actions/setup-python"]["python-version"] == "3.11"
    assert inputs["actions/setup-java"]["java-version"] == "17"
    assert [step["run"] for step in steps if "run" in step] == ["bash .ci/run"]
