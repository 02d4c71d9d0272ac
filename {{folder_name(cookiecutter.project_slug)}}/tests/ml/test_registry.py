"""Champion / challenger: a new version challenges; it takes over only when it does better."""

from __future__ import annotations

import mlflow
import pandas as pd
import pytest
from mlflow import MlflowClient

from {{ cookiecutter.package_name }}.ml.config import (
    LABEL_COLUMN,
    MlConfig,
)
from {{ cookiecutter.package_name }}.ml.dataset import Examples
from {{ cookiecutter.package_name }}.ml.registry import (
    CHALLENGER,
    CHAMPION,
    NoChallengerError,
    promote,
    version_by_alias,
)
from {{ cookiecutter.package_name }}.ml.training import train

from .conftest import Trained


def inverted(examples: Examples) -> Examples:
    """The same examples with every training label flipped: a model that ranks backwards."""
    train_rows = examples.train.copy()
    train_rows[LABEL_COLUMN] = 1 - train_rows[LABEL_COLUMN]
    return Examples(train_rows, examples.holdout, examples.holdout_as_of)


def test_a_worse_challenger_stays_challenger_and_a_better_one_takes_over(
    trained: Trained,
) -> None:
    client: MlflowClient = trained.client
    config = MlConfig("spark_catalog", "ml_trained", model="promotion_rule")
    name, holdout = config.model_name, trained.examples.holdout

    good = train(client, config, trained.examples)
    assert promote(client, name, holdout).promoted
    assert version_by_alias(client, name, CHAMPION) == good.version

    bad = train(client, config, inverted(trained.examples))
    assert version_by_alias(client, name, CHALLENGER) == bad.version
    decision = promote(client, name, holdout)
    assert not decision.promoted
    assert decision.champion_after == good.version
    assert decision.challenger_auc < 0.5 < decision.champion_auc
    assert version_by_alias(client, name, CHAMPION) == good.version
    assert version_by_alias(client, name, CHALLENGER) == bad.version
    reason = client.get_model_version(name, bad.version).tags["promotion"]
    assert reason.startswith(f"kept champion: version {bad.version}")
    assert f"does not beat version {good.version}" in reason

    # A tie does not promote: the challenger must be strictly better by min_improvement.
    same = train(client, config, trained.examples)
    assert not promote(client, name, holdout).promoted
    assert promote(client, name, holdout, min_improvement=-0.01).promoted
    assert version_by_alias(client, name, CHAMPION) == same.version
    assert version_by_alias(client, name, CHALLENGER) is None


def test_promoting_without_a_challenger_is_an_error(trained: Trained) -> None:
    with pytest.raises(NoChallengerError, match="has no version with the alias 'challenger'"):
        promote(trained.client, trained.config.model_name, trained.examples.holdout)


def test_an_unknown_model_has_no_alias(trained: Trained) -> None:
    assert version_by_alias(trained.client, "spark_catalog.nowhere.nothing", CHAMPION) is None


def test_the_champion_serves_by_alias(trained: Trained) -> None:
    scorer = mlflow.pyfunc.load_model(f"models:/{trained.config.model_name}@{CHAMPION}")
    frame = pd.DataFrame(
        [[3.0, 300.0, 100.0, 10.0, 400.0, 2.0]],
        columns=scorer.metadata.get_input_schema().input_names(),
    )
    probability = scorer.predict(frame)[0, 1]
    assert 0.0 <= probability <= 1.0
