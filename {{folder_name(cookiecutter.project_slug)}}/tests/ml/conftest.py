"""A trained, promoted and scored model on a synthetic order history, shared by the ML tests.

The history comes from `ml.demo` (silver_orders' shape, fixed seed), written to its own schema;
MLflow runs and the registry go to the local SQLite store beside the session's warehouse.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from mlflow import MlflowClient
from pyspark.sql import SparkSession

from {{ cookiecutter.package_name }}.ml.config import MlConfig
from {{ cookiecutter.package_name }}.ml.dataset import (
    Examples,
    labelled_examples,
    split_in_time,
)
from {{ cookiecutter.package_name }}.ml.demo import (
    History,
    write_demo_orders,
)
from {{ cookiecutter.package_name }}.ml.features import (
    build_feature_table,
)
from {{ cookiecutter.package_name }}.ml.inference import (
    ScoringResult,
    score,
)
from {{ cookiecutter.package_name }}.ml.registry import (
    Decision,
    promote,
)
from {{ cookiecutter.package_name }}.ml.tracking import (
    Store,
    store_for,
    use_experiment,
    use_store,
)
from {{ cookiecutter.package_name }}.ml.training import (
    TrainingResult,
    train,
)

TRAINING_HISTORY = History(seed=7)  # 400 customers: PSI on fewer rows is noisy
EXPERIMENT = "/Users/tester/ml_tests"


@dataclass(frozen=True)
class Trained:
    config: MlConfig
    store: Store
    client: MlflowClient
    examples: Examples
    training: TrainingResult
    decision: Decision
    scoring: ScoringResult


@pytest.fixture(scope="session")
def mlflow_client(spark: SparkSession) -> tuple[Store, MlflowClient]:
    """The local MLflow store of the test session, with the test experiment active."""
    store = store_for(spark)
    client = use_store(store)
    use_experiment(client, store, EXPERIMENT)
    return store, client


@pytest.fixture(scope="session")
def trained(spark: SparkSession, mlflow_client: tuple[Store, MlflowClient]) -> Trained:
    """Demo history -> features -> train -> promote -> score, once per session."""
    store, client = mlflow_client
    config = MlConfig("spark_catalog", "ml_trained")
    write_demo_orders(spark, config, TRAINING_HISTORY)
    build_feature_table(spark, config)
    examples = split_in_time(labelled_examples(spark, config), config.horizon_days)
    training = train(client, config, examples)
    decision = promote(client, config.model_name, examples.holdout)
    scoring = score(spark, client, config)
    return Trained(config, store, client, examples, training, decision, scoring)
