"""Profiling: read a table in two aggregation passes and propose a rule file from what it holds.

Pass one computes, for every column at once, nulls, approximate distinct counts, minimum and
maximum values and lengths, and how many values match the well-known formats. Pass two
collects the values of low-cardinality columns only. The proposal is a starting point that a
person reviews: it describes the data as it is today, defects included.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as sf
from pyspark.sql import types as st

from .checks import FORMAT_PATTERNS
from .rules import (
    Criticality,
    Dimension,
    Format,
    InRange,
    InSet,
    Length,
    NotNull,
    RowCount,
    Rule,
    RuleSet,
    SchemaCheck,
    Threshold,
    Unique,
)

MAX_SET_SIZE = 10
_PROFILED_FORMATS = ("email", "uuid")
_NUMERIC = (
    st.ByteType,
    st.ShortType,
    st.IntegerType,
    st.LongType,
    st.FloatType,
    st.DoubleType,
    st.DecimalType,
)
_ORDERED = (*_NUMERIC, st.DateType, st.TimestampType, st.TimestampNTZType)


@dataclass
class ColumnProfile:
    """What one pass learned about one column."""

    name: str
    data_type: str
    rows: int
    nulls: int
    distinct: int
    minimum: Any = None
    maximum: Any = None
    min_length: int | None = None
    max_length: int | None = None
    formats: dict[str, int] = field(default_factory=dict)
    values: list[Any] | None = None
    unique: bool = False

    @property
    def null_percent(self) -> float:
        return 100.0 * self.nulls / self.rows if self.rows else 0.0


@dataclass
class Profile:
    """The profile of a table: row count and one entry per column."""

    table_name: str
    rows: int
    columns: list[ColumnProfile]


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]+", "_", name).strip("_") or "column"


def _first_pass(df: DataFrame) -> tuple[list[Column], dict[str, dict[str, str]]]:
    """Aggregates for every column, and where each column's results are in the output row."""
    metrics: list[Column] = [sf.count(sf.lit(1)).alias("rows")]
    names: dict[str, dict[str, str]] = {}
    for index, column in enumerate(df.schema.fields):
        value = sf.col(f"`{column.name}`")
        prefix = f"c{index}_"
        wanted: dict[str, Column] = {
            "nulls": sf.count_if(value.isNull()),
            "distinct": sf.approx_count_distinct(value),
        }
        if isinstance(column.dataType, _ORDERED):
            wanted["minimum"] = sf.min(value)
            wanted["maximum"] = sf.max(value)
        if isinstance(column.dataType, st.StringType):
            wanted["min_length"] = sf.min(sf.length(value))
            wanted["max_length"] = sf.max(sf.length(value))
            for name in _PROFILED_FORMATS:
                wanted[f"format_{name}"] = sf.count_if(value.rlike(FORMAT_PATTERNS[name]))
            wanted["format_date"] = sf.count_if(value.try_cast("date").isNotNull())
        names[column.name] = {key: prefix + key for key in wanted}
        metrics += [metric.alias(prefix + key) for key, metric in wanted.items()]
    return metrics, names


def profile(
    df: DataFrame, table_name: str = "dataframe", sample_fraction: float | None = None
) -> Profile:
    """Profile `df` (or a random sample of it) in two aggregation passes."""
    if sample_fraction is not None:
        df = df.sample(fraction=sample_fraction, seed=7)
    metrics, names = _first_pass(df)
    row = df.agg(*metrics).first()
    assert row is not None
    rows = int(row["rows"])
    profiles = []
    for column in df.schema.fields:
        found = {key: row[alias] for key, alias in names[column.name].items()}
        profiles.append(
            ColumnProfile(
                name=column.name,
                data_type=column.dataType.simpleString(),
                rows=rows,
                nulls=int(found["nulls"]),
                distinct=int(found["distinct"]),
                minimum=found.get("minimum"),
                maximum=found.get("maximum"),
                min_length=found.get("min_length"),
                max_length=found.get("max_length"),
                formats={
                    key.removeprefix("format_"): int(value)
                    for key, value in found.items()
                    if key.startswith("format_")
                },
            )
        )
    _second_pass(df, profiles)
    return Profile(table_name=table_name, rows=rows, columns=profiles)


