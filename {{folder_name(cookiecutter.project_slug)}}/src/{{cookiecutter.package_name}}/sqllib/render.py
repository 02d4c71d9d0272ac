"""Rendering: a library item plus parameter values, as the statements that will run.

Rendering validates every value (values.py) and keeps the `:name` markers in the SQL: values
are bound when a statement runs, never written into it. A template is flattened into the
statements of its steps, in order, then its own; each step's markers are renamed to the
template parameters that feed them, so the whole template reads as one script with one value
per name. `Rendered.script()` is that script, with the values listed in a comment: it can be
pasted into the Databricks SQL editor, which asks for each `:name`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from ..runtime.statements import TokenKind, parameter_markers, tokenize
from .library import Kind, Library, LibraryError, LibraryItem, LibraryStatement
from .values import Binding

PLACEMENT_STATEMENT = "USE IDENTIFIER(:catalog || '.' || :schema)"
# A marker as the runtime's splitter defines one (statements.parameter_markers): a colon that
# follows neither a word character, another colon, a backtick nor a bracket.
_MARKER = re.compile(r"(?<![A-Za-z0-9_:`\])\]]):([A-Za-z_][A-Za-z0-9_]*)")


@dataclass(frozen=True)
class RenderedStatement:
    sql: str
    source: str  # the library item the statement comes from (a step, for templates)
    line: int  # its line in that item's file
    bindings: tuple[Binding, ...]  # the values of the markers it uses, by name
    workspace_only: str | None = None

    @property
    def arguments(self) -> dict[str, Binding]:
        return {binding.name: binding for binding in self.bindings}


@dataclass(frozen=True)
class Rendered:
    item: LibraryItem
    values: tuple[Binding, ...]  # every parameter of the item, in declaration order
    statements: tuple[RenderedStatement, ...]

    def value(self, name: str) -> Binding:
        return next(binding for binding in self.values if binding.name == name)

    @property
    def catalog(self) -> str:
        return str(self.value("catalog").value)

    @property
    def schema(self) -> str:
        return str(self.value("schema").value)

    def script(self) -> str:
        """The statements as one script a person can read and paste."""
        width = max(len(binding.name) for binding in self.values)
        lines = [
            f"-- {self.item.title}",
            f"-- {self.item.kind.value} {self.item.name}; each :name below is bound to this "
            "value when the script runs,",
            "-- never written into the SQL (the SQL editor asks for each one):",
            *(
                f"--   :{binding.name:<{width}} = {binding.text}  ({binding.type.value})"
                for binding in self.values
            ),
            f"{PLACEMENT_STATEMENT};",
        ]
        for statement in self.statements:
            lines += ["", f"-- {statement.source}, line {statement.line}"]
            if statement.workspace_only:
                lines.append(f"-- workspace-only: {statement.workspace_only}")
            lines.append(f"{statement.sql};")
        return "\n".join(lines) + "\n"


def resolve_values(item: LibraryItem, given: Mapping[str, object]) -> dict[str, Binding]:
    """Every parameter's value: given, else the default; errors name the parameter."""
    declared = [parameter.name for parameter in item.parameters]
    unknown = sorted(set(given) - set(declared))
    if unknown:
        raise LibraryError(
            f"{item.name} takes no parameter {', '.join(repr(n) for n in unknown)}; "
            f"it takes {', '.join(declared)}"
        )
    values = {}
    for parameter in item.parameters:
        if parameter.name in given:
            values[parameter.name] = parameter.bind(given[parameter.name])
        elif parameter.default is not None:
            values[parameter.name] = parameter.bind(parameter.default)
        else:
            raise LibraryError(
                f"{item.name} needs --param {parameter.name}=<{parameter.type.value}>: "
                f"{parameter.description}"
            )
    return values


def render(library: Library, name: str, given: Mapping[str, object] | None = None) -> Rendered:
    """Validate the values for `name` and return its statements, ready to run."""
    item = library.get(name)
    values = resolve_values(item, given or {})
    statements: list[RenderedStatement] = []
    if item.kind is Kind.TEMPLATE:
        for step in item.header.steps:
            target = library.get(step.target)
            renames = {p.name: step.parameters.get(p.name, p.name) for p in target.parameters}
            statements += [
                _rendered(statement, target.name, values, renames)
                for statement in target.statements
            ]
    statements += [_rendered(statement, item.name, values, {}) for statement in item.statements]
    ordered = tuple(values[parameter.name] for parameter in item.parameters)
    return Rendered(item, ordered, tuple(statements))


def _rendered(
    statement: LibraryStatement,
    source: str,
    values: Mapping[str, Binding],
    renames: Mapping[str, str],
) -> RenderedStatement:
    sql = rename_markers(statement.text, renames)
    names = sorted({renames.get(name, name) for name in statement.parameters})
    return RenderedStatement(
        sql,
        source,
        statement.line,
        tuple(values[name] for name in names),
        statement.workspace_only,
    )


def rename_markers(sql: str, renames: Mapping[str, str]) -> str:
    """`sql` with each `:old` marker renamed `:new`; literals and comments are left alone."""
    if all(old == new for old, new in renames.items()):
        return sql
    pieces, previous = [], " "
    for token in tokenize(sql):
        if token.kind is TokenKind.CODE:
            # The previous token's last character decides whether a leading colon is a marker.
            renamed = _MARKER.sub(
                lambda match: ":" + renames.get(match.group(1), match.group(1)),
                previous + token.text,
            )
            pieces.append(renamed[len(previous) :])
        else:
            pieces.append(token.text)
        previous = token.text[-1:] if token.kind is not TokenKind.COMMENT else " "
    result = "".join(pieces)
    expected = {renames.get(name, name) for name in parameter_markers(sql)}
    if parameter_markers(result) != expected:  # pragma: no cover (a bug, not an input error)
        raise AssertionError(f"renaming markers changed more than the markers in: {sql}")
    return result
