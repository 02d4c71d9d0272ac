"""Reading the YAML files that declare desired state, with errors that name file and entry."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


class DesiredStateError(ValueError):
    """A desired-state file that cannot be used as it is; the message says where and why."""


def load_yaml_mapping(path: Path, top_key: str) -> Any:
    """The value under ``top_key`` of a YAML mapping file."""
    if not path.is_file():
        raise DesiredStateError(f"{path}: file not found")
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise DesiredStateError(f"{path}: not valid YAML: {error}") from error
    if not isinstance(document, dict) or top_key not in document:
        raise DesiredStateError(f"{path}: expected a mapping with a top-level '{top_key}' key")
    return document[top_key]


def string_list(value: Any, where: str) -> tuple[str, ...]:
    """A list of non-empty strings, or an error naming where it was expected."""
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise DesiredStateError(f"{where}: expected a list of non-empty strings, got {value!r}")
    return tuple(v.strip() for v in value)


def reject_unknown_keys(mapping: dict[str, Any], allowed: set[str], where: str) -> None:
    """Fail on keys the format does not define (typos would otherwise be ignored silently)."""
    unknown = sorted(set(mapping) - allowed)
    if unknown:
        raise DesiredStateError(
            f"{where}: unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}"
        )
