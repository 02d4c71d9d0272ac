"""The one table of Databricks-only SQL constructs and what the local runner does with each.

Every statement a notebook runs locally passes through `translate()`. A statement that uses a
construct in `RULES` is skipped (reported, with the reason), rewritten (reported, with what
it became) or rejected (an error that says what to write instead). Nothing is dropped
silently, and nothing outside this table is changed. Cells that must not run locally at all
carry a `-- workspace-only: <reason>` marker instead (see notebook.py).

Each rule has a test in tests/runtime/test_translation.py; README.md lists the table.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING

from .files import read_files
from .statements import TokenKind, parameter_markers, tokenize
from .volumes import LocalVolumes

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

LOCAL_CATALOG = "spark_catalog"


class Action(Enum):
    SKIP = "skipped"
    REWRITE = "rewritten"
    REJECT = "rejected"


class UnsupportedConstructError(ValueError):
    """A statement uses a Databricks-only construct that has no local equivalent."""


@dataclass
class TranslationContext:
    """What rewrites need: the session, the statement's parameter values, the volume map."""

    spark: SparkSession
    parameters: Mapping[str, str]
    volumes: LocalVolumes
    view_numbers: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def next_view_name(self) -> str:
        return f"read_files_{next(self.view_numbers)}"


@dataclass(frozen=True)
class Rule:
    construct: str  # how the construct is named in docs and reports
    pattern: re.Pattern[str]  # searched in the statement with literals and comments masked
    action: Action
    local: str  # what happens locally, and why
    rewrite: Callable[[str, str, TranslationContext], tuple[str, str]] | None = None


@dataclass(frozen=True)
class Applied:
    rule: Rule
    detail: str = ""


@dataclass(frozen=True)
class Translation:
    """A statement after the table: the SQL to run (None when skipped) and what was applied."""

    sql: str | None
    applied: tuple[Applied, ...] = ()

    @property
    def skipped(self) -> Applied | None:
        return next((a for a in self.applied if a.rule.action is Action.SKIP), None)


def mask_literals(sql: str) -> str:
    """`sql` with comments blanked and literal contents replaced, keeping every offset.

    Rules search this masked text, so a keyword inside a string or comment never matches, and
    a match's offsets still point into the original statement.
    """
    parts = []
    for token in tokenize(sql):
        if token.kind is TokenKind.COMMENT:
            parts.append(re.sub(r"[^\n]", " ", token.text))
        elif token.kind in (TokenKind.STRING, TokenKind.QUOTED_IDENTIFIER):
            parts.append(token.text[0] + "_" * (len(token.text) - 2) + token.text[-1])
        else:
            parts.append(token.text)
    return "".join(parts)


def _statement(pattern: str) -> re.Pattern[str]:
    """A rule that matches a whole statement by its leading keywords."""
    return re.compile(r"^\s*(?:" + pattern + ")", re.IGNORECASE | re.DOTALL)


