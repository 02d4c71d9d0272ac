"""Baking facility shared by the template's tests.

A named matrix of answer sets covers every value of every choice in cookiecutter.json at least
once, plus the pairs that interact (cloud x compute, compute x each component, CI provider x
service principal). Each project is baked once per session (once per xdist worker), lazily, on
the first test that asks for it, through cookiecutter's Python API with an isolated user config,
so ~/.cookiecutterrc and the replay folder never leak into a test.

Fixtures:
- ``bake``: a callable; ``bake("default")`` or ``bake({"compute": "classic"})`` -> BakedProject.
- ``default_project``: the project baked with every default answer.
- ``baked_project``: parametrised over every MATRIX entry (test ids are the entry names).
- ``generated_case``: parametrised over the projects whose own suites run (slow tests); two by
  default, every MATRIX entry with ``--full-matrix`` or FULL_MATRIX=1.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cookiecutter.generate import generate_context
from cookiecutter.main import cookiecutter
from cookiecutter.prompt import prompt_for_config

TEMPLATE_ROOT = Path(__file__).resolve().parents[1]
COOKIECUTTER_JSON = TEMPLATE_ROOT / "cookiecutter.json"
# cookiecutter puts the template folder on sys.path while it bakes, for local_extensions.py;
# the tests also render contexts directly (generate_context, prompt_for_config), so here too.
sys.path.insert(0, str(TEMPLATE_ROOT))

SERVICE_PRINCIPAL = "6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b"

# Every component switch of cookiecutter.json, off.
COMPONENTS_OFF = {
    question: "no"
    for question in json.loads(COOKIECUTTER_JSON.read_text(encoding="utf-8"))
    if question.startswith("include_")
}

# Named answer sets. "default" takes every default (aws, serverless, every component on,
# GitHub CI, no service principal, Python 3.11). The rows below spread the remaining values so
# that every cloud meets both computes, every component is on and off under both computes (the
# pre-gen hook refuses all components off, so "off" comes from partial and single-component
# rows), and the CI provider meets both a given and an empty service principal.
MATRIX: dict[str, dict[str, str]] = {
    "default": {},
    "aws_classic_all_on": {
        "cloud": "aws",
        "compute": "classic",
        "service_principal_application_id": SERVICE_PRINCIPAL,
        "python_version": "3.12",
    },
    "azure_serverless_partial": {
        "project_name": "Sales Analytics",
        "cloud": "azure",
        "compute": "serverless",
        "include_quality": "no",
        "include_admin": "no",
        "include_streaming": "no",
        "ci_provider": "none",
        "python_version": "3.12",
    },
    "azure_classic_partial": {
        "project_name": "Claims Lakehouse",
        "cloud": "azure",
        "compute": "classic",
        "include_etl": "no",
        "include_admin": "no",
        "include_ml": "no",
        "service_principal_application_id": SERVICE_PRINCIPAL,
    },
    "gcp_serverless_partial": {
        "cloud": "gcp",
        "compute": "serverless",
        "include_medallion": "no",
        "include_quality": "no",
        "include_streaming": "no",
        "include_ml": "no",
        "ci_provider": "none",
        "service_principal_application_id": SERVICE_PRINCIPAL,
        "python_version": "3.12",
    },
    "gcp_classic_partial": {
        "project_name": "数据平台",
        "cloud": "gcp",
        "compute": "classic",
        "include_medallion": "no",
        "include_etl": "no",
        "include_ml": "no",
        "ci_provider": "none",
    },
    # Free text that YAML, TOML, Python and Markdown would misread unquoted, and a name that
    # starts with a digit (the derived slug is printing_co_3d_...).
    "awkward_names": {
        "project_name": '3D Printing: "Müller" & Co #1 (EMEA) 100% \\ [x]',
        "description": "Orders: bronze, silver & gold #1 {not jinja} 'quoted' \"too\"",
        "author_name": "Zoë O'Neil \\ Data & AI",
        "python_version": "3.12",
        "compute": "classic",
        "warehouse_name": 'Shared: "SQL" #1',
        "cluster_policy_name": "Jobs & Pipelines: small",
    },
    # Each component alone (with only what it builds on): catches a component that silently
    # needs another one.
    "only_medallion": {
        **COMPONENTS_OFF,
        "include_medallion": "yes",
        "compute": "classic",
    },
    "only_etl": {**COMPONENTS_OFF, "include_etl": "yes", "project_name": "Ab"},
    "only_quality": {
        **COMPONENTS_OFF,
        "include_quality": "yes",
        "compute": "classic",
        "cloud": "gcp",
    },
    "only_admin": {
        **COMPONENTS_OFF,
        "include_admin": "yes",
        "cloud": "azure",
        # A 60-character package, the longest the hook allows: every import line must fit.
        "project_name": "Enterprise Customer Data Platform Analytics Engineering Team EMEA",
    },
    "only_streaming": {
        **COMPONENTS_OFF,
        "include_streaming": "yes",
        "include_quality": "yes",
        "compute": "classic",
    },
    "only_ml": {
        **COMPONENTS_OFF,
        "include_ml": "yes",
        "include_medallion": "yes",
        "cloud": "gcp",
    },
}

# The projects whose own lint and test suites run by default (slow: minutes each). The second
# one differs in compute, cloud, components and project name from the first.
GENERATED_SUITE_CASES = ("default", "azure_classic_partial")

COVERAGE_PROPERTY = "generated_project_coverage"


@dataclass(frozen=True)
class BakedProject:
    """A project generated from the template, with the answers that produced it."""

    name: str
    overrides: Mapping[str, str]
    context: Mapping[str, Any]
    path: Path

    def answer(self, question: str) -> str:
        """The final answer to a question (override or rendered default)."""
        return str(self.context[question])


def template_questions() -> dict[str, Any]:
    """cookiecutter.json as written (defaults unrendered, choices as lists)."""
    return json.loads(COOKIECUTTER_JSON.read_text(encoding="utf-8"))


def rendered_context(overrides: Mapping[str, str]) -> dict[str, Any]:
    """Every answer as cookiecutter would render it with --no-input and these overrides."""
    context = generate_context(context_file=str(COOKIECUTTER_JSON), extra_context=dict(overrides))
    return dict(prompt_for_config(context, no_input=True))


class Baker:
    """Bakes projects into a session temp dir, once per distinct answer set."""

    def __init__(self, workdir: Path) -> None:
        self._workdir = workdir
        self._config = {
            "cookiecutters_dir": str(workdir / "cookiecutters"),
            "replay_dir": str(workdir / "replay"),
        }
        self._baked: dict[tuple[tuple[str, str], ...], BakedProject] = {}
        self._questions = set(template_questions())

    def __call__(self, case: str | Mapping[str, str]) -> BakedProject:
        """Bake a MATRIX entry by name, or an ad-hoc answer set; cached for the session."""
        name, overrides = (case, MATRIX[case]) if isinstance(case, str) else ("adhoc", case)
        unknown = sorted(set(overrides) - self._questions)
        if unknown:
            # cookiecutter silently ignores unknown keys, which would make a test a no-op.
            raise KeyError(f"answers {unknown} are not questions in cookiecutter.json")
        key = tuple(sorted(overrides.items()))
        if key not in self._baked:
            self._baked[key] = self._bake(name, overrides)
        return self._baked[key]

    def _bake(self, name: str, overrides: Mapping[str, str]) -> BakedProject:
        output_dir = self._workdir / f"{name}-{len(self._baked)}"
        output_dir.mkdir(parents=True)
        path = cookiecutter(
            str(TEMPLATE_ROOT),
            no_input=True,
            extra_context=dict(overrides),
            output_dir=str(output_dir),
            default_config=self._config,  # type: ignore[arg-type]  # a dict is accepted
        )
        return BakedProject(name, dict(overrides), rendered_context(overrides), Path(path))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--full-matrix",
        action="store_true",
        default=False,
        help="run the generated projects' own suites for every MATRIX entry (also FULL_MATRIX=1)",
    )


def full_matrix_requested(config: pytest.Config) -> bool:
    """Whether the slow generated-project suites run for the whole matrix."""
    return bool(config.getoption("--full-matrix")) or os.environ.get("FULL_MATRIX") == "1"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "matrix_case" in metafunc.fixturenames:
        metafunc.parametrize("matrix_case", list(MATRIX), scope="session")
    if "generated_case" in metafunc.fixturenames:
        cases = list(MATRIX) if full_matrix_requested(metafunc.config) else GENERATED_SUITE_CASES
        metafunc.parametrize("generated_case", list(cases), scope="session")


@pytest.fixture(scope="session")
def template_root() -> Path:
    """The template repository's root (holds cookiecutter.json)."""
    return TEMPLATE_ROOT


