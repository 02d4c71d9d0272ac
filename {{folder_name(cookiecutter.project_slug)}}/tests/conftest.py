"""Shared test fixtures: one small local Spark session with Delta for the whole run."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pyspark.sql import SparkSession

from {{ cookiecutter.package_name }}.runtime import local_spark

PROJECT_ROOT = Path(__file__).resolve().parents[1]


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
