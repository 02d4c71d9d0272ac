"""The statement splitter: semicolons end statements only outside literals and comments."""

from __future__ import annotations

import pytest

from {{ cookiecutter.package_name }}.runtime.statements import (
    UnterminatedSQLError,
    parameter_markers,
    split_statements,
    without_comments,
)


def texts(sql: str) -> list[str]:
    return [statement.text for statement in split_statements(sql)]


def test_splits_on_semicolons_and_drops_empty_pieces() -> None:
    assert texts("SELECT 1;\nSELECT 2;\n;\n") == ["SELECT 1", "SELECT 2"]


def test_last_statement_needs_no_semicolon() -> None:
    assert texts("SELECT 1;\nSELECT 2") == ["SELECT 1", "SELECT 2"]


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("SELECT 'a;b'; SELECT 2", ["SELECT 'a;b'", "SELECT 2"]),
        ('SELECT "a;b"; SELECT 2', ['SELECT "a;b"', "SELECT 2"]),
        (r"SELECT 'it\'s;'; SELECT 2", [r"SELECT 'it\'s;'", "SELECT 2"]),
        ("SELECT 'it''s;'; SELECT 2", ["SELECT 'it''s;'", "SELECT 2"]),
        (r"SELECT r'C:\'; SELECT 2", [r"SELECT r'C:\'", "SELECT 2"]),
        ("SELECT `a;b` FROM t; SELECT 2", ["SELECT `a;b` FROM t", "SELECT 2"]),
        ("SELECT `a``;b` FROM t; SELECT 2", ["SELECT `a``;b` FROM t", "SELECT 2"]),
        ("SELECT 1 -- no; split\n; SELECT 2", ["SELECT 1", "SELECT 2"]),
        (
            "SELECT /* a; /* nested; */ b; */ 1; SELECT 2",
            ["SELECT /* a; /* nested; */ b; */ 1", "SELECT 2"],
        ),
        (
            "CREATE FUNCTION f() RETURNS INT LANGUAGE PYTHON AS $$ x = 1; return x $$; SELECT 2",
            [
                "CREATE FUNCTION f() RETURNS INT LANGUAGE PYTHON AS $$ x = 1; return x $$",
                "SELECT 2",
            ],
        ),
    ],
)
def test_semicolons_inside_literals_and_comments_do_not_split(
    sql: str, expected: list[str]
) -> None:
    assert texts(sql) == expected


def test_comment_only_pieces_are_not_statements() -> None:
    assert texts("-- just a comment;\n/* another */;\nSELECT 1;") == ["SELECT 1"]


def test_leading_comments_stay_out_and_inner_comments_stay_in() -> None:
    assert texts("-- about it\nSELECT 1 -- inline\n  , 2;") == ["SELECT 1 -- inline\n  , 2"]


def test_statement_lines_point_into_the_file() -> None:
    statements = split_statements("\n-- note\nSELECT 1;\n\nSELECT\n  2;", first_line=10)
    assert [s.line for s in statements] == [12, 14]


@pytest.mark.parametrize(
    "sql",
    ["SELECT 'open", 'SELECT "open', "SELECT `open", "SELECT /* open", "SELECT $$ open"],
)
def test_unterminated_literals_are_errors_that_say_so(sql: str) -> None:
    with pytest.raises(UnterminatedSQLError, match="unterminated"):
        split_statements(sql)


def test_parameter_markers_are_found_outside_literals_only() -> None:
    sql = (
        "SELECT :a, ':b', `:c`, x::int, raw:field, `col`:field -- :d\n FROM IDENTIFIER(:e || '.t')"
    )
    assert parameter_markers(sql) == {"a", "e"}


def test_each_statement_carries_its_own_parameters() -> None:
    first, second = split_statements("SELECT :a; SELECT :b, :a")
    assert first.parameters == {"a"}
    assert second.parameters == {"a", "b"}


def test_without_comments_collapses_whitespace_but_keeps_literals() -> None:
    sql = "CREATE  /* c */ WIDGET\n  TEXT x -- tail\n DEFAULT 'a  b'"
    assert without_comments(sql) == "CREATE WIDGET TEXT x DEFAULT 'a  b'"
