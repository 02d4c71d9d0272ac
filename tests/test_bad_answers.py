"""Bad answers stop generation with a message that names them, and leave nothing behind.

Each answer set is baked through cookiecutter's Python API, as `cookiecutter --no-input` with
key=value overrides would: the pre-gen hook must fail (FailedHookException), print the expected
message on stderr and leave no project directory. Baking stops before any file is rendered, so
each case takes a fraction of a second; no Spark.
"""

from __future__ import annotations

import ast
import json
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml
from cookiecutter.exceptions import FailedHookException, OutputDirExistsException
from cookiecutter.generate import generate_context
from cookiecutter.main import cookiecutter
from cookiecutter.prompt import prompt_for_config
from markdown_it import MarkdownIt

TEMPLATE_DIR = Path(__file__).resolve().parents[1]
AZURE_HOST = "https://adb-1234567890123456.7.azuredatabricks.net"
COMPONENT_SWITCHES = tuple(
    question
    for question in json.loads((TEMPLATE_DIR / "cookiecutter.json").read_text(encoding="utf-8"))
    if question.startswith("include_")
)
ALL_COMPONENTS_OFF = dict.fromkeys(COMPONENT_SWITCHES, "no")


@pytest.fixture
def user_config(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A user config of our own, so ~/.cookiecutterrc and its replay folder stay out."""
    home = tmp_path_factory.mktemp("cookiecutter-home")
    return {"cookiecutters_dir": str(home / "cookiecutters"), "replay_dir": str(home / "replay")}


def bake(output_dir: Path, user_config: Mapping[str, str], **options: Any) -> str:
    """Generate a project from the template; returns the project path."""
    return cookiecutter(
        str(TEMPLATE_DIR),
        output_dir=str(output_dir),
        default_config=dict(user_config),  # type: ignore[arg-type]  # a dict is accepted
        **options,
    )


# (overrides, texts that stderr must contain). Each text names the question and the value.
BAD_ANSWER_SETS = [
    pytest.param(
        {"project_name": "", "project_slug": "named"},
        ["project_name: '' is empty"],
        id="empty-project-name",
    ),
    pytest.param(
        {"project_name": "   ", "project_slug": "blank"},
        ["project_name: '   ' is empty"],
        id="blank-project-name",
    ),
    pytest.param(
        {"project_name": "The Best\nProject", "project_slug": "best"},
        ["project_name: 'The Best\\nProject' contains a line break"],
        id="line-break-in-project-name",
    ),
    pytest.param(
        {"project_name": "Sales ${bundle.target}"},
        ["project_name: 'Sales ${bundle.target}' contains '${'"],
        id="bundle-reference-in-project-name",
    ),
    pytest.param(
        {"description": "  ", "author_name": "Data\tTeam"},
        ["description: '  ' is empty", "author_name: 'Data\\tTeam' contains a line break"],
        id="blank-description-tab-in-author",
    ),
    pytest.param(
        {"project_slug": "1st_project"},
        ["project_slug: '1st_project' is not a valid slug"],
        id="slug-starting-with-a-digit",
    ),
    pytest.param(
        {"project_slug": "Sales-Analytics"},
        ["project_slug: 'Sales-Analytics' is not a valid slug", "for example 'sales_analytics'"],
        id="uppercase-hyphenated-slug",
    ),
    pytest.param(
        {"project_slug": "UPPER/slash"},
        ["project_slug: 'UPPER/slash' is not a valid slug", "for example 'upper_slash'"],
        id="slug-with-a-slash-leaves-no-parent-folder",
    ),
    pytest.param(
        {"project_slug": "../outside"},
        ["project_slug: '../outside' is not a valid slug"],
        id="slug-that-climbs-out-of-the-output-folder",
    ),
    pytest.param(
        {"project_slug": ".."},
        ["project_slug: '..' is not a valid slug"],
        id="slug-that-is-the-parent-folder",
    ),
    pytest.param(
        {"project_name": ""},
        ["project_name: '' is empty"],
        id="empty-project-name-with-derived-slug",
    ),
    pytest.param(
        {"project_slug": "s" * 65},
        [f"project_slug: '{'s' * 65}' is not a valid slug", "at most 64 characters"],
        id="slug-too-long",
    ),
    pytest.param(
        {"package_name": "class"},
        ["package_name: 'class' is a Python keyword"],
        id="keyword-package",
    ),
    pytest.param(
        {"package_name": "test"},
        ["package_name: 'test' would shadow the import of 'test'"],
        id="package-test",
    ),
    pytest.param(
        {"package_name": "tests"},
        ["package_name: 'tests' would shadow the import of 'tests'"],
        id="package-tests",
    ),
    pytest.param(
        {"package_name": "pyspark"},
        ["package_name: 'pyspark' would shadow the import of 'pyspark'"],
        id="package-pyspark",
    ),
    pytest.param(
        {"package_name": "my-package"},
        ["package_name: 'my-package' is not a lowercase Python identifier"],
        id="hyphenated-package",
    ),
    pytest.param(
        {"package_name": "logging"},
        ["package_name: 'logging' is a standard-library module"],
        id="stdlib-package",
    ),
    pytest.param(
        {"author_email": "data platform"},
        [
            "author_email: 'data platform' is not an email address",
            "notification_email: 'data platform' is not an email address",
        ],
        id="bad-email-also-bad-default-notification",
    ),
    pytest.param(
        {"notification_email": "a@example.com, b@example.com"},
        ["notification_email: 'a@example.com, b@example.com'", "give a single address"],
        id="two-notification-emails",
    ),
    pytest.param(
        {"dev_workspace_host": "http://dbc-a1b2c3d4-e5f6.cloud.databricks.com"},
        ["dev_workspace_host: 'http://dbc-a1b2c3d4-e5f6.cloud.databricks.com' uses http://"],
        id="http-host",
    ),
    pytest.param(
        {"cloud": "azure", "staging_workspace_host": f"{AZURE_HOST}/?o=1234567890123456"},
        [
            f"staging_workspace_host: '{AZURE_HOST}/?o=1234567890123456' has a path, query",
            f"e.g. {AZURE_HOST}.",
        ],
        id="host-with-query",
    ),
    pytest.param(
        {"prod_workspace_host": "https://dbc-a1b2c3d4-e5f6.cloud.databricks.com/"},
        ["prod_workspace_host: 'https://dbc-a1b2c3d4-e5f6.cloud.databricks.com/' ends with a"],
        id="host-trailing-slash",
    ),
    pytest.param(
        {"prod_workspace_host": "https://dbc-a1b2c3d4-e5f6.cloud.databricks.com/login"},
        ["has a path, query or fragment '/login'"],
        id="host-with-path",
    ),
    pytest.param(
        {"dev_workspace_host": "https://admin:secret@dbc-1.cloud.databricks.com:8443"},
        ["contains user information before '@'", "has a port ':8443'"],
        id="host-with-userinfo-and-port",
    ),
    pytest.param(
        {"dev_catalog": "Dev Catalog"},
        ["dev_catalog: 'Dev Catalog' has uppercase letters", "has spaces", "e.g. 'dev_catalog'"],
        id="uppercase-catalog-with-space",
    ),
    pytest.param(
        {"staging_catalog": "team-staging"},
        ["staging_catalog: 'team-staging' has spaces, hyphens or backticks"],
        id="hyphenated-catalog",
    ),
    pytest.param(
        {"prod_catalog": "main.prod"},
        ["prod_catalog: 'main.prod' has a dot"],
        id="dotted-catalog",
    ),
    pytest.param(
        {"schema": "`sales`"},
        ["schema: '`sales`' has spaces, hyphens or backticks"],
        id="backticked-schema",
    ),
    pytest.param(
        {"prod_catalog": "system"},
        ["prod_catalog: 'system' is the read-only catalog of Databricks system tables"],
        id="system-catalog",
    ),
    pytest.param(
        {"service_principal_application_id": "my-service-principal"},
        ["service_principal_application_id: 'my-service-principal' is not a service principal"],
        id="service-principal-not-uuid",
    ),
    pytest.param(
        {"service_principal_application_id": "6F1C2B3A-4D5E-4F60-8A7B-9C0D1E2F3A4B"},
        ["a UUID such as '6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b' (lowercase"],
        id="service-principal-uppercase",
    ),
    pytest.param(
        ALL_COMPONENTS_OFF,
        [", ".join(COMPONENT_SWITCHES) + ": all are 'no'"],
        id="nothing-to-generate",
    ),
    pytest.param(
        {"include_quality": "no"},
        ["include_streaming and include_quality: include_streaming is 'yes' but"],
        id="streaming-without-quality",
    ),
    pytest.param(
        {"include_medallion": "no"},
        ["include_ml and include_medallion: include_ml is 'yes' but"],
        id="ml-without-medallion",
    ),
    pytest.param(
        {"staging_catalog": "main", "prod_catalog": "main"},
        ["prod_catalog and staging_catalog: prod and staging both use catalog 'main'"],
        id="prod-shares-workspace-and-catalog-with-staging",
    ),
    pytest.param(
        {"dev_catalog": "analytics", "prod_catalog": "analytics"},
        ["prod_catalog and dev_catalog: prod and dev both use catalog 'analytics'"],
        id="prod-shares-workspace-and-catalog-with-dev",
    ),
    pytest.param(
        {"cloud": "gcp", "dev_workspace_host": AZURE_HOST},
        [f"cloud and dev_workspace_host: '{AZURE_HOST}' is a workspace on azure"],
        id="host-on-another-cloud",
    ),
    pytest.param(
        {"package_name": "yaml", "dev_catalog": "DEV", "prod_workspace_host": "ftp://x.y.com"},
        [
            "Cannot generate the project: 3 problem(s) with the answers.",
            "  - package_name: 'yaml'",
            "  - prod_workspace_host: 'ftp://x.y.com' uses ftp://",
            "  - dev_catalog: 'DEV' has uppercase letters",
            "Nothing was generated.",
        ],
        id="several-problems-reported-together",
    ),
]


@pytest.mark.parametrize(("overrides", "expected"), BAD_ANSWER_SETS)
def test_bad_answers_stop_generation_with_a_clear_message(
    overrides: dict[str, str],
    expected: list[str],
    tmp_path: Path,
    user_config: dict[str, str],
    capfd: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(FailedHookException):
        bake(tmp_path, user_config, no_input=True, extra_context=overrides)

    err = capfd.readouterr().err
    for text in expected:
        assert text in err
    assert "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_the_defaults_bake(
    tmp_path: Path, user_config: dict[str, str], capfd: pytest.CaptureFixture[str]
) -> None:
    project = Path(bake(tmp_path, user_config, no_input=True))

    assert project == tmp_path / "my_data_project"
    assert (project / "databricks.yml").is_file()
    assert "Cannot generate" not in capfd.readouterr().err


# (project name, derived slug, package, schema): any name a person might give generates.
DERIVED_NAMES = [
    ("3D Printing Co", "printing_co_3d", "printing_co_3d", "printing_co_3d"),
    ("Data & AI: Platform (EMEA)", "data_ai_platform_emea", "data_ai_platform_emea", None),
    ("Müller Logistik", "muller_logistik", "muller_logistik", None),
    ("数据平台", "shu_ju_ping_tai", "shu_ju_ping_tai", None),
    ('Team #1 "Quotes" \\ 100%', "team_1_quotes_100", "team_1_quotes_100", None),
    ("1. First - [x] *b* <i> `c`", "first_x_b_i_c_1", "first_x_b_i_c_1", None),
    ("Logging", "logging", "logging_project", "logging"),
    ("Information Schema", "information_schema", None, "information_schema_data"),
    ("2026", "project_2026", None, None),
]


def markdown_heading_text(readme: str) -> str:
    """The text a Markdown renderer shows for the README's first heading."""
    tokens = MarkdownIt("commonmark").parse(readme)
    heading = next(i for i, token in enumerate(tokens) if token.type == "heading_open")
    return "".join(child.content for child in tokens[heading + 1].children or [])


@pytest.mark.parametrize(("name", "slug", "package", "schema"), DERIVED_NAMES)
def test_any_project_name_generates_with_derived_names_and_reads_back_exactly(
    name: str,
    slug: str,
    package: str | None,
    schema: str | None,
    tmp_path: Path,
    user_config: dict[str, str],
) -> None:
    description = f"About {name}: bronze, silver & gold; 100% tested #1 {{not jinja}}."
    author = f"Zoë O'Neil \\ {name}"
    project = Path(
        bake(
            tmp_path,
            user_config,
            no_input=True,
            extra_context={"project_name": name, "description": description, "author_name": author},
        )
    )

    assert project == tmp_path / slug
    package = package or slug
    databricks = yaml.safe_load((project / "databricks.yml").read_text(encoding="utf-8"))
    assert databricks["bundle"]["name"] == slug
    assert databricks["targets"]["staging"]["variables"]["schema"] == (schema or slug)
    pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["name"] == package
    assert pyproject["project"]["description"] == description
    assert pyproject["project"]["authors"][0]["name"] == author
    schemas = yaml.safe_load((project / "resources" / "schemas.yml").read_text(encoding="utf-8"))
    comment = schemas["resources"]["schemas"]["project_schema"]["comment"]
    assert comment == f"Tables of {name}, managed by its bundle."
    job = yaml.safe_load((project / "resources" / "medallion.job.yml").read_text(encoding="utf-8"))
    assert job["resources"]["jobs"]["medallion"]["name"] == f"{name} medallion"
    init = ast.parse((project / "src" / package / "__init__.py").read_text(encoding="utf-8"))
    assert ast.get_docstring(init) == f"{name}.\n\n{description}"
    constants = {
        node.targets[0].id: ast.literal_eval(node.value)
        for node in init.body
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
    }
    assert constants["PROJECT_NAME"] == name
    readme = (project / "README.md").read_text(encoding="utf-8")
    assert markdown_heading_text(readme) == name
    for module in (project / "src" / package).rglob("*.py"):
        ast.parse(module.read_text(encoding="utf-8"), filename=str(module))


def test_empty_slug_is_refused_by_cookiecutter_before_the_hook(
    tmp_path: Path, user_config: dict[str, str]
) -> None:
    # An empty slug makes the project folder the output folder itself, which exists, so
    # cookiecutter 2.7.1 stops before creating anything or running the hook.
    with pytest.raises(OutputDirExistsException):
        bake(tmp_path, user_config, no_input=True, extra_context={"project_slug": ""})

    assert list(tmp_path.iterdir()) == []


def default_answers() -> dict[str, str]:
    """Every default answer as `cookiecutter --no-input` renders it."""
    context = generate_context(context_file=str(TEMPLATE_DIR / "cookiecutter.json"))
    return dict(prompt_for_config(context, no_input=True))


def test_cookiecutter_refuses_an_unknown_choice_before_any_hook(
    tmp_path: Path, user_config: dict[str, str]
) -> None:
    # cookiecutter 2.7.1 checks choices given as key=value or extra_context itself.
    with pytest.raises(ValueError, match="true provided for choice variable include_etl"):
        bake(tmp_path, user_config, no_input=True, extra_context={"include_etl": "true"})

    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("question", "value", "shown"),
    [
        ("include_etl", "true", "'true'"),
        ("include_admin", True, "'True'"),
        ("compute", "Serverless", "'Serverless'"),
        ("python_version", "3.13", "'3.13'"),
    ],
)
def test_replayed_bad_choice_is_refused_by_the_hook(
    question: str,
    value: object,
    shown: str,
    tmp_path: Path,
    tmp_path_factory: pytest.TempPathFactory,
    user_config: dict[str, str],
    capfd: pytest.CaptureFixture[str],
) -> None:
    # Replay files skip cookiecutter's own choice check, so the hook is the only guard.
    replay_file = tmp_path_factory.mktemp("replay") / "answers.json"
    context = {"cookiecutter": {**default_answers(), question: value}}
    replay_file.write_text(json.dumps(context), encoding="utf-8")

    with pytest.raises(FailedHookException):
        bake(tmp_path, user_config, replay=str(replay_file))

    assert f"{question}: {shown} is not an allowed answer" in capfd.readouterr().err
    assert list(tmp_path.iterdir()) == []
