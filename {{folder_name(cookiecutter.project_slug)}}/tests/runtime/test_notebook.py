"""Reading Databricks notebook source files into cells."""

from __future__ import annotations

from pathlib import Path

import pytest

from {{ cookiecutter.package_name }}.runtime.notebook import (
    NotebookFormatError,
    parse_notebook,
    read_notebook,
    widget_default,
)

SQL_NOTEBOOK = """-- Databricks notebook source
-- MAGIC %md
-- MAGIC # Title
-- MAGIC Text

-- COMMAND ----------

CREATE WIDGET TEXT catalog DEFAULT 'dev';
CREATE WIDGET DROPDOWN `mode` DEFAULT 'full' CHOICES SELECT * FROM (VALUES ('full'), ('delta'));

-- COMMAND ----------

-- DBTITLE 1,Load the table
SELECT :catalog;

-- COMMAND ----------

-- workspace-only: VACUUM needs the workspace retention policy
VACUUM t;

-- COMMAND ----------

-- MAGIC %python
-- MAGIC x = 1
-- MAGIC
-- MAGIC print(x)

-- COMMAND ----------

-- MAGIC %run ./setup
"""


def test_sql_notebook_cells_languages_and_lines() -> None:
    notebook = parse_notebook(SQL_NOTEBOOK, Path("n.sql"))
    assert notebook.language == "sql"
    assert [(c.number, c.language) for c in notebook.cells] == [
        (1, "md"),
        (2, "sql"),
        (3, "sql"),
        (4, "sql"),
        (5, "python"),
        (6, "run"),
    ]
    markdown, widgets, titled, vacuum, python, run = notebook.cells
    assert markdown.source == "# Title\nText"
    assert widgets.line == 8
    assert titled.title == "Load the table"
    assert titled.source == "SELECT :catalog;"
    assert titled.line == 14
    assert vacuum.workspace_only == "VACUUM needs the workspace retention policy"
    assert python.source == "x = 1\n\nprint(x)"
    assert python.line == 24
    assert run.magic_argument == "./setup"


def test_widget_defaults_are_read_from_create_widget() -> None:
    notebook = parse_notebook(SQL_NOTEBOOK, Path("n.sql"))
    assert notebook.widget_defaults == {"catalog": "dev", "mode": "full"}


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        ("CREATE WIDGET TEXT a DEFAULT 'x'", ("a", "x")),
        ('create widget text a default "it\\\'s"', ("a", "it's")),
        ("CREATE WIDGET COMBOBOX `b c` DEFAULT ''", ("b c", "")),
        ("CREATE WIDGET TEXT a", ("a", "")),
        ("SELECT 1", None),
    ],
)
def test_widget_default(statement: str, expected: tuple[str, str] | None) -> None:
    assert widget_default(statement) == expected


def test_python_notebook_cells() -> None:
    text = (
        "# Databricks notebook source\n"
        "value = dbutils.widgets.get('x')\n\n"
        "# COMMAND ----------\n\n"
        "# MAGIC %sql\n# MAGIC SELECT :x\n\n"
        "# COMMAND ----------\n\n"
        "# workspace-only: uses a secret scope\n"
        "token = dbutils.secrets.get('s', 'k')\n"
    )
    notebook = parse_notebook(text, Path("n.py"))
    assert notebook.language == "python"
    assert [(c.language, c.source) for c in notebook.cells][:2] == [
        ("python", "value = dbutils.widgets.get('x')"),
        ("sql", "SELECT :x"),
    ]
    assert notebook.cells[2].workspace_only == "uses a secret scope"


def test_a_file_without_the_exact_header_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "plain.sql"
    path.write_text("--Databricks notebook source\nSELECT 1;\n")
    with pytest.raises(NotebookFormatError, match="first line must be exactly"):
        read_notebook(path)


def test_a_missing_notebook_is_named(tmp_path: Path) -> None:
    with pytest.raises(NotebookFormatError, match="no such notebook file"):
        read_notebook(tmp_path / "missing.sql")


def test_a_magic_cell_with_plain_lines_is_rejected() -> None:
    text = "-- Databricks notebook source\n-- MAGIC %md\nnot magic\n"
    with pytest.raises(NotebookFormatError, match="line 3"):
        parse_notebook(text, Path("n.sql"))


def test_a_workspace_only_marker_needs_a_reason() -> None:
    text = "-- Databricks notebook source\n-- workspace-only:\nVACUUM t;\n"
    with pytest.raises(NotebookFormatError, match="needs a reason"):
        parse_notebook(text, Path("n.sql"))


def test_windows_line_endings_and_empty_cells() -> None:
    text = (
        "-- Databricks notebook source\r\nSELECT 1;\r\n"
        "-- COMMAND ----------\r\n\r\n-- COMMAND ----------\r\n"
    )
    notebook = parse_notebook(text, Path("n.sql"))
    assert [cell.source for cell in notebook.cells] == ["SELECT 1;"]
