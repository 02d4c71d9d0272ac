"""`sql validate`: header, sqlfluff parse and Spark checks, on a small library with flaws."""

from __future__ import annotations

import sys
from datetime import date, datetime
from decimal import Decimal

import pytest
from pyspark.sql import SparkSession

from {{ cookiecutter.package_name }}.runtime.volumes import (
    LocalVolumes,
)
from {{ cookiecutter.package_name }}.sqllib import (
    Library,
    LibraryError,
)
from {{ cookiecutter.package_name }}.sqllib.header import Example
from {{ cookiecutter.package_name }}.sqllib.validate import (
    CheckStatus,
    FileReport,
    example_mismatches,
    same_value,
    sqlfluff_check,
    validate_library,
)

from .test_execute import PROBE
from .test_library import FUNCTION, PATTERN, write

SQLFLUFF_CONFIG = """\
[sqlfluff]
dialect = databricks
templater = placeholder

[sqlfluff:templater:placeholder]
param_style = colon
"""
WRONG_FUNCTION = (
    FUNCTION.replace("double_it", "triple_it")
    .replace("x * 2", "x * 3")
    .replace("--   - {call: triple_it(2), returns: 4}", "--   - {call: triple_it(3), returns: 10}\n"
             "--   - {call: triple_it(1), raises: too small}")
)  # fmt: skip
QUALIFY = PATTERN.replace(
    "CREATE OR REPLACE TABLE IDENTIFIER(:catalog || '.' || :schema || '.copy') USING DELTA AS\n"
    "SELECT * FROM",
    "SELECT 1 AS one FROM",
).replace(":source_table);", ":source_table) QUALIFY TRUE;")


@pytest.fixture(scope="module")
def flawed(tmp_path_factory: pytest.TempPathFactory) -> Library:
    root = tmp_path_factory.mktemp("flawed") / "sql"
    library = write(
        root,
        {
            "functions/double_it.sql": FUNCTION,
            "functions/triple_it.sql": WRONG_FUNCTION,
            "patterns/copy_table.sql": PATTERN,
            "patterns/probe.sql": PROBE,
            "patterns/qualify_rows.sql": QUALIFY,
            "patterns/unparsable.sql": PATTERN.replace("SELECT * FROM", "SELEC * FROM"),
            "patterns/broken.sql": "SELECT 1;\n",
        },
    )
    (root / ".sqlfluff").write_text(SQLFLUFF_CONFIG)
    return library


@pytest.fixture(scope="module")
def reports(spark: SparkSession, flawed: Library, tmp_path_factory) -> dict[str, FileReport]:
    volumes = LocalVolumes(tmp_path_factory.mktemp("validate_volumes"))
    return {r.name: r for r in validate_library(flawed, spark=spark, volumes=volumes)}


def statuses(report: FileReport) -> dict[str, str]:
    return {check.name: check.status.value for check in report.checks}


def details(report: FileReport, name: str) -> tuple[str, ...]:
    return next(check.details for check in report.checks if check.name == name)


def test_valid_files_pass_every_check(reports: dict[str, FileReport]) -> None:
    assert statuses(reports["double_it"]) == {"header": "ok", "sqlfluff": "ok", "spark": "ok"}
    assert details(reports["double_it"], "spark") == ("created; 1 examples hold",)
    assert reports["double_it"].ok


def test_function_examples_that_do_not_hold_fail(reports: dict[str, FileReport]) -> None:
    report = reports["triple_it"]
    assert not report.ok
    assert details(report, "spark") == (
        "triple_it(3) returned 9, expected 10",
        "triple_it(1) returned a value, expected an error with 'too small'",
    )


def test_statements_are_explained_or_said_why_not(reports: dict[str, FileReport]) -> None:
    copy = details(reports["copy_table"], "spark")
    assert (
        copy[0] == "statements: 1 parsed only (they read tables the scratch schema does not have)"
    )
    assert copy[1].startswith("copy_table, line 12: reads `")
    assert copy[1].endswith("orders`, absent here")
    assert reports["copy_table"].ok
    probe = details(reports["probe"], "spark")
    assert probe[0] == "statements: 1 explained, 2 not run locally"
    assert "skipped locally: Unity Catalog privileges do not exist locally" in probe[1]
    assert "workspace-only (needs a warehouse)" in probe[2]


def test_spark_only_syntax_errors_fail(reports: dict[str, FileReport]) -> None:
    report = reports["qualify_rows"]
    assert statuses(report) == {"header": "ok", "sqlfluff": "ok", "spark": "failed"}
    assert "PARSE_SYNTAX_ERROR" in details(report, "spark")[1]


def test_unparsable_and_broken_files_fail(reports: dict[str, FileReport]) -> None:
    unparsable = reports["unparsable"]
    assert statuses(unparsable)["sqlfluff"] == "failed"
    assert "unparsable" in details(unparsable, "sqlfluff")[0].lower()
    broken = reports["broken"]
    assert statuses(broken) == {"header": "failed", "sqlfluff": "ok"}
    assert broken.kind == "?"


def test_validate_can_be_limited_to_named_items(flawed: Library) -> None:
    named = validate_library(flawed, names=["double_it", "broken"])
    assert sorted(report.name for report in named) == ["broken", "double_it"]
    with pytest.raises(LibraryError, match="did you mean double_it"):
        validate_library(flawed, names=["double_ti"])


def test_sqlfluff_missing_is_reported_as_skipped(
    monkeypatch: pytest.MonkeyPatch, flawed: Library
) -> None:
    monkeypatch.setitem(sys.modules, "sqlfluff.core", None)
    check = sqlfluff_check(flawed.get("double_it").path)
    assert check.status is CheckStatus.SKIPPED
    assert "sqlfluff is not installed" in check.details[0]


def test_examples_that_do_not_run_are_reported(spark: SparkSession) -> None:
    problems = example_mismatches(spark, [Example(call="no_such_function(1)", returns=1)])
    assert problems[0].startswith("the examples do not run: [UNRESOLVED_ROUTINE]")
    wrong_error = example_mismatches(
        spark, [Example(call="raise_error('boom')", raises="something else")]
    )
    assert wrong_error == [
        "raise_error('boom') raised '[USER_RAISED_EXCEPTION] boom SQLSTATE: P0001', "
        "expected 'something else'"
    ]


@pytest.mark.parametrize(
    ("actual", "expected", "same"),
    [
        (None, None, True),
        (None, 0, False),
        (True, True, True),
        (1, True, False),
        (Decimal("1.50"), 1.5, True),
        (2.0000000001, 2, False),
        (date(2024, 1, 1), date(2024, 1, 1), True),
        (datetime(2024, 1, 1), date(2024, 1, 1), False),
        ("a", "a", True),
    ],
)
def test_same_value(actual: object, expected: object, same: bool) -> None:
    assert same_value(actual, expected) is same
