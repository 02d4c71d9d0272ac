"""Check bundle files against the JSON schema of the installed Databricks CLI (a pre-commit hook).

Usage: python scripts/check_bundle_schema.py databricks.yml resources/schemas.yml ...

The schema comes from `databricks bundle schema`, so it always matches the CLI that deploys the
bundle; it is cached in .databricks/ (git-ignored) per CLI version. The Databricks CLI is
$DATABRICKS_CLI, else `databricks` on PATH. Without a CLI the check is skipped with a message:
the CLI's own `bundle validate` cannot run then either, and the schema is not ours to vendor
(it is under the Databricks License). check-jsonschema runs with its default regex engine, the
one that understands the schema's \\p{L} patterns.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

CACHE_DIR = Path(".databricks")


def find_cli() -> str | None:
    """The Databricks CLI to ask for the schema, or None when there is none."""
    return os.environ.get("DATABRICKS_CLI") or shutil.which("databricks")


def run(command: list[str], *, capture: bool) -> subprocess.CompletedProcess[str]:
    """Run a fixed command: the developer's own CLI or this interpreter, never shell input."""
    return subprocess.run(command, capture_output=capture, text=True, check=capture)  # noqa: S603


def cached_schema(cli: str) -> Path:
    """The schema of this CLI version, written once to .databricks/."""
    version = run([cli, "--version"], capture=True).stdout.split()[-1]
    schema = CACHE_DIR / f"bundle-schema-{version}.json"
    if not schema.is_file():
        printed = run([cli, "bundle", "schema"], capture=True).stdout
        CACHE_DIR.mkdir(exist_ok=True)
        schema.write_text(printed, encoding="utf-8")
    return schema


def main(files: list[str]) -> int:
    if not files:
        return 0
    cli = find_cli()
    if cli is None:
        print(
            "bundle schema check skipped: the Databricks CLI is not installed "
            "(https://docs.databricks.com/dev-tools/cli/install.html) and DATABRICKS_CLI is unset"
        )
        return 0
    command = [sys.executable, "-m", "check_jsonschema", "--schemafile", str(cached_schema(cli))]
    return run([*command, *files], capture=False).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
