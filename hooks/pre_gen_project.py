"""Check every answer before cookiecutter writes the project.

Each bad answer gets one message on stderr that names the question, the value and what would be
right; so does each impossible combination. Any problem exits 1, so cookiecutter stops and
deletes the half-made project directory. The hook only reads, so running it twice (cruft re-runs
hooks on update) changes nothing. Standard library only, no network.

Choices: cookiecutter 2.7.1 already refuses an unknown value for a choice question given as
`key=value`, through `extra_context` or through cruft (a ValueError before any hook runs). A
replay file (`--replay-file`) is not checked by cookiecutter, so the choices are checked here too.
Yes/no questions accept exactly "yes" or "no": the post-generation hook removes a component only
for "no", so "No", "n" or "false" would silently keep it.

Names: the rules of a valid slug, package and schema are defined here once; local_extensions.py
loads this file to derive the default names from project_name so that they always pass, and
this hook refuses only a name a person typed. Free text (the project name, description, author)
is quoted for each file it is written into, so only line breaks and `${` are refused.
"""

from __future__ import annotations

import builtins
import keyword
import re
import sys
from collections.abc import Callable, Mapping
from urllib.parse import unquote

# The answers, rendered by cookiecutter when it copies this hook. Each one is percent-encoded, so
# a quote, backslash or line break in an answer cannot break this file's syntax and reach the
# user as a traceback instead of a message; decode_answers() gives back the exact text.
ANSWERS: dict[str, str] = {
    "project_name": "{{ cookiecutter.project_name | string | urlencode }}",
    "project_slug": "{{ cookiecutter.project_slug | string | urlencode }}",
    "package_name": "{{ cookiecutter.package_name | string | urlencode }}",
    "description": "{{ cookiecutter.description | string | urlencode }}",
    "author_name": "{{ cookiecutter.author_name | string | urlencode }}",
    "author_email": "{{ cookiecutter.author_email | string | urlencode }}",
    "cloud": "{{ cookiecutter.cloud | string | urlencode }}",
    "dev_workspace_host": "{{ cookiecutter.dev_workspace_host | string | urlencode }}",
    "staging_workspace_host": "{{ cookiecutter.staging_workspace_host | string | urlencode }}",
    "prod_workspace_host": "{{ cookiecutter.prod_workspace_host | string | urlencode }}",
    "dev_catalog": "{{ cookiecutter.dev_catalog | string | urlencode }}",
    "staging_catalog": "{{ cookiecutter.staging_catalog | string | urlencode }}",
    "prod_catalog": "{{ cookiecutter.prod_catalog | string | urlencode }}",
    "schema": "{{ cookiecutter.schema | string | urlencode }}",
    "compute": "{{ cookiecutter.compute | string | urlencode }}",
    "warehouse_name": "{{ cookiecutter.warehouse_name | string | urlencode }}",
    "cluster_policy_name": "{{ cookiecutter.cluster_policy_name | string | urlencode }}",
    "include_medallion": "{{ cookiecutter.include_medallion | string | urlencode }}",
    "include_etl": "{{ cookiecutter.include_etl | string | urlencode }}",
    "include_quality": "{{ cookiecutter.include_quality | string | urlencode }}",
    "include_admin": "{{ cookiecutter.include_admin | string | urlencode }}",
    "include_streaming": "{{ cookiecutter.include_streaming | string | urlencode }}",
    "include_ml": "{{ cookiecutter.include_ml | string | urlencode }}",
    "ci_provider": "{{ cookiecutter.ci_provider | string | urlencode }}",
    "notification_email": "{{ cookiecutter.notification_email | string | urlencode }}",
    "service_principal_application_id": (
        "{{ cookiecutter.service_principal_application_id | string | urlencode }}"
    ),
    "python_version": "{{ cookiecutter.python_version | string | urlencode }}",
}

