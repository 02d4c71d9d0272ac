"""The real Databricks CLI deploys the default project's dev target to a fake workspace.

`databricks bundle deploy -t dev` with the direct deployment engine builds the package wheel
(with uv), uploads it and the project files, creates the schema, the volume and every job, and
writes its deployment state, all against a FakeWorkspace on 127.0.0.1. The tests assert on what
the workspace received, and that a second deploy converges (creates nothing new).

The CLI comes from the same place as in test_bundle_validate.py; without one, or without uv
(which the bundle's artifact build runs), the tests skip with the reason.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fake_workspace import DEFAULT_USER, FakeWorkspace
from test_bundle_validate import (
    DEV_PREFIX,
    SHORT_NAME,
    USER_TOKEN,
    LocalWorkspaces,
    Validation,
    find_databricks_cli,
)

CREATE_CALLS = (
    ("POST", "/api/2.2/jobs/create"),
    ("POST", "/api/2.1/unity-catalog/schemas"),
    ("POST", "/api/2.1/unity-catalog/volumes"),
    ("POST", "/api/2.0/mlflow/experiments/create"),
    ("POST", "/api/2.1/unity-catalog/models"),
)


@dataclass(frozen=True)
class Deployment:
    answers: dict[str, str]
    validation: Validation
    workspace: FakeWorkspace
    workspaces: LocalWorkspaces
    seconds: float
    creations_after_second_deploy: list[str]

    @property
    def files_path(self) -> str:
        return self.validation.config["workspace"]["file_path"]

    def jobs(self) -> list[dict[str, Any]]:
        return [job["settings"] for job in self.workspace.state.jobs.values()]


def creations(workspace: FakeWorkspace) -> list[str]:
    return [
        f"{method} {path}" for method, path in CREATE_CALLS for _ in workspace.calls(method, path)
    ]


@pytest.fixture(scope="module")
def deployment(
    bake: Callable[..., Any], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Deployment]:
    databricks_cli, origin = find_databricks_cli()
    if databricks_cli is None:
        pytest.skip(origin)
    if shutil.which("uv") is None:
        pytest.skip("uv is not on PATH: the bundle's artifact build runs `uv build --wheel`")
    baked = bake("default")
    answers = {q: baked.answer(q) for q in baked.context if not q.startswith("_")}
    workdir = tmp_path_factory.mktemp("deploy-default")
    with LocalWorkspaces(databricks_cli, baked.path, workdir) as workspaces:
        validation = workspaces.validate("dev", USER_TOKEN)
        workspace = workspaces.workspace_of("dev")

        def deploy() -> None:
            result = workspaces.run("bundle", "deploy", "-t", "dev", trap_egress=False, timeout=600)
            assert result.returncode == 0, f"bundle deploy -t dev failed:\n{result.stderr}"

        started = time.perf_counter()
        deploy()
        seconds = time.perf_counter() - started
        before = creations(workspace)
        deploy()
        after = creations(workspace)
        yield Deployment(answers, validation, workspace, workspaces, seconds, after[len(before) :])


def test_deploy_made_only_calls_the_fake_workspace_serves(deployment: Deployment) -> None:
    for workspace in [*deployment.workspaces.by_host.values(), deployment.workspaces.egress_trap]:
        assert not workspace.unhandled, workspace.unhandled
        assert not workspace.escaped, workspace.escaped


def test_every_job_of_the_bundle_was_created_for_the_developer(deployment: Deployment) -> None:
    expected = {job["name"] for job in deployment.validation.jobs().values()}
    created = deployment.jobs()
    assert expected, "the default project defines no jobs"
    assert sorted(job["name"] for job in created) == sorted(expected)
    for job in created:
        assert job["name"].startswith(DEV_PREFIX)
        assert job.get("tags", {}).get("dev") == SHORT_NAME
        for section in ("schedule", "trigger", "continuous"):
            if section in job:
                assert job[section]["pause_status"] == "PAUSED", (job["name"], section)


def test_jobs_use_the_uploaded_wheel(deployment: Deployment) -> None:
    artifacts = deployment.validation.config["workspace"]["artifact_path"]
    uploaded = set(deployment.workspace.files_under(artifacts))
    wheels = {name for name in uploaded if name.endswith(".whl")}
    assert wheels, f"no wheel uploaded under {artifacts}"
    referenced = {
        dependency
        for job in deployment.jobs()
        for environment in job.get("environments", [])
        for dependency in environment["spec"].get("dependencies", [])
        if dependency.endswith(".whl")
    } | {
        library["whl"]
        for job in deployment.jobs()
        for task in job.get("tasks", [])
        for library in task.get("libraries", [])
        if "whl" in library
    }
    for path in referenced:
        assert path.removeprefix(artifacts + "/") in uploaded, f"{path} was never uploaded"


def test_schema_and_volume_were_created_in_the_dev_catalog(deployment: Deployment) -> None:
    schema = f"{deployment.answers['dev_catalog']}.{SHORT_NAME}_{deployment.answers['schema']}"
    assert set(deployment.workspace.state.schemas) == {schema}
    volumes = {f"{schema}.landing"}
    if deployment.answers["include_streaming"] == "yes":
        volumes |= {f"{schema}.events", f"{schema}.streaming_checkpoints"}
    assert set(deployment.workspace.state.volumes) == volumes
    assert deployment.workspace.state.schemas[schema]["owner"] == DEFAULT_USER


def test_project_files_were_synced_without_build_output(deployment: Deployment) -> None:
    synced = set(deployment.workspace.files_under(deployment.files_path))
    project = deployment.workspaces.project
    expected = {
        str(path.relative_to(project))
        for pattern in ("databricks.yml", "pyproject.toml", "resources/*.yml", "src/**/*.py")
        for path in project.glob(pattern)
        if "__pycache__" not in path.parts
    }
    assert expected <= synced, f"not synced: {sorted(expected - synced)}"
    ignored = [name for name in synced if name.startswith(("dist/", ".databricks/", ".venv/"))]
    assert not ignored, f"git-ignored build output was synced: {ignored}"


def test_deployment_state_records_every_job(deployment: Deployment) -> None:
    root = deployment.validation.config["workspace"]["root_path"]
    state = deployment.workspace.files_under(root)
    resources = json.loads(state["state/resources.json"])
    recorded = json.dumps(resources)
    for job_id in deployment.workspace.state.jobs:
        assert str(job_id) in recorded, f"job {job_id} is missing from the deployment state"


def test_a_second_deploy_converges(deployment: Deployment) -> None:
    assert deployment.creations_after_second_deploy == []


def test_dashboards_were_created_and_published_on_the_looked_up_warehouse(
    deployment: Deployment,
) -> None:
    expected = deployment.validation.config.get("resources", {}).get("dashboards", {})
    created = {d["display_name"]: d for d in deployment.workspace.state.dashboards.values()}
    assert set(created) == {d["display_name"] for d in expected.values()}
    warehouse = deployment.validation.variable("warehouse_id")
    resource_path = deployment.validation.config["workspace"]["resource_path"]
    for name, dashboard in created.items():
        assert name.startswith(DEV_PREFIX)
        assert dashboard["warehouse_id"] == warehouse
        assert "/Workspace" + dashboard["parent_path"] == resource_path
        published = deployment.workspace.state.published[dashboard["dashboard_id"]]
        assert published["warehouse_id"] == warehouse


def test_ml_experiment_and_registered_model_were_created_for_the_developer(
    deployment: Deployment,
) -> None:
    if deployment.answers["include_ml"] != "yes":
        pytest.skip("the project has no machine-learning component")
    schema = f"{deployment.answers['dev_catalog']}.{SHORT_NAME}_{deployment.answers['schema']}"
    models = deployment.workspace.state.registered_models
    assert set(models) == {f"{schema}.dev_{SHORT_NAME}_customer_repurchase"}
    experiments = [e["name"] for e in deployment.workspace.state.experiments.values()]
    slug = deployment.answers["project_slug"]
    assert experiments == [f"/Users/{DEFAULT_USER}/{DEV_PREFIX}{slug}_dev_customer_repurchase"]
    training = next(job for job in deployment.jobs() if job["name"].endswith("ml training"))
    train = next(task for task in training["tasks"] if task["task_key"] == "train")
    arguments = train["python_wheel_task"]["parameters"]
    assert arguments[arguments.index("--experiment") + 1] == experiments[0]
    assert arguments[arguments.index("--model-name") + 1] == f"dev_{SHORT_NAME}_customer_repurchase"
