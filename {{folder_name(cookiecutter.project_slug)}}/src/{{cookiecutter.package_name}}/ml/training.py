"""Train the repurchase model, evaluate it on the hold-out cutoff, log and register it.

The model is a scikit-learn pipeline (standard scaling, then logistic regression): small,
fast, deterministic and readable through its coefficients, which suits six numeric features.
Everything goes to MLflow: parameters, hold-out metrics, the model with its signature and an
input example, the drift baseline of its training data (`monitoring/baseline.json`), and a new
version of the registered model, which becomes the challenger (see `registry`).
"""

from __future__ import annotations

import importlib.metadata
from dataclasses import dataclass, field

import mlflow
import pandas as pd
from mlflow import MlflowClient
from mlflow.models import infer_signature
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    brier_score_loss,
    log_loss,
    roc_auc_score,
)
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from .config import FEATURE_COLUMNS, LABEL_COLUMN, MlConfig
from .dataset import Examples, inputs
from .drift import baseline
from .registry import make_challenger

SEED = 0
BASELINE_ARTIFACT = "monitoring/baseline.json"
PREDICTION = "prediction"
# What the logged model needs to load and predict, pinned to the versions it was trained with.
MODEL_REQUIREMENTS = ("scikit-learn", "skops", "pandas", "numpy")


@dataclass(frozen=True)
class TrainingResult:
    run_id: str
    model: str
    version: str
    metrics: dict[str, float] = field(default_factory=dict)


def build_model(regularisation: float = 1.0) -> Pipeline:
    """The untrained pipeline; `regularisation` is logistic regression's C."""
    return Pipeline(
        [
            ("scale", StandardScaler()),
            ("classify", LogisticRegression(C=regularisation, max_iter=1000, random_state=SEED)),
        ]
    )


def probabilities(model: Pipeline, frame: pd.DataFrame) -> pd.Series:
    """The probability of ordering again, per row of `frame`."""
    return pd.Series(model.predict_proba(inputs(frame))[:, 1], index=frame.index)


def evaluate(model: Pipeline, frame: pd.DataFrame, prefix: str) -> dict[str, float]:
    """Ranking and calibration metrics of `model` on labelled rows."""
    truth, predicted = frame[LABEL_COLUMN], probabilities(model, frame)
    return {
        f"{prefix}_roc_auc": float(roc_auc_score(truth, predicted)),
        f"{prefix}_average_precision": float(average_precision_score(truth, predicted)),
        f"{prefix}_log_loss": float(log_loss(truth, predicted, labels=[0, 1])),
        f"{prefix}_brier": float(brier_score_loss(truth, predicted)),
        f"{prefix}_accuracy": float(accuracy_score(truth, predicted >= 0.5)),
    }


def drift_baseline(model: Pipeline, train: pd.DataFrame) -> dict[str, dict[str, list[float]]]:
    """The distribution of every feature, and of the predictions, on the training rows."""
    result = {
        column: baseline(train[column].astype("float64")).to_dict() for column in FEATURE_COLUMNS
    }
    result[PREDICTION] = baseline(probabilities(model, train)).to_dict()
    return result


def requirements() -> list[str]:
    return [f"{name}=={importlib.metadata.version(name)}" for name in MODEL_REQUIREMENTS]


def train(
    client: MlflowClient, config: MlConfig, examples: Examples, regularisation: float = 1.0
) -> TrainingResult:
    """Fit on the training cutoffs, evaluate on the hold-out, log, register as challenger."""
    model = build_model(regularisation).fit(inputs(examples.train), examples.train[LABEL_COLUMN])
    metrics = evaluate(model, examples.train, "train")
    metrics |= evaluate(model, examples.holdout, "holdout")
    example = inputs(examples.train.head(5))
    with mlflow.start_run(run_name=f"train {config.model}") as run:
        mlflow.log_params(
            {
                "model": "StandardScaler + LogisticRegression",
                "regularisation": regularisation,
                "seed": SEED,
                "horizon_days": config.horizon_days,
                "cutoff_step_days": config.cutoff_step_days,
                "features": ",".join(FEATURE_COLUMNS),
                **examples.describe(),
            }
        )
        mlflow.log_metrics(metrics)
        mlflow.log_dict(drift_baseline(model, examples.train), BASELINE_ARTIFACT)
        info = mlflow.sklearn.log_model(
            model,
            name="model",
            signature=infer_signature(example, model.predict_proba(example)),
            input_example=example,
            pyfunc_predict_fn="predict_proba",
            pip_requirements=requirements(),
            registered_model_name=config.model_name,
        )
    version = str(info.registered_model_version)
    make_challenger(client, config.model_name, version)
    return TrainingResult(run.info.run_id, config.model_name, version, metrics)
