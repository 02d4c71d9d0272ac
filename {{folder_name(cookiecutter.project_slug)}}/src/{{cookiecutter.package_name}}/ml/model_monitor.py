"""Model monitoring: drift of the inputs and predictions, and quality once outcomes are known.

- Drift: for the champion's latest scored cutoff, the PSI of every feature and of the predicted
  probabilities against the baseline logged with the champion's training run
  (`monitoring/baseline.json`).
- Quality over time: for every scored cutoff whose horizon has passed, the ROC AUC and Brier
  score of the predictions against what customers actually did.

Each value gets a status against its thresholds (ok, warn, alert); all of them are appended to
`ml_monitoring_metrics`, a history for dashboards. Alerts are the drift alerts and the quality
alerts of the latest cutoff with known outcomes (older ones were reported when they were new);
the `ml monitor` command exits non-zero on any, so the job fails and its email notifications
go out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import mlflow
import pandas as pd
from mlflow import MlflowClient
from pyspark.sql import SparkSession
from pyspark.sql import functions as F
from sklearn.metrics import brier_score_loss, roc_auc_score

from .config import (
    FEATURE_COLUMNS,
    FEATURE_TABLE,
    KEY_COLUMNS,
    LABEL_COLUMN,
    MONITORING_TABLE,
    PREDICTIONS_TABLE,
    MlConfig,
)
from .drift import Distribution, psi
from .features import labels, latest_order, read_orders
from .inference import NoModelError
from .registry import CHAMPION, version_by_alias
from .training import BASELINE_ARTIFACT, PREDICTION

OK, WARN, ALERT = "ok", "warn", "alert"
_SCHEMA = (
    "monitored_at TIMESTAMP, model_name STRING, model_version STRING, as_of TIMESTAMP, "
    "kind STRING, column_name STRING, metric STRING, value DOUBLE, warn_threshold DOUBLE, "
    "alert_threshold DOUBLE, status STRING"
)


@dataclass(frozen=True)
class Thresholds:
    """PSI above `psi_warn` / `psi_alert` warns / alerts; AUC below `auc_*` does."""

    psi_warn: float = 0.1
    psi_alert: float = 0.25
    auc_warn: float = 0.7
    auc_alert: float = 0.6

    def __post_init__(self) -> None:
        if not 0 <= self.psi_warn <= self.psi_alert:
            raise ValueError(
                f"PSI thresholds need 0 <= warn <= alert, got {self.psi_warn}, {self.psi_alert}"
            )
        if not 0 <= self.auc_alert <= self.auc_warn <= 1:
            raise ValueError(
                f"AUC thresholds need 0 <= alert <= warn <= 1, got {self.auc_alert}, "
                f"{self.auc_warn}"
            )

    def psi_status(self, value: float) -> str:
        return ALERT if value > self.psi_alert else WARN if value > self.psi_warn else OK

    def auc_status(self, value: float) -> str:
        return ALERT if value < self.auc_alert else WARN if value < self.auc_warn else OK


@dataclass(frozen=True)
class Check:
    """One monitored value."""

    kind: str  # drift or quality
    column: str  # a feature, `prediction`, or `prediction` for quality metrics
    metric: str
    value: float
    as_of: datetime
    model_version: str
    status: str
    warn_threshold: float | None = None
    alert_threshold: float | None = None

    def describe(self) -> str:
        return (
            f"{self.kind} {self.metric} of {self.column} at {self.as_of:%Y-%m-%d} "
            f"(version {self.model_version}): {self.value:.4f} [{self.status}]"
        )


@dataclass
class MonitoringReport:
    model: str
    version: str
    checks: list[Check] = field(default_factory=list)
    latest_evaluated: datetime | None = None  # latest cutoff whose outcomes are known
    notes: list[str] = field(default_factory=list)  # what could not be checked yet, and why

    def _current(self, check: Check) -> bool:
        return check.kind == "drift" or check.as_of == self.latest_evaluated

    @property
    def alerts(self) -> list[Check]:
        return [c for c in self.checks if c.status == ALERT and self._current(c)]

    @property
    def warnings(self) -> list[Check]:
        return [c for c in self.checks if c.status == WARN and self._current(c)]


def drift_checks(
    baseline: dict[str, dict[str, list[float]]],
    current: pd.DataFrame,
    thresholds: Thresholds,
    as_of: datetime,
    version: str,
) -> list[Check]:
    """PSI of each feature and of `probability` in `current` against the baseline."""
    columns = {**{column: column for column in FEATURE_COLUMNS}, PREDICTION: "probability"}
    checks = []
    for name, source in columns.items():
        if name not in baseline:
            raise ValueError(f"the drift baseline has no distribution for {name!r}")
        value = psi(Distribution.from_dict(baseline[name]), current[source].astype("float64"))
        checks.append(
            Check(
                "drift",
                name,
                "psi",
                value,
                as_of,
                version,
                thresholds.psi_status(value),
                thresholds.psi_warn,
                thresholds.psi_alert,
            )
        )
    return checks


def quality_checks(scored: pd.DataFrame, thresholds: Thresholds) -> list[Check]:
    """Per scored cutoff and version with known outcomes: ROC AUC (with a status) and Brier."""
    checks = []
    for (as_of, version), group in scored.groupby(["as_of", "model_version"], sort=True):
        moment = pd.Timestamp(as_of).to_pydatetime()
        truth, predicted = group[LABEL_COLUMN], group["probability"]
        brier = float(brier_score_loss(truth, predicted))
        checks.append(Check("quality", PREDICTION, "brier", brier, moment, str(version), OK))
        if truth.nunique() < 2:
            continue  # AUC needs both outcomes; the Brier score above still tracks the cutoff
        auc = float(roc_auc_score(truth, predicted))
        checks.append(
            Check(
                "quality",
                PREDICTION,
                "roc_auc",
                auc,
                moment,
                str(version),
                thresholds.auc_status(auc),
                thresholds.auc_warn,
                thresholds.auc_alert,
            )
        )
    return checks


def champion_baseline(client: MlflowClient, model: str) -> tuple[str, dict]:
    """The champion's version and the drift baseline logged with its training run."""
    version = version_by_alias(client, model, CHAMPION)
    if version is None:
        raise NoModelError(f"no version of {model} has the alias {CHAMPION!r}; nothing to monitor")
    run_id = client.get_model_version(model, version).run_id
    return version, mlflow.artifacts.load_dict(f"runs:/{run_id}/{BASELINE_ARTIFACT}")


