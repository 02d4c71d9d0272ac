"""`sql validate`: every library file parses, keeps the library's rules, and runs where it can.

Three checks per file:

- header: the file loads (header, parameters, markers, steps; see library.py);
- sqlfluff: it parses with sqlfluff's databricks dialect under the project's configuration
  (`sql/.sqlfluff` binds sample values to the parameters);
- spark (local, optional): functions are created in a scratch schema and their examples are
  evaluated and compared; the statements of patterns and templates are EXPLAINed there, which
  parses and analyses them with Spark 4.0 without changing anything. A statement that reads a
  table the scratch schema does not have is reported as parsed but not explained (an earlier
  step or another file creates that table); workspace-only statements and the constructs the
  runtime's translation table skips are reported, not run.

The scratch schema (sqllib_validate_<random>) is dropped at the end.
"""

from __future__ import annotations

import math
import re
import tempfile
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..runtime.files import ReadFilesError
from ..runtime.runner import spark_message
from ..runtime.translation import TranslationContext, UnsupportedConstructError, translate
from ..runtime.volumes import LocalVolumes, VolumePathError
from .execute import LocalExecutor, StatementFailedError, quiet_spark_errors
from .header import Example
from .library import Kind, Library, LibraryItem
from .render import Rendered, RenderedStatement, render

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

SCRATCH_SCHEMA_PREFIX = "sqllib_validate"
_MISSING_TABLE = re.compile(r"\[(?:TABLE_OR_VIEW_NOT_FOUND|DELTA_TABLE_NOT_FOUND)\][^`]*(`[^ ]+`)?")


class CheckStatus(StrEnum):
    OK = "ok"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Check:
    name: str  # header, sqlfluff or spark
    status: CheckStatus
    details: tuple[str, ...] = ()


@dataclass
class FileReport:
    name: str
    kind: str
    path: Path
    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(check.status is not CheckStatus.FAILED for check in self.checks)


def validate_library(
    library: Library,
    *,
    spark: SparkSession | None = None,
    volumes: LocalVolumes | None = None,
    names: Iterable[str] = (),
) -> list[FileReport]:
    """A report per library file (or per named item); Spark checks run when `spark` is given."""
    wanted = set(names)
    unknown = wanted - set(library.items) - {p.path.stem for p in library.problems}
    if unknown:
        library.get(sorted(unknown)[0])  # raises LibraryError naming it, with suggestions
    reports = [
        FileReport(
            problem.path.stem,
            "?",
            problem.path,
            [Check("header", CheckStatus.FAILED, (problem.message,))],
        )
        for problem in library.problems
        if not wanted or problem.path.stem in wanted
    ]
    items = [item for item in library.of_kind(None) if not wanted or item.name in wanted]
    reports += [
        FileReport(item.name, item.kind.value, item.path, [Check("header", CheckStatus.OK)])
        for item in items
    ]
    for report in reports:
        if report.path.suffix == ".sql":
            report.checks.append(sqlfluff_check(report.path))
    if spark is not None:
        # Without a volume folder, /Volumes paths map to an empty temporary one.
        fallback = LocalVolumes(Path(tempfile.gettempdir()) / "sqllib-validate-volumes")
        checker = SparkChecker(spark, library, volumes or fallback)
        by_name = {report.name: report for report in reports}
        for item, check in checker.check(items):
            by_name[item.name].checks.append(check)
    return reports


def sqlfluff_check(path: Path) -> Check:
    """Parse one file with sqlfluff under the project's configuration (found from the file)."""
    try:
        from sqlfluff.core import FluffConfig, Linter
    except ImportError:
        return Check(
            "sqlfluff", CheckStatus.SKIPPED, ("sqlfluff is not installed (uv sync installs it)",)
        )
    linter = Linter(
        config=FluffConfig.from_path(str(path.parent), overrides={"dialect": "databricks"})
    )
    parsed = linter.parse_string(path.read_text(encoding="utf-8"), fname=str(path))
    problems = tuple(f"line {error.line_no}: {error.desc()}" for error in parsed.violations)
    return Check("sqlfluff", CheckStatus.FAILED if problems else CheckStatus.OK, problems)


