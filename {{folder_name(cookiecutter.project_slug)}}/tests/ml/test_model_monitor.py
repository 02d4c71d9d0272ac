"""Monitoring: PSI flags a shifted population and passes a stable one; quality over time;
alerts make `ml monitor` exit non-zero, so the job's failure emails go out."""

from __future__ import annotations

from datetime import datetime

import mlflow
import numpy as np
import pandas as pd
import pytest
from pyspark.sql import SparkSession
from typer.testing import CliRunner

from {{ cookiecutter.package_name }}.cli import app
from {{ cookiecutter.package_name }}.ml.config import (
    FEATURE_TABLE,
    LABEL_COLUMN,
    MONITORING_TABLE,
    MlConfig,
)
from {{ cookiecutter.package_name }}.ml.dataset import inputs
from {{ cookiecutter.package_name }}.ml.demo import (
    History,
    write_demo_orders,
)
from {{ cookiecutter.package_name }}.ml.drift import (
    Distribution,
    baseline,
    psi,
)
from {{ cookiecutter.package_name }}.ml.features import (
    build_feature_table,
)
from {{ cookiecutter.package_name }}.ml.inference import (
    NoModelError,
    score,
)
from {{ cookiecutter.package_name }}.ml.model_monitor import (
    ALERT,
    OK,
    WARN,
    Thresholds,
    drift_checks,
    monitor,
    quality_checks,
)
from {{ cookiecutter.package_name }}.ml.registry import (
    CHAMPION,
    promote,
)
from {{ cookiecutter.package_name }}.ml.training import (
    BASELINE_ARTIFACT,
    train,
)

from .conftest import TRAINING_HISTORY, Trained

STABLE = History(customers=TRAINING_HISTORY.customers, seed=8)
SHIFTED = History(
    customers=TRAINING_HISTORY.customers, seed=8, revenue_factor=2.5, activity_factor=0.5
)


def current_population(spark: SparkSession, trained: Trained, name: str, history: History):
    """Another history's latest cutoff, with the champion's probabilities."""
    config = MlConfig("spark_catalog", f"ml_{name}")
    write_demo_orders(spark, config, history, replace=True)
    build_feature_table(spark, config, history=False)
    frame = spark.table(config.table(FEATURE_TABLE)).toPandas()
    champion = mlflow.pyfunc.load_model(f"models:/{trained.config.model_name}@{CHAMPION}")
    frame["probability"] = champion.predict(inputs(frame))[:, 1]
    return frame


@pytest.fixture(scope="module")
def training_baseline(trained: Trained) -> dict:
    return mlflow.artifacts.load_dict(f"runs:/{trained.training.run_id}/{BASELINE_ARTIFACT}")


def test_a_stable_population_passes(
    spark: SparkSession, trained: Trained, training_baseline: dict
) -> None:
    frame = current_population(spark, trained, "stable", STABLE)
    checks = drift_checks(training_baseline, frame, Thresholds(), datetime(2026, 1, 1), "1")
    assert len(checks) == 7
    assert [c for c in checks if c.status == ALERT] == []
    assert {c.column: c.status for c in checks}["prediction"] == OK


def test_a_shifted_population_is_flagged(
    spark: SparkSession, trained: Trained, training_baseline: dict
) -> None:
    frame = current_population(spark, trained, "shifted", SHIFTED)
    checks = {
        c.column: c
        for c in drift_checks(training_baseline, frame, Thresholds(), datetime(2026, 1, 1), "1")
    }
    # Baskets 2.5 times larger: the average order value moves far past the alert threshold.
    assert checks["average_order_value"].status == ALERT
    assert checks["average_order_value"].value > 1.0
    assert checks["lifetime_revenue"].status != OK


def test_psi_is_zero_for_the_same_distribution_and_grows_with_the_shift() -> None:
    rng = np.random.default_rng(0)
    values = rng.normal(size=5000)
    expected = baseline(values)
    assert len(expected.edges) == 9
    assert sum(expected.shares) == pytest.approx(1.0)
    assert psi(expected, values) == pytest.approx(0.0, abs=1e-12)
    small, large = psi(expected, values + 0.2), psi(expected, values + 1.0)
    assert 0 < small < 0.1 < 0.25 < large


def test_psi_of_a_constant_column_and_with_missing_values() -> None:
    expected = baseline([5.0] * 10)
    assert expected.edges == (5.0,)
    assert expected.shares == (1.0, 0.0)
    assert psi(expected, [5.0, float("nan")]) == pytest.approx(0.0, abs=1e-12)
    assert psi(expected, [6.0, 7.0]) > 0.25
    with pytest.raises(ValueError, match="at least one value that is not missing"):
        baseline([float("nan")])


