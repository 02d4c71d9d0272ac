"""Batch scoring: the champion's probability that each customer orders again.

Scores the feature rows of one cutoff (default: the latest in the feature table) with
`models:/<catalog.schema.model>@champion` and upserts them into `ml_customer_predictions`,
keyed by customer, cutoff and model version, with the time of scoring. Re-scoring a cutoff with
the same version converges. The rows go through pandas on the driver: one row per customer
fits in driver memory for millions of customers; past that, score with
`mlflow.pyfunc.spark_udf` instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import mlflow
from delta.tables import DeltaTable
from mlflow import MlflowClient
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from .config import FEATURE_TABLE, PREDICTIONS_TABLE, MlConfig
from .dataset import inputs
from .registry import CHAMPION, version_by_alias

THRESHOLD = 0.5
PREDICTION_KEY = ("customer_id", "as_of", "model_version")
_COLUMNS = """
    customer_id STRING NOT NULL,
    as_of TIMESTAMP NOT NULL COMMENT 'Cutoff of the features that were scored',
    probability DOUBLE COMMENT 'Probability of an order within the horizon after as_of',
    predicted BOOLEAN COMMENT 'probability >= 0.5',
    model_name STRING,
    model_version STRING NOT NULL,
    scored_at TIMESTAMP"""


class NoModelError(LookupError):
    """No model version carries the alias to score with."""


class NoFeaturesError(LookupError):
    """The feature table holds no row for the cutoff to score."""


@dataclass(frozen=True)
class ScoringResult:
    table: str
    model: str
    version: str
    as_of: datetime
    rows: int


def latest_cutoff(spark: SparkSession, config: MlConfig) -> datetime:
    """The newest cutoff in the feature table."""
    latest = spark.table(config.table(FEATURE_TABLE)).agg(F.max("as_of")).first()[0]
    if latest is None:
        raise NoFeaturesError(f"{config.table(FEATURE_TABLE)} is empty; run `ml features` first")
    return latest


def score(
    spark: SparkSession,
    client: MlflowClient,
    config: MlConfig,
    as_of: datetime | None = None,
    alias: str = CHAMPION,
) -> ScoringResult:
    """Score one cutoff's features with the version that carries `alias`; upsert the rows."""
    version = version_by_alias(client, config.model_name, alias)
    if version is None:
        raise NoModelError(
            f"no version of {config.model_name} has the alias {alias!r}; train and promote one "
            "first (`ml train`, `ml promote`)"
        )
    as_of = as_of or latest_cutoff(spark, config)
    features = spark.table(config.table(FEATURE_TABLE)).where(F.col("as_of") == F.lit(as_of))
    frame = features.toPandas()
    if frame.empty:
        raise NoFeaturesError(f"{config.table(FEATURE_TABLE)} has no rows for as_of {as_of}")
    scorer = mlflow.pyfunc.load_model(f"models:/{config.model_name}@{alias}")
    frame["probability"] = scorer.predict(inputs(frame))[:, 1].astype("float64")
    rows = spark.createDataFrame(
        frame[["customer_id", "as_of", "probability"]],
        "customer_id STRING, as_of TIMESTAMP, probability DOUBLE",
    ).select(
        "customer_id",
        "as_of",
        "probability",
        (F.col("probability") >= THRESHOLD).alias("predicted"),
        F.lit(config.model_name).alias("model_name"),
        F.lit(version).alias("model_version"),
        F.current_timestamp().alias("scored_at"),
    )
    table = config.table(PREDICTIONS_TABLE)
    spark.sql(
        f"CREATE TABLE IF NOT EXISTS IDENTIFIER(:table) ({_COLUMNS}\n) USING DELTA "
        "COMMENT 'Batch predictions of the customer_repurchase model'",
        args={"table": table},
    )
    condition = " AND ".join(f"target.{key} = source.{key}" for key in PREDICTION_KEY)
    (
        DeltaTable.forName(spark, table)
        .alias("target")
        .merge(rows.alias("source"), condition)
        .whenMatchedUpdateAll()
        .whenNotMatchedInsertAll()
        .execute()
    )
    return ScoringResult(table, config.model_name, version, as_of, len(frame))
