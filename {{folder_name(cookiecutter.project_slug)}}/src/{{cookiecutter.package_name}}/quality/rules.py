"""Quality rules: what to check, written in YAML or built in Python, validated by one schema.

A rule file names the table it checks, what to do with failing rows, and a list of rules:

    table: silver_orders
    action: quarantine          # warn | quarantine | fail
    rules:
      - name: order_id_present
        dimension: completeness
        criticality: error
        check: {type: not_null, column: order_id}
      - name: email_format
        dimension: validity
        criticality: warn
        filter: "country = 'NL'"
        check: {type: format, column: email, format: email}
        threshold: {warn: "1%"}

Every model forbids unknown fields, so a typo is an error that names the field, not a rule that
silently checks nothing.
"""

from __future__ import annotations

import re
from datetime import timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_serializer,
    model_validator,
)


class RuleFileError(ValueError):
    """A rule file or rule set that cannot be used; the message names the file, rule and field."""


class Dimension(StrEnum):
    """The six data-quality dimensions every rule is scored under."""

    COMPLETENESS = "completeness"
    ACCURACY = "accuracy"
    CONSISTENCY = "consistency"
    VALIDITY = "validity"
    UNIQUENESS = "uniqueness"
    TIMELINESS = "timeliness"


class Criticality(StrEnum):
    """Where a failing row is annotated (`_errors` or `_warnings`); a rule's worst status."""

    WARN = "warn"
    ERROR = "error"


class Action(StrEnum):
    """What a run does with rows that fail error rules and with rules whose status is error."""

    WARN = "warn"  # keep every row, annotated; never fail the run
    QUARANTINE = "quarantine"  # move rows with errors to the quarantine output
    FAIL = "fail"  # quarantine, publish no valid rows, and raise when any rule is in error


_PERCENT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%\s*$")
_DURATION = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$")
_DURATION_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_duration(text: str) -> timedelta:
    """`90m`, `24h`, `7d` -> timedelta; anything else is a ValueError naming the accepted forms."""
    match = _DURATION.match(text)
    if not match:
        raise ValueError(f"{text!r} is not a duration; use a number and a unit: 30m, 24h, 7d, 1w")
    return timedelta(**{_DURATION_UNITS[match.group(2)]: int(match.group(1))})


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Tier(_Strict):
    """A tolerance: a count of failing rows (`10`) or a percent of tested rows (`"1.5%"`)."""

    count: int | None = None
    percent: float | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_scalar(cls, value: Any) -> Any:
        if isinstance(value, bool):
            raise ValueError("a tier is a row count (10) or a percent string ('1.5%'), not a bool")
        if isinstance(value, int):
            if value < 0:
                raise ValueError("a row count tier must be >= 0")
            return {"count": value}
        if isinstance(value, str):
            match = _PERCENT.match(value)
            if not match or float(match.group(1)) > 100:
                raise ValueError(f"{value!r} is not a percent between 0% and 100%, like '1.5%'")
            return {"percent": float(match.group(1))}
        return value

    def exceeded_by(self, failed: int, tested: int) -> bool:
        """True when `failed` rows out of `tested` are more than this tier allows."""
        if self.count is not None:
            return failed > self.count
        assert self.percent is not None
        return tested > 0 and failed * 100.0 > self.percent * tested

    def describe(self) -> str:
        return f"{self.count} rows" if self.count is not None else f"{self.percent:g}%"

    @model_serializer
    def _to_scalar(self) -> int | str:
        return self.count if self.count is not None else f"{self.percent:g}%"


class Threshold(_Strict):
    """Failing rows a row-level rule tolerates: above `warn` it warns, above `error` it errs."""

    warn: Tier | None = None
    error: Tier | None = None

    @model_validator(mode="after")
    def _one_tier_at_least(self) -> Threshold:
        if self.warn is None and self.error is None:
            raise ValueError("a threshold needs a warn tier, an error tier or both")
        return self

    def describe(self) -> str:
        tiers = [
            (name, tier) for name, tier in (("warn", self.warn), ("error", self.error)) if tier
        ]
        return ", ".join(f"{name} > {tier.describe()}" for name, tier in tiers)


