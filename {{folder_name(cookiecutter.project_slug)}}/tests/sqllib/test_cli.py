"""The `sql` commands, through the project's one entry point."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from databricks.sdk.service.sql import StatementState
from pyspark.sql import SparkSession
from typer.testing import CliRunner

from {{ cookiecutter.package_name }}.cli import app
from {{ cookiecutter.package_name }}.runtime.volumes import (
    LocalVolumes,
)
from {{ cookiecutter.package_name }}.sqllib import cli as sql_cli

from .conftest import LIBRARY_ROOT
from .test_execute import PROBE, FakeClient, response
from .test_library import FUNCTION, PATTERN, write

runner = CliRunner()
LIBRARY = ["--library", str(LIBRARY_ROOT)]


def sql(*arguments: str) -> Any:
    return runner.invoke(app, ["sql", *arguments])


def flat(output: str) -> str:
    """Terminal output with table borders and line breaks removed, for phrase checks."""
    return " ".join(output.replace("\u2502", " ").split())


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    write(
        tmp_path / "sql",
        {
            "patterns/probe.sql": PROBE,
            "patterns/copy_table.sql": PATTERN,
            "functions/double_it.sql": FUNCTION,
            "patterns/broken.sql": "SELECT 1;\n",
        },
    )
    return tmp_path / "sql"


@pytest.fixture
def local_session(
    monkeypatch: pytest.MonkeyPatch, spark: SparkSession, tmp_path: Path
) -> list[Path | None]:
    """The test's Spark session stands in for the project's local one; records each use."""
    calls: list[Path | None] = []

    def session(local_dir: Path | None) -> tuple[SparkSession, LocalVolumes]:
        calls.append(local_dir)
        return spark, LocalVolumes(tmp_path / "volumes")

    monkeypatch.setattr(sql_cli, "_local_session", session)
    return calls


def test_list_shows_every_kind_and_filters(tiny: Path) -> None:
    result = sql("list", *LIBRARY)
    assert result.exit_code == 0, result.output
    for name in ("scd2_merge", "fiscal_year", "pipeline"):
        assert name in result.output
    functions = json.loads(sql("list", "--kind", "function", "--json", *LIBRARY).output)
    assert {item["kind"] for item in functions["items"]} == {"function"}
    assert len(functions["items"]) >= 25
    assert functions["problems"] == []
    broken = sql("list", "--library", str(tiny))
    assert "Broken:" in broken.output
    assert "broken.sql: the first line must be" in broken.output.replace("\n", "")


def test_show_describes_parameters_examples_and_steps() -> None:
    function = sql("show", "fiscal_year", *LIBRARY)
    assert function.exit_code == 0, function.output
    assert "error: start_month must be between 1 and 12" in flat(function.output)
    assert "NULL" in function.output
    template = sql("show", "pipeline", *LIBRARY)
    assert "pattern scd2_merge" in template.output
    shown = json.loads(sql("show", "bronze_ingest_files", "--json", *LIBRARY).output)
    assert shown["kind"] == "pattern"
    file_format = next(p for p in shown["parameters"] if p["name"] == "file_format")
    assert file_format == {
        "name": "file_format",
        "type": "string",
        "description": "Format of the landing files.",
        "default": "csv",
        "choices": ["csv", "json", "parquet"],
    }
    assert shown["statements"] == 3


def test_unknown_names_exit_2_with_a_suggestion() -> None:
    result = sql("show", "scd2_merg", *LIBRARY)
    assert result.exit_code == 2
    assert "did you mean scd2_merge" in result.output
    as_json = sql("show", "scd2_merg", "--json", *LIBRARY)
    assert "did you mean scd2_merge" in json.loads(as_json.output)["error"]
    missing = sql("list", "--library", "/nowhere")
    assert missing.exit_code == 2
    assert "no SQL library at /nowhere" in missing.output


def test_render_prints_a_script_to_paste() -> None:
    result = sql("render", "scd1_merge", "-p", "target_table=current_orders", *LIBRARY)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("-- SCD type 1 MERGE")
    assert ":target_table   = current_orders  (identifier)" in result.output
    assert "MERGE INTO IDENTIFIER(:catalog || '.' || :schema || '.' || :target_table)" in (
        result.output
    )
    document = json.loads(sql("render", "pipeline", "--json", *LIBRARY).output)
    assert document["parameters"]["bronze_orders"] == {
        "type": "identifier",
        "value": "bronze_orders",
    }
    assert document["statements"][0]["source"] == "bronze_ingest_files"


@pytest.mark.parametrize(
    ("param", "message"),
    [
        ("key_column=order_id; DROP TABLE x", "contains a semicolon"),
        ("key_column=order_id`", "contains a backtick"),
        ("key_column=order_id--", "contains a hyphen"),
        ("source_table=x' OR '1'='1", "contains a single quote"),
        ("delete_missing=1; --", "is not a boolean"),
        ("key_column", "'key_column' is not name=value"),
    ],
)
def test_render_and_apply_refuse_unsafe_values(
    param: str, message: str, local_session: list[Path | None]
) -> None:
    for command in ("render", "apply"):
        result = sql(command, "scd1_merge", "-p", param, *LIBRARY)
        assert result.exit_code == 2, result.output
        assert message in result.output.replace("\n", "")
    quarantine = sql(
        "apply", "quarantine_rejected", "-p", "entity=orders /* x */", "--json", *LIBRARY
    )
    assert "a comment marker (/*)" in json.loads(quarantine.output)["error"]
    assert local_session == []  # refused before anything ran


def test_validate_without_spark_parses_the_whole_library() -> None:
    result = sql("validate", "--no-spark", *LIBRARY)
    assert result.exit_code == 0, result.output
    assert "of" in result.output
    assert "files valid" in result.output


def test_validate_reports_broken_files_and_exits_1(
    tiny: Path, local_session: list[Path | None]
) -> None:
    result = sql("validate", "double_it", "broken", "--library", str(tiny), "--json")
    assert result.exit_code == 1
    document = json.loads(result.output)
    assert document["ok"] is False
    files = {entry["name"]: entry for entry in document["files"]}
    assert files["double_it"]["checks"]["spark"]["status"] == "ok"
    assert files["broken"]["checks"]["header"]["status"] == "failed"
    assert local_session == [None]
    table = sql("validate", "broken", "--library", str(tiny), "--no-spark")
    assert "0 of 1 files valid" in table.output
    unknown = sql("validate", "nothing_like_it", "--library", str(tiny), "--no-spark")
    assert unknown.exit_code == 2


def test_apply_dry_run_shows_statements_and_runs_nothing(local_session: list[Path | None]) -> None:
    result = sql("apply", "table_maintenance", "--dry-run", *LIBRARY)
    assert result.exit_code == 0, result.output
    assert "dry run on local Spark" in result.output
    assert "workspace-only: EXECUTE IMMEDIATE" in result.output
    assert "values: :catalog = " in result.output
    remote = json.loads(
        sql(
            "apply", "table_maintenance", "--dry-run", "--warehouse-id", "wh", "--json", *LIBRARY
        ).output
    )
    assert remote["target"] == "dry run on a SQL warehouse"
    assert {s["status"] for s in remote["statements"]} == {"planned"}
    assert local_session == []


def test_apply_runs_locally(tiny: Path, local_session: list[Path | None]) -> None:
    result = sql("apply", "probe", "-p", "schema=sqllib_cli", "--library", str(tiny))
    assert result.exit_code == 0, result.output
    assert "probe on local Spark, in " in result.output
    assert "1 ran, 2 skipped" in result.output
    assert "2024-03-01 08:30:00" in result.output  # the last query's rows
    document = json.loads(
        sql("apply", "probe", "-p", "schema=sqllib_cli", "--json", "--library", str(tiny)).output
    )
    assert document["statements"][0]["rows"] == [["2024-03-01T08:30:00", "sqllib_cli"]]
    failed = sql("apply", "copy_table", "-p", "schema=sqllib_cli", "--library", str(tiny))
    assert failed.exit_code == 1
    assert "copy_table, line 12 failed" in failed.output
    assert "TABLE_OR_VIEW_NOT_FOUND" in failed.output


def test_apply_on_a_warehouse_uses_the_statement_execution_api(
    monkeypatch: pytest.MonkeyPatch, local_session: list[Path | None]
) -> None:
    client = FakeClient(response(StatementState.SUCCEEDED, rows=[["2024-Q1"]]))
    created: list[str | None] = []

    def workspace_client(profile: str | None = None) -> FakeClient:
        created.append(profile)
        return client

    monkeypatch.setattr("databricks.sdk.WorkspaceClient", workspace_client)
    result = sql(
        "apply", "quarter_label", "--warehouse-id", "wh-7", "--profile", "dev", "--json", *LIBRARY
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["target"] == "SQL warehouse wh-7"
    assert created == ["dev"]
    request = client.statement_execution.executed[0]
    assert request["warehouse_id"] == "wh-7"
    assert request["statement"].startswith("CREATE OR REPLACE FUNCTION quarter_label(")
    failing = FakeClient(response(StatementState.FAILED, error="PERMISSION_DENIED"))
    monkeypatch.setattr("databricks.sdk.WorkspaceClient", lambda: failing)
    denied = sql("apply", "quarter_label", "--warehouse-id", "wh-7", *LIBRARY)
    assert denied.exit_code == 1
    assert "warehouse: FAILED: PERMISSION_DENIED" in denied.output
    assert local_session == []


def test_the_library_is_found_from_the_project_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(LIBRARY_ROOT.parent / "src")
    assert sql("list", "--kind", "template").exit_code == 0
    monkeypatch.chdir(tmp_path)  # no databricks.yml above: sql/ of the current folder
    result = sql("list")
    assert result.exit_code == 2
    assert f"no SQL library at {tmp_path / 'sql'}" in flat(result.output)


def test_render_highlights_sql_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    from rich.console import Console

    monkeypatch.setattr(sql_cli, "console", Console(force_terminal=True, width=120))
    result = sql("render", "quarter_label", *LIBRARY)
    assert result.exit_code == 0
    assert "\x1b[" in result.output  # colour codes
    assert "quarter_label" in result.output
