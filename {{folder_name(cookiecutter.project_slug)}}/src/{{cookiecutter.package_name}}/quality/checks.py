"""Row checks as Spark SQL: a failure flag (true when a row fails, never null) and a reason.

Each function here is pure: it turns a check into expression text and runs nothing, so the
engine can put every row check of a table into one projection. Nulls pass every check except
`not_null` and `not_empty`, so that completeness is reported once, by its own rule.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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
from .sql import all_of, concat, identifier, is_true, literal, shown, string

FORMAT_PATTERNS = {
    # Labels as `(label.)+tld`, not `label(.label)*.tld`: the same addresses, less backtracking.
    "email": r"^[A-Za-z0-9._%+\-]+@(?:[A-Za-z0-9\-]+\.)+[A-Za-z]{2,}$",
    "uuid": r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
    "ipv4": r"^((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}"
    r"(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$",
    "url": r"^(https?|ftp)://[^\s/$.?]+\.[^\s]+$",
    "phone_e164": r"^\+[1-9][0-9]{6,14}$",
}

RowCheck = NotNull | NotEmpty | InSet | InRange | Regex | Format | Length | Expression | Compare
Failure = tuple[str, str]


def _spoken(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value) if isinstance(value, str) else str(value)


def describe_bounds(low: Any, high: Any, inclusive: bool = True) -> str:
    """Human text for a range: `between 1 and 5`, `>= 1`, `< 5`."""
    ge, le = (">=", "<=") if inclusive else (">", "<")
    if low is not None and high is not None:
        word = "between" if inclusive else "strictly between"
        return f"{word} {_spoken(low)} and {_spoken(high)}"
    if low is not None:
        return f"{ge} {_spoken(low)}"
    return f"{le} {_spoken(high)}"


def within(value: str, low: Any, high: Any, inclusive: bool = True) -> str:
    """SQL that is true when `value` lies within the bounds (null when `value` is null)."""
    ge, le = (">=", "<=") if inclusive else (">", "<")
    bounds = []
    if low is not None:
        bounds.append(f"{value} {ge} {literal(low)}")
    if high is not None:
        bounds.append(f"{value} {le} {literal(high)}")
    return all_of(bounds)


def _value_is(column: str, text: str) -> str:
    """The message `<column> = <value> <text>`."""
    return concat(string(f"{column} = "), shown(identifier(column)), string(f" {text}"))


def _not_null(check: NotNull) -> Failure:
    return f"{identifier(check.column)} IS NULL", string(f"{check.column} is null")


def _not_empty(check: NotEmpty) -> Failure:
    value = identifier(check.column)
    text = f"CAST({value} AS STRING)"
    if check.trim:
        text = f"trim({text})"
    return f"{value} IS NULL OR {text} = ''", string(f"{check.column} is null or empty")


def _in_set(check: InSet) -> Failure:
    value = identifier(check.column)
    allowed = ", ".join(str(item) for item in check.values)
    values = ", ".join(literal(item) for item in check.values)
    fails = f"{value} IS NOT NULL AND NOT ({value} IN ({values}))"
    return fails, _value_is(check.column, f"is not one of [{allowed}]")


def _in_range(check: InRange) -> Failure:
    value = identifier(check.column)
    fails = f"{value} IS NOT NULL AND NOT ({within(value, check.min, check.max, check.inclusive)})"
    bounds = describe_bounds(check.min, check.max, check.inclusive)
    return fails, _value_is(check.column, f"is not {bounds}")


def _regex(check: Regex) -> Failure:
    value = identifier(check.column)
    fails = f"{value} IS NOT NULL AND NOT (CAST({value} AS STRING) RLIKE {string(check.pattern)})"
    return fails, _value_is(check.column, f"does not match {check.pattern}")


def _parses(check: Format) -> str:
    """True when the value parses as a date or timestamp (in `date_format` when given)."""
    text = f"CAST({identifier(check.column)} AS STRING)"
    if check.date_format:
        return f"try_to_timestamp({text}, {string(check.date_format)}) IS NOT NULL"
    return f"try_cast({text} AS {check.format.upper()}) IS NOT NULL"


def _format(check: Format) -> Failure:
    value = identifier(check.column)
    if check.format in ("date", "timestamp"):
        valid = _parses(check)
    else:
        valid = f"CAST({value} AS STRING) RLIKE {string(FORMAT_PATTERNS[check.format])}"
    wanted = check.format + (f" ({check.date_format})" if check.date_format else "")
    return f"{value} IS NOT NULL AND NOT ({valid})", _value_is(
        check.column, f"is not a valid {wanted}"
    )


def _length(check: Length) -> Failure:
    size = f"length(CAST({identifier(check.column)} AS STRING))"
    fails = f"{size} IS NOT NULL AND NOT ({within(size, check.min, check.max)})"
    bounds = describe_bounds(check.min, check.max)
    message = concat(string(f"{check.column} length "), shown(size), string(f" is not {bounds}"))
    return fails, message


def _expression(check: Expression) -> Failure:
    message = check.message or f"expression is false: {check.expression}"
    return f"NOT {is_true(check.expression)}", string(message)


_OPERATORS = {"<": "<", "<=": "<=", "==": "=", "!=": "!=", ">": ">", ">=": ">="}


def _compare(check: Compare) -> Failure:
    left, right = identifier(check.left), identifier(check.right)
    holds = f"{left} {_OPERATORS[check.operator]} {right}"
    fails = f"{left} IS NOT NULL AND {right} IS NOT NULL AND NOT ({holds})"
    message = concat(
        string(f"{check.left} = "),
        shown(left),
        string(f" is not {check.operator} {check.right} = "),
        shown(right),
    )
    return fails, message


_BUILDERS: dict[type, Callable[[Any], Failure]] = {
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


def row_failure(check: RowCheck) -> Failure:
    """(fails, reason) as SQL: `fails` is true exactly for failing rows; `reason` says why."""
    return _BUILDERS[type(check)](check)