class SparkChecker:
    """Runs the Spark checks in a scratch schema that is dropped afterwards."""

    def __init__(self, spark: SparkSession, library: Library, volumes: LocalVolumes) -> None:
        # A schema of its own per run: Spark caches functions by name for the whole session, so
        # a function dropped with an earlier scratch schema would confuse CREATE OR REPLACE.
        self.schema = f"{SCRATCH_SCHEMA_PREFIX}_{uuid.uuid4().hex[:12]}"
        self.spark, self.library = spark, library
        self.executor = LocalExecutor(spark, volumes)

    def check(self, items: list[LibraryItem]) -> Iterable[tuple[LibraryItem, Check]]:
        previous = self.spark.catalog.currentDatabase()
        self.spark.sql(
            "CREATE SCHEMA IF NOT EXISTS IDENTIFIER(:schema)", args={"schema": self.schema}
        )
        try:
            # Every function first, so that EXPLAIN resolves the calls of patterns and templates.
            functions = self.library.of_kind(Kind.FUNCTION)
            results = {item.name: self._function(item) for item in functions}
            for item in items:
                if item.kind is Kind.FUNCTION:
                    yield item, results[item.name]
                else:
                    yield (
                        item,
                        self._explain_all(render(self.library, item.name, {"schema": self.schema})),
                    )
        finally:
            self.spark.catalog.setCurrentDatabase(previous)
            with quiet_spark_errors():
                self.spark.sql(
                    "DROP SCHEMA IF EXISTS IDENTIFIER(:schema) CASCADE",
                    args={"schema": self.schema},
                )

    def _function(self, item: LibraryItem) -> Check:
        try:
            self.executor.apply(render(self.library, item.name, {"schema": self.schema}))
        except StatementFailedError as error:
            return Check("spark", CheckStatus.FAILED, (error.message,))
        self.spark.catalog.setCurrentDatabase(self.schema)
        mismatches = example_mismatches(self.spark, item.header.examples)
        if mismatches:
            return Check("spark", CheckStatus.FAILED, tuple(mismatches))
        return Check(
            "spark", CheckStatus.OK, (f"created; {len(item.header.examples)} examples hold",)
        )

    def _explain_all(self, rendered: Rendered) -> Check:
        self.spark.catalog.setCurrentDatabase(self.schema)
        details: list[str] = []
        counts = dict.fromkeys(Explained, 0)
        for statement in rendered.statements:
            outcome, message = self._explain(statement)
            counts[outcome] += 1
            if message:
                details.append(f"{statement.source}, line {statement.line}: {message}")
        summary = ", ".join(
            f"{count} {outcome.value}" for outcome, count in counts.items() if count
        )
        status = CheckStatus.FAILED if counts[Explained.FAILED] else CheckStatus.OK
        return Check("spark", status, (f"statements: {summary}", *details))

    def _explain(self, statement: RenderedStatement) -> tuple[Explained, str]:
        """How far Spark got with the statement, and what stopped it."""
        if statement.workspace_only:
            return Explained.NOT_RUN, f"workspace-only ({statement.workspace_only})"
        arguments = {b.name: self.executor.local_value(b) for b in statement.bindings}
        texts = {name: str(value) for name, value in arguments.items()}
        context = TranslationContext(self.spark, texts, self.executor.volumes)
        try:
            with quiet_spark_errors():
                translation = translate(statement.sql, context)
                if translation.sql is None:
                    return (
                        Explained.NOT_RUN,
                        f"skipped locally: {translation.applied[0].rule.local}",
                    )
                row = self.spark.sql("EXPLAIN EXTENDED " + translation.sql, args=arguments).first()
        except (ReadFilesError, VolumePathError) as error:
            return Explained.PARSED, str(error)
        except UnsupportedConstructError as error:
            return Explained.FAILED, str(error)
        except Exception as error:  # Spark's parse errors (and analysis errors of commands)
            return _judge(spark_message(error))
        # EXPLAIN reports an analysis error in its plan text instead of raising it.
        plan = str(row[0]) if row else ""
        if "AnalysisException:" in plan:
            return _judge(plan.split("AnalysisException:", 1)[1])
        if "Error occurred during query planning" in plan:
            return Explained.FAILED, "Spark could not plan the statement"
        return Explained.EXPLAINED, ""


class Explained(StrEnum):
    EXPLAINED = "explained"
    PARSED = "parsed only (they read tables the scratch schema does not have)"
    NOT_RUN = "not run locally"
    FAILED = "failed"


def _judge(message: str) -> tuple[Explained, str]:
    """A missing table is expected in the scratch schema; any other error is a failure."""
    missing = _MISSING_TABLE.search(message)
    if missing:
        return Explained.PARSED, f"reads {missing.group(1) or 'a table'}, absent here"
    return Explained.FAILED, message.strip().splitlines()[0]


@contextmanager
def _quiet_executor_log(spark: SparkSession) -> Iterator[None]:
    """A function refusing its arguments fails a Spark task, which Spark logs as an ERROR."""
    spark.sparkContext.setLogLevel("OFF")
    try:
        yield
    finally:
        spark.sparkContext.setLogLevel("ERROR")


def example_mismatches(spark: SparkSession, examples: Iterable[Example]) -> list[str]:
    """Evaluate examples (in the current schema); describe each one that does not hold."""
    examples = list(examples)
    valued = [example for example in examples if example.raises is None]
    problems = []
    if valued:
        columns = ", ".join(
            f"{example.call} AS `_{number}`" for number, example in enumerate(valued)
        )
        try:
            with quiet_spark_errors():
                row = spark.sql(f"SELECT {columns}").first()
        except Exception as error:  # a call that does not run at all
            return [f"the examples do not run: {spark_message(error).splitlines()[0]}"]
        for example, actual in zip(valued, row or (), strict=True):
            if not same_value(actual, example.returns):
                problems.append(f"{example.call} returned {actual!r}, expected {example.returns!r}")
    for example in examples:
        if example.raises is not None:
            problems += _raising_mismatch(spark, example)
    return problems


def _raising_mismatch(spark: SparkSession, example: Example) -> list[str]:
    try:
        with quiet_spark_errors(), _quiet_executor_log(spark):
            spark.sql(f"SELECT {example.call}").collect()
    except Exception as error:  # the error is the expected outcome
        if str(example.raises) in str(error):
            return []
        raised = spark_message(error).splitlines()[0]
        return [f"{example.call} raised {raised!r}, expected {example.raises!r}"]
    return [f"{example.call} returned a value, expected an error with {example.raises!r}"]


def same_value(actual: Any, expected: Any) -> bool:
    """Whether a Spark value equals an example's YAML value (numbers compared as numbers)."""
    if actual is None or expected is None:
        return actual is None and expected is None
    if isinstance(actual, bool) or isinstance(expected, bool):
        return type(actual) is type(expected) and actual == expected
    if isinstance(actual, int | float | Decimal) and isinstance(expected, int | float):
        return math.isclose(float(actual), float(expected), rel_tol=1e-12, abs_tol=1e-12)
    if isinstance(actual, date) and isinstance(expected, date):
        return isinstance(actual, datetime) == isinstance(expected, datetime) and actual == expected
    return bool(actual == expected)
