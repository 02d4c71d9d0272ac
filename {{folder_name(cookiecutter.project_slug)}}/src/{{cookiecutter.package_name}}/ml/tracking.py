"""Which MLflow store the ML jobs use: the workspace's, or a local one beside the tables.

On Databricks, runs go to the workspace's tracking server and models to the Unity Catalog
registry (`databricks-uc`), under their three-level names. Elsewhere both go to one SQLite
database, `mlflow/mlflow.db`, beside the local Spark warehouse (so `<project>/.local/mlflow`
for `pipeline run`, a temporary folder in tests), with artifacts in `mlflow/artifacts`. The
SQLite store keeps the registry, versions and aliases offline; `MLFLOW_TRACKING_URI` in the
environment overrides the local choice.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import mlflow
from mlflow import MlflowClient
from pyspark.sql import SparkSession

from ..runtime import on_databricks

UC_REGISTRY = "databricks-uc"


@dataclass(frozen=True)
class Store:
    """Where runs, artifacts and registered models go."""

    tracking_uri: str
    registry_uri: str
    artifact_root: str | None  # None: the tracking server decides (Databricks)


def local_store(warehouse: Path) -> Store:
    """The SQLite store and artifact folder beside a local warehouse folder."""
    folder = warehouse.resolve().parent / "mlflow"
    folder.mkdir(parents=True, exist_ok=True)
    uri = os.environ.get("MLFLOW_TRACKING_URI") or f"sqlite:///{folder / 'mlflow.db'}"
    return Store(uri, uri, (folder / "artifacts").as_uri())


def store_for(spark: SparkSession) -> Store:
    """The workspace's store on Databricks, else the local one beside Spark's warehouse."""
    if on_databricks():
        return Store("databricks", UC_REGISTRY, None)
    warehouse = spark.conf.get("spark.sql.warehouse.dir") or "spark-warehouse"
    return local_store(Path(warehouse.removeprefix("file:")))


def use_store(store: Store) -> MlflowClient:
    """Point MLflow at `store`; returns a client bound to it."""
    mlflow.set_tracking_uri(store.tracking_uri)
    mlflow.set_registry_uri(store.registry_uri)
    return MlflowClient(store.tracking_uri, store.registry_uri)


def use_experiment(client: MlflowClient, store: Store, name: str) -> str:
    """Make `name` the active experiment (created locally with its artifacts in the store's
    folder; in the workspace the bundle creates it); returns its id."""
    experiment = client.get_experiment_by_name(name)
    if experiment is None:
        location = f"{store.artifact_root}/{_safe(name)}" if store.artifact_root else None
        experiment_id = client.create_experiment(name, artifact_location=location)
    else:
        experiment_id = experiment.experiment_id
    mlflow.set_experiment(experiment_id=experiment_id)
    return experiment_id


def _safe(name: str) -> str:
    """An experiment name (often a workspace path) as one folder name."""
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name.strip("/")) or "default"
