"""Unit tests of the template's hooks, imported from their files.

The hooks are plain Python with `{{ cookiecutter.* }}` inside string literals, so they import
as they are; the tests replace their ANSWERS with real values.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from urllib.parse import quote

import pytest
from cookiecutter.environment import StrictEnvironment
from cookiecutter.generate import generate_context
from cookiecutter.prompt import prompt_for_config

TEMPLATE_DIR = Path(__file__).resolve().parents[1]
COOKIECUTTER_JSON = TEMPLATE_DIR / "cookiecutter.json"
HOOKS_DIR = TEMPLATE_DIR / "hooks"
TEMPLATE_MAKEFILE = TEMPLATE_DIR / "{{folder_name(cookiecutter.project_slug)}}" / "Makefile"


def load_module(name: str, path: Path) -> ModuleType:
    """Import a Python file that is not on sys.path."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


pre_gen = load_module("pre_gen_project", HOOKS_DIR / "pre_gen_project.py")
post_gen = load_module("post_gen_project", HOOKS_DIR / "post_gen_project.py")


def template_questions() -> dict[str, object]:
    """The public questions of cookiecutter.json as written (choices as lists)."""
    questions = json.loads(COOKIECUTTER_JSON.read_text(encoding="utf-8"))
    return {key: value for key, value in questions.items() if not key.startswith("_")}


@functools.cache
def rendered_defaults() -> dict[str, str]:
    """Every default answer as `cookiecutter --no-input` renders it (without a user config)."""
    context = generate_context(context_file=str(COOKIECUTTER_JSON))
    rendered = prompt_for_config(context, no_input=True)
    return {key: value for key, value in rendered.items() if not key.startswith("_")}


def answers(**overrides: str) -> dict[str, str]:
    """The default answers with some replaced."""
    return {**rendered_defaults(), **overrides}


def encoded(values: dict[str, str]) -> dict[str, str]:
    """Answers as cookiecutter renders them into the pre-gen hook (percent-encoded)."""
    return {question: quote(value) for question, value in values.items()}


# --- The hooks agree with cookiecutter.json -------------------------------------------------


def test_every_question_is_rendered_into_the_pre_gen_hook_and_validated() -> None:
    questions = set(template_questions())
    assert set(pre_gen.ANSWERS) == questions
    assert set(pre_gen.VALIDATORS) == questions


def test_choices_are_those_of_cookiecutter_json() -> None:
    choice_lists = {
        question: tuple(value)
        for question, value in template_questions().items()
        if isinstance(value, list)
    }
    assert pre_gen.CHOICES == choice_lists


def test_post_gen_answers_are_questions() -> None:
    assert set(post_gen.ANSWERS) <= set(template_questions())


@pytest.mark.parametrize(("question", "answer"), list(post_gen.REMOVED_WHEN))
def test_every_removal_answer_is_an_allowed_choice(question: str, answer: str) -> None:
    # A misspelt answer ("No") in the removal table would silently never remove anything.
    assert answer in pre_gen.CHOICES[question]


def test_default_answers_pass() -> None:
    assert pre_gen.find_problems(rendered_defaults()) == []


def test_rendered_hook_keeps_quotes_backslashes_and_line_breaks_exact(tmp_path: Path) -> None:
    tricky = answers(
        project_name="Say \"hi\" \\ to {everyone}\nand 'all' é ✓",
        description="50% off: a#b & <tags>",
    )
    source = (HOOKS_DIR / "pre_gen_project.py").read_text(encoding="utf-8")
    context = {"cookiecutter": tricky}
    rendered = StrictEnvironment(context=context).from_string(source).render(**context)
    rendered_hook = tmp_path / "pre_gen_project.py"
    rendered_hook.write_text(rendered, encoding="utf-8")

    module = load_module("rendered_pre_gen_project", rendered_hook)

    assert module.decode_answers(module.ANSWERS) == tricky