@pytest.fixture(scope="session")
def matrix() -> dict[str, dict[str, str]]:
    """The named answer sets every baked-project test runs over."""
    return MATRIX


@pytest.fixture(scope="session")
def bake(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., BakedProject]:
    """Bake (or reuse) a project: ``bake("default")`` or ``bake({"cloud": "gcp"})``."""
    return Baker(tmp_path_factory.mktemp("baked"))


@pytest.fixture(scope="session")
def default_project(bake: Callable[..., BakedProject]) -> BakedProject:
    """The project generated with every default answer."""
    return bake("default")


@pytest.fixture(scope="session")
def baked_project(bake: Callable[..., BakedProject], matrix_case: str) -> BakedProject:
    """One project per MATRIX entry."""
    return bake(matrix_case)


# Coverage figures of the generated projects' own suites, gathered from every xdist worker's
# reports (user_properties travel with them) and printed in the terminal summary.
_coverage_totals: dict[str, str] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    for key, value in report.user_properties:
        if key == COVERAGE_PROPERTY:
            case, total = value
            _coverage_totals[case] = total


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not _coverage_totals:
        return
    terminalreporter.section("generated projects: line and branch coverage")
    for case, total in sorted(_coverage_totals.items()):
        terminalreporter.write_line(f"{case}: TOTAL {total}")
