"""Read the bundle (databricks.yml and its includes) for one target, with variables resolved.

The local job runner reads the same files `databricks bundle deploy` reads, so what runs
locally is what deploys. References resolve with local values: `${var.*}` from the target,
`--var` overrides or `BUNDLE_VAR_<name>`; `${bundle.name}`, `${bundle.target}`;
`${workspace.current_user.*}` from the local user; `${resources.<type>.<key>.<field>}` from
the resource definitions. The `catalog` variable always resolves to `spark_catalog`, the one
catalog of local Spark. Lookups (`lookup: warehouse: ...`) need a workspace: using one is an
error that says which `--var` to pass instead.
"""

from __future__ import annotations

import getpass
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

BUNDLE_FILE = "databricks.yml"
LOCAL_CATALOG = "spark_catalog"
CATALOG_VARIABLE = "catalog"
_REFERENCE = re.compile(r"\$\{([A-Za-z0-9_.\-\[\]]+)\}")
_MAX_DEPTH = 20


class BundleError(ValueError):
    """The bundle files are missing, malformed, or ask for something local runs cannot give."""


@dataclass(frozen=True)
class Task:
    key: str
    spec: dict[str, Any]  # the task's mapping as written, references unresolved

    @property
    def kind(self) -> str:
        kinds = [name for name in self.spec if name.endswith("_task")]
        return kinds[0] if kinds else "unknown"

    @property
    def depends_on(self) -> tuple[str, ...]:
        return tuple(item["task_key"] for item in self.spec.get("depends_on", []) or [])


@dataclass(frozen=True)
class Job:
    key: str
    spec: dict[str, Any]
    source: Path  # the file that defines the job; relative paths in it start from its folder

    @property
    def name(self) -> str:
        return str(self.spec.get("name", self.key))

    @property
    def tasks(self) -> tuple[Task, ...]:
        return tuple(Task(str(task["task_key"]), task) for task in self.spec.get("tasks", []) or [])

    @property
    def parameters(self) -> dict[str, Any]:
        """Job parameters and their defaults, as written."""
        return {str(p["name"]): p.get("default", "") for p in self.spec.get("parameters", []) or []}


@dataclass
class Bundle:
    root: Path
    name: str
    target: str
    variables: dict[str, Any]  # resolved where possible; _Lookup or _Missing otherwise
    resources: dict[str, dict[str, Any]]  # type -> key -> definition
    sources: dict[tuple[str, str], Path] = field(default_factory=dict)
    user_name: str = ""

    @property
    def jobs(self) -> dict[str, Job]:
        return {
            key: Job(key, spec, self.sources.get(("jobs", key), self.root / BUNDLE_FILE))
            for key, spec in self.resources.get("jobs", {}).items()
        }

    def job(self, key: str | None) -> Job:
        """The job `key`; without a key the `medallion` job if there is one, else the first."""
        jobs = self.jobs
        if not jobs:
            raise BundleError(f"the bundle in {self.root} defines no jobs (resources/*.job.yml)")
        if key is None:
            return jobs.get("medallion") or next(iter(jobs.values()))
        if key not in jobs:
            raise BundleError(f"no job {key!r} in the bundle; jobs: {', '.join(sorted(jobs))}")
        return jobs[key]

    def resolve(self, value: Any) -> Any:
        """`value` with every `${...}` reference replaced; lists and mappings recursively."""
        return _Resolver(self).resolve(value, 0)


@dataclass(frozen=True)
class _Lookup:
    variable: str
    lookup: dict[str, Any]


@dataclass(frozen=True)
class _Missing:
    variable: str


def find_project_root(start: Path) -> Path:
    """The nearest folder at or above `start` that holds databricks.yml."""
    for folder in (start.resolve(), *start.resolve().parents):
        if (folder / BUNDLE_FILE).is_file():
            return folder
    raise BundleError(f"no {BUNDLE_FILE} in {start} or any folder above it")


