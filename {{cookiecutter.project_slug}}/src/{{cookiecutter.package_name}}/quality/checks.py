"""Row checks as Spark columns: a failure flag (true when a row fails, never null) and a reason.

Each function here is pure: it turns a check into expressions and runs nothing, so the engine
can put every row check of a table into one projection. Nulls pass every check except
`not_null` and `not_empty`, so that completeness is reported once, by its own rule.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pyspark.sql import Column
from pyspark.sql import functions as sf

from .rules import (
    Compare,
    Expression,
    Format,
    InRange,
    InSet,
    Length,
    NotEmpty,
    NotNull,
    Regex,
)

FORMAT_PATTERNS = {
    "email": r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}$",
    "uuid": r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
    "ipv4": r"^((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}"
    r"(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$",
    "url": r"^(https?|ftp)://[^\s/$.?]+\.[^\s]+$",
    "phone_e164": r"^\+[1-9][0-9]{6,14}$",
}

RowCheck = NotNull | NotEmpty | InSet | InRange | Regex | Format | Length | Expression | Compare


def shown(value: Column) -> Column:
    """A value as text for a message; null shows as `null`."""
    return sf.coalesce(value.cast("string"), sf.lit("null"))


def _literal(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value) if isinstance(value, str) else str(value)


def describe_bounds(low: Any, high: Any, inclusive: bool = True) -> str:
    """Human text for a range: `between 1 and 5`, `>= 1`, `< 5`."""
    ge, le = (">=", "<=") if inclusive else (">", "<")
    if low is not None and high is not None:
        word = "between" if inclusive else "strictly between"
        return f"{word} {_literal(low)} and {_literal(high)}"
    if low is not None:
        return f"{ge} {_literal(low)}"
    return f"{le} {_literal(high)}"


def within(value: Column, low: Any, high: Any, inclusive: bool = True) -> Column:
    """A boolean column: `value` lies within the bounds (null when `value` is null)."""
    condition = sf.lit(True)
    if low is not None:
        condition = condition & (value >= sf.lit(low) if inclusive else value > sf.lit(low))
    if high is not None:
        condition = condition & (value <= sf.lit(high) if inclusive else value < sf.lit(high))
    return condition


def _not_null(check: NotNull) -> tuple[Column, Column]:
    return sf.col(check.column).isNull(), sf.lit(f"{check.column} is null")


def _not_empty(check: NotEmpty) -> tuple[Column, Column]:
    text = sf.col(check.column).cast("string")
    if check.trim:
        text = sf.trim(text)
    fails = sf.col(check.column).isNull() | (text == sf.lit(""))
    return fails, sf.lit(f"{check.column} is null or empty")


def _in_set(check: InSet) -> tuple[Column, Column]:
    value = sf.col(check.column)
    allowed = ", ".join(str(item) for item in check.values)
    fails = value.isNotNull() & ~value.isin(check.values)
    message = sf.concat(
        sf.lit(f"{check.column} = "), shown(value), sf.lit(f" is not one of [{allowed}]")
    )
    return fails, message


def _in_range(check: InRange) -> tuple[Column, Column]:
    value = sf.col(check.column)
    fails = value.isNotNull() & ~within(value, check.min, check.max, check.inclusive)
    bounds = describe_bounds(check.min, check.max, check.inclusive)
    message = sf.concat(sf.lit(f"{check.column} = "), shown(value), sf.lit(f" is not {bounds}"))
    return fails, message


def _regex(check: Regex) -> tuple[Column, Column]:
    value = sf.col(check.column)
    fails = value.isNotNull() & ~value.cast("string").rlike(check.pattern)
    message = sf.concat(
        sf.lit(f"{check.column} = "), shown(value), sf.lit(f" does not match {check.pattern}")
    )
    return fails, message


def _parses(check: Format) -> Column:
    """True when the value parses as a date or timestamp (in `date_format` when given)."""
    text = sf.col(check.column).cast("string")
    if check.date_format:
        return sf.try_to_timestamp(text, sf.lit(check.date_format)).isNotNull()
    return text.try_cast(check.format).isNotNull()


def _format(check: Format) -> tuple[Column, Column]:
    value = sf.col(check.column)
    if check.format in ("date", "timestamp"):
        valid = _parses(check)
    else:
        valid = value.cast("string").rlike(FORMAT_PATTERNS[check.format])
    wanted = check.format + (f" ({check.date_format})" if check.date_format else "")
    message = sf.concat(
        sf.lit(f"{check.column} = "), shown(value), sf.lit(f" is not a valid {wanted}")
    )
    return value.isNotNull() & ~valid, message


def _length(check: Length) -> tuple[Column, Column]:
    size = sf.length(sf.col(check.column).cast("string"))
    fails = size.isNotNull() & ~within(size, check.min, check.max)
    bounds = describe_bounds(check.min, check.max)
    message = sf.concat(sf.lit(f"{check.column} length "), shown(size), sf.lit(f" is not {bounds}"))
    return fails, message


def _expression(check: Expression) -> tuple[Column, Column]:
    fails = ~sf.coalesce(sf.expr(check.expression), sf.lit(False))
    return fails, sf.lit(check.message or f"expression is false: {check.expression}")


_OPERATORS: dict[str, Callable[[Column, Column], Column]] = {
    "<": lambda left, right: left < right,
    "<=": lambda left, right: left <= right,
    "==": lambda left, right: left == right,
    "!=": lambda left, right: left != right,
    ">": lambda left, right: left > right,
    ">=": lambda left, right: left >= right,
}


def compare(left: Column, operator: str, right: Column) -> Column:
    """`left <operator> right` for the operators rule files accept."""
    return _OPERATORS[operator](left, right)


def _compare(check: Compare) -> tuple[Column, Column]:
    left, right = sf.col(check.left), sf.col(check.right)
    fails = left.isNotNull() & right.isNotNull() & ~compare(left, check.operator, right)
    message = sf.concat(
        sf.lit(f"{check.left} = "),
        shown(left),
        sf.lit(f" is not {check.operator} {check.right} = "),
        shown(right),
    )
    return fails, message


_BUILDERS: dict[type, Callable[[Any], tuple[Column, Column]]] = {
    NotNull: _not_null,
    NotEmpty: _not_empty,
    InSet: _in_set,
    InRange: _in_range,
    Regex: _regex,
    Format: _format,
    Length: _length,
    Expression: _expression,
    Compare: _compare,
}


def row_failure(check: RowCheck) -> tuple[Column, Column]:
    """(fails, reason): `fails` is true exactly for failing rows; `reason` says why."""
    return _BUILDERS[type(check)](check)
