"""Every library function returns the values its examples promise, nulls and edge cases included.

The examples live in each function's header (so `sql show` documents them); this module runs all
value examples in one SELECT on local Spark and checks each one, then runs each example that
must raise an error on its own.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from pyspark.sql import SparkSession

from {{ cookiecutter.package_name }}.sqllib import Kind, Library

from .conftest import LIBRARY_ROOT

FUNCTIONS = Library.load(LIBRARY_ROOT).of_kind(Kind.FUNCTION)
VALUE_EXAMPLES = [
    pytest.param(item.name, example.call, example.returns, id=f"{item.name}-{number}")
    for item in FUNCTIONS
    for number, example in enumerate(item.header.examples)
    if example.raises is None
]
RAISING_EXAMPLES = [
    pytest.param(example.call, example.raises, id=item.name)
    for item in FUNCTIONS
    for example in item.header.examples
    if example.raises is not None
]


def _column(call: str) -> str:
    return f"`{call.replace('`', '``')}`"


@pytest.fixture(scope="module")
def results(spark: SparkSession, in_functions_schema: str) -> dict[str, Any]:
    """Every value example evaluated in one query: call text -> value."""
    calls = list(dict.fromkeys(str(case.values[1]) for case in VALUE_EXAMPLES))
    row = spark.sql("SELECT " + ", ".join(f"{call} AS {_column(call)}" for call in calls)).first()
    assert row is not None
    return dict(zip(calls, row, strict=True))


def same_value(actual: Any, expected: Any) -> bool:
    if expected is None or actual is None:
        return actual is None and expected is None
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(actual) is type(expected) and actual == expected
    if isinstance(expected, int | float) and isinstance(actual, int | float | Decimal):
        return math.isclose(float(actual), float(expected), rel_tol=1e-12, abs_tol=1e-12)
    if isinstance(expected, datetime | date):
        return type(actual) is type(expected) and actual == expected
    return actual == expected


@pytest.mark.parametrize(("function", "call", "expected"), VALUE_EXAMPLES)
def test_function_returns_its_example_value(
    results: dict[str, Any], function: str, call: str, expected: Any
) -> None:
    actual = results[call]
    assert same_value(actual, expected), f"{call} returned {actual!r}, expected {expected!r}"


@pytest.mark.parametrize(("call", "message"), RAISING_EXAMPLES)
def test_function_refuses_bad_arguments(
    spark: SparkSession, in_functions_schema: str, call: str, message: str
) -> None:
    with pytest.raises(Exception, match="USER_RAISED_EXCEPTION") as raised:
        spark.sql(f"SELECT {call}").collect()
    assert message in str(raised.value)


def test_at_least_25_functions_in_every_category() -> None:
    categories = {item.category for item in FUNCTIONS}
    assert len(FUNCTIONS) >= 25
    assert categories == {"string", "date", "numeric", "quality", "business"}


@pytest.mark.parametrize("item", FUNCTIONS, ids=lambda item: item.name)
def test_every_function_has_null_and_edge_case_examples(item) -> None:
    examples = item.header.examples
    assert len(examples) >= 4, "a function needs at least four examples"
    assert any("NULL" in example.call for example in examples), "no example with a NULL argument"


def test_functions_carry_their_comment_and_determinism(
    spark: SparkSession, in_functions_schema: str
) -> None:
    for item in FUNCTIONS:
        lines = [row[0] for row in spark.sql(f"DESCRIBE FUNCTION EXTENDED {item.name}").collect()]
        usage = next(line for line in lines if line.startswith("Usage:"))
        assert '"sqlFunction.comment":"' in usage, f"{item.name} has no COMMENT"
        deterministic = item.name != "days_since"  # today's date changes its answer
        assert f'"sqlFunction.deterministic":"{str(deterministic).lower()}"' in usage, item.name
