"""Which MLflow store: the workspace's with the Unity Catalog registry, or a local SQLite one."""

from __future__ import annotations

from pathlib import Path

import pytest
from mlflow import MlflowClient
from pyspark.sql import SparkSession

from {{ cookiecutter.package_name }}.ml.config import MlConfig
from {{ cookiecutter.package_name }}.ml.demo import (
    History,
    order_rows,
    write_demo_orders,
)
from {{ cookiecutter.package_name }}.ml.tracking import (
    UC_REGISTRY,
    Store,
    local_store,
    store_for,
    use_experiment,
)


def test_on_databricks_runs_go_to_the_workspace_and_models_to_unity_catalog(
    spark: SparkSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABRICKS_RUNTIME_VERSION", "17.3")
    assert store_for(spark) == Store("databricks", UC_REGISTRY, None)


def test_locally_one_sqlite_database_beside_the_warehouse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    store = local_store(tmp_path / "warehouse")
    database = (tmp_path / "mlflow" / "mlflow.db").resolve()
    assert store.tracking_uri == store.registry_uri == f"sqlite:///{database}"
    assert store.artifact_root == (tmp_path / "mlflow" / "artifacts").resolve().as_uri()
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "sqlite:////elsewhere/mlflow.db")
    assert local_store(tmp_path / "warehouse").tracking_uri == "sqlite:////elsewhere/mlflow.db"


def test_an_existing_experiment_is_reused(mlflow_client: tuple[Store, MlflowClient]) -> None:
    store, client = mlflow_client
    first = use_experiment(client, store, "/Users/tester/reused")
    assert use_experiment(client, store, "/Users/tester/reused") == first
    location = client.get_experiment(first).artifact_location
    assert location == f"{store.artifact_root}/Users_tester_reused"


def test_demo_orders_refuse_to_run_on_databricks_and_need_customers(
    spark: SparkSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ValueError, match="at least one customer and one day"):
        order_rows(History(customers=0))
    monkeypatch.setenv("DATABRICKS_RUNTIME_VERSION", "17.3")
    with pytest.raises(RuntimeError, match="demo orders are for local runs"):
        write_demo_orders(spark, MlConfig("spark_catalog", "ml_refused"))
