"""Offline checks of a generated project and its bundle configuration.

Every check is generic: it discovers files, resources, variables and paths instead of naming
them, so it keeps working as components are added. Each returns a list of problems (strings
that name the file and the thing that is wrong); an empty list means the check passed.
"""

from __future__ import annotations

import configparser
import importlib
import inspect
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

# --- leftover template syntax --------------------------------------------------------------

JINJA_OPENERS = re.compile(r"\{\{|\{%|\{#")
COOKIECUTTER_NAME = re.compile(r"cookiecutter\.(?!json\b)[A-Za-z_]")

# GitHub Actions expressions, allowed in .github/ only.
ACTIONS_EXPRESSION = re.compile(r"\$\{\{.*?\}\}")
# Databricks dynamic value references ({{job.run_id}}, {{tasks.load.values.rows}},
# {{job.parameters.`odd name`}}): allowed where jobs are defined (resources/, notebooks/) and
# where the local job runner resolves them (src/, tests/); nowhere else.
DYNAMIC_VALUE_REFERENCE = re.compile(
    r"\{\{\s*(?:job|task|tasks|workspace|backfill)(?:\.(?:[A-Za-z0-9_]+|`[^`]+`))+\s*\}\}"
)
ALLOWED_SPANS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (".github", ACTIONS_EXPRESSION),
    ("resources", DYNAMIC_VALUE_REFERENCE),
    ("notebooks", DYNAMIC_VALUE_REFERENCE),
    ("src", DYNAMIC_VALUE_REFERENCE),
    ("tests", DYNAMIC_VALUE_REFERENCE),
)


def project_files(root: Path) -> Iterator[Path]:
    """Every file of a generated project, sorted, skipping tool caches and virtualenvs."""
    skipped = {".venv", ".git", "__pycache__", ".pytest_cache", ".ruff_cache", "dist", "build"}
    for path in sorted(root.rglob("*")):
        if path.is_file() and not skipped.intersection(path.relative_to(root).parts):
            yield path


def read_text(path: Path) -> str | None:
    """A file's text, or None for binary files (NUL bytes); undecodable bytes are replaced."""
    data = path.read_bytes()
    if b"\0" in data:
        return None
    return data.decode("utf-8", errors="replace")


def _allowed_pattern(relative: PurePosixPath) -> re.Pattern[str] | None:
    top = relative.parts[0] if relative.parts else ""
    for folder, pattern in ALLOWED_SPANS:
        if top == folder:
            return pattern
    return None


def template_leftovers(root: Path) -> list[str]:
    """Unrendered Jinja ({{ {% {#) or `cookiecutter.` names in file contents or file names."""
    problems = []
    for path in project_files(root):
        relative = PurePosixPath(path.relative_to(root).as_posix())
        if "{{" in str(relative) or "{%" in str(relative) or "cookiecutter" in str(relative):
            problems.append(f"{relative}: template syntax in the file name")
        text = read_text(path)
        if text is None:
            continue
        allowed = _allowed_pattern(relative)
        for number, line in enumerate(text.splitlines(), start=1):
            stripped = allowed.sub("", line) if allowed else line
            if JINJA_OPENERS.search(stripped) or COOKIECUTTER_NAME.search(line):
                problems.append(f"{relative}:{number}: leftover template syntax: {line.strip()}")
    return problems


# --- parsing -------------------------------------------------------------------------------


def _parse_yaml(text: str) -> None:
    list(yaml.safe_load_all(text))


def _parse_json(text: str) -> None:
    """One JSON document, or JSON Lines (one document per line, Spark's default JSON input)."""
    try:
        json.loads(text)
    except json.JSONDecodeError as whole:
        lines = [line for line in text.splitlines() if line.strip()]
        if len(lines) < 2 or whole.msg != "Extra data":
            raise
        for line in lines:
            json.loads(line)


def _parse_notebook(text: str) -> None:
    notebook = json.loads(text)
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        raise TypeError("not a Jupyter notebook: no list of cells")


def _parse_ini(text: str) -> None:
    configparser.ConfigParser(interpolation=None).read_string(text)


PARSERS = {
    ".yml": _parse_yaml,
    ".yaml": _parse_yaml,
    ".json": _parse_json,
    ".ipynb": _parse_notebook,
    ".toml": tomllib.loads,
    ".sqlfluff": _parse_ini,
    ".cfg": _parse_ini,
    ".ini": _parse_ini,
}


