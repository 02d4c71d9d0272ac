"""Read Databricks notebook source files (`.sql` and `.py`) into cells.

The format is the one the workspace exports and the bundle deploys: an exact header line,
cells separated by `COMMAND ----------` lines, and cells in another language written as
`MAGIC` comment lines whose first line names the magic (`%md`, `%sql`, `%python`, `%run`...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .statements import UnterminatedSQLError, split_statements

HEADERS = {
    "sql": "-- Databricks notebook source",
    "python": "# Databricks notebook source",
}
_COMMENT = {"sql": "--", "python": "#"}
_MAGIC_LANGUAGES = {"%md": "md", "%md-sandbox": "md", "%sql": "sql", "%python": "python"}
_WIDGET = re.compile(
    r"^CREATE\s+WIDGET\s+(?:TEXT|DROPDOWN|COMBOBOX|MULTISELECT)\s+(`[^`]+`|[A-Za-z_]\w*)"
    r"(?:\s+DEFAULT\s+('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"))?",
    re.IGNORECASE,
)


class NotebookFormatError(ValueError):
    """The file is not a Databricks notebook source file, or a cell is malformed."""


@dataclass(frozen=True)
class Cell:
    """One notebook cell, with magic prefixes removed."""

    number: int  # 1-based position in the notebook
    language: str  # sql, python, md, or the magic's name for other magics (run, pip, sh...)
    source: str
    line: int  # 1-based line in the file where `source` starts
    title: str | None = None
    workspace_only: str | None = None  # the marker's reason, when the cell is workspace-only
    magic_argument: str = ""  # what follows the magic, e.g. the path of `%run ./setup`


@dataclass(frozen=True)
class Notebook:
    path: Path
    language: str  # the notebook's default language: sql or python
    cells: tuple[Cell, ...]
    widget_defaults: dict[str, str] = field(default_factory=dict)


def read_notebook(path: Path) -> Notebook:
    """Parse the notebook at `path`; raise NotebookFormatError naming what is wrong."""
    if not path.is_file():
        raise NotebookFormatError(f"{path}: no such notebook file")
    return parse_notebook(path.read_text(encoding="utf-8"), path)


def parse_notebook(text: str, path: Path) -> Notebook:
    """Parse notebook source `text` read from `path`."""
    language = _language_from_header(text, path)
    comment = _COMMENT[language]
    separator = f"{comment} COMMAND ----------"
    lines = text.splitlines()
    cells: list[Cell] = []
    chunk: list[tuple[int, str]] = []
    for number, line in enumerate(lines[1:], start=2):
        if line.rstrip() == separator:
            _add_cell(cells, chunk, language, path)
            chunk = []
        else:
            chunk.append((number, line))
    _add_cell(cells, chunk, language, path)
    return Notebook(path, language, tuple(cells), _widget_defaults(cells))


def _language_from_header(text: str, path: Path) -> str:
    first_line = text.split("\n", 1)[0].rstrip("\r")
    for language, header in HEADERS.items():
        if first_line == header:
            return language
    expected = " or ".join(repr(header) for header in HEADERS.values())
    raise NotebookFormatError(
        f"{path}: not a Databricks notebook source file; the first line must be exactly "
        f"{expected}, found {first_line[:80]!r}"
    )


def _add_cell(cells: list[Cell], chunk: list[tuple[int, str]], language: str, path: Path) -> None:
    while chunk and not chunk[0][1].strip():
        chunk = chunk[1:]
    while chunk and not chunk[-1][1].strip():
        chunk = chunk[:-1]
    if not chunk:
        return
    comment = _COMMENT[language]
    title = None
    if chunk[0][1].startswith(f"{comment} DBTITLE "):
        title = chunk[0][1].split(",", 1)[-1].strip()
        chunk = chunk[1:]
    number = len(cells) + 1
    if chunk and chunk[0][1].startswith(f"{comment} MAGIC"):
        cells.append(_magic_cell(number, chunk, comment, title, path))
    elif chunk:
        source = "\n".join(line for _, line in chunk)
        marker = _workspace_only_marker(chunk[0][1], comment, path, chunk[0][0])
        cells.append(Cell(number, language, source, chunk[0][0], title, marker))


def _magic_cell(
    number: int, chunk: list[tuple[int, str]], comment: str, title: str | None, path: Path
) -> Cell:
    prefix = f"{comment} MAGIC"
    body: list[str] = []
    for line_number, line in chunk:
        if not line.startswith(prefix):
            raise NotebookFormatError(
                f"{path}, line {line_number}: a magic cell mixes plain lines with "
                f"'{prefix}' lines; prefix every line of the cell with '{prefix} '"
            )
        body.append(line[len(prefix) + 1 :] if line.startswith(prefix + " ") else "")
    magic, _, argument = body[0].strip().partition(" ")
    magic_language = _MAGIC_LANGUAGES.get(magic, magic.lstrip("%"))
    keep_argument = magic_language == "md" and argument
    source = "\n".join([argument, *body[1:]] if keep_argument else body[1:])
    marker = None
    if magic_language in ("sql", "python") and len(chunk) > 1:
        inner_comment = _COMMENT[magic_language]
        marker = _workspace_only_marker(body[1], inner_comment, path, chunk[1][0])
    return Cell(
        number,
        magic_language,
        source,
        chunk[1][0] if len(chunk) > 1 else chunk[0][0],
        title,
        marker,
        argument.strip(),
    )


_MARKER = re.compile(r"^(?:--|#)\s*workspace-only\s*:(.*)$", re.IGNORECASE)


def _workspace_only_marker(first_line: str, comment: str, path: Path, line: int) -> str | None:
    """The reason given by a `-- workspace-only: <reason>` marker on the cell's first line."""
    if not first_line.startswith(comment):
        return None
    match = _MARKER.match(first_line.strip())
    if not match:
        return None
    reason = match.group(1).strip()
    if not reason:
        raise NotebookFormatError(
            f"{path}, line {line}: a workspace-only marker needs a reason, "
            f"e.g. '{comment} workspace-only: VACUUM needs the workspace's retention settings'"
        )
    return reason


def widget_default(statement: str) -> tuple[str, str] | None:
    """(name, default) declared by a `CREATE WIDGET` statement, or None for other statements."""
    match = _WIDGET.match(statement.strip())
    if not match:
        return None
    name, literal = match.group(1).strip("`"), match.group(2)
    return name, _unquote(literal) if literal else ""


def _unquote(literal: str) -> str:
    body = literal[1:-1]
    return re.sub(r"\\(.)", r"\1", body)


def _widget_defaults(cells: list[Cell]) -> dict[str, str]:
    defaults: dict[str, str] = {}
    for cell in cells:
        if cell.language != "sql":
            continue
        try:
            statements = split_statements(cell.source, cell.line)
        except UnterminatedSQLError:
            continue  # reported with its cell when the runner reaches it
        for statement in statements:
            declared = widget_default(statement.code)
            if declared:
                defaults[declared[0]] = declared[1]
    return defaults