def test_rendered_hook_run_as_cookiecutter_does_reports_instead_of_crashing(
    tmp_path: Path,
) -> None:
    bad = answers(project_name='The "Best"\nProject', package_name="class")
    source = (HOOKS_DIR / "pre_gen_project.py").read_text(encoding="utf-8")
    context = {"cookiecutter": bad}
    rendered_hook = tmp_path / "pre_gen_project.py"
    rendered_hook.write_text(
        StrictEnvironment(context=context).from_string(source).render(**context),
        encoding="utf-8",
    )

    result = subprocess.run(
        [sys.executable, str(rendered_hook)], capture_output=True, text=True, check=False
    )

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "project_name: 'The \"Best\"\\nProject' contains a line break" in result.stderr
    assert "package_name: 'class' is a Python keyword" in result.stderr


# --- One validator at a time ------------------------------------------------------------------

GOOD_VALUES = [
    ("project_name", "Sales Analytics"),
    ("project_name", "O'Reilly Data & Co. (EMEA/APAC) 2026:Q1 team#1"),
    # Quoted for each file it is written into, so YAML, TOML and Markdown syntax is fine.
    ("project_name", 'Data & AI: Platform (EMEA) #1 "best" 100% C:\\data'),
    ("project_name", "Müller Logistik"),
    ("project_name", "数据平台"),
    ("project_name", "3D Printing Co"),
    ("description", 'Say "hi" \\ #1: done'),
    ("author_name", "A\\B O'Neil"),
    ("warehouse_name", "Serverless Starter Warehouse"),
    ("cluster_policy_name", "Job Compute: small #2"),
    ("package_name", "p" * 60),
    ("project_slug", "sales_analytics_2"),
    ("project_slug", "a" * 64),
    ("package_name", "sales_analytics"),
    ("package_name", "claims2"),
    ("description", "Pipelines: bronze, silver & gold (100%)."),
    ("author_name", "Data Platform Team"),
    ("author_email", "first.last+data@example.co.uk"),
    ("notification_email", "alerts@corp-mail.example.com"),
    ("dev_workspace_host", "https://dbc-a1b2c3d4-e5f6.cloud.databricks.com"),
    ("staging_workspace_host", "https://adb-1234567890123456.7.azuredatabricks.net"),
    ("prod_workspace_host", "https://1234567890123456.7.gcp.databricks.com"),
    ("prod_workspace_host", "https://databricks.internal.example.com"),
    ("dev_catalog", "dev"),
    ("staging_catalog", "_sandbox"),
    ("prod_catalog", "prod_emea_2"),
    ("prod_catalog", "c" * 255),
    ("schema", "sales_analytics"),
    ("cloud", "gcp"),
    ("compute", "classic"),
    ("include_medallion", "yes"),
    ("include_admin", "no"),
    ("ci_provider", "none"),
    ("python_version", "3.12"),
    ("service_principal_application_id", ""),
    ("service_principal_application_id", "6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b"),
]


@pytest.mark.parametrize(("question", "value"), GOOD_VALUES)
def test_validator_accepts(question: str, value: str) -> None:
    assert pre_gen.VALIDATORS[question](question, value) is None


