"""Batch inference: every customer of a cutoff scored with the champion, re-runs converge."""

from __future__ import annotations

from datetime import datetime

import pytest
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from {{ cookiecutter.package_name }}.ml.config import (
    FEATURE_TABLE,
    PREDICTIONS_TABLE,
    MlConfig,
)
from {{ cookiecutter.package_name }}.ml.inference import (
    NoFeaturesError,
    NoModelError,
    latest_cutoff,
    score,
)

from .conftest import Trained


def test_every_customer_of_the_latest_cutoff_is_scored_by_the_champion(
    spark: SparkSession, trained: Trained
) -> None:
    config, result = trained.config, trained.scoring
    assert result.as_of == latest_cutoff(spark, config)
    features = spark.table(config.table(FEATURE_TABLE)).where(F.col("as_of") == result.as_of)
    predictions = spark.table(config.table(PREDICTIONS_TABLE))
    assert result.rows == features.count() == predictions.count()
    assert sorted(r.customer_id for r in predictions.collect()) == sorted(
        r.customer_id for r in features.collect()
    )
    row = predictions.agg(
        F.min("probability").alias("low"),
        F.max("probability").alias("high"),
        F.collect_set("model_version").alias("versions"),
        F.collect_set("model_name").alias("names"),
        F.sum(F.when(F.col("predicted") != (F.col("probability") >= 0.5), 1).otherwise(0)).alias(
            "inconsistent"
        ),
        F.count("scored_at").alias("stamped"),
    ).first()
    assert 0.0 <= row.low < row.high <= 1.0
    assert row.versions == [trained.training.version]
    assert row.names == [config.model_name]
    assert row.inconsistent == 0
    assert row.stamped == result.rows


def test_scoring_again_converges(spark: SparkSession, trained: Trained) -> None:
    before = spark.table(trained.config.table(PREDICTIONS_TABLE)).drop("scored_at").collect()
    again = score(spark, trained.client, trained.config, trained.scoring.as_of)
    after = spark.table(trained.config.table(PREDICTIONS_TABLE)).drop("scored_at").collect()
    assert again.rows == trained.scoring.rows
    assert sorted(before) == sorted(after)


def test_scoring_without_the_alias_or_features_fails_clearly(
    spark: SparkSession, trained: Trained
) -> None:
    with pytest.raises(NoModelError, match="has the alias 'nobody'"):
        score(spark, trained.client, trained.config, alias="nobody")
    with pytest.raises(NoFeaturesError, match="has no rows for as_of 1999-01-01"):
        score(spark, trained.client, trained.config, datetime(1999, 1, 1))
    empty = MlConfig("spark_catalog", "ml_empty_features")
    spark.sql("CREATE SCHEMA IF NOT EXISTS spark_catalog.ml_empty_features")
    spark.sql(f"CREATE TABLE IF NOT EXISTS {empty.table(FEATURE_TABLE)} (as_of TIMESTAMP)")
    with pytest.raises(NoFeaturesError, match="is empty"):
        latest_cutoff(spark, empty)
