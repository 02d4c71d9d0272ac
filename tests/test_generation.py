"""Every project in the answer matrix renders cleanly and holds a consistent, valid bundle."""

from __future__ import annotations

import importlib.util
from functools import cache
from itertools import product
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from bundle_checks import (
    find_bundle_schema,
    invalid_resources,
    load_bundle,
    missing_paths,
    parsed_file_count,
    resource_count,
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
from conftest import MATRIX, TEMPLATE_ROOT, BakedProject, template_questions


def _problems(problems: list[str]) -> str:
    return "\n".join(problems)


# --- the matrix itself -----------------------------------------------------------------------


def _choices() -> dict[str, list[str]]:
    """Every multiple-choice question and its values."""
    return {
        question: values
        for question, values in template_questions().items()
        if isinstance(values, list) and not question.startswith("_")
    }


def _answers(case: str) -> dict[str, str]:
    """A MATRIX entry with the default (first) value of every choice filled in."""
    defaults = {question: values[0] for question, values in _choices().items()}
    return defaults | MATRIX[case]


def _service_principal(case: str) -> str:
    return "given" if MATRIX[case].get("service_principal_application_id") else "empty"


def test_matrix_answers_only_questions_the_template_asks() -> None:
    questions = set(template_questions())
    unknown = {case: sorted(set(answers) - questions) for case, answers in MATRIX.items()}
    assert not any(unknown.values()), f"answers to questions cookiecutter.json lacks: {unknown}"


def test_matrix_uses_only_valid_choices() -> None:
    choices = _choices()
    invalid = [
        f"{case}: {question}={answer!r}"
        for case, answers in MATRIX.items()
        for question, answer in answers.items()
        if question in choices and answer not in choices[question]
    ]
    assert not invalid


def test_matrix_covers_every_value_of_every_choice() -> None:
    missing = [
        f"{question}={value}"
        for question, values in _choices().items()
        for value in values
        if not any(_answers(case)[question] == value for case in MATRIX)
    ]
    assert not missing, f"no MATRIX entry answers {missing}"


def _pair_coverage(first: str, second: str) -> list[str]:
    choices = _choices()
    return [
        f"{first}={a} with {second}={b}"
        for a, b in product(choices[first], choices[second])
        if not any(_answers(c)[first] == a and _answers(c)[second] == b for c in MATRIX)
    ]


def test_matrix_covers_cloud_by_compute() -> None:
    assert not _pair_coverage("cloud", "compute")


def test_matrix_turns_every_component_on_and_off_under_both_computes() -> None:
    components = [question for question in _choices() if question.startswith("include_")]
    assert components, "cookiecutter.json has no include_* component switches"
    missing = [gap for component in components for gap in _pair_coverage("compute", component)]
    assert not missing, f"MATRIX lacks {missing}"


def test_matrix_gives_and_omits_the_service_principal_for_each_ci_provider() -> None:
    missing = [
        f"ci_provider={provider} with {state} service principal"
        for provider in _choices()["ci_provider"]
        for state in ("given", "empty")
        if not any(
            _answers(case)["ci_provider"] == provider and _service_principal(case) == state
            for case in MATRIX
        )
    ]
    assert not missing


# --- every baked project ---------------------------------------------------------------------


def test_no_template_syntax_is_left(baked_project: BakedProject) -> None:
    assert not template_leftovers(baked_project.path), _problems(
        template_leftovers(baked_project.path)
    )


def test_every_structured_file_parses(baked_project: BakedProject) -> None:
    assert parsed_file_count(baked_project.path) > 0
    problems = unparsable_files(baked_project.path)
    assert not problems, _problems(problems)


def test_looked_up_names_are_the_answers(baked_project: BakedProject) -> None:
    bundle = yaml.safe_load((baked_project.path / "databricks.yml").read_text(encoding="utf-8"))
    variables = bundle["variables"]
    assert variables["warehouse_id"]["lookup"] == {
        "warehouse": baked_project.answer("warehouse_name")
    }
    if baked_project.answer("compute") == "classic":
        assert variables["cluster_policy_id"]["lookup"] == {
            "cluster_policy": baked_project.answer("cluster_policy_name")
        }
    else:
        assert "cluster_policy_id" not in variables


def test_every_resource_file_is_included(baked_project: BakedProject) -> None:
    problems = unincluded_resource_files(load_bundle(baked_project.path))
    assert not problems, _problems(problems)


def test_resources_validate_with_databricks_bundles(baked_project: BakedProject) -> None:
    bundle = load_bundle(baked_project.path)
    assert resource_count(bundle) > 0, "the bundle defines no resources"
    problems = invalid_resources(bundle)
    assert not problems, _problems(problems)


def test_variable_references_resolve_for_every_target(baked_project: BakedProject) -> None:
    bundle = load_bundle(baked_project.path)
    assert bundle.targets, "databricks.yml defines no targets"
    problems = unresolved_variables(bundle)
    assert not problems, _problems(problems)


def test_resource_references_name_defined_resources(baked_project: BakedProject) -> None:
    problems = unresolved_resource_references(load_bundle(baked_project.path))
    assert not problems, _problems(problems)


def test_paths_named_by_resources_exist(baked_project: BakedProject) -> None:
    problems = missing_paths(load_bundle(baked_project.path))
    assert not problems, _problems(problems)


@pytest.fixture(scope="session")
def bundle_schema(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = find_bundle_schema(tmp_path_factory.mktemp("schema"))
    if source.path is None:
        pytest.skip(source.origin)
    return source.path


def test_bundle_files_match_the_bundle_json_schema(
    baked_project: BakedProject, bundle_schema: Path
) -> None:
    bundle = load_bundle(baked_project.path)
    files = sorted(
        {bundle_file.path for bundle_file in bundle.files}
        | set((baked_project.path / "resources").glob("*.yml"))
    )
    problems = schema_violations(bundle_schema, files)
    assert not problems, _problems(problems)


# --- REMOVED_WHEN: the post-gen hook's table of optional paths ----------------------------------


@cache
def post_gen_hook() -> ModuleType:
    """hooks/post_gen_project.py, imported as a module (its Jinja sits inside strings)."""
    spec = importlib.util.spec_from_file_location(
        "post_gen_project", TEMPLATE_ROOT / "hooks" / "post_gen_project.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def removal_rules() -> dict[tuple[str, str], tuple[str, ...]]:
    return post_gen_hook().REMOVED_WHEN


def _removed_paths(rule: tuple[str, str], project: BakedProject) -> list[str]:
    package = project.answer("package_name")
    return [path.format(package=package) for path in removal_rules()[rule]]


def _rule_applies(rule: tuple[str, str], project: BakedProject) -> bool:
    question, answer = rule
    return project.answer(question) == answer


def _all_on_case() -> str:
    """The MATRIX entry that triggers no removal (every optional path present)."""
    for case in MATRIX:
        answers = _answers(case)
        if not any(answers.get(question) == answer for question, answer in removal_rules()):
            return case
    raise AssertionError("no MATRIX entry keeps every optional path (an all-on bake)")


def test_removal_table_names_only_questions_and_answers_the_template_has() -> None:
    questions = template_questions()
    wrong = [
        f"{question}={answer}"
        for question, answer in removal_rules()
        if answer not in (questions.get(question) or [])
    ]
    assert not wrong, f"REMOVED_WHEN keys that no answer can trigger: {wrong}"


@pytest.mark.parametrize("rule", list(removal_rules()), ids=lambda rule: "=".join(rule))
def test_every_removable_path_exists_in_the_all_on_project(
    bake: Any, rule: tuple[str, str]
) -> None:
    project = bake(_all_on_case())
    missing = [path for path in _removed_paths(rule, project) if not (project.path / path).exists()]
    assert not missing, f"{project.name} lacks paths that REMOVED_WHEN[{rule}] removes: {missing}"


def test_unselected_parts_leave_no_trace(bake: Any, baked_project: BakedProject) -> None:
    applied = [rule for rule in removal_rules() if _rule_applies(rule, baked_project)]
    if not applied:
        pytest.skip("these answers remove nothing")
    package = baked_project.answer("package_name")
    all_on = bake(_all_on_case())
    present, found = [], []
    for rule in applied:
        for relative in _removed_paths(rule, baked_project):
            if (baked_project.path / relative).exists():
                present.append(f"{relative} (REMOVED_WHEN {rule})")
            keys = resources_defined_in(all_on.path, relative)
            for trace in traces(baked_project.path, trace_patterns(relative, package, keys)):
                found.append(f"{trace} mentions removed {relative} (REMOVED_WHEN {rule})")
    assert not present, f"paths that should have been removed: {present}"
    assert not found, _problems(found)
