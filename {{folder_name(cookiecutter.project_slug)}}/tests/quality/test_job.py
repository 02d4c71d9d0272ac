"""The quality step of a job: every table with a rule file, then pass or fail."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyspark.sql import SparkSession

from {{ cookiecutter.package_name }}.quality.job import (
    QualityChecksFailedError,
    check_tables,
    rule_files,
    summary,
)
from {{ cookiecutter.package_name }}.quality.rules import (
    RuleFileError,
)

SCHEMA = "quality_job_test"

ORDERS = """
table: orders
action: fail
rules:
  - {name: id_present, dimension: completeness, check: {type: not_null, column: id}}
  - name: customer_known
    dimension: consistency
    criticality: warn
    check:
      type: foreign_key
      columns: [customer_id]
      reference: customers
      reference_columns: [id]
"""
CUSTOMERS = """
table: customers
action: fail
rules:
  - {name: id_unique, dimension: uniqueness, check: {type: unique, columns: [id]}}
"""


@pytest.fixture
def layer(spark: SparkSession, tmp_path: Path) -> Path:
    spark.sql("DROP SCHEMA IF EXISTS quality_job_test CASCADE")
    spark.sql("CREATE SCHEMA quality_job_test")
    spark.createDataFrame(
        [(1, "c1"), (None, "c2"), (3, "c9")], "id int, customer_id string"
    ).write.saveAsTable(f"{SCHEMA}.orders")
    spark.createDataFrame([("c1",), ("c2",)], "id string").write.saveAsTable(f"{SCHEMA}.customers")
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "orders.yml").write_text(ORDERS)
    (rules / "customers.yml").write_text(CUSTOMERS)
    return rules


def run(spark: SparkSession, rules: Path, tables: list[str] | None = None) -> list:
    return check_tables(
        spark, rules, catalog="spark_catalog", schema=SCHEMA, run_id="job-1", tables=tables
    )


def test_failing_table_fails_the_step_after_every_table_ran(
    spark: SparkSession, layer: Path
) -> None:
    with pytest.raises(QualityChecksFailedError) as caught:
        run(spark, layer)
    assert str(caught.value) == (
        "orders: 1 rule(s) in error (run job-1)\n"
        "  id_present [completeness]: 1 of 3 rows failed (33.33%)"
    )
    assert [o.table_name for o in caught.value.outcomes] == ["customers", "orders"]
    metrics = spark.table(f"{SCHEMA}.quality_metrics")
    assert sorted((r.table_name, r.rule, r.status) for r in metrics.collect()) == [
        ("customers", "_volume", "info"),
        ("customers", "id_unique", "pass"),
        ("orders", "_volume", "info"),
        ("orders", "customer_known", "warn"),
        ("orders", "id_present", "error"),
    ]
    quarantined = spark.table(f"{SCHEMA}.orders_dq_quarantine").collect()
    assert [(row.customer_id, row._run_id) for row in quarantined] == [("c2", "job-1")]
    assert summary(caught.value.outcomes) == (
        "customers: 2 rows, 0 quarantined, pass\n"
        "orders: 3 rows, 1 quarantined, error: id_present (error), customer_known (warn)"
    )


def test_passing_tables_pass(spark: SparkSession, layer: Path) -> None:
    outcomes = run(spark, layer, ["customers"])
    assert [(o.table_name, o.status) for o in outcomes] == [("customers", "pass")]


def test_rule_folder_problems_are_named(spark: SparkSession, layer: Path, tmp_path: Path) -> None:
    with pytest.raises(RuleFileError, match="no rule file for payments"):
        rule_files(layer, ["orders", "payments"])
    with pytest.raises(RuleFileError, match="rules folder not found"):
        rule_files(tmp_path / "nowhere")
    (layer / "orders.yml").write_text(
        "rules:\n  - {name: a, dimension: validity, check: {type: not_null, column: id}}\n"
    )
    with pytest.raises(RuleFileError, match=r"orders\.yml: names no `table:` to check"):
        run(spark, layer, ["orders"])
