"""Rule results: status from thresholds, the long-format metrics table and scores per dimension.

One metrics row per rule per run (plus one `info` row with the table's volume), so the history
of any metric is a simple filter, and anomaly detection and reports read one table.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from .rules import Criticality, Rule

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession


class Status(StrEnum):
    """Outcome of one rule in one run; `info` rows carry a metric and no verdict."""

    PASS = "pass"  # noqa: S105 - a status, not a password
    WARN = "warn"
    ERROR = "error"
    INFO = "info"


VOLUME_RULE = "_volume"

METRICS_SCHEMA = (
    "run_id string, run_time timestamp, table_name string, rule string, dimension string, "
    "check_type string, criticality string, rows_tested long, rows_failed long, "
    "observed_value double, threshold string, status string, message string"
)


@dataclass(frozen=True)
class RuleResult:
    """One row of the metrics table."""

    run_id: str
    run_time: datetime
    table_name: str
    rule: str
    dimension: str
    check_type: str
    criticality: str
    rows_tested: int | None
    rows_failed: int | None
    observed_value: float | None
    threshold: str | None
    status: str
    message: str | None = field(default=None)

    def as_row(self) -> tuple[object, ...]:
        return tuple(asdict(self).values())


def row_status(rule: Rule, failed: int, tested: int) -> Status:
    """Status of a row-level rule: its threshold tiers, else its criticality on any failure."""
    if rule.threshold is None:
        if failed == 0:
            return Status.PASS
        return Status.ERROR if rule.criticality is Criticality.ERROR else Status.WARN
    if rule.threshold.error is not None and rule.threshold.error.exceeded_by(failed, tested):
        return Status.ERROR
    if rule.threshold.warn is not None and rule.threshold.warn.exceeded_by(failed, tested):
        return Status.WARN
    return Status.PASS


def verdict(rule: Rule, passed: bool) -> Status:
    """Status of a dataset-level rule: pass, else its criticality."""
    if passed:
        return Status.PASS
    return Status.ERROR if rule.criticality is Criticality.ERROR else Status.WARN


def threshold_text(rule: Rule) -> str:
    """The tolerance as stored in the metrics table."""
    if rule.threshold is not None:
        return rule.threshold.describe()
    return "any failing row" if rule.level != "dataset" else "check bounds"


def metrics_frame(spark: SparkSession, results: Sequence[RuleResult]) -> DataFrame:
    """The results as a DataFrame in the metrics-table schema (also when there are none)."""
    return spark.createDataFrame([result.as_row() for result in results], METRICS_SCHEMA)


def rule_score(result: RuleResult) -> float | None:
    """0..1: the passing share of tested rows; dataset rules score 1, 0.5 (warn) or 0 (error)."""
    if result.status == Status.INFO:
        return None
    if result.rows_failed is not None and result.rows_tested is not None:
        if result.rows_tested == 0:
            return 1.0
        return 1.0 - result.rows_failed / result.rows_tested
    return {Status.PASS: 1.0, Status.WARN: 0.5, Status.ERROR: 0.0}[Status(result.status)]


def dimension_scores(results: Iterable[RuleResult]) -> dict[str, float]:
    """Mean rule score per dimension, as a percentage; dimensions without rules are absent."""
    scores: dict[str, list[float]] = defaultdict(list)
    for result in results:
        score = rule_score(result)
        if score is not None:
            scores[result.dimension].append(score)
    return {dimension: 100.0 * sum(values) / len(values) for dimension, values in scores.items()}


def worst_status(results: Iterable[RuleResult]) -> Status:
    """error if any rule errs, else warn if any warns, else pass."""
    statuses = {result.status for result in results}
    if Status.ERROR in statuses:
        return Status.ERROR
    if Status.WARN in statuses:
        return Status.WARN
    return Status.PASS
