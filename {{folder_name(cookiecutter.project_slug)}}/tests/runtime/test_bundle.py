"""Reading the bundle for a target, with references resolved the way local runs need."""

from __future__ import annotations

from pathlib import Path

import pytest

from {{ cookiecutter.package_name }}.runtime.bundle import (
    BundleError,
    find_project_root,
    load_bundle,
    short_name,
)

BUNDLE = """
bundle:
  name: shop
include:
  - resources/*.yml
variables:
  catalog:
    description: catalog
  schema:
    default: base
  landing_volume:
    default: landing
  emails:
    type: complex
    default: [a@example.com]
  warehouse_id:
    lookup:
      warehouse: Starter
  unset:
    description: no value anywhere
targets:
  dev:
    default: true
    variables:
      catalog: dev
      schema: ${workspace.current_user.short_name}_shop
  prod:
    variables:
      catalog: prod
      schema:
        default: shop
"""

JOBS = """
resources:
  jobs:
    first:
      name: First ${bundle.target}
      tasks:
        - task_key: only
          notebook_task:
            notebook_path: ../n.sql
    medallion:
      name: Medallion
      parameters:
        - name: run_id
          default: "x"
      tasks:
        - task_key: a
          notebook_task:
            notebook_path: ../a.sql
  schemas:
    project_schema:
      catalog_name: ${var.catalog}
      name: ${var.schema}
  volumes:
    landing:
      catalog_name: ${var.catalog}
      schema_name: ${resources.schemas.project_schema.name}
      name: ${var.landing_volume}
targets:
  dev:
    resources:
      jobs:
        medallion:
          name: Medallion (dev)
          description: dev only
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "databricks.yml").write_text(BUNDLE)
    (tmp_path / "resources").mkdir()
    (tmp_path / "resources" / "jobs.yml").write_text(JOBS)
    return tmp_path


def test_default_target_and_variables(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOGNAME", "Jane.Doe")
    bundle = load_bundle(project)
    assert bundle.target == "dev"
    assert bundle.name == "shop"
    assert bundle.resolve("${var.schema}") == "jane_doe_shop"
    assert bundle.resolve("/Volumes/${var.catalog}/x") == "/Volumes/spark_catalog/x"
    assert bundle.resolve("${var.emails}") == ["a@example.com"]
    assert bundle.resolve({"k": ["${bundle.name}-${bundle.target}"]}) == {"k": ["shop-dev"]}


def test_other_target_and_default_wrapped_target_values(project: Path) -> None:
    bundle = load_bundle(project, "prod")
    assert bundle.resolve("${var.schema}") == "shop"
    assert bundle.resolve("${var.catalog}") == "spark_catalog"


def test_overrides_beat_environment_beat_target(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BUNDLE_VAR_schema", "from_env")
    monkeypatch.setenv("BUNDLE_VAR_landing_volume", "env_volume")
    bundle = load_bundle(project, overrides={"schema": "from_cli"})
    assert bundle.resolve("${var.schema}/${var.landing_volume}") == "from_cli/env_volume"


def test_resource_references_resolve_through_definitions(project: Path) -> None:
    bundle = load_bundle(project, "prod")
    volume = bundle.resources["volumes"]["landing"]
    assert bundle.resolve(volume["schema_name"]) == "shop"


def test_jobs_sources_and_target_overrides(project: Path) -> None:
    bundle = load_bundle(project)
    assert list(bundle.jobs) == ["first", "medallion"]
    job = bundle.job(None)
    assert job.key == "medallion"
    assert job.spec["description"] == "dev only"
    assert job.name == "Medallion (dev)"
    assert job.source == project / "resources" / "jobs.yml"
    assert job.parameters == {"run_id": "x"}
    assert [task.kind for task in job.tasks] == ["notebook_task"]
    assert bundle.job("first").name == "First ${bundle.target}"


def test_first_job_is_the_default_without_a_medallion_job(project: Path) -> None:
    text = JOBS.replace("    medallion:", "    second:").replace(
        "        medallion:", "        second:"
    )
    (project / "resources" / "jobs.yml").write_text(text)
    assert load_bundle(project).job(None).key == "first"


@pytest.mark.parametrize(
    ("reference", "message"),
    [
        ("${var.warehouse_id}", "lookup .* pass --var warehouse_id="),
        ("${var.unset}", "no value for target 'dev'"),
        ("${var.nope}", "no variable 'nope'"),
        ("${resources.jobs.first.id}", "resources define no 'jobs.first.id'"),
        ("${workspace.host}", "cannot be resolved locally; supported"),
    ],
)
def test_unresolvable_references_say_what_to_do(
    project: Path, reference: str, message: str
) -> None:
    bundle = load_bundle(project)
    with pytest.raises(BundleError, match=message):
        bundle.resolve(reference)


def test_reference_cycles_are_reported(project: Path) -> None:
    bundle = load_bundle(project, overrides={"schema": "${var.schema}"})
    with pytest.raises(BundleError, match="cycle"):
        bundle.resolve("${var.schema}")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"target": "qa"}, "no target 'qa' in databricks.yml; targets: dev, prod"),
        ({"overrides": {"nope": "1"}}, "--var nope: no such variable"),
    ],
)
def test_bad_target_or_variable_is_named(project: Path, arguments: dict, message: str) -> None:
    with pytest.raises(BundleError, match=message):
        load_bundle(project, **arguments)


def test_unknown_job_lists_the_jobs(project: Path) -> None:
    with pytest.raises(BundleError, match="no job 'x' in the bundle; jobs: first, medallion"):
        load_bundle(project).job("x")


def test_a_bundle_without_jobs(tmp_path: Path) -> None:
    (tmp_path / "databricks.yml").write_text("bundle:\n  name: empty\n")
    with pytest.raises(BundleError, match="defines no jobs"):
        load_bundle(tmp_path).job(None)


def test_several_targets_without_a_default_need_a_choice(tmp_path: Path) -> None:
    (tmp_path / "databricks.yml").write_text("targets:\n  a: {}\n  b: {}\n")
    with pytest.raises(BundleError, match="pick one of a, b with --target"):
        load_bundle(tmp_path)
    (tmp_path / "databricks.yml").write_text("targets:\n  only: {}\n")
    assert load_bundle(tmp_path).target == "only"


@pytest.mark.parametrize(
    ("content", "message"),
    [("a: [", "not valid YAML"), ("- a\n- b\n", "mapping at the top level")],
)
def test_malformed_files_are_named(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "databricks.yml").write_text(content)
    with pytest.raises(BundleError, match=message):
        load_bundle(tmp_path)


def test_project_root_is_found_from_below(
    project: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    assert find_project_root(project / "resources") == project.resolve()
    with pytest.raises(BundleError, match=r"no databricks\.yml"):
        find_project_root(tmp_path_factory.mktemp("elsewhere"))


def test_short_name_follows_databricks() -> None:
    assert short_name("Jane.Doe@example.com") == "jane_doe"


def test_the_generated_bundle_loads_for_every_target(project_root: Path) -> None:
    for target in ("dev", "staging", "prod"):
        bundle = load_bundle(project_root, target)
        assert bundle.resolve("${var.catalog}") == "spark_catalog"
        schema = bundle.resources["schemas"]["project_schema"]
        assert bundle.resolve(schema["catalog_name"]) == "spark_catalog"
        assert bundle.resolve(schema["name"])


def test_edge_cases_of_files_users_and_values(
    project: Path, monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    (project / "resources" / "empty.yml").write_text("")
    text = (project / "databricks.yml").read_text()
    lookup = "      warehouse_id:\n        lookup:\n          warehouse: Prod\n"
    (project / "databricks.yml").write_text(
        text.replace("      catalog: prod\n", "      catalog: prod\n" + lookup)
    )

    def no_user() -> str:
        raise KeyError("getpwuid(): uid not found")

    monkeypatch.setattr("getpass.getuser", no_user)
    bundle = load_bundle(project, "prod")
    assert bundle.user_name == "local"
    assert bundle.resolve(5) == 5
    with pytest.raises(BundleError, match=r"a lookup \(\{'warehouse': 'Prod'\}\)"):
        bundle.resolve("${var.warehouse_id}")
    with pytest.raises(BundleError, match="does not exist"):
        load_bundle(tmp_path_factory.mktemp("no_bundle"))
