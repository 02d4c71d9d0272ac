"""The SQL library on disk: `sql/patterns`, `sql/functions` and `sql/templates`.

Every `.sql` file under those folders is one library item, named by its file name (names are
unique across the library). Loading reads each header, splits the body into statements with
the runtime's splitter, and checks that the file keeps the library's rules:

- every file declares `catalog` and `schema`: statements run with that schema as the current
  one (so functions are created and called by their plain names), and tables are named with
  `IDENTIFIER(:catalog || '.' || :schema || '.table')`;
- every `:name` marker a statement uses is declared, and every declared parameter is used;
- a function file holds one `CREATE OR REPLACE FUNCTION <file name>(...)` with a COMMENT, says
  whether it is DETERMINISTIC, and gives examples;
- a template's steps name existing patterns or functions, and each step parameter is fed by a
  template parameter of the same type.

A statement preceded by a `-- workspace-only: <reason>` comment is run on a workspace and
reported as skipped on local Spark, never dropped silently. A file that breaks a rule is left
out of the library and reported as a problem (by `sql list` and `sql validate`).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from ..runtime.statements import UnterminatedSQLError, split_statements, without_comments
from .header import (
    Header,
    HeaderError,
    Parameter,
    parse_header,
    read_shared_parameters,
    split_header,
)

SHARED_PARAMETERS_FILE = "parameters.yml"
# The parameters that place every statement: its current catalog and schema.
PLACEMENT = ("catalog", "schema")
_ITEM_NAME = re.compile(r"[a-z][a-z0-9_]*")
_WORKSPACE_ONLY = re.compile(r"^--\s*workspace-only\s*:(.*)$", re.IGNORECASE)
_FUNCTION_STATEMENT = re.compile(
    r"^CREATE OR REPLACE FUNCTION (?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*\(", re.IGNORECASE
)


class Kind(StrEnum):
    PATTERN = "pattern"
    FUNCTION = "function"
    TEMPLATE = "template"

    @property
    def folder(self) -> str:
        return f"{self.value}s"


class LibraryError(ValueError):
    """The library, or a name asked of it, is not usable; the message says why."""


@dataclass(frozen=True)
class LibraryStatement:
    """One statement of a library file."""

    text: str
    line: int  # 1-based line in the file
    parameters: frozenset[str]  # the :name markers it uses
    workspace_only: str | None = None  # the reason, when it runs on a workspace only


@dataclass(frozen=True)
class LibraryItem:
    name: str
    kind: Kind
    path: Path
    category: str | None  # the sub-folder, e.g. "string" for sql/functions/string/*.sql
    header: Header
    parameters: tuple[Parameter, ...]
    statements: tuple[LibraryStatement, ...]

    @property
    def title(self) -> str:
        return self.header.title

    @property
    def description(self) -> str:
        return " ".join(self.header.description.split())

    def parameter(self, name: str) -> Parameter:
        for parameter in self.parameters:
            if parameter.name == name:
                return parameter
        raise LibraryError(f"{self.name} has no parameter {name!r}")


@dataclass(frozen=True)
class Problem:
    """A library file that breaks a rule, and why."""

    path: Path
    message: str


@dataclass
class Library:
    root: Path
    items: dict[str, LibraryItem] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @classmethod
    def load(cls, root: Path) -> Library:
        """Read every file under `root` (the `sql/` folder); broken files become problems."""
        if not root.is_dir():
            raise LibraryError(
                f"no SQL library at {root}: expected a folder with patterns/, functions/ "
                "and templates/"
            )
        library = cls(root)
        try:
            shared = read_shared_parameters(root / SHARED_PARAMETERS_FILE)
        except HeaderError as error:
            library.problems.append(Problem(root / SHARED_PARAMETERS_FILE, str(error)))
            return library
        seen: dict[str, Path] = {}
        for kind in Kind:
            for path in sorted((root / kind.folder).rglob("*.sql")):
                try:
                    item = _read_item(path, kind, root, shared)
                except (HeaderError, LibraryError, UnterminatedSQLError) as error:
                    library.problems.append(Problem(path, str(error)))
                    continue
                if item.name in seen:
                    message = f"{path}: the name {item.name!r} is already used by {seen[item.name]}"
                    library.problems.append(Problem(path, message))
                    continue
                seen[item.name] = path
                library.items[item.name] = item
        for item in [i for i in library.items.values() if i.kind is Kind.TEMPLATE]:
            try:
                check_template(item, library)
            except LibraryError as error:
                library.problems.append(Problem(item.path, str(error)))
                del library.items[item.name]
        return library

    def get(self, name: str) -> LibraryItem:
        """The item called `name`; the error suggests close names and reports a broken file."""
        if name in self.items:
            return self.items[name]
        broken = [p for p in self.problems if p.path.stem == name]
        if broken:
            raise LibraryError(f"{name!r} cannot be used: {broken[0].message}")
        close = difflib.get_close_matches(name, list(self.items), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else "; `sql list` shows them all"
        raise LibraryError(f"no library item named {name!r}{hint}")

    def of_kind(self, kind: Kind | None) -> list[LibraryItem]:
        """Items of one kind (all when None), sorted by kind, then category, then name."""
        order = list(Kind)
        chosen = [item for item in self.items.values() if kind is None or item.kind is kind]
        return sorted(chosen, key=lambda i: (order.index(i.kind), i.category or "", i.name))


def _read_item(path: Path, kind: Kind, root: Path, shared: dict[str, Parameter]) -> LibraryItem:
    name = path.stem
    if not _ITEM_NAME.fullmatch(name):
        raise LibraryError(f"{path}: file names must be lower-case snake_case, like name.sql")
    text = path.read_text(encoding="utf-8")
    mapping, body, first_line = split_header(text, path)
    header = parse_header(mapping, path)
    parameters = _resolve_parameters(header, shared, path)
    file_lines = text.splitlines()
    statements = tuple(
        LibraryStatement(
            statement.text,
            statement.line,
            statement.parameters,
            _workspace_only_reason(file_lines, statement.line, path),
        )
        for statement in split_statements(body, first_line)
    )
    relative = path.relative_to(root / kind.folder)
    category = relative.parts[0] if len(relative.parts) > 1 else None
    item = LibraryItem(name, kind, path, category, header, parameters, statements)
    _check_item(item)
    return item


def _resolve_parameters(
    header: Header, shared: dict[str, Parameter], path: Path
) -> tuple[Parameter, ...]:
    resolved: list[Parameter] = []
    for entry in header.parameters:
        if isinstance(entry, str):
            if entry not in shared:
                known = ", ".join(sorted(shared)) or "none"
                raise LibraryError(
                    f"{path}: parameter {entry!r} is not declared in {SHARED_PARAMETERS_FILE} "
                    f"(declared there: {known}); declare it in the header with type, "
                    "description and default"
                )
            entry = shared[entry]
        if any(parameter.name == entry.name for parameter in resolved):
            raise LibraryError(f"{path}: parameter {entry.name!r} is declared twice")
        resolved.append(entry)
    return tuple(resolved)


def _workspace_only_reason(file_lines: list[str], line: int, path: Path) -> str | None:
    """The reason of a `-- workspace-only:` marker in the comments right above `line`."""
    index = line - 2  # the line above the statement, 0-based
    while index >= 0 and file_lines[index].lstrip().startswith("--"):
        match = _WORKSPACE_ONLY.match(file_lines[index].strip())
        if match:
            reason = match.group(1).strip()
            if not reason:
                raise LibraryError(
                    f"{path}, line {index + 1}: a workspace-only marker needs a reason, e.g. "
                    "'-- workspace-only: OPTIMIZE needs a workspace'"
                )
            return reason
        index -= 1
    return None


def _check_item(item: LibraryItem) -> None:
    declared = {parameter.name for parameter in item.parameters}
    missing_placement = [name for name in PLACEMENT if name not in declared]
    if missing_placement:
        raise LibraryError(
            f"{item.path}: every library file declares catalog and schema (the schema its "
            f"statements run in); add {', '.join(missing_placement)} to its parameters"
        )
    if item.header.examples and item.kind is not Kind.FUNCTION:
        raise LibraryError(f"{item.path}: only functions have examples")
    if item.header.steps and item.kind is not Kind.TEMPLATE:
        raise LibraryError(f"{item.path}: only templates have steps")
    used = set().union(*(statement.parameters for statement in item.statements))
    undeclared = sorted(used - declared)
    if undeclared:
        where = next(s.line for s in item.statements if s.parameters & set(undeclared))
        raise LibraryError(
            f"{item.path}, line {where}: uses :{', :'.join(undeclared)}, which the header does "
            "not declare"
        )
    if item.kind is Kind.FUNCTION:
        _check_function(item)
    elif item.kind is Kind.PATTERN:
        if not item.statements:
            raise LibraryError(f"{item.path}: a pattern needs at least one statement")
        _check_all_used(item, used)


def _check_all_used(item: LibraryItem, used: set[str]) -> None:
    unused = [p.name for p in item.parameters if p.name not in used and p.name not in PLACEMENT]
    if unused:
        raise LibraryError(
            f"{item.path}: declares {', '.join(unused)} but no statement uses "
            f"{'it' if len(unused) == 1 else 'them'}; remove the declaration or use the marker"
        )


def _check_function(item: LibraryItem) -> None:
    extra = [p.name for p in item.parameters if p.name not in PLACEMENT]
    if extra:
        raise LibraryError(
            f"{item.path}: a function file takes only catalog and schema (where the function "
            f"is created), not {', '.join(extra)}"
        )
    if len(item.statements) != 1:
        raise LibraryError(
            f"{item.path}: a function file holds exactly one CREATE OR REPLACE FUNCTION "
            f"statement, found {len(item.statements)}"
        )
    code = without_comments(item.statements[0].text)
    match = _FUNCTION_STATEMENT.match(code)
    if not match or match.group("name").lower() != item.name:
        raise LibraryError(
            f"{item.path}: the statement must start with "
            f"'CREATE OR REPLACE FUNCTION {item.name}(' (the function is named like its file, "
            "and created in the current schema)"
        )
    masked_code = re.sub(r"'(?:[^'\\]|\\.)*'", "''", code)
    # The characteristics sit between RETURNS and RETURN; parameter comments do not count.
    for keyword, why in (
        (r"\bRETURNS\b.*\bCOMMENT\s+''.*\bRETURN\b", "a COMMENT that says what it returns"),
        (r"\bRETURNS\b.*\bDETERMINISTIC\b.*\bRETURN\b", "DETERMINISTIC or NOT DETERMINISTIC"),
        (r"\bRETURN\b", "a RETURN expression"),
    ):
        if not re.search(keyword, masked_code, re.IGNORECASE | re.DOTALL):
            raise LibraryError(f"{item.path}: the function needs {why}")
    if not item.header.examples:
        raise LibraryError(
            f"{item.path}: a function needs examples (call and returns), which tests check"
        )


def check_template(item: LibraryItem, library: Library) -> None:
    """Check a template's steps against the library; raise LibraryError naming the step."""
    if not item.header.steps:
        raise LibraryError(f"{item.path}: a template needs steps (patterns or functions to run)")
    declared = {parameter.name: parameter for parameter in item.parameters}
    used: set[str] = set().union(*(statement.parameters for statement in item.statements))
    for number, step in enumerate(item.header.steps, start=1):
        where = f"{item.path}: step {number} ({step.kind} {step.target})"
        target = library.items.get(step.target)
        if target is None or target.kind.value != step.kind:
            raise LibraryError(f"{where}: no {step.kind} of that name in the library")
        target_names = {parameter.name for parameter in target.parameters}
        unknown = sorted(set(step.parameters) - target_names)
        if unknown:
            raise LibraryError(f"{where}: maps {', '.join(unknown)}, which it does not take")
        for placement in PLACEMENT:
            if step.parameters.get(placement, placement) != placement:
                raise LibraryError(f"{where}: steps run in the template's {placement}")
        for parameter in target.parameters:
            source = step.parameters.get(parameter.name, parameter.name)
            if source not in declared:
                raise LibraryError(
                    f"{where}: needs {parameter.name!r}; declare {source!r} in the template or "
                    "map the step parameter to a template parameter"
                )
            if declared[source].type is not parameter.type:
                raise LibraryError(
                    f"{where}: {parameter.name!r} is {parameter.type.value}, but the template "
                    f"parameter {source!r} is {declared[source].type.value}"
                )
            used.add(source)
    _check_all_used(item, used)