PARSE_ERRORS = (
    yaml.YAMLError,
    json.JSONDecodeError,
    tomllib.TOMLDecodeError,
    configparser.Error,
    UnicodeDecodeError,
    TypeError,
)


def parser_for(path: Path) -> Any:
    """The parser for a file's format, by suffix (or by name for dot-files like .sqlfluff)."""
    return PARSERS.get(path.suffix) or PARSERS.get(path.name)


# Raw landing files and event files are input data, not configuration: some carry deliberate
# defects (a truncated JSON record) that bronze must quarantine, so they need not parse.
UNPARSED_FOLDERS = ("fixtures/landing", "fixtures/events")


def structured_files(root: Path) -> Iterator[tuple[Path, Any]]:
    """(file, parser) for every YAML, JSON, TOML, notebook and INI file outside UNPARSED_FOLDERS."""
    for path in project_files(root):
        relative = path.relative_to(root).as_posix()
        parse = parser_for(path)
        if parse and not any(relative.startswith(f"{folder}/") for folder in UNPARSED_FOLDERS):
            yield path, parse


def unparsable_files(root: Path) -> list[str]:
    """Every structured file that does not parse."""
    problems = []
    for path, parse in structured_files(root):
        try:
            parse(path.read_text(encoding="utf-8"))
        except PARSE_ERRORS as error:
            problems.append(f"{path.relative_to(root)}: does not parse: {error}")
    return problems


def parsed_file_count(root: Path) -> int:
    """How many files unparsable_files() looks at (so a test can insist it saw some)."""
    return sum(1 for _ in structured_files(root))


# --- the bundle ----------------------------------------------------------------------------


@dataclass(frozen=True)
class BundleFile:
    """One configuration file of the bundle: databricks.yml or a file it includes."""

    path: Path
    relative: str
    data: dict[str, Any]


@dataclass
class Bundle:
    """databricks.yml and its included files, parsed."""

    root: Path
    files: list[BundleFile]
    targets: list[str] = field(default_factory=list)


def load_bundle(root: Path) -> Bundle:
    """Read databricks.yml and every file its `include` globs match."""
    main = root / "databricks.yml"
    main_data = yaml.safe_load(main.read_text(encoding="utf-8")) or {}
    files = [BundleFile(main, "databricks.yml", main_data)]
    seen = {main}
    for pattern in main_data.get("include", []) or []:
        for path in sorted(root.glob(pattern)):
            if path.is_file() and path not in seen:
                seen.add(path)
                data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
                files.append(BundleFile(path, path.relative_to(root).as_posix(), data))
    targets: list[str] = []
    for bundle_file in files:
        for target in bundle_file.data.get("targets", {}) or {}:
            if target not in targets:
                targets.append(target)
    return Bundle(root, files, targets)


def unincluded_resource_files(bundle: Bundle) -> list[str]:
    """YAML files under resources/ that no `include` glob picks up (they would never deploy)."""
    included = {bundle_file.path for bundle_file in bundle.files}
    return [
        f"{path.relative_to(bundle.root)}: not matched by any `include` in databricks.yml"
        for path in sorted((bundle.root / "resources").rglob("*.y*ml"))
        if path not in included
    ]


def resource_sections(bundle_file: BundleFile) -> Iterator[tuple[str | None, dict[str, Any]]]:
    """(target or None for every target, resources mapping) pairs of one file."""
    resources = bundle_file.data.get("resources")
    if resources:
        yield None, resources
    for target, body in (bundle_file.data.get("targets") or {}).items():
        if body and body.get("resources"):
            yield target, body["resources"]


def iter_resources(bundle: Bundle) -> Iterator[tuple[BundleFile, str | None, str, str, Any]]:
    """(file, target or None, resource type, key, definition) for every resource."""
    for bundle_file in bundle.files:
        for target, resources in resource_sections(bundle_file):
            for resource_type, entries in resources.items():
                for key, definition in (entries or {}).items():
                    yield bundle_file, target, resource_type, key, definition


@cache
def resource_class(resource_type: str) -> type:
    """The databricks-bundles class for a `resources` section name (jobs -> Job, ...)."""
    from databricks.bundles.core import Resource

    try:
        module = importlib.import_module(f"databricks.bundles.{resource_type}")
    except ModuleNotFoundError:
        raise LookupError(f"unknown resource type {resource_type!r}") from None
    classes = [
        member
        for member in vars(module).values()
        if inspect.isclass(member) and issubclass(member, Resource) and member is not Resource
    ]
    if len(classes) != 1:
        raise LookupError(f"unknown resource type {resource_type!r}")
    return classes[0]


