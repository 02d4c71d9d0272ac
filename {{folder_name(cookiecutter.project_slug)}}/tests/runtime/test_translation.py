"""The translation table: one test per entry, and nothing outside the table changes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pyspark.sql import SparkSession

from {{ cookiecutter.package_name }}.runtime.translation import (
    RULES,
    Action,
    TranslationContext,
    UnsupportedConstructError,
    mask_literals,
    translate,
)
from {{ cookiecutter.package_name }}.runtime.volumes import (
    LocalVolumes,
)

# One example per rule: the statement, and the SQL that runs locally (None when skipped).
SKIPPED = {
    "CREATE WIDGET": "CREATE WIDGET TEXT catalog DEFAULT 'dev'",
    "REMOVE WIDGET": "REMOVE WIDGET catalog",
    "CREATE CATALOG": "CREATE CATALOG IF NOT EXISTS sales",
    "CREATE / ALTER / DROP VOLUME": "CREATE VOLUME IF NOT EXISTS IDENTIFIER(:v)",
    "GRANT / REVOKE / OWNER TO": "GRANT SELECT ON TABLE t TO `analysts`",
    "SET TAGS / UNSET TAGS": "ALTER TABLE IDENTIFIER(:t)\n  SET TAGS ('layer' = 'bronze')",
    "ALTER TABLE ADD/DROP PRIMARY or FOREIGN KEY": (
        "ALTER TABLE t ADD CONSTRAINT t_pk PRIMARY KEY (id) RELY"
    ),
    "ANALYZE TABLE": "ANALYZE TABLE t COMPUTE STATISTICS FOR ALL COLUMNS",
}
REJECTED = {
    "COPY INTO": "COPY INTO t FROM '/Volumes/c/s/v' FILEFORMAT = CSV",
    "STREAMING TABLE / MATERIALIZED VIEW": "CREATE OR REFRESH STREAMING TABLE t AS SELECT 1",
}
REWRITTEN = {
    "USE CATALOG": ("USE CATALOG IDENTIFIER(:catalog)", "SET CATALOG spark_catalog"),
    "PRIMARY KEY / FOREIGN KEY in CREATE TABLE": (
        "CREATE TABLE IF NOT EXISTS {table} (id STRING NOT NULL, other STRING,\n"
        "  CONSTRAINT pk PRIMARY KEY (id) RELY,\n"
        "  CONSTRAINT fk FOREIGN KEY (other) REFERENCES parent (id) NOT ENFORCED NORELY\n"
        ") USING DELTA",
        "CREATE TABLE IF NOT EXISTS {table} (id STRING NOT NULL, other STRING\n) USING DELTA",
    ),
    "CLUSTER BY AUTO": (
        "CREATE TABLE IF NOT EXISTS {table} (id STRING) USING DELTA CLUSTER BY AUTO",
        "CREATE TABLE IF NOT EXISTS {table} (id STRING) USING DELTA",
    ),
}
# read_files(...) has its own tests in test_files.py and below.
COVERED_ELSEWHERE = {"read_files(...)"}


@pytest.fixture
def context(spark: SparkSession, tmp_path: Path) -> TranslationContext:
    return TranslationContext(spark, {}, LocalVolumes(tmp_path))


def test_every_rule_has_an_example() -> None:
    examples = {*SKIPPED, *REJECTED, *REWRITTEN, *COVERED_ELSEWHERE}
    assert {rule.construct for rule in RULES} == examples


@pytest.mark.parametrize(("construct", "statement"), SKIPPED.items())
def test_skipped_constructs_are_reported(
    construct: str, statement: str, context: TranslationContext
) -> None:
    translation = translate(statement, context)
    assert translation.sql is None
    assert translation.skipped is not None
    assert translation.skipped.rule.construct == construct
    assert translation.skipped.rule.action is Action.SKIP


@pytest.mark.parametrize(("construct", "statement"), REJECTED.items())
def test_rejected_constructs_say_what_to_write_instead(
    construct: str, statement: str, context: TranslationContext
) -> None:
    with pytest.raises(UnsupportedConstructError, match=construct.split(" ")[0]):
        translate(statement, context)


@pytest.mark.parametrize(("construct", "example"), REWRITTEN.items())
def test_rewritten_constructs_run_on_local_spark(
    construct: str, example: tuple[str, str], spark: SparkSession, context: TranslationContext
) -> None:
    spark.sql("CREATE SCHEMA IF NOT EXISTS translation")
    table = "translation." + re.sub(r"\W+", "_", construct).strip("_").lower()
    statement, expected = (text.format(table=table) for text in example)
    translation = translate(statement, context)
    assert translation.sql == expected
    assert [applied.rule.construct for applied in translation.applied] == [construct]
    spark.sql(translation.sql)
    if expected.startswith("CREATE TABLE"):
        assert spark.catalog.tableExists(table)


def test_statements_outside_the_table_pass_unchanged(context: TranslationContext) -> None:
    statement = "SELECT 'COPY INTO t', 'PRIMARY KEY', `read_files(x)` -- CREATE WIDGET\nFROM t"
    translation = translate(statement, context)
    assert translation.sql == statement
    assert translation.applied == ()


def test_mask_literals_keeps_offsets() -> None:
    sql = "SELECT 'a;b' /* c */, `d`"
    masked = mask_literals(sql)
    assert len(masked) == len(sql)
    assert masked == "SELECT '___'        , `_`"


def test_read_files_becomes_a_view_over_the_mapped_volume(
    spark: SparkSession, tmp_path: Path
) -> None:
    folder = tmp_path / "c" / "s" / "landing" / "items"
    folder.mkdir(parents=True)
    (folder / "items_1.csv").write_text("id,name\n1,apple\n")
    context = TranslationContext(spark, {"landing": "/Volumes/c/s/landing"}, LocalVolumes(tmp_path))
    statement = (
        "SELECT f.id, f.name FROM read_files(:landing || '/items', format => 'csv',\n"
        "  header => true, schema => 'id INT, name STRING') AS f"
    )
    translation = translate(statement, context)
    assert translation.sql == "SELECT f.id, f.name FROM read_files_1 AS f"
    assert "temporary view read_files_1" in translation.applied[0].detail
    assert [tuple(row) for row in spark.sql(translation.sql).collect()] == [(1, "apple")]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        ("read_files(format => 'csv')", "path as its first argument"),
        ("read_files('/tmp', 'csv')", "options must be named"),
        ("read_files(:missing)", "uses :missing, which no widget"),
        ("read_files('/tmp'", "no closing parenthesis"),
    ],
)
def test_read_files_calls_that_cannot_be_translated(
    call: str, message: str, context: TranslationContext
) -> None:
    with pytest.raises(UnsupportedConstructError, match=message):
        translate("SELECT * FROM " + call, context)  # noqa: S608 (a fixed test statement)