# (question, bad value, text the message must contain)
BAD_VALUES = [
    ("project_name", "", "is empty"),
    ("project_name", "   ", "is empty"),
    ("project_name", "two\nlines", "a line break or control character"),
    ("project_name", "tab\there", "a line break or control character"),
    ("project_name", "Cost ${var.x}", "databricks.yml reads as a variable reference"),
    ("description", "\t", "is empty"),
    ("description", "one\ntwo", "a line break or control character"),
    ("author_name", "", "is empty"),
    ("warehouse_name", "", "is empty"),
    ("warehouse_name", "${var.warehouse}", "databricks.yml reads as a variable reference"),
    ("cluster_policy_name", "two\nlines", "a line break or control character"),
    ("package_name", "p" * 61, "of at most 60 characters"),
    ("project_slug", "My Project", "for example 'my_project'"),
    ("project_slug", "my-project", "for example 'my_project'"),
    ("project_slug", "1project", "starting with a letter"),
    ("project_slug", "_private", "starting with a letter"),
    ("project_slug", "a" * 65, "at most 64 characters"),
    ("project_slug", "", "is not a valid slug"),
    ("package_name", "class", "is a Python keyword"),
    ("package_name", "match", "is a Python soft keyword"),
    ("package_name", "json", "is a standard-library module"),
    ("package_name", "test", "Python's own test package"),
    ("package_name", "tests", "a name of the project layout"),
    ("package_name", "pyspark", "a development dependency"),
    ("package_name", "delta", "a development dependency"),
    ("package_name", "databricks", "a runtime dependency"),
    ("package_name", "yaml", "a runtime dependency"),
    ("package_name", "pandas", "commonly installed next to the project"),
    ("package_name", "setuptools", "a packaging tool"),
    ("package_name", "list", "is a Python builtin"),
    ("package_name", "MyPackage", "for example 'mypackage'"),
    ("package_name", "my-package", "for example 'my_package'"),
    ("package_name", "2fast", "is not a lowercase Python identifier"),
    ("package_name", "", "is not a lowercase Python identifier"),
    ("author_email", "data-platform", "expected an address like name@example.com"),
    ("author_email", "a@b", "expected an address like name@example.com"),
    ("author_email", "a..b@example.com", "expected an address like name@example.com"),
    ("author_email", "first last@example.com", "expected an address like name@example.com"),
    ("author_email", f"{'a' * 250}@example.com", "is not an email address"),
    ("notification_email", "a@example.com, b@example.com", "give a single address"),
    ("notification_email", "a@example.com;b@example.com", "give a single address"),
    ("dev_workspace_host", "http://adb-1.2.azuredatabricks.net", "uses http://"),
    ("dev_workspace_host", "adb-1.2.azuredatabricks.net", "is not a URL"),
    ("dev_workspace_host", "https://adb-1.2.azuredatabricks.net/", "ends with a slash"),
    ("dev_workspace_host", "https://adb-1.2.azuredatabricks.net/?o=1", "path, query or fragment"),
    ("dev_workspace_host", "https://x.cloud.databricks.com/login", "path, query or fragment"),
    ("dev_workspace_host", "https://x.cloud.databricks.com#top", "path, query or fragment"),
    ("staging_workspace_host", "https://me:pw@x.cloud.databricks.com", "user information"),
    ("staging_workspace_host", "https://x.cloud.databricks.com:443", "has a port ':443'"),
    ("staging_workspace_host", "https://x.cloud.databricks.com:", "has a port"),
    (
        "prod_workspace_host",
        "https://X.Cloud.Databricks.com",
        "e.g. https://x.cloud.databricks.com",
    ),
    ("prod_workspace_host", "https://-x.cloud.databricks.com", "has an invalid host name"),
    ("prod_workspace_host", "https://x_y.cloud.databricks.com", "has an invalid host name"),
    ("prod_workspace_host", f"https://{'a' * 64}.example.com", "has an invalid host name"),
    ("prod_workspace_host", "https://x..example.com", "has an invalid host name"),
    ("prod_workspace_host", "https://10.0.0.1", "not a fully qualified workspace host name"),
    ("prod_workspace_host", "https://localhost", "not a fully qualified workspace host name"),
    ("prod_workspace_host", "https://", "has no host name"),
    ("prod_workspace_host", " https://x.cloud.databricks.com", "has spaces around it"),
    ("prod_workspace_host", "", "is not a URL"),
    ("dev_catalog", "Dev", "has uppercase letters"),
    ("dev_catalog", "dev catalog", "has spaces, hyphens or backticks"),
    ("dev_catalog", "dev-catalog", "e.g. 'dev_catalog'"),
    ("dev_catalog", "`dev`", "need `backtick` quoting"),
    ("staging_catalog", "main.staging", "the dot separates catalog, schema and table"),
    ("staging_catalog", "2024", "starts with a digit"),
    ("staging_catalog", "caf\u00e9", "has characters other than lowercase letters"),
    ("staging_catalog", "", "is empty"),
    ("prod_catalog", "p" * 256, "is longer than 255 characters"),
    ("prod_catalog", "system", "read-only catalog of Databricks system tables"),
    ("prod_catalog", "samples", "read-only catalog of Databricks sample data"),
    ("prod_catalog", "hive_metastore", "legacy Hive metastore"),
    ("prod_catalog", "spark_catalog", "alias of hive_metastore"),
    ("schema", "Sales Analytics", "e.g. 'sales_analytics'"),
    ("schema", "information_schema", "read-only schema"),
    ("cloud", "AWS", "answer aws or azure or gcp"),
    ("compute", "serverless ", "answer serverless or classic"),
    ("include_medallion", "Yes", "exactly, in lowercase"),
    ("include_etl", "true", "answer yes or no"),
    ("include_quality", "n", "answer yes or no"),
    ("include_admin", "", "answer yes or no"),
    ("ci_provider", "gitlab", "answer github or none"),
    ("python_version", "3.13", "answer 3.11 or 3.12"),
    ("service_principal_application_id", "not-a-uuid", "8-4-4-4-12 hexadecimal digits"),
    ("service_principal_application_id", " ", "is not a service principal application ID"),
    (
        "service_principal_application_id",
        "6F1C2B3A-4D5E-4F60-8A7B-9C0D1E2F3A4B",
        "'6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b' (lowercase",
    ),
    (
        "service_principal_application_id",
        "{6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b}",
        "8-4-4-4-12 hexadecimal digits",
    ),
]


