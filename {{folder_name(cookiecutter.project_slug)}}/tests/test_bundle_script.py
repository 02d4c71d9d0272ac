"""scripts/bundle.py (behind `make validate` and `make deploy-dev`): the CLI's output and exit
code pass through, and a failed name lookup gets advice that names the variable to set."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "bundle.py"


def fake_cli(tmp_path: Path, stderr: str, code: int) -> Path:
    """An executable that prints its arguments, then `stderr` on stderr, and exits `code`."""
    cli = tmp_path / "databricks"
    cli.write_text(
        f"#!{sys.executable}\n"
        "import sys\n"
        "print('args:', ' '.join(sys.argv[1:]))\n"
        f"sys.stderr.write({stderr!r})\n"
        f"sys.exit({code})\n"
    )
    cli.chmod(0o755)
    return cli


def run_script(cli: Path | str, *arguments: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABRICKS_CLI": str(cli)}
    return subprocess.run(  # noqa: S603 - this interpreter and the script under test
        [sys.executable, str(SCRIPT), *arguments],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def test_a_failed_warehouse_lookup_gets_advice_naming_the_variable(tmp_path: Path) -> None:
    error = (
        "Error: failed to resolve warehouse: Serverless Starter Warehouse, err: "
        "Warehouse named 'Serverless Starter Warehouse' does not exist\n"
    )
    result = run_script(fake_cli(tmp_path, error, 1), "validate", "-t", "prod")

    assert result.returncode == 1
    assert result.stdout == "args: bundle validate -t prod\n"
    assert result.stderr.startswith(error)
    assert "no warehouse named 'Serverless Starter Warehouse'" in result.stderr
    assert "--var warehouse_id=<id>" in result.stderr
    assert "BUNDLE_VAR_warehouse_id=<id>" in result.stderr
    assert "targets.<target>.variables.warehouse_id.lookup.warehouse: <name>" in result.stderr
    assert 'See "Workspace names" in README.md.' in result.stderr


def test_a_failed_cluster_policy_lookup_names_its_own_variable(tmp_path: Path) -> None:
    error = "Error: failed to resolve cluster-policy: Job Compute, err: not found\n"
    result = run_script(fake_cli(tmp_path, error, 1), "deploy", "-t", "dev")

    assert result.returncode == 1
    assert "--var cluster_policy_id=<id>" in result.stderr
    assert "variables.cluster_policy_id.lookup.cluster_policy: <name>" in result.stderr


@pytest.mark.parametrize(
    ("stderr", "code"), [("", 0), ("Error: cannot configure default credentials\n", 1)]
)
def test_other_outcomes_pass_through_without_advice(tmp_path: Path, stderr: str, code: int) -> None:
    result = run_script(fake_cli(tmp_path, stderr, code), "validate")

    assert result.returncode == code
    assert result.stderr == stderr


def test_a_missing_cli_is_named(tmp_path: Path) -> None:
    result = run_script(tmp_path / "no-such-cli", "validate")

    assert result.returncode == 127
    assert "the Databricks CLI is not installed" in result.stderr
