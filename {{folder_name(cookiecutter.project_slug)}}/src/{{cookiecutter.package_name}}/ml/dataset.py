"""Labelled examples for training and evaluation, split in time.

An example is a customer at a cutoff: the features known then and whether they ordered again
within the horizon. The hold-out set is the latest cutoff whose label is known; the training
set is the year of cutoffs whose horizon ends before the hold-out cutoff, so no training label
looks at the hold-out period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from .config import FEATURE_COLUMNS, FEATURE_TABLE, KEY_COLUMNS, LABEL_COLUMN, MlConfig
from .features import labels, latest_order, on_grid, read_orders

MIN_TRAINING_ROWS = 20
# Training uses the last year of cutoffs before the hold-out's horizon: recent enough that the
# population resembles today's (the drift baseline comes from these rows), long enough to
# cover a year's seasons.
TRAINING_WINDOW_DAYS = 365


class InsufficientDataError(ValueError):
    """Too few labelled examples (or only one class) to train or evaluate honestly."""


@dataclass(frozen=True)
class Examples:
    """Labelled examples split in time."""

    train: pd.DataFrame
    holdout: pd.DataFrame
    holdout_as_of: datetime

    def describe(self) -> dict[str, str]:
        return {
            "train_rows": str(len(self.train)),
            "holdout_rows": str(len(self.holdout)),
            "holdout_as_of": self.holdout_as_of.isoformat(),
            "train_positive_rate": f"{self.train[LABEL_COLUMN].mean():.4f}",
            "holdout_positive_rate": f"{self.holdout[LABEL_COLUMN].mean():.4f}",
        }


def inputs(frame: pd.DataFrame) -> pd.DataFrame:
    """The model's input columns, as floats, in the model's order."""
    return frame.loc[:, list(FEATURE_COLUMNS)].astype("float64")


def labelled_examples(spark: SparkSession, config: MlConfig) -> pd.DataFrame:
    """Every feature row whose label is known, with the label, sorted by key."""
    orders = read_orders(spark, config)
    data_end = latest_order(orders)
    horizon = F.expr(f"INTERVAL {config.horizon_days} DAYS")
    features = spark.table(config.table(FEATURE_TABLE)).where(
        F.col("as_of") + horizon <= F.lit(data_end)
    )
    moments = [
        row.as_of
        for row in features.select("as_of").distinct().collect()
        if on_grid(row.as_of, config.cutoff_step_days)
    ]
    if not moments:
        raise InsufficientDataError(
            f"no cutoff in {config.table(FEATURE_TABLE)} is {config.horizon_days} days older "
            f"than the latest order ({data_end:%Y-%m-%d}) on the {config.cutoff_step_days}-day "
            "grid; build features over a longer history"
        )
    features = features.where(F.col("as_of").isin(moments))
    joined = features.join(labels(orders, moments, config.horizon_days), list(KEY_COLUMNS))
    frame = joined.select(*KEY_COLUMNS, *FEATURE_COLUMNS, LABEL_COLUMN).toPandas()
    return frame.sort_values(list(KEY_COLUMNS), ignore_index=True)


def _check(frame: pd.DataFrame, what: str, minimum: int) -> None:
    classes = frame[LABEL_COLUMN].nunique()
    if len(frame) < minimum or classes < 2:
        raise InsufficientDataError(
            f"the {what} set has {len(frame)} examples with {classes} label value(s); it needs "
            f"at least {minimum} and both outcomes (customers who ordered again and who did not)"
        )


def split_in_time(frame: pd.DataFrame, horizon_days: int) -> Examples:
    """Hold out the latest cutoff; train on the year of cutoffs whose horizon ended before it."""
    if frame.empty:
        raise InsufficientDataError("there are no labelled examples")
    holdout_as_of = frame["as_of"].max().to_pydatetime()
    train_end = holdout_as_of - timedelta(days=horizon_days)
    train_start = train_end - timedelta(days=TRAINING_WINDOW_DAYS)
    in_window = (frame["as_of"] > train_start) & (frame["as_of"] <= train_end)
    train = frame[in_window].reset_index(drop=True)
    holdout = frame[frame["as_of"] == holdout_as_of].reset_index(drop=True)
    _check(train, "training", MIN_TRAINING_ROWS)
    _check(holdout, "hold-out", 2)
    return Examples(train, holdout, holdout_as_of)
