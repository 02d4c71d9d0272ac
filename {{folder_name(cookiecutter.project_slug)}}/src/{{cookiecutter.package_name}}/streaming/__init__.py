"""Streaming: order-status events from files to bronze, silver and a windowed analytics table.

    bronze_order_events        every event as it arrived (Auto Loader / local file stream)
    silver_order_events        each valid event once (checked per micro-batch, deduplicated)
    silver_order_status        the latest status of each order (MERGE by event time)
    gold_order_status_counts   events per status per time window (watermarked aggregation)
    streaming_quality_metrics  quality metrics of every silver micro-batch (run id per batch)

`run_streaming(spark, settings)` runs the three queries; `<package> streaming run` is the
command line. See README.md, "Streaming", for what differs between Databricks and local runs.
"""

from .job import StreamingRun, run_streaming
from .settings import StreamingSettings, Trigger

__all__ = ["StreamingRun", "StreamingSettings", "Trigger", "run_streaming"]
