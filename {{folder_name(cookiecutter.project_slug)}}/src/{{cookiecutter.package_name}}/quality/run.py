"""A quality run: check a DataFrame once, write valid, quarantine and metrics, apply the action.

The checks are computed once. When both valid and quarantine rows are written (or the action
must see the verdict before publishing valid rows), the annotated rows are persisted, written
to the first output while Spark collects the metrics, and the second output reads the cache.
Serverless compute refuses caching (NOT_SUPPORTED_WITH_SERVERLESS); there the second output
computes the checks again, which costs time but gives the same rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from pyspark import StorageLevel
from pyspark.errors import PySparkException
from pyspark.sql import DataFrame

from .engine import CheckedData, QualityEngine
from .io import write_location
from .metrics import RuleResult, Status, dimension_scores, metrics_frame, worst_status
from .rules import Action, RuleSet


class QualityGateError(RuntimeError):
    """A run whose action is `fail` found rules in error; the message lists them."""

    def __init__(self, outcome: RunOutcome) -> None:
        failing = [r for r in outcome.results if r.status == Status.ERROR]
        lines = [f"{outcome.table_name}: {len(failing)} rule(s) in error (run {outcome.run_id})"]
        lines += [f"  {r.rule} [{r.dimension}]: {r.message}" for r in failing]
        super().__init__("\n".join(lines))
        self.outcome = outcome


@dataclass(frozen=True)
class RunOutcome:
    """What one run found and wrote."""

    run_id: str
    run_time: datetime
    table_name: str
    rows: int
    quarantined_rows: int
    results: list[RuleResult]
    valid_written: bool

    @property
    def status(self) -> Status:
        return worst_status(self.results)

    @property
    def scores(self) -> dict[str, float]:
        return dimension_scores(self.results)


CACHING_REFUSED = "NOT_SUPPORTED_WITH_SERVERLESS"


def _persisted(df: DataFrame) -> DataFrame | None:
    """`df` kept in memory and on disk, or None where the compute refuses caching."""
    try:
        return df.persist(StorageLevel.MEMORY_AND_DISK)
    except PySparkException as error:
        if error.getCondition() != CACHING_REFUSED:
            raise
        return None


def _noop(df: DataFrame) -> None:
    """Run the plan without storing anything (to collect metrics when nothing is written)."""
    df.write.format("noop").mode("overwrite").save()


def run_checks(
    df: DataFrame,
    rule_set: RuleSet,
    *,
    table_name: str | None = None,
    valid_to: str | None = None,
    quarantine_to: str | None = None,
    metrics_to: str | None = None,
    references: Mapping[str, DataFrame] | None = None,
    run_id: str | None = None,
    valid_mode: str = "append",
    engine: QualityEngine | None = None,
) -> RunOutcome:
    """Check `df`, write the outputs that are named, then apply the rule set's action.

    With action `fail`, rules in error stop the run after quarantine rows and metrics are
    written and before any valid row is: nothing unchecked is published, nothing is lost.
    """
    engine = engine or QualityEngine(df.sparkSession, references)
    checked = engine.apply(df, rule_set, table_name=table_name, run_id=run_id)
    quarantining = rule_set.action is not Action.WARN
    quarantine_target = quarantine_to if quarantining else None
    gate_first = rule_set.action is Action.FAIL and valid_to is not None
    annotated = checked.annotated
    cached = None
    if valid_to is not None and (quarantine_target is not None or gate_first):
        cached = _persisted(annotated)
        annotated = cached or annotated
    valid_written = False
    try:
        # The first action computes every check and, through `observe`, every metric.
        if quarantine_target is not None:
            write_location(checked.quarantine(annotated), quarantine_target)
        elif valid_to is None or gate_first:
            _noop(annotated)
        else:
            write_location(checked.valid(annotated), valid_to, valid_mode)
            valid_written = True
        results = checked.results()
        failing = rule_set.action is Action.FAIL and worst_status(results) is Status.ERROR
        if valid_to is not None and not valid_written and not failing:
            write_location(checked.valid(annotated), valid_to, valid_mode)
            valid_written = True
    finally:
        if cached is not None:
            cached.unpersist()
    outcome = _outcome(checked, valid_written)
    if metrics_to is not None:
        write_location(metrics_frame(df.sparkSession, outcome.results), metrics_to)
    if failing:
        raise QualityGateError(outcome)
    return outcome


def _outcome(checked: CheckedData, valid_written: bool) -> RunOutcome:
    return RunOutcome(
        run_id=checked.run_id,
        run_time=checked.run_time,
        table_name=checked.table_name,
        rows=checked.rows,
        quarantined_rows=checked.quarantined_rows,
        results=checked.results(),
        valid_written=valid_written,
    )