def load_bundle(
    root: Path, target: str | None = None, overrides: Mapping[str, str] | None = None
) -> Bundle:
    """Read the bundle at `root` for `target` (the default target when None)."""
    config = _read_yaml(root / BUNDLE_FILE)
    resources: dict[str, dict[str, Any]] = {}
    sources: dict[tuple[str, str], Path] = {}
    _merge_resources(resources, sources, config.get("resources") or {}, root / BUNDLE_FILE)
    targets = dict(config.get("targets") or {})
    for pattern in config.get("include") or []:
        for path in sorted(root.glob(pattern)):
            included = _read_yaml(path)
            _merge_resources(resources, sources, included.get("resources") or {}, path)
            for name, spec in (included.get("targets") or {}).items():
                merged = targets.setdefault(name, {})
                for rtype, items in ((spec or {}).get("resources") or {}).items():
                    merged.setdefault("resources", {}).setdefault(rtype, {}).update(items)
                    for key in items:
                        sources[(rtype, key)] = path
    target_name = _choose_target(targets, target)
    target_spec = targets.get(target_name) or {}
    _merge_resources(resources, {}, target_spec.get("resources") or {}, root / BUNDLE_FILE)
    bundle_name = str((config.get("bundle") or {}).get("name", root.name))
    variables = _variables(config.get("variables") or {}, target_spec, overrides or {})
    return Bundle(root, bundle_name, target_name, variables, resources, sources, _local_user())