Scalar = int | float | str | bool


class _Check(_Strict):
    """A check: what is tested. Subclasses say which columns they read."""

    def columns(self) -> list[str]:
        return []

    @property
    def level(self) -> Literal["row", "keyed", "dataset"]:
        return "row"


class _ColumnCheck(_Check):
    column: str = Field(min_length=1)

    def columns(self) -> list[str]:
        return [self.column]


class NotNull(_ColumnCheck):
    """The column has a value."""

    type: Literal["not_null"] = "not_null"


class NotEmpty(_ColumnCheck):
    """The column has a value that is not an empty (or, with `trim`, blank) string."""

    type: Literal["not_empty"] = "not_empty"
    trim: bool = True


class InSet(_ColumnCheck):
    """The value is one of `values` (nulls pass: completeness is a separate rule)."""

    type: Literal["in_set"] = "in_set"
    values: list[Scalar] = Field(min_length=1)


class InRange(_ColumnCheck):
    """The value lies between `min` and `max` (numbers, or ISO dates/timestamps as strings)."""

    type: Literal["in_range"] = "in_range"
    min: int | float | str | None = None
    max: int | float | str | None = None
    inclusive: bool = True

    @model_validator(mode="after")
    def _a_bound(self) -> InRange:
        if self.min is None and self.max is None:
            raise ValueError("in_range needs min, max or both")
        return self


class Regex(_ColumnCheck):
    """The string value matches `pattern` (Java regular expression, searched anywhere)."""

    type: Literal["regex"] = "regex"
    pattern: str = Field(min_length=1)

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, pattern: str) -> str:
        try:
            re.compile(pattern)
        except re.error as error:
            message = f"pattern {pattern!r} is not a valid regular expression: {error}"
            raise ValueError(message) from None
        return pattern


class Format(_ColumnCheck):
    """The value has a well-known format; dates and timestamps use `date_format` when given."""

    type: Literal["format"] = "format"
    format: Literal["email", "uuid", "date", "timestamp", "ipv4", "url", "phone_e164"]
    date_format: str | None = None


class Length(_ColumnCheck):
    """The string length lies between `min` and `max` characters."""

    type: Literal["length"] = "length"
    min: int | None = Field(default=None, ge=0)
    max: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _a_bound(self) -> Length:
        if self.min is None and self.max is None:
            raise ValueError("length needs min, max or both")
        return self


class Expression(_Check):
    """A Spark SQL boolean expression that must hold for every row (null counts as failing)."""

    type: Literal["expression"] = "expression"
    expression: str = Field(min_length=1)
    message: str | None = None


class Compare(_Check):
    """Two columns compare as stated: `left <operator> right` (rows with a null side pass)."""

    type: Literal["compare"] = "compare"
    left: str = Field(min_length=1)
    operator: Literal["<", "<=", "==", "!=", ">", ">="]
    right: str = Field(min_length=1)

    def columns(self) -> list[str]:
        return [self.left, self.right]


class Unique(_Check):
    """No two rows share the values of `columns`; every duplicate row is annotated."""

    type: Literal["unique"] = "unique"
    columns_: list[str] = Field(alias="columns", min_length=1)
    nulls_distinct: bool = True

    def columns(self) -> list[str]:
        return list(self.columns_)

    @property
    def level(self) -> Literal["row", "keyed", "dataset"]:
        return "keyed"


class ForeignKey(_Check):
    """Every non-null key in `columns` exists in `reference_columns` of the `reference` table."""

    type: Literal["foreign_key"] = "foreign_key"
    columns_: list[str] = Field(alias="columns", min_length=1)
    reference: str = Field(min_length=1)
    reference_columns: list[str] | None = None

    @model_validator(mode="after")
    def _same_arity(self) -> ForeignKey:
        if self.reference_columns is not None and len(self.reference_columns) != len(self.columns_):
            raise ValueError("reference_columns must list as many columns as columns")
        return self

    def columns(self) -> list[str]:
        return list(self.columns_)

    def referenced(self) -> list[str]:
        return list(self.reference_columns or self.columns_)

    @property
    def level(self) -> Literal["row", "keyed", "dataset"]:
        return "keyed"


