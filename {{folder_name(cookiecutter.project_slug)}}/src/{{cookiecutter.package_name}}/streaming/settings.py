"""Where the streaming job reads and writes, how often it runs, and how late events may be."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")
_INTERVAL = re.compile(r"^\d+ (second|minute|hour|day)s?$")

BRONZE_TABLE = "bronze_order_events"
SILVER_EVENTS_TABLE = "silver_order_events"
SILVER_STATUS_TABLE = "silver_order_status"
CHECKED_BATCH_TABLE = "silver_order_events_checked"
QUARANTINE_TABLE = "silver_order_events_quarantine"
METRICS_TABLE = "streaming_quality_metrics"
GOLD_COUNTS_TABLE = "gold_order_status_counts"


class Trigger(StrEnum):
    """How the queries run.

    `available-now` processes every file that has arrived, in batches, then stops (jobs on a
    file-arrival trigger or a schedule, local runs, serverless compute). `processing-time`
    keeps the queries running and starts a micro-batch every `interval` (a continuous job on
    classic compute). Spark's experimental continuous-processing mode is not offered: it
    supports neither `foreachBatch` nor Delta sources, which the silver MERGE needs.
    """

    AVAILABLE_NOW = "available-now"
    PROCESSING_TIME = "processing-time"


@dataclass(frozen=True)
class StreamingSettings:
    """Everything the three queries need; validated on creation, so errors name the field."""

    catalog: str
    schema: str
    source_path: str
    checkpoint_path: str
    trigger: Trigger = Trigger.AVAILABLE_NOW
    interval: str = "1 minute"
    max_files_per_batch: int = 1000
    watermark_delay: str = "2 hours"
    window_duration: str = "1 hour"

    def __post_init__(self) -> None:
        for field in ("catalog", "schema"):
            value = getattr(self, field)
            if not _NAME.match(value):
                raise ValueError(
                    f"{field} {value!r} is not a valid Unity Catalog name: use lowercase "
                    "letters, digits and underscores, not starting with a digit"
                )
        for field in ("source_path", "checkpoint_path"):
            if not getattr(self, field).strip():
                raise ValueError(f"{field} is empty: give a folder or a /Volumes/... path")
        for field in ("interval", "watermark_delay", "window_duration"):
            value = getattr(self, field)
            if not _INTERVAL.match(value):
                raise ValueError(
                    f"{field} {value!r} is not an interval: use a number and a unit, "
                    "like '30 seconds', '10 minutes', '2 hours' or '1 day'"
                )
        if self.max_files_per_batch < 1:
            raise ValueError(
                f"max_files_per_batch must be at least 1, got {self.max_files_per_batch}"
            )

    def table(self, name: str) -> str:
        """The fully qualified name of one of the job's tables."""
        return f"{self.catalog}.{self.schema}.{name}"

    def checkpoint(self, query: str) -> str:
        """The checkpoint folder of one query (one per query: they must never be shared)."""
        return f"{self.checkpoint_path.rstrip('/')}/{query}"
