"""Helpers for the quality tests: small frames and one-rule rule sets."""

from __future__ import annotations

from typing import Any

import pytest
from pyspark.sql import DataFrame, SparkSession

from {{ cookiecutter.package_name }}.quality.rules import (
    RuleSet,
    parse_rules,
)

ANNOTATED = "id int, _errors array<struct<rule:string,dimension:string,message:string>>"


def rules(*entries: dict[str, Any], action: str = "quarantine", table: str = "people") -> RuleSet:
    """A rule set from rule dicts; a rule without a name, dimension or criticality gets one."""
    completed = [
        {"name": f"r{index}", "dimension": "validity", **entry}
        for index, entry in enumerate(entries)
    ]
    return parse_rules({"table": table, "action": action, "rules": completed})


@pytest.fixture(scope="session")
def people(spark: SparkSession) -> DataFrame:
    """Three rows: one clean, one with a defect in every column, one all null."""
    return spark.createDataFrame(
        [
            (1, "ann@example.com", 34, "NL", "2024-01-31", "Ann", 10, 20),
            (2, "not-an-email", -3, "XX", "2024-02-30", "", 30, 20),
            (3, None, None, None, None, None, None, None),
        ],
        "id int, email string, age int, country string, day string, name string, low int, high int",
    )
