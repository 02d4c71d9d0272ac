"""Run `databricks bundle ...` and, when a name that databricks.yml looks up is not in the
workspace, say how to give another name or the ID (`make validate` and `make deploy` use it).

Usage: python scripts/bundle.py validate -t dev

The Databricks CLI is $DATABRICKS_CLI, else `databricks` on PATH. Its output passes through as
it comes; the exit code is the CLI's. Standard library only.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

# The CLI's message for a failed lookup: "failed to resolve warehouse: <name>, err: ...".
LOOKUP_FAILED = re.compile(r"failed to resolve (?P<kind>[a-z-]+): (?P<name>.+?), err:")
# What each lookup kind sets in databricks.yml.
VARIABLE_OF_LOOKUP = {"warehouse": "warehouse_id", "cluster-policy": "cluster_policy_id"}


def advice(kind: str, name: str) -> str:
    """How to point the bundle at something that exists, for one failed lookup."""
    variable = VARIABLE_OF_LOOKUP.get(kind, f"<the variable that looks up {kind}>")
    return "\n".join(
        [
            f"The workspace has no {kind} named {name!r}, which databricks.yml looks up for "
            f"the variable {variable}. Either:",
            f"  - pass its ID: --var {variable}=<id>, or set BUNDLE_VAR_{variable}=<id>;",
            f"  - or name one that exists for this target in databricks.yml: "
            f"targets.<target>.variables.{variable}.lookup.{kind.replace('-', '_')}: <name>.",
            'See "Workspace names" in README.md.',
        ]
    )


def run(arguments: list[str]) -> int:
    """Run the CLI's `bundle` command, echoing its error output while keeping it to read."""
    cli = os.environ.get("DATABRICKS_CLI") or "databricks"
    try:
        process = subprocess.Popen(  # noqa: S603 - the developer's own CLI, no shell
            [cli, "bundle", *arguments], stderr=subprocess.PIPE, text=True
        )
    except FileNotFoundError:
        print(
            f"{cli}: the Databricks CLI is not installed "
            "(https://docs.databricks.com/dev-tools/cli/install.html) or DATABRICKS_CLI is wrong",
            file=sys.stderr,
        )
        return 127
    assert process.stderr is not None
    errors = []
    for line in process.stderr:
        sys.stderr.write(line)
        errors.append(line)
    code = process.wait()
    failures = {match["kind"]: match["name"] for match in LOOKUP_FAILED.finditer("".join(errors))}
    for kind, name in failures.items():
        print(f"\n{advice(kind, name)}", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
