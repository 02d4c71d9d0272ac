"""The generated projects pass their own checks: uv sync, ruff, ruff format and pytest + coverage.

Slow (local Spark): two projects by default (conftest.GENERATED_SUITE_CASES), every MATRIX entry
with `--full-matrix` or FULL_MATRIX=1. All runs share the user's uv cache, so packages download
once. The Spark suites take a machine-wide file lock, so under `pytest -n N` (or beside another
test run) they run one at a time on the 2 cores; xdist's `--dist loadgroup` cannot do this with
pytest 9.2 (pytest-dev/pytest-xdist#1386: groups are silently ignored).
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import COVERAGE_PROPERTY, BakedProject

pytestmark = pytest.mark.slow

SYNC_TIMEOUT = 900
LINT_TIMEOUT = 300
TEST_TIMEOUT = 1800

# Variables of the template's own environment that must not reach the generated project's uv
# and pytest (they would point at the template's virtualenv or change pytest's options).
INHERITED_PREFIXES = ("PYTEST_", "COV_CORE_")
INHERITED_NAMES = {"VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "UV_PROJECT_ENVIRONMENT"}


@dataclass(frozen=True)
class Completed:
    """A finished command: its exit code and combined output."""

    command: list[str]
    returncode: int
    output: str

    def describe(self) -> str:
        return f"$ {' '.join(self.command)}\n(exit {self.returncode})\n{self.output[-20000:]}"


def run(command: list[str], cwd: Path, env: dict[str, str], timeout: int) -> Completed:
    """Run a command in its own process group, killing the whole group on timeout (Spark JVMs)."""
    with subprocess.Popen(
        command,
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    ) as process:
        try:
            output, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            output, _ = process.communicate()
            return Completed(command, -1, f"timed out after {timeout} s\n{output}")
    return Completed(command, process.returncode, output)


SPARK_SUITE_LOCK = Path(tempfile.gettempdir()) / "databricks-toolkit-spark-suites.lock"


@contextmanager
def one_spark_suite_at_a_time() -> Iterator[None]:
    """Hold a machine-wide lock while a generated project's Spark suite runs."""
    with SPARK_SUITE_LOCK.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def uv_command() -> list[str]:
    """uv on PATH, else the uv module of the template's own environment."""
    found = shutil.which("uv")
    return [found] if found else [sys.executable, "-m", "uv"]


def clean_environment() -> dict[str, str]:
    """os.environ without the template's virtualenv and pytest settings."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in INHERITED_NAMES and not name.startswith(INHERITED_PREFIXES)
    }
    virtualenv = os.environ.get("VIRTUAL_ENV")
    if virtualenv:
        bin_dir = str(Path(virtualenv) / "bin")
        env["PATH"] = os.pathsep.join(
            entry for entry in env.get("PATH", "").split(os.pathsep) if entry != bin_dir
        )
    return env


def find_python(version: str, env: dict[str, str]) -> str | None:
    """An interpreter of exactly this minor version: what uv finds, else a pyenv install."""
    # --system: a virtualenv (the template's own .venv) is no base for the project's.
    found = run([*uv_command(), "python", "find", "--system", version], Path.home(), env, 60)
    if found.returncode == 0 and found.output.strip():
        return found.output.strip().splitlines()[-1]
    pyenv_root = Path(env.get("PYENV_ROOT", Path.home() / ".pyenv"))
    candidates = sorted(pyenv_root.glob(f"versions/{version}.*/bin/python{version}"))
    return str(candidates[-1]) if candidates else None


@dataclass(frozen=True)
class SyncedProject:
    """A generated project with its own .venv, ready for `uv run`."""

    name: str
    path: Path
    package: str
    env: dict[str, str]

    def uv_run(self, *args: str, timeout: int) -> Completed:
        return run([*uv_command(), "run", "--no-sync", *args], self.path, self.env, timeout)


@pytest.fixture(scope="session")
def synced_project(
    generated_case: str,
    bake: Callable[..., BakedProject],
    tmp_path_factory: pytest.TempPathFactory,
) -> SyncedProject:
    """A private copy of the baked project (its .venv and uv.lock stay out of the shared bake),
    synced with `uv sync` on the Python version the project asks for."""
    baked = bake(generated_case)
    path = tmp_path_factory.mktemp(f"suite-{generated_case}") / baked.path.name
    shutil.copytree(baked.path, path)
    env = clean_environment()
    version = baked.answer("python_version")
    python = find_python(version, env)
    if python is None:
        pytest.skip(f"no Python {version} interpreter here (uv finds none, nor pyenv)")
    env["UV_PYTHON"] = python
    synced = sync(path, env)
    assert synced.returncode == 0, synced.describe()
    return SyncedProject(generated_case, path, baked.answer("package_name"), env)


_resolved_online: list[bool] = []


def sync(path: Path, env: dict[str, str]) -> Completed:
    """`uv sync`: online for the first project of the process (current versions), then offline
    from uv's cache, falling back to online when the cache lacks something.

    Why offline: some package indexes answer uv's revalidation of the 450 MB pyspark sdist as
    "modified" every time, so each online sync downloads and builds it again and leaves another
    ~1 GB revision in the uv cache.
    """
    if _resolved_online:
        offline = run([*uv_command(), "sync", "--offline"], path, env, SYNC_TIMEOUT)
        if offline.returncode == 0:
            return offline
        print(f"offline sync failed, syncing online:\n{offline.output[-2000:]}")
    online = run([*uv_command(), "sync"], path, env, SYNC_TIMEOUT)
    if online.returncode == 0:
        _resolved_online.append(True)
    return online


def test_generated_project_passes_ruff_check(synced_project: SyncedProject) -> None:
    result = synced_project.uv_run("ruff", "check", ".", timeout=LINT_TIMEOUT)
    assert result.returncode == 0, result.describe()


def test_generated_project_is_ruff_formatted(synced_project: SyncedProject) -> None:
    result = synced_project.uv_run("ruff", "format", "--check", ".", timeout=LINT_TIMEOUT)
    assert result.returncode == 0, result.describe()


TOTAL_COVERAGE = re.compile(r"Total coverage: (\d+(?:\.\d+)?%)")
TOTAL_ROW = re.compile(r"^TOTAL\s.*?(\d+(?:\.\d+)?%)\s*$", re.MULTILINE)


def coverage_total(output: str) -> str | None:
    """The total coverage pytest-cov printed (the precise figure when fail_under is set)."""
    match = TOTAL_COVERAGE.search(output) or TOTAL_ROW.search(output)
    return match.group(1) if match else None


def test_generated_project_tests_pass_with_coverage(
    synced_project: SyncedProject, record_property: Callable[[str, object], None]
) -> None:
    with one_spark_suite_at_a_time():
        result = synced_project.uv_run(
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--cov",
            "--cov-report=term",
            "--durations=15",
            timeout=TEST_TIMEOUT,
        )
    total = coverage_total(result.output)
    if total:
        record_property(COVERAGE_PROPERTY, (synced_project.name, total))
    print(f"\n{synced_project.name}: coverage {total}\n{result.output[-3000:]}")
    assert result.returncode == 0, result.describe()
    assert total, f"pytest-cov printed no total coverage:\n{result.describe()}"
