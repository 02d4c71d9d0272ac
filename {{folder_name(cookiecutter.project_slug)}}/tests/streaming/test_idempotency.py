"""Idempotent writes: the app id lives in the checkpoint; a batch id writes once per table."""

from __future__ import annotations

from pathlib import Path

from delta.tables import DeltaTable
from pyspark.sql import SparkSession

from {{ cookiecutter.package_name }}.streaming.idempotency import (
    APP_ID_CONF,
    VERSION_CONF,
    checkpoint_app_id,
    idempotent_writes,
)


def test_the_app_id_is_kept_in_the_checkpoint_and_renewed_with_it(tmp_path: Path) -> None:
    checkpoint = tmp_path / "checkpoints" / "silver"
    first = checkpoint_app_id(str(checkpoint), "silver")
    assert first.startswith("silver-")
    assert checkpoint_app_id(str(checkpoint), "silver") == first  # a restart keeps it
    (checkpoint / "_txn_app_id").unlink()  # the checkpoint was deleted
    assert checkpoint_app_id(str(checkpoint), "silver") != first


def test_a_batch_id_writes_once_and_the_settings_do_not_outlive_the_block(
    spark: SparkSession, tmp_path: Path
) -> None:
    target = str(tmp_path / "table")
    spark.createDataFrame([(1, 0)], "id int, n int").write.format("delta").save(target)

    def add_one() -> None:
        table = DeltaTable.forPath(spark, target).alias("t")
        source = spark.createDataFrame([(1,)], "id int").alias("s")
        table.merge(source, "t.id = s.id").whenMatchedUpdate(set={"n": "t.n + 1"}).execute()

    for batch_id in (0, 0, 1, 1, 1):  # each batch delivered more than once
        with idempotent_writes(spark, "app-1", batch_id):
            add_one()
    assert spark.read.format("delta").load(target).collect()[0].n == 2
    assert spark.conf.get(APP_ID_CONF, None) is None
    assert spark.conf.get(VERSION_CONF, None) is None