def _where(bundle_file: BundleFile, target: str | None, *parts: str) -> str:
    prefix = f"targets.{target}." if target else ""
    return f"{bundle_file.relative}: {prefix}resources." + ".".join(parts)


def invalid_resources(bundle: Bundle) -> list[str]:
    """Resources that databricks-bundles' typed classes reject (unknown fields, bad enums...)."""
    problems = []
    for bundle_file, target, resource_type, key, definition in iter_resources(bundle):
        where = _where(bundle_file, target, resource_type, key)
        try:
            cls = resource_class(resource_type)
        except LookupError as error:
            problems.append(f"{where}: {error}")
            continue
        if not isinstance(definition, dict):
            problems.append(f"{where}: expected a mapping, got {type(definition).__name__}")
            continue
        try:
            cls.from_dict(definition)  # type: ignore[attr-defined]
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            problems.append(f"{where}: {error}")
    return problems


def resource_count(bundle: Bundle) -> int:
    """How many resource definitions the bundle holds (top level and per target)."""
    return sum(1 for _ in iter_resources(bundle))


# --- ${var.*} and ${resources.*} references --------------------------------------------------

VARIABLE_REFERENCE = re.compile(r"\$\{var\.([\w-]+)")
RESOURCE_REFERENCE = re.compile(r"\$\{resources\.([\w-]+)\.([\w-]+)")