@pytest.mark.parametrize(("question", "value", "expected"), BAD_VALUES)
def test_validator_rejects_with_a_message_naming_question_and_value(
    question: str, value: str, expected: str
) -> None:
    message = pre_gen.VALIDATORS[question](question, value)

    assert message is not None
    assert message.startswith(f"{question}: {value!r} ")
    assert expected in message


@pytest.mark.parametrize(
    "name",
    # Dependencies and tools of the generated project, and names its layout or tests use.
    [
        "pyspark",
        "delta",
        "databricks",
        "yaml",
        "typer",
        "rich",
        "chispa",
        "pytest",
        "ruff",
        "sqlfluff",
        "click",
        "pydantic",
        "jsonschema",
        "requests",
        "pandas",
        "numpy",
        "mlflow",
        "sklearn",
        "setuptools",
        "pip",
        "test",
        "tests",
        "src",
    ],
)
def test_package_name_may_not_shadow_an_import_the_project_needs(name: str) -> None:
    message = pre_gen.check_package_name("package_name", name)

    assert message is not None
    assert "shadow the import" in message


def test_catalog_message_gives_every_reason_at_once() -> None:
    message = pre_gen.check_catalog("dev_catalog", "Dev-Catalog.v2")

    assert message is not None
    for reason in ("has uppercase letters", "hyphens", "has a dot"):
        assert reason in message
    assert "e.g. 'dev_catalog_v2'" in message


def test_catalog_starting_with_a_digit_gets_a_usable_suggestion() -> None:
    message = pre_gen.check_catalog("dev_catalog", "2024-dev")

    assert message is not None
    assert "e.g. '_2024_dev'" in message
    assert pre_gen.check_catalog("dev_catalog", "_2024_dev") is None


def test_host_message_collects_every_reason_and_suggests_the_clean_url() -> None:
    message = pre_gen.check_workspace_host(
        "dev_workspace_host", "http://me@ADB-1.2.azuredatabricks.net:8443/?o=1"
    )

    assert message is not None
    for reason in ("uses http://", "user information", "':8443'", "'/?o=1'", "uppercase"):
        assert reason in message
    assert message.endswith("e.g. https://adb-1.2.azuredatabricks.net.")