def _second_pass(df: DataFrame, profiles: list[ColumnProfile]) -> None:
    """The values of string columns with few of them, and exact distinct counts where the
    estimate says a column may be unique (an estimate alone would propose false keys)."""
    small = [
        p
        for p in profiles
        if p.data_type == "string" and 0 < p.distinct <= MAX_SET_SIZE and p.rows > 2 * p.distinct
    ]
    maybe_unique = [
        p for p in profiles if p.nulls == 0 and p.rows > 1 and p.distinct >= 0.9 * p.rows
    ]
    if not small and not maybe_unique:
        return
    row = df.agg(
        *[sf.collect_set(sf.col(f"`{p.name}`")).alias(f"s{i}") for i, p in enumerate(small)],
        *[
            sf.count_distinct(sf.col(f"`{p.name}`")).alias(f"u{i}")
            for i, p in enumerate(maybe_unique)
        ],
    ).first()
    assert row is not None
    for index, column in enumerate(small):
        column.values = sorted(row[f"s{index}"])
    for index, column in enumerate(maybe_unique):
        column.distinct = int(row[f"u{index}"])
        column.unique = column.distinct == column.rows


def _plain(value: Any) -> Any:
    """A YAML-friendly bound: numbers stay numbers, dates and timestamps become ISO text."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, int | float):
        return value
    return float(value)  # Decimal


def _column_rules(column: ColumnProfile) -> list[Rule]:
    rules: list[Rule] = []
    name = _safe(column.name)
    non_null = column.rows - column.nulls
    if column.nulls == 0:
        rules.append(
            Rule(
                name=f"{name}_not_null",
                dimension=Dimension.COMPLETENESS,
                check=NotNull(column=column.name),
            )
        )
    elif column.null_percent < 50:
        tolerated = f"{math.ceil(column.null_percent) + 1}%"
        rules.append(
            Rule(
                name=f"{name}_mostly_present",
                dimension=Dimension.COMPLETENESS,
                criticality=Criticality.WARN,
                check=NotNull(column=column.name),
                threshold=Threshold(warn=tolerated),  # type: ignore[arg-type]
            )
        )
    if non_null == 0:
        return rules
    if column.unique:
        rules.append(
            Rule(
                name=f"{name}_unique",
                dimension=Dimension.UNIQUENESS,
                check=Unique(columns=[column.name]),
            )
        )
    matched = [fmt for fmt, hits in column.formats.items() if hits == non_null]
    if column.values is not None:
        rules.append(
            Rule(
                name=f"{name}_allowed_values",
                dimension=Dimension.VALIDITY,
                check=InSet(column=column.name, values=column.values),
            )
        )
    elif matched:
        rules.append(
            Rule(
                name=f"{name}_format",
                dimension=Dimension.VALIDITY,
                check=Format(column=column.name, format=matched[0]),
            )
        )  # type: ignore[arg-type]
    elif column.min_length is not None:
        rules.append(
            Rule(
                name=f"{name}_length",
                dimension=Dimension.VALIDITY,
                criticality=Criticality.WARN,
                check=Length(column=column.name, min=column.min_length, max=column.max_length),
            )
        )
    if column.minimum is not None and column.data_type != "string":
        rules.append(
            Rule(
                name=f"{name}_range",
                dimension=Dimension.ACCURACY,
                criticality=Criticality.WARN,
                check=InRange(
                    column=column.name, min=_plain(column.minimum), max=_plain(column.maximum)
                ),
            )
        )
    return rules


def propose_rules(found: Profile) -> RuleSet:
    """A rule set that the profiled data passes: schema, volume and per-column rules."""
    rules: list[Rule] = [
        Rule(
            name="schema",
            dimension=Dimension.CONSISTENCY,
            check=SchemaCheck(columns={c.name: c.data_type for c in found.columns}),
        ),
        Rule(name="not_empty", dimension=Dimension.COMPLETENESS, check=RowCount(min=1)),
    ]
    for column in found.columns:
        rules += _column_rules(column)
    return RuleSet(table=found.table_name, rules=rules)
