"""The offline checks catch what they claim to catch (on small hand-made projects)."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from bundle_checks import (
    find_bundle_schema,
    invalid_resources,
    load_bundle,
    missing_paths,
    resource_class,
    resources_defined_in,
    schema_violations,
    template_leftovers,
    trace_patterns,
    traces,
    unincluded_resource_files,
    unparsable_files,
    unresolved_resource_references,
    unresolved_variables,
)

DATABRICKS_YML = """\
bundle:
  name: sample
include:
  - resources/*.yml
variables:
  catalog:
    description: set per target
  warehouse_id:
    lookup:
      warehouse: Starter
  landing:
    default: landing
targets:
  dev:
    default: true
    variables:
      catalog: dev
  prod:
    variables:
      catalog: prod
"""


def write(root: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def bundle_with(tmp_path: Path, resources: str, **files: str) -> Path:
    """A project with the sample databricks.yml, one resource file and extra files."""
    return write(
        tmp_path,
        {"databricks.yml": DATABRICKS_YML, "resources/main.job.yml": resources, **files},
    )


# --- leftovers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("relative", "line"),
    [
        ("src/pkg/cli.py", 'NAME = "{{ cookiecutter.project_slug }}"'),
        ("README.md", "{% if cookiecutter.compute == 'classic' %}"),
        ("Makefile", "\techo ${#ARGS}  {# comment #}"),
        ("README.md", "Deploy with ${{ secrets.TOKEN }}"),
        ("src/pkg/jobs.py", 'RUN = "{{ job_id }}"'),
        ("Makefile", "\techo {{job.run_id}}"),
        ("resources/x.job.yml", "name: {{ project }}"),
        ("docs/notes.md", "see cookiecutter.package_name"),
    ],
)
def test_leftover_template_syntax_is_found(tmp_path: Path, relative: str, line: str) -> None:
    write(tmp_path, {relative: f"first line\n{line}\n"})
    expected = f"{relative}:2: leftover template syntax: {line.strip()}"
    assert template_leftovers(tmp_path) == [expected]


@pytest.mark.parametrize(
    ("relative", "line"),
    [
        (".github/workflows/ci.yml", "if: ${{ github.event_name == 'push' }}"),
        ("resources/etl.job.yml", "run: '{{job.run_id}}-{{tasks.load.values.rows}}'"),
        ("resources/etl.job.yml", "p: '{{job.parameters.`odd name`}} {{job.start_time.iso_date}}'"),
        ("notebooks/bronze/load.sql", "-- run {{task.name}} of {{workspace.id}}"),
        ("src/pkg/runtime/jobs.py", 'REFERENCE = "{{job.parameters.catalog}}"'),
        ("tests/runtime/test_jobs.py", 'task = {"base_parameters": {"x": "{{job.nope}}"}}'),
        ("README.md", "Answers are kept like cookiecutter.json keeps them."),
    ],
)
def test_allowed_double_braces_pass(tmp_path: Path, relative: str, line: str) -> None:
    write(tmp_path, {relative: line + "\n"})
    assert template_leftovers(tmp_path) == []


def test_template_syntax_in_a_file_name_is_found(tmp_path: Path) -> None:
    write(tmp_path, {"src/{{cookiecutter.package_name}}/__init__.py": ""})
    assert template_leftovers(tmp_path) == [
        "src/{{cookiecutter.package_name}}/__init__.py: template syntax in the file name"
    ]


def test_binary_files_are_not_read_as_text(tmp_path: Path) -> None:
    (tmp_path / "data.parquet").write_bytes(b"PAR1\0{{\0{%")
    assert template_leftovers(tmp_path) == []


# --- parsing ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("relative", "text"),
    [
        ("databricks.yml", "bundle:\n  name: [unclosed\n"),
        ("fixtures/payload.json", '{"a": 1,}'),
        ("pyproject.toml", "[project\nname = 1"),
        ("notebooks/explore.ipynb", '{"metadata": {}}'),
        (".sqlfluff", "no section header\n"),
        ("dashboards/sales.lvdash.json", "{"),
        ("fixtures/payloads/orders.json", '{"id": 1}\n{"id": 2,\n'),
    ],
)
def test_unparsable_files_are_found(tmp_path: Path, relative: str, text: str) -> None:
    write(tmp_path, {relative: text})
    problems = unparsable_files(tmp_path)
    assert len(problems) == 1
    assert problems[0].startswith(f"{relative}: does not parse:")


def test_raw_landing_data_is_not_parsed(tmp_path: Path) -> None:
    write(tmp_path, {"fixtures/landing/orders/orders_002.json": '{"id": 1}\n{"id": "trunc'})
    assert unparsable_files(tmp_path) == []


def test_well_formed_files_parse(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "a.yml": "---\na: 1\n---\nb: 2\n",
            "b.json": "{}",
            "fixtures/rows.json": '{"id": 1}\n\n{"id": 2}\n',
            "c.toml": "x = 1\n",
            "d.ipynb": json.dumps({"cells": [], "metadata": {}}),
            ".sqlfluff": "[sqlfluff]\ndialect = databricks\n",
        },
    )
    assert unparsable_files(tmp_path) == []


# --- typed resources -------------------------------------------------------------------------


def test_resource_types_map_to_databricks_bundles_classes() -> None:
    assert resource_class("jobs").__name__ == "Job"
    assert resource_class("experiments").__name__ == "MlflowExperiment"
    with pytest.raises(LookupError, match="unknown resource type 'jobz'"):
        resource_class("jobz")


def test_valid_resources_pass(tmp_path: Path) -> None:
    bundle_with(
        tmp_path,
        "resources:\n  jobs:\n    etl:\n      name: etl\n      max_concurrent_runs: ${var.landing}\n"
        "      tasks:\n        - task_key: a\n          notebook_task:\n"
        "            notebook_path: ../notebooks/a\n",
        **{"notebooks/a.sql": "-- Databricks notebook source\n"},
    )
    assert invalid_resources(load_bundle(tmp_path)) == []


def test_misspelt_field_is_found(tmp_path: Path) -> None:
    bundle_with(
        tmp_path,
        "resources:\n  jobs:\n    etl:\n      tasks:\n        - task_key: a\n"
        "          notebok_task: {notebook_path: x}\n",
    )
    assert invalid_resources(load_bundle(tmp_path)) == [
        "resources/main.job.yml: resources.jobs.etl: Unexpected field 'notebok_task' for class Task"
    ]


def test_bad_enum_in_a_target_resource_is_found(tmp_path: Path) -> None:
    bundle_with(
        tmp_path,
        "targets:\n  dev:\n    resources:\n      clusters:\n        dev:\n"
        "          data_security_mode: NOPE\n",
    )
    problems = invalid_resources(load_bundle(tmp_path))
    assert problems == [
        (
            "resources/main.job.yml: targets.dev.resources.clusters.dev: "
            "'NOPE' is not a valid DataSecurityMode"
        )
    ]


def test_unknown_resource_type_is_found(tmp_path: Path) -> None:
    bundle_with(tmp_path, "resources:\n  jobz:\n    etl:\n      name: x\n")
    assert invalid_resources(load_bundle(tmp_path)) == [
        "resources/main.job.yml: resources.jobz.etl: unknown resource type 'jobz'"
    ]


def test_resource_files_outside_include_are_found(tmp_path: Path) -> None:
    bundle_with(tmp_path, "resources: {}\n", **{"resources/nested/extra.yml": "resources: {}\n"})
    assert unincluded_resource_files(load_bundle(tmp_path)) == [
        "resources/nested/extra.yml: not matched by any `include` in databricks.yml"
    ]


# --- variable and resource references --------------------------------------------------------


def test_resolvable_variables_pass(tmp_path: Path) -> None:
    bundle_with(
        tmp_path,
        "resources:\n  schemas:\n    s:\n      catalog_name: ${var.catalog}\n"
        "      name: ${var.landing}\n      comment: ${var.warehouse_id}\n",
    )
    assert unresolved_variables(load_bundle(tmp_path)) == []


def test_undeclared_variable_is_found(tmp_path: Path) -> None:
    bundle_with(tmp_path, "resources:\n  schemas:\n    s:\n      name: ${var.missing}\n")
    assert unresolved_variables(load_bundle(tmp_path)) == [
        (
            "resources/main.job.yml: resources.schemas.s.name: ${var.missing} "
            "is not declared in `variables`"
        )
    ]


def test_variable_without_value_in_one_target_is_found(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "databricks.yml": DATABRICKS_YML.replace("      catalog: prod\n", "      other: 1\n"),
            "resources/main.job.yml": "resources:\n  schemas:\n    s:\n"
            "      catalog_name: ${var.catalog}\n",
        },
    )
    assert unresolved_variables(load_bundle(tmp_path)) == [
        "targets.prod.variables.other: not declared in `variables`",
        (
            "resources/main.job.yml: resources.schemas.s.catalog_name: ${var.catalog} has no "
            "default or lookup and target 'prod' does not set it"
        ),
    ]


def test_target_scoped_reference_needs_only_its_target(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "databricks.yml": DATABRICKS_YML.replace(
                "  landing:\n    default: landing\n", "  only_dev:\n    description: dev\n"
            ).replace("      catalog: dev\n", "      catalog: dev\n      only_dev: x\n"),
            "resources/main.job.yml": "targets:\n  dev:\n    resources:\n      schemas:\n"
            "        s:\n          name: ${var.only_dev}\n",
        },
    )
    assert unresolved_variables(load_bundle(tmp_path)) == []


def test_reference_to_an_undefined_resource_is_found(tmp_path: Path) -> None:
    bundle_with(
        tmp_path,
        "resources:\n  volumes:\n    v:\n      schema_name: ${resources.schemas.nope.name}\n",
    )
    assert unresolved_resource_references(load_bundle(tmp_path)) == [
        (
            "resources/main.job.yml: resources.volumes.v.schema_name: "
            "${resources.schemas.nope} is not defined for target 'dev'"
        )
    ]


def test_reference_to_a_resource_of_another_target_is_found(tmp_path: Path) -> None:
    bundle_with(
        tmp_path,
        "targets:\n  dev:\n    resources:\n      schemas:\n        s: {name: x}\n"
        "resources:\n  volumes:\n    v:\n      schema_name: ${resources.schemas.s.name}\n",
    )
    assert unresolved_resource_references(load_bundle(tmp_path)) == [
        (
            "resources/main.job.yml: resources.volumes.v.schema_name: "
            "${resources.schemas.s} is not defined for target 'prod'"
        )
    ]


def test_reference_to_a_defined_resource_passes(tmp_path: Path) -> None:
    bundle_with(
        tmp_path,
        "resources:\n  schemas:\n    s: {name: x}\n"
        "  volumes:\n    v:\n      schema_name: ${resources.schemas.s.name}\n",
    )
    assert unresolved_resource_references(load_bundle(tmp_path)) == []


# --- paths -----------------------------------------------------------------------------------

JOB_WITH_PATHS = """\
resources:
  jobs:
    etl:
      tasks:
        - task_key: bronze
          notebook_task:
            notebook_path: ../notebooks/bronze/load
        - task_key: script
          spark_python_task:
            python_file: ../scripts/run.py
        - task_key: sql
          sql_task:
            warehouse_id: ${var.warehouse_id}
            file:
              path: ../sql/report.sql
        - task_key: shared
          notebook_task:
            notebook_path: /Workspace/Shared/elsewhere
        - task_key: loop
          for_each_task:
            inputs: "[1]"
            task:
              task_key: inner
              notebook_task:
                notebook_path: ${workspace.file_path}/notebooks/inner.py
  dashboards:
    sales:
      file_path: ../dashboards/sales.lvdash.json
"""


def test_existing_paths_pass(tmp_path: Path) -> None:
    bundle_with(
        tmp_path,
        JOB_WITH_PATHS,
        **{
            "notebooks/bronze/load.sql": "",
            "scripts/run.py": "",
            "sql/report.sql": "",
            "notebooks/inner.py": "",
            "dashboards/sales.lvdash.json": "{}",
        },
    )
    assert missing_paths(load_bundle(tmp_path)) == []


def test_missing_paths_are_found(tmp_path: Path) -> None:
    bundle_with(tmp_path, JOB_WITH_PATHS)
    assert missing_paths(load_bundle(tmp_path)) == [
        (
            "resources/main.job.yml: resources.jobs.etl.tasks.0.notebook_task.notebook_path: "
            "'../notebooks/bronze/load' does not exist"
        ),
        (
            "resources/main.job.yml: resources.jobs.etl.tasks.1.spark_python_task.python_file: "
            "'../scripts/run.py' does not exist"
        ),
        (
            "resources/main.job.yml: resources.jobs.etl.tasks.2.sql_task.file.path: "
            "'../sql/report.sql' does not exist"
        ),
        (
            "resources/main.job.yml: resources.jobs.etl.tasks.4.for_each_task.task.notebook_task."
            "notebook_path: '${workspace.file_path}/notebooks/inner.py' does not exist"
        ),
        (
            "resources/main.job.yml: resources.dashboards.sales.file_path: "
            "'../dashboards/sales.lvdash.json' does not exist"
        ),
    ]


def test_paths_of_git_sourced_jobs_are_not_checked(tmp_path: Path) -> None:
    bundle_with(
        tmp_path,
        "resources:\n  jobs:\n    etl:\n      git_source: {git_url: x, git_provider: gitHub}\n"
        "      tasks:\n        - task_key: a\n          notebook_task: {notebook_path: nb}\n",
    )
    assert missing_paths(load_bundle(tmp_path)) == []


def test_missing_artifact_path_is_found(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "databricks.yml": "bundle: {name: x}\nartifacts:\n  pkg:\n    type: whl\n    path: ./pkg\n"
        },
    )
    assert missing_paths(load_bundle(tmp_path)) == [
        "databricks.yml: artifacts.pkg.path: './pkg' does not exist"
    ]


# --- JSON schema -----------------------------------------------------------------------------


def test_schema_comes_from_the_databricks_cli_when_there_is_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli = write(tmp_path, {"bin/databricks": '#!/bin/sh\necho \'{"type": "object"}\'\n'})
    executable = cli / "bin" / "databricks"
    executable.chmod(executable.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("DATABRICKS_CLI", str(executable))
    monkeypatch.setenv("BUNDLE_SCHEMA_PATH", str(tmp_path / "ignored.json"))
    source = find_bundle_schema(tmp_path)
    assert source.path is not None
    assert json.loads(source.path.read_text()) == {"type": "object"}
    assert "bundle schema" in source.origin


def test_schema_comes_from_bundle_schema_path_without_a_cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DATABRICKS_CLI", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    schema = write(tmp_path, {"schema.json": "{}"}) / "schema.json"
    monkeypatch.setenv("BUNDLE_SCHEMA_PATH", str(schema))
    assert find_bundle_schema(tmp_path).path == schema
    monkeypatch.setenv("BUNDLE_SCHEMA_PATH", str(tmp_path / "missing.json"))
    with pytest.raises(FileNotFoundError, match="missing.json is not a file"):
        find_bundle_schema(tmp_path)
    monkeypatch.delenv("BUNDLE_SCHEMA_PATH")
    source = find_bundle_schema(tmp_path)
    assert source.path is None
    assert "BUNDLE_SCHEMA_PATH" in source.origin


def test_schema_violations_name_the_misspelt_field(tmp_path: Path) -> None:
    configured = os.environ.get("BUNDLE_SCHEMA_PATH")
    if not configured or not Path(configured).is_file():
        pytest.skip("BUNDLE_SCHEMA_PATH does not name the bundle JSON schema")
    bundle_with(
        tmp_path,
        "resources:\n  jobs:\n    etl:\n      tasks:\n        - task_key: a\n"
        "          notebok_task: {notebook_path: x}\n",
    )
    files = [tmp_path / "databricks.yml", tmp_path / "resources" / "main.job.yml"]
    problems = schema_violations(Path(configured), files)
    assert len(problems) == 1
    assert "'notebok_task' was unexpected" in problems[0]
    assert schema_violations(Path(configured), files[:1]) == []


# --- traces of removed paths -----------------------------------------------------------------


def test_traces_of_a_removed_subpackage_are_found(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "src/pkg/cli.py": "from .etl import app\nfrom .etl_extra import other\n",
            "src/pkg/runner.py": "from . import quality, etl\n",
            "tests/test_x.py": "import pkg.etl.jobs\nimport pkg.etl_extra\n",
            "README.md": "See src/pkg/etl/ and src/pkg/etl_extra/.\n",
        },
    )
    patterns = trace_patterns("src/pkg/etl", "pkg", set())
    assert traces(tmp_path, patterns) == [
        "README.md:1: 'src/pkg/etl'",
        "src/pkg/cli.py:1: 'from .etl'",
        "src/pkg/runner.py:1: 'from . import quality, etl'",
        "tests/test_x.py:1: 'pkg.etl'",
    ]


def test_traces_of_a_removed_resource_file_are_found(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "resources/etl.job.yml": "resources:\n  jobs:\n    etl_job: {name: etl}\n",
        },
    )
    keys = resources_defined_in(tmp_path, "resources/etl.job.yml")
    assert keys == {("jobs", "etl_job")}
    other = tmp_path / "off"
    write(
        other,
        {
            "Makefile": "run:\n\tdatabricks bundle run etl_job  # resources/etl.job.yml\n",
            "resources/gold.job.yml": "x: ${resources.jobs.etl_job.id}\ny: ${resources.jobs.etl_jobs.id}\n",
            "README.md": "The etl.job.yml file.\n",
        },
    )
    assert traces(other, trace_patterns("resources/etl.job.yml", "pkg", keys)) == [
        "Makefile:2: 'resources/etl.job.yml'",
        "Makefile:2: 'etl.job.yml'",
        "README.md:1: 'etl.job.yml'",
        "resources/gold.job.yml:1: 'resources.jobs.etl_job'",
    ]


def test_traces_of_a_removed_top_level_folder_are_its_uses_as_a_path(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "README.md": "Data quality rules live in `quality`; see quality/rules.yml.\n",
            "pyproject.toml": 'description = "Lakehouse pipelines and data quality"\n',
            ".pre-commit-config.yaml": "files: ^\\.github/workflows/\n",
        },
    )
    assert traces(tmp_path, trace_patterns("quality", "pkg", set())) == [
        "README.md:1: 'quality/'",
        "README.md:1: '`quality`'",
    ]
    assert traces(tmp_path, trace_patterns(".github", "pkg", set())) == [
        ".pre-commit-config.yaml:1: '.github/'"
    ]