def test_suggestions_are_valid_answers() -> None:
    assert pre_gen.as_name("  Sales -- Analytics! ") == "sales_analytics"
    assert pre_gen.as_name("2024 Q1") == "2024_q1"


# --- Combinations -----------------------------------------------------------------------------

ALL_OFF = dict.fromkeys(pre_gen.COMPONENT_SWITCHES, "no")
SHARED_HOST = "https://adb-1234567890123456.7.azuredatabricks.net"


def test_all_components_off_is_refused() -> None:
    problems = pre_gen.combination_problems(answers(**ALL_OFF))

    assert len(problems) == 1
    assert "all are 'no'" in problems[0]
    for switch in pre_gen.COMPONENT_SWITCHES:
        assert switch in problems[0]


@pytest.mark.parametrize("kept", pre_gen.COMPONENT_SWITCHES)
def test_one_component_with_what_it_builds_on_is_enough(kept: str) -> None:
    builds_on = [
        required for component, (required, _) in pre_gen.REQUIRES.items() if component == kept
    ]
    selected = {**ALL_OFF, kept: "yes", **dict.fromkeys(builds_on, "yes")}

    assert pre_gen.combination_problems(answers(**selected)) == []


@pytest.mark.parametrize(
    ("component", "required", "reason"),
    [
        ("include_streaming", "include_quality", "checks every micro-batch"),
        ("include_ml", "include_medallion", "come from the medallion's silver orders"),
    ],
)
def test_component_without_what_it_builds_on_is_refused(
    component: str, required: str, reason: str
) -> None:
    problems = pre_gen.combination_problems(answers(**{required: "no"}))

    assert len(problems) == 1
    assert problems[0].startswith(f"{component} and {required}: {component} is 'yes' but")
    assert reason in problems[0]
    assert problems[0].endswith(f"answer {required}=yes or {component}=no")


def test_component_off_needs_nothing() -> None:
    selected = answers(include_quality="no", include_streaming="no")

    assert pre_gen.combination_problems(selected) == []


@pytest.mark.parametrize(
    ("other", "consequence"),
    [("staging", "would overwrite the production tables"), ("dev", "personal schemas inside")],
)
def test_prod_sharing_workspace_and_catalog_is_refused(other: str, consequence: str) -> None:
    catalogs = {"dev_catalog": "dev", "staging_catalog": "staging", "prod_catalog": "main"}
    shared = answers(
        cloud="azure",
        dev_workspace_host=SHARED_HOST,
        staging_workspace_host=SHARED_HOST,
        prod_workspace_host=SHARED_HOST,
        **{**catalogs, f"{other}_catalog": "main"},
    )

    problems = pre_gen.combination_problems(shared)

    assert len(problems) == 1
    assert problems[0].startswith(f"prod_catalog and {other}_catalog: ")
    assert "catalog 'main'" in problems[0]
    assert consequence in problems[0]


def test_prod_may_share_the_catalog_name_in_another_workspace() -> None:
    separate = answers(
        staging_workspace_host="https://staging.cloud.databricks.com",
        prod_workspace_host="https://prod.cloud.databricks.com",
        staging_catalog="main",
        prod_catalog="main",
    )

    assert pre_gen.find_problems(separate) == []


def test_prod_may_share_the_workspace_with_its_own_catalog() -> None:
    assert pre_gen.find_problems(answers(prod_catalog="prod", staging_catalog="staging")) == []


@pytest.mark.parametrize(
    ("host", "cloud"),
    [
        ("https://dbc-1.cloud.databricks.com", "aws"),
        ("https://adb-1.2.azuredatabricks.net", "azure"),
        ("https://adb-1.2.databricks.azure.cn", "azure"),
        ("https://1.2.gcp.databricks.com", "gcp"),
        ("https://databricks.internal.example.com", None),
    ],
)
def test_cloud_of_host(host: str, cloud: str | None) -> None:
    assert pre_gen.cloud_of_host(host) == cloud


