"""Fixtures for the SQL library tests: the library, a local executor, installed functions."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pyspark.sql import SparkSession

from {{ cookiecutter.package_name }}.runtime.volumes import (
    LocalVolumes,
)
from {{ cookiecutter.package_name }}.sqllib import (
    Kind,
    Library,
    LocalExecutor,
    render,
)

LIBRARY_ROOT = Path(__file__).resolve().parents[2] / "sql"
FUNCTIONS_SCHEMA = "sqllib_functions"


@pytest.fixture(scope="session")
def library() -> Library:
    return Library.load(LIBRARY_ROOT)


@pytest.fixture(scope="session")
def volumes(tmp_path_factory: pytest.TempPathFactory) -> LocalVolumes:
    return LocalVolumes(tmp_path_factory.mktemp("volumes"))


@pytest.fixture(scope="session")
def executor(spark: SparkSession, volumes: LocalVolumes) -> LocalExecutor:
    return LocalExecutor(spark, volumes)


@pytest.fixture(scope="session")
def functions_schema(library: Library, executor: LocalExecutor) -> str:
    """Every library function, created by `apply` in one schema."""
    for item in library.of_kind(Kind.FUNCTION):
        executor.apply(render(library, item.name, {"schema": FUNCTIONS_SCHEMA}))
    return FUNCTIONS_SCHEMA


@pytest.fixture(scope="module")
def in_functions_schema(spark: SparkSession, functions_schema: str) -> Iterator[str]:
    """Run the test with the functions' schema as the current one, so calls use plain names."""
    previous = spark.catalog.currentDatabase()
    spark.catalog.setCurrentDatabase(functions_schema)
    yield functions_schema
    spark.catalog.setCurrentDatabase(previous)