def iter_strings(node: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], str]]:
    """(path, value) for every string value in a parsed YAML document."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from iter_strings(value, (*path, str(key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from iter_strings(value, (*path, str(index)))
    elif isinstance(node, str):
        yield path, node


def _scope(path: tuple[str, ...]) -> str | None:
    """The target a value belongs to (None: every target)."""
    return path[1] if len(path) > 1 and path[0] == "targets" else None


def _targets_for(bundle: Bundle, scope: str | None) -> list[str | None]:
    if scope is not None:
        return [scope]
    return list(bundle.targets) or [None]


def declared_variables(bundle: Bundle) -> dict[str, dict[str, Any]]:
    """Top-level variable declarations from every bundle file."""
    declared: dict[str, dict[str, Any]] = {}
    for bundle_file in bundle.files:
        for name, spec in (bundle_file.data.get("variables") or {}).items():
            declared[name] = spec if isinstance(spec, dict) else {"default": spec}
    return declared


def target_variables(bundle: Bundle, target: str | None) -> dict[str, Any]:
    """Variables a target sets, from every bundle file."""
    values: dict[str, Any] = {}
    if target is None:
        return values
    for bundle_file in bundle.files:
        body = (bundle_file.data.get("targets") or {}).get(target) or {}
        values.update(body.get("variables") or {})
    return values


def unresolved_variables(bundle: Bundle) -> list[str]:
    """`${var.x}` references that some target cannot resolve, and undeclared target values."""
    declared = declared_variables(bundle)
    problems = []
    for target in bundle.targets:
        for name in target_variables(bundle, target):
            if name not in declared:
                problems.append(f"targets.{target}.variables.{name}: not declared in `variables`")
    for bundle_file in bundle.files:
        for path, value in iter_strings(bundle_file.data):
            for name in VARIABLE_REFERENCE.findall(value):
                for target in _targets_for(bundle, _scope(path)):
                    spec = declared.get(name)
                    if spec is None:
                        problems.append(
                            f"{bundle_file.relative}: {'.'.join(path)}: ${{var.{name}}} "
                            "is not declared in `variables`"
                        )
                        break
                    has_value = "default" in spec or "lookup" in spec
                    if not has_value and name not in target_variables(bundle, target):
                        problems.append(
                            f"{bundle_file.relative}: {'.'.join(path)}: ${{var.{name}}} has no "
                            f"default or lookup and target {target!r} does not set it"
                        )
    return problems


def defined_resources(bundle: Bundle, target: str | None) -> set[tuple[str, str]]:
    """(type, key) of every resource that exists when deploying a target."""
    return {
        (resource_type, key)
        for _, scope, resource_type, key, _ in iter_resources(bundle)
        if scope is None or scope == target
    }


def unresolved_resource_references(bundle: Bundle) -> list[str]:
    """`${resources.<type>.<key>...}` references to resources some target does not define."""
    defined = {target: defined_resources(bundle, target) for target in _targets_for(bundle, None)}
    problems = []
    for bundle_file in bundle.files:
        for path, value in iter_strings(bundle_file.data):
            for resource_type, key in RESOURCE_REFERENCE.findall(value):
                for target in _targets_for(bundle, _scope(path)):
                    if (resource_type, key) not in defined[target]:
                        problems.append(
                            f"{bundle_file.relative}: {'.'.join(path)}: "
                            f"${{resources.{resource_type}.{key}}} is not defined"
                            + (f" for target {target!r}" if target else "")
                        )
                        break
    return problems


# --- local paths named by resources ----------------------------------------------------------

NOTEBOOK_SUFFIXES = ("", ".py", ".sql", ".ipynb", ".scala", ".r", ".R")
# key -> (kind, parent keys it must sit under, or None for anywhere)
PATH_FIELDS: dict[str, tuple[str, frozenset[str] | None]] = {
    "notebook_path": ("notebook", None),
    "python_file": ("file", None),
    "file_path": ("file", None),
    "requirements": ("file", None),
    "source_code_path": ("dir", None),
    "project_directory": ("dir", None),
    "root_path": ("dir", frozenset({"pipelines"})),
    "path": ("file_or_notebook", frozenset({"file", "notebook"})),
    "include": ("glob", frozenset({"glob"})),
}
WORKSPACE_FILE_PATH = "${workspace.file_path}/"


def _uses_git_source(definition: Any, task: Any) -> bool:
    if isinstance(definition, dict) and definition.get("git_source"):
        return True
    return isinstance(task, dict) and any(
        isinstance(value, dict) and value.get("source") == "GIT" for value in task.values()
    )


def iter_path_fields(node: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, str, str]]:
    """(dotted path, kind, value) for every local path a resource definition names."""
    if isinstance(node, dict):
        for key, value in node.items():
            here = (*path, str(key))
            spec = PATH_FIELDS.get(str(key))
            if spec and isinstance(value, str):
                kind, parents = spec
                parent = path[-1] if path else ""
                if parents is None or parent in parents:
                    yield ".".join(here), kind, value
            else:
                yield from iter_path_fields(value, here)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from iter_path_fields(value, (*path, str(index)))


def _path_exists(base: Path, root: Path, kind: str, value: str) -> bool:
    if value.startswith(WORKSPACE_FILE_PATH):
        base, value = root, value.removeprefix(WORKSPACE_FILE_PATH)
    if kind == "glob":
        return any(base.glob(value))
    candidate = base / value
    if kind == "dir":
        return candidate.is_dir()
    suffixes = NOTEBOOK_SUFFIXES if kind in {"notebook", "file_or_notebook"} else ("",)
    return any(Path(f"{candidate}{suffix}").is_file() for suffix in suffixes)


def missing_paths(bundle: Bundle) -> list[str]:
    """Notebooks, files, dashboards and folders that resources (and artifacts) name but lack.

    Paths are relative to the YAML file that names them. Workspace paths (leading /), other
    `${...}` substitutions and tasks that read from Git are outside this check.
    """
    problems = []
    for bundle_file, target, resource_type, key, definition in iter_resources(bundle):
        tasks = definition.get("tasks", []) if isinstance(definition, dict) else []
        for dotted, kind, value in iter_path_fields(definition, (resource_type,)):
            if value.startswith("/") or "${" in value.replace(WORKSPACE_FILE_PATH, ""):
                continue
            task_index = (
                dotted.split(".")[2] if dotted.startswith(f"{resource_type}.tasks.") else None
            )
            task = tasks[int(task_index)] if task_index and task_index.isdigit() else None
            if _uses_git_source(definition, task):
                continue
            if not _path_exists(bundle_file.path.parent, bundle.root, kind, value):
                where = _where(
                    bundle_file,
                    target,
                    resource_type,
                    key,
                    dotted.removeprefix(f"{resource_type}."),
                )
                problems.append(f"{where}: {value!r} does not exist")
    for bundle_file in bundle.files:
        for name, artifact in (bundle_file.data.get("artifacts") or {}).items():
            value = (artifact or {}).get("path")
            if value and not (bundle_file.path.parent / value).exists():
                problems.append(
                    f"{bundle_file.relative}: artifacts.{name}.path: {value!r} does not exist"
                )
    return problems


# --- JSON schema -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SchemaSource:
    """Where the bundle JSON schema comes from, or why there is none."""

    path: Path | None
    origin: str


def databricks_cli() -> str | None:
    """The Databricks CLI: $DATABRICKS_CLI, else `databricks` on PATH."""
    return os.environ.get("DATABRICKS_CLI") or shutil.which("databricks")


def find_bundle_schema(workdir: Path) -> SchemaSource:
    """The schema from the installed CLI, else $BUNDLE_SCHEMA_PATH, else none (with a reason)."""
    cli = databricks_cli()
    if cli:
        printed = subprocess.run(
            [cli, "bundle", "schema"], capture_output=True, text=True, check=True, timeout=120
        )
        schema = workdir / "bundle-schema.json"
        schema.write_text(printed.stdout, encoding="utf-8")
        return SchemaSource(schema, f"`{cli} bundle schema`")
    configured = os.environ.get("BUNDLE_SCHEMA_PATH")
    if configured:
        path = Path(configured).resolve()
        if not path.is_file():
            raise FileNotFoundError(f"BUNDLE_SCHEMA_PATH={configured} is not a file")
        return SchemaSource(path, f"BUNDLE_SCHEMA_PATH={configured}")
    return SchemaSource(
        None,
        "no bundle JSON schema: install the Databricks CLI (or set DATABRICKS_CLI), or set "
        "BUNDLE_SCHEMA_PATH (for example to ../shared/databricks/bundle-schema.json)",
    )


def schema_violations(schema: Path, files: list[Path]) -> list[str]:
    """check-jsonschema's report for files that do not match the bundle schema.

    The schema's patterns use \\p{L} classes, which only check-jsonschema's default regex
    engine understands, so it runs with its defaults.
    """
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--schemafile", str(schema), *map(str, files)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    if result.returncode == 0:
        return []
    return [result.stdout + result.stderr]


# --- traces of removed paths -----------------------------------------------------------------


def resources_defined_in(root: Path, relative: str) -> set[tuple[str, str]]:
    """(type, key) of the resources one bundle file of a project defines (top level or target)."""
    path = root / relative
    if not (path.is_file() and path.suffix in {".yml", ".yaml"}):
        return set()
    bundle_file = BundleFile(path, relative, yaml.safe_load(path.read_text(encoding="utf-8")))
    return {
        (resource_type, key)
        for _, resources in resource_sections(bundle_file)
        for resource_type, entries in resources.items()
        for key in entries or {}
    }


def trace_patterns(
    relative: str, package: str, resource_keys: set[tuple[str, str]]
) -> list[re.Pattern[str]]:
    """Regexes that find a mention of a removed path in what is left of a project.

    The path itself (README, Makefile, configs), a distinctive file name (etl.job.yml), imports
    of a removed subpackage of the package (absolute or relative), and `resources.<type>.<key>`
    references to the resources a removed file defined.
    """
    before, after = r"(?<![\w.-])", r"(?![\w-])"
    if "/" in relative:
        patterns = [re.compile(before + re.escape(relative) + after)]
    else:
        # A top-level folder's bare name can be an ordinary word ("data quality"): only its
        # use as a path (quality/...) or as code (`quality`) counts.
        patterns = [
            re.compile(before + re.escape(relative) + "/"),
            re.compile(f"`{re.escape(relative)}`"),
        ]
    name = PurePosixPath(relative).name
    if "." in name.lstrip("."):
        patterns.append(re.compile(before + re.escape(name) + after))
    subpackage = re.fullmatch(rf"src/{re.escape(package)}/(\w+)", relative)
    if subpackage:
        module = re.escape(subpackage.group(1))
        patterns += [
            re.compile(rf"\b{re.escape(package)}\.{module}\b"),
            re.compile(rf"^\s*from\s+\.+{module}\b", re.MULTILINE),
            re.compile(rf"^\s*from\s+\.+\s+import\s+[^\n]*\b{module}\b", re.MULTILINE),
        ]
    patterns += [
        re.compile(rf"\bresources\.{re.escape(kind)}\.{re.escape(key)}\b")
        for kind, key in sorted(resource_keys)
    ]
    return patterns


def traces(root: Path, patterns: list[re.Pattern[str]]) -> list[str]:
    """file:line of every match of any pattern in the project's text files."""
    found = []
    for path in project_files(root):
        text = read_text(path)
        if not text:
            continue
        for pattern in patterns:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(root)}:{line}: {match.group(0).strip()!r}")
    return found