AggregateFunction = Literal["count", "sum", "avg", "min", "max", "stddev"]


class Aggregate(_Check):
    """An aggregate lies within `min`..`max`: over the table, or per group of `group_by`."""

    type: Literal["aggregate"] = "aggregate"
    function: AggregateFunction
    column: str | None = None
    group_by: list[str] = Field(default_factory=list)
    min: float | None = None
    max: float | None = None

    @model_validator(mode="after")
    def _usable(self) -> Aggregate:
        if self.min is None and self.max is None:
            raise ValueError("aggregate needs min, max or both")
        if self.column is None and self.function != "count":
            raise ValueError(f"aggregate function {self.function} needs a column")
        return self

    def columns(self) -> list[str]:
        return [*([self.column] if self.column else []), *self.group_by]

    @property
    def level(self) -> Literal["row", "keyed", "dataset"]:
        return "keyed" if self.group_by else "dataset"


class RowCount(_Check):
    """The number of rows (after the rule's filter) lies within `min`..`max`."""

    type: Literal["row_count"] = "row_count"
    min: int | None = Field(default=None, ge=0)
    max: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _a_bound(self) -> RowCount:
        if self.min is None and self.max is None:
            raise ValueError("row_count needs min, max or both")
        return self

    @property
    def level(self) -> Literal["row", "keyed", "dataset"]:
        return "dataset"


class Freshness(_ColumnCheck):
    """The newest value of a timestamp column is at most `max_age` old (`30m`, `24h`, `7d`)."""

    type: Literal["freshness"] = "freshness"
    max_age: str

    @field_validator("max_age")
    @classmethod
    def _is_duration(cls, value: str) -> str:
        parse_duration(value)
        return value

    @property
    def level(self) -> Literal["row", "keyed", "dataset"]:
        return "dataset"


class SchemaCheck(_Check):
    """The table has `columns` with these Spark types (`string`, `bigint`, `decimal(10,2)`)."""

    type: Literal["schema"] = "schema"
    expected: dict[str, str] = Field(alias="columns", min_length=1)
    strict: bool = False

    @property
    def level(self) -> Literal["row", "keyed", "dataset"]:
        return "dataset"


class CrossTable(_Check):
    """An aggregate of this table compares with the same kind of aggregate of `reference`."""

    type: Literal["cross_table"] = "cross_table"
    function: AggregateFunction
    column: str | None = None
    reference: str = Field(min_length=1)
    reference_column: str | None = None
    reference_filter: str | None = None
    operator: Literal["==", "<=", ">=", "<", ">"] = "=="
    tolerance: Tier = Field(default_factory=lambda: Tier(count=0))

    @model_validator(mode="after")
    def _usable(self) -> CrossTable:
        if self.column is None and self.function != "count":
            raise ValueError(f"cross_table function {self.function} needs a column")
        return self

    def columns(self) -> list[str]:
        return [self.column] if self.column else []

    @property
    def level(self) -> Literal["row", "keyed", "dataset"]:
        return "dataset"


Check = Annotated[
    NotNull
    | NotEmpty
    | InSet
    | InRange
    | Regex
    | Format
    | Length
    | Expression
    | Compare
    | Unique
    | ForeignKey
    | Aggregate
    | RowCount
    | Freshness
    | SchemaCheck
    | CrossTable,
    Field(discriminator="type"),
]

CHECK_TYPES = [
    "not_null",
    "not_empty",
    "in_set",
    "in_range",
    "regex",
    "format",
    "length",
    "expression",
    "compare",
    "unique",
    "foreign_key",
    "aggregate",
    "row_count",
    "freshness",
    "schema",
    "cross_table",
]


