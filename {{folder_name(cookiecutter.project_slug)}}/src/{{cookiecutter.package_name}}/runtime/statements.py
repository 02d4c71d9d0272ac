"""Split Spark SQL text into statements and find the parameter markers each one uses.

`spark.sql()` runs one statement per call, so a notebook cell must be split on `;`, but only
on the semicolons that end a statement: not those inside string literals, quoted identifiers,
comments or `$$` bodies. This is a small hand-written scanner that follows Spark's lexer rules
(backslash escapes in strings, `r'...'` raw strings, nested `/* */` comments, doubled
backticks). It was chosen over sqlglot's tokenizer because it needs no extra dependency, it
also yields the `:name` markers the runner binds, and it is exact for the few rules that matter
here (see tests/runtime/test_statements.py for the cases it must get right).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import Enum


class TokenKind(Enum):
    """The pieces of SQL text that matter for splitting and binding."""

    CODE = "code"
    STRING = "string"
    QUOTED_IDENTIFIER = "quoted identifier"
    COMMENT = "comment"
    SEMICOLON = "semicolon"


@dataclass(frozen=True)
class Token:
    kind: TokenKind
    text: str
    start: int


@dataclass(frozen=True)
class Statement:
    """One SQL statement, without its closing semicolon."""

    text: str
    line: int  # 1-based line of its first character in the text it was split from
    parameters: frozenset[str] = field(default_factory=frozenset)

    @property
    def code(self) -> str:
        """The statement with comments removed and whitespace collapsed (for matching)."""
        return without_comments(self.text)


class UnterminatedSQLError(ValueError):
    """A string, quoted identifier or comment is still open at the end of the text."""


_IDENTIFIER_CHAR = re.compile(r"[A-Za-z0-9_]")
# Where a literal, a comment or a semicolon can start; everything in between is plain code.
_SPECIAL = re.compile(r"--|/\*|\$\$|['\"`;]")
_MARKER = re.compile(r"(?<![A-Za-z0-9_:`\])\]]):([A-Za-z_][A-Za-z0-9_]*)")


def tokenize(sql: str) -> Iterator[Token]:
    """Yield code, literal, comment and semicolon tokens covering all of `sql`."""
    position, code_start, length = 0, 0, len(sql)
    while position < length:
        special = _SPECIAL.search(sql, position)
        if special is None:
            break
        position = special.start()
        end, kind = _literal_at(sql, position)
        if kind is None:  # the only other special character is the semicolon
            end, kind = position + 1, TokenKind.SEMICOLON
        if code_start < position:
            yield Token(TokenKind.CODE, sql[code_start:position], code_start)
        yield Token(kind, sql[position:end], position)
        position = code_start = end
    if code_start < length:
        yield Token(TokenKind.CODE, sql[code_start:], code_start)


def _literal_at(sql: str, position: int) -> tuple[int, TokenKind | None]:
    """If a literal or comment starts at `position`, return its end and kind."""
    char, following = sql[position], sql[position + 1 : position + 2]
    if char == "-" and following == "-":
        newline = sql.find("\n", position)
        return (len(sql) if newline < 0 else newline), TokenKind.COMMENT
    if char == "/" and following == "*":
        return _block_comment_end(sql, position), TokenKind.COMMENT
    if char in "'\"":
        raw = position > 0 and sql[position - 1] in "rR" and not _is_word_before(sql, position - 1)
        return _string_end(sql, position, raw=raw), TokenKind.STRING
    if char == "`":
        return _backtick_end(sql, position), TokenKind.QUOTED_IDENTIFIER
    if char == "$" and following == "$":
        close = sql.find("$$", position + 2)
        if close < 0:
            raise UnterminatedSQLError(f"unterminated $$ body starting at offset {position}")
        return close + 2, TokenKind.STRING
    return position, None


def _is_word_before(sql: str, position: int) -> bool:
    return position > 0 and bool(_IDENTIFIER_CHAR.match(sql[position - 1]))


def _string_end(sql: str, start: int, *, raw: bool) -> int:
    quote, position = sql[start], start + 1
    while position < len(sql):
        char = sql[position]
        if char == "\\" and not raw:
            position += 2
            continue
        if char == quote:
            return position + 1
        position += 1
    raise UnterminatedSQLError(f"unterminated string literal starting at offset {start}")


def _backtick_end(sql: str, start: int) -> int:
    position = start + 1
    while position < len(sql):
        if sql[position] == "`":
            if sql[position + 1 : position + 2] == "`":  # a doubled backtick is a literal one
                position += 2
                continue
            return position + 1
        position += 1
    raise UnterminatedSQLError(f"unterminated quoted identifier starting at offset {start}")


def _block_comment_end(sql: str, start: int) -> int:
    depth, position = 0, start
    while position < len(sql) - 1:
        pair = sql[position : position + 2]
        if pair == "/*":
            depth, position = depth + 1, position + 2
        elif pair == "*/":
            depth, position = depth - 1, position + 2
            if depth == 0:
                return position
        else:
            position += 1
    raise UnterminatedSQLError(f"unterminated /* comment starting at offset {start}")


def split_statements(sql: str, first_line: int = 1) -> list[Statement]:
    """Split `sql` on top-level semicolons; drop pieces that hold only comments and blanks.

    `first_line` is the line number of the first character of `sql` in its file, so that each
    statement's `line` points into the notebook.
    """
    statements: list[Statement] = []
    pieces: list[Token] = []
    for token in tokenize(sql):
        if token.kind is TokenKind.SEMICOLON:
            _append_statement(statements, pieces, sql, first_line)
            pieces = []
        else:
            pieces.append(token)
    _append_statement(statements, pieces, sql, first_line)
    return statements


def _append_statement(
    statements: list[Statement], pieces: list[Token], sql: str, first_line: int
) -> None:
    meaningful = [t for t in pieces if t.kind is not TokenKind.COMMENT and t.text.strip()]
    if not meaningful:
        return
    first, last = meaningful[0], meaningful[-1]
    begin = first.start + len(first.text) - len(first.text.lstrip())
    end = last.start + len(last.text.rstrip())
    # Comments before the statement's first token stay out of it; those inside it stay in.
    text = sql[begin:end]
    line = first_line + sql.count("\n", 0, begin)
    statements.append(Statement(text, line, parameter_markers(text)))


def parameter_markers(sql: str) -> frozenset[str]:
    """Names of the `:name` parameter markers in `sql`, ignoring literals and comments.

    `a::int` (a cast) and `col:field` (a JSON path) are not markers: a marker's colon follows
    neither another colon nor a word character.
    """
    names: set[str] = set()
    previous = ""
    for token in tokenize(sql):
        if token.kind is TokenKind.CODE:
            # Prefix the last character of the previous token so `x:name` across a split
            # boundary is still recognised as a JSON path, not a marker.
            names.update(_MARKER.findall(previous + token.text))
        previous = token.text[-1:] if token.kind is not TokenKind.COMMENT else " "
    return frozenset(names)


def without_comments(sql: str) -> str:
    """`sql` without comments, with whitespace outside literals collapsed to single spaces."""
    text = ""
    for token in tokenize(sql):
        if token.kind in (TokenKind.CODE, TokenKind.COMMENT):
            piece = " " if token.kind is TokenKind.COMMENT else re.sub(r"\s+", " ", token.text)
            if text.endswith(" ") and piece.startswith(" "):
                piece = piece[1:]
            text += piece
        else:
            text += token.text
    return text.strip()
