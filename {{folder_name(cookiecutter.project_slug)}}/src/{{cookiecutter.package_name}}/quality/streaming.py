"""Quality checks on a stream: every micro-batch is one quality run, through `foreachBatch`.

Per-batch semantics, stated once:

- row checks (not null, formats, ranges, expressions, column comparisons) and foreign keys are
  exact: each row is checked when its batch arrives (foreign keys against the reference table
  as it is at that moment);
- `unique` finds duplicates within one micro-batch only, not across batches: a stream never
  holds all its rows at once (deduplicate across batches upstream, with a watermark, if needed);
- `row_count`, `aggregate`, `freshness` and `cross_table` judge each micro-batch on its own;
- each batch writes its metrics with the run id `<query name>-<batch id>`, so a restarted
  query that replays a batch writes that batch's metrics again under the same run id;
- with action `fail`, a batch with rules in error stops the query (its quarantine rows and
  metrics are written first); the checkpoint makes the batch run again after a fix.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from pyspark.sql import DataFrame
from pyspark.sql.streaming import StreamingQuery

from .engine import QualityEngine
from .rules import RuleSet
from .run import RunOutcome, run_checks


def batch_checker(
    rule_set: RuleSet,
    *,
    query_name: str,
    table_name: str | None = None,
    valid_to: str | None = None,
    quarantine_to: str | None = None,
    metrics_to: str | None = None,
    references: Mapping[str, DataFrame] | None = None,
    on_outcome: Callable[[RunOutcome], None] | None = None,
) -> Callable[[DataFrame, int], None]:
    """The function to pass to `foreachBatch`: runs the checks on each micro-batch."""

    def check_batch(batch: DataFrame, batch_id: int) -> None:
        engine = QualityEngine(batch.sparkSession, references)
        outcome = run_checks(
            batch,
            rule_set,
            table_name=table_name,
            valid_to=valid_to,
            quarantine_to=quarantine_to,
            metrics_to=metrics_to,
            run_id=f"{query_name}-{batch_id}",
            engine=engine,
        )
        if on_outcome is not None:
            on_outcome(outcome)

    return check_batch


def check_stream(
    stream: DataFrame,
    rule_set: RuleSet,
    *,
    checkpoint_location: str,
    query_name: str,
    table_name: str | None = None,
    valid_to: str | None = None,
    quarantine_to: str | None = None,
    metrics_to: str | None = None,
    references: Mapping[str, DataFrame] | None = None,
    available_now: bool = True,
) -> StreamingQuery:
    """Start a query that checks `stream` batch by batch (all available data, then stop, by
    default; pass `available_now=False` for a continuously running query)."""
    writer = (
        stream.writeStream.queryName(query_name)
        .option("checkpointLocation", checkpoint_location)
        .foreachBatch(
            batch_checker(
                rule_set,
                query_name=query_name,
                table_name=table_name,
                valid_to=valid_to,
                quarantine_to=quarantine_to,
                metrics_to=metrics_to,
                references=references,
            )
        )
    )
    if available_now:
        writer = writer.trigger(availableNow=True)
    return writer.start()