def test_host_on_another_cloud_than_the_cloud_answer_is_refused() -> None:
    mixed = answers(cloud="aws", prod_workspace_host="https://adb-1.2.azuredatabricks.net")

    problems = pre_gen.combination_problems(mixed)

    expected = (
        "cloud and prod_workspace_host: 'https://adb-1.2.azuredatabricks.net' is a workspace "
        "on azure but cloud is 'aws'; answer cloud=azure or give a workspace URL on aws"
    )
    assert problems == [expected]


def test_unknown_cloud_is_reported_once_by_its_own_check() -> None:
    problems = pre_gen.find_problems(answers(cloud="oracle"))

    assert len(problems) == 1
    assert problems[0].startswith("cloud: 'oracle' is not an allowed answer")


def test_private_link_hosts_fit_any_cloud() -> None:
    private = "https://databricks.internal.example.com"
    for cloud in pre_gen.CHOICES["cloud"]:
        hosts = dict.fromkeys(
            ("dev_workspace_host", "staging_workspace_host", "prod_workspace_host"), private
        )
        assert pre_gen.find_problems(answers(cloud=cloud, **hosts)) == []


# --- pre_gen main() ---------------------------------------------------------------------------


def test_main_accepts_the_defaults_silently(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(pre_gen, "ANSWERS", encoded(rendered_defaults()))

    assert pre_gen.main() == 0
    assert capsys.readouterr() == ("", "")


def test_main_reports_every_problem_on_stderr_and_exits_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = answers(
        package_name="pyspark",
        prod_workspace_host="http://prod.cloud.databricks.com/",
        dev_catalog="Dev Catalog",
        service_principal_application_id="nope",
        **ALL_OFF,
    )
    monkeypatch.setattr(pre_gen, "ANSWERS", encoded(bad))

    first = pre_gen.main()
    out, err = capsys.readouterr()

    assert first == 1
    assert out == ""
    lines = err.splitlines()
    assert lines[0] == "Cannot generate the project: 5 problem(s) with the answers."
    problem_lines = [line for line in lines if line.startswith("  - ")]
    assert [line.split(":")[0] for line in problem_lines] == [
        "  - package_name",
        "  - prod_workspace_host",
        "  - dev_catalog",
        "  - service_principal_application_id",
        "  - " + ", ".join(pre_gen.COMPONENT_SWITCHES),
    ]
    assert lines[-1] == "Nothing was generated. Run cookiecutter again with corrected answers."
    # Idempotent: a second run (cruft re-runs hooks) says exactly the same.
    assert pre_gen.main() == 1
    assert capsys.readouterr().err == err


def test_decode_answers_reverses_the_rendering() -> None:
    values = {"project_name": 'A/B 100% "sure" \\ é', "schema": "sales"}

    assert pre_gen.decode_answers(encoded(values)) == values


# --- post_gen ---------------------------------------------------------------------------------


def keeping_everything() -> dict[str, str]:
    """Answers under which no row of the removal table applies."""
    kept = answers(package_name="sales")
    for question, removing_answer in post_gen.REMOVED_WHEN:
        kept[question] = next(c for c in pre_gen.CHOICES[question] if c != removing_answer)
    return kept


def test_nothing_is_removed_when_every_part_is_selected() -> None:
    assert post_gen.paths_to_remove(keeping_everything()) == []


@pytest.mark.parametrize(("question", "answer"), list(post_gen.REMOVED_WHEN))
def test_each_answer_removes_exactly_its_paths(question: str, answer: str) -> None:
    selected = {**keeping_everything(), question: answer}

    removed = post_gen.paths_to_remove(selected)

    expected = [path.format(package="sales") for path in post_gen.REMOVED_WHEN[question, answer]]
    assert removed == expected
    assert all("{" not in path and not path.startswith("/") for path in removed)


def test_answers_combine_in_table_order() -> None:
    selected = {**keeping_everything(), "include_etl": "no", "ci_provider": "none"}

    removed = post_gen.paths_to_remove(selected)

    assert removed == [
        *(p.format(package="sales") for p in post_gen.REMOVED_WHEN["include_etl", "no"]),
        *post_gen.REMOVED_WHEN["ci_provider", "none"],
    ]


def make_tree(root: Path, relative_paths: list[str]) -> None:
    """Files for paths with a suffix, folders (holding a file) for the others."""
    for relative in relative_paths:
        path = root / relative
        if Path(relative).suffix:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("x\n", encoding="utf-8")
        else:
            (path / "nested").mkdir(parents=True)
            (path / "nested" / "module.py").write_text("x = 1\n", encoding="utf-8")


def test_remove_deletes_files_and_folders_and_keeps_the_rest(tmp_path: Path) -> None:
    doomed = ["src/sales/etl", "resources/etl.job.yml", "tests/etl"]
    kept = ["src/sales/cli.py", "resources/schemas.yml", "tests/test_cli.py"]
    make_tree(tmp_path, doomed + kept)

    post_gen.remove(tmp_path, doomed)

    assert [p for p in doomed if (tmp_path / p).exists()] == []
    assert [p for p in kept if not (tmp_path / p).is_file()] == []


def test_remove_twice_and_missing_paths_are_fine(tmp_path: Path) -> None:
    doomed = ["notebooks/bronze", ".github", "resources/clusters.yml"]
    make_tree(tmp_path, doomed[:2])

    post_gen.remove(tmp_path, doomed)
    post_gen.remove(tmp_path, doomed)

    assert list(tmp_path.iterdir()) == []


def test_a_shared_folder_goes_only_once_empty(tmp_path: Path) -> None:
    make_tree(tmp_path, ["dashboards/monitoring.lvdash.json", "dashboards/streaming.lvdash.json"])

    post_gen.remove(tmp_path, ["dashboards/monitoring.lvdash.json"])
    assert [p.name for p in (tmp_path / "dashboards").iterdir()] == ["streaming.lvdash.json"]

    post_gen.remove(tmp_path, ["dashboards/streaming.lvdash.json"])
    assert not (tmp_path / "dashboards").exists()


def test_next_steps_names_the_project_and_only_existing_make_targets() -> None:
    text = post_gen.next_steps(answers(project_slug="sales_analytics"))
    targets = set(re.findall(r"^([a-z][a-z-]*):", TEMPLATE_MAKEFILE.read_text(), re.MULTILINE))

    lines = text.splitlines()
    assert lines[0] == "Created sales_analytics. Next steps:"
    assert "  cd sales_analytics" in lines
    mentioned = re.findall(r"^\s+make ([a-z-]+)", text, re.MULTILINE)
    assert mentioned, "next steps should name make targets"
    assert set(mentioned) <= targets


def test_post_gen_main_removes_unselected_parts_and_prints_next_steps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    selected = {**keeping_everything(), "compute": "serverless", "include_admin": "no"}
    doomed = post_gen.paths_to_remove(selected)
    make_tree(tmp_path, [*doomed, "databricks.yml"])
    monkeypatch.setattr(post_gen, "ANSWERS", {q: selected[q] for q in post_gen.ANSWERS})
    monkeypatch.chdir(tmp_path)

    assert post_gen.main() == 0
    assert post_gen.main() == 0  # cruft re-runs hooks on update

    assert doomed and [p for p in doomed if (tmp_path / p).exists()] == []
    assert (tmp_path / "databricks.yml").is_file()
    out = capsys.readouterr().out
    assert out.count(f"Created {selected['project_slug']}. Next steps:") == 2
