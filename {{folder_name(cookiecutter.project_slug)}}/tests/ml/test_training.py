"""Training: time-split examples, a deterministic model, everything logged and registered."""

from __future__ import annotations

from datetime import timedelta

import mlflow
import pandas as pd
import pytest
from mlflow import MlflowClient

from {{ cookiecutter.package_name }}.ml.config import (
    FEATURE_COLUMNS,
    LABEL_COLUMN,
)
from {{ cookiecutter.package_name }}.ml.dataset import (
    TRAINING_WINDOW_DAYS,
    InsufficientDataError,
    inputs,
    split_in_time,
)
from {{ cookiecutter.package_name }}.ml.registry import (
    CHALLENGER,
    CHAMPION,
    version_by_alias,
)
from {{ cookiecutter.package_name }}.ml.training import (
    BASELINE_ARTIFACT,
    PREDICTION,
    build_model,
)

from .conftest import Trained


def test_hold_out_is_the_latest_labelled_cutoff_and_training_ends_a_horizon_before(
    trained: Trained,
) -> None:
    examples = trained.examples
    assert set(examples.holdout["as_of"]) == {pd.Timestamp(examples.holdout_as_of)}
    horizon = timedelta(days=trained.config.horizon_days)
    assert examples.train["as_of"].max() + horizon <= pd.Timestamp(examples.holdout_as_of)
    window = timedelta(days=TRAINING_WINDOW_DAYS)
    assert examples.train["as_of"].min() + horizon + window > pd.Timestamp(examples.holdout_as_of)
    assert examples.train[LABEL_COLUMN].nunique() == 2


def test_the_model_ranks_customers_well_on_the_hold_out(trained: Trained) -> None:
    metrics = trained.training.metrics
    assert metrics["holdout_roc_auc"] > 0.8
    assert 0 < metrics["holdout_brier"] < 0.2
    assert set(metrics) >= {"train_roc_auc", "holdout_average_precision", "holdout_log_loss"}


def test_training_is_deterministic(trained: Trained) -> None:
    train = trained.examples.train
    first = build_model().fit(inputs(train), train[LABEL_COLUMN])
    second = build_model().fit(inputs(train), train[LABEL_COLUMN])
    assert (first[-1].coef_ == second[-1].coef_).all()


def test_the_run_logs_parameters_metrics_baseline_and_a_model_with_signature(
    trained: Trained,
) -> None:
    run = trained.client.get_run(trained.training.run_id)
    assert run.data.params["horizon_days"] == "90"
    assert run.data.params["features"] == ",".join(FEATURE_COLUMNS)
    assert run.data.metrics["holdout_roc_auc"] == pytest.approx(
        trained.training.metrics["holdout_roc_auc"]
    )
    baseline = mlflow.artifacts.load_dict(f"runs:/{run.info.run_id}/{BASELINE_ARTIFACT}")
    assert set(baseline) == {*FEATURE_COLUMNS, PREDICTION}
    uri = f"models:/{trained.config.model_name}/{trained.training.version}"
    info = mlflow.models.get_model_info(uri)
    assert [column["name"] for column in info.signature.inputs.to_dict()] == list(FEATURE_COLUMNS)
    assert info.saved_input_example_info is not None
    probabilities = mlflow.pyfunc.load_model(uri).predict(inputs(trained.examples.holdout))
    assert probabilities.shape == (len(trained.examples.holdout), 2)


def test_the_first_version_is_registered_and_promoted(trained: Trained) -> None:
    client: MlflowClient = trained.client
    name = trained.config.model_name
    assert name == "spark_catalog.ml_trained.customer_repurchase"
    assert version_by_alias(client, name, CHAMPION) == trained.training.version
    assert version_by_alias(client, name, CHALLENGER) is None
    assert trained.decision.promoted
    assert trained.decision.champion_before is None
    tags = client.get_model_version(name, trained.training.version).tags
    assert tags["promotion"] == "promoted version 1: there was no champion"


def test_too_few_examples_are_refused_with_the_counts() -> None:
    frame = pd.DataFrame(
        {
            "customer_id": ["C1", "C2"],
            "as_of": pd.to_datetime(["2024-01-01", "2024-06-01"]),
            **{column: [1.0, 2.0] for column in FEATURE_COLUMNS},
            LABEL_COLUMN: [1, 0],
        }
    )
    with pytest.raises(InsufficientDataError, match="training set has 1 examples with 1 label"):
        split_in_time(frame, 90)
    with pytest.raises(InsufficientDataError, match="no labelled examples"):
        split_in_time(frame.iloc[0:0], 90)