# The one definition of a yes/no answer (see the module docstring).
YES_NO = ("yes", "no")
COMPONENT_SWITCHES = (
    "include_medallion",
    "include_etl",
    "include_quality",
    "include_admin",
    "include_streaming",
    "include_ml",
)
# component -> (the component it builds on, what it uses from it)
REQUIRES: dict[str, tuple[str, str]] = {
    "include_streaming": (
        "include_quality",
        "it checks every micro-batch with the data-quality framework",
    ),
    "include_ml": (
        "include_medallion",
        "its features come from the medallion's silver orders, by the gold layer's definitions",
    ),
}

# Allowed values of the choice questions; a template test keeps them equal to cookiecutter.json.
CHOICES: dict[str, tuple[str, ...]] = {
    "cloud": ("aws", "azure", "gcp"),
    "compute": ("serverless", "classic"),
    **dict.fromkeys(COMPONENT_SWITCHES, YES_NO),
    "ci_provider": ("github", "none"),
    "python_version": ("3.11", "3.12"),
}

SLUG_PATTERN = re.compile(r"[a-z][a-z0-9_]*")
SLUG_MAX_LENGTH = 64
PACKAGE_PATTERN = re.compile(r"[a-z][a-z0-9_]*")
# The generated tests import the package by name (`from <package>.admin.security.snapshot
# import (`); at most 60 characters keeps every such line within ruff's 100 columns.
PACKAGE_MAX_LENGTH = 60
UC_NAME_PATTERN = re.compile(r"[a-z_][a-z0-9_]*")
UC_NAME_MAX_LENGTH = 255
BUNDLE_REFERENCE = re.compile(r"\$\{")
UUID_PATTERN = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# A deliberately plain address shape: it is written unquoted into databricks.yml and inside
# quotes in pyproject.toml, so quotes, spaces, '#' and ':' are refused even where RFC 5322 allows.
EMAIL_PATTERN = re.compile(
    r"[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)
EMAIL_MAX_LENGTH = 254
HOST_LABEL_PATTERN = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
HOST_MAX_LENGTH = 253
URL_PATTERN = re.compile(
    r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://(?P<authority>[^/?#]*)(?P<rest>.*)"
)

# Workspace domains that name their cloud; hosts on other domains (private links) are not matched.
CLOUD_OF_DOMAIN = {
    ".cloud.databricks.com": "aws",
    ".azuredatabricks.net": "azure",
    ".databricks.azure.cn": "azure",
    ".databricks.azure.us": "azure",
    ".gcp.databricks.com": "gcp",
}

# Catalogs a project cannot own: read-only Databricks catalogs and the legacy Hive metastore
# (spark_catalog is its alias, and also the local test catalog).
RESERVED_CATALOGS = {
    "system": "is the read-only catalog of Databricks system tables",
    "samples": "is the read-only catalog of Databricks sample data",
    "hive_metastore": "is the legacy Hive metastore, outside Unity Catalog (no volumes or grants)",
    "spark_catalog": "is Spark's alias of hive_metastore and the catalog of the local tests",
}
RESERVED_SCHEMAS = {
    "information_schema": "is the read-only schema that Unity Catalog puts in every catalog",
}

# Import names that the package name must not take: `import <name>` would then find the wrong
# code. Collected from the generated project's resolved environment (runtime and dev groups) and
# from packages commonly installed next to it on Databricks Runtime or by build tools.
SHADOWED_IMPORTS = {
    **dict.fromkeys(
        ("databricks", "yaml", "rich", "typer", "click", "requests", "google"),
        "a runtime dependency of the generated project (or of databricks-sdk)",
    ),
    **dict.fromkeys(
        (
            "pyspark",
            "py4j",
            "pydantic",
            "delta",
            "chispa",
            "pytest",
            "pytest_cov",
            "coverage",
            "ruff",
            "sqlfluff",
            "pre_commit",
            "pre_commit_hooks",
            "pluggy",
            "iniconfig",
            "packaging",
            "jinja2",
            "markupsafe",
            "pygments",
            "markdown_it",
            "shellingham",
            "typing_extensions",
            "urllib3",
            "certifi",
            "idna",
            "charset_normalizer",
            "cryptography",
            "filelock",
            "platformdirs",
            "virtualenv",
            "nodeenv",
            "identify",
            "cfgv",
            "regex",
            "tqdm",
            "tblib",
            "pathspec",
            "zipp",
        ),
        "a development dependency of the generated project",
    ),
    **dict.fromkeys(
        (
            "pandas",
            "numpy",
            "pyarrow",
            "scipy",
            "sklearn",
            "mlflow",
            "matplotlib",
            "jsonschema",
            "dlt",
            "polars",
            "duckdb",
            "sqlalchemy",
            "boto3",
            "azure",
        ),
        "a library commonly installed next to the project on Databricks or in notebooks",
    ),
    **dict.fromkeys(
        ("setuptools", "pip", "wheel", "hatchling", "uv", "build", "pkg_resources"),
        "a packaging tool that builds or installs the project",
    ),
    **dict.fromkeys(
        ("test", "tests", "conftest", "src"),
        "a name of the project layout or of test tooling (src/, tests/, conftest.py, "
        "Python's own test package)",
    ),
}

Check = Callable[[str, str], str | None]


def decode_answers(rendered: Mapping[str, str]) -> dict[str, str]:
    """The answers as typed, from their percent-encoded rendering."""
    return {question: unquote(value) for question, value in rendered.items()}


def problem(question: str, value: str, reason: str, fix: str) -> str:
    """One message: the question, the bad value, what is wrong and what would be right."""
    return f"{question}: {value!r} {reason}; {fix}."


def as_name(value: str) -> str:
    """A suggestion: the value lowercased, with runs of other characters turned into '_'."""
    return re.sub(r"[^a-z0-9_]+", "_", value.strip().lower()).strip("_")


def check_not_blank(question: str, value: str) -> str | None:
    """Free text must say something."""
    if value.strip():
        return None
    return problem(question, value, "is empty", "give a short text")


def check_free_text(question: str, value: str) -> str | None:
    """Free text is written quoted for each file it lands in, so only a line break is refused."""
    blank = check_not_blank(question, value)
    if blank:
        return blank
    if any(ord(char) < 32 or ord(char) == 127 for char in value):
        return problem(
            question, value, "contains a line break or control character", "write it on one line"
        )
    return None


def check_bundle_text(question: str, value: str) -> str | None:
    """Free text that the bundle reads: `${...}` would be a variable reference there."""
    text_problem = check_free_text(question, value)
    if text_problem:
        return text_problem
    if BUNDLE_REFERENCE.search(value):
        return problem(
            question,
            value,
            "contains '${', which databricks.yml reads as a variable reference (it has no escape)",
            "remove the '${'",
        )
    return None


def check_slug(question: str, value: str) -> str | None:
    """The bundle name and folder: lowercase letters, digits, underscores; starts with a letter."""
    if SLUG_PATTERN.fullmatch(value) and len(value) <= SLUG_MAX_LENGTH:
        return None
    suggestion = as_name(value)[:SLUG_MAX_LENGTH]
    example = f", for example {suggestion!r}" if SLUG_PATTERN.fullmatch(suggestion) else ""
    return problem(
        question,
        value,
        "is not a valid slug (it names the bundle and the project folder)",
        "use lowercase letters, digits and underscores, starting with a letter, "
        f"at most {SLUG_MAX_LENGTH} characters{example} (it is derived from project_name "
        "unless you give it)",
    )


def package_name_conflict(value: str) -> str | None:
    """Why `import <value>` would be a syntax error or find other code, or None."""
    if keyword.iskeyword(value):
        return "is a Python keyword, so `import` of it is a syntax error"
    if keyword.issoftkeyword(value):
        return "is a Python soft keyword (match, case), which reads as syntax, not a module"
    if value in sys.stdlib_module_names:
        return "is a standard-library module, so one of the two would hide the other on import"
    if value in SHADOWED_IMPORTS:
        return f"would shadow the import of {value!r}, {SHADOWED_IMPORTS[value]}"
    if value in vars(builtins):
        return "is a Python builtin, so `import` of it would hide the builtin in that module"
    return None


def check_package_name(question: str, value: str) -> str | None:
    """A lowercase identifier that can be imported without hiding any other module."""
    if not PACKAGE_PATTERN.fullmatch(value) or len(value) > PACKAGE_MAX_LENGTH:
        suggestion = as_name(value)[:PACKAGE_MAX_LENGTH]
        example = f", for example {suggestion!r}" if PACKAGE_PATTERN.fullmatch(suggestion) else ""
        return problem(
            question,
            value,
            f"is not a lowercase Python identifier of at most {PACKAGE_MAX_LENGTH} characters",
            f"use lowercase letters, digits and underscores, starting with a letter{example}",
        )
    conflict = package_name_conflict(value)
    if conflict:
        return problem(
            question, value, conflict, f"choose a project-specific name such as '{value}_jobs'"
        )
    return None


def check_email(question: str, value: str) -> str | None:
    """One plain address: name@domain.tld."""
    if EMAIL_PATTERN.fullmatch(value) and len(value) <= EMAIL_MAX_LENGTH:
        return None
    hint = (
        "give a single address (add more later to notification_emails in databricks.yml)"
        if value.count("@") > 1 or re.search(r"[,;]", value)
        else "expected an address like name@example.com (letters, digits and . _ % + - "
        "before the @)"
    )
    return problem(question, value, "is not an email address", hint)


def hostname_reasons(host: str) -> list[str]:
    """What is wrong with a workspace host name (the part between https:// and the end)."""
    if not host:
        return ["has no host name"]
    if host != host.lower():
        return ["has uppercase letters in the host name (write it in lowercase)"]
    labels = host.split(".")
    if len(host) > HOST_MAX_LENGTH or not all(HOST_LABEL_PATTERN.fullmatch(x) for x in labels):
        rule = "dot-separated labels of letters, digits and inner hyphens, up to 63 characters"
        return [f"has an invalid host name ({rule} each)"]
    if len(labels) < 2 or labels[-1].isdigit():
        return ["is not a fully qualified workspace host name (an IP address or a bare name)"]
    return []


def url_reasons(value: str) -> tuple[list[str], str]:
    """What is wrong with a workspace URL, and the host name found in it."""
    match = URL_PATTERN.fullmatch(value.strip())
    if not match:
        return ["is not a URL"], ""
    reasons = []
    if match["scheme"].lower() != "https":
        reasons.append(f"uses {match['scheme']}:// (workspaces are reached over https://)")
    userinfo, _, host_and_port = match["authority"].rpartition("@")
    if userinfo:
        reasons.append("contains user information before '@' (credentials never go in the URL)")
    host, colon, port = host_and_port.partition(":")
    if colon:
        reasons.append(f"has a port ':{port}' (workspaces use the default HTTPS port)")
    rest = match["rest"]
    if rest == "/":
        reasons.append("ends with a slash")
    elif rest:
        reasons.append(f"has a path, query or fragment {rest!r} after the host")
    if value != value.strip():
        reasons.append("has spaces around it")
    return reasons + hostname_reasons(host), host


def check_workspace_host(question: str, value: str) -> str | None:
    """https://<host> and nothing else: no path, query, fragment, user, port or trailing slash."""
    reasons, host = url_reasons(value)
    if not reasons:
        return None
    example = "https://adb-1234567890123456.7.azuredatabricks.net"
    if host and not hostname_reasons(host.lower()):
        example = f"https://{host.lower()}"
    return problem(
        question,
        value,
        "; ".join(reasons),
        f"give the workspace URL as https://<host> with nothing after the host, e.g. {example}",
    )


def uc_name_reasons(value: str) -> list[str]:
    """Why a Unity Catalog name could not be used unquoted in IDENTIFIER(...)."""
    if UC_NAME_PATTERN.fullmatch(value) and len(value) <= UC_NAME_MAX_LENGTH:
        return []
    if not value:
        return ["is empty"]
    reasons = []
    if value != value.lower():
        reasons.append(
            "has uppercase letters (Unity Catalog stores names in lowercase, so the name in "
            "the bundle would differ from the one in the catalog)"
        )
    if re.search(r"[\s`-]", value):
        reasons.append(
            "has spaces, hyphens or backticks (names with them need `backtick` quoting in SQL)"
        )
    if "." in value:
        reasons.append(
            "has a dot (the dot separates catalog, schema and table in "
            "IDENTIFIER(:catalog || '.' || :schema || '.table'))"
        )
    if value[0].isdigit():
        reasons.append(
            "starts with a digit (it can read as a number in SQL, e.g. 1e5, so it needs quoting)"
        )
    if re.search(r"[^A-Za-z0-9_\s`.-]", value):
        reasons.append("has characters other than lowercase letters, digits and underscores")
    if len(value) > UC_NAME_MAX_LENGTH:
        reasons.append(f"is longer than {UC_NAME_MAX_LENGTH} characters")
    return reasons


def uc_name_problem(question: str, value: str, reserved: Mapping[str, str]) -> str | None:
    """A catalog or schema name usable unquoted in IDENTIFIER(), and not a reserved one."""
    reasons = uc_name_reasons(value)
    if reasons:
        suggestion = as_name(value)
        if suggestion[:1].isdigit():
            suggestion = f"_{suggestion}"
        example = f", e.g. {suggestion!r}" if suggestion else ""
        return problem(
            question,
            value,
            "; ".join(reasons),
            "use lowercase letters, digits and underscores, not starting with a digit, "
            f"so the name works unquoted in IDENTIFIER(){example}",
        )
    if value in reserved:
        return problem(question, value, reserved[value], "choose a catalog or schema you own")
    return None


def check_catalog(question: str, value: str) -> str | None:
    """A Unity Catalog catalog the project can write to."""
    return uc_name_problem(question, value, RESERVED_CATALOGS)


def check_schema(question: str, value: str) -> str | None:
    """A Unity Catalog schema the project can own."""
    return uc_name_problem(question, value, RESERVED_SCHEMAS)


def check_choice(question: str, value: str) -> str | None:
    """One of the question's allowed values, spelt exactly."""
    allowed = CHOICES[question]
    if value in allowed:
        return None
    note = " (exactly, in lowercase: only 'no' removes a component)" if allowed == YES_NO else ""
    return problem(
        question, value, "is not an allowed answer", f"answer {' or '.join(allowed)}{note}"
    )


def check_service_principal(question: str, value: str) -> str | None:
    """Empty (decide later) or the application ID, a lowercase UUID."""
    if value == "" or UUID_PATTERN.fullmatch(value):
        return None
    fix = "leave it empty to decide later, or give the application ID, a UUID such as "
    if UUID_PATTERN.fullmatch(value.strip().lower()):
        fix += (
            f"{value.strip().lower()!r} (lowercase, as Databricks shows it: it also names the "
            "principal's workspace folder, and paths are case-sensitive)"
        )
    else:
        fix += "'12345678-90ab-cdef-1234-567890abcdef' (8-4-4-4-12 hexadecimal digits)"
    return problem(question, value, "is not a service principal application ID", fix)


VALIDATORS: dict[str, Check] = {
    "project_name": check_bundle_text,
    "project_slug": check_slug,
    "package_name": check_package_name,
    "description": check_free_text,
    "author_name": check_free_text,
    "author_email": check_email,
    "cloud": check_choice,
    "dev_workspace_host": check_workspace_host,
    "staging_workspace_host": check_workspace_host,
    "prod_workspace_host": check_workspace_host,
    "dev_catalog": check_catalog,
    "staging_catalog": check_catalog,
    "prod_catalog": check_catalog,
    "schema": check_schema,
    "compute": check_choice,
    "warehouse_name": check_bundle_text,
    "cluster_policy_name": check_bundle_text,
    "include_medallion": check_choice,
    "include_etl": check_choice,
    "include_quality": check_choice,
    "include_admin": check_choice,
    "include_streaming": check_choice,
    "include_ml": check_choice,
    "ci_provider": check_choice,
    "notification_email": check_email,
    "service_principal_application_id": check_service_principal,
    "python_version": check_choice,
}


def check_some_component(answers: Mapping[str, str]) -> str | None:
    """At least one component must be on, or the project would have nothing to run."""
    if any(answers[switch] != "no" for switch in COMPONENT_SWITCHES):
        return None
    return (
        f"{', '.join(COMPONENT_SWITCHES)}: all are 'no', so the project would contain no "
        "workflow or tool; answer yes to at least one"
    )


def check_requirements(answers: Mapping[str, str]) -> list[str]:
    """A component that builds on another needs that one too."""
    return [
        f"{component} and {required}: {component} is 'yes' but {required} is 'no', and {why}; "
        f"answer {required}=yes or {component}=no"
        for component, (required, why) in REQUIRES.items()
        if answers[component] == "yes" and answers[required] == "no"
    ]


def check_prod_isolated(answers: Mapping[str, str], other: str) -> str | None:
    """Prod must not share both workspace and catalog with another environment."""
    host = answers["prod_workspace_host"].strip().lower()
    catalog = answers["prod_catalog"]
    if answers[f"{other}_workspace_host"].strip().lower() != host:
        return None
    if answers[f"{other}_catalog"] != catalog:
        return None
    consequence = {
        "staging": f"both write schema {answers['schema']!r} there, so deploying and running "
        "staging would overwrite the production tables",
        "dev": "dev would create its personal schemas inside the production catalog, so every "
        "developer would need write access to it and dev runs would touch production data",
    }[other]
    return (
        f"prod_catalog and {other}_catalog: prod and {other} both use catalog {catalog!r} in "
        f"workspace {host!r}; {consequence}; give prod its own catalog (e.g. 'prod') "
        "or its own workspace"
    )


def cloud_of_host(host: str) -> str | None:
    """The cloud a workspace host's domain names, or None for other domains."""
    name = host.strip().lower().removeprefix("https://").rstrip("/")
    return next((cloud for domain, cloud in CLOUD_OF_DOMAIN.items() if name.endswith(domain)), None)


def check_cloud_matches_hosts(answers: Mapping[str, str]) -> list[str]:
    """A workspace lives on one cloud; the cloud answer picks node types for classic compute."""
    cloud = answers["cloud"]
    if cloud not in CHOICES["cloud"]:
        return []  # already reported by check_choice
    problems = []
    for environment in ("dev", "staging", "prod"):
        question = f"{environment}_workspace_host"
        host_cloud = cloud_of_host(answers[question])
        if host_cloud and host_cloud != cloud:
            problems.append(
                f"cloud and {question}: {answers[question]!r} is a workspace on {host_cloud} "
                f"but cloud is {cloud!r}; answer cloud={host_cloud} or give a workspace URL "
                f"on {cloud}"
            )
    return problems


def combination_problems(answers: Mapping[str, str]) -> list[str]:
    """Answers that are each fine but cannot work together."""
    found = [
        check_some_component(answers),
        check_prod_isolated(answers, "staging"),
        check_prod_isolated(answers, "dev"),
    ]
    return (
        [message for message in found if message]
        + check_requirements(answers)
        + check_cloud_matches_hosts(answers)
    )


def find_problems(answers: Mapping[str, str]) -> list[str]:
    """Every problem with the answers, each answer first, then the combinations."""
    found = [check(question, answers[question]) for question, check in VALIDATORS.items()]
    return [message for message in found if message] + combination_problems(answers)


def report(problems: list[str]) -> str:
    """The text printed when generation must stop."""
    lines = [f"Cannot generate the project: {len(problems)} problem(s) with the answers."]
    lines += [f"  - {message}" for message in problems]
    lines.append("Nothing was generated. Run cookiecutter again with corrected answers.")
    return "\n".join(lines)


def main() -> int:
    problems = find_problems(decode_answers(ANSWERS))
    if problems:
        print(report(problems), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
