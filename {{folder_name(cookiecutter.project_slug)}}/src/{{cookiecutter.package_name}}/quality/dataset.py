"""Dataset rules: assertions on metrics the engine already collected (volume, freshness, schema,
aggregates, cross-table comparisons). They mark no rows: a table that is too small or stale is
not any one row's fault, so the verdict goes to the metrics table and the run's action.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pyspark.sql.types import StructType

from .checks import describe_bounds
from .metrics import Status, verdict
from .rules import Aggregate, CrossTable, Freshness, RowCount, Rule, SchemaCheck, parse_duration


@dataclass(frozen=True)
class Outcome:
    """A dataset rule's verdict, the value it observed, its bounds and a sentence."""

    status: Status
    observed: float | None
    bounds: str
    message: str


def _row_count(rule: Rule, check: RowCount, value: Any) -> Outcome:
    rows = int(value or 0)
    passed = (check.min is None or rows >= check.min) and (check.max is None or rows <= check.max)
    bounds = describe_bounds(check.min, check.max)
    return Outcome(verdict(rule, passed), float(rows), bounds, f"{rows} rows, expected {bounds}")


def _freshness(rule: Rule, check: Freshness, value: Any, now: datetime) -> Outcome:
    """`value` is the newest timestamp in microseconds since the epoch (observe returns
    numbers the same way on classic Spark and Spark Connect)."""
    limit = parse_duration(check.max_age)
    bounds = f"age <= {check.max_age}"
    if value is None:
        return Outcome(verdict(rule, False), None, bounds, f"{check.column} has no values")
    newest = datetime.fromtimestamp(int(value) / 1_000_000, UTC)
    now = now if now.tzinfo else now.replace(tzinfo=UTC)
    age = now - newest
    passed = age <= limit
    shown = f"{newest:%Y-%m-%d %H:%M:%S} UTC"
    message = f"newest {check.column} = {shown} is {age} old, expected at most {check.max_age}"
    return Outcome(verdict(rule, passed), age.total_seconds(), bounds, message)


def _schema(rule: Rule, check: SchemaCheck, schema: StructType) -> Outcome:
    actual = {item.name.lower(): item.dataType.simpleString() for item in schema.fields}
    problems = []
    for name, wanted in check.expected.items():
        found = actual.get(name.lower())
        if found is None:
            problems.append(f"{name} is missing")
        elif found.replace(" ", "") != wanted.lower().replace(" ", ""):
            problems.append(f"{name} is {found}, expected {wanted}")
    if check.strict:
        expected = {name.lower() for name in check.expected}
        problems += [f"{name} is not expected" for name in actual if name not in expected]
    bounds = ("exactly " if check.strict else "at least ") + ", ".join(
        f"{name} {kind}" for name, kind in check.expected.items()
    )
    message = "; ".join(problems) if problems else "schema as expected"
    return Outcome(verdict(rule, not problems), float(len(problems)), bounds, message)


def _aggregate(rule: Rule, check: Aggregate, value: Any) -> Outcome:
    label = f"{check.function}({check.column or '*'})"
    bounds = describe_bounds(check.min, check.max)
    if value is None:
        return Outcome(verdict(rule, False), None, bounds, f"{label} is null (no rows)")
    number = float(value)
    passed = (check.min is None or number >= check.min) and (
        check.max is None or number <= check.max
    )
    return Outcome(
        verdict(rule, passed), number, bounds, f"{label} = {number:g}, expected {bounds}"
    )


def _cross_table(rule: Rule, check: CrossTable, value: Any, reference: Any) -> Outcome:
    here = float(value or 0)
    there = float(reference or 0)
    tolerance = check.tolerance
    allowed = (
        tolerance.count
        if tolerance.count is not None
        else abs(there) * (tolerance.percent or 0) / 100
    )
    difference = here - there
    passes = {
        "==": abs(difference) <= allowed,
        "<=": difference <= allowed,
        ">=": difference >= -allowed,
        "<": difference < 0,
        ">": difference > 0,
    }[check.operator]
    column = check.reference_column or check.column or "*"
    label = f"{check.function}({check.column or '*'})"
    bounds = (
        f"{check.operator} {check.reference}.{check.function}({column}) ± {tolerance.describe()}"
    )
    message = f"{label} = {here:g}, {check.reference} has {there:g} (difference {difference:g})"
    return Outcome(verdict(rule, passes), difference, bounds, message)


def evaluate_dataset_rule(
    rule: Rule,
    *,
    value: Any,
    schema: StructType,
    now: datetime,
    reference_value: Any = None,
) -> Outcome:
    """The verdict of one dataset rule from the metrics the single pass collected."""
    check = rule.check
    if isinstance(check, RowCount):
        return _row_count(rule, check, value)
    if isinstance(check, Freshness):
        return _freshness(rule, check, value, now)
    if isinstance(check, SchemaCheck):
        return _schema(rule, check, schema)
    if isinstance(check, Aggregate):
        return _aggregate(rule, check, value)
    assert isinstance(check, CrossTable), f"{check.type} is not a dataset check"
    return _cross_table(rule, check, value, reference_value)
