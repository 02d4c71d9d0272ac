"""Parameter types of the SQL library, and the validation of every value given to them.

Values never become SQL text: they are bound to `:name` markers (`spark.sql(..., args=...)`
locally, `StatementParameterListItem` on a workspace). Validation is strict all the same, so
that a value that looks like an injection attempt is refused with a message naming it instead
of reaching a statement: identifiers are plain names (letters, digits, underscores), and text
values may hold no quotes, backticks, semicolons, comment markers, backslashes or control
characters. Numbers, booleans, dates and timestamps must parse as such.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

MAX_TEXT_LENGTH = 4096
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,254}")
_INT32 = range(-(2**31), 2**31)
_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")
_DECIMAL_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:[.][0-9]*)?|[.][0-9]+)(?:[eE][+-]?[0-9]+)?")
_TRUE = {"true", "yes", "1", "on"}
_FALSE = {"false", "no", "0", "off"}
# What a text value may not contain, and how the refusal names it. Checked in this order, so
# that `--` is named as a comment marker rather than as two hyphens.
_FORBIDDEN_IN_TEXT = (
    ("--", "a comment marker (--)"),
    ("/*", "a comment marker (/*)"),
    ("*/", "a comment marker (*/)"),
    ("'", "a single quote"),
    ('"', "a double quote"),
    ("`", "a backtick"),
    (";", "a semicolon"),
    ("\\", "a backslash"),
)
_CHARACTER_NAMES = {
    "'": "a single quote",
    '"': "a double quote",
    "`": "a backtick",
    ";": "a semicolon",
    ".": "a dot (pass catalog, schema and table as separate parameters)",
    "-": "a hyphen",
    " ": "a space",
    "\\": "a backslash",
    "/": "a slash",
    "*": "an asterisk",
    "(": "a parenthesis",
    ")": "a parenthesis",
}


class ParameterType(StrEnum):
    """The types a library file may declare for a parameter."""

    IDENTIFIER = "identifier"  # one part of a name: a catalog, schema, table or column
    STRING = "string"
    INT = "int"
    DOUBLE = "double"
    BOOLEAN = "boolean"
    DATE = "date"
    TIMESTAMP = "timestamp"


class ParameterValueError(ValueError):
    """A value that does not fit its parameter, or that the library refuses as unsafe."""

    def __init__(self, name: str, value: object, reason: str) -> None:
        self.name, self.value, self.reason = name, value, reason
        super().__init__(f"parameter {name!r}: {value!r} {reason}")


@dataclass(frozen=True)
class Binding:
    """A validated value for one parameter, as Python sees it and as the SQL APIs receive it."""

    name: str
    type: ParameterType
    value: Any  # str, int, float, bool, date or datetime
    text: str  # canonical text, sent as the value of a StatementParameterListItem

    @property
    def sql_type(self) -> str:
        """The Databricks SQL type the value is bound as."""
        if self.type is ParameterType.INT:
            return "INT" if self.value in _INT32 else "BIGINT"
        return _SQL_TYPES[self.type]


_SQL_TYPES = {
    ParameterType.IDENTIFIER: "STRING",
    ParameterType.STRING: "STRING",
    ParameterType.DOUBLE: "DOUBLE",
    ParameterType.BOOLEAN: "BOOLEAN",
    ParameterType.DATE: "DATE",
    ParameterType.TIMESTAMP: "TIMESTAMP",
}


def as_text(raw: object) -> str:
    """A value from the command line or a YAML header as text (YAML gives typed values)."""
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, datetime):
        return raw.isoformat(sep=" ")
    if isinstance(raw, date):
        return raw.isoformat()
    return str(raw)


def bind(
    name: str,
    parameter_type: ParameterType,
    raw: object,
    *,
    choices: list[str] | None = None,
    minimum: float | None = None,
    maximum: float | None = None,
) -> Binding:
    """Validate `raw` for the parameter `name`; raise ParameterValueError saying what is wrong."""
    text = as_text(raw)
    value = _PARSERS[parameter_type](name, text)
    if choices is not None and value not in choices:
        allowed = ", ".join(repr(choice) for choice in choices)
        raise ParameterValueError(name, text, f"is not one of the allowed values: {allowed}")
    if minimum is not None and value < minimum:
        raise ParameterValueError(name, text, f"is below the minimum, {minimum:g}")
    if maximum is not None and value > maximum:
        raise ParameterValueError(name, text, f"is above the maximum, {maximum:g}")
    return Binding(name, parameter_type, value, _canonical(parameter_type, value))


def _canonical(parameter_type: ParameterType, value: Any) -> str:
    if parameter_type is ParameterType.DOUBLE:
        return repr(value)
    return as_text(value)


def _identifier(name: str, text: str) -> str:
    if _IDENTIFIER.fullmatch(text):
        return text
    if not text:
        raise ParameterValueError(name, text, "is empty; an identifier needs at least one letter")
    if len(text) > 255:
        raise ParameterValueError(name, text[:40] + "...", "is longer than 255 characters")
    bad = next(
        (char for char in text if not (char.isascii() and (char.isalnum() or char == "_"))),
        None,
    )
    if bad is None:  # only the first character is wrong: a digit
        reason = "starts with a digit; an identifier starts with a letter or an underscore"
    else:
        what = _CHARACTER_NAMES.get(bad, f"the character {bad!r}")
        reason = (
            f"is not a plain identifier: it contains {what}. Identifiers may hold only letters, "
            "digits and underscores, starting with a letter or an underscore"
        )
    raise ParameterValueError(name, text, reason)


def _string(name: str, text: str) -> str:
    if len(text) > MAX_TEXT_LENGTH:
        raise ParameterValueError(
            name, text[:40] + "...", f"is longer than {MAX_TEXT_LENGTH} characters"
        )
    for fragment, what in _FORBIDDEN_IN_TEXT:
        if fragment in text:
            raise ParameterValueError(name, text, _refused_text(what))
    control = next((char for char in text if ord(char) < 32 or ord(char) == 127), None)
    if control is not None:
        raise ParameterValueError(name, text, _refused_text(f"a control character {control!r}"))
    return text


def _refused_text(what: str) -> str:
    return (
        f"contains {what}. Values are bound as parameters, never pasted into SQL, but the "
        "library refuses quotes, backticks, semicolons, comment markers, backslashes and control "
        "characters in text so that no value can be mistaken for SQL"
    )


def _int(name: str, text: str) -> int:
    if not _WHOLE_NUMBER.fullmatch(text.strip()):
        raise ParameterValueError(name, text, "is not a whole number")
    return int(text)


def _double(name: str, text: str) -> float:
    # A plain decimal number: Python's float() would also take "nan", "inf" and "1_0".
    if not _DECIMAL_NUMBER.fullmatch(text.strip()):
        raise ParameterValueError(name, text, "is not a number")
    value = float(text)
    if not math.isfinite(value):
        raise ParameterValueError(name, text, "is too large")
    return value


def _boolean(name: str, text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ParameterValueError(name, text, "is not a boolean (use true or false)")


def _date(name: str, text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ParameterValueError(name, text, "is not a date (use YYYY-MM-DD)") from None


def _timestamp(name: str, text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ParameterValueError(
            name, text, "is not a timestamp (use YYYY-MM-DD HH:MM:SS)"
        ) from None
    if value.tzinfo is not None:
        raise ParameterValueError(
            name,
            text,
            "has a time zone; timestamps are read in the session time zone (UTC locally), "
            "so give them without one",
        )
    return value


_PARSERS = {
    ParameterType.IDENTIFIER: _identifier,
    ParameterType.STRING: _string,
    ParameterType.INT: _int,
    ParameterType.DOUBLE: _double,
    ParameterType.BOOLEAN: _boolean,
    ParameterType.DATE: _date,
    ParameterType.TIMESTAMP: _timestamp,
}
