"""Champion and challenger: which registered version scores, and when a new one takes over.

The rule: a newly trained version becomes the `challenger`. It is promoted to `champion` when
there is no champion yet, or when its ROC AUC on the current hold-out set (the latest cutoff
with a known outcome) beats the champion's on the same rows by more than `min_improvement`
(default 0: strictly better). Both are scored on the same rows, so the comparison is fair even
though they were trained at different times. A promoted version loses the challenger alias; a
version that lost keeps it, for inspection, until the next training replaces it. Each decision
is written on the challenger version as the tag `promotion`.
"""

from __future__ import annotations

from dataclasses import dataclass

import mlflow
import pandas as pd
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException
from sklearn.metrics import roc_auc_score

from .config import LABEL_COLUMN
from .dataset import inputs

CHAMPION = "champion"
CHALLENGER = "challenger"
PROMOTION_METRIC = "roc_auc"


class NoChallengerError(LookupError):
    """The model has no challenger version to promote."""


@dataclass(frozen=True)
class Decision:
    """The outcome of one promotion: which version is champion afterwards, and why."""

    model: str
    challenger: str
    champion_before: str | None
    challenger_auc: float
    champion_auc: float | None
    promoted: bool

    @property
    def champion_after(self) -> str:
        return self.challenger if self.promoted else str(self.champion_before)

    @property
    def reason(self) -> str:
        if self.champion_before is None:
            return f"promoted version {self.challenger}: there was no champion"
        verdict = "beats" if self.promoted else "does not beat"
        return (
            f"{'promoted' if self.promoted else 'kept champion'}: version {self.challenger} "
            f"(hold-out {PROMOTION_METRIC} {self.challenger_auc:.4f}) {verdict} version "
            f"{self.champion_before} ({self.champion_auc:.4f})"
        )


def version_by_alias(client: MlflowClient, model: str, alias: str) -> str | None:
    """The version that carries `alias`, or None when no version does."""
    try:
        return str(client.get_model_version_by_alias(model, alias).version)
    except MlflowException as error:
        if error.error_code in {"RESOURCE_DOES_NOT_EXIST", "INVALID_PARAMETER_VALUE", "NOT_FOUND"}:
            return None
        raise


def make_challenger(client: MlflowClient, model: str, version: str) -> None:
    """Give a newly registered version the challenger alias."""
    client.set_registered_model_alias(model, CHALLENGER, version)


def holdout_auc(model: str, version: str, holdout: pd.DataFrame) -> float:
    """ROC AUC of a registered version's probabilities on the hold-out rows."""
    scorer = mlflow.pyfunc.load_model(f"models:/{model}/{version}")
    probabilities = scorer.predict(inputs(holdout))[:, 1]
    return float(roc_auc_score(holdout[LABEL_COLUMN], probabilities))


def promote(
    client: MlflowClient, model: str, holdout: pd.DataFrame, min_improvement: float = 0.0
) -> Decision:
    """Apply the promotion rule to the current challenger (see the module docstring)."""
    challenger = version_by_alias(client, model, CHALLENGER)
    if challenger is None:
        raise NoChallengerError(f"model {model} has no version with the alias {CHALLENGER!r}")
    champion = version_by_alias(client, model, CHAMPION)
    challenger_auc = holdout_auc(model, challenger, holdout)
    champion_auc = None if champion is None else holdout_auc(model, champion, holdout)
    promoted = champion_auc is None or challenger_auc > champion_auc + min_improvement
    decision = Decision(model, challenger, champion, challenger_auc, champion_auc, promoted)
    if promoted:
        client.set_registered_model_alias(model, CHAMPION, challenger)
        client.delete_registered_model_alias(model, CHALLENGER)
    client.set_model_version_tag(model, challenger, "promotion", decision.reason)
    return decision