def _anywhere(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def _use_catalog(sql: str, masked: str, context: TranslationContext) -> tuple[str, str]:
    return f"SET CATALOG {LOCAL_CATALOG}", f"runs as SET CATALOG {LOCAL_CATALOG}"


_KEY_CONSTRAINT = re.compile(
    r",\s*(?:CONSTRAINT\s+\S+\s+)?(?:PRIMARY\s+KEY|FOREIGN\s+KEY)\s*\([^)]*\)"
    r"(?:\s+REFERENCES\s+[^\s(]+\s*(?:\([^)]*\))?)?"
    r"(?:\s+(?:NOT\s+ENFORCED|DEFERRABLE|NOT\s+DEFERRABLE|INITIALLY\s+DEFERRED"
    r"|NORELY|RELY|MATCH\s+FULL|ON\s+(?:DELETE|UPDATE)\s+NO\s+ACTION))*",
    re.IGNORECASE,
)


def _remove(pattern: re.Pattern[str], sql: str, masked: str) -> tuple[str, list[str]]:
    """Cut every match of `pattern` (found in `masked`) out of `sql`."""
    removed, pieces, position = [], [], 0
    for match in pattern.finditer(masked):
        pieces.append(sql[position : match.start()])
        removed.append(" ".join(sql[match.start() : match.end()].lstrip(", ").split()))
        position = match.end()
    pieces.append(sql[position:])
    return "".join(pieces), removed


def _strip_key_constraints(sql: str, masked: str, context: TranslationContext) -> tuple[str, str]:
    rewritten, removed = _remove(_KEY_CONSTRAINT, sql, masked)
    return rewritten, "removed " + "; ".join(removed)


_CLUSTER_BY_AUTO = re.compile(r"\s+CLUSTER\s+BY\s+AUTO\b", re.IGNORECASE)


def _strip_cluster_by_auto(sql: str, masked: str, context: TranslationContext) -> tuple[str, str]:
    rewritten, _ = _remove(_CLUSTER_BY_AUTO, sql, masked)
    return rewritten, "removed CLUSTER BY AUTO"


_READ_FILES = re.compile(r"\bread_files\s*\(", re.IGNORECASE)


def _read_files_to_view(sql: str, masked: str, context: TranslationContext) -> tuple[str, str]:
    """Replace each `read_files(...)` call by a temporary view over the local files."""
    details = []
    while match := _READ_FILES.search(masked):
        close = _closing_paren(masked, match.end() - 1)
        arguments = _split_arguments(sql, masked, match.end(), close)
        path, options = _evaluate_arguments(arguments, context)
        local_path = context.volumes.to_local(path)
        view = context.next_view_name()
        read_files(context.spark, local_path, options).createOrReplaceTempView(view)
        sql = sql[: match.start()] + view + sql[close + 1 :]
        masked = masked[: match.start()] + view + masked[close + 1 :]
        details.append(f"read_files({path!r}) -> temporary view {view} over {local_path}")
    return sql, "; ".join(details)


def _closing_paren(masked: str, opening: int) -> int:
    depth = 0
    for position in range(opening, len(masked)):
        if masked[position] == "(":
            depth += 1
        elif masked[position] == ")":
            depth -= 1
            if depth == 0:
                return position
    raise UnsupportedConstructError("read_files( has no closing parenthesis")


def _split_arguments(sql: str, masked: str, start: int, end: int) -> list[str]:
    arguments, depth, begin = [], 0, start
    for position in range(start, end):
        char = masked[position]
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            arguments.append(sql[begin:position].strip())
            begin = position + 1
    arguments.append(sql[begin:end].strip())
    return [argument for argument in arguments if argument]


_NAMED_ARGUMENT = re.compile(r"^(`[^`]+`|[A-Za-z_][\w.]*)\s*=>\s*(.+)$", re.DOTALL)


def _evaluate_arguments(
    arguments: list[str], context: TranslationContext
) -> tuple[str, dict[str, object]]:
    """Evaluate the path and each option with Spark itself, binding the notebook's parameters."""
    if not arguments or _NAMED_ARGUMENT.match(arguments[0]):
        raise UnsupportedConstructError("read_files needs the path as its first argument")
    path = str(_evaluate(arguments[0], context))
    options: dict[str, object] = {}
    for argument in arguments[1:]:
        named = _NAMED_ARGUMENT.match(argument)
        if not named:
            raise UnsupportedConstructError(
                f"read_files options must be named (option => value), got {argument!r}"
            )
        options[named.group(1).strip("`")] = _evaluate(named.group(2), context)
    return path, options


def _evaluate(expression: str, context: TranslationContext) -> object:
    names = parameter_markers(expression)
    missing = sorted(names - set(context.parameters))
    if missing:
        raise UnsupportedConstructError(
            f"read_files argument {expression!r} uses :{', :'.join(missing)}, which no widget "
            "or parameter defines"
        )
    arguments = {name: context.parameters[name] for name in names}
    return context.spark.sql(f"SELECT {expression}", args=arguments).first()[0]


# The table. Order matters only between rules that could touch the same statement: skips and
# rejections are checked first, then every matching rewrite is applied in this order.
RULES: tuple[Rule, ...] = (
    Rule(
        "CREATE WIDGET",
        _statement(r"CREATE\s+WIDGET\b"),
        Action.SKIP,
        "widgets are notebook UI; the runner reads each widget's default before the first "
        "cell, and job or command-line parameters override it",
    ),
    Rule(
        "REMOVE WIDGET",
        _statement(r"REMOVE\s+WIDGET\b"),
        Action.SKIP,
        "widgets are notebook UI and do not exist locally",
    ),
    Rule(
        "USE CATALOG",
        _statement(r"USE\s+CATALOG\b"),
        Action.REWRITE,
        f"the local metastore has one catalog, {LOCAL_CATALOG}",
        _use_catalog,
    ),
    Rule(
        "CREATE CATALOG",
        _statement(r"CREATE\s+CATALOG\b"),
        Action.SKIP,
        f"the local metastore has one catalog, {LOCAL_CATALOG}",
    ),
    Rule(
        "CREATE / ALTER / DROP VOLUME",
        _statement(r"(?:CREATE|ALTER|DROP)\s+(?:EXTERNAL\s+)?VOLUME\b"),
        Action.SKIP,
        "volumes are local folders (<local dir>/volumes/<catalog>/<schema>/<volume>) that the "
        "job runner creates and seeds from fixtures/",
    ),
    Rule(
        "GRANT / REVOKE / OWNER TO",
        _statement(r"(?:GRANT|REVOKE)\b|ALTER\s+\w+\s+.*\bOWNER\s+TO\b"),
        Action.SKIP,
        "Unity Catalog privileges do not exist locally",
    ),
    Rule(
        "SET TAGS / UNSET TAGS",
        _statement(r"(?:SET|UNSET)\s+TAG\s+ON\b|ALTER\s+\w+\s+.*\b(?:SET|UNSET)\s+TAGS\b"),
        Action.SKIP,
        "tags are Unity Catalog metadata",
    ),
    Rule(
        "ALTER TABLE ADD/DROP PRIMARY or FOREIGN KEY",
        _statement(
            r"ALTER\s+TABLE\b.*\b(?:ADD|DROP)\s+(?:CONSTRAINT\s+\S+\s+)?(?:PRIMARY|FOREIGN)\s+KEY\b"
        ),
        Action.SKIP,
        "informational key constraints are Unity Catalog only; open-source Delta rejects them",
    ),
    Rule(
        "ANALYZE TABLE",
        _statement(r"ANALYZE\s+TABLES?\b"),
        Action.SKIP,
        "open-source Spark cannot compute statistics for Delta (v2) tables",
    ),
    Rule(
        "COPY INTO",
        _statement(r"COPY\s+INTO\b"),
        Action.REJECT,
        "COPY INTO is Databricks-only; load with INSERT INTO ... SELECT ... FROM read_files(...) "
        "and skip files already loaded, or mark the cell workspace-only",
    ),
    Rule(
        "STREAMING TABLE / MATERIALIZED VIEW",
        _statement(
            r"(?:CREATE\s+(?:OR\s+REFRESH\s+|OR\s+REPLACE\s+)?(?:STREAMING\s+TABLE|MATERIALIZED\s+VIEW)"
            r"|REFRESH\s+(?:STREAMING\s+TABLE|MATERIALIZED\s+VIEW))\b"
        ),
        Action.REJECT,
        "pipeline objects need Lakeflow Declarative Pipelines; use a Delta table maintained "
        "with MERGE, or mark the cell workspace-only",
    ),
    Rule(
        "PRIMARY KEY / FOREIGN KEY in CREATE TABLE",
        _anywhere(r"\b(?:PRIMARY|FOREIGN)\s+KEY\b"),
        Action.REWRITE,
        "informational key constraints are Unity Catalog only; the clause is removed locally",
        _strip_key_constraints,
    ),
    Rule(
        "CLUSTER BY AUTO",
        _anywhere(r"\bCLUSTER\s+BY\s+AUTO\b"),
        Action.REWRITE,
        "automatic liquid clustering is Databricks-only; the local table is not clustered",
        _strip_cluster_by_auto,
    ),
    Rule(
        "read_files(...)",
        _READ_FILES,
        Action.REWRITE,
        "becomes a temporary view over the local files (/Volumes paths mapped to the local "
        "volume folder), with the rescued-data column and _metadata reproduced",
        _read_files_to_view,
    ),
)


def translate(sql: str, context: TranslationContext) -> Translation:
    """Apply the table to one statement."""
    masked = mask_literals(sql)
    matching = [rule for rule in RULES if rule.pattern.search(masked)]
    for rule in matching:
        if rule.action is Action.REJECT:
            raise UnsupportedConstructError(f"{rule.construct}: {rule.local}")
        if rule.action is Action.SKIP:
            return Translation(None, (Applied(rule),))
    applied = []
    for rule in matching:
        assert rule.rewrite is not None  # every REWRITE rule has a rewrite function
        sql, detail = rule.rewrite(sql, masked, context)
        masked = mask_literals(sql)
        applied.append(Applied(rule, detail))
    return Translation(sql, tuple(applied))