def test_a_malformed_baseline_names_the_problem() -> None:
    with pytest.raises(ValueError, match="needs 2 shares, got 1"):
        Distribution.from_dict({"edges": [1.0], "shares": [1.0]})
    with pytest.raises(ValueError, match="numeric edges and shares"):
        Distribution.from_dict({"edges": [1.0]})
    with pytest.raises(ValueError, match="no distribution for 'orders'"):
        drift_checks({}, pd.DataFrame(), Thresholds(), datetime(2024, 1, 1), "1")
    distribution = Distribution((1.0,), (0.5, 0.5))
    assert Distribution.from_dict(distribution.to_dict()) == distribution


def test_thresholds_are_checked_and_rate_values() -> None:
    thresholds = Thresholds()
    assert [thresholds.psi_status(v) for v in (0.05, 0.2, 0.3)] == [OK, WARN, ALERT]
    assert [thresholds.auc_status(v) for v in (0.8, 0.65, 0.5)] == [OK, WARN, ALERT]
    with pytest.raises(ValueError, match="PSI thresholds need 0 <= warn <= alert"):
        Thresholds(psi_warn=0.3, psi_alert=0.2)
    with pytest.raises(ValueError, match="AUC thresholds need 0 <= alert <= warn <= 1"):
        Thresholds(auc_warn=0.5, auc_alert=0.6)


def test_quality_over_time_rates_each_cutoff() -> None:
    good = pd.DataFrame({"probability": [0.9, 0.8, 0.2, 0.1], LABEL_COLUMN: [1, 1, 0, 0]})
    bad = good.assign(probability=good["probability"][::-1].to_numpy())
    one_class = good.assign(**{LABEL_COLUMN: 1})
    scored = pd.concat(
        [
            good.assign(as_of=pd.Timestamp("2024-01-01"), model_version="1"),
            bad.assign(as_of=pd.Timestamp("2024-02-01"), model_version="1"),
            one_class.assign(as_of=pd.Timestamp("2024-03-01"), model_version="1"),
        ]
    )
    checks = [
        (c.as_of.month, c.metric, round(c.value, 3), c.status)
        for c in quality_checks(scored, Thresholds())
    ]
    assert checks == [
        (1, "brier", 0.025, OK),
        (1, "roc_auc", 1.0, OK),
        (2, "brier", 0.725, OK),
        (2, "roc_auc", 0.0, ALERT),
        (3, "brier", 0.375, OK),
    ]


def test_monitor_records_drift_and_quality_and_exits_non_zero_on_alerts(
    spark: SparkSession, trained: Trained
) -> None:
    config = trained.config
    # Score the hold-out cutoff too: its outcomes are known, so quality can be measured.
    score(spark, trained.client, config, trained.examples.holdout_as_of)
    report = monitor(spark, trained.client, config, Thresholds())
    drift = [c for c in report.checks if c.kind == "drift"]
    quality = {c.metric: c for c in report.checks if c.kind == "quality"}
    assert {c.as_of for c in drift} == {trained.scoring.as_of}
    assert report.latest_evaluated == trained.examples.holdout_as_of
    assert quality["roc_auc"].value == pytest.approx(trained.training.metrics["holdout_roc_auc"])
    assert quality["roc_auc"].status == OK
    assert report.alerts == []
    history = spark.table(config.table(MONITORING_TABLE))
    assert history.count() == len(report.checks)

    runner = CliRunner()
    common = ["ml", "monitor", "--catalog", "spark_catalog", "--schema", config.schema]
    calm = runner.invoke(app, common)
    assert calm.exit_code == 0, calm.output
    assert "0 alerts" in calm.output
    strict = runner.invoke(app, [*common, "--psi-warn", "0", "--psi-alert", "0"])
    assert strict.exit_code == 1, strict.output
    assert "[alert]" in strict.output
    assert "7 alerts" in strict.output
    refused = runner.invoke(app, [*common, "--psi-warn", "0.5", "--psi-alert", "0.1"])
    assert refused.exit_code == 2
    assert "PSI thresholds" in refused.output


def test_monitoring_without_a_champion_is_an_error(spark: SparkSession, trained: Trained) -> None:
    config = MlConfig("spark_catalog", "ml_trained", model="never_trained")
    with pytest.raises(NoModelError, match="nothing to monitor"):
        monitor(spark, trained.client, config, Thresholds())


def test_a_champion_that_has_not_scored_yet_is_a_note_not_an_alert(
    spark: SparkSession, trained: Trained
) -> None:
    for schema, note in (
        ("ml_no_predictions", "does not exist yet: nothing has been scored"),
        ("ml_trained", "has scored nothing yet; no drift to check"),
    ):
        config = MlConfig("spark_catalog", schema, model="unscored")
        train(trained.client, config, trained.examples)
        promote(trained.client, config.model_name, trained.examples.holdout)
        report = monitor(spark, trained.client, config, Thresholds())
        assert len(report.notes) == 1
        assert note in report.notes[0]
        assert [c for c in report.checks if c.kind == "drift"] == []
        assert report.alerts == []
