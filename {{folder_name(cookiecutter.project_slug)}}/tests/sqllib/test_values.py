"""Parameter values: each type parses, and anything that looks like SQL injection is refused."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from {{ cookiecutter.package_name }}.sqllib.values import (
    Binding,
    ParameterType,
    ParameterValueError,
    bind,
)

INJECTION_ATTEMPTS = [
    pytest.param("orders; DROP TABLE x", "a semicolon", id="semicolon"),
    pytest.param("orders' OR '1'='1", "a single quote", id="quote"),
    pytest.param('orders" --', "comment marker", id="double-quote-and-comment"),
    pytest.param("orders -- comment", "a comment marker (--)", id="line-comment"),
    pytest.param("orders /* x */", "a comment marker (/*)", id="block-comment"),
    pytest.param("`orders`", "a backtick", id="backtick"),
    pytest.param("orders\\", "a backslash", id="backslash"),
    pytest.param("orders\nDROP", "a control character", id="newline"),
]


@pytest.mark.parametrize(("value", "what"), INJECTION_ATTEMPTS)
def test_text_values_that_look_like_sql_are_refused(value: str, what: str) -> None:
    with pytest.raises(ParameterValueError, match="refuses quotes, backticks") as refused:
        bind("entity", ParameterType.STRING, value)
    assert what in str(refused.value)
    assert refused.value.name == "entity"


@pytest.mark.parametrize(
    ("value", "what"),
    [
        ("orders; DROP TABLE x", "a semicolon"),
        ("orders'", "a single quote"),
        ("`orders`", "a backtick"),
        ("orders--", "a hyphen"),
        ("sales.orders", "a dot (pass catalog, schema and table as separate parameters)"),
        ("my table", "a space"),
        ("orders/*", "a slash"),
        ("caf\u00e9", "the character '\u00e9'"),
    ],
)
def test_identifiers_are_plain_names(value: str, what: str) -> None:
    with pytest.raises(ParameterValueError, match="is not a plain identifier") as refused:
        bind("table_name", ParameterType.IDENTIFIER, value)
    assert f"it contains {what}" in str(refused.value)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "is empty"),
        ("1orders", "starts with a digit"),
        ("x" * 256, "longer than 255 characters"),
    ],
)
def test_identifier_shape(value: str, message: str) -> None:
    with pytest.raises(ParameterValueError, match=message):
        bind("table_name", ParameterType.IDENTIFIER, value)


def test_valid_values_bind_with_their_sql_types() -> None:
    assert bind("t", ParameterType.IDENTIFIER, "silver_orders_2") == Binding(
        "t", ParameterType.IDENTIFIER, "silver_orders_2", "silver_orders_2"
    )
    assert bind("p", ParameterType.STRING, "/Volumes/dev/s/landing").sql_type == "STRING"
    number = bind("n", ParameterType.INT, " 168 ")
    assert (number.value, number.text, number.sql_type) == (168, "168", "INT")
    assert bind("n", ParameterType.INT, 2**40).sql_type == "BIGINT"
    share = bind("f", ParameterType.DOUBLE, "0.25")
    assert (share.value, share.text, share.sql_type) == (0.25, "0.25", "DOUBLE")
    assert bind("b", ParameterType.BOOLEAN, "Yes").value is True
    assert bind("b", ParameterType.BOOLEAN, False).text == "false"
    day = bind("d", ParameterType.DATE, date(2024, 3, 1))
    assert (day.value, day.text, day.sql_type) == (date(2024, 3, 1), "2024-03-01", "DATE")
    moment = bind("ts", ParameterType.TIMESTAMP, "2024-03-01T08:30:00")
    assert moment.value == datetime(2024, 3, 1, 8, 30)
    assert (moment.text, moment.sql_type) == ("2024-03-01 08:30:00", "TIMESTAMP")


@pytest.mark.parametrize(
    ("parameter_type", "value", "message"),
    [
        (ParameterType.INT, "1_000", "is not a whole number"),
        (ParameterType.INT, "1.5", "is not a whole number"),
        (ParameterType.DOUBLE, "nan", "is not a number"),
        (ParameterType.DOUBLE, "1e999", "is too large"),
        (ParameterType.BOOLEAN, "maybe", "is not a boolean"),
        (ParameterType.DATE, "2024-02-30", "is not a date"),
        (ParameterType.TIMESTAMP, "yesterday", "is not a timestamp"),
        (ParameterType.TIMESTAMP, "2024-03-01 08:00:00+02:00", "has a time zone"),
        (ParameterType.STRING, "x" * 5000, "longer than 4096"),
    ],
)
def test_values_that_do_not_fit_their_type_are_refused(
    parameter_type: ParameterType, value: str, message: str
) -> None:
    with pytest.raises(ParameterValueError, match=message):
        bind("p", parameter_type, value)


def test_choices_and_bounds() -> None:
    assert bind("f", ParameterType.STRING, "json", choices=["csv", "json"]).value == "json"
    with pytest.raises(ParameterValueError, match="not one of the allowed values: 'csv', 'json'"):
        bind("f", ParameterType.STRING, "xml", choices=["csv", "json"])
    with pytest.raises(ParameterValueError, match="below the minimum, 168"):
        bind("hours", ParameterType.INT, "24", minimum=168)
    with pytest.raises(ParameterValueError, match="above the maximum, 1"):
        bind("share", ParameterType.DOUBLE, "1.5", maximum=1)