def monitor(
    spark: SparkSession, client: MlflowClient, config: MlConfig, thresholds: Thresholds
) -> MonitoringReport:
    """Check drift and quality of the champion's predictions; append the checks to the table."""
    version, baseline = champion_baseline(client, config.model_name)
    report = MonitoringReport(config.model_name, version)
    table = config.table(PREDICTIONS_TABLE)
    if not spark.catalog.tableExists(table):
        report.notes.append(f"{table} does not exist yet: nothing has been scored to monitor")
        return report
    predictions = spark.table(table).where(F.col("model_name") == config.model_name)
    champion = predictions.where(F.col("model_version") == version)
    latest = champion.agg(F.max("as_of")).first()[0]
    if latest is None:
        # A champion promoted since the last scoring run: not an alert, the next run scores.
        report.notes.append(f"version {version} has scored nothing yet; no drift to check")
    else:
        current = (
            spark.table(config.table(FEATURE_TABLE))
            .join(champion, list(KEY_COLUMNS))
            .where(F.col("as_of") == F.lit(latest))
            .toPandas()
        )
        report.checks += drift_checks(baseline, current, thresholds, latest, version)

    orders = read_orders(spark, config)
    data_end = latest_order(orders)
    horizon = F.expr(f"INTERVAL {config.horizon_days} DAYS")
    evaluable = predictions.where(F.col("as_of") + horizon <= F.lit(data_end))
    moments = [row.as_of for row in evaluable.select("as_of").distinct().collect()]
    if moments:
        outcomes = labels(orders, moments, config.horizon_days)
        scored = evaluable.join(outcomes, list(KEY_COLUMNS)).toPandas()
        report.checks += quality_checks(scored, thresholds)
        report.latest_evaluated = max(moments)
    if report.checks:
        _append(spark, config, report)
    return report


def _append(spark: SparkSession, config: MlConfig, report: MonitoringReport) -> None:
    now = datetime.now(UTC)
    rows = [
        (
            now,
            report.model,
            check.model_version,
            check.as_of,
            check.kind,
            check.column,
            check.metric,
            check.value,
            check.warn_threshold,
            check.alert_threshold,
            check.status,
        )
        for check in report.checks
    ]
    spark.createDataFrame(rows, _SCHEMA).write.format("delta").mode("append").saveAsTable(
        config.table(MONITORING_TABLE)
    )
