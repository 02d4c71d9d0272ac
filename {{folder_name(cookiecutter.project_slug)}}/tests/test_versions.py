"""The pinned versions that must agree do agree (see the pins in pyproject.toml)."""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

import yaml

# Databricks Runtime LTS -> the Apache Spark and Delta Lake minor versions it ships.
RUNTIME_SPARK = {"17.3": ("4.0", "4.0")}


def _dev_pins(project_root: Path) -> dict[str, str]:
    pyproject = tomllib.loads((project_root / "pyproject.toml").read_text())
    pins = {}
    for requirement in pyproject["dependency-groups"]["dev"]:
        name, _, version = requirement.partition("==")
        if version:
            pins[name] = version
    return pins


def _minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


def test_pyspark_and_delta_are_pinned_as_a_pair(project_root: Path) -> None:
    pins = _dev_pins(project_root)
    assert _minor(pins["pyspark"]) == _minor(pins["delta-spark"])


def test_local_spark_matches_the_runtime_of_the_bundle(project_root: Path) -> None:
    text = (project_root / "pyproject.toml").read_text()
    runtime = re.search(r"Databricks Runtime (\d+\.\d+) LTS", text)
    assert runtime, "pyproject.toml must name the Databricks Runtime LTS it pins against"
    spark, delta = RUNTIME_SPARK[runtime.group(1)]
    pins = _dev_pins(project_root)
    assert _minor(pins["pyspark"]) == spark
    assert _minor(pins["delta-spark"]) == delta
    bundle = yaml.safe_load((project_root / "databricks.yml").read_text())
    spark_version = bundle["variables"].get("spark_version", {}).get("default")
    if spark_version:
        assert spark_version.startswith(runtime.group(1) + ".")


def test_running_python_satisfies_requires_python(project_root: Path) -> None:
    pyproject = tomllib.loads((project_root / "pyproject.toml").read_text())
    lowest = pyproject["project"]["requires-python"].removeprefix(">=")
    assert sys.version_info[:2] >= tuple(int(part) for part in lowest.split("."))
