"""Spark SQL text for the expressions the engine plans.

The engine writes each check as SQL text and parses it once with `functions.expr`. Building
the same expression from `Column` objects costs one Py4J round trip per operator on classic
Spark (thousands per rule set, about half a second of driver time before any data is read);
parsing text costs one per expression, and Spark plans both the same way.
"""

from __future__ import annotations

from typing import Any

_SPECIAL = {"\\": "chr(92)", "'": "chr(39)", "${": "chr(36)"}


def identifier(name: str) -> str:
    """A column name as a quoted identifier: any character, a dot never nests."""
    return "`" + name.replace("`", "``") + "`"


def string(text: str) -> str:
    """A string literal that Spark reads back as exactly `text`, whatever
    `spark.sql.parser.escapedStringLiterals` says: backslashes and quotes are spelled
    `chr(92)` and `chr(39)`, never escaped, and the `$` of `${` is `chr(36)`, which variable
    substitution leaves alone."""
    parts: list[str] = []
    plain = ""
    for index, char in enumerate(text):
        special = _SPECIAL.get(text[index : index + 2] if char == "$" else char)
        if special is None:
            plain += char
            continue
        parts.extend([f"'{plain}'", special])
        plain = ""
    parts.append(f"'{plain}'")
    literals = [part for part in parts if part != "''"] or ["''"]
    return literals[0] if len(literals) == 1 else f"concat({', '.join(literals)})"


def literal(value: Any) -> str:
    """A rule file's scalar as a typed SQL literal (floats stay doubles, not decimals)."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"CAST({string(repr(value))} AS DOUBLE)"
    return string(str(value))


def is_true(text: str) -> str:
    """User SQL (a filter or an expression) as a boolean that is false when null. The line
    breaks keep a trailing `--` comment from swallowing the closing parenthesis."""
    return f"coalesce((\n{text}\n), FALSE)"


def shown(expression: str) -> str:
    """A value as text for a message; null shows as `null`."""
    return f"coalesce(CAST({expression} AS STRING), 'null')"


def concat(*parts: str) -> str:
    return f"concat({', '.join(parts)})"


def any_of(conditions: list[str]) -> str:
    """`a OR b OR ...`; FALSE for none."""
    return " OR ".join(f"({item})" for item in conditions) if conditions else "FALSE"


def all_of(conditions: list[str]) -> str:
    """`a AND b AND ...`; TRUE for none."""
    return " AND ".join(f"({item})" for item in conditions) if conditions else "TRUE"
