"""The `quality` commands, end to end on local Spark."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyspark.sql import DataFrame, SparkSession
from typer.testing import CliRunner

from {{ cookiecutter.package_name }}.cli import app
from {{ cookiecutter.package_name }}.quality import (
    cli as quality_cli,
)

runner = CliRunner()

RULES = """
table: people
action: quarantine
rules:
  - {name: email_present, dimension: completeness, check: {type: not_null, column: email}}
  - name: adult
    dimension: accuracy
    criticality: warn
    check: {type: in_range, column: age, min: 18}
"""


@pytest.fixture
def workspace(
    spark: SparkSession, people: DataFrame, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    monkeypatch.setattr(quality_cli, "get_spark", lambda: spark)
    people.write.format("delta").save(str(tmp_path / "people"))
    (tmp_path / "rules.yml").write_text(RULES)
    return tmp_path


def test_validate(tmp_path: Path) -> None:
    good = tmp_path / "good.yml"
    good.write_text(RULES)
    bad = tmp_path / "bad.yml"
    bad.write_text("rules:\n  - {name: r, dimension: validity, check: {type: nope}}\n")
    result = runner.invoke(app, ["quality", "validate", str(good)])
    assert result.exit_code == 0
    assert f"{good}: 2 rules, valid" in result.stdout
    result = runner.invoke(app, ["quality", "validate", str(good), str(bad)])
    assert result.exit_code == 1
    assert "rule 'r' (rules[0]), field check: Input tag 'nope'" in result.stdout


def test_run_writes_outputs_and_report(workspace: Path) -> None:
    data = str(workspace / "people")
    result = runner.invoke(
        app,
        [
            "quality",
            "run",
            str(workspace / "rules.yml"),
            "--table",
            data,
            "--quarantine-to",
            str(workspace / "quarantine"),
            "--metrics-to",
            str(workspace / "metrics"),
            "--valid-to",
            str(workspace / "valid"),
            "--run-id",
            "cli-1",
        ],
    )
    assert result.exit_code == 0, result.stdout
    assert "3 rows checked, 1 with errors; status error" in result.stdout
    assert "email_present" in result.stdout

    html = workspace / "report" / "quality.html"
    result = runner.invoke(
        app, ["quality", "report", str(workspace / "metrics"), "--html", str(html)]
    )
    assert result.exit_code == 0, result.stdout
    assert f"{data}: run cli-1" in result.stdout
    assert html.read_text().count("<svg") == 2
    result = runner.invoke(
        app, ["quality", "report", str(workspace / "metrics"), "--table", "nothing"]
    )
    assert "No quality metrics recorded yet." in result.stdout


def test_run_with_fail_action_exits_1(workspace: Path) -> None:
    result = runner.invoke(
        app,
        [
            "quality",
            "run",
            str(workspace / "rules.yml"),
            "--table",
            str(workspace / "people"),
            "--action",
            "fail",
        ],
    )
    assert result.exit_code == 1
    assert "1 rule(s) in error" in result.stdout


def test_run_explains_what_is_missing(workspace: Path) -> None:
    no_table = workspace / "no_table.yml"
    no_table.write_text(RULES.replace("table: people\n", ""))
    result = runner.invoke(app, ["quality", "run", str(no_table)])
    assert result.exit_code == 1
    assert "no table to check; pass --table or set `table:` in the file" in result.stdout
    result = runner.invoke(app, ["quality", "run", str(workspace / "missing.yml")])
    assert result.exit_code == 1
    assert "rule file not found" in result.stdout
    ghost = workspace / "ghost.yml"
    ghost.write_text(RULES.replace("column: email", "column: ghost"))
    result = runner.invoke(
        app, ["quality", "run", str(ghost), "--table", str(workspace / "people")]
    )
    assert result.exit_code == 1
    assert "column 'ghost' is not in" in result.stdout


def test_profile_prints_or_writes_a_rule_file(workspace: Path) -> None:
    result = runner.invoke(app, ["quality", "profile", str(workspace / "people")])
    assert result.exit_code == 0, result.stdout
    assert result.stdout.startswith(
        f"# Proposed by `quality profile` from {workspace / 'people'} (3 rows)."
    )
    output = workspace / "proposed" / "people.yml"
    result = runner.invoke(
        app, ["quality", "profile", str(workspace / "people"), "--output", str(output)]
    )
    assert result.exit_code == 0
    validated = runner.invoke(app, ["quality", "validate", str(output)])
    assert validated.exit_code == 0, validated.stdout