class Rule(_Strict):
    """One named check with its dimension, criticality, optional row filter and threshold."""

    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.\-]+$")
    dimension: Dimension
    criticality: Criticality = Criticality.ERROR
    check: Check
    filter: str | None = None
    threshold: Threshold | None = None
    description: str | None = None

    @model_validator(mode="after")
    def _threshold_fits(self) -> Rule:
        if self.threshold is None:
            return self
        if self.check.level == "dataset":
            raise ValueError(
                f"threshold applies to row-level checks only, not to {self.check.type} "
                "(its bounds are part of the check)"
            )
        if self.threshold.error is not None and self.criticality is Criticality.WARN:
            raise ValueError("an error tier needs criticality: error")
        return self

    @property
    def level(self) -> Literal["row", "keyed", "dataset"]:
        return self.check.level


class RuleSet(_Strict):
    """The rules for one table and what a run does with its failing rows."""

    table: str | None = None
    action: Action = Action.QUARANTINE
    rules: list[Rule] = Field(min_length=1)
    source: str = Field(default="<python>", exclude=True)

    @model_validator(mode="after")
    def _unique_names(self) -> RuleSet:
        seen: set[str] = set()
        for rule in self.rules:
            if rule.name in seen:
                raise ValueError(f"rule name {rule.name!r} is used twice; names must be unique")
            seen.add(rule.name)
        return self

    def references(self) -> set[str]:
        """The other tables the rules read (foreign keys, cross-table comparisons)."""
        return {
            rule.check.reference
            for rule in self.rules
            if isinstance(rule.check, ForeignKey | CrossTable)
        }


def _describe_location(location: tuple[int | str, ...], data: Any) -> str:
    """('rules', 2, 'check', 'in_range', 'min') -> "rule 'x' (rules[2]), field check.min"."""
    if len(location) >= 2 and location[0] == "rules" and isinstance(location[1], int):
        index = location[1]
        raw = data.get("rules") if isinstance(data, dict) else None
        name = None
        if isinstance(raw, list) and index < len(raw) and isinstance(raw[index], dict):
            name = raw[index].get("name")
        # Skip the union tag that pydantic adds after "check" (check.in_range.min -> check.min).
        rest = [
            str(part)
            for position, part in enumerate(location[2:], start=2)
            if not (location[position - 1] == "check" and part in CHECK_TYPES)
        ]
        rule = f"rule {name!r} (rules[{index}])" if name else f"rules[{index}]"
        return f"{rule}, field {'.'.join(rest)}" if rest else rule
    return f"field {'.'.join(str(part) for part in location)}" if location else "top level"


def _format_errors(error: ValidationError, data: Any, source: str) -> str:
    lines = [f"{source}: invalid rule file"]
    for item in error.errors():
        message = item["msg"].removeprefix("Value error, ")
        lines.append(f"  {_describe_location(item['loc'], data)}: {message}")
    return "\n".join(lines)


def parse_rules(data: Any, source: str = "<python>") -> RuleSet:
    """Validate a parsed rule document; errors name `source`, the rule and the field."""
    if not isinstance(data, dict):
        raise RuleFileError(f"{source}: a rule file is a mapping with 'rules', got {type(data)}")
    try:
        return RuleSet.model_validate({**data, "source": source})
    except ValidationError as error:
        raise RuleFileError(_format_errors(error, data, source)) from None


def load_rules(path: str | Path) -> RuleSet:
    """Read and validate one YAML rule file."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RuleFileError(f"{path}: rule file not found") from None
    except yaml.YAMLError as error:
        raise RuleFileError(f"{path}: not valid YAML: {error}") from None
    return parse_rules(data, str(path))


def dump_rules(rule_set: RuleSet) -> str:
    """The YAML text of a rule set, in the form `load_rules` reads."""
    data = rule_set.model_dump(mode="json", by_alias=True, exclude_none=True)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
