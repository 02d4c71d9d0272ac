"""The header every library file starts with: what the file does and the parameters it takes.

The header is YAML inside SQL line comments, between two `-- ---` fences, so the file stays
plain SQL that any editor, linter or workspace can read:

    -- ---
    -- title: Keep the latest row per key
    -- description: >
    --   Copies source_table into target_table with one row per key_column ...
    -- parameters:
    --   - catalog                 # declared once in sql/parameters.yml
    --   - schema
    --   - name: key_column
    --     type: identifier
    --     description: Column that identifies a row.
    --     default: order_id
    -- ---

A parameter is either a mapping (name, type, description, default, and optionally choices,
minimum, maximum) or the name of a parameter declared in `sql/parameters.yml`, which keeps the
catalog and schema (and their defaults) in one place. Function files add `examples` (a call
and the value it returns, which tests and `sql validate` check), templates add `steps` (the
patterns and functions they run, in order).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .values import Binding, ParameterType, ParameterValueError, bind

FENCE = "-- ---"
_NAME = re.compile(r"[a-z_][a-z0-9_]*")


class HeaderError(ValueError):
    """A file's header is missing or malformed; the message names the file and the problem."""


class Parameter(BaseModel):
    """One declared parameter."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    type: ParameterType
    description: str = Field(min_length=1)
    default: Any = None  # None: the caller must give a value
    choices: list[str] | None = None
    minimum: float | None = None
    maximum: float | None = None

    @field_validator("name")
    @classmethod
    def _plain_name(cls, name: str) -> str:
        if not _NAME.fullmatch(name):
            raise ValueError(f"{name!r} is not a parameter name (lower-case letters, digits, _)")
        return name

    @model_validator(mode="after")
    def _consistent(self) -> Parameter:
        numeric = self.type in (ParameterType.INT, ParameterType.DOUBLE)
        if (self.minimum is not None or self.maximum is not None) and not numeric:
            raise ValueError(f"{self.name}: minimum and maximum apply to int and double only")
        textual = self.type in (ParameterType.STRING, ParameterType.IDENTIFIER)
        if self.choices is not None and not textual:
            raise ValueError(f"{self.name}: choices apply to string and identifier only")
        if self.default is not None:
            try:
                self.bind(self.default)
            except ParameterValueError as error:
                raise ValueError(f"default of {error}") from None
        return self

    def bind(self, raw: object) -> Binding:
        """Validate a value for this parameter (see values.bind)."""
        return bind(
            self.name,
            self.type,
            raw,
            choices=self.choices,
            minimum=self.minimum,
            maximum=self.maximum,
        )


class Example(BaseModel):
    """A function call and the value it returns (`returns: null` for NULL), or the error it raises.

    `raises` is a part of the error message, for calls the function must refuse.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    call: str = Field(min_length=1)
    returns: Any = None
    raises: str | None = None

    @model_validator(mode="after")
    def _one_outcome(self) -> Example:
        if ("returns" in self.model_fields_set) == (self.raises is not None):
            raise ValueError(f"example {self.call!r} needs either returns or raises")
        return self


class Step(BaseModel):
    """One step of a template: a pattern or a function, with its parameters mapped.

    `parameters` maps a parameter of the step to the template parameter that feeds it; a step
    parameter that is not mapped takes the template parameter of the same name.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    pattern: str | None = None
    function: str | None = None
    parameters: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_target(self) -> Step:
        if (self.pattern is None) == (self.function is None):
            raise ValueError("a step names exactly one pattern or one function")
        return self

    @property
    def target(self) -> str:
        return self.pattern or self.function or ""

    @property
    def kind(self) -> str:
        return "pattern" if self.pattern else "function"


class Header(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = Field(min_length=1)
    description: str = Field(min_length=1)
    parameters: list[str | Parameter] = Field(default_factory=list)
    examples: list[Example] = Field(default_factory=list)
    steps: list[Step] = Field(default_factory=list)


def split_header(text: str, path: Path) -> tuple[dict[str, Any], str, int]:
    """(header mapping, body text, 1-based line of the body's first line) of a library file."""
    lines = text.splitlines()
    if not lines or lines[0].rstrip() != FENCE:
        raise HeaderError(f"{path}: the first line must be {FENCE!r}, the start of the header")
    closing = next((i for i, line in enumerate(lines[1:], 1) if line.rstrip() == FENCE), None)
    if closing is None:
        raise HeaderError(f"{path}: the header opened on line 1 has no closing {FENCE!r} line")
    yaml_lines = []
    for number, line in enumerate(lines[1:closing], start=2):
        if not line.startswith("--"):
            raise HeaderError(f"{path}, line {number}: header lines must be SQL comments ('-- ')")
        content = line[2:]
        yaml_lines.append(content[1:] if content.startswith(" ") else content)
    try:
        mapping = yaml.safe_load("\n".join(yaml_lines))
    except yaml.YAMLError as error:
        raise HeaderError(f"{path}: the header is not valid YAML: {error}") from error
    if not isinstance(mapping, dict):
        raise HeaderError(f"{path}: the header must be a YAML mapping (title, description, ...)")
    body = "\n".join(lines[closing + 1 :])
    return mapping, body, closing + 2


def parse_header(mapping: dict[str, Any], path: Path) -> Header:
    """Validate the header mapping; HeaderError lists every problem with its field."""
    try:
        return Header.model_validate(mapping)
    except ValidationError as error:
        raise HeaderError(f"{path}: invalid header: {describe(error)}") from error


def read_shared_parameters(path: Path) -> dict[str, Parameter]:
    """The parameters declared once for the whole library (`sql/parameters.yml`)."""
    if not path.is_file():
        return {}
    try:
        mapping = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise HeaderError(f"{path}: not valid YAML: {error}") from error
    if not isinstance(mapping, dict):
        raise HeaderError(f"{path}: must map each parameter name to its declaration")
    shared = {}
    for name, spec in mapping.items():
        if not isinstance(spec, dict):
            raise HeaderError(f"{path}: {name}: must be a mapping (type, description, default)")
        try:
            shared[name] = Parameter.model_validate({"name": name, **spec})
        except ValidationError as error:
            raise HeaderError(f"{path}: {name}: {describe(error)}") from error
    return shared


def describe(error: ValidationError) -> str:
    """Pydantic's errors as one line each: `field.path: message`."""
    problems = []
    for problem in error.errors():
        where = ".".join(str(part) for part in problem["loc"]) or "header"
        message = problem["msg"].removeprefix("Value error, ")
        problems.append(f"{where}: {message}")
    return "; ".join(problems)
