"""Shared test fixtures: one small local Spark session with Delta for the whole run."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyspark.sql import SparkSession

from {{ cookiecutter.package_name }}.runtime import local_spark

PROJECT_ROOT = Path(__file__).resolve().parents[1]
# Rich sizes help panels, error panels and tables to the terminal the suite runs in; one fixed
# width keeps the texts tests expect whole in any terminal, in CI and under `make test`.
TERMINAL_COLUMNS = "200"


def pytest_configure(config: pytest.Config) -> None:
    """Fix rich's width before any test renders output (rich reads COLUMNS as it renders)."""
    os.environ["COLUMNS"] = TERMINAL_COLUMNS


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test that uses the Spark session (directly or through a fixture) `spark`, so
    `pytest -m "not spark"` (make test-fast) is the tier that runs in seconds."""
    for item in items:
        if "spark" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.spark)


@pytest.fixture(scope="session")
def project_root() -> Path:
    """The generated project's root folder (holds databricks.yml)."""
    return PROJECT_ROOT


@pytest.fixture(scope="session")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SparkSession]:
    """One local Delta-enabled session per test run, with its warehouse in a temp dir."""
    session = local_spark(tmp_path_factory.mktemp("warehouse"), master="local[1]")
    yield session
    session.stop()
