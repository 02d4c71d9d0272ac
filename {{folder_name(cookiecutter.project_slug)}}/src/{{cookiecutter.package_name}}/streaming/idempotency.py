"""Exactly-once writes from `foreachBatch`: a replayed batch id writes nothing again.

A query that stops after a batch wrote its tables but before the checkpoint recorded the batch
runs that batch again on restart. Delta's idempotent writes skip it: with
`spark.databricks.delta.write.txnAppId` / `txnVersion` set, every Delta write (MERGE, append,
overwrite) records (app id, version) in the table's log, and a write whose version is not
above the one recorded for that app id is skipped. The version is the batch id.

A skipped write runs no Spark job, so never wrap a write whose metrics are collected while it
runs (`observe`, as in the quality framework): reading them would wait forever.

The app id must change when the checkpoint is deleted (batch ids restart at 0, and the old
ids would skip every write), so it is a random id kept in the checkpoint folder itself.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

APP_ID_CONF = "spark.databricks.delta.write.txnAppId"
VERSION_CONF = "spark.databricks.delta.write.txnVersion"
APP_ID_FILE = "_txn_app_id"


def checkpoint_app_id(checkpoint: str, query_name: str) -> str:
    """`<query name>-<id>`, the id read from the checkpoint folder (created on first use).

    The checkpoint is a local folder or a `/Volumes/...` path, which the driver reads as a
    file system on Databricks as well.
    """
    folder = Path(checkpoint)
    marker = folder / APP_ID_FILE
    if not marker.exists():
        folder.mkdir(parents=True, exist_ok=True)
        marker.write_text(uuid.uuid4().hex, encoding="utf-8")
    return f"{query_name}-{marker.read_text(encoding='utf-8').strip()}"


@contextmanager
def idempotent_writes(session: SparkSession, app_id: str, batch_id: int) -> Iterator[None]:
    """Within the block, Delta writes on `session` are skipped if this batch already wrote.

    Use the micro-batch's own session (`batch.sparkSession`): each streaming query runs on a
    clone of the session, so the settings never leak into other queries.
    """
    session.conf.set(APP_ID_CONF, app_id)
    session.conf.set(VERSION_CONF, str(batch_id))
    try:
        yield
    finally:
        session.conf.unset(APP_ID_CONF)
        session.conf.unset(VERSION_CONF)