def _read_yaml(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise BundleError(f"{path} does not exist")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise BundleError(f"{path} is not valid YAML: {error}") from error
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise BundleError(f"{path} must hold a mapping at the top level")
    return data


def _merge_resources(
    resources: dict[str, dict[str, Any]],
    sources: dict[tuple[str, str], Path],
    new: Mapping[str, Any],
    path: Path,
) -> None:
    for rtype, items in new.items():
        for key, spec in (items or {}).items():
            existing = resources.setdefault(rtype, {}).get(key)
            resources[rtype][key] = _deep_merge(existing, spec) if existing else spec
            sources.setdefault((rtype, key), path)


def _deep_merge(base: Any, override: Any) -> Any:
    if isinstance(base, dict) and isinstance(override, dict):
        merged = dict(base)
        for key, value in override.items():
            merged[key] = _deep_merge(base.get(key), value) if key in base else value
        return merged
    return override


def _choose_target(targets: Mapping[str, Any], requested: str | None) -> str:
    if requested is not None:
        if targets and requested not in targets:
            raise BundleError(
                f"no target {requested!r} in {BUNDLE_FILE}; targets: {', '.join(sorted(targets))}"
            )
        return requested
    if not targets:
        return "default"  # the CLI's name for the implicit target of a bundle without targets
    defaults = [name for name, spec in targets.items() if (spec or {}).get("default")]
    if len(defaults) == 1:
        return defaults[0]
    if len(targets) == 1:
        return next(iter(targets))
    raise BundleError(
        f"{BUNDLE_FILE} marks no single target as default; pick one of "
        f"{', '.join(sorted(targets))} with --target"
    )


def _variables(
    declared: Mapping[str, Any], target: Mapping[str, Any], overrides: Mapping[str, str]
) -> dict[str, Any]:
    unknown = sorted(set(overrides) - set(declared))
    if unknown:
        raise BundleError(
            f"--var {unknown[0]}: no such variable in {BUNDLE_FILE}; "
            f"variables: {', '.join(sorted(declared))}"
        )
    target_values = target.get("variables") or {}
    values: dict[str, Any] = {}
    for name, spec in declared.items():
        spec = spec or {}
        environment = os.environ.get(f"BUNDLE_VAR_{name}")
        if name in overrides:
            values[name] = overrides[name]
        elif environment is not None:
            values[name] = environment
        elif name in target_values:
            values[name] = _target_value(name, target_values[name])
        elif "default" in spec:
            values[name] = spec["default"]
        elif "lookup" in spec:
            values[name] = _Lookup(name, spec["lookup"])
        else:
            values[name] = _Missing(name)
    if CATALOG_VARIABLE in values:
        values[CATALOG_VARIABLE] = LOCAL_CATALOG
    return values


def _target_value(name: str, value: Any) -> Any:
    if isinstance(value, dict) and "lookup" in value:
        return _Lookup(name, value["lookup"])
    if isinstance(value, dict) and set(value) == {"default"}:
        return value["default"]
    return value


def _local_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in a bare container
        return "local"


def _reference(name: str) -> str:
    """`name` written as a bundle reference, `${name}`, for messages."""
    return "$" + "{" + name + "}"


def short_name(user: str) -> str:
    """A user name as Databricks shortens it for `current_user.short_name`."""
    return re.sub(r"[^a-z0-9]", "_", user.split("@")[0].lower())


class _Resolver:
    def __init__(self, bundle: Bundle) -> None:
        self.bundle = bundle
        user = bundle.user_name
        self.fixed: dict[str, Any] = {
            "bundle.name": bundle.name,
            "bundle.target": bundle.target,
            "workspace.current_user.short_name": short_name(user),
            "workspace.current_user.user_name": user,
            "workspace.current_user.userName": user,
            "workspace.file_path": str(bundle.root),
            "workspace.root_path": str(bundle.root),
        }

    def resolve(self, value: Any, depth: int) -> Any:
        if depth > _MAX_DEPTH:
            raise BundleError(f"references nest more than {_MAX_DEPTH} deep (a cycle?): {value!r}")
        if isinstance(value, dict):
            return {key: self.resolve(item, depth) for key, item in value.items()}
        if isinstance(value, list):
            return [self.resolve(item, depth) for item in value]
        if not isinstance(value, str):
            return value
        whole = _REFERENCE.fullmatch(value)
        if whole:  # a lone reference keeps the referenced value's type (lists, numbers)
            return self.resolve(self.lookup(whole.group(1)), depth + 1)
        return _REFERENCE.sub(
            lambda match: str(self.resolve(self.lookup(match.group(1)), depth + 1)), value
        )

    def lookup(self, reference: str) -> Any:
        if reference in self.fixed:
            return self.fixed[reference]
        root, _, rest = reference.partition(".")
        if root == "var":
            return self._variable(rest)
        if root == "resources":
            return self._resource_field(reference, rest)
        supported = ", ".join(
            _reference(name)
            for name in (
                "var.*",
                "bundle.name",
                "bundle.target",
                "workspace.current_user.*",
                "workspace.file_path",
                "resources.<type>.<key>.<field>",
            )
        )
        raise BundleError(
            f"{_reference(reference)} cannot be resolved locally; supported: {supported}"
        )

    def _variable(self, name: str) -> Any:
        variables = self.bundle.variables
        if name not in variables:
            raise BundleError(
                f"{_reference('var.' + name)}: no variable {name!r} in {BUNDLE_FILE}; "
                f"variables: {', '.join(sorted(variables))}"
            )
        value = variables[name]
        if isinstance(value, _Lookup):
            raise BundleError(
                f"{_reference('var.' + name)} is a lookup ({value.lookup}) that needs a workspace; "
                f"pass --var {name}=<value> to run locally"
            )
        if isinstance(value, _Missing):
            raise BundleError(
                f"{_reference('var.' + name)} has no value for target {self.bundle.target!r}; "
                f"set it under targets.{self.bundle.target}.variables or pass --var {name}=<value>"
            )
        return value

    def _resource_field(self, reference: str, path: str) -> Any:
        parts = path.split(".")
        node: Any = self.bundle.resources
        for part in parts:
            if not isinstance(node, dict) or part not in node:
                raise BundleError(
                    f"{_reference(reference)} cannot be resolved locally: resources define no "
                    f"{'.'.join(parts[: parts.index(part) + 1])!r} (ids exist only once deployed)"
                )
            node = node[part]
        return node
