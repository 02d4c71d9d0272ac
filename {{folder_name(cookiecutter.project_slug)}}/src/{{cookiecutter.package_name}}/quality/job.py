"""The quality step of a job: check every table that has a rule file, then pass or fail.

Each rule file in the folder names its table (`table:`). Tables and the references in rules
resolve in the job's catalog and schema. Per table, rows with errors are appended to
`<table>_dq_quarantine`, and every run appends its metrics to `quality_metrics`. All tables
are checked before the step fails, so one bad table does not hide the state of the others.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from pyspark.sql import SparkSession

from .rules import RuleFileError, load_rules
from .run import QualityGateError, RunOutcome, run_checks

METRICS_TABLE = "quality_metrics"
QUARANTINE_SUFFIX = "_dq_quarantine"


class QualityChecksFailedError(RuntimeError):
    """One or more tables have rules in error; the message has every failing rule."""

    def __init__(self, failures: list[QualityGateError], outcomes: list[RunOutcome]) -> None:
        super().__init__("\n".join(str(failure) for failure in failures))
        self.failures = failures
        self.outcomes = outcomes


def rule_files(rules_dir: Path, tables: Iterable[str] | None = None) -> list[Path]:
    """The rule files in `rules_dir` (all, or those whose file name is one of `tables`)."""
    if not rules_dir.is_dir():
        raise RuleFileError(f"{rules_dir}: rules folder not found")
    files = sorted(rules_dir.glob("*.yml")) + sorted(rules_dir.glob("*.yaml"))
    if tables is not None:
        wanted = {table.strip() for table in tables if table.strip()}
        missing = wanted - {path.stem for path in files}
        if missing:
            raise RuleFileError(f"{rules_dir}: no rule file for {', '.join(sorted(missing))}")
        files = [path for path in files if path.stem in wanted]
    return files


def check_tables(
    spark: SparkSession,
    rules_dir: Path,
    *,
    catalog: str,
    schema: str,
    run_id: str,
    tables: Iterable[str] | None = None,
) -> list[RunOutcome]:
    """Check each table with a rule file in `rules_dir`; raise when any rule is in error."""
    spark.catalog.setCurrentCatalog(catalog)
    spark.catalog.setCurrentDatabase(schema)
    prefix = f"{catalog}.{schema}."
    outcomes: list[RunOutcome] = []
    failures: list[QualityGateError] = []
    for path in rule_files(rules_dir, tables):
        rule_set = load_rules(path)
        if rule_set.table is None:
            raise RuleFileError(f"{path}: names no `table:` to check")
        try:
            outcomes.append(
                run_checks(
                    spark.table(prefix + rule_set.table),
                    rule_set,
                    table_name=rule_set.table,
                    quarantine_to=prefix + rule_set.table + QUARANTINE_SUFFIX,
                    metrics_to=prefix + METRICS_TABLE,
                    run_id=run_id,
                )
            )
        except QualityGateError as failure:
            failures.append(failure)
            outcomes.append(failure.outcome)
    if failures:
        raise QualityChecksFailedError(failures, outcomes)
    return outcomes


def summary(outcomes: Iterable[RunOutcome]) -> str:
    """One line per table: rows, quarantined rows, status and the rules not passing."""
    lines = []
    for outcome in outcomes:
        flagged = [
            f"{r.rule} ({r.status})" for r in outcome.results if r.status in ("warn", "error")
        ]
        lines.append(
            f"{outcome.table_name}: {outcome.rows} rows, {outcome.quarantined_rows} quarantined, "
            f"{outcome.status}" + (f": {', '.join(flagged)}" if flagged else "")
        )
    return "\n".join(lines)
